package detect

// Compiler and code-language rules.
//
// Sources: formats.md §4 (Rich header product ids and build numbers →
// Visual Studio versions, after dishather/richprint comp_id.txt; linker
// version → Visual Studio) and §5 (what Detect It Easy tests per compiler:
// DIE db/PE _Microsoft.6.sg, compiler_Delphi.4, compiler_Borland_C++.6,
// compiler_Go.4, compiler_Rust.4, compiler_MinGW.6, compiler_Nim.4,
// compiler_Zig.4, PureBasic.4, format_AutoIt.3, packer_PyInstaller.2);
// golang/go src/debug/buildinfo; pyinstaller/pyinstaller
// PyInstaller/archive/readers.py (the cookie); ECMA-335 §II.25.3.3
// (IMAGE_COR20_HEADER flags); llvm lld/COFF/Writer.cpp (lld's DOS stub);
// testdata/README.md for what the samples carry.
//
// Rows are in evaluation order. Structures with internal checks (Go build
// info, the PyInstaller cookie, the CLR header, a Rich header with a valid
// checksum) come first; string evidence later; the assembly guess last.
// Conflicts (MSVC runtime code inside a Rust binary, a MinGW-built
// PyInstaller bootloader…) are settled in rules_suppress.go.

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"

	"github.com/filerep/filerep/pe"
)

var compilerRules = []Rule{
	{
		ID: "compiler/go", Kind: RuleCompiler, Name: "Go", Language: "Go",
		Match:    matchGo,
		Examples: []string{"go-amd64.exe", "go-386.exe", "synthetic:go-symtab"},
		Source:   "formats.md §5 Go; debug/buildinfo; DIE compiler_Go.4",
	},
	{
		ID: "compiler/dotnet-cppcli", Kind: RuleCompiler, Name: "C++/CLI", Language: "C++/CLI",
		Needs:    Needs{All: []Need{needCLR}},
		Match:    matchCppCLI,
		Examples: []string{"synthetic:dotnet-mixed"},
		Source:   "formats.md §5 .NET (COMIMAGE_FLAGS_ILONLY clear + Visual C++ runtime)",
	},
	{
		ID: "compiler/dotnet-fsharp", Kind: RuleCompiler, Name: "F#", Language: "F#",
		Needs:    Needs{All: []Need{needCLR}},
		Match:    matchDotNetLang(langFSharp),
		Examples: []string{"synthetic:dotnet-fsharp", "synthetic:dotnet-fsharp-names"},
		Source:   "metadata #Strings: F# start-up classes (<StartupCode$…>), FSharpInterfaceDataVersionAttribute (F# compiler IlxGen.fs); AssemblyRef FSharp.Core",
	},
	{
		ID: "compiler/dotnet-vbnet", Kind: RuleCompiler, Name: "Visual Basic .NET", Language: "Visual Basic .NET",
		Needs:    Needs{All: []Need{needCLR}},
		Match:    matchDotNetLang(langVBNet),
		Examples: []string{"synthetic:dotnet-vbnet", "synthetic:dotnet-vbnet-names"},
		Source:   "metadata #Strings: VB generated names (_Closure$__, _Lambda$__, VB$StateMachine_, VB$AnonymousType_, $VB$; Roslyn GeneratedNameConstants.vb), StandardModuleAttribute; AssemblyRef Microsoft.VisualBasic",
	},
	{
		ID: "compiler/dotnet-csharp", Kind: RuleCompiler, Name: "C#", Language: "C#",
		Needs:    Needs{All: []Need{needCLR}},
		Match:    matchDotNetLang(langCSharp),
		Examples: []string{"dotnet-cs-mcs.exe", "dotnet-cs.exe", "dotnet-cs.dll", "synthetic:dotnet-csharp-roslyn"},
		Source:   "metadata #Strings: C# generated names (Roslyn GeneratedNames.cs: <>c__DisplayClass, <>9__, <>f__AnonymousType, <name>d__/b__/g__/k__BackingField, <Main>$; mcs: <>f__am$cache, c__AnonStorey, c__Iterator), RefSafetyRules/NullableContext attributes; AssemblyRef Microsoft.CSharp; else the RuntimeCompatibility attribute csc/mcs/vbc emit (Roslyn SourceAssemblySymbol) with no Microsoft.VisualBasic",
	},
	{
		ID: "compiler/dotnet-unknown", Kind: RuleCompiler, Name: ".NET (language unknown)", Language: ".NET",
		Needs:    Needs{All: []Need{needCLR}},
		Match:    matchDotNetUnknown,
		Examples: []string{"dotnet-il.exe"},
		Source:   "ECMA-335 §II.24.2 (CLR header and metadata root) with none of the languages' generated names (an obfuscated, hand-assembled or trivial assembly)",
	},
	{
		ID: "compiler/dotnet-nativeaot", Kind: RuleCompiler, Name: ".NET Native AOT", Language: ".NET",
		Match:    matchNativeAOT,
		Examples: []string{"synthetic:dotnet-nativeaot", "synthetic:dotnet-nativeaot-merged"},
		Source:   "formats.md §5 .NET (NativeAOT sections .managed/hydrated, export DotNetRuntimeDebugHeader); dotnet/runtime src/coreclr/nativeaot (the Redhawk runtime's Rhp* helpers, RehydrateData, System.Private.CoreLib); real file vsce-sign 2.0.6 (npm, .NET 9, corpus.tsv)",
	},
	{
		ID: "compiler/pyinstaller", Kind: RuleCompiler, Name: "PyInstaller", Language: "Python (PyInstaller)",
		Needs:    Needs{All: []Need{needOverlay}},
		Match:    matchPyInstaller,
		Examples: []string{"synthetic:pyinstaller"},
		Source:   "formats.md §5 PyInstaller (MEI cookie); pyinstaller PyInstaller/archive/readers.py",
	},
	{
		ID: "compiler/autoit", Kind: RuleCompiler, Name: "AutoIt", Language: "AutoIt",
		Needs:    Needs{Any: []Need{needResource("#10"), needOverlay}},
		Match:    matchAutoIt,
		Examples: []string{"synthetic:autoit"},
		Source:   "formats.md §5 AutoIt; DIE format_AutoIt.3",
	},
	{
		ID: "compiler/vb", Kind: RuleCompiler, Name: "Microsoft Visual Basic", Language: "Microsoft Visual Basic",
		Needs:    Needs{Any: []Need{needDLL("msvbvm60.dll"), needDLL("msvbvm50.dll"), needDLL("vb40032.dll")}},
		Match:    matchVB,
		Examples: []string{"synthetic:vb6"},
		Source:   "formats.md §5 VB5/6; DIE _Microsoft.6.sg getVbOptions",
	},
	{
		ID: "compiler/cppbuilder", Kind: RuleCompiler, Name: "C++Builder", Language: "C++Builder",
		Match:    matchCppBuilder,
		Examples: []string{"synthetic:cppbuilder"},
		Source:   "formats.md §5 Delphi / C++Builder; DIE compiler_Borland_C++.6",
	},
	{
		ID: "compiler/delphi", Kind: RuleCompiler, Name: "Delphi", Language: "Delphi",
		Needs:    Needs{All: []Need{needNoRich}},
		Match:    matchDelphi,
		Examples: []string{"synthetic:delphi"},
		Source:   "formats.md §5 Delphi / C++Builder; DIE compiler_Delphi.4, _linkers.6",
	},
	{
		ID: "compiler/fpc", Kind: RuleCompiler, Name: "Free Pascal", Language: "Free Pascal",
		Needs:    Needs{All: []Need{needNoRich}},
		Match:    matchFPC,
		Examples: []string{"synthetic:fpc"},
		Source:   "the Free Pascal RTL's version string \"FPC x.y.z [date] for target\"",
	},
	{
		ID: "compiler/purebasic", Kind: RuleCompiler, Name: "PureBasic", Language: "PureBasic",
		Needs:    Needs{All: []Need{needNoRich}},
		Match:    matchPureBasic,
		Examples: []string{"synthetic:purebasic"},
		Source:   "DIE PureBasic.4 (entry-point code, .drectve pb_datapointer)",
	},
	{
		ID: "compiler/rust", Kind: RuleCompiler, Name: "Rust", Language: "Rust",
		Match:    matchRust,
		Examples: []string{"rust-gnu-x64.exe", "synthetic:rust"},
		Source:   "formats.md §5 Rust; DIE compiler_Rust.4; rustc's --remap-path-prefix of the standard library source (Debian: /usr/src/rustc-<version>)",
	},
	{
		ID: "compiler/nim", Kind: RuleCompiler, Name: "Nim", Language: "Nim",
		Needs:    Needs{Any: []Need{needDLL("msvcrt.dll"), needDLL("ucrtbase.dll")}},
		Match:    matchNim,
		Examples: []string{"nim-mingw-x64.exe", "synthetic:nim"},
		Source:   "formats.md §5 Nim; DIE compiler_Nim.4",
	},
	{
		ID: "compiler/ghc", Kind: RuleCompiler, Name: "GHC", Language: "Haskell",
		Needs:    Needs{All: []Need{needNoRich}},
		Match:    matchGHC,
		Examples: []string{"synthetic:ghc"},
		Source:   "GHC's runtime system: rts/RtsUtils.c printRtsInfo ([(\"GHC RTS\", \"YES\"), (\"GHC version\", ProjectVersion)), rts/RtsFlags.c (the +RTS usage text, the GHCRTS variable); real file elm-format 0.8.8 (npm, corpus.tsv)",
	},
	{
		ID: "compiler/zig", Kind: RuleCompiler, Name: "Zig", Language: "Zig",
		Needs:    Needs{All: []Need{needNoRich}},
		Match:    matchZig,
		Examples: []string{"synthetic:zig", "synthetic:zig-releasesafe"},
		Source:   "formats.md §5 Zig; DIE compiler_Zig.4; Zig lib/std panic messages (\"@memcpy arguments have non-equal lengths\", \"@memcpy arguments alias\"); real file TigerBeetle client.node 0.17.9 (npm, corpus.tsv)",
	},
	{
		ID: "compiler/d", Kind: RuleCompiler, Name: "D", Language: "D",
		Match:    matchD,
		Examples: []string{"synthetic:d"},
		Source:   "the D runtime's module names (core.exception, rt.dmain2) and class names (object.Throwable)",
	},
	{
		ID: "compiler/clang", Kind: RuleCompiler, Name: "Clang", Language: "Clang",
		Needs:    Needs{All: []Need{needNoRich}},
		Match:    matchClang,
		Examples: []string{"clang-mingw-x64.exe", "synthetic:clang-lld"},
		Source:   "llvm lld/COFF/Writer.cpp (DOS stub, e_lfanew 0x78, linker version 14.0); \"clang version\" idents; LLVM's .retplne section",
	},
	{
		ID: "compiler/mingw", Kind: RuleCompiler, Name: "MinGW GCC", Language: "MinGW GCC",
		Needs:    Needs{All: []Need{needNoRich}},
		Match:    matchMinGW,
		Examples: []string{"mingw-console-x86.exe", "mingw-console-x64.exe", "mingw-gui-x64.exe", "mingw-dll-x64.dll", "nsis-installer.exe", "synthetic:mingw-org-gcc3"},
		Source:   "formats.md §5 MinGW/GCC; DIE compiler_MinGW.6, _linkers.6; mingw.org pseudo-reloc.c (\"Mingw runtime failure\"); GCC w32-shared-ptr.c (-LIBGCCW32-EH- atom); binutils LINKER_VERSION 256",
	},
	{
		ID: "compiler/gcc", Kind: RuleCompiler, Name: "GCC", Language: "GCC",
		Needs:    Needs{All: []Need{needNoRich}},
		Match:    matchGCC,
		Examples: []string{"gnuefi-hello-x64.efi", "synthetic:gcc-efi", "synthetic:efi-ipxe", "synthetic:efi-grub"},
		Source:   "formats.md §5 MinGW/GCC (GCC idents); EFI images converted from ELF: binutils objcopy (gnu-efi), iPXE src/util/elf2efi.c (linker 42.42), GRUB util/grub-mkimagexx.c (mods section); Cygwin/MSYS runtimes",
	},
	{
		ID: "compiler/msvc", Kind: RuleCompiler, Name: "Microsoft Visual C++", Language: "Microsoft Visual C++",
		Match:    matchMSVC,
		Examples: []string{"synthetic:msvc-2019", "synthetic:msvc-2008", "synthetic:msvc-norich", "synthetic:msvc-vc6"},
		Source:   "formats.md §4 Rich header (product ids, builds → Visual Studio), linker versions; DIE _Microsoft.6.sg; pre-Rich linkers 3.x–6.x with the PE header at 0x80 (PE/COFF spec, MS-DOS stub)",
	},
	{
		ID: "compiler/assembly", Kind: RuleCompiler, Name: "Assembly", Language: "Assembly",
		Match:    matchAssembly,
		Examples: []string{"nasm-tiny.exe", "synthetic:masm"},
		Source:   "Rich entries of MASM only; or a tiny image with no runtime and a handful of imports",
	},
}

// ---- Go ----

var goBuildID = []byte("\xff Go build ID: \"")

func matchGo(x *Facts) (Finding, bool) {
	if g := x.Go; g != nil {
		fd := Finding{Version: g.GoVersion, Confidence: ConfidenceSure}
		if g.GoVersion == "" {
			fd.Confidence = ConfidenceHigh
			fd.Evidence = append(fd.Evidence, ev("go-buildinfo", g.Offset, "build info header (not decodable)"))
		} else {
			fd.Evidence = append(fd.Evidence, ev("go-buildinfo", g.Offset, "%s, path %s", g.GoVersion, g.Path))
			if g.Main != "" {
				fd.Evidence = append(fd.Evidence, ev("go-buildinfo", -1, "main module %s", g.Main))
			}
		}
		return fd, true
	}
	// Stripped of its build info: the .symtab section Go's linker always
	// writes, with the build ID at the start of the text or, when that is
	// gone too (esbuild's releases), the runtime's function table.
	sym, ok := x.Section(".symtab")
	if !ok || x.FirstCode < 0 {
		return Finding{}, false
	}
	text := &x.Sections[x.FirstCode]
	head := text.Data[:min(len(text.Data), 64)]
	if i := bytes.Index(head, goBuildID); i >= 0 {
		return Finding{Confidence: ConfidenceHigh, Evidence: []Evidence{
			ev("section", sym.RawOffset, ".symtab"),
			ev("string", text.RawOffset+int64(i), "%q", x.CString(text.RawOffset+int64(i)+1, 80)),
		}}, true
	}
	if e, ok := goPclntab(x); ok {
		return Finding{Confidence: ConfidenceHigh, Evidence: append([]Evidence{ev("section", sym.RawOffset, ".symtab")}, e...)}, true
	}
	return Finding{}, false
}

// goPclntabMagics are the first words of the Go runtime's function table
// (runtime.pclntab) by release, as Go's debug/gosym/pclntab.go lists them;
// words is the header's size in pointer-sized words after the 8 fixed
// bytes (runtime/symtab.go pcHeader: nfunc, nfiles, [textStart],
// funcnameOffset, cuOffset, filetabOffset, pctabOffset, pclnOffset).
var goPclntabMagics = []struct {
	magic byte // low byte of the little-endian word 0xFFFFFFxx
	words int
	since string
}{
	{0xf1, 8, "Go 1.20 or later"},
	{0xf0, 8, "Go 1.18 or 1.19"},
	{0xfa, 7, "Go 1.16 or 1.17"},
}

// goPclntab finds the runtime's function table in a read-only data
// section: the magic, two zero bytes, an instruction quantum of 1, 2 or 4,
// the image's pointer size, a function count, and a function-name table
// right after the header that holds runtime.goexit.
func goPclntab(x *Facts) ([]Evidence, bool) {
	ptr := 4
	if x.File.Header.Is64 {
		ptr = 8
	}
	tail := []byte("\xff\xff\xff\x00\x00")
	for i := range x.Sections {
		s := &x.Sections[i]
		if s.Executable() || s.Writable() {
			continue
		}
		b := s.Data
		for from := 1; from < len(b); {
			j := bytes.Index(b[from:], tail)
			if j < 0 {
				break
			}
			at := from + j - 1 // the magic's first byte
			from += j + 1
			if at+8+8*ptr > len(b) || (b[at+6] != 1 && b[at+6] != 2 && b[at+6] != 4) || int(b[at+7]) != ptr {
				continue
			}
			for _, m := range goPclntabMagics {
				if b[at] != m.magic {
					continue
				}
				word := func(k int) uint64 {
					if ptr == 8 {
						return binary.LittleEndian.Uint64(b[at+8+8*k:])
					}
					return uint64(binary.LittleEndian.Uint32(b[at+8+4*k:]))
				}
				nameOff := 3
				if m.words == 7 {
					nameOff = 2
				}
				if word(0) == 0 || word(0) > 1<<24 || word(nameOff) != uint64(8+m.words*ptr) {
					continue
				}
				names := b[at+8+m.words*ptr : min(len(b), at+8+m.words*ptr+1<<20)]
				k := bytes.Index(names, []byte("\x00runtime.goexit\x00"))
				if k < 0 {
					continue
				}
				nameAt := s.RawOffset + int64(at+8+m.words*ptr+k+1)
				return []Evidence{
					ev("go-pclntab", s.RawOffset+int64(at), "function table header 0x%08x (%s), %d functions", 0xffffff00|uint32(m.magic), m.since, word(0)),
					ev("string", nameAt, "%q", "runtime.goexit"),
				}, true
			}
		}
	}
	return nil, false
}

// goBuilt reports whether Go build info was read: the file is Go for
// sure, and the conflict table drops every other compiler's finding
// (compiler/go row), so the rules that search the data for other
// toolchains' texts skip it. A Go binary's data is large, and those
// searches were most of Detect's time on the Go samples.
func goBuilt(x *Facts) bool { return x.Go != nil && x.Go.GoVersion != "" }

// ---- .NET ----

// clrEvidence describes the CLR header and metadata.
func clrEvidence(c *CLRFacts) []Evidence {
	out := []Evidence{ev("clr", c.HeaderOffset, "header flags 0x%x", c.Flags)}
	if c.Version != "" {
		out = append(out, ev("clr", c.MetaOffset, "metadata version %s", c.Version))
	}
	return out
}

// targetFramework finds the TargetFrameworkAttribute text in the metadata.
func targetFramework(c *CLRFacts) (string, int64) {
	for _, p := range []string{".NETFramework,Version=", ".NETCoreApp,Version=", ".NETStandard,Version="} {
		if i := bytes.Index(c.Metadata, []byte(p)); i >= 0 {
			end := i + len(p)
			for end < len(c.Metadata) && end-i < 64 && c.Metadata[end] > 0x20 && c.Metadata[end] < 0x7f {
				end++
			}
			return string(c.Metadata[i:end]), c.MetaOffset + int64(i)
		}
	}
	return "", -1
}

// vcRuntime reports the Visual C++ runtime DLLs imported.
func vcRuntime(x *Facts) []string {
	var out []string
	for _, d := range x.dlls {
		switch {
		case strings.HasPrefix(d, "vcruntime"), strings.HasPrefix(d, "msvcr") && d != "msvcrt.dll",
			strings.HasPrefix(d, "msvcp"), strings.HasPrefix(d, "msvcm"), strings.HasPrefix(d, "mfc"):
			out = append(out, d)
		}
	}
	sortStrings(out)
	return out
}

// mixedNative reports whether a .NET image carries native Visual C++ code:
// COMIMAGE_FLAGS_ILONLY clear and a Visual C++ Rich header or runtime
// import, which is what MSVC's /clr makes.
func mixedNative(x *Facts) bool {
	c := x.CLR
	if c.mixed == 0 {
		c.mixed = 1
		if c.HeaderOffset >= 0 && !c.ILOnly {
			if _, ok := msvcFromRich(x); ok || len(vcRuntime(x)) > 0 {
				c.mixed = 2
			}
		}
	}
	return c.mixed == 2
}

// matchCppCLI names C++/CLI from mixed-mode native code or, for /clr:pure
// and /clr:safe images that are IL only, from the namespaces MSVC's
// start-up code lives in.
func matchCppCLI(x *Facts) (Finding, bool) {
	c := x.CLR
	if !mixedNative(x) {
		if l := c.language(); l.lang == langCppCLI {
			return Finding{Confidence: langConfidence(l.score), Evidence: append(clrEvidence(c), l.evidence...)}, true
		}
		return Finding{}, false // an IL assembly with the flag cleared is not C++/CLI
	}
	fd := Finding{Confidence: 75, Evidence: clrEvidence(c)}
	fd.Evidence[0].Value += " (COMIMAGE_FLAGS_ILONLY clear: native code inside)"
	if m, ok := msvcFromRich(x); ok {
		fd.Version = m.version
		fd.Evidence = append(fd.Evidence, m.evidence...)
	}
	for _, d := range vcRuntime(x) {
		fd.Evidence = append(fd.Evidence, ev("imports", -1, "%s", d))
	}
	if c.hasMark(langCppCLI) {
		fd.Confidence = ConfidenceHigh
		fd.Evidence = append(fd.Evidence, c.language().evidenceOf(langCppCLI)...)
	}
	return fd, true
}

func matchNativeAOT(x *Facts) (Finding, bool) {
	var evs []Evidence
	for _, n := range []string{".managed", "hydrated"} {
		if s, ok := x.Section(n); ok {
			evs = append(evs, ev("section", s.RawOffset, "%s", n))
		}
	}
	if ex := x.File.Exports; ex != nil {
		for _, fn := range ex.Functions {
			if fn.Name == "DotNetRuntimeDebugHeader" {
				evs = append(evs, ev("export", -1, "DotNetRuntimeDebugHeader"))
			}
		}
	}
	if len(evs) >= 2 {
		return Finding{Confidence: ConfidenceMedium, Evidence: evs}, true
	}
	// Linked by link.exe, which merges .managed and hydrated into .text
	// and .data (.NET 8 and later): the runtime's own names are left. The
	// Redhawk runtime's helpers are named Rhp* (RhpCidResolve), the
	// dehydrated data is unpacked by RehydrateData, and the class library
	// is System.Private.CoreLib.
	if x.File.Rich == nil || x.CLR != nil {
		return Finding{}, false
	}
	for _, s := range []string{"RhpCidResolve", "RehydrateData", "System.Private.CoreLib"} {
		off := x.FindString(RegionData, s)
		if off < 0 {
			return Finding{}, false
		}
		evs = append(evs, ev("string", off, "%q", s))
	}
	fd := Finding{Confidence: ConfidenceHigh, Evidence: evs}
	if off := x.FindString(RegionData, ".NETCoreApp,Version=v"); off >= 0 {
		text := x.CString(off, 40)
		fd.Version = leadingVersion(strings.TrimPrefix(text, ".NETCoreApp,Version=v"))
		fd.Evidence = append(fd.Evidence, ev("string", off, "%q", text))
	}
	return fd, true
}

// ---- PyInstaller ----

var pyiCookieMagic = []byte("MEI\x0c\x0b\x0a\x0b\x0e")

// pyiCookieLen is the size of the cookie since PyInstaller 2.1: magic,
// four big-endian uint32 (package length, TOC offset, TOC length, Python
// version) and the 64-byte Python library name.
const pyiCookieLen = 88

func matchPyInstaller(x *Facts) (Finding, bool) {
	// The cookie ends the archive, which ends the file or sits just before
	// the Authenticode certificate table.
	data := x.File.Data()
	end := int64(len(data))
	if sec := x.File.Header.Directory(pe.IMAGE_DIRECTORY_ENTRY_SECURITY); sec.VirtualAddress != 0 &&
		int64(sec.VirtualAddress) > x.OverlayOffset && int64(sec.VirtualAddress) < end {
		end = int64(sec.VirtualAddress)
	}
	start := max(x.OverlayOffset, end-512) // the cookie ends the data, up to padding
	if start < 0 || start >= end {
		return Finding{}, false
	}
	i := lastIndexRare(data[start:end], pyiCookieMagic)
	if i < 0 {
		return Finding{}, false
	}
	off := start + int64(i)
	c := x.At(off, pyiCookieLen)
	if len(c) < 24 {
		return Finding{}, false
	}
	be := binary.BigEndian
	pkgLen, tocOff, tocLen, pyver := int64(be.Uint32(c[8:])), int64(be.Uint32(c[12:])), int64(be.Uint32(c[16:])), be.Uint32(c[20:])
	cookieEnd := off + int64(len(c))
	pkgStart := cookieEnd - pkgLen
	if pkgLen <= 0 || pkgStart < x.OverlayOffset || tocOff+tocLen > pkgLen {
		return Finding{}, false
	}
	fd := Finding{Confidence: ConfidenceSure, Evidence: []Evidence{
		ev("overlay", off, "PyInstaller cookie: archive of %d bytes at 0x%x, table of contents %d bytes", pkgLen, pkgStart, tocLen),
	}}
	if pyver >= 200 && pyver < 1000 {
		fd.Version = fmt.Sprintf("Python %d.%d", pyver/100, pyver%100)
	} else if pyver >= 20 && pyver < 100 {
		fd.Version = fmt.Sprintf("Python %d.%d", pyver/10, pyver%10)
	}
	if len(c) == pyiCookieLen {
		if lib := string(bytes.TrimRight(c[24:], "\x00")); lib != "" && isPrintable(lib) {
			fd.Evidence = append(fd.Evidence, ev("overlay", off+24, "Python library %s", lib))
		}
	}
	return fd, true
}

func isPrintable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// ---- AutoIt ----

var autoItMagic = []byte{0xA3, 0x48, 0x4B, 0xBE, 0x98, 0x6C, 0x4A, 0xA9}

func matchAutoIt(x *Facts) (Finding, bool) {
	for _, r := range x.Resources("#10") {
		if r.Name.Name != "SCRIPT" {
			continue
		}
		b, off := x.ResourceBytes(r, 64)
		fd := Finding{Confidence: 75, Version: "3", Evidence: []Evidence{ev("resource", off, "RT_RCDATA SCRIPT (%d bytes)", r.Size)}}
		if bytes.HasPrefix(b, autoItMagic) {
			fd.Confidence = ConfidenceSure
			fd.Evidence = append(fd.Evidence, ev("resource", off, "AutoIt script magic A3484BBE986C4AA9"))
		}
		if i := bytes.Index(b, []byte("AU3!EA0")); i >= 0 {
			fd.Confidence = ConfidenceSure
			fd.Evidence = append(fd.Evidence, ev("resource", off+int64(i), "%q", string(b[i:min(len(b), i+8)])))
		}
		return fd, true
	}
	if bytes.HasPrefix(x.OverlayHead, autoItMagic) {
		return Finding{Confidence: 90, Version: "3", Evidence: []Evidence{ev("overlay", x.OverlayOffset, "AutoIt script magic A3484BBE986C4AA9")}}, true
	}
	if i := bytes.Index(x.OverlayHead[:min(len(x.OverlayHead), 64)], []byte("AU3!EA0")); i >= 0 {
		return Finding{Confidence: 90, Version: "3", Evidence: []Evidence{ev("overlay", x.OverlayOffset+int64(i), "%q", string(x.OverlayHead[i:min(len(x.OverlayHead), i+8)]))}}, true
	}
	return Finding{}, false
}

// ---- Visual Basic 5/6 ----

func matchVB(x *Facts) (Finding, bool) {
	var fd Finding
	for _, v := range []struct{ dll, version string }{
		{"msvbvm60.dll", "6.0"}, {"msvbvm50.dll", "5.0"}, {"vb40032.dll", "4.0"},
	} {
		if x.HasDLL(v.dll) {
			fd = Finding{Version: v.version, Confidence: 75, Evidence: []Evidence{ev("imports", -1, "%s", v.dll)}}
			break
		}
	}
	if fd.Version == "" {
		return Finding{}, false
	}
	// push <VB header VA>; call ThunRTMain
	ep := x.EntryBytes
	if len(ep) >= 10 && ep[0] == 0x68 && ep[5] == 0xE8 {
		va := uint64(binary.LittleEndian.Uint32(ep[1:]))
		base := x.File.Header.ImageBase
		if va > base && va-base < 1<<32 {
			rva := uint32(va - base)
			hdr := x.AtRVA(rva, 0x34)
			if len(hdr) == 0x34 && (string(hdr[:4]) == "VB5!" || string(hdr[:4]) == "VB6!") {
				fd.Confidence = ConfidenceSure
				fd.Evidence = append(fd.Evidence, ev("entry-point", x.EntryOffset, "push VB header; call ThunRTMain"))
				off, _ := x.File.RVAToOffset(rva)
				fd.Evidence = append(fd.Evidence, ev("header", off, "VB header %q", string(hdr[:4])))
				proj := uint64(binary.LittleEndian.Uint32(hdr[0x30:]))
				if proj > base && proj-base < 1<<32 {
					if pi := x.AtRVA(uint32(proj-base), 0x24); len(pi) == 0x24 {
						if binary.LittleEndian.Uint32(pi[0x20:]) == 0 {
							fd.Version += " (P-Code)"
						} else {
							fd.Version += " (native code)"
						}
					}
				}
			}
		}
	}
	return fd, true
}

// ---- Borland / Embarcadero ----

var (
	borlandStub   = []byte("This program must be run under Win32")
	cppHookEntry  = MustPattern("EB10 'fb:C++HOOK'")
	delphiVersion = map[string]string{
		"20.0": "2009", "21.0": "2010", "22.0": "XE", "23.0": "XE2", "24.0": "XE3", "25.0": "XE4",
		"26.0": "XE5", "27.0": "XE6", "28.0": "XE7", "29.0": "XE8", "30.0": "10 Seattle",
		"31.0": "10.1 Berlin", "32.0": "10.2 Tokyo", "33.0": "10.3 Rio", "34.0": "10.4 Sydney",
		"35.0": "11 Alexandria", "36.0": "12 Athens", "37.0": "13 Florence",
	}
)

// borlandEvidenceOf collects the marks Borland/Embarcadero linkers and the
// VCL leave, with a weight each.
func borlandEvidenceOf(x *Facts) (int, []Evidence) {
	score := 0
	var out []Evidence
	if i := index(x.DOSStub, borlandStub); i >= 0 {
		score++
		out = append(out, ev("header", 0x40+int64(i), "Borland DOS stub %q", string(borlandStub)))
	}
	if maj, mnr := x.LinkerVersion(); maj == 2 && mnr == 25 {
		score++
		out = append(out, ev("linker", -1, "Turbo Linker 2.25"))
	}
	for _, r := range x.Resources("#10") {
		switch r.Name.Name {
		case "DVCLAL", "PACKAGEINFO":
			score += 2
			_, off := x.ResourceBytes(r, 0)
			out = append(out, ev("resource", off, "RT_RCDATA %s", r.Name.Name))
		}
	}
	for _, n := range []string{"CODE", ".itext"} {
		if s, ok := x.Section(n); ok {
			score++
			out = append(out, ev("section", s.RawOffset, "%s", n))
		}
	}
	return score, out
}

func matchCppBuilder(x *Facts) (Finding, bool) {
	var out []Evidence
	conf := Confidence(0)
	if x.MatchEntry(cppHookEntry) {
		conf = ConfidenceSure
		out = append(out, ev("entry-point", x.EntryOffset, "jmp over \"fb:C++HOOK\""))
	}
	for _, d := range x.dlls {
		if strings.HasPrefix(d, "cc32") || strings.HasPrefix(d, "cc64") || d == "borlndmm.dll" {
			conf = max(conf, 80)
			out = append(out, ev("imports", -1, "%s", d))
		}
	}
	if conf == 0 {
		if x.File.Rich != nil {
			return Finding{}, false
		}
		if score, _ := borlandEvidence(x); score == 0 {
			return Finding{}, false
		}
		if off := x.FindString(RegionData, "Borland C++ - Copyright"); off >= 0 {
			conf = 80
			out = append(out, ev("string", off, "\"Borland C++ - Copyright\""))
		} else {
			return Finding{}, false
		}
	}
	_, b := borlandEvidence(x)
	return Finding{Confidence: conf, Evidence: append(out, b...)}, true
}

func matchDelphi(x *Facts) (Finding, bool) {
	score, out := borlandEvidence(x)
	if score < 2 {
		return Finding{}, false
	}
	fd := Finding{Confidence: ConfidenceMedium, Evidence: out}
	if score >= 3 {
		fd.Confidence = 80
	}
	for _, r := range []Region{RegionData, RegionCode} {
		if off := x.FindString(r, " Delphi for Win"); off >= 0 {
			text := x.CString(x.textStart(off, 32), 160)
			fd.Evidence = append(fd.Evidence, ev("string", off, "%q", text))
			if _, v, ok := strings.Cut(text, "compiler version "); ok {
				v, _, _ = strings.Cut(v, " ")
				if name, ok := delphiVersion[v]; ok {
					fd.Version = name
				}
			}
			fd.Confidence = ConfidenceHigh
			break
		}
	}
	return fd, true
}

// ---- Free Pascal ----

func matchFPC(x *Facts) (Finding, bool) {
	if goBuilt(x) {
		return Finding{}, false
	}
	if len(gccIdents(x)) > 0 {
		return Finding{}, false // built by GCC
	}
	for _, off := range x.FindAll(RegionData, "FPC ", 16) {
		text := x.CString(off, 96)
		// "FPC 3.2.2 [2021/05/15] for x86_64 - Win64"
		ver, rest, ok := strings.Cut(text[4:], " [")
		if !ok || !isVersion(ver) || !strings.Contains(rest, "] for ") {
			continue
		}
		return Finding{Version: ver, Confidence: ConfidenceHigh, Evidence: []Evidence{ev("string", off, "%q", text)}}, true
	}
	return Finding{}, false
}

// isVersion reports whether s is digits separated by dots ("3.2.2").
func isVersion(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if (s[i] < '0' || s[i] > '9') && s[i] != '.' {
			return false
		}
	}
	return true
}

// leadingVersion returns the leading "digits(.digits)*" of s.
func leadingVersion(s string) string {
	end := 0
	for end < len(s) && (s[end] >= '0' && s[end] <= '9' || s[end] == '.') {
		end++
	}
	return strings.TrimRight(s[:end], ".")
}

// ---- PureBasic ----

var (
	pureBasic32 = MustPattern("68 ....0000 6800000000 68 ......00 E8 ......00 83C40C 6800000000 E8 ......00 A3")
	pureBasic64 = MustPattern("4883EC.. 49C7C0........ 4831D2 48B9................ E8........ 4831C9 E8")
)

func matchPureBasic(x *Facts) (Finding, bool) {
	if s, ok := x.Section(".drectve"); ok {
		if i := bytes.Index(s.Data, []byte("pb_datapointer")); i >= 0 {
			return Finding{Confidence: 75, Evidence: []Evidence{ev("string", s.RawOffset+int64(i), "\"pb_datapointer\" in .drectve")}}, true
		}
	}
	p := pureBasic32
	if x.File.Header.Is64 {
		p = pureBasic64
	}
	if !x.MatchEntry(p) {
		return Finding{}, false
	}
	return Finding{Confidence: ConfidenceMedium, Evidence: []Evidence{ev("entry-point", x.EntryOffset, "PureBasic start-up code")}}, true
}

// ---- Rust ----

func matchRust(x *Facts) (Finding, bool) {
	if goBuilt(x) {
		return Finding{}, false
	}
	var fd Finding
	if off := x.FindString(RegionRData, "/rustc/"); off >= 0 {
		// rustup's builds: "/rustc/<commit>/library/…"
		hash := x.CString(off+7, 40)
		if len(hash) == 40 && strings.Trim(hash, "0123456789abcdef") == "" {
			fd = Finding{Confidence: 80, Evidence: []Evidence{ev("string", off, "\"/rustc/%s/\" (compiler commit)", hash)}}
		}
	}
	if fd.Confidence == 0 {
		// Distribution builds remap the source to "…/rustc-<version>/library/…"
		// (Debian: /usr/src/rustc-1.63.0/library/core/src/…).
		for _, off := range x.FindAll(RegionRData, "rustc-", 4) {
			text := x.CString(off, 64)
			v := leadingVersion(text[len("rustc-"):])
			if v != "" && strings.HasPrefix(text[len("rustc-")+len(v):], "/library/") {
				fd = Finding{Version: v, Confidence: 80, Evidence: []Evidence{ev("string", off, "%q (standard library source path)", text)}}
				break
			}
		}
	}
	if fd.Confidence == 0 {
		return Finding{}, false
	}
	for _, s := range []string{"RustBacktraceMutex", "called `Option::unwrap()` on a `None` value", "called `Result::unwrap()` on an `Err` value"} {
		if o := x.FindString(RegionRData, s); o >= 0 {
			fd.Confidence = ConfidenceSure
			fd.Evidence = append(fd.Evidence, ev("string", o, "%q", s))
			break
		}
	}
	return fd, true
}

// ---- Nim ----

func matchNim(x *Facts) (Finding, bool) {
	if goBuilt(x) {
		return Finding{}, false
	}
	var out []Evidence
	for i, s := range []string{"fatal.nim", "io.nim", "system.nim"} {
		if off := x.FindString(RegionRData, s); off >= 0 {
			out = append(out, ev("string", off, "%q", s))
		}
		if i == 1 && len(out) == 0 {
			return Finding{}, false // one of the first two is in every Nim program (DIE)
		}
	}
	fd := Finding{Confidence: ConfidenceMedium, Evidence: out}
	if len(out) >= 2 {
		fd.Confidence = 80
	}
	return fd, true
}

// ---- Haskell (GHC) ----

// ghcRTSInfo starts the table GHC's runtime prints for +RTS --info
// (rts/RtsUtils.c); every program links the runtime, so every one
// carries it.
const ghcRTSInfo = `[("GHC RTS", "YES")`

// ghcMinCode is less code than any GHC program has: GHC links its runtime
// and the base library statically, so even a hello world carries more than
// a MiB of machine code. Smaller images are not searched (the search is
// the rule's whole cost).
const ghcMinCode = 256 << 10

func matchGHC(x *Facts) (Finding, bool) {
	if goBuilt(x) {
		return Finding{}, false
	}
	code := 0
	for i := range x.Sections {
		if x.Sections[i].Executable() {
			code += len(x.Sections[i].Data)
		}
	}
	if code < ghcMinCode {
		return Finding{}, false
	}
	off := x.FindString(RegionRData, ghcRTSInfo)
	if off < 0 {
		return Finding{}, false
	}
	fd := Finding{Confidence: ConfidenceMedium, Evidence: []Evidence{ev("string", off, "%q (GHC runtime --info table)", ghcRTSInfo)}}
	for _, s := range []string{"[+RTS <rtsopts> | -RTS <args>]", "GHCRTS"} {
		if o := x.FindString(RegionRData, s); o >= 0 {
			fd.Confidence = ConfidenceHigh
			fd.Evidence = append(fd.Evidence, ev("string", o, "%q (GHC runtime options)", s))
			break
		}
	}
	// mkRtsInfoPair("GHC version", ProjectVersion): the two literals sit
	// next to each other in the runtime's read-only data.
	if o := x.FindString(RegionRData, "GHC version\x00"); o >= 0 {
		next := o + int64(len("GHC version"))
		for k := 0; k < 16 && len(x.At(next, 1)) == 1 && x.At(next, 1)[0] == 0; k++ {
			next++
		}
		if v := leadingVersion(x.CString(next, 16)); v != "" && v == x.CString(next, 16) {
			fd.Version = v
			fd.Evidence = append(fd.Evidence, ev("string", next, "GHC version %s", v))
		}
	}
	return fd, true
}

// ---- Zig, Clang (lld) ----

// lldStub reports whether the DOS header is the one lld-link writes: a
// 0x78-byte image (e_cblp 0x78, one page) with the PE header at 0x78.
func lldStub(x *Facts) bool {
	h := x.Headers
	return len(h) >= 0x40 && binary.LittleEndian.Uint16(h[2:]) == 0x78 && binary.LittleEndian.Uint16(h[4:]) == 1 &&
		binary.LittleEndian.Uint32(h[0x3c:]) == 0x78
}

// zigPanics are texts of Zig's safety checks (lib/std/debug and
// builtin.zig's panic messages) that only Zig's own syntax produces: C has
// no @memcpy builtin.
var zigPanics = []string{"@memcpy arguments have non-equal lengths", "@memcpy arguments alias"}

func matchZig(x *Facts) (Finding, bool) {
	// Zig links Windows images with its built-in lld, which writes its own
	// DOS header; without it there is nothing to search for.
	if !lldStub(x) {
		return Finding{}, false
	}
	var evs []Evidence
	off := x.FindString(RegionData, utf16z("ZIG_DEBUG_COLOR"))
	if off < 0 {
		off = x.FindString(RegionData, "ZIG_DEBUG_COLOR")
	}
	if off >= 0 {
		evs = append(evs, ev("string", off, "\"ZIG_DEBUG_COLOR\""))
	}
	for _, p := range zigPanics {
		if o := x.FindString(RegionData, p); o >= 0 {
			evs = append(evs, ev("string", o, "%q (Zig safety check)", p))
		}
	}
	if len(evs) == 0 {
		return Finding{}, false
	}
	evs = append([]Evidence{ev("header", 0, "lld DOS header (e_lfanew 0x78)")}, evs...)
	return Finding{Confidence: ConfidenceHigh, Evidence: evs}, true
}

func matchClang(x *Facts) (Finding, bool) {
	if goBuilt(x) {
		return Finding{}, false
	}
	if !lldStub(x) {
		if len(gccIdents(x)) > 0 {
			return Finding{}, false // built by GCC
		}
		if off := x.FindString(RegionData, "clang version "); off >= 0 {
			text := x.CString(off, 120)
			return Finding{Version: leadingVersion(text[len("clang version "):]), Confidence: ConfidenceHigh,
				Evidence: []Evidence{ev("string", off, "%q", text)}}, true
		}
		return Finding{}, false
	}
	// lld-link (and lld's MinGW driver) write their own 0x78-byte DOS
	// header and the linker version 14.0, whatever the target. Zig, Rust
	// or Nim built this way are named by their own rows (rules_suppress.go).
	maj, mnr := x.LinkerVersion()
	if maj != 14 || mnr != 0 {
		return Finding{}, false
	}
	fd := Finding{Name: "Clang (lld-link)", Confidence: ConfidenceMedium, Evidence: []Evidence{
		ev("header", 0, "lld DOS header (e_lfanew 0x78, no Rich header)"),
		ev("linker", -1, "linker version 14.0 (lld)"),
	}}
	var crt []string
	for _, d := range x.dlls {
		if strings.HasPrefix(d, "vcruntime") || d == "ucrtbase.dll" || strings.HasPrefix(d, "api-ms-win-crt-") ||
			d == "msvcrt.dll" || strings.HasPrefix(d, "libc++") || strings.HasPrefix(d, "libunwind") {
			crt = append(crt, d)
		}
	}
	if len(crt) > 0 {
		sortStrings(crt)
		fd.Confidence = 70
		fd.Evidence = append(fd.Evidence, ev("imports", -1, "C runtime %s", strings.Join(crt[:min(len(crt), 3)], ", ")))
	}
	if s, ok := x.Section(".retplne"); ok { // LLVM's retpoline thunks (-mretpoline-external-thunk)
		fd.Confidence = 70
		fd.Evidence = append(fd.Evidence, ev("section", s.RawOffset, ".retplne"))
	}
	if ids := gccIdents(x); len(ids) > 0 {
		fd.Name = "Clang (lld, MinGW-w64 runtime)"
		fd.Evidence = append(fd.Evidence, ev("string", ids[0].off, "%q (the MinGW-w64 runtime's objects)", ids[0].text))
	}
	if off := x.FindString(RegionData, "clang version "); off >= 0 {
		text := x.CString(off, 120)
		fd.Version = leadingVersion(text[len("clang version "):])
		fd.Confidence = ConfidenceHigh
		fd.Evidence = append(fd.Evidence, ev("string", off, "%q", text))
	}
	if len(fd.Evidence) == 2 {
		if _, tiny := tinyNoRuntime(x); tiny {
			// Only lld's header speaks, and the image is small enough to
			// be hand-written: nasm or clang -ffreestanding, the linker
			// cannot tell.
			return Finding{}, false
		}
	}
	return fd, true
}

// ---- D ----

func matchD(x *Facts) (Finding, bool) {
	if goBuilt(x) {
		return Finding{}, false
	}
	if maj, _ := x.LinkerVersion(); maj == 2 && x.File.Rich == nil {
		return Finding{}, false // GNU ld: gdc is rare; leave it to the GCC rules
	}
	first := x.FindString(RegionData, "core.exception")
	if first < 0 {
		return Finding{}, false
	}
	out := []Evidence{ev("string", first, "\"core.exception\"")}
	for _, s := range []string{"rt.dmain2", "object.Throwable"} {
		if off := x.FindString(RegionData, s); off >= 0 {
			out = append(out, ev("string", off, "%q", s))
		}
	}
	if len(out) < 2 {
		return Finding{}, false
	}
	return Finding{Confidence: 75, Evidence: out}, true
}

// ---- GCC: MinGW and others ----

// gccIdent is one "GCC: (…) version" string.
type gccIdent struct {
	off     int64
	text    string
	version string
}

// gccIdents returns up to 8 GCC ident strings from .rdata (every object
// file compiled by GCC adds one to .rdata$zzz; the first few tell the
// version). The result is remembered.
func gccIdents(x *Facts) []gccIdent {
	if x.gcc != nil {
		return *x.gcc
	}
	out := make([]gccIdent, 0, 8)
	defer func() { x.gcc = &out }()
	for _, off := range x.FindAll(RegionRData, "GCC: (", 8) {
		text := x.CString(off, 128)
		_, rest, ok := strings.Cut(text, ") ")
		if !ok {
			continue
		}
		out = append(out, gccIdent{off: off, text: text, version: leadingVersion(rest)})
	}
	return out
}

// gccVersion picks the most frequent version among the idents (ties go to
// the first seen) and lists each distinct ident once as evidence.
func gccVersion(ids []gccIdent) (string, []Evidence) {
	best, bestCount := "", 0
	var out []Evidence
	var seen [4]string // the texts in out (a few idents: no map)
	for i, id := range ids {
		if v := id.version; v != "" {
			c := 0 // v's count so far
			for _, o := range ids[:i+1] {
				if o.version == v {
					c++
				}
			}
			if v == best {
				bestCount = c
			} else if best == "" || c > bestCount {
				best, bestCount = v, c
			}
		}
		if len(out) < 4 && !slices.Contains(seen[:len(out)], id.text) {
			seen[len(out)] = id.text
			out = append(out, ev("string", id.off, "%q", id.text))
		}
	}
	return best, out
}

// gnuNotMinGWEvidence reports evidence that a GCC-built image is not a MinGW
// program: an EFI image (typically converted from ELF), a Cygwin or MSYS
// runtime, or ELF-only sections.
func gnuNotMinGWEvidence(x *Facts) []Evidence {
	var out []Evidence
	if x.File.Header.Subsystem.IsEFI() {
		out = append(out, ev("header", -1, "EFI subsystem %s", x.File.Header.Subsystem))
	}
	for _, d := range []string{"cygwin1.dll", "msys-2.0.dll"} {
		if x.HasDLL(d) {
			out = append(out, ev("imports", -1, "%s", d))
		}
	}
	for _, n := range []string{".dynamic", ".dynsym", ".rela", ".gnu.hash", ".note.gnu.build-id"} {
		if s, ok := x.Section(n); ok {
			out = append(out, ev("section", s.RawOffset, "%s", n))
		}
	}
	return out
}

// mingwMarkers are the MinGW runtimes' own texts: mingw-w64's and
// mingw.org's pseudo-relocation error ("Mingw-w64 runtime failure:",
// "Mingw runtime failure:", pseudo-reloc.c), the atom name GCC 3.x/4.x's
// libgcc registers to share its exception state between modules
// ("-LIBGCCW32-EH-3-SJLJ-GTHR-MINGW32" and its DW2 and non-threaded
// variants, gcc/config/i386/w32-shared-ptr.c and cygming-crtbegin), and
// the runtime's symbol prefix.
var mingwMarkers = []string{"Mingw-w64 runtime failure", "Mingw runtime failure", "-LIBGCCW32-EH-", "mingw_", "MinGW"}

func matchMinGW(x *Facts) (Finding, bool) {
	if goBuilt(x) {
		return Finding{}, false
	}
	if len(gnuNotMinGW(x)) > 0 {
		return Finding{}, false
	}
	ids := gccIdents(x)
	maj, mnr := x.LinkerVersion()
	gnuLD := maj == 2
	var marker []Evidence
	if len(ids) == 0 || !gnuLD { // idents and GNU ld decide; the runtime's text only when they do not
		for _, m := range mingwMarkers {
			if off := x.FindString(RegionData, m); off >= 0 {
				marker = append(marker, ev("string", off, "%q", m))
				break
			}
		}
	}
	if len(ids) == 0 {
		// No GCC ident: a GNU-linked image with the MinGW runtime's text.
		// mingw.org's oldest runtimes link crtdll.dll instead of msvcrt.
		if !gnuLD || len(marker) == 0 || !x.HasDLL("msvcrt.dll") && !x.HasDLL("ucrtbase.dll") && !x.HasDLL("crtdll.dll") {
			return Finding{}, false
		}
		fd := Finding{Confidence: ConfidenceMedium, Evidence: append(marker,
			ev("linker", -1, "GNU ld %d.%d", maj, mnr), ev("imports", -1, "C runtime"))}
		if s, ok := x.Section(".stab"); ok { // stabs debug information: GCC 3.x's default
			fd.Evidence = append(fd.Evidence, ev("section", s.RawOffset, ".stab"))
		}
		return fd, true
	}
	if !gnuLD && len(marker) == 0 {
		return Finding{}, false
	}
	version, out := gccVersion(ids)
	fd := Finding{Version: version, Confidence: ConfidenceHigh, Evidence: out}
	if gnuLD {
		fd.Evidence = append(fd.Evidence, ev("linker", -1, "GNU ld %d.%d", maj, mnr))
	}
	fd.Evidence = append(fd.Evidence, marker...)
	return fd, true
}

func matchGCC(x *Facts) (Finding, bool) {
	if goBuilt(x) {
		return Finding{}, false
	}
	not := gnuNotMinGW(x)
	if len(not) == 0 {
		return Finding{}, false
	}
	if ids := gccIdents(x); len(ids) > 0 {
		version, out := gccVersion(ids)
		return Finding{Version: version, Confidence: 75, Evidence: append(out, not...)}, true
	}
	// No ident (objcopy and the ELF-to-PE converters keep no .comment): an
	// EFI image whose header a GNU tool or a converter wrote.
	if tool := gnuEFITool(x); tool.Value != "" {
		return Finding{Confidence: 70, Evidence: append([]Evidence{tool}, not...)}, true
	}
	return Finding{}, false
}

// gnuEFITool names the tool that turned an ELF build into an EFI image,
// from the optional header's linker version and the section layout:
//   - 2.x: GNU binutils (objcopy --target efi-app-*, as gnu-efi, shim and
//     systemd-boot do, writes its own version; syslinux's efi/wrapper.c and
//     memtest86+'s hand-written header copy 2.20);
//   - 42.42: iPXE's util/elf2efi.c;
//   - 0.0 with a "mods" section: grub-mkimage (util/grub-mkimagexx.c puts
//     the embedded modules there).
//
// lld and the Microsoft linker write 14.x and their own DOS headers, so an
// EFI image they linked is not taken.
func gnuEFITool(x *Facts) Evidence {
	if !x.File.Header.Subsystem.IsEFI() || lldStub(x) {
		return Evidence{}
	}
	maj, mnr := x.LinkerVersion()
	switch {
	case maj == 2:
		return ev("linker", -1, "linker version 2.%d (GNU binutils or a header written after it)", mnr)
	case maj == 42 && mnr == 42:
		return ev("linker", -1, "linker version 42.42 (iPXE elf2efi)")
	case maj == 0 && mnr == 0:
		if s, ok := x.Section("mods"); ok {
			return ev("section", s.RawOffset, "mods, linker version 0.0 (grub-mkimage)")
		}
	}
	return Evidence{}
}

// ---- Microsoft Visual C++ ----

// richRole is what kind of tool a Rich product id stands for.
type richRole uint8

const (
	roleOther richRole = iota
	roleCompiler
	roleMasm
	roleLinker
	roleVB
)

// richGen is one Visual Studio generation's product ids (formats.md §4;
// richprint comp_id.txt names them Utc*/Linker*/Masm*).
type richGen struct {
	vs     string
	linker []uint16
	masm   []uint16
	utc    [][2]uint16 // inclusive ranges of C/C++ compiler ids
}

var richGens = []richGen{
	{vs: "Visual Studio 97", linker: []uint16{0x02, 0x10, 0x13}, utc: [][2]uint16{{0x07, 0x09}}},
	{vs: "Visual Studio 6.0", linker: []uint16{0x04, 0x1e, 0x20, 0x25, 0x28},
		masm: []uint16{0x0e, 0x12, 0x2a, 0x2d}, utc: [][2]uint16{{0x0a, 0x0b}, {0x15, 0x18}, {0x22, 0x24}, {0x2f, 0x35}}},
	{vs: "Visual Studio .NET 2002", linker: []uint16{0x3d}, masm: []uint16{0x40},
		utc: [][2]uint16{{0x1b, 0x1d}, {0x2b, 0x2c}, {0x39, 0x3a}, {0x41, 0x44}}},
	{vs: "Visual Studio .NET 2003", linker: []uint16{0x47, 0x5a}, masm: []uint16{0x0f, 0x4b},
		utc: [][2]uint16{{0x4c, 0x55}, {0x5f, 0x68}}},
	{vs: "Visual Studio 2005", linker: []uint16{0x78}, masm: []uint16{0x7d}, utc: [][2]uint16{{0x6d, 0x76}, {0x80, 0x82}}},
	{vs: "Visual Studio 2008", linker: []uint16{0x91}, masm: []uint16{0x95}, utc: [][2]uint16{{0x83, 0x8f}}},
	{vs: "Visual Studio 2010", linker: []uint16{0x9d, 0xba}, masm: []uint16{0x9e, 0xbb},
		utc: [][2]uint16{{0x9f, 0xa9}, {0xaa, 0xb4}, {0xbc, 0xc6}}},
	{vs: "Visual Studio 2012", linker: []uint16{0xcc}, masm: []uint16{0xcd}, utc: [][2]uint16{{0xce, 0xd8}}},
	{vs: "Visual Studio 2013", linker: []uint16{0xde, 0xf0}, masm: []uint16{0xdf, 0xf1}, utc: [][2]uint16{{0xe0, 0xea}, {0xf2, 0xfc}}},
	{vs: "", linker: []uint16{0x102}, masm: []uint16{0x103}, utc: [][2]uint16{{0x104, 0x10e}}}, // 14.x: by build
}

// vs14ByBuild tells the Visual Studio releases sharing the 14.x toolset
// apart by build number (formats.md §4): the first build of each.
var vs14ByBuild = []struct {
	from uint16
	vs   string
}{
	{35500, "Visual Studio 2026"},
	{30400, "Visual Studio 2022"},
	{27500, "Visual Studio 2019"},
	{25000, "Visual Studio 2017"},
	{0, "Visual Studio 2015"},
}

// richTool classifies a Rich entry: its role and Visual Studio release.
func richTool(e pe.RichEntry) (richRole, string) {
	if e.ProductID == 0x0d {
		return roleVB, "Visual Basic 6.0"
	}
	for _, g := range richGens {
		vs := g.vs
		if vs == "" {
			for _, b := range vs14ByBuild {
				if e.Build >= b.from {
					vs = b.vs
					break
				}
			}
		}
		for _, id := range g.linker {
			if e.ProductID == id {
				return roleLinker, vs
			}
		}
		for _, id := range g.masm {
			if e.ProductID == id {
				return roleMasm, vs
			}
		}
		for _, r := range g.utc {
			if e.ProductID >= r[0] && e.ProductID <= r[1] {
				return roleCompiler, vs
			}
		}
	}
	return roleOther, ""
}

// String names the role for evidence.
func (r richRole) String() string {
	switch r {
	case roleCompiler:
		return "C/C++ compiler"
	case roleMasm:
		return "MASM"
	case roleLinker:
		return "linker"
	case roleVB:
		return "Visual Basic"
	}
	return "tool"
}

// msvcInfo is what the Rich header says about the Microsoft toolchain.
type msvcInfo struct {
	version  string
	compiler bool // C/C++ compiler objects present
	masm     bool
	vb       bool
	valid    bool
	evidence []Evidence
}

// msvcFromRich reads the Rich entries: the version from the linker entry
// (the tool that wrote the image), else from the newest compiler entry.
func msvcFromRich(x *Facts) (msvcInfo, bool) {
	r := x.File.Rich
	if r == nil || len(r.Entries) == 0 {
		return msvcInfo{}, false
	}
	m := msvcInfo{valid: r.ChecksumValid}
	var linker, comp *pe.RichEntry
	linkerIdx, compIdx := -1, -1
	for i := range r.Entries {
		e := &r.Entries[i]
		role, _ := richTool(*e)
		switch role {
		case roleLinker:
			if linker == nil || e.ProductID > linker.ProductID || e.ProductID == linker.ProductID && e.Build > linker.Build {
				linker, linkerIdx = e, i
			}
		case roleCompiler:
			m.compiler = true
			if comp == nil || e.ProductID > comp.ProductID || e.ProductID == comp.ProductID && e.Build > comp.Build {
				comp, compIdx = e, i
			}
		case roleMasm:
			m.masm = true
		case roleVB:
			m.vb = true
		}
	}
	state := "valid"
	if !r.ChecksumValid {
		state = "invalid: edited"
	}
	m.evidence = append(m.evidence, ev("rich", int64(r.Offset), "Rich header, %d entries, checksum %s", len(r.Entries), state))
	add := func(e *pe.RichEntry, i int) {
		role, vs := richTool(*e)
		m.evidence = append(m.evidence, ev("rich", int64(r.Offset)+16+8*int64(i),
			"%s prodid 0x%04x build %d count %d (%s)", role, e.ProductID, e.Build, e.Count, vs))
	}
	if linker != nil {
		_, m.version = richTool(*linker)
		add(linker, linkerIdx)
	}
	if comp != nil {
		if m.version == "" {
			_, m.version = richTool(*comp)
		}
		add(comp, compIdx)
	}
	return m, linker != nil || comp != nil || m.masm || m.vb
}

// linkerVS maps the optional header's linker version to Visual Studio.
func linkerVS(maj, mnr uint8) string {
	switch {
	case maj == 6:
		return "Visual Studio 6.0"
	case maj == 7 && mnr == 0:
		return "Visual Studio .NET 2002"
	case maj == 7:
		return "Visual Studio .NET 2003"
	case maj == 8:
		return "Visual Studio 2005"
	case maj == 9:
		return "Visual Studio 2008"
	case maj == 10:
		return "Visual Studio 2010"
	case maj == 11:
		return "Visual Studio 2012"
	case maj == 12:
		return "Visual Studio 2013"
	case maj == 14 && mnr < 10:
		return "Visual Studio 2015"
	case maj == 14 && mnr < 20:
		return "Visual Studio 2017"
	case maj == 14 && mnr < 30:
		return "Visual Studio 2019"
	case maj == 14 && mnr < 50:
		return "Visual Studio 2022"
	case maj == 14:
		return "Visual Studio 2026"
	}
	return ""
}

func matchMSVC(x *Facts) (Finding, bool) {
	if m, ok := msvcFromRich(x); ok {
		if !m.compiler {
			if m.masm || m.vb {
				return Finding{}, false // assembly or Visual Basic: their own rules
			}
			// Linker and resource records only: a Microsoft link, little
			// else known (resource-only DLLs, other compilers' objects).
			return Finding{Version: m.version, Confidence: ConfidenceLow, Evidence: m.evidence}, true
		}
		conf := Confidence(90)
		if !m.valid {
			conf = 65
		}
		return Finding{Version: m.version, Confidence: conf, Evidence: m.evidence}, true
	}
	if x.File.Rich != nil || lldStub(x) {
		return Finding{}, false
	}
	// No Rich header (/emittoolversioninfo:no, or wiped): a Microsoft
	// linker version and the Visual C++ runtime.
	maj, mnr := x.LinkerVersion()
	if fd, ok := msvcPreRich(x, maj, mnr); ok {
		return fd, true
	}
	vs := linkerVS(maj, mnr)
	crt := vcRuntime(x)
	if vs == "" || len(crt) == 0 {
		return Finding{}, false
	}
	return Finding{Version: vs, Confidence: ConfidenceMedium, Evidence: []Evidence{
		ev("linker", -1, "linker %d.%d, no Rich header", maj, mnr),
		ev("imports", -1, "Visual C++ runtime %s", strings.Join(crt[:min(len(crt), 3)], ", ")),
	}}, true
}

// msvcPreRich names the Microsoft linkers of Visual C++ 4.x to 6.0, which
// wrote no Rich header (or not always): linker version 3.x to 6.x, the
// Microsoft DOS stub and the PE header at 0x80, where that linker put it.
// GNU ld writes the same stub but version 2.x; Borland's linkers another
// stub; lld a 0x78-byte header.
func msvcPreRich(x *Facts, maj, mnr uint8) (Finding, bool) {
	if maj < 3 || maj > 6 || x.File.Header.NTOffset != 0x80 || !bytes.Contains(x.DOSStub, msStubText) {
		return Finding{}, false
	}
	fd := Finding{Confidence: ConfidenceMedium, Evidence: []Evidence{
		ev("linker", -1, "linker %d.%d, no Rich header", maj, mnr),
		ev("header", 0x40, "Microsoft DOS stub, PE header at 0x80"),
	}}
	switch maj {
	case 6:
		fd.Version = "Visual Studio 6.0"
	case 5:
		fd.Version = "Visual C++ 5.0"
	}
	if crt := vcRuntime(x); len(crt) > 0 {
		fd.Evidence = append(fd.Evidence, ev("imports", -1, "Visual C++ runtime %s", strings.Join(crt[:min(len(crt), 3)], ", ")))
	}
	return fd, true
}

// msStubText is the text of the DOS stub Microsoft's linker writes.
var msStubText = []byte("This program cannot be run in DOS mode.\r\r\n$")

// ---- Assembly ----

// runtimeDLL reports whether a DLL is a language runtime (C, C++, VB,
// .NET, Delphi, Cygwin…), which hand-written assembly does not need.
func runtimeDLL(d string) bool {
	for _, p := range []string{"msvcr", "msvcp", "vcruntime", "ucrtbase", "api-ms-win-crt-", "mscoree", "msvbvm",
		"cygwin", "msys-", "libgcc", "libstdc++", "borlndmm", "cc32", "rtl", "vcl", "python", "mfc"} {
		if strings.HasPrefix(d, p) {
			return true
		}
	}
	return false
}

func matchAssembly(x *Facts) (Finding, bool) {
	if m, ok := msvcFromRich(x); ok {
		if !m.masm || m.compiler || m.vb {
			return Finding{}, false
		}
		return Finding{Name: "MASM", Version: m.version, Confidence: 75, Evidence: m.evidence}, true
	}
	code, ok := tinyNoRuntime(x)
	if !ok {
		return Finding{}, false
	}
	if lldStub(x) {
		// clang -ffreestanding linked by lld-link makes the same shape:
		// the header names the linker, and nothing names the compiler.
		return Finding{}, false
	}
	maj, mnr := x.LinkerVersion()
	conf := ConfidenceMedium
	if maj == 2 || maj >= 5 {
		conf = ConfidenceLow // a GNU or Microsoft linker: more likely C without a runtime
	}
	return Finding{Confidence: conf, Evidence: []Evidence{
		ev("section", -1, "%d bytes of code", code),
		ev("imports", -1, "%d functions, no language runtime", len(x.Imports)),
		ev("linker", -1, "linker version %d.%d, no Rich header", maj, mnr),
	}}, true
}

// tinyNoRuntime reports whether the image is the shape hand-written
// assembly (or C without a runtime) takes: a little code (at most 4 KiB), a
// handful of imports, no language runtime, Rich header, CLR, Go build
// info, TLS callbacks or GCC idents. It returns the code size.
func tinyNoRuntime(x *Facts) (int, bool) {
	if x.File.Rich != nil || x.CLR != nil || x.Go != nil || len(x.File.TLSCallbacks) > 0 || x.EntryOffset < 0 {
		return 0, false
	}
	code := 0
	for i := range x.Sections {
		if x.Sections[i].Executable() {
			code += int(x.Sections[i].RawSize)
		}
	}
	if code == 0 || code > 4096 || len(x.Imports) == 0 || len(x.Imports) > 10 {
		return 0, false
	}
	for _, d := range x.dlls {
		if runtimeDLL(d) {
			return 0, false
		}
	}
	if len(gccIdents(x)) > 0 {
		return 0, false
	}
	return code, true
}

// sortStrings sorts in place (a tiny insertion sort: the lists are short).
func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}
