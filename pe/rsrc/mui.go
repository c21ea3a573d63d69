package rsrc

import (
	"encoding/hex"
	"fmt"
)

// MUI RC Config: the resource of string type "MUI", name 1, in both the
// language-neutral (LN) file and each .mui satellite; formats.md §1.
// Field names follow the Windows PDB type _RC_CONFIG.

const (
	muiSignature  = 0xFECDFECD
	muiVersion    = 0x00010000
	muiHeaderSize = 0x84

	// MUIFileTypeLN is MUIConfig.FileType for a language-neutral main file
	// (dwFileType bit 0 set; 0x11 as written by muirct).
	MUIFileTypeLN = "language-neutral"
	// MUIFileTypeMUI is MUIConfig.FileType for a language-specific .mui
	// satellite (dwFileType bit 0 clear; 0x12 as written by muirct).
	MUIFileTypeMUI = "language-specific"

	// MUIFallbackInternal is MUIConfig.FallbackLocation 1: the LN file
	// holds the ultimate-fallback resources itself.
	MUIFallbackInternal = "internal"
	// MUIFallbackExternal is MUIConfig.FallbackLocation 2: the
	// ultimate-fallback resources are in a .mui satellite.
	MUIFallbackExternal = "external"
)

// rcConfig is the fixed 0x84-byte header as stored (_RC_CONFIG).
type rcConfig struct {
	dwSignature                  uint32 // 0x00
	dwLength                     uint32 // 0x04
	dwRCConfigVersion            uint32 // 0x08
	dwFilePathType               uint32 // 0x0C
	dwFileType                   uint32 // 0x10
	dwSystemAttributes           uint32 // 0x14
	dwUltimateFallbackLocation   uint32 // 0x18
	dwServiceCheckSum            [16]byte
	dwCheckSum                   [16]byte
	reserved                     [24]byte // 0x3C: dwReserved1/2, dwMUIFileName/Path offset+length per the PDB
	dwMainNameTypesOffset        uint32   // 0x54
	dwMainNameTypesLength        uint32
	dwMainIDTypesOffset          uint32 // 0x5C
	dwMainIDTypesLength          uint32
	dwMuiNameTypesOffset         uint32 // 0x64
	dwMuiNameTypesLength         uint32
	dwMuiIDTypesOffset           uint32 // 0x6C
	dwMuiIDTypesLength           uint32
	dwLanguageNameOffset         uint32 // 0x74
	dwLanguageNameLength         uint32
	dwFallbackLanguageNameOffset uint32 // 0x7C
	dwFallbackLanguageNameLength uint32
}

// readRCConfig reads the header fields that lie inside b; the rest stay 0.
func readRCConfig(b []byte) rcConfig {
	var r rcConfig
	r.dwSignature = u32(b, 0x00)
	r.dwLength = u32(b, 0x04)
	r.dwRCConfigVersion = u32(b, 0x08)
	r.dwFilePathType = u32(b, 0x0C)
	r.dwFileType = u32(b, 0x10)
	r.dwSystemAttributes = u32(b, 0x14)
	r.dwUltimateFallbackLocation = u32(b, 0x18)
	if span(b, 0x1C, 16) {
		copy(r.dwServiceCheckSum[:], b[0x1C:])
	}
	if span(b, 0x2C, 16) {
		copy(r.dwCheckSum[:], b[0x2C:])
	}
	if span(b, 0x3C, 24) {
		copy(r.reserved[:], b[0x3C:])
	}
	r.dwMainNameTypesOffset, r.dwMainNameTypesLength = u32(b, 0x54), u32(b, 0x58)
	r.dwMainIDTypesOffset, r.dwMainIDTypesLength = u32(b, 0x5C), u32(b, 0x60)
	r.dwMuiNameTypesOffset, r.dwMuiNameTypesLength = u32(b, 0x64), u32(b, 0x68)
	r.dwMuiIDTypesOffset, r.dwMuiIDTypesLength = u32(b, 0x6C), u32(b, 0x70)
	r.dwLanguageNameOffset, r.dwLanguageNameLength = u32(b, 0x74), u32(b, 0x78)
	r.dwFallbackLanguageNameOffset, r.dwFallbackLanguageNameLength = u32(b, 0x7C), u32(b, 0x80)
	return r
}

// MUIConfig is a decoded MUI RC Config resource. Its JSON form is
// report.md's "mui" object (satellite_path aside, which needs the file name:
// see [SatellitePath]).
//
// The type lists are reported as stored. In a .mui satellite the types it
// contains sit in the Main slots; GetFileMUIInfo reports them as MUI types.
type MUIConfig struct {
	// Length is dwLength, the declared size of the blob.
	Length uint32 `json:"length"`
	// Version is dwRCConfigVersion (0x00010000).
	Version uint32 `json:"version"`
	// PathType is dwFilePathType (meaning undocumented, usually 0).
	PathType uint32 `json:"path_type"`
	// FileType is [MUIFileTypeLN] or [MUIFileTypeMUI], from bit 0 of
	// FileTypeID as the loader decides.
	FileType string `json:"file_type"`
	// FileTypeID is the raw dwFileType (0x11 LN, 0x12 .mui).
	FileTypeID uint32 `json:"file_type_id"`
	// SystemAttributes is dwSystemAttributes (0x100 on Windows system
	// files; meaning undocumented).
	SystemAttributes uint32 `json:"system_attributes"`
	// FallbackLocation is [MUIFallbackInternal], [MUIFallbackExternal], or
	// "" (0 in .mui files, or an unknown value).
	FallbackLocation string `json:"fallback_location,omitempty"`
	// FallbackLocationID is the raw dwUltimateFallbackLocation.
	FallbackLocationID uint32 `json:"fallback_location_id"`
	// Checksum (offset 0x2C, the "main" checksum) and ServiceChecksum
	// (0x1C) are 16 bytes each, lower-case hex. An LN file and its
	// satellites carry the same values.
	Checksum        string `json:"checksum"`         // dwChecksum, 0x2C
	ServiceChecksum string `json:"service_checksum"` // dwServiceCheckSum, 0x1C
	// Reserved is bytes 0x3C–0x53 in hex when any is non-zero (the PDB
	// names an MUI file name and path offset/length there; no known writer
	// fills them).
	Reserved string `json:"reserved,omitempty"`
	// MainTypeNames and MainTypeIDs are the named and numeric resource
	// types kept in this file; MUITypeNames and MUITypeIDs those moved to
	// the .mui (LN files only).
	MainTypeNames []string `json:"main_type_names"` // MainResNameTypes, e.g. ["MUI"]
	MainTypeIDs   []uint32 `json:"main_type_ids"`   // MainResIDTypes, e.g. [16]
	MUITypeNames  []string `json:"mui_type_names"`  // MUIResNameTypes
	MUITypeIDs    []uint32 `json:"mui_type_ids"`    // MUIResIDTypes, e.g. [6 11 16]
	// Language is a .mui satellite's language, e.g. "en-US".
	Language string `json:"language,omitempty"`
	// FallbackLanguage is an LN file's ultimate fallback language.
	FallbackLanguage string `json:"fallback_language,omitempty"`
	// Anomalies lists what was odd but tolerated.
	Anomalies []Anomaly `json:"anomalies,omitempty"`
}

// IsLanguageNeutral reports whether the file is an LN main file (as
// opposed to a .mui satellite).
func (m *MUIConfig) IsLanguageNeutral() bool { return m.FileType == MUIFileTypeLN }

// ParseMUI decodes the bytes of a "MUI" RC Config resource.
//
// Every offset/length pair is checked against the blob and against
// dwLength; a pair that points into the header or past the data leaves its
// field empty and adds an [Anomaly] — it is never read. ParseMUI returns
// (nil, error) when b is shorter than the signature or the signature is
// not 0xFECDFECD ([ErrBadSignature]); when b is shorter than the 0x84-byte
// header it returns the fields present and an [ErrTruncated] error.
// Work and allocation are linear in len(b); the result does not reference b.
func ParseMUI(b []byte) (*MUIConfig, error) {
	if len(b) < 4 {
		return nil, formatErr(len(b), "mui config", "truncated", ErrTruncated)
	}
	r := readRCConfig(b)
	if r.dwSignature != muiSignature {
		return nil, formatErr(0, "mui config", fmt.Sprintf("signature %#08x", r.dwSignature), ErrBadSignature)
	}
	var an anomalies
	var err error
	m := &MUIConfig{
		Length:             r.dwLength,
		Version:            r.dwRCConfigVersion,
		PathType:           r.dwFilePathType,
		FileTypeID:         r.dwFileType,
		SystemAttributes:   r.dwSystemAttributes,
		FallbackLocationID: r.dwUltimateFallbackLocation,
		Checksum:           hex.EncodeToString(r.dwCheckSum[:]),
		ServiceChecksum:    hex.EncodeToString(r.dwServiceCheckSum[:]),
		MainTypeNames:      []string{},
		MainTypeIDs:        []uint32{},
		MUITypeNames:       []string{},
		MUITypeIDs:         []uint32{},
	}
	if r.dwFileType&1 != 0 {
		m.FileType = MUIFileTypeLN
	} else {
		m.FileType = MUIFileTypeMUI
	}

	// A blob shorter than the header: keep the fields it holds, blank the
	// ones it does not (they read as 0 above), and stop before the variable
	// part, whose offsets are unknown or partial.
	if len(b) < muiHeaderSize {
		if len(b) < 0x14 {
			m.FileType = ""
		}
		if !span(b, 0x1C, 16) {
			m.ServiceChecksum = ""
		}
		if !span(b, 0x2C, 16) {
			m.Checksum = ""
		}
		an.add(AnomMUITruncated, len(b), "blob is %d bytes, the header alone is %d", len(b), muiHeaderSize)
		m.Anomalies = an.list
		return m, formatErr(len(b), "mui config", "truncated", ErrTruncated)
	}

	bound := len(b)
	switch {
	case r.dwLength < muiHeaderSize:
		an.add(AnomMUIBadLength, 0x04, "dwLength %#x is smaller than the %#x-byte header", r.dwLength, muiHeaderSize)
	case uint64(r.dwLength) > uint64(len(b)):
		an.add(AnomMUITruncated, 0x04, "dwLength %#x, blob is %#x bytes", r.dwLength, len(b))
		err = formatErr(len(b), "mui config", "truncated", ErrTruncated)
	default:
		bound = int(r.dwLength)
	}
	if r.dwRCConfigVersion != muiVersion {
		an.add(AnomMUIUnknownVersion, 0x08, "dwRCConfigVersion %#x", r.dwRCConfigVersion)
	}
	if r.dwFileType != 0x11 && r.dwFileType != 0x12 {
		an.add(AnomMUIUnknownFileType, 0x10, "dwFileType %#x; bit 0 says %s", r.dwFileType, m.FileType)
	}
	switch r.dwUltimateFallbackLocation {
	case 0:
	case 1:
		m.FallbackLocation = MUIFallbackInternal
	case 2:
		m.FallbackLocation = MUIFallbackExternal
	default:
		an.add(AnomMUIUnknownFallbackLocation, 0x18, "dwUltimateFallbackLocation %d", r.dwUltimateFallbackLocation)
	}
	for _, c := range r.reserved {
		if c != 0 {
			m.Reserved = hex.EncodeToString(r.reserved[:])
			an.add(AnomMUIReservedNonZero, 0x3C, "reserved bytes 0x3c-0x53 are not zero")
			break
		}
	}

	mp := muiParser{b: b[:bound], an: &an}
	m.MainTypeNames = mp.names("main type names", 0x54, r.dwMainNameTypesOffset, r.dwMainNameTypesLength)
	m.MainTypeIDs = mp.ids("main type ids", 0x5C, r.dwMainIDTypesOffset, r.dwMainIDTypesLength)
	m.MUITypeNames = mp.names("mui type names", 0x64, r.dwMuiNameTypesOffset, r.dwMuiNameTypesLength)
	m.MUITypeIDs = mp.ids("mui type ids", 0x6C, r.dwMuiIDTypesOffset, r.dwMuiIDTypesLength)
	m.Language = mp.str("language", 0x74, r.dwLanguageNameOffset, r.dwLanguageNameLength)
	m.FallbackLanguage = mp.str("fallback language", 0x7C, r.dwFallbackLanguageNameOffset, r.dwFallbackLanguageNameLength)

	// Fields that belong to the other kind of file (formats.md §1).
	if m.IsLanguageNeutral() {
		if m.Language != "" {
			an.add(AnomMUIUnexpectedField, 0x74, "language %q in a language-neutral file", m.Language)
		}
	} else {
		if m.FallbackLanguage != "" {
			an.add(AnomMUIUnexpectedField, 0x7C, "ultimate fallback language %q in a .mui file", m.FallbackLanguage)
		}
		if len(m.MUITypeNames) > 0 || len(m.MUITypeIDs) > 0 {
			an.add(AnomMUIUnexpectedField, 0x64, "MUI type lists in a .mui file")
		}
		if r.dwUltimateFallbackLocation != 0 {
			an.add(AnomMUIUnexpectedField, 0x18, "ultimate fallback location %d in a .mui file", r.dwUltimateFallbackLocation)
		}
	}
	m.Anomalies = an.list
	return m, err
}

type muiParser struct {
	b  []byte // the blob, cut to dwLength when that is valid
	an *anomalies
}

// region validates an offset/length pair read at field and returns the
// bytes it names, or nil (with an anomaly when the pair is invalid rather
// than simply absent).
func (p *muiParser) region(what string, field int, off, n uint32) []byte {
	switch {
	case n == 0:
		return nil // absent; a stray offset with no length names nothing
	case off == 0:
		p.an.add(AnomMUIBadOffset, field, "%s: length %#x with offset 0", what, n)
		return nil
	case off < muiHeaderSize:
		p.an.add(AnomMUIBadOffset, field, "%s: offset %#x is inside the header", what, off)
		return nil
	case uint64(off)+uint64(n) > uint64(len(p.b)):
		p.an.add(AnomMUIBadOffset, field, "%s: %#x+%#x runs past the data (%#x bytes)", what, off, n, len(p.b))
		return nil
	}
	return p.b[off : off+n]
}

// names decodes a MULTI_SZ list of UTF-16 type names. The list ends at an
// empty string (the double NUL) or at the end of its region.
func (p *muiParser) names(what string, field int, off, n uint32) []string {
	out := []string{}
	r := p.region(what, field, off, n)
	if r == nil {
		return out
	}
	if len(r)%2 != 0 {
		p.an.add(AnomMUIBadListLength, field, "%s: odd length %d", what, len(r))
	}
	pos := 0
	for pos+2 <= len(r) {
		s, used, term := utf16z(r[pos:])
		if s == "" {
			break
		}
		if len(out) >= maxMUITypes {
			p.an.add(AnomMUILimit, int(off)+pos, "%s: more than %d entries", what, maxMUITypes)
			break
		}
		out = append(out, s)
		if !term {
			p.an.add(AnomMUIUnterminatedString, int(off)+pos, "%s: last name has no NUL", what)
			break
		}
		pos += used
	}
	return out
}

// ids decodes an array of DWORD resource type numbers.
func (p *muiParser) ids(what string, field int, off, n uint32) []uint32 {
	r := p.region(what, field, off, n)
	if r == nil {
		return []uint32{}
	}
	if len(r)%4 != 0 {
		p.an.add(AnomMUIBadListLength, field, "%s: length %d is not a multiple of 4", what, len(r))
	}
	count := len(r) / 4
	if count > maxMUITypes {
		p.an.add(AnomMUILimit, int(off), "%s: %d entries, keeping %d", what, count, maxMUITypes)
		count = maxMUITypes
	}
	out := make([]uint32, count)
	for i := range out {
		out[i] = u32(r, 4*i)
	}
	return out
}

// str decodes one UTF-16 string whose length counts bytes including NUL.
func (p *muiParser) str(what string, field int, off, n uint32) string {
	r := p.region(what, field, off, n)
	if r == nil {
		return ""
	}
	s, _, term := utf16z(r)
	if !term {
		p.an.add(AnomMUIUnterminatedString, int(off), "%s: no NUL within %d bytes", what, len(r))
	}
	if s != "" {
		if _, ok := LangID(s); !ok {
			p.an.add(AnomMUIUnknownLanguage, int(off), "%s %q is not a known Windows locale name", what, truncateForMsg(s))
		}
	}
	return s
}
