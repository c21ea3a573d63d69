// Command realpe-lang is bench/realpe-lang.sh's helper. It reads file
// paths (one a line, the first tab-separated column) on stdin and prints one
// tab-separated line per file.
//
//	realpe-lang facts   path, is PE, machine, entry point RVA, has an
//	                    executable section, is .NET, section names, and for
//	                    .NET files the number of methods (MethodDef rows)
//	                    (from the standard library's debug/pe, not the SDK:
//	                    the collect stage decides "no code" with it)
//	realpe-lang marks   path and a one-line note of the toolchain marks the
//	                    file carries (linker version, DOS stub size, Rich
//	                    header, sections, imported DLLs, tell-tale strings),
//	                    again from debug/pe and byte searches, not the SDK
//	realpe-lang scan    path, code language, compiler name, version,
//	                    compiler rule and confidence, packed, packers,
//	                    installer, other compiler findings (the SDK's
//	                    pe.Parse and detect.Run with the default rules)
package main

import (
	"bufio"
	"context"
	"debug/pe"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	frpe "github.com/filerep/filerep/pe"
	"github.com/filerep/filerep/pe/detect"
)

func main() {
	if len(os.Args) != 2 || (os.Args[1] != "facts" && os.Args[1] != "scan" && os.Args[1] != "marks") {
		fmt.Fprintln(os.Stderr, "usage: realpe-lang facts|marks|scan < paths")
		os.Exit(2)
	}
	mode := os.Args[1]
	var paths []string
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		p, _, _ := strings.Cut(sc.Text(), "\t")
		if p != "" && !strings.HasPrefix(p, "#") {
			paths = append(paths, p)
		}
	}
	out := make([]string, len(paths))
	rules := detect.DefaultRules()
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				switch mode {
				case "facts":
					out[i] = facts(paths[i])
				case "marks":
					out[i] = marks(paths[i])
				default:
					out[i] = scan(paths[i], rules)
				}
			}
		}()
	}
	for i := range paths {
		next <- i
	}
	close(next)
	wg.Wait()
	w := bufio.NewWriter(os.Stdout)
	for _, l := range out {
		fmt.Fprintln(w, l)
	}
	w.Flush()
}

// isPE reports whether the file starts with "MZ" and has "PE\0\0" at
// e_lfanew.
func isPE(path string) bool {
	fh, err := os.Open(path)
	if err != nil {
		return false
	}
	defer fh.Close()
	var h [64]byte
	if _, err := io.ReadFull(fh, h[:]); err != nil || h[0] != 'M' || h[1] != 'Z' {
		return false
	}
	var sig [4]byte
	if _, err := fh.ReadAt(sig[:], int64(binary.LittleEndian.Uint32(h[60:]))); err != nil {
		return false
	}
	return string(sig[:]) == "PE\x00\x00"
}

func facts(path string) string {
	if !isPE(path) {
		return path + "\tnot-pe\t\t\t\t\t"
	}
	f, err := pe.Open(path)
	if err != nil {
		return path + "\tpe\t?\t?\t?\t?\t?"
	}
	defer f.Close()
	var entry uint32
	clr := false
	switch oh := f.OptionalHeader.(type) {
	case *pe.OptionalHeader32:
		entry = oh.AddressOfEntryPoint
		clr = len(oh.DataDirectory) > 14 && oh.DataDirectory[14].VirtualAddress != 0
	case *pe.OptionalHeader64:
		entry = oh.AddressOfEntryPoint
		clr = len(oh.DataDirectory) > 14 && oh.DataDirectory[14].VirtualAddress != 0
	}
	methods := ""
	if clr {
		methods = fmt.Sprint(methodDefs(f))
	}
	exec := false
	var names []string
	for _, s := range f.Sections {
		names = append(names, s.Name)
		if s.Characteristics&(0x20000000|0x00000020) != 0 && s.Size > 0 {
			exec = true
		}
	}
	return fmt.Sprintf("%s\tpe\t%#x\t%#x\t%v\t%v\t%s\t%s", path, f.Machine, entry, exec, clr, strings.Join(names, ","), methods)
}

// methodDefs returns the row count of the CLR metadata's MethodDef table
// (ECMA-335 II.24.2: CLI header, metadata root, the #~ stream), or -1.
func methodDefs(f *pe.File) int {
	var dd pe.DataDirectory
	switch oh := f.OptionalHeader.(type) {
	case *pe.OptionalHeader32:
		dd = oh.DataDirectory[14]
	case *pe.OptionalHeader64:
		dd = oh.DataDirectory[14]
	}
	read := func(rva, n uint32) []byte {
		for _, s := range f.Sections {
			if rva >= s.VirtualAddress && rva+n <= s.VirtualAddress+max(s.VirtualSize, s.Size) {
				b := make([]byte, n)
				if _, err := s.ReadAt(b, int64(rva-s.VirtualAddress)); err != nil {
					return nil
				}
				return b
			}
		}
		return nil
	}
	cor := read(dd.VirtualAddress, 16)
	if cor == nil {
		return -1
	}
	mdRVA, mdSize := binary.LittleEndian.Uint32(cor[8:]), binary.LittleEndian.Uint32(cor[12:])
	md := read(mdRVA, mdSize)
	if len(md) < 20 || binary.LittleEndian.Uint32(md) != 0x424A5342 {
		return -1
	}
	vlen := binary.LittleEndian.Uint32(md[12:])
	off := 16 + int(vlen)
	if off+4 > len(md) {
		return -1
	}
	nstreams := int(binary.LittleEndian.Uint16(md[off+2:]))
	off += 4
	for i := 0; i < nstreams && off+8 < len(md); i++ {
		so, ss := binary.LittleEndian.Uint32(md[off:]), binary.LittleEndian.Uint32(md[off+4:])
		end := off + 8
		for end < len(md) && md[end] != 0 {
			end++
		}
		name := string(md[off+8 : end])
		off = (end + 4) &^ 3
		if name != "#~" && name != "#-" {
			continue
		}
		if int(so)+24 > len(md) || int(so+ss) > len(md) {
			return -1
		}
		t := md[so:]
		valid := binary.LittleEndian.Uint64(t[8:])
		if valid&(1<<6) == 0 {
			return 0
		}
		idx := 0
		for b := 0; b < 6; b++ {
			if valid&(1<<b) != 0 {
				idx++
			}
		}
		if 24+4*idx+4 > len(t) {
			return -1
		}
		return int(binary.LittleEndian.Uint32(t[24+4*idx:]))
	}
	return -1
}

func scan(path string, rules []detect.Rule) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return path + "\tERROR:" + err.Error() + "\t\t\t\t\t\t\t"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	f, err := frpe.Parse(ctx, b)
	if f == nil {
		return fmt.Sprintf("%s\tPARSE-ERROR:%v\t\t\t\t\t\t\t", path, err)
	}
	d, _ := detect.Run(ctx, f, rules)
	var comp, ver, rule string
	if d.Compiler != nil {
		comp, ver = d.Compiler.Name, d.Compiler.Version
		rule = fmt.Sprintf("%s/%d", d.Compiler.RuleID, d.Compiler.Confidence)
	}
	var packers []string
	for _, p := range d.Packers {
		packers = append(packers, p.Name+"("+p.RuleID+")")
	}
	inst := ""
	if d.Installer != nil {
		inst = d.Installer.Name
	}
	var others []string
	for _, fd := range d.Findings {
		if fd.Kind == detect.RuleCompiler && (d.Compiler == nil || fd.RuleID != d.Compiler.RuleID) {
			others = append(others, fmt.Sprintf("%s:%s/%d", fd.RuleID, fd.Language, fd.Confidence))
		}
	}
	clean := func(s string) string { return strings.NewReplacer("\t", " ", "\n", " ").Replace(s) }
	return strings.Join([]string{path, d.CodeLanguage, clean(comp), clean(ver), rule,
		fmt.Sprint(d.Packed), clean(strings.Join(packers, ";")), clean(inst), clean(strings.Join(others, ";"))}, "\t")
}

// markStrings are byte strings that tell a toolchain, searched in the whole
// file.
var markStrings = []struct{ name, s string }{
	{"Go pclntab 1.20+ magic", "\xf1\xff\xff\xff\x00\x00"},
	{"Go pclntab 1.18 magic", "\xf0\xff\xff\xff\x00\x00"},
	{"Go buildinfo", "\xff Go buildinf:"},
	{"Go build ID", "Go build ID:"},
	{"runtime.main", "runtime.main"},
	{"runtime.goexit", "runtime.goexit"},
	{"GCC ident", "GCC: (GNU)"},
	{"Mingw-w64 runtime", "Mingw-w64 runtime failure"},
	{"clang ident", "clang version"},
	{"/rustc/ path", "/rustc/"},
	{"Rust panic text", "panicked at"},
	{"GHC RTS", "GHC RTS"},
	{"ghc-", "ghc-"},
	{"HsFFI/hs_init", "hs_init"},
	{"zig", "zig"},
	{"FSharpSignature", "FSharpSignature"},
	{"FSharpOptimization", "FSharpOptimization"},
	{"CompilationMappingAttribute", "CompilationMappingAttribute"},
	{"Microsoft.VisualBasic", "Microsoft.VisualBasic"},
	{"mscoree _CorExeMain/_CorDllMain", "_Cor"},
	{"UPX!", "UPX!"},
}

func marks(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return path + "\t" + err.Error()
	}
	var note []string
	lfanew := uint32(0)
	if len(b) >= 64 {
		lfanew = binary.LittleEndian.Uint32(b[60:])
		note = append(note, fmt.Sprintf("e_lfanew=%#x", lfanew))
		if int(lfanew) <= len(b) && lfanew > 0x80 && strings.Contains(string(b[0x80:lfanew]), "Rich") {
			note = append(note, "Rich header")
		} else {
			note = append(note, "no Rich header")
		}
	}
	if f, err := pe.NewFile(strings.NewReader(string(b))); err == nil {
		switch oh := f.OptionalHeader.(type) {
		case *pe.OptionalHeader32:
			note = append(note, fmt.Sprintf("linker %d.%d", oh.MajorLinkerVersion, oh.MinorLinkerVersion))
		case *pe.OptionalHeader64:
			note = append(note, fmt.Sprintf("linker %d.%d", oh.MajorLinkerVersion, oh.MinorLinkerVersion))
		}
		var names []string
		for _, s := range f.Sections {
			names = append(names, s.Name)
		}
		note = append(note, "sections "+strings.Join(names, ","))
		if syms, err := f.ImportedSymbols(); err == nil {
			// "func:dll"; debug/pe's ImportedLibraries returns nothing for PE
			var libs []string
			seen := map[string]bool{}
			for _, s := range syms {
				if _, dll, ok := strings.Cut(s, ":"); ok && !seen[strings.ToLower(dll)] {
					seen[strings.ToLower(dll)] = true
					libs = append(libs, strings.ToLower(dll))
				}
			}
			if len(libs) > 6 {
				libs = append(libs[:6], "...")
			}
			note = append(note, fmt.Sprintf("imports %d from %s", len(syms), strings.Join(libs, ",")))
		}
		f.Close()
	}
	var found []string
	for _, m := range markStrings {
		if strings.Contains(string(b), m.s) {
			found = append(found, m.name)
		}
	}
	if len(found) == 0 {
		found = []string{"none"}
	}
	note = append(note, "strings: "+strings.Join(found, ", "))
	return path + "\t" + strings.Join(note, "; ")
}
