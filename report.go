package filerep

import "github.com/filerep/filerep/pe"

// Schema is the value of FileReport.Schema for this shape of report.
const Schema = "filerep/v1"

// FileReport is everything the SDK knows about one file. It marshals to the
// JSON contract of report.md: keys are fixed, fields that do not apply are
// omitted, never invented. Blocks that later versions fill (version_info,
// signature, verdict, …) are absent until then.
type FileReport struct {
	Schema    string    `json:"schema"`
	File      FileInfo  `json:"file"`
	Hashes    Hashes    `json:"hashes"`
	DNA       *DNA      `json:"dna,omitempty"`
	Sections  []Section `json:"sections,omitempty"`
	Anomalies []string  `json:"anomalies,omitempty"` // "id: sentence", ids are stable
	Errors    []string  `json:"errors,omitempty"`    // what could not be read, and why

	errs    []error // the errors behind Errors, for errors.Is
	entropy float64
	hashed  bool
}

// FileInfo identifies the file.
type FileInfo struct {
	Name string `json:"name"` // base name as given
	Path string `json:"path"` // as given
	Size int64  `json:"size"` // bytes
	// Entropy is the whole file's Shannon entropy in bits per byte (0..8),
	// present for every file that could be read, PE or not.
	Entropy *float64 `json:"entropy,omitempty"`
	Kind    pe.Kind  `json:"kind"` // exe | dll | driver | efi | mui | not-pe
}

// Hashes are lower-case hex digests of the whole file.
type Hashes struct {
	MD5    string `json:"md5"`
	SHA1   string `json:"sha1"`
	SHA256 string `json:"sha256"`
	BLAKE3 string `json:"blake3"`
}

// DNA is the "Digital DNA" block: what the file is and how it was built.
type DNA struct {
	Machine     string  `json:"machine"`   // x86 | x64 | arm | arm64 | ia64 | mips | …
	Platform    string  `json:"platform"`  // 32-bit | 64-bit
	Subsystem   string  `json:"subsystem"` // report.md vocabulary, e.g. "Windows GUI"
	SubsystemID int     `json:"subsystem_id"`
	IsDLL       bool    `json:"is_dll"`
	IsDriver    bool    `json:"is_driver"`
	Entropy     float64 `json:"entropy"` // whole file, Shannon bits per byte, 0..8
	DotNet      bool    `json:"dotnet"`
	CLRVersion  string  `json:"clr_version"` // e.g. "v4.0.30319" when dotnet
}

// Section is one section of the PE image.
type Section struct {
	Name            string  `json:"name"`
	VirtualAddress  uint32  `json:"virtual_address"`
	VirtualSize     uint32  `json:"virtual_size"`
	RawOffset       uint32  `json:"raw_offset"`
	RawSize         uint32  `json:"raw_size"`
	Characteristics uint32  `json:"characteristics"`
	Entropy         float64 `json:"entropy"`
	Flags           string  `json:"flags"` // "rwx" with '-' for each permission missing
}
