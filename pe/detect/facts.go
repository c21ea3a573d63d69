package detect

import (
	"bytes"
	"context"
	"debug/buildinfo"
	"encoding/binary"
	"fmt"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unsafe"

	"github.com/filerep/filerep/pe"
)

// Facts is what the detection rules read, gathered once per file from the
// parsed [pe.File]: section names, flags and entropy; imports as "dll!func";
// the entry point and its first bytes; the overlay's first bytes; the Rich
// header; resources; version strings; CLR facts; Go build info. Facts
// never read the file again: every byte they hold is a slice of
// [pe.File.Data], and every search is bounded.
//
// Facts memoise string searches, so a Facts value is not safe for
// concurrent use; build one per goroutine with [NewFacts].
type Facts struct {
	// File is the parsed file the facts come from.
	File *pe.File

	// Sections is the section table with each section's data in the file.
	Sections []SectionFact
	// FirstCode is the index of the first executable section, or -1.
	FirstCode int

	// The entry point.
	EntryRVA     uint32 // AddressOfEntryPoint
	EntryOffset  int64  // its file offset, -1 when it maps to no file data
	EntrySection int    // index of the section holding it, -1 when none
	EntryBytes   []byte // up to 256 bytes from it, within its section's data

	// Imports lists the functions of the import and delay-import
	// directories, in file order.
	Imports []ImportFact

	// Headers is the start of the file, max(SizeOfHeaders, 1 KiB) bytes
	// but at most 4 KiB: DOS header and stub, PE headers, section table,
	// and whatever hides after them (the UPX pack header does).
	Headers []byte
	// DOSStub is the bytes between the DOS header and the PE header.
	DOSStub []byte

	// The overlay: data after the last section.
	OverlayOffset int64  // -1 when there is no overlay
	OverlayHead   []byte // the overlay's first bytes (at most 4 KiB)

	// CLR holds the .NET facts, nil when the file has no CLR header.
	CLR *CLRFacts
	// Go holds the Go build information, nil when there is none.
	Go *GoFacts

	dlls []string // lower-case DLL names, each once, in import order

	regions  [regionCount][]chunk
	regionOK uint16    // bit r: regions[r] is computed
	searches []search  // remembered FindString results (a few per file)
	memo     memo      // derived facts that several rules read (memo.go)
	found    []Finding // runRules' scratch (recycled with the Facts)
	present  []bool    // runRules' scratch (recycled with the Facts)
	manifest *string
	gcc      *[]gccIdent
	errs     []string        // failures while gathering, e.g. a panic in debug/buildinfo
	ctx      context.Context // Run's context, checked between rules; nil from NewFacts
}

// SectionFact is one section with its data as found in the file.
type SectionFact struct {
	Index           int     // position in the section table
	Name            string  // printable name, as Section.Name
	VirtualAddress  uint32  // RVA
	VirtualSize     uint32  // size in memory
	RawOffset       int64   // file offset of the data, as the loader rounds it
	RawSize         uint32  // SizeOfRawData as written
	Characteristics uint32  // IMAGE_SCN_* flags
	Entropy         float64 // Shannon bits per byte of the data
	Data            []byte  // the raw data present in the file (may be shorter than RawSize)
}

// Executable reports whether the section holds code or may be executed.
func (s *SectionFact) Executable() bool {
	return s.Characteristics&(pe.IMAGE_SCN_CNT_CODE|pe.IMAGE_SCN_MEM_EXECUTE) != 0
}

// Writable reports whether the section is writable.
func (s *SectionFact) Writable() bool { return s.Characteristics&pe.IMAGE_SCN_MEM_WRITE != 0 }

// Flags returns the permissions as "rwx" with '-' for each one missing.
func (s *SectionFact) Flags() string {
	sec := pe.Section{Characteristics: s.Characteristics}
	return sec.Flags()
}

// ImportFact is one imported function.
type ImportFact struct {
	DLL     string // lower case, as imported ("kernel32.dll")
	Name    string // as imported; empty for an import by ordinal
	Ordinal uint32 // the ordinal, for imports by ordinal
	// Lower is the name in lower case without its A or W suffix
	// ("createprocess" for CreateProcessW; "regcreatekeyex" for
	// RegCreateKeyExW).
	Lower string
	Delay bool // from the delay-load directory
}

// Base returns Lower without an "ex" suffix ("regcreatekey").
func (i *ImportFact) Base() string { return stripLowerEx(i.Lower) }

// Key returns "dll!function" in lower case with the A/W suffix removed
// ("kernel32.dll!createprocess").
func (i ImportFact) Key() string { return i.DLL + "!" + i.Lower }

// Evidence returns the import as evidence: "dll!Function" as imported.
func (i ImportFact) Evidence() Evidence {
	name := i.Name
	if name == "" {
		name = "#" + itoa(uint64(i.Ordinal))
	}
	kind := "import"
	if i.Delay {
		kind = "delay-import"
	}
	return Evidence{Kind: kind, Value: i.DLL + "!" + name, Offset: -1}
}

// CLRFacts are the .NET facts the rules read.
type CLRFacts struct {
	HeaderOffset int64    // file offset of IMAGE_COR20_HEADER, -1 when unreadable
	Flags        uint32   // COMIMAGE_FLAGS_*
	ILOnly       bool     // COMIMAGE_FLAGS_ILONLY: no native code (clear in mixed-mode C++/CLI)
	Version      string   // metadata version string, e.g. "v4.0.30319"
	Refs         []string // AssemblyRef names, e.g. "mscorlib", "Microsoft.VisualBasic"
	Metadata     []byte   // the metadata bytes present in the file (at most 16 MiB)
	MetaOffset   int64    // file offset of Metadata

	lang  *dotnetLang // the source language, computed on first use
	mixed int8        // mixedNative: 0 not yet asked, 1 no, 2 yes
}

// HasRef reports whether the assembly references name (case-insensitive).
func (c *CLRFacts) HasRef(name string) bool {
	for _, r := range c.Refs {
		if strings.EqualFold(r, name) {
			return true
		}
	}
	return false
}

// GoFacts are a Go binary's build information.
type GoFacts struct {
	Offset    int64  // file offset of the "\xff Go buildinf:" header
	GoVersion string // e.g. "go1.26.8"; empty when debug/buildinfo could not read it
	Path      string // the main package path
	Main      string // the main module path and version
}

// Region names the places string searches look in; each is bounded.
type Region uint8

// Regions.
const (
	RegionHeaders   Region = iota + 1 // Facts.Headers
	RegionCode                        // executable sections
	RegionData                        // initialized data that is not code, resources, relocations or exception tables
	RegionResources                   // the section holding the resource directory
	RegionOverlay                     // the overlay
	RegionRData                       // the .rdata section, where compilers put their strings (RegionData when there is none)
	regionCount
)

// Search bounds: how much of one section, of one region, and of the overlay
// a string search reads. Real compilers' marker strings sit well inside.
const (
	maxSectionScan = 8 << 20
	maxRegionScan  = 16 << 20
	maxOverlayScan = 1 << 20
	entryBytes     = 256
	headerBytes    = 4096
	overlayHead    = 4096
	maxMetadata    = 16 << 20
	maxManifest    = 64 << 10
)

type chunk struct {
	off  int64
	data []byte
}

type search struct {
	r   Region
	s   string
	off int64
}

// NewFacts gathers the facts of f. It costs a pass over the import table
// and a few bounded reads; string searches run later, when rules ask.
func NewFacts(f *pe.File) *Facts {
	x := new(Facts)
	x.gather(f)
	return x
}

// gather fills x from f. x is a zero Facts, but for the arrays of its
// slices that getFacts keeps for reuse (empty, with their capacity).
func (x *Facts) gather(f *pe.File) {
	x.File = f
	x.FirstCode, x.EntryOffset, x.EntrySection, x.OverlayOffset = -1, -1, -1, -1
	data := f.Data()
	h := &f.Header
	for i, s := range f.Sections {
		b, lo := f.SectionData(i)
		sf := SectionFact{
			Index: i, Name: s.Name, VirtualAddress: s.VirtualAddress, VirtualSize: s.VirtualSize,
			RawOffset: lo, RawSize: s.RawSize, Characteristics: s.Characteristics, Entropy: s.Entropy,
			Data: b,
		}
		x.Sections = append(x.Sections, sf)
		x.memo.sectionBloom |= nameBit(sf.Name)
		if x.FirstCode < 0 && sf.Executable() {
			x.FirstCode = i
		}
	}

	x.EntryRVA = h.AddressOfEntryPoint
	if x.EntryRVA != 0 {
		for i := range x.Sections {
			s := &x.Sections[i]
			vs := max(s.VirtualSize, s.RawSize)
			if x.EntryRVA >= s.VirtualAddress && uint64(x.EntryRVA) < uint64(s.VirtualAddress)+uint64(vs) {
				x.EntrySection = i
				rel := int64(x.EntryRVA - s.VirtualAddress)
				if rel < int64(len(s.Data)) {
					x.EntryOffset = s.RawOffset + rel
					x.EntryBytes = s.Data[rel:min(int64(len(s.Data)), rel+entryBytes)]
				}
				break
			}
		}
		if x.EntrySection < 0 && x.EntryRVA < h.SizeOfHeaders && int64(x.EntryRVA) < int64(len(data)) {
			x.EntryOffset = int64(x.EntryRVA)
			x.EntryBytes = data[x.EntryRVA:min(len(data), int(x.EntryRVA)+entryBytes)]
		}
	}

	n := min(len(data), max(int(min(h.SizeOfHeaders, headerBytes)), 1024), headerBytes)
	x.Headers = data[:n:n]
	if nt := int(h.NTOffset); nt > 0x40 {
		end := min(nt, len(data), 0x400)
		if end > 0x40 {
			x.DOSStub = data[0x40:end:end]
		}
	}

	if f.Overlay != nil && f.Overlay.Offset < int64(len(data)) {
		x.OverlayOffset = f.Overlay.Offset
		end := min(int64(len(data)), f.Overlay.Offset+overlayHead)
		x.OverlayHead = data[f.Overlay.Offset:end:end]
	}

	x.addImports(f.Imports, false)
	x.addImports(f.DelayImports, true)

	if f.DotNet {
		x.CLR = x.clrFacts()
	}
	x.Go = x.goFacts()
}

// importCount returns the number of imported and delay-loaded functions.
func importCount(f *pe.File) int {
	n := 0
	for _, imp := range f.Imports {
		n += len(imp.Functions)
	}
	for _, imp := range f.DelayImports {
		n += len(imp.Functions)
	}
	return n
}

func (x *Facts) addImports(imps []pe.Import, delay bool) {
	if len(x.Imports) == 0 {
		if n := importCount(x.File); cap(x.Imports) < n {
			x.Imports = make([]ImportFact, 0, n)
		}
	}
	// Copy every name (without its A/W suffix) into one buffer, lower-case
	// it in place and slice the Lower strings from it: one allocation
	// instead of one per import.
	size := 0
	for _, imp := range imps {
		size += len(imp.DLL)
		for _, fn := range imp.Functions {
			if !fn.ByOrdinal {
				size += len(fn.Name)
			}
		}
	}
	buf := make([]byte, size)
	// all is buf as a string. A DLL name is lower-cased as soon as it is
	// copied (it is compared at once); the function names are read only
	// after the final lower-casing, and buf is not written after that.
	all := unsafe.String(unsafe.SliceData(buf), len(buf))
	n := 0
	for _, imp := range imps {
		dll := all[n : n+len(imp.DLL)]
		asciiLower(buf[n : n+copy(buf[n:], imp.DLL)])
		n += len(imp.DLL)
		if !isASCII(imp.DLL) {
			dll = strings.ToLower(imp.DLL) // Unicode case mapping
		}
		if !slices.Contains(x.dlls, dll) {
			x.dlls = append(x.dlls, dll)
			x.memo.dllBloom |= nameBit(dll)
		}
		for k := range imp.Functions {
			fn := &imp.Functions[k]
			name, lower := "", ""
			if !fn.ByOrdinal {
				name = fn.Name
				aw := stripAW(name)
				lower = all[n : n+len(aw)]
				n += copy(buf[n:], aw)
			}
			// Field by field into the (recycled) array, each pointer once:
			// while the GC marks, every pointer written costs a barrier.
			x.Imports = x.Imports[:len(x.Imports)+1]
			i := &x.Imports[len(x.Imports)-1]
			i.DLL, i.Name, i.Lower, i.Ordinal, i.Delay = dll, name, lower, fn.Ordinal, delay
		}
	}
	asciiLower(buf[:n])
}

// stripLowerEx removes an "ex" suffix from a lower-case name.
func stripLowerEx(name string) string {
	if len(name) > 4 && strings.HasSuffix(name, "ex") {
		return name[:len(name)-2]
	}
	return name
}

// stripAW removes the ANSI/wide suffix of a Win32 function name: a final
// 'A' or 'W' after a lower-case letter or digit ("CreateProcessW").
func stripAW(name string) string {
	n := len(name)
	if n < 3 {
		return name
	}
	if c := name[n-1]; c == 'A' || c == 'W' {
		if p := name[n-2]; (p >= 'a' && p <= 'z') || (p >= '0' && p <= '9') {
			return name[:n-1]
		}
	}
	return name
}

// clrFacts reads IMAGE_COR20_HEADER: flags and the metadata's place.
func (x *Facts) clrFacts() *CLRFacts {
	f := x.File
	c := &CLRFacts{HeaderOffset: -1, MetaOffset: -1, Version: f.CLRVersion, Refs: f.CLRAssemblyRefs()}
	data := f.Data()
	d := f.Header.Directory(pe.IMAGE_DIRECTORY_ENTRY_COM_DESCRIPTOR)
	const corHeaderSize = 72
	hdrOff, ok := f.RVAToOffset(d.VirtualAddress)
	if !ok || hdrOff < 0 || hdrOff+corHeaderSize > int64(len(data)) {
		return c
	}
	hdr := data[hdrOff : hdrOff+corHeaderSize]
	c.HeaderOffset = hdrOff
	le := binary.LittleEndian
	c.Flags = le.Uint32(hdr[16:])
	c.ILOnly = c.Flags&pe.COMIMAGE_FLAGS_ILONLY != 0
	mdRVA, mdSize := le.Uint32(hdr[8:]), le.Uint32(hdr[12:])
	if off, ok := f.RVAToOffset(mdRVA); ok && off >= 0 && off < int64(len(data)) {
		end := min(int64(len(data)), off+int64(min(mdSize, maxMetadata)))
		c.Metadata, c.MetaOffset = data[off:end:end], off
	}
	return c
}

// goBuildInfoMagic starts a Go build info block (debug/buildinfo).
var goBuildInfoMagic = []byte("\xff Go buildinf:")

// goFacts finds the Go build info block the way debug/buildinfo does (16-
// byte aligned, in the first 64 KiB of a writable data section). Since Go
// 1.18 the version and module strings follow the header inline, and are
// decoded here from the same bytes with runtime/debug.ParseBuildInfo; the
// older pointer form is left to debug/buildinfo.Read. (Read itself
// allocates the data section's virtual size, up to 1 MiB, per call: on the
// Go samples that alone cost more than the rest of Run.)
func (x *Facts) goFacts() *GoFacts {
	const window = 64 << 10
	for i := range x.Sections {
		s := &x.Sections[i]
		if !s.Writable() || s.Executable() {
			continue
		}
		b := s.Data[:min(len(s.Data), window)]
		for from := 0; from < len(b); {
			j := index(b[from:], goBuildInfoMagic)
			if j < 0 {
				break
			}
			at := from + j
			from = at + 1
			if at%16 != 0 {
				continue
			}
			g := &GoFacts{Offset: s.RawOffset + int64(at)}
			if vers, mod, ok := goInlineBuildInfo(s.Data[at:]); ok {
				g.GoVersion = vers
				if bi, err := debug.ParseBuildInfo(mod); err == nil {
					g.Path = bi.Path
					if bi.Main.Path != "" {
						g.Main = strings.TrimSpace(bi.Main.Path + " " + bi.Main.Version)
					}
				}
				return g
			}
			if bi, err := x.readBuildInfo(); err == nil {
				g.GoVersion, g.Path = bi.GoVersion, bi.Path
				if bi.Main.Path != "" {
					g.Main = strings.TrimSpace(bi.Main.Path + " " + bi.Main.Version)
				}
			}
			return g
		}
	}
	return nil
}

// goInlineBuildInfo decodes the Go 1.18+ build info block at b: a 32-byte
// header whose flags byte (offset 15) has bit 1 set, then the version and
// the module information as uvarint-length strings; the module
// information is framed by two 16-byte sentinels, which are removed.
func goInlineBuildInfo(b []byte) (vers, mod string, ok bool) {
	const header, maxLen = 32, 1 << 20
	if len(b) < header || !bytes.HasPrefix(b, goBuildInfoMagic) || b[15]&0x2 == 0 {
		return "", "", false
	}
	p := b[header:]
	next := func() (string, bool) {
		n, k := binary.Uvarint(p)
		if k <= 0 || n > maxLen || n > uint64(len(p)-k) {
			return "", false
		}
		s := string(p[k : k+int(n)])
		p = p[k+int(n):]
		return s, true
	}
	if vers, ok = next(); !ok || vers == "" {
		return "", "", false
	}
	if mod, ok = next(); !ok {
		return "", "", false
	}
	if len(mod) >= 33 && mod[len(mod)-17] == '\n' {
		mod = mod[16 : len(mod)-16]
	} else {
		mod = ""
	}
	return vers, mod, true
}

// readBuildInfo runs debug/buildinfo over the file's bytes, recovering a
// panic into Facts' errors.
func (x *Facts) readBuildInfo() (bi *buildinfo.BuildInfo, err error) {
	defer func() {
		if v := recover(); v != nil {
			bi, err = nil, fmt.Errorf("detect: debug/buildinfo panicked: %v", v)
			x.errs = append(x.errs, err.Error())
		}
	}()
	return buildinfo.Read(bytes.NewReader(x.File.Data()))
}

// Section returns the first section with exactly this name.
func (x *Facts) Section(name string) (*SectionFact, bool) {
	if !x.mayHaveSection(name) {
		return nil, false
	}
	for i := range x.Sections {
		if x.Sections[i].Name == name {
			return &x.Sections[i], true
		}
	}
	return nil, false
}

// HasDLL reports whether the file imports (or delay-loads) the DLL; the
// name is compared in lower case.
func (x *Facts) HasDLL(name string) bool { return hasLower(x.dlls, x.memo.dllBloom, name) }

// DLLs returns the imported DLL names in lower case, each once, in import
// order.
func (x *Facts) DLLs() []string { return slices.Clone(x.dlls) }

// Import returns the imported functions matching api, as an [APIGroup]
// entry does: a function name without A/W suffix ("CreateProcess", which
// also matches its Ex variant; "VirtualAllocEx" matches only itself),
// optionally "dll!name".
func (x *Facts) Import(api string) []ImportFact {
	var out []ImportFact
	for _, i := range x.importIndexes(parseAPI(api)) {
		out = append(out, x.Imports[i])
	}
	return out
}

// HasImport reports whether Import(api) finds anything.
func (x *Facts) HasImport(api string) bool { return len(x.Import(api)) > 0 }

// Rich returns the Rich header, nil when there is none.
func (x *Facts) Rich() *pe.RichHeader { return x.File.Rich }

// At returns up to n bytes of the file at off (nil when off is outside).
func (x *Facts) At(off int64, n int) []byte {
	d := x.File.Data()
	if off < 0 || off >= int64(len(d)) || n <= 0 {
		return nil
	}
	end := min(int64(len(d)), off+int64(n))
	return d[off:end:end]
}

// AtRVA returns up to n bytes at an RVA (nil when it maps to no file data).
func (x *Facts) AtRVA(rva uint32, n int) []byte {
	off, ok := x.File.RVAToOffset(rva)
	if !ok {
		return nil
	}
	return x.At(off, n)
}

// CString returns the printable text at off, up to a NUL, a control
// character or max bytes.
func (x *Facts) CString(off int64, max int) string {
	b := x.At(off, max)
	for i, c := range b {
		if c < 0x20 || c > 0x7e {
			return string(b[:i])
		}
	}
	return string(b)
}

// textStart returns where the printable text holding off begins, looking
// back at most max bytes.
func (x *Facts) textStart(off int64, max int) int64 {
	d := x.File.Data()
	start := off
	for start > 0 && off-start < int64(max) && d[start-1] >= 0x20 && d[start-1] <= 0x7e {
		start--
	}
	return start
}

// Version returns a string of the primary version resource ("" when
// absent).
func (x *Facts) Version(key string) string {
	v, _ := x.File.VersionInfo().Get(key)
	return v
}

// Resources returns the resource leaves whose type is typ: a name
// ("SCRIPT") or "#id" ("#10" for RT_RCDATA).
func (x *Facts) Resources(typ string) []pe.Resource {
	var out []pe.Resource
	id, numeric := uint32(0), false
	if n, err := strconv.ParseUint(strings.TrimPrefix(typ, "#"), 10, 32); err == nil && strings.HasPrefix(typ, "#") {
		id, numeric = uint32(n), true
	}
	for _, r := range x.File.Resources {
		if numeric && r.Type.Name == "" && r.Type.ID == id || !numeric && r.Type.Name == typ {
			out = append(out, r)
		}
	}
	return out
}

// ResourceBytes returns up to n bytes of a resource's data and their file
// offset (nil and -1 when they are not in the file).
func (x *Facts) ResourceBytes(r pe.Resource, n int) ([]byte, int64) {
	b, err := x.File.ResourceData(r)
	if err != nil {
		return nil, -1
	}
	off, _ := x.File.RVAToOffset(r.RVA)
	return b[:min(len(b), n)], off
}

// Manifest returns the text of the first RT_MANIFEST resource (at most
// 64 KiB), or "".
func (x *Facts) Manifest() string {
	if x.manifest != nil {
		return *x.manifest
	}
	s := ""
	for _, r := range x.Resources("#24") {
		if b, _ := x.ResourceBytes(r, maxManifest); b != nil {
			s = string(b)
			break
		}
	}
	x.manifest = &s
	return s
}

// LinkerVersion returns the optional header's linker version.
func (x *Facts) LinkerVersion() (major, minor uint8) {
	return x.File.Header.LinkerVersion[0], x.File.Header.LinkerVersion[1]
}

// region returns the bounded chunks of a region.
func (x *Facts) region(r Region) []chunk {
	if r >= regionCount {
		return nil
	}
	if x.regionOK&(1<<r) != 0 {
		return x.regions[r]
	}
	var out []chunk
	total := 0
	add := func(off int64, b []byte, limit int) {
		b = b[:min(len(b), limit, maxRegionScan-total)]
		if len(b) > 0 {
			out = append(out, chunk{off, b})
			total += len(b)
		}
	}
	h := &x.File.Header
	rsrc := h.Directory(pe.IMAGE_DIRECTORY_ENTRY_RESOURCE).VirtualAddress
	reloc := h.Directory(pe.IMAGE_DIRECTORY_ENTRY_BASERELOC).VirtualAddress
	exc := h.Directory(pe.IMAGE_DIRECTORY_ENTRY_EXCEPTION).VirtualAddress
	holds := func(s *SectionFact, rva uint32) bool {
		return rva != 0 && rva >= s.VirtualAddress && uint64(rva) < uint64(s.VirtualAddress)+uint64(max(s.VirtualSize, s.RawSize))
	}
	switch r {
	case RegionHeaders:
		add(0, x.Headers, len(x.Headers))
	case RegionOverlay:
		if x.OverlayOffset >= 0 {
			add(x.OverlayOffset, x.At(x.OverlayOffset, maxOverlayScan), maxOverlayScan)
		}
	case RegionRData:
		if s, ok := x.Section(".rdata"); ok {
			add(s.RawOffset, s.Data, maxSectionScan)
		} else {
			out = x.region(RegionData)
		}
	default:
		for i := range x.Sections {
			s := &x.Sections[i]
			switch r {
			case RegionCode:
				if s.Executable() {
					add(s.RawOffset, s.Data, maxSectionScan)
				}
			case RegionResources:
				if holds(s, rsrc) {
					add(s.RawOffset, s.Data, maxSectionScan)
				}
			case RegionData:
				if !s.Executable() && s.Characteristics&pe.IMAGE_SCN_CNT_INITIALIZED_DATA != 0 &&
					!holds(s, rsrc) && !holds(s, reloc) && !holds(s, exc) {
					add(s.RawOffset, s.Data, maxSectionScan)
				}
			}
		}
	}
	x.regions[r] = out
	x.regionOK |= 1 << r
	return out
}

// FindString returns the file offset of the first occurrence of s in the
// region, or -1. Results are remembered, so rules may ask twice.
func (x *Facts) FindString(r Region, s string) int64 {
	for _, m := range x.searches {
		if m.r == r && m.s == s {
			return m.off
		}
	}
	off := int64(-1)
	k := rarest(s)
	for _, c := range x.region(r) {
		if i := indexRare(c.data, s, k); i >= 0 {
			off = c.off + int64(i)
			break
		}
	}
	x.searches = append(x.searches, search{r, s, off})
	return off
}

// FindAll returns the file offsets of up to limit occurrences of s in the
// region.
func (x *Facts) FindAll(r Region, s string, limit int) []int64 {
	var out []int64
	k := rarest(s)
	for _, c := range x.region(r) {
		for from := 0; from < len(c.data) && len(out) < limit; {
			i := indexRare(c.data[from:], s, k)
			if i < 0 {
				break
			}
			out = append(out, c.off+int64(from+i))
			from += i + len(s)
		}
	}
	return out
}

// FindPattern returns the file offset of the first match of p in the
// region, or -1. Jumps in p are followed only within one section.
func (x *Facts) FindPattern(r Region, p *Pattern) int64 {
	for _, c := range x.region(r) {
		if i := p.Index(c.data); i >= 0 {
			return c.off + int64(i)
		}
	}
	return -1
}

// MatchEntry reports whether p matches at the entry point. Jumps are
// followed within the entry point's section.
func (x *Facts) MatchEntry(p *Pattern) bool {
	if x.EntryOffset < 0 {
		return false
	}
	if x.EntrySection >= 0 {
		s := &x.Sections[x.EntrySection]
		return p.MatchAt(s.Data, int(x.EntryOffset-s.RawOffset))
	}
	return p.MatchAt(x.EntryBytes, 0)
}

// utf16z returns s encoded as UTF-16LE, for searching wide strings.
func utf16z(s string) string {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 0, 2*len(u))
	for _, c := range u {
		b = binary.LittleEndian.AppendUint16(b, c)
	}
	return string(b)
}

// needsHold reports whether the facts satisfy a rule's needs.
func (x *Facts) needsHold(n Needs) bool {
	for i := range n.All {
		ok, known := x.needQuick(&n.All[i])
		if !known {
			ok = x.need(&n.All[i])
		}
		if !ok {
			return false
		}
	}
	if len(n.Any) == 0 {
		return true
	}
	for i := range n.Any {
		ok, known := x.needQuick(&n.Any[i])
		if !known {
			ok = x.need(&n.Any[i])
		}
		if ok {
			return true
		}
	}
	return false
}

// needQuick answers, without a call (it is inlined), the commonest needs,
// which read a field; known is false for the others, which need answers.
func (x *Facts) needQuick(n *Need) (ok, known bool) {
	switch n.Kind {
	case NeedOverlay:
		return x.OverlayOffset >= 0, true
	case NeedCLR:
		return x.CLR != nil, true
	case NeedNoRich:
		return x.File.Rich == nil, true
	}
	return false, false
}

func (x *Facts) need(n *Need) bool {
	switch n.Kind {
	case NeedSection:
		_, ok := x.Section(n.Value)
		return ok
	case NeedDLL:
		return x.memo.dllBloom&nameBit(n.Value) != 0 && slices.Contains(x.dlls, n.Value)
	case NeedOverlay:
		return x.OverlayOffset >= 0
	case NeedCLR:
		return x.CLR != nil
	case NeedRich:
		return x.File.Rich != nil
	case NeedNoRich:
		return x.File.Rich == nil
	case NeedResource:
		return x.hasResource(n.Value)
	case NeedHeader:
		return indexRare(x.Headers, n.Value, rarest(n.Value)) >= 0
	}
	return false
}

// itoa formats a number without fmt.
func itoa(v uint64) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			return string(b[i:])
		}
	}
}
