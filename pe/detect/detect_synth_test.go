package detect

// A builder of minimal SYNTHETIC PE images for the detection rules that no
// toolchain here can exercise (MSVC, Delphi, VB6, Rust, other packers and
// installers: testdata/README.md "What could not be built here"). Each
// image carries exactly the evidence its rule reads and is valid enough for
// Parse: DOS header, optional Rich header, PE headers, sections, and when
// asked an import directory, a resource tree, a CLR header with metadata,
// and an overlay.

import (
	"encoding/binary"
	"math/bits"
	"unicode/utf16"

	"github.com/filerep/filerep/pe"
)

// synthSection is one section of a synthetic image.
type synthSection struct {
	name  string
	chars uint32
	data  []byte
	vsize uint32 // 0: the data's length (at least 1)
}

// synthRes is one resource leaf; a type or name is a string when its Name
// is set.
type synthRes struct {
	typ, name pe.ResourceID
	data      []byte
}

// synthCLR describes a CLR header and minimal metadata (#~ with an
// AssemblyRef table, #Strings).
type synthCLR struct {
	flags   uint32
	version string
	refs    []string
	names   []string // more #Strings entries (type and member names)
	methods int      // MethodDef rows (zero-filled, 14 bytes each)
}

// synthImport is one imported DLL.
type synthImport struct {
	dll   string
	funcs []string
}

// synthPE describes a synthetic image.
type synthPE struct {
	is64      bool
	subsystem uint16
	dll       bool
	linker    [2]byte
	imageBase uint64
	stub      []byte // DOS stub after the 64-byte header; nil: Microsoft's
	lld       bool   // lld-link's compact DOS header (e_lfanew 0x78, no stub text)
	header    func(h []byte)

	rich         []pe.RichEntry
	richBadCheck bool

	sections []synthSection
	entry    int    // index of the section holding the entry point; -1: none
	entryOff uint32 // offset of the entry point in that section

	imports   []synthImport
	resources []synthRes
	clr       *synthCLR
	overlay   []byte
}

const (
	synthFileAlign = 0x200
	synthSectAlign = 0x1000
)

func alignUp(v, a int) int { return (v + a - 1) &^ (a - 1) }

var msDOSStub = append([]byte{0x0e, 0x1f, 0xba, 0x0e, 0x00, 0xb4, 0x09, 0xcd, 0x21, 0xb8, 0x01, 0x4c, 0xcd, 0x21},
	[]byte("This program cannot be run in DOS mode.\r\r\n$\x00\x00\x00\x00\x00\x00\x00")...)

// newSynth returns a 32-bit console image with one code section holding
// code at the entry point.
func newSynth() *synthPE {
	return &synthPE{
		subsystem: 3, linker: [2]byte{14, 29}, imageBase: 0x400000,
		sections: []synthSection{{name: ".text", chars: 0x60000020, data: append([]byte{0x55, 0x8b, 0xec}, make([]byte, 509)...)}},
		entry:    0,
	}
}

func le16(b []byte, off int, v uint16) { binary.LittleEndian.PutUint16(b[off:], v) }
func le32(b []byte, off int, v uint32) { binary.LittleEndian.PutUint32(b[off:], v) }
func le64(b []byte, off int, v uint64) { binary.LittleEndian.PutUint64(b[off:], v) }

// build lays the image out and returns its bytes.
func (p *synthPE) build() []byte {
	secs := append([]synthSection(nil), p.sections...)
	// Generated sections get their content once their RVA is known; their
	// sizes do not depend on it.
	type gen struct {
		idx  int
		make func(rva uint32) []byte
	}
	var gens []gen
	ptr := 4
	if p.is64 {
		ptr = 8
	}
	var impRVA, impSize, resRVA, resSize, clrRVA uint32
	if len(p.imports) > 0 {
		size := len(buildImports(p.imports, 0, ptr))
		secs = append(secs, synthSection{name: ".idata", chars: 0xC0000040, data: make([]byte, size)})
		gens = append(gens, gen{len(secs) - 1, func(rva uint32) []byte {
			impRVA, impSize = rva, uint32(20*(len(p.imports)+1))
			return buildImports(p.imports, rva, ptr)
		}})
	}
	if len(p.resources) > 0 {
		size := len(buildResources(p.resources, 0))
		secs = append(secs, synthSection{name: ".rsrc", chars: 0x40000040, data: make([]byte, size)})
		gens = append(gens, gen{len(secs) - 1, func(rva uint32) []byte {
			b := buildResources(p.resources, rva)
			resRVA, resSize = rva, uint32(len(b))
			return b
		}})
	}
	if p.clr != nil {
		size := len(buildCLR(p.clr, 0))
		secs = append(secs, synthSection{name: ".clr", chars: 0x60000020, data: make([]byte, size)})
		gens = append(gens, gen{len(secs) - 1, func(rva uint32) []byte { clrRVA = rva; return buildCLR(p.clr, rva) }})
	}

	// Headers.
	stub := p.stub
	if stub == nil {
		stub = msDOSStub
	}
	lfanew := 0x40 + len(stub)
	var rich []byte
	if len(p.rich) > 0 {
		lfanew = alignUp(lfanew, 16)
		richOff := lfanew
		rich = make([]byte, 16+8*len(p.rich)+8)
		lfanew = alignUp(richOff+len(rich), 8)
		_ = richOff
	} else {
		lfanew = alignUp(lfanew, 8)
	}
	if p.lld {
		stub = msDOSStub[:56]
		lfanew = 0x78
	}
	optSize := 224
	if p.is64 {
		optSize = 240
	}
	hdrEnd := lfanew + 24 + optSize + 40*len(secs)
	sizeOfHeaders := alignUp(hdrEnd, synthFileAlign)

	// Section placement.
	type placed struct {
		va, raw, rawSize, vsize int
	}
	pl := make([]placed, len(secs))
	va, raw := synthSectAlign, sizeOfHeaders
	for i, s := range secs {
		n := len(s.data)
		vs := int(s.vsize)
		if vs == 0 {
			vs = max(n, 1)
		}
		rs := alignUp(n, synthFileAlign)
		pl[i] = placed{va: va, raw: raw, rawSize: rs, vsize: vs}
		if rs == 0 {
			pl[i].raw = 0
		}
		va += alignUp(max(vs, rs, 1), synthSectAlign)
		raw += rs
	}
	for _, g := range gens {
		secs[g.idx].data = g.make(uint32(pl[g.idx].va))
	}
	sizeOfImage := va
	out := make([]byte, raw)

	// DOS header and stub.
	copy(out, "MZ")
	le16(out, 2, 0x90)
	le16(out, 4, 3)
	le16(out, 8, 4)
	le16(out, 0x18, 0x40)
	copy(out[0x40:], stub)
	if p.lld {
		le16(out, 2, 0x78)
		le16(out, 4, 1)
	}
	le32(out, 0x3c, uint32(lfanew))
	if len(p.rich) > 0 {
		dans := alignUp(0x40+len(stub), 16)
		// clear data: DanS, 3 zero pads, entries; then "Rich", key
		clear := make([]byte, 16+8*len(p.rich))
		copy(clear, "DanS")
		for i, e := range p.rich {
			le32(clear, 16+8*i, uint32(e.ProductID)<<16|uint32(e.Build))
			le32(clear, 20+8*i, e.Count)
		}
		key := richChecksum(out, dans, p.rich)
		if p.richBadCheck {
			key ^= 0x1234
		}
		for i := 0; i < len(clear); i += 4 {
			le32(out, dans+i, binary.LittleEndian.Uint32(clear[i:])^key)
		}
		copy(out[dans+len(clear):], "Rich")
		le32(out, dans+len(clear)+4, key)
	}

	// PE header.
	nt := lfanew
	copy(out[nt:], "PE\x00\x00")
	fh := nt + 4
	machine, chars := uint16(0x14c), uint16(0x0102)
	if p.is64 {
		machine, chars = 0x8664, 0x0022
	}
	if p.dll {
		chars |= 0x2000
	}
	le16(out, fh, machine)
	le16(out, fh+2, uint16(len(secs)))
	le16(out, fh+16, uint16(optSize))
	le16(out, fh+18, chars)
	oh := fh + 20
	if p.is64 {
		le16(out, oh, 0x20b)
	} else {
		le16(out, oh, 0x10b)
	}
	out[oh+2], out[oh+3] = p.linker[0], p.linker[1]
	if p.entry >= 0 && p.entry < len(secs) {
		le32(out, oh+16, uint32(pl[p.entry].va)+p.entryOff)
	}
	le32(out, oh+20, uint32(synthSectAlign)) // BaseOfCode
	dd := oh + 96
	if p.is64 {
		le64(out, oh+24, p.imageBase)
		dd = oh + 112
	} else {
		le32(out, oh+28, uint32(p.imageBase))
	}
	le32(out, oh+32, synthSectAlign)
	le32(out, oh+36, synthFileAlign)
	le16(out, oh+40, 6)
	le16(out, oh+48, 6)
	le32(out, oh+56, uint32(sizeOfImage))
	le32(out, oh+60, uint32(sizeOfHeaders))
	le16(out, oh+68, p.subsystem)
	le16(out, oh+70, 0x8140)
	if p.is64 {
		le64(out, oh+72, 0x100000)
		le64(out, oh+80, 0x1000)
		le64(out, oh+88, 0x100000)
		le64(out, oh+96, 0x1000)
		le32(out, oh+108, 16)
	} else {
		le32(out, oh+72, 0x100000)
		le32(out, oh+76, 0x1000)
		le32(out, oh+80, 0x100000)
		le32(out, oh+84, 0x1000)
		le32(out, oh+92, 16)
	}
	if impRVA != 0 {
		le32(out, dd+8, impRVA)
		le32(out, dd+12, impSize)
	}
	if resRVA != 0 {
		le32(out, dd+16, resRVA)
		le32(out, dd+20, resSize)
	}
	if clrRVA != 0 {
		le32(out, dd+14*8, clrRVA)
		le32(out, dd+14*8+4, 72)
	}

	// Section table and data.
	st := oh + optSize
	for i, s := range secs {
		e := st + 40*i
		copy(out[e:e+8], s.name)
		le32(out, e+8, uint32(pl[i].vsize))
		le32(out, e+12, uint32(pl[i].va))
		le32(out, e+16, uint32(pl[i].rawSize))
		le32(out, e+20, uint32(pl[i].raw))
		le32(out, e+36, s.chars)
		copy(out[pl[i].raw:], s.data)
	}
	if p.header != nil {
		p.header(out)
	}
	return append(out, p.overlay...)
}

// buildImports lays out an import directory at rva: descriptors, lookup
// tables, address tables, hint/names and DLL names.
func buildImports(imps []synthImport, rva uint32, ptr int) []byte {
	nd := 20 * (len(imps) + 1)
	thunks := 0
	for _, im := range imps {
		thunks += (len(im.funcs) + 1) * ptr
	}
	iltOff, iatOff := nd, nd+thunks
	names := iatOff + thunks
	size := names
	for _, im := range imps {
		for _, f := range im.funcs {
			size += alignUp(2+len(f)+1, 2)
		}
		size += alignUp(len(im.dll)+1, 2)
	}
	b := make([]byte, size)
	pos := names
	ilt, iat := iltOff, iatOff
	put := func(off int, v uint32) {
		if ptr == 8 {
			le64(b, off, uint64(v))
		} else {
			le32(b, off, v)
		}
	}
	for i, im := range imps {
		d := 20 * i
		le32(b, d, rva+uint32(ilt))
		le32(b, d+16, rva+uint32(iat))
		for _, f := range im.funcs {
			put(ilt, rva+uint32(pos))
			put(iat, rva+uint32(pos))
			copy(b[pos+2:], f)
			pos += alignUp(2+len(f)+1, 2)
			ilt += ptr
			iat += ptr
		}
		ilt += ptr
		iat += ptr
		le32(b, d+12, rva+uint32(pos))
		copy(b[pos:], im.dll)
		pos += alignUp(len(im.dll)+1, 2)
	}
	return b
}

// buildResources lays out a resource tree (type → name → language 0x409)
// at rva: directories, data entries, name strings, then the data.
func buildResources(res []synthRes, rva uint32) []byte {
	type nameGroup struct {
		id    pe.ResourceID
		items []int
	}
	type typeGroup struct {
		id    pe.ResourceID
		names []*nameGroup
	}
	var types []*typeGroup
	find := func(id pe.ResourceID) *typeGroup {
		for _, t := range types {
			if t.id == id {
				return t
			}
		}
		t := &typeGroup{id: id}
		types = append(types, t)
		return t
	}
	// Named entries come before numbered ones in every directory.
	order := make([]int, 0, len(res))
	for pass := 0; pass < 2; pass++ {
		for i, r := range res {
			if (r.typ.Name != "") == (pass == 0) {
				order = append(order, i)
			}
		}
	}
	for _, i := range order {
		r := res[i]
		t := find(r.typ)
		var ng *nameGroup
		for _, n := range t.names {
			if n.id == r.name {
				ng = n
			}
		}
		if ng == nil {
			ng = &nameGroup{id: r.name}
			t.names = append(t.names, ng)
		}
		ng.items = append(ng.items, i)
	}
	// Sizes: root, each type dir, each name dir (one language each).
	dirSize := func(n int) int { return 16 + 8*n }
	size := dirSize(len(types))
	for _, t := range types {
		size += dirSize(len(t.names))
		size += len(t.names) * dirSize(1)
	}
	dataEntries := size
	size += 16 * len(res)
	strOff := size
	var strs []byte
	strAt := map[string]int{}
	addStr := func(s string) int {
		if o, ok := strAt[s]; ok {
			return o
		}
		u := utf16.Encode([]rune(s))
		o := strOff + len(strs)
		strs = binary.LittleEndian.AppendUint16(strs, uint16(len(u)))
		for _, c := range u {
			strs = binary.LittleEndian.AppendUint16(strs, c)
		}
		strAt[s] = o
		return o
	}
	for _, t := range types {
		if t.id.Name != "" {
			addStr(t.id.Name)
		}
		for _, n := range t.names {
			if n.id.Name != "" {
				addStr(n.id.Name)
			}
		}
	}
	size = alignUp(strOff+len(strs), 8)
	dataOff := make([]int, len(res))
	for i, r := range res {
		dataOff[i] = size
		size = alignUp(size+len(r.data), 8)
	}
	b := make([]byte, size)
	copy(b[strOff:], strs)
	entryName := func(id pe.ResourceID) uint32 {
		if id.Name != "" {
			return 0x80000000 | uint32(strAt[id.Name])
		}
		return id.ID
	}
	writeDir := func(off int, named, ids int) {
		le16(b, off+12, uint16(named))
		le16(b, off+14, uint16(ids))
	}
	countNamed := func(ids []pe.ResourceID) int {
		n := 0
		for _, id := range ids {
			if id.Name != "" {
				n++
			}
		}
		return n
	}
	var typeIDs []pe.ResourceID
	for _, t := range types {
		typeIDs = append(typeIDs, t.id)
	}
	writeDir(0, countNamed(typeIDs), len(types)-countNamed(typeIDs))
	next := dirSize(len(types))
	de := dataEntries
	for ti, t := range types {
		le32(b, 16+8*ti, entryName(t.id))
		le32(b, 16+8*ti+4, 0x80000000|uint32(next))
		tdir := next
		var nameIDs []pe.ResourceID
		for _, n := range t.names {
			nameIDs = append(nameIDs, n.id)
		}
		writeDir(tdir, countNamed(nameIDs), len(nameIDs)-countNamed(nameIDs))
		next += dirSize(len(t.names))
		for ni, n := range t.names {
			le32(b, tdir+16+8*ni, entryName(n.id))
			le32(b, tdir+16+8*ni+4, 0x80000000|uint32(next))
			ndir := next
			writeDir(ndir, 0, 1)
			next += dirSize(1)
			item := n.items[0]
			le32(b, ndir+16, 0x409)
			le32(b, ndir+20, uint32(de))
			le32(b, de, rva+uint32(dataOff[item]))
			le32(b, de+4, uint32(len(res[item].data)))
			de += 16
			copy(b[dataOff[item]:], res[item].data)
		}
	}
	return b
}

// buildCLR lays out IMAGE_COR20_HEADER followed by metadata: a root with
// the version string and two streams, #~ (an AssemblyRef table) and
// #Strings.
func buildCLR(c *synthCLR, rva uint32) []byte {
	// #Strings: "\0" then each name.
	strs := []byte{0}
	var nameIdx []uint16
	for _, r := range c.refs {
		nameIdx = append(nameIdx, uint16(len(strs)))
		strs = append(append(strs, r...), 0)
	}
	for _, n := range c.names {
		strs = append(append(strs, n...), 0)
	}
	strs = append(strs, make([]byte, alignUp(len(strs), 4)-len(strs))...)
	// #~: header (24 bytes), the row counts of the present tables, then
	// their rows in table order: MethodDef (0x06, 14 bytes a row with
	// 2-byte indexes) when methods > 0, AssemblyRef (0x23, 20 bytes).
	counts := 1
	valid := uint64(1) << 0x23
	if c.methods > 0 {
		counts, valid = 2, valid|1<<0x06
	}
	rows := 24 + 4*counts
	tbl := make([]byte, rows+14*c.methods+20*len(c.refs))
	tbl[4] = 2 // major version
	le64(tbl, 8, valid)
	if c.methods > 0 {
		le32(tbl, 24, uint32(c.methods))
	}
	le32(tbl, rows-4, uint32(len(c.refs)))
	for i := range c.refs {
		row := rows + 14*c.methods + 20*i
		le16(tbl, row, 4)
		le16(tbl, row+14, nameIdx[i])
	}
	tbl = append(tbl, make([]byte, alignUp(len(tbl), 4)-len(tbl))...)

	ver := append([]byte(c.version), 0)
	ver = append(ver, make([]byte, alignUp(len(ver), 4)-len(ver))...)
	root := make([]byte, 16+len(ver)+4)
	le32(root, 0, 0x424A5342)
	le16(root, 4, 1)
	le16(root, 6, 1)
	le32(root, 12, uint32(len(ver)))
	copy(root[16:], ver)
	le16(root, 16+len(ver)+2, 2)
	streamHdr := func(off, size int, name string) []byte {
		h := make([]byte, 8, 8+alignUp(len(name)+1, 4))
		le32(h, 0, uint32(off))
		le32(h, 4, uint32(size))
		n := append([]byte(name), 0)
		return append(h, append(n, make([]byte, alignUp(len(n), 4)-len(n))...)...)
	}
	hdrLen := len(root) + len(streamHdr(0, 0, "#~")) + len(streamHdr(0, 0, "#Strings"))
	md := append([]byte(nil), root...)
	md = append(md, streamHdr(hdrLen, len(tbl), "#~")...)
	md = append(md, streamHdr(hdrLen+len(tbl), len(strs), "#Strings")...)
	md = append(append(md, tbl...), strs...)

	out := make([]byte, 72, 72+len(md))
	le32(out, 0, 72)
	le16(out, 4, 2)
	le16(out, 6, 5)
	le32(out, 8, rva+72)
	le32(out, 12, uint32(len(md)))
	le32(out, 16, c.flags)
	return append(out, md...)
}

// richChecksum computes the linker's Rich header key as package pe does
// (its richChecksum is unexported): the DanS offset, plus every DOS
// header byte before it (e_lfanew excluded) rotated left by its offset,
// plus each compid rotated left by its count.
func richChecksum(b []byte, dans int, entries []pe.RichEntry) uint32 {
	sum := uint32(dans)
	for i := 0; i < dans; i++ {
		if i >= 0x3c && i < 0x40 {
			continue
		}
		sum += bits.RotateLeft32(uint32(b[i]), i)
	}
	for _, e := range entries {
		id := uint32(e.ProductID)<<16 | uint32(e.Build)
		sum += bits.RotateLeft32(id, int(e.Count%32))
	}
	return sum
}
