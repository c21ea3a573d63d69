package filerep

import (
	"fmt"
	"strings"
)

// Schema is the value of FileReport.Schema for this shape of report.
const Schema = "filerep/v1"

// FileReport is everything the SDK knows about one file. It marshals to the
// JSON contract of docs/report.md: keys are fixed, fields that do not apply
// are omitted, never invented.
//
// Analyze never returns a nil report. Schema, File and Hashes are values,
// always there (Hashes empty when nothing could be read). The pointer
// blocks are nil when they do not apply, so check them before use:
//   - VersionInfo, MUI, Localized: the file has no such resource (or no
//     satellite was found);
//   - DNA, PE: the file is not a PE (kind not-pe), or could not be read
//     (kind unreadable);
//   - Signature: the file could not be read whole (no authentihash), or is
//     not a PE;
//   - Verdict: nothing was read (a missing or unreadable path), or the
//     knowledge base failed (see Errors);
//   - Relationships, Telemetry: no knowledge base or telemetry knew the
//     file.
//
// Example_notPE and Example_missingPath show the two common cases.
type FileReport struct {
	Schema      string       `json:"schema"`
	File        FileInfo     `json:"file"`
	Hashes      Hashes       `json:"hashes"`
	VersionInfo *VersionInfo `json:"version_info,omitempty"`
	MUI         *MUI         `json:"mui,omitempty"`
	Localized   *Localized   `json:"localized,omitempty"`
	DNA         *DNA         `json:"dna,omitempty"`
	PE          *PEDetails   `json:"pe,omitempty"`
	Sections    []Section    `json:"sections,omitempty"`
	Signature   *Signature   `json:"signature,omitempty"`
	Behaviors   []Behavior   `json:"behaviors,omitempty"`
	Anomalies   []string     `json:"anomalies,omitempty"` // "id: sentence", ids are stable
	// AnomalyDetails are the same anomalies, structured: the id apart
	// from the sentence. Anomalies keeps the "id: sentence" strings of
	// filerep/v1 for the tools that read them.
	AnomalyDetails []Anomaly `json:"anomaly_details,omitempty"`
	Errors         []string  `json:"errors,omitempty"` // what could not be read, and why
	Verdict        *Verdict  `json:"verdict,omitempty"`
	// TypicalPath is where the file usually lives, from the crowd
	// telemetry or the knowledge base.
	TypicalPath string `json:"typical_path,omitempty"`
	// AdditionalVersions are other known versions of a file of this name,
	// from the knowledge base (newest first).
	AdditionalVersions []AdditionalVersion `json:"additional_versions,omitempty"`
	// Relationships are the processes known to start a file of this name
	// and the modules it loads, from the knowledge base.
	Relationships *Relationships `json:"relationships,omitempty"`
	// SimilarFiles are the files of the knowledge base whose ssdeep or
	// TLSH digest is close to this file's (reputation.SimilarSSDeepScore,
	// reputation.SimilarTLSHDistance), most similar first: a new build of a
	// known program, a repacked copy of a known-bad one. Only when the
	// similarity digests were computed (WithHashes) and the knowledge base
	// can answer (reputation.SimilarityIndex).
	SimilarFiles []SimilarFile `json:"similar_files,omitempty"`
	// Telemetry is the crowd telemetry summary of the file, when one was
	// supplied (telemetry.md's summary shape).
	Telemetry *Telemetry `json:"telemetry,omitempty"`

	errs    []error // the errors behind Errors, for errors.Is
	entropy float64
	hashed  bool
	chain   chainFacts   // the primary signature's trust decision, for the verdict
	tree    *windowsTree // the Windows tree the analysed path lies in, if any
}

// SimilarFile is a file of the knowledge base similar to the analysed one.
type SimilarFile struct {
	SHA256    string `json:"sha256,omitempty"`
	MD5       string `json:"md5,omitempty"`
	Name      string `json:"name,omitempty"`
	Version   string `json:"version,omitempty"`
	Publisher string `json:"publisher,omitempty"`
	Source    string `json:"source"`
	Trust     string `json:"trust"` // what the knowledge base says of it: good, bad, known
	// SSDeepScore is ssdeep's match score (0–100), TLSHDistance TLSH's
	// distance with the length term; -1 when not compared.
	SSDeepScore  int `json:"ssdeep_score"`
	TLSHDistance int `json:"tlsh_distance"`
}

// measure says how similar s is, for the text report.
func (s SimilarFile) measure() string {
	var parts []string
	if s.SSDeepScore >= 0 {
		parts = append(parts, fmt.Sprintf("ssdeep %d", s.SSDeepScore))
	}
	if s.TLSHDistance >= 0 {
		parts = append(parts, fmt.Sprintf("TLSH distance %d", s.TLSHDistance))
	}
	if s.Trust != "" {
		parts = append(parts, s.Trust)
	}
	return strings.Join(parts, ", ")
}

// Anomaly is something odd about a file that was nevertheless read. ID is
// stable, one per kind of fault, never carrying data (pe.AnomalyIDs lists
// them); Message says it for people, with the details (a section name, an
// RVA).
type Anomaly struct {
	ID      string `json:"id"`
	Message string `json:"message"`
}

// FileInfo identifies the file.
type FileInfo struct {
	Name string `json:"name"` // base name as given
	Path string `json:"path"` // as given
	// HostPath is the file's path on its Windows host: WithHostPath, the
	// analysed path when it is a Windows path, or the path inferred from
	// the Windows tree the file lies in (/mnt/c/Windows/System32/alg.exe
	// → C:\Windows\System32\alg.exe). Omitted when unknown.
	HostPath string `json:"host_path,omitempty"`
	Size     int64  `json:"size"` // bytes
	// Entropy is the whole file's Shannon entropy in bits per byte (0..8),
	// present for every file that could be read, PE or not.
	Entropy *float64 `json:"entropy,omitempty"`
	Kind    Kind     `json:"kind"` // exe | dll | driver | efi | mui | not-pe | unreadable
	// Partial is true when the context (a deadline, a cancellation) ended
	// the analysis before it was complete: the report holds what was done.
	Partial bool `json:"partial,omitempty"`
}

// Hashes are lower-case hex digests of the whole file.
type Hashes struct {
	MD5    string `json:"md5"`
	SHA1   string `json:"sha1"`
	SHA256 string `json:"sha256"`
	BLAKE3 string `json:"blake3"`

	Imphash          string `json:"imphash"`                     // pefile's get_imphash(); "" without imports
	RichHeaderHash   string `json:"rich_header_hash"`            // MD5 of the decoded Rich header; "" without one
	Authentihash     string `json:"authentihash,omitempty"`      // SHA-256 Authenticode digest
	AuthentihashSHA1 string `json:"authentihash_sha1,omitempty"` // SHA-1 form, as older catalogs list it: computed for signed files, with a knowledge base, or WithAuthentihash(true)

	// SSDeep and TLSH are the similarity digests, computed in the same
	// read when asked for (WithHashes with hash.DigestSSDEEP,
	// hash.DigestTLSH; -hashes all): ssdeep's "blocksize:hash1:hash2" and
	// TLSH's "T1" + 70 hex characters, equal to Debian's ssdeep 2.14.1 and
	// tlsh 3.4.4. TLSH is "" for inputs under 256 bytes or with too little
	// variety, as the tool refuses them.
	SSDeep string `json:"ssdeep,omitempty"`
	TLSH   string `json:"tlsh,omitempty"`
}

// VersionInfo is the version resource: the primary strings (from the
// RT_VERSION resource and StringTable Windows would show for the UI
// language, see [WithLanguage] and docs/report.md), the fixed versions of
// that resource, and every StringTable of every RT_VERSION resource in
// resource-directory order. The resources not chosen are also summarised
// in OtherLanguages.
type VersionInfo struct {
	VersionSummary
	OtherLanguages []VersionResource `json:"other_languages,omitempty"`
}

// VersionResource is an RT_VERSION resource besides the primary one.
type VersionResource struct {
	Language string         `json:"language"` // of the resource, e.g. "de-DE"
	LangID   uint16         `json:"lang_id"`
	Version  VersionSummary `json:"version"`
}

// MUI is the "MUI" resource configuration of a language-neutral file or a
// .mui satellite.
type MUI struct {
	*MUIConfig
	// SatellitePath is where the loader looks for the satellite of an LN
	// file in its fallback language, relative to the file's folder.
	SatellitePath string `json:"satellite_path,omitempty"`
	// Tried lists the satellites looked for and not found or rejected,
	// when none was chosen.
	Tried []SatelliteCandidate `json:"satellites_tried,omitempty"`
}

// PEDetails are the "More details" facts of a PE image.
type PEDetails struct {
	Timestamp     string         `json:"timestamp,omitempty"` // file header TimeDateStamp, RFC 3339 UTC; omitted when 0
	TimestampRaw  uint32         `json:"timestamp_raw"`
	LinkerVersion string         `json:"linker_version"`
	EntryPoint    uint32         `json:"entry_point"`
	ImageBase     uint64         `json:"image_base"`
	Checksum      uint32         `json:"checksum"`
	Imports       *ImportSummary `json:"imports,omitempty"`
	DelayImports  *ImportSummary `json:"delay_imports,omitempty"`
	Exports       *ExportSummary `json:"exports,omitempty"`
	Rich          *RichSummary   `json:"rich,omitempty"`
	Overlay       *Overlay       `json:"overlay,omitempty"`
	Manifest      *Manifest      `json:"manifest,omitempty"`
	Debug         []DebugEntry   `json:"debug,omitempty"`
	TLSCallbacks  []uint64       `json:"tls_callbacks,omitempty"`
}

// ImportSummary counts imports; the full lists are in pe.File.
type ImportSummary struct {
	DLLCount      int         `json:"dll_count"`
	FunctionCount int         `json:"function_count"`
	DLLs          []DLLImport `json:"dlls"`
}

// DLLImport is one imported DLL and how many functions come from it.
type DLLImport struct {
	Name      string `json:"name"`
	Functions int    `json:"functions"`
}

// ExportSummary counts exports and names the first ones.
type ExportSummary struct {
	DLLName    string   `json:"dll_name,omitempty"`
	Count      int      `json:"count"`
	Forwarders int      `json:"forwarders,omitempty"`
	Names      []string `json:"names,omitempty"` // at most MaxExportNames
}

// MaxExportNames caps ExportSummary.Names.
const MaxExportNames = 64

// RichSummary is the Rich header's tool records.
type RichSummary struct {
	ChecksumValid bool        `json:"checksum_valid"`
	Entries       []RichEntry `json:"entries"`
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

	// Detection (pe.Detect): each finding carries its evidence.
	Packed       bool      `json:"packed"`
	Packers      []Finding `json:"packers,omitempty"`
	CodeLanguage string    `json:"code_language"` // report.md vocabulary; "Unknown" when evidence is thin
	Compiler     *Finding  `json:"compiler,omitempty"`
	Installer    string    `json:"installer"` // NSIS | Inno Setup | … ; "" if none
	// InstallerDetail is the installer finding with its version and evidence.
	InstallerDetail *Finding `json:"installer_detail,omitempty"`
	// RulesVersion identifies the detection rules, so stored reports can
	// be recomputed when rules change.
	RulesVersion string `json:"rules_version,omitempty"`
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

// Localized holds what a language-neutral file shows on a host whose UI
// language is Language: Windows reads version info and strings from the
// .mui satellite, so "Original name" becomes "ALG.exe.mui" there.
type Localized struct {
	Language      string            `json:"language"`
	SatellitePath string            `json:"satellite_path"` // relative to the file's folder, backslashes as on Windows
	SHA256        string            `json:"sha256"`         // of the satellite
	VersionInfo   *VersionSummary   `json:"version_info,omitempty"`
	Strings       []LocalizedString `json:"strings,omitempty"` // at most MaxLocalizedStrings
	// Tried lists the satellites looked at before this one, with why each
	// was passed over.
	Tried []SatelliteCandidate `json:"tried,omitempty"`
}

// LocalizedString is one string-table entry of the satellite.
type LocalizedString struct {
	ID    uint32 `json:"id"`
	Value string `json:"value"`
}

// MaxLocalizedStrings caps Localized.Strings.
const MaxLocalizedStrings = 256

// Signature is the Authenticode block: the embedded signature, and the
// file's standing in the Windows catalogs (most Windows system files carry
// no embedded signature and are signed through a catalog).
type Signature struct {
	Signed bool `json:"signed"`
	// CatalogStatus is "member" (the authentihash is listed in a catalog),
	// "absent" (in none of the catalogs searched) or "unknown" (no
	// catalogs were available); CatalogDetail says it in a sentence, e.g.
	// "in catalog Package_1.cat signed by CN=Microsoft Windows,…" or "in
	// none of the 3,412 catalogs of /mnt/c/Windows/System32/CatRoot/{…}".
	CatalogStatus    string `json:"catalog_status,omitempty"`
	CatalogDetail    string `json:"catalog_detail,omitempty"`
	CatalogsSearched int    `json:"catalogs_searched,omitempty"`
	// Verified: the primary signature is intact and its signer chains, with
	// the code-signing usage, to the trust anchors (the embedded default
	// bundle, or WithRoots), at the time of its trusted timestamp when it
	// has one. Never the system store, never the network.
	Verified bool `json:"verified"`
	// Root is the subject of the root the verified chain ends in;
	// VerifiedAt the time the chain was checked at (RFC 3339): the
	// timestamp's time when TimestampTrusted, else the current time or
	// WithVerifyTime.
	Root       string `json:"root,omitempty"`
	VerifiedAt string `json:"verified_at,omitempty"`
	// TimestampTrusted: Timestamp comes from a valid countersignature whose
	// time-stamping chain reaches the anchors. TimestampError says why a
	// timestamp that is present was not used.
	TimestampTrusted bool   `json:"timestamp_trusted,omitempty"`
	TimestampError   string `json:"timestamp_error,omitempty"`
	// IntegrityOK: the signed digest equals the file's authentihash and
	// the signer's signature over it is valid (trust aside).
	IntegrityOK     bool       `json:"integrity_ok"`
	DigestAlgorithm string     `json:"digest_algorithm,omitempty"`
	Timestamp       string     `json:"timestamp,omitempty"` // RFC 3339, from the first countersignature (see TimestampTrusted)
	TimestampSource string     `json:"timestamp_source,omitempty"`
	ProgramName     string     `json:"program_name,omitempty"`
	Signers         []Signer   `json:"signers,omitempty"` // primary first, then nested signatures
	Certificates    []CertInfo `json:"certificates,omitempty"`
	Errors          []string   `json:"errors,omitempty"`
}

// Signer is one signature's signer.
type Signer struct {
	Subject         string `json:"subject"`
	Issuer          string `json:"issuer"`
	Serial          string `json:"serial"`
	Thumbprint      string `json:"thumbprint,omitempty"` // SHA-256 of the signer certificate
	DigestAlgorithm string `json:"digest_algorithm,omitempty"`
	Nested          bool   `json:"nested,omitempty"`
	DigestMatches   bool   `json:"digest_matches"`
	SignatureValid  bool   `json:"signature_valid"`
	Verified        bool   `json:"verified"`
	Timestamp       string `json:"timestamp,omitempty"`
}

// CertInfo is a certificate carried in a signature.
type CertInfo struct {
	Subject   string `json:"subject"`
	Issuer    string `json:"issuer"`
	Serial    string `json:"serial"`
	NotBefore string `json:"not_before"`
	NotAfter  string `json:"not_after"`
	SHA256    string `json:"sha256"`
}
