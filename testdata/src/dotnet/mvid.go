//go:build ignore

// mvid.go makes a mono mcs assembly reproducible: mcs writes a random module
// version id (MVID) on every run, and nothing else in its output changes
// (its PE TimeDateStamp is already 0). This program replaces the first GUID of
// the #GUID metadata heap (the Module table's Mvid, index 1 in mcs output)
// with a name-based GUID: the first 16 bytes of SHA-256 over the file with
// that GUID zeroed, marked as version 5 / RFC 4122 variant. ilasm also
// stamps the COFF header's TimeDateStamp with the build time; it is set to
// 0, as mcs leaves it.
//
// Usage: go run mvid.go FILE...
package main

import (
	"bytes"
	"crypto/sha256"
	"debug/pe"
	"encoding/binary"
	"fmt"
	"os"
)

func main() {
	for _, name := range os.Args[1:] {
		if err := fix(name); err != nil {
			fmt.Fprintln(os.Stderr, "mvid:", name+":", err)
			os.Exit(1)
		}
	}
}

func fix(name string) error {
	b, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	f, err := pe.NewFile(bytes.NewReader(b))
	if err != nil {
		return err
	}
	// COFF header: "PE\0\0" at e_lfanew, then Machine, NumberOfSections,
	// TimeDateStamp.
	coff := int(binary.LittleEndian.Uint32(b[0x3c:])) + 4
	clear(b[coff+4 : coff+8])
	var clr pe.DataDirectory
	switch oh := f.OptionalHeader.(type) {
	case *pe.OptionalHeader32:
		clr = oh.DataDirectory[pe.IMAGE_DIRECTORY_ENTRY_COM_DESCRIPTOR]
	case *pe.OptionalHeader64:
		clr = oh.DataDirectory[pe.IMAGE_DIRECTORY_ENTRY_COM_DESCRIPTOR]
	}
	if clr.VirtualAddress == 0 {
		return fmt.Errorf("no CLR header")
	}
	off := func(rva uint32) (int, error) {
		for _, s := range f.Sections {
			if rva >= s.VirtualAddress && rva < s.VirtualAddress+s.Size {
				return int(rva - s.VirtualAddress + s.Offset), nil
			}
		}
		return 0, fmt.Errorf("rva %#x not in a section", rva)
	}
	cor, err := off(clr.VirtualAddress)
	if err != nil {
		return err
	}
	// IMAGE_COR20_HEADER: cb, runtime version, then MetaData {rva, size}.
	md, err := off(binary.LittleEndian.Uint32(b[cor+8:]))
	if err != nil {
		return err
	}
	if binary.LittleEndian.Uint32(b[md:]) != 0x424A5342 { // "BSJB"
		return fmt.Errorf("no metadata signature")
	}
	verLen := int(binary.LittleEndian.Uint32(b[md+12:]))
	p := md + 16 + verLen + 2 // skip version string and flags
	n := int(binary.LittleEndian.Uint16(b[p:]))
	p += 2
	for i := 0; i < n; i++ {
		soff := int(binary.LittleEndian.Uint32(b[p:]))
		ssize := int(binary.LittleEndian.Uint32(b[p+4:]))
		end := bytes.IndexByte(b[p+8:], 0)
		sname := string(b[p+8 : p+8+end])
		p += 8 + (end+4)&^3
		if sname != "#GUID" {
			continue
		}
		if ssize < 16 {
			return fmt.Errorf("#GUID heap too small")
		}
		g := b[md+soff : md+soff+16]
		clear(g)
		sum := sha256.Sum256(b)
		copy(g, sum[:16])
		g[7] = g[7]&0x0F | 0x50 // version 5 (Data3 is little-endian)
		g[8] = g[8]&0x3F | 0x80 // RFC 4122 variant
		return os.WriteFile(name, b, 0o644)
	}
	return fmt.Errorf("no #GUID stream")
}
