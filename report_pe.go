package filerep

import (
	"bytes"
	"fmt"

	"github.com/filerep/filerep/pe/rsrc"
)

// This file holds the report's shapes of what package pe and its
// resource decoder (pe/rsrc) find: convert_pe.go copies their results
// into these types, so that the report's JSON is defined here.

// Kind is what a file is, as FileInfo.Kind says it.
type Kind string

// Kinds of file; the values are those of pe.Kind.
const (
	KindEXE    Kind = "exe"
	KindDLL    Kind = "dll"
	KindDriver Kind = "driver"
	KindEFI    Kind = "efi"
	KindMUI    Kind = "mui"
	// KindNotPE is a file that was read and is not a PE image.
	KindNotPE Kind = "not-pe"
	// KindUnreadable is a file whose bytes could not be read: a missing
	// path, one that is not a regular file, a read error, or a deadline
	// that ended before its bytes were read or parsed. Unlike not-pe it
	// says nothing about what the file is.
	KindUnreadable Kind = "unreadable"
)

// VersionSummary is a version resource in the report's "version_info"
// shape: the primary strings (from one StringTable), the fixed versions,
// and every StringTable in file order.
type VersionSummary struct {
	CompanyName         string        `json:"company_name,omitempty"`          // "CompanyName"
	FileDescription     string        `json:"file_description,omitempty"`      // "FileDescription"
	ProductName         string        `json:"product_name,omitempty"`          // "ProductName"
	OriginalFilename    string        `json:"original_filename,omitempty"`     // "OriginalFilename"
	InternalName        string        `json:"internal_name,omitempty"`         // "InternalName"
	FileVersion         string        `json:"file_version,omitempty"`          // "FileVersion" (text)
	ProductVersion      string        `json:"product_version,omitempty"`       // "ProductVersion" (text)
	LegalCopyright      string        `json:"legal_copyright,omitempty"`       // "LegalCopyright"
	FixedFileVersion    string        `json:"fixed_file_version,omitempty"`    // VS_FIXEDFILEINFO, a.b.c.d
	FixedProductVersion string        `json:"fixed_product_version,omitempty"` // VS_FIXEDFILEINFO, a.b.c.d
	Tables              []StringTable `json:"tables"`                          // every StringTable, file order
	// PrimaryTable is the index in Tables of the table the primary strings
	// come from, -1 when there is none (or it is past the tables kept).
	PrimaryTable int `json:"primary_table"`
	// TablesOmitted counts the tables left out of Tables.
	TablesOmitted int `json:"tables_omitted,omitempty"`
}

// StringTable is one StringTable block of a version resource: the strings
// of one language and code page.
type StringTable struct {
	// LangCodepage is the block's key in lower case, normally 8 hex digits
	// ("040904b0").
	LangCodepage string `json:"lang_codepage"`
	// Language is the locale name of LangID ("en-US"), or "" for neutral
	// and unknown LANGIDs.
	Language string `json:"language"`
	LangID   uint16 `json:"lang_id"`  // first 4 hex digits of the key
	CodePage uint16 `json:"codepage"` // last 4 hex digits of the key
	// ResourceLangID and ResourceLanguage are the language of the
	// RT_VERSION resource holding the table, which may differ from the
	// table's own.
	ResourceLangID   uint16 `json:"resource_lang_id"`
	ResourceLanguage string `json:"resource_language"`
	// Strings are the key/value pairs in file order.
	Strings VersionStrings `json:"strings"`
}

// Get is shorthand for t.Strings.Get(key).
func (t *StringTable) Get(key string) (string, bool) { return t.Strings.Get(key) }

// StringPair is one key/value pair of a StringTable.
type StringPair struct {
	Key   string `json:"key"`   // e.g. "CompanyName"
	Value string `json:"value"` // text up to its first NUL
}

// VersionStrings holds a StringTable's pairs in file order. Keys may
// repeat in hostile files; every pair is kept.
//
// It marshals to a JSON object whose members are in file order; a
// repeated key is written once, with its first value. Its keys and values
// are always written with <, > and & escaped (\u003c…), whatever the
// encoder's SetEscapeHTML says, as filerep/v1 reports have always had
// them. Unmarshalling keeps the order of the object's members.
type VersionStrings []StringPair

// Get returns the value of the first pair whose key equals key, or failing
// that the first whose key matches case-insensitively (as Windows'
// VerQueryValue does), the lookup rsrc.Strings.Get makes.
func (s VersionStrings) Get(key string) (string, bool) { return s.toRsrc().Get(key) }

// MarshalJSON writes s as a JSON object in file order, exactly as
// rsrc.Strings does (the first of repeated keys; keys and values escaped
// by json.Marshal: the contract's bytes).
func (s VersionStrings) MarshalJSON() ([]byte, error) { return s.toRsrc().MarshalJSON() }

// toRsrc is s as the resource reader's type, whose lookup and JSON
// VersionStrings shares.
func (s VersionStrings) toRsrc() rsrc.Strings {
	r := make(rsrc.Strings, len(s))
	for i, p := range s {
		r[i] = rsrc.StringPair(p)
	}
	return r
}

// UnmarshalJSON reads a JSON object of strings, keeping member order.
// JSON null leaves s unchanged.
func (s *VersionStrings) UnmarshalJSON(b []byte) error {
	if string(bytes.TrimSpace(b)) == "null" {
		return nil
	}
	var r rsrc.Strings
	if err := r.UnmarshalJSON(b); err != nil {
		return fmt.Errorf("filerep: version strings: %w", err)
	}
	out := make(VersionStrings, len(r))
	for i, p := range r {
		out[i] = StringPair(p)
	}
	*s = out
	return nil
}

// MUIConfig is the "MUI" RC Config resource of a language-neutral file or
// a .mui satellite.
type MUIConfig struct {
	Length   uint32 `json:"length"`    // dwLength, the declared size of the blob
	Version  uint32 `json:"version"`   // dwRCConfigVersion (0x00010000)
	PathType uint32 `json:"path_type"` // dwFilePathType (usually 0)
	// FileType is "language-neutral" or "mui", from bit 0 of FileTypeID as
	// the loader decides.
	FileType   string `json:"file_type"`
	FileTypeID uint32 `json:"file_type_id"` // the raw dwFileType (0x11 LN, 0x12 .mui)
	// SystemAttributes is dwSystemAttributes (0x100 on Windows system
	// files).
	SystemAttributes uint32 `json:"system_attributes"`
	// FallbackLocation is "internal", "external", or "" (0 in .mui files,
	// or an unknown value); FallbackLocationID the raw
	// dwUltimateFallbackLocation.
	FallbackLocation   string `json:"fallback_location,omitempty"`
	FallbackLocationID uint32 `json:"fallback_location_id"`
	// Checksum and ServiceChecksum are 16 bytes each, lower-case hex. An
	// LN file and its satellites carry the same values.
	Checksum        string `json:"checksum"`         // dwChecksum, 0x2C
	ServiceChecksum string `json:"service_checksum"` // dwServiceCheckSum, 0x1C
	// Reserved is bytes 0x3C–0x53 in hex when any is non-zero.
	Reserved string `json:"reserved,omitempty"`
	// MainTypeNames and MainTypeIDs are the named and numeric resource
	// types kept in this file; MUITypeNames and MUITypeIDs those moved to
	// the .mui (LN files only).
	MainTypeNames []string `json:"main_type_names"`
	MainTypeIDs   []uint32 `json:"main_type_ids"`
	MUITypeNames  []string `json:"mui_type_names"`
	MUITypeIDs    []uint32 `json:"mui_type_ids"`
	// Language is a .mui satellite's language, e.g. "en-US".
	Language string `json:"language,omitempty"`
	// FallbackLanguage is an LN file's ultimate fallback language.
	FallbackLanguage string `json:"fallback_language,omitempty"`
	// Anomalies lists what was odd but tolerated.
	Anomalies []MUIAnomaly `json:"anomalies,omitempty"`
}

// IsLanguageNeutral reports whether the file is an LN main file (as
// opposed to a .mui satellite).
func (m *MUIConfig) IsLanguageNeutral() bool { return m.FileType == "language-neutral" }

// MUIAnomaly is something odd but tolerated in a MUI configuration.
type MUIAnomaly struct {
	Code   string `json:"code"`   // stable identifier
	Msg    string `json:"msg"`    // human-readable detail
	Offset int    `json:"offset"` // byte offset in the resource
}

// SatelliteCandidate is a .mui satellite looked for, and why it was not
// chosen.
type SatelliteCandidate struct {
	Path     string `json:"path"`
	Language string `json:"language"`
	Rejected string `json:"rejected,omitempty"` // why not chosen: "absent", "checksum differs", …
}

// Overlay is the data past the end of the PE image.
type Overlay struct {
	Offset  int64   `json:"offset"`
	Size    int64   `json:"size"`
	Entropy float64 `json:"entropy"`
	// CertificateTable is true when the Authenticode certificate table
	// lies inside the overlay (it normally ends the file).
	CertificateTable bool `json:"certificate_table,omitempty"`
}

// Manifest is what the report takes from the application manifest.
type Manifest struct {
	RequestedExecutionLevel string   `json:"requested_execution_level,omitempty"` // asInvoker | highestAvailable | requireAdministrator
	UIAccess                bool     `json:"ui_access,omitempty"`
	Dependencies            []string `json:"dependencies,omitempty"` // name/version of dependent assemblies
}

// DebugEntry is one entry of the debug directory.
type DebugEntry struct {
	Type          string `json:"type"`
	TimeDateStamp uint32 `json:"time_date_stamp,omitempty"`
	PDBPath       string `json:"pdb_path,omitempty"`
	GUID          string `json:"guid,omitempty"`
	Age           uint32 `json:"age,omitempty"`
}

// RichEntry is one tool record of the Rich header.
type RichEntry struct {
	ProductID uint16 `json:"product_id"`
	Build     uint16 `json:"build"`
	Count     uint32 `json:"count"`
}
