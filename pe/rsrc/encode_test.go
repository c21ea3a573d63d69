package rsrc

// Test-only encoders: they build resource payloads byte by byte, so tests
// can state exactly what is in the input and break it on purpose.

import (
	"encoding/binary"
	"unicode/utf16"
)

func le16(b []byte, v uint16) []byte { return binary.LittleEndian.AppendUint16(b, v) }
func le32(b []byte, v uint32) []byte { return binary.LittleEndian.AppendUint32(b, v) }

// utf16le encodes s as UTF-16LE without a terminator.
func utf16le(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = le16(b, u)
	}
	return b
}

// utf16z encodes s as UTF-16LE with a NUL terminator.
func utf16zTest(s string) []byte { return append(utf16le(s), 0, 0) }

func pad4(b []byte, base int) []byte {
	for (base+len(b))%4 != 0 {
		b = append(b, 0)
	}
	return b
}

// vsNode is one VS_VERSIONINFO node to encode. Zero overrides mean "write
// the correct value".
type vsNode struct {
	key      string
	typ      uint16
	value    []byte
	children []*vsNode

	setLength      bool
	length         uint16 // wLength override
	setValueLength bool
	valueLength    uint16 // wValueLength override
	noKeyPad       bool   // omit padding between key and value
	noChildPad     bool   // omit padding before children
	extraPad       int    // zero bytes inserted before each child (after alignment)
}

// encode writes the node as if it started at absolute offset base.
func (n *vsNode) encode(base int) []byte {
	b := make([]byte, 6)
	b = append(b, utf16zTest(n.key)...)
	if !n.noKeyPad {
		b = pad4(b, base)
	}
	b = append(b, n.value...)
	for _, c := range n.children {
		if !n.noChildPad {
			b = pad4(b, base)
		}
		b = append(b, make([]byte, n.extraPad)...)
		b = append(b, c.encode(base+len(b))...)
	}
	l := uint16(len(b))
	if n.setLength {
		l = n.length
	}
	vl := uint16(len(n.value))
	if n.typ == 1 {
		vl /= 2
	}
	if n.setValueLength {
		vl = n.valueLength
	}
	binary.LittleEndian.PutUint16(b[0:], l)
	binary.LittleEndian.PutUint16(b[2:], vl)
	binary.LittleEndian.PutUint16(b[4:], n.typ)
	return b
}

// Node constructors.

func vsString(key, val string) *vsNode {
	return &vsNode{key: key, typ: 1, value: utf16zTest(val)}
}

func vsTable(key string, strs ...*vsNode) *vsNode {
	return &vsNode{key: key, typ: 1, children: strs}
}

func vsStringFileInfo(tables ...*vsNode) *vsNode {
	return &vsNode{key: "StringFileInfo", typ: 1, children: tables}
}

func vsVarFileInfo(vars ...*vsNode) *vsNode {
	return &vsNode{key: "VarFileInfo", typ: 1, children: vars}
}

func vsTranslation(pairs ...uint16) *vsNode {
	var v []byte
	for _, p := range pairs {
		v = le16(v, p)
	}
	return &vsNode{key: "Translation", typ: 0, value: v}
}

func vsRoot(fixed []byte, children ...*vsNode) *vsNode {
	return &vsNode{key: "VS_VERSION_INFO", typ: 0, value: fixed, children: children}
}

// fixedInfo encodes a VS_FIXEDFILEINFO.
func fixedInfo(fileMS, fileLS, prodMS, prodLS, flagsMask, flags, os, typ, subtype uint32) []byte {
	var b []byte
	for _, v := range []uint32{vsFixedFileInfoSignature, 0x00010000, fileMS, fileLS, prodMS, prodLS,
		flagsMask, flags, os, typ, subtype, 0, 0} {
		b = le32(b, v)
	}
	return b
}

func ver(a, b uint32) uint32 { return a<<16 | b }

// algStrings are alg.exe's version strings as the seed report shows them.
func algStrings() []*vsNode {
	return []*vsNode{
		vsString("CompanyName", "Microsoft Corporation"),
		vsString("FileDescription", "Application Layer Gateway Service"),
		vsString("FileVersion", "6.1.7600.16385 (win7_rtm.090713-1255)"),
		vsString("InternalName", "ALG.exe"),
		vsString("LegalCopyright", "© Microsoft Corporation. All rights reserved."),
		vsString("OriginalFilename", "ALG.exe.mui"),
		vsString("ProductName", "Microsoft® Windows® Operating System"),
		vsString("ProductVersion", "6.1.7600.16385"),
	}
}

// algVersion returns a realistic RT_VERSION tree like alg.exe's.
func algVersion() *vsNode {
	return vsRoot(
		fixedInfo(ver(6, 1), ver(7600, 16385), ver(6, 1), ver(7600, 16385), 0x3F, 0, VOS_NT_WINDOWS32, VFT_APP, 0),
		vsStringFileInfo(vsTable("040904B0", algStrings()...)),
		vsVarFileInfo(vsTranslation(0x0409, 1200)),
	)
}

func algVersionBlob() []byte { return algVersion().encode(0) }

// muiSpec describes a MUI RC Config to encode the way rc/muirct lay it
// out: header 0x84 bytes, data from 0x88, each block padded to 8; name
// lists are MULTI_SZ plus two extra NUL units.
type muiSpec struct {
	fileType, pathType, sysAttr, fallbackLoc uint32
	serviceSum, sum                          [16]byte
	mainNames                                []string
	mainIDs                                  []uint32
	muiNames                                 []string
	muiIDs                                   []uint32
	lang, fallbackLang                       string
}

func (s muiSpec) encode() []byte {
	b := make([]byte, 0x88)
	var fields [6][2]uint32
	add := func(i int, data []byte) {
		if len(data) == 0 {
			return
		}
		fields[i] = [2]uint32{uint32(len(b)), uint32(len(data))}
		b = append(b, data...)
		for len(b)%8 != 0 {
			b = append(b, 0)
		}
	}
	names := func(list []string) []byte {
		if len(list) == 0 {
			return nil
		}
		var d []byte
		for _, n := range list {
			d = append(d, utf16zTest(n)...)
		}
		return append(d, 0, 0, 0, 0)
	}
	ids := func(list []uint32) []byte {
		var d []byte
		for _, v := range list {
			d = le32(d, v)
		}
		return d
	}
	str := func(v string) []byte {
		if v == "" {
			return nil
		}
		return utf16zTest(v)
	}
	add(0, names(s.mainNames))
	add(1, ids(s.mainIDs))
	add(2, names(s.muiNames))
	add(3, ids(s.muiIDs))
	add(4, str(s.lang))
	add(5, str(s.fallbackLang))

	var h []byte
	h = le32(h, muiSignature)
	h = le32(h, uint32(len(b)))
	h = le32(h, muiVersion)
	h = le32(h, s.pathType)
	h = le32(h, s.fileType)
	h = le32(h, s.sysAttr)
	h = le32(h, s.fallbackLoc)
	h = append(h, s.serviceSum[:]...)
	h = append(h, s.sum[:]...)
	h = append(h, make([]byte, 24)...)
	for _, f := range fields {
		h = le32(h, f[0])
		h = le32(h, f[1])
	}
	copy(b, h) // len(h) is 0x84
	return b
}

func seq16(start byte) (a [16]byte) {
	for i := range a {
		a[i] = start + byte(i)
	}
	return a
}

// shell32LN and shell32MUI are the muirct -d samples from Microsoft's
// resource-utilities documentation (formats.md §1).
func shell32LN() muiSpec {
	return muiSpec{
		fileType: 0x11, sysAttr: 0x100, fallbackLoc: 2,
		serviceSum: seq16(0x10), sum: seq16(0xA0),
		mainNames:    []string{"AVI", "FTR", "ORDERSTREAM", "TYPELIB", "UIFILE", "XML", "MUI"},
		mainIDs:      []uint32{1, 2, 3, 12, 14, 16, 24},
		muiNames:     []string{"MUI"},
		muiIDs:       []uint32{2, 3, 4, 5, 6, 9, 14, 16},
		fallbackLang: "en-US",
	}
}

func shell32MUI() muiSpec {
	return muiSpec{
		fileType: 0x12, sysAttr: 0x100,
		serviceSum: seq16(0x10), sum: seq16(0xA0),
		mainNames: []string{"MUI"},
		mainIDs:   []uint32{2, 3, 4, 5, 6, 9, 14, 16},
		lang:      "en-US",
	}
}

// stringBlock encodes an RT_STRING block; withNUL appends a NUL to each
// non-empty string and counts it, as rc /n does.
func stringBlock(strs [16]string, withNUL bool) []byte {
	var b []byte
	for _, s := range strs {
		u := utf16le(s)
		if withNUL && s != "" {
			u = append(u, 0, 0)
		}
		b = le16(b, uint16(len(u)/2))
		b = append(b, u...)
	}
	return b
}

type msgSpec struct {
	flags uint16
	text  []byte // encoded text without terminator
}

type msgBlock struct {
	low, high uint32
	msgs      []msgSpec
}

func ansiMsg(b ...byte) msgSpec   { return msgSpec{flags: MessageANSI, text: b} }
func unicodeMsg(s string) msgSpec { return msgSpec{flags: MessageUnicode, text: utf16le(s)} }
func utf8Msg(s string) msgSpec    { return msgSpec{flags: MessageUTF8, text: []byte(s)} }

// messageTable encodes MESSAGE_RESOURCE_DATA as mc does: blocks, then each
// block's entries, text NUL-terminated and padded to 4.
func messageTable(blocks ...msgBlock) []byte {
	var entries []byte
	base := 4 + 12*len(blocks)
	var hdr []byte
	hdr = le32(hdr, uint32(len(blocks)))
	for _, bl := range blocks {
		hdr = le32(hdr, bl.low)
		hdr = le32(hdr, bl.high)
		hdr = le32(hdr, uint32(base+len(entries)))
		for _, m := range bl.msgs {
			t := append([]byte{}, m.text...)
			if m.flags == MessageUnicode {
				t = append(t, 0, 0)
			} else {
				t = append(t, 0)
			}
			for (4+len(t))%4 != 0 {
				t = append(t, 0)
			}
			entries = le16(entries, uint16(4+len(t)))
			entries = le16(entries, m.flags)
			entries = append(entries, t...)
		}
	}
	return append(hdr, entries...)
}
