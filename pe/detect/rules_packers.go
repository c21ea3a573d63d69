package detect

// Packer and protector rules.
//
// Sources: formats.md §6 (section names after Manalyze
// plugin_packer_detection.cpp KNOWN_PACKER_SECTIONS and DIE; the UPX pack
// header after upx/upx src/packhead.cpp; structural heuristics with their
// thresholds after pefile peutils.is_probably_packed, Manalyze and
// readpe pescan; PEiD/DIE entry-point signatures); Detect It Easy db/PE
// packer_UPX.2, ASPack.2, FSG.2, Obsidium.2, EXECryptor.2 for the
// entry-point code of the packers recognised by code rather than names;
// testdata/README.md for the UPX and nasm-odd samples.
//
// Named rows come first; "packer/generic" is last and is dropped when a
// named packer, an installer, a .NET assembly or a Go build matched
// (rules_suppress.go). Resources are never counted as packed data: a file
// with a compressed resource is not packed.

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"

	"github.com/filerep/filerep/pe"
)

var packerRules = []Rule{
	{
		ID: "packer/upx", Kind: RulePacker, Name: "UPX",
		Match:    matchUPX,
		Examples: []string{"upx-mingw-console-x86.exe", "synthetic:upx-renamed"},
		Source:   "formats.md §6 UPX; upx src/packhead.cpp; DIE packer_UPX.2",
	},
	{
		ID: "packer/aspack", Kind: RulePacker, Name: "ASPack",
		Match:    matchSectionsOrEntry([]string{".aspack"}, aspackEntry, "2.12"),
		Examples: []string{"synthetic:aspack"},
		Source:   "formats.md §6 (.aspack); DIE ASPack.2",
	},
	{
		ID: "packer/mpress", Kind: RulePacker, Name: "MPRESS",
		Needs:    Needs{Any: []Need{needSection(".MPRESS1"), needSection(".MPRESS2")}},
		Match:    matchSectionsOrEntry([]string{".MPRESS1", ".MPRESS2"}, nil, ""),
		Examples: []string{"synthetic:mpress"},
		Source:   "formats.md §6 (.MPRESS1/.MPRESS2)",
	},
	{
		ID: "packer/pecompact", Kind: RulePacker, Name: "PECompact",
		Match:    matchPECompact,
		Examples: []string{"synthetic:pecompact"},
		Source:   "formats.md §6 (PEC2/PEC2TO/PEC2MO/PECompact2 sections, \"PECompact2\" after the entry code)",
	},
	{
		ID: "packer/petite", Kind: RulePacker, Name: "Petite",
		Needs:    Needs{Any: []Need{needSection(".petite")}},
		Match:    matchSectionsOrEntry([]string{".petite"}, nil, ""),
		Examples: []string{"synthetic:petite"},
		Source:   "formats.md §6 (.petite)",
	},
	{
		ID: "packer/fsg", Kind: RulePacker, Name: "FSG",
		Match:    matchFSG,
		Examples: []string{"synthetic:fsg"},
		Source:   "formats.md §6 (entry-point signatures); DIE FSG.2",
	},
	{
		ID: "packer/nspack", Kind: RulePacker, Name: "NsPack",
		Needs: Needs{Any: []Need{needSection("nsp0"), needSection("nsp1"), needSection("nsp2"),
			needSection(".nsp0"), needSection(".nsp1"), needSection(".nsp2")}},
		Match:    matchSectionsOrEntry([]string{"nsp0", "nsp1", "nsp2", ".nsp0", ".nsp1", ".nsp2"}, nil, ""),
		Examples: []string{"synthetic:nspack"},
		Source:   "formats.md §6 (nsp0/1/2, .nsp*); DIE packer_NsPack.2",
	},
	{
		ID: "packer/mew", Kind: RulePacker, Name: "MEW",
		Match:    matchMEW,
		Examples: []string{"synthetic:mew"},
		Source:   "formats.md §6 (MEW section)",
	},
	{
		ID: "packer/themida", Kind: RulePacker, Name: "Themida",
		Match:    matchThemida,
		Examples: []string{"synthetic:themida", "synthetic:winlicense", "synthetic:themida-blank"},
		Source:   "formats.md §6 (.themida, .winlice/WinLicen, blank names with the entry at a section start and a first section of entropy ≥ 7.5)",
	},
	{
		ID: "packer/vmprotect", Kind: RulePacker, Name: "VMProtect",
		Match:    matchVMProtect,
		Examples: []string{"synthetic:vmprotect"},
		Source:   "formats.md §6 (.vmp0/.vmp1/.vmp2)",
	},
	{
		ID: "packer/enigma", Kind: RulePacker, Name: "Enigma Protector",
		Needs:    Needs{Any: []Need{needSection(".enigma1"), needSection(".enigma2")}},
		Match:    matchSectionsOrEntry([]string{".enigma1", ".enigma2"}, nil, ""),
		Examples: []string{"synthetic:enigma"},
		Source:   "formats.md §6 (.enigma1/.enigma2)",
	},
	{
		ID: "packer/obsidium", Kind: RulePacker, Name: "Obsidium",
		Match:    matchObsidium,
		Examples: []string{"synthetic:obsidium"},
		Source:   "formats.md §6 (recognised by entry-point code); DIE Obsidium.2",
	},
	{
		ID: "packer/execryptor", Kind: RulePacker, Name: "EXECryptor",
		Match:    matchExeCryptor,
		Examples: []string{"synthetic:execryptor"},
		Source:   "formats.md §6 (recognised by entry-point code); DIE EXECryptor.2",
	},
	{
		ID: "packer/kkrunchy", Kind: RulePacker, Name: "kkrunchy",
		Needs:    Needs{Any: []Need{needSection("kkrunchy"), needHeader("farbrausch")}},
		Match:    matchKkrunchy,
		Examples: []string{"synthetic:kkrunchy"},
		Source:   "formats.md §6 (kkrunchy section, \"farbrausch\" in the header)",
	},
	{
		ID: "packer/generic", Kind: RulePacker, Name: "generic",
		Match:    matchGenericPacker,
		Examples: []string{"nasm-odd.exe"},
		Source:   "formats.md §6 structural heuristics (pefile peutils, Manalyze, pescan)",
	},
}

// sectionEvidence describes a section for packer evidence.
func sectionEvidence(s *SectionFact) Evidence {
	return ev("section", s.RawOffset, "%s (%s, raw 0x%x, virtual 0x%x, entropy %.2f)", s.Name, s.Flags(), s.RawSize, s.VirtualSize, s.Entropy)
}

// namedSections returns evidence for the sections with these names.
func namedSections(x *Facts, names ...string) []Evidence {
	if !slices.ContainsFunc(names, x.mayHaveSection) {
		return nil
	}
	var out []Evidence
	for i := range x.Sections {
		s := &x.Sections[i]
		for _, n := range names {
			if s.Name == n {
				out = append(out, sectionEvidence(s))
				break
			}
		}
	}
	return out
}

// matchSectionsOrEntry fires on any of the section names, or on the entry
// code (version from the entry code).
func matchSectionsOrEntry(names []string, entry *Pattern, entryVersion string) func(*Facts) (Finding, bool) {
	return func(x *Facts) (Finding, bool) {
		fd := Finding{Evidence: namedSections(x, names...)}
		if len(fd.Evidence) > 0 {
			fd.Confidence = ConfidenceHigh
		}
		if entry != nil && x.MatchEntry(entry) {
			fd.Confidence = max(fd.Confidence, 80)
			if len(fd.Evidence) > 0 {
				fd.Confidence = ConfidenceSure
			}
			fd.Version = entryVersion
			fd.Evidence = append(fd.Evidence, ev("entry-point", x.EntryOffset, "%s entry code", entryVersion))
		}
		return fd, len(fd.Evidence) > 0
	}
}

// ---- UPX ----

var (
	upxEntry32 = MustPattern("60 BE........ 8DBE........ 57")
	upxEntry64 = MustPattern("53 56 57 55 488D35........ 488DBE........")
	upxMethods = map[byte]string{2: "NRV2B", 3: "NRV2B", 4: "NRV2B", 5: "NRV2D", 6: "NRV2D", 7: "NRV2D",
		8: "NRV2E", 9: "NRV2E", 10: "NRV2E", 14: "LZMA", 15: "deflate"}
)

// upxHeader decodes the pack header ("UPX!" + 28 bytes) at off in the
// headers: version, format, method, level, and whether its checksum (the
// sum of the bytes after the magic, mod 251) holds.
func upxHeader(h []byte, i int) (version, format, method, level byte, sumOK bool, ok bool) {
	if i+32 > len(h) {
		return 0, 0, 0, 0, false, false
	}
	b := h[i : i+32]
	sum := 0
	for _, c := range b[4:31] {
		sum += int(c)
	}
	return b[4], b[5], b[6], b[7], byte(sum%251) == b[31], true
}

// upxVersionText reads the "x.yz" text NUL-terminated before "UPX!".
func upxVersionText(h []byte, i int) string {
	if i < 2 || h[i-1] != 0 {
		return ""
	}
	start := i - 1
	for start > 0 && i-1-start < 8 && (h[start-1] == '.' || h[start-1] >= '0' && h[start-1] <= '9') {
		start--
	}
	v := string(h[start : i-1])
	if !isVersion(v) || !strings.Contains(v, ".") {
		return ""
	}
	return v
}

func matchUPX(x *Facts) (Finding, bool) {
	var fd Finding
	var names []string
	for i := range x.Sections {
		n := x.Sections[i].Name
		if hasPrefixFold(n, "upx") || hasPrefixFold(n, ".upx") {
			names = append(names, n)
		}
	}
	fd.Evidence = namedSections(x, names...)
	if len(fd.Evidence) > 0 {
		fd.Confidence = 75
	}
	if i := index(x.Headers, []byte("UPX!")); i >= 0 {
		if ver, format, method, level, sumOK, ok := upxHeader(x.Headers, i); ok {
			m := upxMethods[method]
			if m == "" {
				m = fmt.Sprintf("method %d", method)
			}
			check := "checksum ok"
			if !sumOK {
				check = "checksum wrong"
			}
			fd.Evidence = append(fd.Evidence, ev("header", int64(i), "UPX! pack header (format version %d, format %d, %s, level %d, %s)", ver, format, m, level, check))
			if sumOK {
				fd.Confidence = ConfidenceSure
			} else {
				fd.Confidence = max(fd.Confidence, ConfidenceMedium)
			}
			if v := upxVersionText(x.Headers, i); v != "" {
				fd.Version = v
				fd.Evidence = append(fd.Evidence, ev("header", int64(i-1-len(v)), "version text %q", v))
			}
		}
	}
	p := upxEntry32
	if x.File.Header.Is64 {
		p = upxEntry64
	}
	if x.MatchEntry(p) {
		fd.Evidence = append(fd.Evidence, ev("entry-point", x.EntryOffset, "UPX decompressor entry code"))
		switch {
		case fd.Confidence == 0:
			// Renamed sections and no header: a modified UPX.
			fd.Confidence = ConfidenceMedium
			fd.Name = "UPX (modified)"
		case fd.Confidence < ConfidenceHigh:
			fd.Confidence = ConfidenceHigh
		}
	}
	return fd, fd.Confidence > 0
}

// ---- PECompact ----

func matchPECompact(x *Facts) (Finding, bool) {
	fd := Finding{Evidence: namedSections(x, "PEC2", "PEC2TO", "PEC2MO", "PECompact2", "pec1", "pec2")}
	if len(fd.Evidence) > 0 {
		fd.Confidence = ConfidenceHigh
	}
	if i := index(x.Headers, []byte("PEC2XO")); i >= 0 {
		fd.Confidence = ConfidenceHigh
		fd.Evidence = append(fd.Evidence, ev("header", int64(i), "\"PEC2XO\""))
	}
	if x.EntrySection >= 0 && x.EntryOffset >= 0 {
		s := &x.Sections[x.EntrySection]
		rel := int(x.EntryOffset - s.RawOffset)
		win := s.Data[rel:min(len(s.Data), rel+512)]
		if i := index(win, []byte("PECompact2")); i >= 0 {
			fd.Confidence = ConfidenceSure
			fd.Version = "2"
			fd.Evidence = append(fd.Evidence, ev("entry-point", x.EntryOffset+int64(i), "\"PECompact2\" after the entry code"))
		}
	}
	return fd, fd.Confidence > 0
}

// ---- entry-point signatures ----

var (
	aspackEntry = MustPattern("60 E803000000 E9EB045D45 55C3 E801")
	fsgEntries  = []struct {
		p       *Pattern
		version string
	}{
		{MustPattern("87 25........ 61 94 55 A4 B6.. FF13"), "2.0"},
		{MustPattern("BE........ AD 93 AD 97 AD 56 96 B2 80 A4 B6 80 FF 13 73"), "1.33"},
		{MustPattern("BB........ BF........ BE........ 53 BB........ B2 80 A4 B6 80 FF D3 73 F9"), "1.31"},
	}
	execryptorEntry = MustPattern("E8 24...... 8B4C240C C70117..01.. C781")
)

func matchFSG(x *Facts) (Finding, bool) {
	for _, e := range fsgEntries {
		if x.MatchEntry(e.p) {
			fd := Finding{Version: e.version, Confidence: ConfidenceHigh,
				Evidence: []Evidence{ev("entry-point", x.EntryOffset, "FSG %s entry code", e.version)}}
			if i := index(x.Headers, []byte("FSG!")); i >= 0 {
				fd.Confidence = ConfidenceSure
				fd.Evidence = append(fd.Evidence, ev("header", int64(i), "\"FSG!\""))
			}
			return fd, true
		}
	}
	return Finding{}, false
}

func matchMEW(x *Facts) (Finding, bool) {
	var out []Evidence
	for i := range x.Sections {
		if strings.HasPrefix(x.Sections[i].Name, "MEW") {
			out = append(out, sectionEvidence(&x.Sections[i]))
		}
	}
	return Finding{Confidence: 80, Evidence: out}, len(out) > 0
}

// obsidiumEntry recognises Obsidium's start: short junk jumps, a call over
// a structured-exception handler that reads the CONTEXT (mov edx,
// [esp+0Ch]) — the shape of every version DIE lists.
func obsidiumEntry(ep []byte) bool {
	i := 0
	for n := 0; n < 3 && i+1 < len(ep) && ep[i] == 0xEB && ep[i+1] <= 4; n++ {
		i += 2 + int(ep[i+1])
	}
	if i == 0 || i+5 > len(ep) || ep[i] != 0xE8 {
		return false
	}
	rel := binary.LittleEndian.Uint32(ep[i+1:])
	if rel < 0x10 || rel > 0x40 {
		return false
	}
	win := ep[i+5 : min(len(ep), i+5+int(rel)+8)]
	return index(win, []byte{0x8B, 0x54, 0x24, 0x0C}) >= 0
}

func matchObsidium(x *Facts) (Finding, bool) {
	if x.File.Header.Is64 || !obsidiumEntry(x.EntryBytes) {
		return Finding{}, false
	}
	return Finding{Confidence: 75, Evidence: []Evidence{ev("entry-point", x.EntryOffset, "junk jumps and a call over an exception handler reading the CONTEXT")}}, true
}

func matchExeCryptor(x *Facts) (Finding, bool) {
	if !x.MatchEntry(execryptorEntry) {
		return Finding{}, false
	}
	return Finding{Version: "1.3", Confidence: 80, Evidence: []Evidence{ev("entry-point", x.EntryOffset, "EXECryptor 1.3 entry code (exception handler setting the CONTEXT)")}}, true
}

// ---- Themida, VMProtect, kkrunchy ----

func matchThemida(x *Facts) (Finding, bool) {
	if e := namedSections(x, ".winlice", "WinLicen"); len(e) > 0 {
		return Finding{Name: "WinLicense", Confidence: ConfidenceSure, Evidence: e}, true
	}
	if e := namedSections(x, ".themida"); len(e) > 0 {
		return Finding{Confidence: ConfidenceSure, Evidence: e}, true
	}
	// Themida 2/3 without names: several blank section names, the entry at
	// the start of its section, and a packed first section.
	blank := 0
	for i := range x.Sections {
		if strings.TrimSpace(x.Sections[i].Name) == "" {
			blank++
		}
	}
	if blank < 2 || x.EntrySection < 0 || len(x.Sections) == 0 {
		return Finding{}, false
	}
	s := &x.Sections[x.EntrySection]
	first := &x.Sections[0]
	if x.EntryRVA != s.VirtualAddress || first.Entropy < 7.5 {
		return Finding{}, false
	}
	return Finding{Confidence: ConfidenceMedium, Evidence: []Evidence{
		ev("section", -1, "%d sections with blank names", blank),
		ev("entry-point", x.EntryOffset, "at the start of section %d", x.EntrySection),
		sectionEvidence(first),
	}}, true
}

func matchVMProtect(x *Facts) (Finding, bool) {
	var out []Evidence
	for i := range x.Sections {
		if strings.HasPrefix(x.Sections[i].Name, ".vmp") {
			out = append(out, sectionEvidence(&x.Sections[i]))
		}
	}
	return Finding{Confidence: ConfidenceSure, Evidence: out}, len(out) > 0
}

func matchKkrunchy(x *Facts) (Finding, bool) {
	out := namedSections(x, "kkrunchy")
	if i := index(x.Headers[:min(len(x.Headers), 0x200)], []byte("farbrausch")); i >= 0 {
		out = append(out, ev("header", int64(i), "\"farbrausch\""))
	}
	return Finding{Confidence: ConfidenceHigh, Evidence: out}, len(out) > 0
}

// ---- generic ----

// Thresholds of the generic heuristics.
const (
	packedEntropy   = 7.2 // a section this random holds compressed or encrypted data
	packedCoverage  = 0.3 // share of the sections' bytes that such sections hold
	minPackedRaw    = 1024
	emptyCodeVirt   = 0x1000 // an executable section with no raw data and at least this virtual size
	maxLoaderImport = 12     // an import table this small and only loader functions
)

// loaderAPIs are what unpacking stubs import to rebuild the real imports.
var loaderAPIs = map[string]bool{
	"loadlibrary": true, "getprocaddress": true, "getmodulehandle": true, "virtualprotect": true,
	"virtualalloc": true, "virtualfree": true, "exitprocess": true, "ldrloaddll": true, "ldrgetprocedureaddress": true,
}

// genericSignals returns the packed-shape evidence: whether high-entropy
// sections cover much of the image, and the structural signals.
func genericSignals(x *Facts) (entropy []Evidence, structural []Evidence) {
	h := &x.File.Header
	rsrc := h.Directory(pe.IMAGE_DIRECTORY_ENTRY_RESOURCE).VirtualAddress
	total, high := 0, 0
	for i := range x.Sections {
		s := &x.Sections[i]
		n := len(s.Data)
		total += n
		if rsrc != 0 && rsrc >= s.VirtualAddress && uint64(rsrc) < uint64(s.VirtualAddress)+uint64(max(s.VirtualSize, s.RawSize)) {
			continue // resources may be compressed (PNG icons, archives): not packing
		}
		if n >= minPackedRaw && s.Entropy > packedEntropy {
			high += n
			entropy = append(entropy, ev("entropy", s.RawOffset, "section %s entropy %.2f over %d bytes", s.Name, s.Entropy, n))
		}
	}
	if total == 0 || float64(high)/float64(total) < packedCoverage {
		entropy = nil
	} else {
		entropy = append(entropy, ev("entropy", -1, "%.0f%% of the section data is high-entropy", 100*float64(high)/float64(total)))
	}

	// MSVC's incremental linking puts an empty executable .textbss before
	// .text: not a packer's shape.
	firstCode := -1
	for i := range x.Sections {
		if x.Sections[i].Executable() && x.Sections[i].Name != ".textbss" {
			firstCode = i
			break
		}
	}
	if x.EntrySection >= 0 {
		s := &x.Sections[x.EntrySection]
		if firstCode >= 0 && x.EntrySection != firstCode {
			structural = append(structural, ev("entry-point", x.EntryOffset, "in section %s, not in the first code section %s", s.Name, x.Sections[firstCode].Name))
		}
		if s.Writable() {
			structural = append(structural, ev("entry-point", x.EntryOffset, "in writable section %s (%s)", s.Name, s.Flags()))
		}
	}
	for i := range x.Sections {
		s := &x.Sections[i]
		if s.RawSize == 0 && s.VirtualSize >= emptyCodeVirt && s.Executable() && s.Name != ".textbss" {
			structural = append(structural, ev("section", s.RawOffset, "%s is executable with no raw data and virtual size 0x%x", s.Name, s.VirtualSize))
			break
		}
	}
	if n := len(x.Imports); n > 0 && n <= maxLoaderImport {
		perDLL := map[string]int{}
		loaderOnly, hasLoad, hasGet := true, false, false
		for i := range x.Imports {
			imp := &x.Imports[i]
			base := imp.Base()
			perDLL[imp.DLL]++
			switch base {
			case "loadlibrary", "ldrloaddll", "getmodulehandle":
				hasLoad = true
			case "getprocaddress", "ldrgetprocedureaddress":
				hasGet = true
			}
			if imp.DLL == "kernel32.dll" || imp.DLL == "ntdll.dll" {
				if !loaderAPIs[base] {
					loaderOnly = false
				}
			}
		}
		for d, c := range perDLL {
			if d != "kernel32.dll" && d != "ntdll.dll" && c > 1 {
				loaderOnly = false
			}
		}
		if loaderOnly && hasLoad && hasGet {
			structural = append(structural, ev("imports", -1, "%d functions: only loader functions (LoadLibrary, GetProcAddress…) and at most one per other DLL", n))
		}
	}
	return entropy, structural
}

// mayHaveStructuralSignal reports whether genericSignals can find a
// structural signal: false when the entry point is in the first code
// section and not writable, no executable section lacks raw data and the
// import table is not small. The generic rule needs at least one, so most
// files are answered here, without building the evidence.
func mayHaveStructuralSignal(x *Facts) bool {
	if n := len(x.Imports); n > 0 && n <= maxLoaderImport {
		return true
	}
	firstCode := -1
	for i := range x.Sections {
		s := &x.Sections[i]
		if s.Executable() && s.Name != ".textbss" {
			if firstCode < 0 {
				firstCode = i
			}
			if s.RawSize == 0 && s.VirtualSize >= emptyCodeVirt {
				return true
			}
		}
	}
	if x.EntrySection >= 0 {
		if firstCode >= 0 && x.EntrySection != firstCode || x.Sections[x.EntrySection].Writable() {
			return true
		}
	}
	return false
}

func matchGenericPacker(x *Facts) (Finding, bool) {
	if !mayHaveStructuralSignal(x) {
		return Finding{}, false
	}
	entropy, structural := genericSignals(x)
	if !(len(entropy) > 0 && len(structural) >= 1) && len(structural) < 3 {
		return Finding{}, false
	}
	n := len(structural)
	if len(entropy) > 0 {
		n++
	}
	conf := Confidence(min(50+10*n, 90))
	return Finding{Confidence: conf, Evidence: append(entropy, structural...)}, true
}
