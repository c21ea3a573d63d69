//go:build ignore

// genmui.go writes the binary "MUI" resource (the RC Config described in
// the project's shared/docs/formats.md §1) that build.sh links into the
// language-neutral sample pe/mui/app.exe and its .mui satellites. Windows'
// rc/muirct make this blob; on Linux nothing does, so it is generated here
// and included with `1 MUI "file.bin"`.
//
// Layout (little-endian, offsets from the blob start):
//
//	0x00 signature 0xFECDFECD      0x04 total length
//	0x08 version 0x00010000        0x0C path type (0)
//	0x10 file type (0x11 LN, 0x12 .mui)
//	0x14 system attributes         0x18 ultimate fallback location
//	                               (LN: 1 internal, 2 external; .mui: 0)
//	0x1C service checksum [16]     0x2C checksum [16]
//	0x3C 24 reserved bytes (0)
//	0x54 main name types  offset, length   0x5C main ID types offset, length
//	0x64 MUI name types   offset, length   0x6C MUI ID types  offset, length
//	0x74 language         offset, length   0x7C ultimate fallback language
//
// The fixed header is 0x84 bytes; the variable data starts at 0x88, and each
// block is padded to a multiple of 8. A list of type names is UTF-16LE
// strings each ending in NUL, followed by three more NUL characters (the
// stored length counts them, the padding is not counted); an ID list is
// DWORDs; a language is a NUL-terminated UTF-16LE string (length in bytes,
// NUL included). This rule gives the sizes of Microsoft's muirct sample
// (shell32 LN 0x148, shell32.dll.mui 0xC8).
//
// The checksums are MD5 over UTF-16LE text, as the documented intent says
// (main: file name and major.minor version; service: the same plus a tag),
// so an LN file and its satellites carry the same values and a satellite
// made for another version does not:
//
//	checksum         = MD5(UTF-16LE("<name>|<major.minor>"))
//	service checksum = MD5(UTF-16LE("<name>|<major.minor>|service"))
//
// Usage:
//
//	go run genmui.go -kind ln  -name app.exe -version 1.0 -fallback en-US \
//	    -main-names MUI -main-ids 16 -mui-names MUI -mui-ids 6,11,16 -o ln.bin
//	go run genmui.go -kind mui -name app.exe -version 1.0 -lang fr-FR \
//	    -main-names MUI -main-ids 6,11,16 -o fr-FR.bin
package main

import (
	"crypto/md5"
	"encoding/binary"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"unicode/utf16"
)

const headerEnd = 0x88 // 0x84-byte header padded to 8

func utf16le(s string) []byte {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 2*len(u))
	for i, c := range u {
		binary.LittleEndian.PutUint16(b[2*i:], c)
	}
	return b
}

func names(list string) []byte {
	if list == "" {
		return nil
	}
	var b []byte
	for _, n := range strings.Split(list, ",") {
		b = append(b, utf16le(n)...)
		b = append(b, 0, 0)
	}
	return append(b, 0, 0, 0, 0, 0, 0)
}

func ids(list string) ([]byte, error) {
	if list == "" {
		return nil, nil
	}
	var b []byte
	for _, s := range strings.Split(list, ",") {
		v, err := strconv.ParseUint(s, 0, 32)
		if err != nil {
			return nil, err
		}
		b = binary.LittleEndian.AppendUint32(b, uint32(v))
	}
	return b, nil
}

func lang(s string) []byte {
	if s == "" {
		return nil
	}
	return append(utf16le(s), 0, 0)
}

func main() {
	kind := flag.String("kind", "ln", "ln (language-neutral file, type 0x11) or mui (satellite, type 0x12)")
	name := flag.String("name", "app.exe", "file name of the LN file (case-sensitive), for the checksums")
	version := flag.String("version", "1.0", "major.minor version, for the checksums")
	language := flag.String("lang", "", "language of a .mui satellite, e.g. fr-FR")
	fallback := flag.String("fallback", "", "ultimate fallback language of an LN file, e.g. en-US")
	location := flag.Uint("location", 2, "LN ultimate fallback location: 1 internal, 2 external")
	sysattr := flag.Uint("sysattr", 0, "system attributes (0x100 on Windows system files)")
	mainNames := flag.String("main-names", "", "comma-separated named types in this file")
	mainIDs := flag.String("main-ids", "", "comma-separated numeric types in this file")
	muiNames := flag.String("mui-names", "", "LN only: named types that live in the .mui files")
	muiIDs := flag.String("mui-ids", "", "LN only: numeric types that live in the .mui files")
	out := flag.String("o", "", "output file")
	flag.Parse()
	if *out == "" || (*kind != "ln" && *kind != "mui") {
		flag.Usage()
		os.Exit(2)
	}

	fileType, loc := uint32(0x11), uint32(*location)
	if *kind == "mui" {
		fileType, loc = 0x12, 0
	}
	mi, err := ids(*mainIDs)
	if err == nil {
		var ui []byte
		ui, err = ids(*muiIDs)
		if err == nil {
			blocks := [][]byte{names(*mainNames), mi, names(*muiNames), ui, lang(*language), lang(*fallback)}
			err = os.WriteFile(*out, build(fileType, uint32(*sysattr), loc, *name, *version, blocks), 0o644)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "genmui:", err)
		os.Exit(1)
	}
}

func build(fileType, sysattr, loc uint32, name, version string, blocks [][]byte) []byte {
	b := make([]byte, headerEnd)
	le := binary.LittleEndian
	le.PutUint32(b[0x00:], 0xFECDFECD)
	le.PutUint32(b[0x08:], 0x00010000)
	le.PutUint32(b[0x10:], fileType)
	le.PutUint32(b[0x14:], sysattr)
	le.PutUint32(b[0x18:], loc)
	svc := md5.Sum(utf16le(name + "|" + version + "|service"))
	sum := md5.Sum(utf16le(name + "|" + version))
	copy(b[0x1C:], svc[:])
	copy(b[0x2C:], sum[:])
	for i, blk := range blocks {
		if len(blk) == 0 {
			continue
		}
		le.PutUint32(b[0x54+8*i:], uint32(len(b)))
		le.PutUint32(b[0x58+8*i:], uint32(len(blk)))
		b = append(b, blk...)
		for len(b)%8 != 0 {
			b = append(b, 0)
		}
	}
	le.PutUint32(b[0x04:], uint32(len(b)))
	return b
}
