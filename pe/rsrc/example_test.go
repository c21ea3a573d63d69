package rsrc_test

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/filerep/filerep/pe/rsrc"
)

// mustHex decodes the example resources below, which were produced by the
// package's test encoders.
func mustHex(s string) []byte {
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		panic(err)
	}
	return b
}

// An RT_VERSION resource with an en-US and a ru-RU StringTable.
const versionHex = `
c80134000000560053005f00560045005200530049004f004e005f0049004e0046004f0000000000bd04effe
00000100010006000140b01d010006000140b01d3f0000000000000004000400010000000000000000000000
0000000022010000010053007400720069006e006700460069006c00650049006e0066006f000000a4000000
01003000340030003900300034004200300000004c001600010043006f006d00700061006e0079004e006100
6d006500000000004d006900630072006f0073006f0066007400200043006f00720070006f00720061007400
69006f006e00000040000c0001004f0072006900670069006e0061006c00460069006c0065006e0061006d00
6500000041004c0047002e006500780065002e006d007500690000005a000000010030003400310039003000
340042003000000042000d000100460069006c0065004400650073006300720069007000740069006f006e00
0000000021043b044304360431043004200048043b044e043704300400000000480000000100560061007200
460069006c00650049006e0066006f00000000002800080000005400720061006e0073006c00610074006900
6f006e00000000000904b0041904b004`

func ExampleParseVersionInfo() {
	v, err := rsrc.ParseVersionInfo(mustHex(versionHex))
	if err != nil {
		fmt.Println("partial:", err) // v still holds what could be read
	}
	fmt.Println("file version:", v.Fixed.FileVersion, v.Fixed.TypeName())
	for _, t := range v.Tables {
		fmt.Println(t.LangCodepage, t.Language)
		for _, p := range t.Strings {
			fmt.Printf("  %s = %s\n", p.Key, p.Value)
		}
	}
	name, _ := v.Get("OriginalFilename") // first table, as report.md's primary strings
	fmt.Println("original name:", name)
	for _, tr := range v.Translations {
		fmt.Println("translation:", tr.LangCodepage(), tr.Language)
	}
	fmt.Println("anomalies:", len(v.Anomalies))
	// Output:
	// file version: 6.1.7600.16385 app
	// 040904b0 en-US
	//   CompanyName = Microsoft Corporation
	//   OriginalFilename = ALG.exe.mui
	// 041904b0 ru-RU
	//   FileDescription = Служба шлюза
	// original name: ALG.exe.mui
	// translation: 040904b0 en-US
	// translation: 041904b0 ru-RU
	// anomalies: 0
}

// A zero-length StringTable (the input that sends saferwall/pe into an
// endless loop) is read to its parent's end and reported as an anomaly.
func ExampleParseVersionInfo_anomalies() {
	b := mustHex(versionHex)
	b[0x80], b[0x81] = 0, 0 // wLength of the first StringTable
	v, err := rsrc.ParseVersionInfo(b)
	fmt.Println("error:", err)
	for _, a := range v.Anomalies {
		fmt.Println(a.Code)
	}
	fmt.Println(len(v.Tables), "tables,", len(v.Tables[0].Strings)+len(v.Tables[1].Strings), "strings")
	// Output:
	// error: <nil>
	// version/length-too-small
	// 2 tables, 3 strings
}

// The RC Config of a .mui satellite (shell32.dll.mui as muirct documents it).
const muiHex = `
cdfecdfec80000000000010000000000120000000001000000000000000000000000000000000000
00000000000000000000000000000000000000000000000000000000000000000000000000000000
00000000880000000c000000980000002000000000000000000000000000000000000000b8000000
0c0000000000000000000000000000004d0055004900000000000000000000000200000003000000
040000000500000006000000090000000e0000001000000065006e002d0055005300000000000000`

func ExampleParseMUI() {
	m, err := rsrc.ParseMUI(mustHex(muiHex))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.FileType, m.FileTypeID)
	fmt.Println("language:", m.Language)
	fmt.Println("types:", m.MainTypeNames, m.MainTypeIDs)
	fmt.Println("LN file looks for:", rsrc.SatellitePath("shell32.dll", m.Language))
	// Output:
	// language-specific 18
	// language: en-US
	// types: [MUI] [2 3 4 5 6 9 14 16]
	// LN file looks for: en-US\shell32.dll.mui
}

func ExampleParseStringBlock() {
	// Block 8 holds string IDs 112–127; slot 0 is ID 112.
	block := []byte{4, 0, 'A', 0, 'L', 0, 'G', 0, '!', 0, 3, 0, 'A', 0, 0x00, 0x4E, 'B', 0}
	block = append(block, make([]byte, 2*14)...) // 14 empty slots
	entries, err := rsrc.ParseStringBlock(block, 8)
	if err != nil {
		fmt.Println(err)
	}
	for _, e := range entries {
		fmt.Println(e.ID, e.Value)
	}
	// Output:
	// 112 ALG!
	// 113 A一B
}

func ExampleParseStringBlock_truncated() {
	_, err := rsrc.ParseStringBlock([]byte{9, 0, 'x', 0}, 1)
	fmt.Println(err)
	fmt.Println(errors.Is(err, rsrc.ErrTruncated))
	// Output:
	// rsrc: string table truncated at 0x0
	// true
}

func ExampleParseMessageTable() {
	const table = `010000000100000002000000100000004400010054006800650020007300650072007600690063006500200064006900640020006e006f007400200072006500730070006f006e0064002e000d000a000000000010000000436166e92025310d0a000000`
	msgs, err := rsrc.ParseMessageTable(mustHex(table))
	if err != nil {
		fmt.Println(err)
	}
	for _, m := range msgs {
		fmt.Printf("%#x %q\n", m.ID, m.Text) // CR/LF kept as stored
	}
	// Output:
	// 0x1 "The service did not respond.\r\n"
	// 0x2 "Café %1\r\n"
}

func ExampleParseIndirectString() {
	r, err := rsrc.ParseIndirectString(`@%SystemRoot%\system32\alg.exe,-112`)
	if err != nil {
		fmt.Println(err)
		return
	}
	path, _ := r.Expand(map[string]string{"SystemRoot": `C:\Windows`})
	block, slot := r.StringBlock()
	fmt.Println(path)
	fmt.Printf("string %d: RT_STRING block %d, slot %d\n", r.ID, block, slot)

	_, err = rsrc.ParseIndirectString("Application Layer Gateway Service")
	fmt.Println(errors.Is(err, rsrc.ErrNotIndirect))
	_, err = rsrc.ParseIndirectString("@alg.exe")
	fmt.Println(err)
	// Output:
	// C:\Windows\system32\alg.exe
	// string 112: RT_STRING block 8, slot 0
	// true
	// rsrc: indirect string has no ',-<id>' reference at 0x8
}

func ExampleLanguageTag() {
	for _, id := range []uint16{0x0409, 0x040C, 0x0419, 0x0411, 0x0804, 0x0404, 0x0000} {
		fmt.Printf("%04x %q\n", id, rsrc.LanguageTag(id))
	}
	id, ok := rsrc.LangID("pt-BR")
	fmt.Printf("%04x %v\n", id, ok)
	// Output:
	// 0409 "en-US"
	// 040c "fr-FR"
	// 0419 "ru-RU"
	// 0411 "ja-JP"
	// 0804 "zh-CN"
	// 0404 "zh-TW"
	// 0000 ""
	// 0416 true
}

func ExampleFallbackChain() {
	fmt.Println(rsrc.FallbackChain("fr-CA", "en-US"))
	fmt.Println(rsrc.FallbackChain("zh-HK", "en-US"))
	// Output:
	// [fr-CA fr en-US]
	// [zh-HK zh-Hant zh en-US]
}

func ExampleDecodeUTF16() {
	fmt.Println(rsrc.DecodeUTF16([]byte{0x41, 0x00, 0x00, 0x4E, 0x42, 0x00, 0x3D, 0xD8, 0x00, 0xDE, 0, 0, 'x', 0}))
	// Output: A一B😀
}
