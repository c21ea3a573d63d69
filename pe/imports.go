package pe

import (
	"crypto/md5"
	"encoding/hex"
	"strings"
)

// Imphash returns the import hash (Mandiant's imphash) with the value
// pefile's get_imphash() gives: the MD5 of "dll.function" pairs in import
// order, lower case, joined by commas, where the DLL name loses only a
// final ".dll", ".ocx" or ".sys", and a function imported by ordinal is
// named from pefile's tables for ws2_32, wsock32 and oleaut32 or else
// "ordN". A file without imports gives "".
func (f *File) Imphash() string {
	if len(f.Imports) == 0 {
		return ""
	}
	var sb strings.Builder
	n := 0
	for _, imp := range f.Imports {
		lib := strings.ToLower(imp.DLL)
		if i := strings.LastIndexByte(lib, '.'); i >= 0 {
			switch lib[i+1:] {
			case "dll", "ocx", "sys":
				lib = lib[:i]
			}
		}
		for _, fn := range imp.Functions {
			name := fn.Name
			if fn.ByOrdinal || name == "" {
				name = ordinalName(imp.DLL, fn.Ordinal)
			}
			if name == "" {
				continue
			}
			if n > 0 {
				sb.WriteByte(',')
			}
			sb.WriteString(lib)
			sb.WriteByte('.')
			sb.WriteString(strings.ToLower(name))
			n++
		}
	}
	sum := md5.Sum([]byte(sb.String()))
	return hex.EncodeToString(sum[:])
}

// ImportCount returns the number of imported DLLs and functions.
func (f *File) ImportCount() (dlls, functions int) {
	for _, imp := range f.Imports {
		functions += len(imp.Functions)
	}
	return len(f.Imports), functions
}
