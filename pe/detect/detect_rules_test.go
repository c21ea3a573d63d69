package detect

// The SYNTHETIC images named by the rule tables' Examples
// ("synthetic:<name>"). Each carries exactly the evidence its rule reads,
// because no toolchain here produces the real thing (testdata/README.md,
// "What could not be built here").

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"math/rand/v2"
	"strings"

	"github.com/filerep/filerep/pe"
)

// randomBytes returns n reproducible pseudo-random bytes (packed-looking
// data).
func randomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// code returns a code section's data: the bytes, padded to 512.
func code(b ...byte) []byte {
	return append(b, make([]byte, max(0, 512-len(b)))...)
}

// rdata returns a read-only data section holding the texts, NUL-separated.
func rdata(texts ...string) synthSection {
	var b []byte
	b = append(b, make([]byte, 16)...)
	for _, t := range texts {
		b = append(append(b, t...), 0, 0, 0, 0)
	}
	return synthSection{name: ".rdata", chars: 0x40000040, data: b}
}

var msvcImports = []synthImport{{dll: "KERNEL32.dll", funcs: []string{"GetModuleHandleW", "ExitProcess"}}, {dll: "VCRUNTIME140.dll", funcs: []string{"memset"}}}

// richVS2019 is a Rich header of a C/C++ program linked by Visual Studio
// 2019 16.9 (build 29913).
var richVS2019 = []pe.RichEntry{
	{ProductID: 0x0105, Build: 29913, Count: 20}, {ProductID: 0x0104, Build: 29913, Count: 10},
	{ProductID: 0x0103, Build: 29913, Count: 3}, {ProductID: 0x00ff, Build: 29913, Count: 1},
	{ProductID: 0x0001, Build: 0, Count: 120}, {ProductID: 0x0102, Build: 29913, Count: 1},
}

func wide(s string) string { return utf16z(s) }

// synthetic maps the Examples' names to their builders.
var synthetic = map[string]func() []byte{
	"go-symtab": func() []byte {
		p := newSynth()
		p.linker = [2]byte{3, 0}
		p.sections[0].data = code(append([]byte("\xff Go build ID: \"abcdefghijklmnop/qrstuvwxyz\"\n \xff"), 0xcc)...)
		p.entryOff = 0x40
		p.sections = append(p.sections, synthSection{name: ".symtab", chars: 0x42000000, data: []byte{0, 0, 0, 0}})
		p.imports = []synthImport{{dll: "kernel32.dll", funcs: []string{"WriteFile"}}}
		return p.build()
	},
	"dotnet-mixed": func() []byte {
		p := newSynth()
		p.dll = true
		p.rich = richVS2019
		p.clr = &synthCLR{flags: 0x10, version: "v4.0.30319", refs: []string{"mscorlib", "System"}}
		p.imports = []synthImport{{dll: "mscoree.dll", funcs: []string{"_CorDllMain"}}, {dll: "VCRUNTIME140.dll", funcs: []string{"memset"}}}
		return p.build()
	},
	"dotnet-fsharp": func() []byte {
		p := newSynth()
		p.linker = [2]byte{11, 0}
		p.clr = &synthCLR{flags: 1, version: "v4.0.30319", refs: []string{"mscorlib", "FSharp.Core"}}
		p.imports = []synthImport{{dll: "mscoree.dll", funcs: []string{"_CorExeMain"}}}
		return p.build()
	},
	"dotnet-vbnet": func() []byte {
		p := newSynth()
		p.linker = [2]byte{11, 0}
		p.clr = &synthCLR{flags: 1, version: "v4.0.30319", refs: []string{"mscorlib", "Microsoft.VisualBasic", "System"}}
		p.imports = []synthImport{{dll: "mscoree.dll", funcs: []string{"_CorExeMain"}}}
		return p.build()
	},
	// The names below are the ones the compilers document for what they
	// generate (see dotnetMarks for the sources): Roslyn C#'s
	// GeneratedNames (lambda cache class "<>c", its delegate fields
	// "<>9__<method>_<n>", lambda bodies "<M>b__<m>_<n>", display classes
	// "<>c__DisplayClass<m>_<n>", state machines "<M>d__<n>" with their
	// "<>1__state" and "<>t__builder" fields, backing fields
	// "<P>k__BackingField") and the attributes it synthesizes for C# 8+ and
	// C# 11; no reference to a language runtime.
	"dotnet-csharp-roslyn": func() []byte {
		p := newSynth()
		p.linker = [2]byte{48, 0}
		p.clr = &synthCLR{flags: 1, version: "v4.0.30319", refs: []string{"System.Runtime", "System.Console"},
			names: []string{"<>c", "<>9__0_0", "<Main>b__0_0", "<>c__DisplayClass1_0", "<Name>k__BackingField",
				"<RunAsync>d__2", "<>1__state", "<>t__builder", "RefSafetyRulesAttribute", "NullableContextAttribute"}}
		p.imports = []synthImport{{dll: "mscoree.dll", funcs: []string{"_CorExeMain"}}}
		return p.build()
	},
	// Visual Basic compiled with an embedded runtime (vbc -vbruntime*), so
	// no Microsoft.VisualBasic reference: what is left is the names VB
	// generates (Roslyn's GeneratedNameConstants.vb: closures
	// "_Closure$__<n>-<m>", lambdas "_Lambda$__<n>-<m>", state machines
	// "VB$StateMachine_<n>_<M>", hoisted locals "$VB$Local_<x>") and the
	// StandardModuleAttribute every VB Module carries.
	"dotnet-vbnet-names": func() []byte {
		p := newSynth()
		p.linker = [2]byte{48, 0}
		p.clr = &synthCLR{flags: 1, version: "v4.0.30319", refs: []string{"mscorlib"},
			names: []string{"_Closure$__1-0", "_Lambda$__0", "VB$StateMachine_2_Run", "$VB$Local_total", "StandardModuleAttribute"}}
		p.imports = []synthImport{{dll: "mscoree.dll", funcs: []string{"_CorExeMain"}}}
		return p.build()
	},
	// FSharp.Core itself, which references no FSharp.Core: F#'s code
	// generator (IlxGen.fs) puts each file's start-up code in a
	// "<StartupCode$<assembly>>" namespace, and every F# assembly carries
	// FSharpInterfaceDataVersionAttribute.
	"dotnet-fsharp-names": func() []byte {
		p := newSynth()
		p.dll = true
		p.linker = [2]byte{11, 0}
		p.clr = &synthCLR{flags: 1, version: "v4.0.30319", refs: []string{"mscorlib", "System"},
			names: []string{"<StartupCode$FSharp-Core>", "$Prim-types", "FSharpInterfaceDataVersionAttribute"}}
		p.imports = []synthImport{{dll: "mscoree.dll", funcs: []string{"_CorDllMain"}}}
		return p.build()
	},
	"dotnet-nativeaot": func() []byte {
		p := newSynth()
		p.is64 = true
		p.rich = richVS2019
		p.sections = append(p.sections,
			synthSection{name: ".managed", chars: 0x60000020, data: code(0x48, 0x83, 0xec, 0x28)},
			synthSection{name: "hydrated", chars: 0xC0000080, vsize: 0x20000})
		p.imports = msvcImports
		return p.build()
	},
	// .NET 8+ Native AOT linked by link.exe: .managed and hydrated merged
	// into .text and .data, the runtime named by its own symbols as
	// dotnet/runtime's src/coreclr/nativeaot has them: the Rhp* helpers
	// (RhpCidResolve), RehydrateData, System.Private.CoreLib, and the
	// TargetFramework string of the app.
	"dotnet-nativeaot-merged": func() []byte {
		p := newSynth()
		p.is64 = true
		p.rich = richVS2019
		p.sections = append(p.sections, rdata("RhpCidResolve", "RhpNewFast", "RehydrateData", "System.Private.CoreLib.dll", ".NETCoreApp,Version=v9.0"))
		p.imports = msvcImports
		return p.build()
	},
	"pyinstaller": func() []byte {
		p := newSynth()
		p.rich = richVS2019
		p.imports = msvcImports
		payload := append([]byte("PYZ\x00"), randomBytes(3000, 1)...)
		cookie := make([]byte, pyiCookieLen)
		copy(cookie, pyiCookieMagic)
		be := binary.BigEndian
		be.PutUint32(cookie[8:], uint32(len(payload)+pyiCookieLen))
		be.PutUint32(cookie[12:], 2000)
		be.PutUint32(cookie[16:], 500)
		be.PutUint32(cookie[20:], 311)
		copy(cookie[24:], "python311.dll")
		p.overlay = append(payload, cookie...)
		return p.build()
	},
	"autoit": func() []byte {
		p := newSynth()
		p.rich = richVS2019
		p.imports = msvcImports
		script := append(append(append([]byte{}, autoItMagic...), 0x99, 0x4C, 0x53, 0x0A, 0x86, 0xD6, 0x48, 0x7D), "AU3!EA06"...)
		p.resources = []synthRes{{typ: pe.ResourceID{ID: 10}, name: pe.ResourceID{Name: "SCRIPT"}, data: append(script, randomBytes(200, 2)...)}}
		return p.build()
	},
	"vb6": func() []byte {
		p := newSynth()
		p.linker = [2]byte{6, 0}
		text := make([]byte, 0x400)
		base := uint32(p.imageBase) + 0x1000
		text[0] = 0x68 // push VB header
		binary.LittleEndian.PutUint32(text[1:], base+0x100)
		text[5] = 0xE8 // call ThunRTMain
		copy(text[0x100:], "VB5!")
		binary.LittleEndian.PutUint32(text[0x130:], base+0x200) // ProjectInfo
		// ProjectInfo+0x20 (native code address) left 0: P-Code.
		p.sections[0].data = text
		p.imports = []synthImport{{dll: "MSVBVM60.DLL", funcs: []string{"ThunRTMain", "__vbaFreeStr"}}}
		p.rich = []pe.RichEntry{{ProductID: 0x0d, Build: 9782, Count: 1}, {ProductID: 0x04, Build: 8169, Count: 1}}
		return p.build()
	},
	"cppbuilder": func() []byte {
		p := newSynth()
		p.linker = [2]byte{5, 0}
		p.stub = []byte("\xba\x10\x00\x0e\x1f\xb4\x09\xcd\x21\xb8\x01\x4c\xcd\x21\x90\x90This program must be run under Win32\r\n$7\x00\x00\x00\x00\x00\x00")
		p.sections[0].data = code(append([]byte{0xEB, 0x10}, "fb:C++HOOK\x90\x90\x90\x90\x90\x90"...)...)
		p.imports = []synthImport{{dll: "KERNEL32.DLL", funcs: []string{"GetModuleHandleA"}}, {dll: "CC3260MT.DLL", funcs: []string{"___CRTL_VCL_Init"}}}
		return p.build()
	},
	"delphi": func() []byte {
		p := newSynth()
		p.linker = [2]byte{2, 25}
		p.stub = []byte("\xba\x10\x00\x0e\x1f\xb4\x09\xcd\x21\xb8\x01\x4c\xcd\x21\x90\x90This program must be run under Win32\r\n$7\x00\x00\x00\x00\x00\x00")
		p.sections = []synthSection{
			{name: ".text", chars: 0x60000020, data: code(append([]byte{0x55, 0x8b, 0xec, 0, 0, 0, 0}, "Embarcadero Delphi for Win32 compiler version 35.0 (28.0.42600.6491)\x00"...)...)},
			{name: ".itext", chars: 0x60000020, data: code(0xc3)},
			{name: ".data", chars: 0xC0000040, data: code(1, 2, 3)},
		}
		p.imports = []synthImport{{dll: "kernel32.dll", funcs: []string{"GetModuleHandleW"}}, {dll: "oleaut32.dll", funcs: []string{"SysFreeString"}}}
		p.resources = []synthRes{
			{typ: pe.ResourceID{ID: 10}, name: pe.ResourceID{Name: "DVCLAL"}, data: randomBytes(16, 3)},
			{typ: pe.ResourceID{ID: 10}, name: pe.ResourceID{Name: "PACKAGEINFO"}, data: randomBytes(64, 4)},
		}
		return p.build()
	},
	"fpc": func() []byte {
		p := newSynth()
		p.is64 = true
		p.linker = [2]byte{2, 41}
		p.sections = append(p.sections, synthSection{name: ".data", chars: 0xC0000040, data: []byte("\x00\x00\x29FPC 3.2.2 [2021/05/15] for x86_64 - Win64\x00")})
		p.imports = []synthImport{{dll: "kernel32.dll", funcs: []string{"GetStdHandle", "WriteFile"}}}
		return p.build()
	},
	"purebasic": func() []byte {
		p := newSynth()
		p.linker = [2]byte{2, 50}
		p.sections[0].data = code(0x68, 0x00, 0x10, 0, 0, 0x68, 0, 0, 0, 0, 0x68, 0x00, 0x00, 0x40, 0x00,
			0xE8, 0x10, 0x20, 0x00, 0x00, 0x83, 0xC4, 0x0C, 0x68, 0, 0, 0, 0, 0xE8, 0x30, 0x00, 0x00, 0x00, 0xA3)
		p.sections = append(p.sections, synthSection{name: "code2", chars: 0x60000020, data: code(0xc3)})
		p.imports = []synthImport{{dll: "KERNEL32.dll", funcs: []string{"HeapCreate", "ExitProcess"}}}
		return p.build()
	},
	"rust": func() []byte {
		p := newSynth()
		p.is64 = true
		p.rich = richVS2019
		p.sections = append(p.sections, rdata(
			"/rustc/90b35a6239c3d8bdabc530a6a0816f7ff89a0aaf/library/core/src/panicking.rs",
			"called `Option::unwrap()` on a `None` value"))
		p.imports = msvcImports
		return p.build()
	},
	"nim": func() []byte {
		p := newSynth()
		p.linker = [2]byte{2, 40}
		p.sections = append(p.sections, rdata("GCC: (GNU) 12-win32", "fatal.nim", "io.nim"))
		p.imports = []synthImport{{dll: "msvcrt.dll", funcs: []string{"printf", "malloc"}}, {dll: "KERNEL32.dll", funcs: []string{"ExitProcess"}}}
		return p.build()
	},
	"zig": func() []byte {
		p := newSynth()
		p.is64 = true
		p.lld = true
		p.linker = [2]byte{14, 0}
		p.sections = append(p.sections, rdata(wide("ZIG_DEBUG_COLOR")))
		p.imports = []synthImport{{dll: "ntdll.dll", funcs: []string{"NtWriteFile"}}, {dll: "kernel32.dll", funcs: []string{"ExitProcess"}}}
		return p.build()
	},
	// A ReleaseSafe build has no ZIG_DEBUG_COLOR (std.debug's colour
	// switch is for debug builds) but keeps Zig's safety-check messages,
	// as Zig's lib/std words them; C has no @memcpy builtin to word them so.
	"zig-releasesafe": func() []byte {
		p := newSynth()
		p.is64 = true
		p.dll = true
		p.lld = true
		p.linker = [2]byte{14, 0}
		p.sections = append(p.sections, rdata("reached unreachable code", "@memcpy arguments have non-equal lengths", "@memcpy arguments alias"))
		p.imports = []synthImport{{dll: "kernel32.dll", funcs: []string{"ExitProcess"}}, {dll: "api-ms-win-crt-heap-l1-1-0.dll", funcs: []string{"malloc"}}}
		return p.build()
	},
	"d": func() []byte {
		p := newSynth()
		p.is64 = true
		p.rich = richVS2019
		p.sections = append(p.sections, rdata("core.exception", "rt.dmain2", "object.Throwable"))
		p.imports = msvcImports
		return p.build()
	},
	"clang-lld": func() []byte {
		p := newSynth()
		p.is64 = true
		p.lld = true
		p.linker = [2]byte{14, 0}
		p.imports = []synthImport{{dll: "VCRUNTIME140.dll", funcs: []string{"memcpy"}}, {dll: "api-ms-win-crt-runtime-l1-1-0.dll", funcs: []string{"_initterm"}}}
		return p.build()
	},
	// A mingw.org build of the GCC 3.x era, built from public descriptions,
	// not from our rule: binutils' pe.h/peXXigen.c wrote LINKER_VERSION 256
	// ("2.56") into every image until the field began to track the release;
	// mingw.org's pseudo-reloc.c reports "Mingw runtime failure:"; GCC 3.4's
	// gcc/config/i386/w32-shared-ptr.c names the atom that shares libgcc's
	// exception state "-LIBGCCW32-EH-3-SJLJ-GTHR-MINGW32"; GCC 3.x wrote
	// stabs debug information into .stab/.stabstr; the C runtime is
	// msvcrt.dll. The GCC ident is absent (strip -R .comment era builds).
	"mingw-org-gcc3": func() []byte {
		p := newSynth()
		p.linker = [2]byte{2, 56}
		p.sections = append(p.sections,
			rdata("Mingw runtime failure:\n", "  VirtualQuery failed for %d bytes at address %p", "-LIBGCCW32-EH-3-SJLJ-GTHR-MINGW32"),
			synthSection{name: ".stab", chars: 0x42100040, data: make([]byte, 512)},
			synthSection{name: ".stabstr", chars: 0x42100040, data: append([]byte("\x00crt1.c\x00"), make([]byte, 500)...)})
		p.imports = []synthImport{{dll: "KERNEL32.dll", funcs: []string{"VirtualQuery", "ExitProcess"}},
			{dll: "msvcrt.dll", funcs: []string{"__getmainargs", "printf", "_cexit"}}}
		return p.build()
	},
	// A GHC-built program, from GHC's runtime sources rather than from our
	// rule: rts/RtsUtils.c printRtsInfo prints " [(\"GHC RTS\", \"YES\")"
	// and mkRtsInfoPair("GHC version", ProjectVersion), rts/RtsFlags.c the
	// usage line "Usage: <prog> <args> [+RTS <rtsopts> | -RTS <args>] ...".
	// GHC links with GNU ld against the MinGW-w64 runtime, whose GCC idents
	// come along, and statically links its runtime and base library (more
	// than a MiB of code in a hello world; 300 KiB here).
	"ghc": func() []byte {
		p := newSynth()
		p.is64 = true
		p.linker = [2]byte{2, 40}
		p.sections[0].data = code(append(make([]byte, 300<<10), 0xc3)...)
		p.sections = append(p.sections, rdata(
			"GCC: (GNU) 13.2.0", "Usage: <prog> <args> [+RTS <rtsopts> | -RTS <args>] ... --RTS <args>",
			" [(\"GHC RTS\", \"YES\")", "GHC version", "9.4.8", "Mingw-w64 runtime failure:"))
		p.imports = []synthImport{{dll: "KERNEL32.dll", funcs: []string{"VirtualAlloc"}}, {dll: "msvcrt.dll", funcs: []string{"malloc"}}}
		return p.build()
	},
	"gcc-efi": func() []byte {
		p := newSynth()
		p.is64 = true
		p.subsystem = 10
		p.linker = [2]byte{2, 40}
		p.sections = append(p.sections, synthSection{name: ".data", chars: 0xC0000040, data: []byte("\x00GCC: (Debian 12.2.0-14) 12.2.0\x00")},
			synthSection{name: ".dynamic", chars: 0xC0000040, data: make([]byte, 64)})
		return p.build()
	},
	// iPXE's util/elf2efi.c writes MajorLinkerVersion 42 and
	// MinorLinkerVersion 42 into the images it converts; the sections are
	// .text .rodata .data .bss .reloc .debug (measured on Debian's
	// ipxe.efi too, see testdata/corpus.tsv).
	"efi-ipxe": func() []byte {
		p := newSynth()
		p.is64 = true
		p.subsystem = 10
		p.linker = [2]byte{42, 42}
		p.sections = append(p.sections, synthSection{name: ".rodata", chars: 0x40000040, data: make([]byte, 64)},
			synthSection{name: ".debug", chars: 0x42000040, data: []byte("ipxe.efi\x00")})
		return p.build()
	},
	// GRUB's util/grub-mkimagexx.c lays out .text, .data, "mods" (the
	// embedded modules) and .reloc, with no linker version (0.0).
	"efi-grub": func() []byte {
		p := newSynth()
		p.is64 = true
		p.subsystem = 10
		p.linker = [2]byte{0, 0}
		p.sections = append(p.sections, synthSection{name: ".data", chars: 0xC0000040, data: make([]byte, 64)},
			synthSection{name: "mods", chars: 0xC0000040, data: make([]byte, 64)})
		return p.build()
	},
	// Visual C++ 6.0's linker (6.00) without a Rich header: the Microsoft
	// DOS stub with the PE header at 0x80, msvcrt.dll (Windows 2000-era
	// system DLLs; saferwall/pe's test/jobexec.dll is one, in
	// testdata/corpus.tsv).
	"msvc-vc6": func() []byte {
		p := newSynth()
		p.linker = [2]byte{6, 0}
		p.imports = []synthImport{{dll: "MSVCRT.dll", funcs: []string{"_initterm", "malloc"}}, {dll: "KERNEL32.dll", funcs: []string{"GetVersion"}}}
		return p.build()
	},
	"msvc-2019": func() []byte {
		p := newSynth()
		p.rich = richVS2019
		p.imports = msvcImports
		return p.build()
	},
	"msvc-2008": func() []byte {
		p := newSynth()
		p.linker = [2]byte{9, 0}
		p.rich = []pe.RichEntry{{ProductID: 0x0084, Build: 30729, Count: 5}, {ProductID: 0x0093, Build: 30729, Count: 4}, {ProductID: 0x0091, Build: 30729, Count: 1}}
		p.imports = []synthImport{{dll: "MSVCR90.dll", funcs: []string{"_initterm"}}}
		return p.build()
	},
	"msvc-norich": func() []byte {
		p := newSynth()
		p.linker = [2]byte{14, 16}
		p.imports = []synthImport{{dll: "VCRUNTIME140.dll", funcs: []string{"memset"}}, {dll: "api-ms-win-crt-runtime-l1-1-0.dll", funcs: []string{"_initterm"}}}
		return p.build()
	},
	"masm": func() []byte {
		p := newSynth()
		p.rich = []pe.RichEntry{{ProductID: 0x0103, Build: 30795, Count: 2}, {ProductID: 0x0001, Build: 0, Count: 3}, {ProductID: 0x0102, Build: 30795, Count: 1}}
		p.imports = []synthImport{{dll: "kernel32.dll", funcs: []string{"ExitProcess", "GetStdHandle", "WriteFile"}}}
		return p.build()
	},

	// Installers.
	"inno": func() []byte {
		p := newSynth()
		p.linker = [2]byte{2, 25}
		table := make([]byte, 48)
		copy(table, innoIDs[5].id)
		p.resources = []synthRes{{typ: pe.ResourceID{ID: 10}, name: pe.ResourceID{ID: 11111}, data: table}}
		p.overlay = append([]byte("Inno Setup Setup Data (6.2.2) (u)"), make([]byte, 64)...)
		b := p.build()
		// Fill the table now that the overlay's offset is known.
		ov := uint32(len(b) - len(p.overlay))
		at := bytes.Index(b, []byte(innoIDs[5].id))
		t := b[at : at+48]
		le := binary.LittleEndian
		le.PutUint32(t[12:], 1)              // revision
		le.PutUint32(t[16:], uint32(len(b))) // total size
		le.PutUint32(t[20:], ov)             // exe offset
		le.PutUint32(t[24:], 0)              // exe uncompressed size
		le.PutUint32(t[28:], 0)              // exe CRC
		le.PutUint32(t[32:], ov)             // setup-0 (header) offset
		le.PutUint32(t[36:], ov+64)          // setup-1 (data) offset
		le.PutUint32(t[40:], crc32.ChecksumIEEE(t[:40]))
		return b
	},
	"installshield": func() []byte {
		p := newSynth()
		p.rich = richVS2019
		p.imports = msvcImports
		p.overlay = append([]byte("InstallShield\x00\x00\x00"), randomBytes(256, 5)...)
		return p.build()
	},
	"wix-burn": func() []byte {
		p := newSynth()
		p.rich = richVS2019
		p.imports = msvcImports
		burn := make([]byte, 64)
		binary.LittleEndian.PutUint32(burn, 0x00F14300)
		binary.LittleEndian.PutUint32(burn[4:], 2)
		p.sections = append(p.sections, synthSection{name: ".wixburn", chars: 0x40000040, data: burn})
		return p.build()
	},
	"squirrel": func() []byte {
		p := newSynth()
		p.rich = richVS2019
		p.imports = msvcImports
		zip := make([]byte, 30)
		copy(zip, "PK\x03\x04")
		name := "MyApp-1.0.0-full.nupkg"
		binary.LittleEndian.PutUint16(zip[26:], uint16(len(name)))
		zip = append(append(zip, name...), randomBytes(100, 6)...)
		p.resources = []synthRes{{typ: pe.ResourceID{Name: "DATA"}, name: pe.ResourceID{ID: 131}, data: zip}}
		return p.build()
	},
	"bdist-wininst": func() []byte {
		p := newSynth()
		p.linker = [2]byte{9, 0}
		p.rich = []pe.RichEntry{{ProductID: 0x0083, Build: 30729, Count: 5}, {ProductID: 0x0091, Build: 30729, Count: 1}}
		p.imports = []synthImport{{dll: "MSVCR90.dll", funcs: []string{"_initterm"}}}
		cfg := []byte("[metadata]\nname=sample\n[Setup]\ntarget_version=2.7\ninfo=x\n\x00\x00")
		tag := make([]byte, 12)
		binary.LittleEndian.PutUint32(tag, 0x1234567B)
		binary.LittleEndian.PutUint32(tag[4:], uint32(len(cfg)))
		p.overlay = append(append(cfg, tag...), append([]byte("PK\x03\x04"), randomBytes(64, 7)...)...)
		return p.build()
	},
	"7zip-sfx": func() []byte {
		p := newSynth()
		p.rich = richVS2019
		p.imports = msvcImports
		p.overlay = append([]byte(";!@Install@!UTF-8!\r\nTitle=\"sample\"\r\n;!@InstallEnd@!"), append(append([]byte{}, sevenZipSig...), 0, 4, 1, 2, 3, 4)...)
		return p.build()
	},
	"winrar-sfx": func() []byte {
		p := newSynth()
		p.rich = richVS2019
		p.imports = msvcImports
		p.overlay = append([]byte("Rar!\x1a\x07\x01\x00"), randomBytes(128, 8)...)
		return p.build()
	},
	"advanced-installer": func() []byte {
		p := newSynth()
		p.rich = richVS2019
		p.imports = msvcImports
		p.sections = append(p.sections, rdata("ADVINSTSFX", wide("Software\\Caphyon\\Advanced Installer\\")))
		return p.build()
	},
	"setup-factory": func() []byte {
		p := newSynth()
		p.rich = richVS2019
		p.imports = msvcImports
		p.overlay = append([]byte{0xE0, 0xE1, 0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7}, randomBytes(64, 9)...)
		return p.build()
	},
	"msi-wrapper": func() []byte {
		p := newSynth()
		p.rich = richVS2019
		p.imports = msvcImports
		msi := make([]byte, 1024)
		copy(msi, cfbMagic)
		binary.LittleEndian.PutUint16(msi[0x1A:], 3)
		binary.LittleEndian.PutUint16(msi[0x1C:], 0xFFFE)
		binary.LittleEndian.PutUint16(msi[0x1E:], 9)
		binary.LittleEndian.PutUint32(msi[0x30:], 0) // directory in sector 0
		root := msi[512:]
		copy(root, utf16z("Root Entry"))
		binary.LittleEndian.PutUint16(root[0x40:], 22)
		root[0x42] = 5
		copy(root[0x50:], msiCLSID)
		p.resources = []synthRes{{typ: pe.ResourceID{ID: 10}, name: pe.ResourceID{Name: "MSI"}, data: msi}}
		return p.build()
	},

	// Packers.
	"upx-renamed": func() []byte {
		p := newSynth()
		p.sections = []synthSection{
			{name: "abc0", chars: 0xE0000080, vsize: 0x10000},
			{name: "abc1", chars: 0xE0000040, data: append(code(0x60, 0xBE, 0x00, 0x10, 0x41, 0x00, 0x8D, 0xBE, 0x00, 0x00, 0xFF, 0xFF, 0x57), randomBytes(4096, 10)...)},
		}
		p.entry = 1
		p.imports = []synthImport{{dll: "KERNEL32.DLL", funcs: []string{"LoadLibraryA", "GetProcAddress", "VirtualProtect", "ExitProcess"}}}
		return p.build()
	},
	"aspack": func() []byte {
		p := newSynth()
		p.sections = append(p.sections, synthSection{name: ".aspack", chars: 0xE0000040,
			data: code(0x60, 0xE8, 0x03, 0x00, 0x00, 0x00, 0xE9, 0xEB, 0x04, 0x5D, 0x45, 0x55, 0xC3, 0xE8, 0x01)})
		p.entry = 1
		return p.build()
	},
	"mpress": func() []byte {
		p := newSynth()
		p.sections = []synthSection{{name: ".MPRESS1", chars: 0xE0000060, data: randomBytes(2048, 11)}, {name: ".MPRESS2", chars: 0xE0000060, data: code(0x60, 0xe8)}}
		p.entry = 1
		return p.build()
	},
	"pecompact": func() []byte {
		p := newSynth()
		p.sections = []synthSection{{name: "PEC2TO", chars: 0xE0000040, data: randomBytes(2048, 12)}, {name: "PEC2", chars: 0xE0000040,
			data: code(append([]byte{0xB8, 0, 0x10, 0x40, 0, 0x50, 0x64, 0xFF, 0x35, 0, 0, 0, 0}, "\x00\x00PECompact2\x00"...)...)}}
		p.entry = 1
		return p.build()
	},
	"petite": func() []byte {
		p := newSynth()
		p.sections = append(p.sections, synthSection{name: ".petite", chars: 0xE0000040, data: code(0xB8)})
		p.entry = 1
		return p.build()
	},
	"fsg": func() []byte {
		p := newSynth()
		p.stub = append(append([]byte{}, msDOSStub[:48]...), "FSG!\x00\x00\x00\x00"...)
		p.sections = append(p.sections, synthSection{name: "", chars: 0xE0000060,
			data: code(0x87, 0x25, 0x00, 0x10, 0x40, 0x00, 0x61, 0x94, 0x55, 0xA4, 0xB6, 0x80, 0xFF, 0x13)})
		p.entry = 1
		return p.build()
	},
	"nspack": func() []byte {
		p := newSynth()
		p.sections = []synthSection{{name: ".nsp0", chars: 0xE0000080, vsize: 0x10000}, {name: ".nsp1", chars: 0xE0000060, data: code(0x9c, 0x60)}, {name: ".nsp2", chars: 0xE0000060, data: code(0)}}
		p.entry = 1
		return p.build()
	},
	"mew": func() []byte {
		p := newSynth()
		p.sections = []synthSection{{name: "MEW", chars: 0xC0000080, vsize: 0x10000}, {name: "\x02\xd2u\xdb", chars: 0xC0000040, data: code(0xE9)}}
		p.entry = 1
		return p.build()
	},
	"themida": func() []byte {
		p := newSynth()
		p.sections = append(p.sections, synthSection{name: ".themida", chars: 0xE0000060, data: code(0xEB)})
		p.entry = 1
		return p.build()
	},
	"winlicense": func() []byte {
		p := newSynth()
		p.sections = append(p.sections, synthSection{name: ".winlice", chars: 0xE0000060, data: code(0xEB)})
		p.entry = 1
		return p.build()
	},
	"themida-blank": func() []byte {
		p := newSynth()
		p.sections = []synthSection{
			{name: "        ", chars: 0xE0000060, data: randomBytes(4096, 13)},
			{name: "        ", chars: 0xC0000040, data: code(1)},
			{name: "        ", chars: 0xE0000060, data: code(0x56, 0x50, 0x53)},
		}
		p.entry = 2
		return p.build()
	},
	"vmprotect": func() []byte {
		p := newSynth()
		p.sections = append(p.sections, synthSection{name: ".vmp0", chars: 0x60000020, data: code(0x68)}, synthSection{name: ".vmp1", chars: 0xE0000060, data: randomBytes(2048, 14)})
		p.entry = 1
		return p.build()
	},
	"enigma": func() []byte {
		p := newSynth()
		p.sections = append(p.sections, synthSection{name: ".enigma1", chars: 0xE0000040, data: code(0x60)}, synthSection{name: ".enigma2", chars: 0xE0000040, data: code(0)})
		p.entry = 1
		return p.build()
	},
	"obsidium": func() []byte {
		p := newSynth()
		p.sections = append(p.sections, synthSection{name: ".obs", chars: 0xE0000060,
			data: code(0xEB, 0x02, 0x11, 0x22, 0xE8, 0x25, 0x00, 0x00, 0x00, 0xEB, 0x04, 1, 2, 3, 4, 0xEB, 0x01, 5, 0x8B, 0x54, 0x24, 0x0C, 0xEB, 0x01)})
		p.entry = 1
		return p.build()
	},
	"execryptor": func() []byte {
		p := newSynth()
		p.sections = append(p.sections, synthSection{name: ".ecr", chars: 0xE0000060,
			data: code(0xE8, 0x24, 0x00, 0x00, 0x00, 0x8B, 0x4C, 0x24, 0x0C, 0xC7, 0x01, 0x17, 0x00, 0x01, 0x00, 0xC7, 0x81, 0xB8, 0, 0, 0)})
		p.entry = 1
		return p.build()
	},
	"kkrunchy": func() []byte {
		p := newSynth()
		p.sections = []synthSection{{name: "", chars: 0xE0000080, vsize: 0x10000}, {name: "kkrunchy", chars: 0xE0000060, data: randomBytes(2048, 15)}}
		p.entry = 1
		return p.build()
	},

	// Behaviours.
	"network-server": func() []byte {
		p := newSynth()
		p.rich = richVS2019
		p.imports = []synthImport{{dll: "WS2_32.dll", funcs: []string{"WSAStartup", "socket", "bind", "listen", "accept"}}}
		return p.build()
	},
}

// syntheticNames returns the names of the synthetic images, sorted.
func syntheticNames() []string {
	var out []string
	for n := range synthetic {
		out = append(out, n)
	}
	sortStrings(out)
	return out
}

// isSynthetic splits "synthetic:<name>".
func isSynthetic(example string) (string, bool) {
	return strings.CutPrefix(example, "synthetic:")
}
