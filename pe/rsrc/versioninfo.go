package rsrc

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// VS_VERSIONINFO (RT_VERSION, type 16); formats.md §2.
//
// Every node is WORD wLength (node and children, without trailing pad),
// WORD wValueLength, WORD wType (1 text, 0 binary), a NUL-terminated UTF-16
// key, padding to 4, the value, padding to 4, then the children. The tree is
//
//	VS_VERSION_INFO            value: VS_FIXEDFILEINFO (52 bytes)
//	├─ StringFileInfo          (one or more)
//	│  └─ StringTable "040904b0" (one or more: LANGID + code page in hex)
//	│     └─ String "CompanyName" = "…"   (wValueLength in UTF-16 units)
//	└─ VarFileInfo
//	   └─ Var "Translation"    value: DWORDs, low WORD LANGID, high WORD code page
//
// The decoder follows Windows' layout rules (value at align4(end of key),
// children at align4(value + wValueLength), next sibling at
// align4(node + wLength), alignment relative to the resource start) and
// falls back to the data itself where a field lies; each fallback is an
// [Anomaly].

const (
	vsFixedFileInfoSignature = 0xFEEF04BD
	vsFixedFileInfoSize      = 52
	vsNodeHeader             = 6
)

// VersionInfo is one decoded RT_VERSION resource.
//
// Tables holds every StringTable of every StringFileInfo block in file
// order; report.md's primary strings come from the one [VersionInfo.PickTable]
// chooses (see [VersionInfo.Get]). The value holds no reference to the input
// bytes.
type VersionInfo struct {
	// Key is the root node's key, normally "VS_VERSION_INFO".
	Key string `json:"key"`
	// Fixed is VS_FIXEDFILEINFO, or nil when the resource has none (or it
	// is cut short).
	Fixed *FixedFileInfo `json:"fixed,omitempty"`
	// Tables are the StringTables in file order.
	Tables []StringTable `json:"tables"`
	// Translations are the VarFileInfo\Translation pairs in file order.
	Translations []Translation `json:"translations,omitempty"`
	// Unknown lists nodes with keys the format does not define, kept raw.
	Unknown []RawNode `json:"unknown,omitempty"`
	// Anomalies lists what was odd but tolerated.
	Anomalies []Anomaly `json:"anomalies,omitempty"`
}

// Get returns the value of key in the StringTable Windows would show with
// no particular UI language ([VersionInfo.PickTable] of ""): en-US, else a
// neutral table, else the first Translation entry's, else the first. This
// is the table report.md's primary strings (company_name, …) come from.
// pefile and exiftool read Tables[0] instead. See [Strings.Get] for
// matching.
func (v *VersionInfo) Get(key string) (string, bool) {
	i := v.PickTable("")
	if i < 0 {
		return "", false
	}
	return v.Tables[i].Strings.Get(key)
}

// VersionSummary is report.md's "version_info" object: the primary strings
// (from the StringTable PrimaryTable indexes, see [PickVersion]), the fixed
// versions and every table. Absent values are empty and omitted from JSON.
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
	// come from, -1 when there is none (or it is past MaxSummaryTables).
	PrimaryTable int `json:"primary_table"`
	// TablesOmitted counts the tables past MaxSummaryTables left out of
	// Tables (only [SummarizeVersions] leaves any out).
	TablesOmitted int `json:"tables_omitted,omitempty"`
}

// Summary returns v in report.md's "version_info" shape, with the primary
// strings from the table [VersionInfo.PickTable] chooses for no particular
// UI language. Tables is shared with v, not copied. For a file's
// resources, in every language, use [SummarizeVersions].
func (v *VersionInfo) Summary() VersionSummary {
	return v.summary(v.PickTable(""))
}

// summary is [VersionInfo.Summary] with the primary strings from
// v.Tables[primary] (none when primary is -1).
func (v *VersionInfo) summary(primary int) VersionSummary {
	if v == nil {
		return VersionSummary{Tables: []StringTable{}, PrimaryTable: -1}
	}
	get := func(k string) string {
		if primary < 0 || primary >= len(v.Tables) {
			return ""
		}
		s, _ := v.Tables[primary].Strings.Get(k)
		return s
	}
	s := VersionSummary{
		PrimaryTable:     primary,
		CompanyName:      get("CompanyName"),
		FileDescription:  get("FileDescription"),
		ProductName:      get("ProductName"),
		OriginalFilename: get("OriginalFilename"),
		InternalName:     get("InternalName"),
		FileVersion:      get("FileVersion"),
		ProductVersion:   get("ProductVersion"),
		LegalCopyright:   get("LegalCopyright"),
		Tables:           v.Tables,
	}
	if v.Fixed != nil {
		s.FixedFileVersion = v.Fixed.FileVersion
		s.FixedProductVersion = v.Fixed.ProductVersion
	}
	if s.Tables == nil {
		s.Tables = []StringTable{}
	}
	if primary >= len(v.Tables) {
		s.PrimaryTable = -1
	}
	return s
}

// Table returns the first StringTable whose lang_codepage key equals
// langCodepage (case-insensitive, e.g. "040904b0"), or nil.
func (v *VersionInfo) Table(langCodepage string) *StringTable {
	if v == nil {
		return nil
	}
	for i := range v.Tables {
		if strings.EqualFold(v.Tables[i].LangCodepage, langCodepage) {
			return &v.Tables[i]
		}
	}
	return nil
}

// FixedFileInfo is VS_FIXEDFILEINFO with its version numbers formatted.
// The raw DWORDs are kept beside the formatted strings.
type FixedFileInfo struct {
	// Signature is dwSignature; 0xFEEF04BD unless an anomaly says otherwise.
	Signature uint32 `json:"signature"`
	// StrucVersion is dwStrucVersion (0x00010000).
	StrucVersion uint32 `json:"struc_version"`
	// FileVersion is "a.b.c.d" from FileVersionMS/LS, e.g. "6.1.7600.16385".
	FileVersion string `json:"file_version"`
	// ProductVersion is "a.b.c.d" from ProductVersionMS/LS.
	ProductVersion   string `json:"product_version"`
	FileVersionMS    uint32 `json:"file_version_ms"`    // dwFileVersionMS
	FileVersionLS    uint32 `json:"file_version_ls"`    // dwFileVersionLS
	ProductVersionMS uint32 `json:"product_version_ms"` // dwProductVersionMS
	ProductVersionLS uint32 `json:"product_version_ls"` // dwProductVersionLS
	// FlagsMask is dwFileFlagsMask: which bits of Flags are valid.
	FlagsMask uint32 `json:"flags_mask"`
	// Flags is dwFileFlags (VS_FF_*); see [FixedFileInfo.FlagNames].
	Flags uint32 `json:"flags"`
	// OS is dwFileOS (VOS_*); see [FixedFileInfo.OSName].
	OS uint32 `json:"os"`
	// Type is dwFileType (VFT_*); see [FixedFileInfo.TypeName].
	Type uint32 `json:"type"`
	// Subtype is dwFileSubtype (VFT2_*); see [FixedFileInfo.SubtypeName].
	Subtype uint32 `json:"subtype"`
	// DateMS and DateLS are dwFileDateMS/LS, a FILETIME that is almost
	// always zero; see [FixedFileInfo.Date].
	DateMS uint32 `json:"date_ms"` // dwFileDateMS
	DateLS uint32 `json:"date_ls"` // dwFileDateLS
}

// readFixedFileInfo decodes the 13 DWORDs of VS_FIXEDFILEINFO (verrsrc.h)
// at off: dwSignature, dwStrucVersion, dwFileVersionMS/LS,
// dwProductVersionMS/LS, dwFileFlagsMask, dwFileFlags, dwFileOS,
// dwFileType, dwFileSubtype, dwFileDateMS/LS.
func readFixedFileInfo(b []byte, off int) *FixedFileInfo {
	f := func(i int) uint32 { return u32(b, off+4*i) }
	return &FixedFileInfo{
		Signature:        f(0),
		StrucVersion:     f(1),
		FileVersion:      versionString(f(2), f(3)),
		ProductVersion:   versionString(f(4), f(5)),
		FileVersionMS:    f(2),
		FileVersionLS:    f(3),
		ProductVersionMS: f(4),
		ProductVersionLS: f(5),
		FlagsMask:        f(6),
		Flags:            f(7),
		OS:               f(8),
		Type:             f(9),
		Subtype:          f(10),
		DateMS:           f(11),
		DateLS:           f(12),
	}
}

func versionString(ms, ls uint32) string {
	b := make([]byte, 0, 24)
	b = strconv.AppendUint(b, uint64(ms>>16), 10)
	b = append(b, '.')
	b = strconv.AppendUint(b, uint64(ms&0xFFFF), 10)
	b = append(b, '.')
	b = strconv.AppendUint(b, uint64(ls>>16), 10)
	b = append(b, '.')
	b = strconv.AppendUint(b, uint64(ls&0xFFFF), 10)
	return string(b)
}

// VS_FIXEDFILEINFO flag, OS and type values (verrsrc.h). The names keep the
// SDK spelling so that a search of Microsoft's documentation finds them.
const (
	VS_FF_DEBUG        = 0x01 // file contains debugging information
	VS_FF_PRERELEASE   = 0x02 // development version
	VS_FF_PATCHED      = 0x04 // modified from the shipped file of the same version
	VS_FF_PRIVATEBUILD = 0x08 // not built by standard release procedures
	VS_FF_INFOINFERRED = 0x10 // version structure created dynamically
	VS_FF_SPECIALBUILD = 0x20 // variation of the normal file of the same version

	VOS_UNKNOWN       = 0x00000000 // OS unknown
	VOS_DOS           = 0x00010000 // MS-DOS
	VOS_OS216         = 0x00020000 // 16-bit OS/2
	VOS_OS232         = 0x00030000 // 32-bit OS/2
	VOS_NT            = 0x00040000 // Windows NT
	VOS_WINCE         = 0x00050000 // Windows CE
	VOS__WINDOWS16    = 0x00000001 // 16-bit Windows
	VOS__PM16         = 0x00000002 // 16-bit Presentation Manager
	VOS__PM32         = 0x00000003 // 32-bit Presentation Manager
	VOS__WINDOWS32    = 0x00000004 // 32-bit Windows
	VOS_DOS_WINDOWS16 = 0x00010001 // 16-bit Windows on MS-DOS
	VOS_DOS_WINDOWS32 = 0x00010004 // 32-bit Windows on MS-DOS
	VOS_OS216_PM16    = 0x00020002 // 16-bit Presentation Manager on 16-bit OS/2
	VOS_OS232_PM32    = 0x00030003 // 32-bit Presentation Manager on 32-bit OS/2
	VOS_NT_WINDOWS32  = 0x00040004 // Windows NT (the usual value)

	VFT_UNKNOWN    = 0 // file type unknown
	VFT_APP        = 1 // application
	VFT_DLL        = 2 // DLL
	VFT_DRV        = 3 // device driver; Subtype is a VFT2_DRV_* value
	VFT_FONT       = 4 // font; Subtype is a VFT2_FONT_* value
	VFT_VXD        = 5 // virtual device
	VFT_STATIC_LIB = 7 // static-link library
)

var vsFlagNames = []struct {
	bit  uint32
	name string
}{
	{VS_FF_DEBUG, "debug"},
	{VS_FF_PRERELEASE, "prerelease"},
	{VS_FF_PATCHED, "patched"},
	{VS_FF_PRIVATEBUILD, "private-build"},
	{VS_FF_INFOINFERRED, "info-inferred"},
	{VS_FF_SPECIALBUILD, "special-build"},
}

// FlagNames names the VS_FF_* bits set in Flags&FlagsMask, in bit order:
// "debug", "prerelease", "patched", "private-build", "info-inferred",
// "special-build". Undefined bits are named by their hex value ("0x40").
func (f *FixedFileInfo) FlagNames() []string {
	var out []string
	set := f.Flags & f.FlagsMask
	for _, fl := range vsFlagNames {
		if set&fl.bit != 0 {
			out = append(out, fl.name)
			set &^= fl.bit
		}
	}
	for bit := uint32(1); set != 0; bit <<= 1 {
		if set&bit != 0 {
			out = append(out, fmt.Sprintf("%#x", bit))
			set &^= bit
		}
	}
	return out
}

// TypeName names Type: "app", "dll", "driver", "font", "vxd", "static-lib",
// "unknown" for VFT_UNKNOWN, or "" for an undefined value.
func (f *FixedFileInfo) TypeName() string {
	switch f.Type {
	case VFT_UNKNOWN:
		return "unknown"
	case VFT_APP:
		return "app"
	case VFT_DLL:
		return "dll"
	case VFT_DRV:
		return "driver"
	case VFT_FONT:
		return "font"
	case VFT_VXD:
		return "vxd"
	case VFT_STATIC_LIB:
		return "static-lib"
	}
	return ""
}

// SubtypeName names Subtype for drivers (VFT2_DRV_*: "printer", "keyboard",
// "language", "display", "mouse", "network", "system", "installable",
// "sound", "comm", "input-method", "versioned-printer") and fonts
// (VFT2_FONT_*: "raster", "vector", "truetype"); "" otherwise.
func (f *FixedFileInfo) SubtypeName() string {
	switch f.Type {
	case VFT_DRV:
		names := [...]string{1: "printer", 2: "keyboard", 3: "language", 4: "display", 5: "mouse",
			6: "network", 7: "system", 8: "installable", 9: "sound", 10: "comm", 11: "input-method",
			12: "versioned-printer"}
		if f.Subtype < uint32(len(names)) {
			return names[f.Subtype]
		}
	case VFT_FONT:
		names := [...]string{1: "raster", 2: "vector", 3: "truetype"}
		if f.Subtype < uint32(len(names)) {
			return names[f.Subtype]
		}
	}
	return ""
}

// OSName returns the SDK name of OS, e.g. "VOS_NT_WINDOWS32" for 0x40004,
// or "" for a combination verrsrc.h does not name.
func (f *FixedFileInfo) OSName() string {
	switch f.OS {
	case VOS_UNKNOWN:
		return "VOS_UNKNOWN"
	case VOS_DOS:
		return "VOS_DOS"
	case VOS_OS216:
		return "VOS_OS216"
	case VOS_OS232:
		return "VOS_OS232"
	case VOS_NT:
		return "VOS_NT"
	case VOS_WINCE:
		return "VOS_WINCE"
	case VOS__WINDOWS16:
		return "VOS__WINDOWS16"
	case VOS__PM16:
		return "VOS__PM16"
	case VOS__PM32:
		return "VOS__PM32"
	case VOS__WINDOWS32:
		return "VOS__WINDOWS32"
	case VOS_DOS_WINDOWS16:
		return "VOS_DOS_WINDOWS16"
	case VOS_DOS_WINDOWS32:
		return "VOS_DOS_WINDOWS32"
	case VOS_OS216_PM16:
		return "VOS_OS216_PM16"
	case VOS_OS232_PM32:
		return "VOS_OS232_PM32"
	case VOS_NT_WINDOWS32:
		return "VOS_NT_WINDOWS32"
	}
	return ""
}

// Date returns DateMS:DateLS as a time (a FILETIME: 100 ns ticks since
// 1601-01-01 UTC), and false when both are zero, as they nearly always are.
func (f *FixedFileInfo) Date() (time.Time, bool) {
	ft := uint64(f.DateMS)<<32 | uint64(f.DateLS)
	if ft == 0 {
		return time.Time{}, false
	}
	const ticksPerSecond = 10_000_000
	const epochDelta = 11644473600 // seconds from 1601-01-01 to 1970-01-01
	sec := int64(ft/ticksPerSecond) - epochDelta
	nsec := int64(ft%ticksPerSecond) * 100
	return time.Unix(sec, nsec).UTC(), true
}

// StringTable is one StringTable block: the strings of one language and
// code page.
type StringTable struct {
	// LangCodepage is the block's key in lower case, normally 8 hex digits
	// ("040904b0"); kept as found (lower-cased) when it is not.
	LangCodepage string `json:"lang_codepage"`
	// Language is the locale name of LangID ("en-US"), or "" for neutral
	// (0) and unknown LANGIDs — see [LanguageTag].
	Language string `json:"language"`
	// LangID and CodePage are the two halves of the key (0 when it does not
	// parse). Strings are UTF-16 whatever CodePage says.
	LangID   uint16 `json:"lang_id"`  // first 4 hex digits
	CodePage uint16 `json:"codepage"` // last 4 hex digits
	// ResourceLangID and ResourceLanguage are the language of the RT_VERSION
	// resource holding the table (its resource-directory entry), which may
	// differ from the table's own (Wine puts table 040904b0 in resources
	// 0x0009 and 0x0409). The decoder cannot know it and leaves them zero;
	// package pe and [SummarizeVersions] fill them in.
	ResourceLangID   uint16 `json:"resource_lang_id"`
	ResourceLanguage string `json:"resource_language"` // [LanguageTag](ResourceLangID)
	// Strings are the key/value pairs in file order.
	Strings Strings `json:"strings"`
	// Offset is where the StringTable node starts in the resource.
	Offset int `json:"-"`
}

// Get is shorthand for t.Strings.Get(key).
func (t *StringTable) Get(key string) (string, bool) { return t.Strings.Get(key) }

// Translation is one VarFileInfo\Translation entry.
type Translation struct {
	LangID   uint16 `json:"lang_id"`  // low WORD, e.g. 0x0409
	CodePage uint16 `json:"codepage"` // high WORD, e.g. 1200 (UTF-16)
	// Language is [LanguageTag](LangID).
	Language string `json:"language"`
}

// LangCodepage returns the StringTable key this translation points at,
// e.g. "040904b0".
func (t Translation) LangCodepage() string {
	return fmt.Sprintf("%04x%04x", t.LangID, t.CodePage)
}

// RawNode is a node whose key the format does not define (or that sits too
// deep), kept as key, position, size and SHA-256 of its bytes.
type RawNode struct {
	Key    string `json:"key"`    // the node's key
	Offset int    `json:"offset"` // node start in the resource
	Size   int    `json:"size"`   // node bytes (wLength, clamped)
	SHA256 string `json:"sha256"` // lower-case hex digest of those bytes
}

// ParseVersionInfo decodes the bytes of one RT_VERSION resource.
//
// It returns a non-nil *VersionInfo whenever the root node header could be
// read, together with an error (a *[FormatError] wrapping [ErrTruncated]
// or [ErrLimit]) when part of the resource could not be read: callers should
// use the partial result and report the error. Oddities it can read around —
// wrong wLength, missing padding, wValueLength in bytes or zero, values
// without NUL, unknown keys — are listed in VersionInfo.Anomalies and do not
// make an error. It returns (nil, error) only when b is shorter than a node
// header.
//
// String values are read up to their first NUL within their node, whatever
// wValueLength says, as VirusTotal, Resource Hacker and pelite do. Work is
// linear in len(b) and capped by maxVersionNodes; the result does not
// reference b.
func ParseVersionInfo(b []byte) (*VersionInfo, error) {
	if len(b) < vsNodeHeader {
		return nil, formatErr(len(b), "version info", "truncated", ErrTruncated)
	}
	p := &vparser{b: b, v: &VersionInfo{}}
	p.parse()
	p.v.Anomalies = p.an.list
	if p.v.Tables == nil {
		p.v.Tables = []StringTable{}
	}
	return p.v, p.err
}

type vparser struct {
	b     []byte
	v     *VersionInfo
	an    anomalies
	err   error
	nodes int
}

// vnode is one node header, located.
type vnode struct {
	off, end     int // node start; end of the node (wLength, clamped)
	wLength      uint16
	wValueLength uint16
	wType        uint16
	key          string
	keyEnd       int  // just past the key's NUL (or end when unterminated)
	keyOK        bool // key NUL-terminated
	valueOff     int  // align4(keyEnd)
	limit        int  // end of the parent
	extended     bool // wLength was too small; end was set to limit
}

func (p *vparser) fail(err error) {
	if p.err == nil {
		p.err = err
	}
}

// readNode reads the node header at off, inside a parent ending at limit.
// The caller guarantees off+6 <= limit. The node's end is clamped to limit;
// a wLength too small to hold the key extends the node to limit.
func (p *vparser) readNode(off, limit int) *vnode {
	b := p.b
	n := &vnode{
		off:          off,
		limit:        limit,
		wLength:      u16(b, off),
		wValueLength: u16(b, off+2),
		wType:        u16(b, off+4),
	}
	if n.wType > 1 {
		p.an.add(AnomVersionBadType, off, "wType is %d", n.wType)
	}
	key, used, term := utf16z(b[off+vsNodeHeader : limit])
	n.key, n.keyOK = key, term
	n.keyEnd = off + vsNodeHeader + used
	declared := off + int(n.wLength)
	if declared > limit && limit == len(b) {
		p.an.add(AnomVersionTruncated, off, "node %q declares %d bytes, %d remain", truncateForMsg(key), n.wLength, limit-off)
		p.fail(formatErr(limit, "version info", "truncated", ErrTruncated))
	}
	switch {
	case !term:
		p.an.add(AnomVersionUnterminatedKey, off, "key %q has no NUL", truncateForMsg(key))
		n.end = limit
	case declared < n.keyEnd:
		p.an.add(AnomVersionLengthTooSmall, off, "wLength %d is smaller than the node's header and key %q; read to the parent's end", n.wLength, truncateForMsg(key))
		n.end = limit
		n.extended = true
	case declared > limit:
		if limit < len(b) {
			p.an.add(AnomVersionLengthOverflow, off, "node %q declares %d bytes, its parent leaves %d", truncateForMsg(key), n.wLength, limit-off)
		}
		n.end = limit
	default:
		n.end = declared
	}
	n.valueOff = align4(n.keyEnd)
	return n
}

// padLess reports whether a field that should start at the 4-aligned
// offset aligned starts right after the previous field at unaligned
// instead: the pad bytes between them are not zero.
func (p *vparser) padLess(unaligned, aligned, end int) bool {
	return unaligned != aligned && unaligned+2 <= end && u16(p.b, unaligned) != 0
}

// plausible reports whether a believable node header starts at off within
// end: a length that covers at least a one-character key, wType 0 or 1 and
// a printable ASCII first key character (every defined key is ASCII).
func (p *vparser) plausible(off, end int) bool {
	if off < 0 || off+8 > end || off&1 != 0 {
		return false
	}
	l := int(u16(p.b, off))
	if l < 8 || off+l > len(p.b) {
		return false
	}
	if u16(p.b, off+4) > 1 {
		return false
	}
	c := u16(p.b, off+6)
	return c >= 0x20 && c < 0x7F
}

// pickChild returns the index of the first candidate offset where a
// plausible node starts, or 0 when none does.
func (p *vparser) pickChild(end int, cands ...int) int {
	for i, c := range cands {
		if p.plausible(c, end) {
			return i
		}
	}
	return 0
}

// each walks the nodes in [off, end) at the given depth and calls fn for
// each; fn may move n.end (to follow the content rather than wLength) and
// returns false to stop the walk. Every iteration advances by at least 4
// bytes.
func (p *vparser) each(off, end, depth int, fn func(n *vnode, depth int) bool) {
	if depth > maxVersionDepth {
		p.an.add(AnomVersionLimit, off, "nodes nested deeper than %d", maxVersionDepth)
		return
	}
	padFrom := -1
	for off+vsNodeHeader <= end {
		if p.nodes >= maxVersionNodes {
			p.an.addAlways(AnomVersionLimit, off, "more than %d nodes", maxVersionNodes)
			p.fail(formatErr(off, "version info", "node limit reached", ErrLimit))
			return
		}
		// A zero wLength and wValueLength with no printable first key
		// character is padding, not a node (a zero-length node, hazard #3,
		// still has its key): skip it a DWORD at a time.
		if u32(p.b, off) == 0 {
			if c := u16(p.b, off+6); off+8 > end || c < 0x20 || c >= 0x7F {
				if padFrom < 0 {
					padFrom = off
				}
				off += 4
				continue
			}
		}
		if padFrom >= 0 {
			p.an.add(AnomVersionExtraPadding, padFrom, "%d zero bytes between nodes", off-padFrom)
			padFrom = -1
		}
		n := p.readNode(off, end)
		p.nodes++
		if !fn(n, depth) {
			return
		}
		next := align4(n.end)
		if p.padLess(n.end, next, end) && p.plausible(n.end, end) && !p.plausible(next, end) {
			p.an.add(AnomVersionMissingPadding, n.end, "node follows %q without padding", truncateForMsg(n.key))
			next = n.end
		}
		if next <= off { // cannot happen (end > off); kept as a guarantee
			next = off + 4
		}
		off = next
	}
	// Fewer than 6 bytes left: padding if zero, else a length that does
	// not match the content (real truncation was reported by readNode).
	for i := off; i < end; i++ {
		if p.b[i] != 0 {
			p.an.add(AnomVersionLengthMismatch, off, "%d bytes left at the end of a node, too few for a child", end-off)
			break
		}
	}
}

func (p *vparser) parse() {
	b := p.b
	root := p.readNode(0, len(b))
	p.nodes++
	p.v.Key = root.key
	if root.key != "VS_VERSION_INFO" {
		p.an.add(AnomVersionBadRootKey, 0, "root key is %q", truncateForMsg(root.key))
	}
	start := p.fixedInfo(root)
	p.each(start, root.end, 1, p.rootChild)

	// A root wLength that stops short of real children: keep reading if a
	// StringFileInfo or VarFileInfo follows the declared end.
	if tail := align4(root.end); tail > start && root.end < len(b) && p.plausible(tail, len(b)) {
		key, _, _ := utf16z(b[tail+vsNodeHeader:])
		if isBlockKey(key) {
			p.an.add(AnomVersionLengthMismatch, 0, "root wLength %d ends before child %q at %#x", root.wLength, key, tail)
			p.each(tail, len(b), 1, p.rootChild)
		}
	}
}

// fixedInfo decodes VS_FIXEDFILEINFO from the root's value and returns
// where the root's children start.
func (p *vparser) fixedInfo(root *vnode) int {
	b := p.b
	vlen := int(root.wValueLength)
	at := -1
	for _, c := range []int{root.valueOff, root.keyEnd} {
		if c+4 <= root.end && u32(b, c) == vsFixedFileInfoSignature {
			at = c
			break
		}
	}
	switch {
	case at >= 0 && at != root.valueOff:
		p.an.add(AnomVersionMissingPadding, at, "VS_FIXEDFILEINFO starts right after the key")
	case at < 0 && vlen == 0:
		p.an.add(AnomVersionNoFixedInfo, root.valueOff, "root has no VS_FIXEDFILEINFO")
		return root.valueOff
	case at < 0:
		at = root.valueOff
		p.an.add(AnomVersionBadFixedSignature, at, "VS_FIXEDFILEINFO signature is %#x", u32(b, at))
	}
	if vlen != vsFixedFileInfoSize {
		p.an.add(AnomVersionFixedLengthMismatch, root.off, "root wValueLength is %d, VS_FIXEDFILEINFO is %d bytes", vlen, vsFixedFileInfoSize)
	}
	if at+vsFixedFileInfoSize > root.end {
		p.an.add(AnomVersionFixedTruncated, at, "%d bytes left for the %d-byte VS_FIXEDFILEINFO", max(root.end-at, 0), vsFixedFileInfoSize)
		return root.end
	}
	p.v.Fixed = readFixedFileInfo(b, at)

	// Children follow the value as declared; if that lands on garbage, try
	// the real structure size, then no padding.
	cands := []int{align4(at + vlen), align4(at + vsFixedFileInfoSize), at + vsFixedFileInfoSize}
	i := p.pickChild(root.end, cands...)
	if i == 2 && cands[2] != cands[1] {
		p.an.add(AnomVersionMissingPadding, cands[2], "first child starts right after VS_FIXEDFILEINFO")
	}
	return cands[i]
}

func (p *vparser) rootChild(n *vnode, depth int) bool {
	kind := blockKind(n.key)
	if kind != "" && !strings.EqualFold(n.key, kind) {
		p.an.add(AnomVersionOddKey, n.off, "key %q read as %s", truncateForMsg(n.key), kind)
	}
	switch {
	case kind == "StringFileInfo":
		start := p.containerStart(n)
		p.each(start, n.end, depth+1, func(c *vnode, d int) bool {
			if p.endsExtended(n, c, isBlockKey(c.key)) {
				return false
			}
			return p.stringTable(c, d)
		})
	case kind == "VarFileInfo":
		start := p.containerStart(n)
		p.each(start, n.end, depth+1, func(c *vnode, d int) bool {
			if p.endsExtended(n, c, isBlockKey(c.key)) {
				return false
			}
			return p.varChild(c, d)
		})
	case isTableKey(n.key):
		p.an.add(AnomVersionMissingStringFileInfo, n.off, "StringTable %q directly under the root", n.key)
		p.stringTable(n, depth+1)
	default:
		p.unknown(n)
	}
	return true
}

// endsExtended decides, for a container whose wLength was too small (and
// which therefore runs to its parent's end), whether child c is really the
// container's next sibling: a node whose key belongs to the container's
// level or above. If so the container is cut before c.
func (p *vparser) endsExtended(container, c *vnode, siblingKey bool) bool {
	if !container.extended || !siblingKey || c.wValueLength != 0 {
		return false
	}
	container.end = c.off
	return true
}

// isBlockKey reports whether k names a root child.
func isBlockKey(k string) bool { return blockKind(k) != "" }

// blockKind returns "StringFileInfo" or "VarFileInfo" when k is that key or
// starts with it (case-insensitively, as pefile accepts them), else "".
func blockKind(k string) string {
	for _, kind := range []string{"StringFileInfo", "VarFileInfo"} {
		if len(k) >= len(kind) && strings.EqualFold(k[:len(kind)], kind) {
			return kind
		}
	}
	return ""
}

// containerStart returns where the children of a node without a value
// (StringFileInfo, VarFileInfo, StringTable) start.
func (p *vparser) containerStart(n *vnode) int {
	if n.wValueLength == 0 {
		if p.padLess(n.keyEnd, n.valueOff, n.end) && p.plausible(n.keyEnd, n.end) && !p.plausible(n.valueOff, n.end) {
			p.an.add(AnomVersionMissingPadding, n.keyEnd, "first child of %q starts right after the key", n.key)
			return n.keyEnd
		}
		return n.valueOff
	}
	p.an.add(AnomVersionContainerValue, n.off, "%q has wValueLength %d", n.key, n.wValueLength)
	unit := 1
	if n.wType == 1 {
		unit = 2
	}
	cands := []int{align4(n.valueOff + int(n.wValueLength)*unit), n.valueOff, n.keyEnd}
	return cands[p.pickChild(n.end, cands...)]
}

func (p *vparser) stringTable(n *vnode, depth int) bool {
	t := StringTable{LangCodepage: strings.ToLower(n.key), Offset: n.off}
	if isTableKey(n.key) {
		v, _ := strconv.ParseUint(n.key, 16, 32)
		t.LangID, t.CodePage = uint16(v>>16), uint16(v)
		t.Language = LanguageTag(t.LangID)
	} else {
		p.an.add(AnomVersionBadTableKey, n.off, "StringTable key %q is not 8 hex digits", truncateForMsg(n.key))
	}
	start := p.containerStart(n)
	var seen map[string]struct{}
	p.each(start, n.end, depth+1, func(c *vnode, _ int) bool {
		if p.endsExtended(n, c, isTableKey(c.key) || isBlockKey(c.key)) {
			return false
		}
		val, natural := p.stringValue(c)
		p.follow(c, natural, n.end)
		if len(t.Strings) == 32 && seen == nil {
			seen = make(map[string]struct{}, 64)
			for _, s := range t.Strings {
				seen[s.Key] = struct{}{}
			}
		}
		dup := false
		if seen != nil {
			_, dup = seen[c.key]
			seen[c.key] = struct{}{}
		} else {
			for _, s := range t.Strings {
				if s.Key == c.key {
					dup = true
					break
				}
			}
		}
		if dup {
			p.an.add(AnomVersionDuplicateKey, c.off, "key %q repeated in StringTable %q", truncateForMsg(c.key), t.LangCodepage)
		}
		t.Strings = append(t.Strings, StringPair{Key: c.key, Value: val})
		return true
	})
	if t.Strings == nil {
		t.Strings = Strings{}
	}
	p.v.Tables = append(p.v.Tables, t)
	return true
}

// follow moves a leaf node's end to where its content ends (natural) when
// a node header follows the content inside the declared wLength: a String
// whose wLength swallows the next String, or one extended because its
// wLength was too small. Text or zero padding after a value's NUL never
// looks like a node header (wType would be > 1), so trailing garbage keeps
// the declared length.
func (p *vparser) follow(n *vnode, natural, parentEnd int) {
	nat, decl := align4(natural), align4(n.end)
	if natural <= n.off || nat >= decl || !p.plausible(nat, parentEnd) {
		return
	}
	if !n.extended {
		p.an.add(AnomVersionLengthMismatch, n.off, "wLength %d of %q disagrees with its content; next node found at %#x", n.wLength, truncateForMsg(n.key), nat)
	}
	n.end = natural
}

// stringValue reads a String node's value: UTF-16 up to the first NUL
// inside the node, whatever wValueLength says. It also returns where the
// value (and so the node's content) ends.
func (p *vparser) stringValue(n *vnode) (string, int) {
	if !n.keyOK {
		return "", n.end
	}
	vo := n.valueOff
	if p.padLess(n.keyEnd, n.valueOff, n.end) {
		p.an.add(AnomVersionMissingPadding, n.keyEnd, "value of %q starts right after the key", truncateForMsg(n.key))
		vo = n.keyEnd
	}
	wl := int(n.wValueLength)
	if vo >= n.end {
		if wl > 0 {
			p.an.add(AnomVersionValueLengthMismatch, n.off, "%q declares %d value units but has no room for a value", truncateForMsg(n.key), wl)
		}
		return "", n.end
	}
	s, used, term := utf16z(p.b[vo:n.end])
	text := used / 2
	if term {
		text--
	}
	room := (n.end - vo) / 2
	switch {
	case !term:
		p.an.add(AnomVersionValueUnterminated, vo, "value of %q has no NUL before the node's end", truncateForMsg(n.key))
	case wl == text || wl == text+1:
	case wl == 0:
		p.an.add(AnomVersionValueLengthZero, n.off, "%q has wValueLength 0 but a %d-unit value", truncateForMsg(n.key), text)
	case wl == 2*text || wl == 2*(text+1):
		p.an.add(AnomVersionValueLengthBytes, n.off, "%q wValueLength %d counts bytes, not UTF-16 units", truncateForMsg(n.key), wl)
	case wl > room:
		p.an.add(AnomVersionValueLengthMismatch, n.off, "%q wValueLength %d runs past its node (%d units of room)", truncateForMsg(n.key), wl, room)
	default:
		p.an.add(AnomVersionValueLengthMismatch, n.off, "%q wValueLength %d, value is %d units", truncateForMsg(n.key), wl, text)
	}
	return s, vo + used
}

func (p *vparser) varChild(n *vnode, _ int) bool {
	if !strings.EqualFold(n.key, "Translation") {
		p.unknown(n)
		return true
	}
	vo := n.valueOff
	if p.padLess(n.keyEnd, n.valueOff, n.end) {
		p.an.add(AnomVersionMissingPadding, n.keyEnd, "Translation value starts right after the key")
		vo = n.keyEnd
	}
	room := max(n.end-vo, 0)
	decl := int(n.wValueLength)
	size := decl
	switch {
	case decl == 0 && room >= 4 && !n.extended:
		p.an.add(AnomVersionValueLengthZero, n.off, "Translation has wValueLength 0 but %d bytes of value", room)
		size = room
	case decl%4 != 0 && decl*2 <= room && decl*2%4 == 0:
		p.an.add(AnomVersionBadTranslation, n.off, "Translation wValueLength %d counts UTF-16 units, not bytes", decl)
		size = decl * 2
	case decl > room:
		p.an.add(AnomVersionBadTranslation, n.off, "Translation wValueLength %d runs past its node (%d bytes of room)", decl, room)
		size = room
	case decl%4 != 0:
		p.an.add(AnomVersionBadTranslation, n.off, "Translation wValueLength %d is not a multiple of 4", decl)
	}
	for i := 0; i+4 <= size; i += 4 {
		id := u16(p.b, vo+i)
		p.v.Translations = append(p.v.Translations, Translation{LangID: id, CodePage: u16(p.b, vo+i+2), Language: LanguageTag(id)})
	}
	p.follow(n, vo+(size&^3), n.limit)
	return true
}

func (p *vparser) unknown(n *vnode) {
	p.an.add(AnomVersionUnknownNode, n.off, "unexpected node %q kept raw", truncateForMsg(n.key))
	sum := sha256.Sum256(p.b[n.off:n.end])
	p.v.Unknown = append(p.v.Unknown, RawNode{Key: n.key, Offset: n.off, Size: n.end - n.off, SHA256: hex.EncodeToString(sum[:])})
}

// isTableKey reports whether k is 8 hex digits, a StringTable key.
func isTableKey(k string) bool {
	if len(k) != 8 {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// truncateForMsg shortens hostile text quoted in anomaly messages.
func truncateForMsg(s string) string {
	const n = 64
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && s[i]&0xC0 == 0x80 { // back up to a rune boundary
		i--
	}
	return s[:i] + "…"
}
