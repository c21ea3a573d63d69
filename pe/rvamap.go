package pe

import (
	"encoding/binary"
	"slices"
	"strings"
)

// rvaMap maps RVAs to file offsets the way python pefile does (its
// get_offset_from_rva, which saferwall/pe follows too): sections sorted by
// their aligned virtual address, each cut where the next begins, raw
// pointers rounded down to 0x200, and an RVA that no section holds taken
// as a file offset when it is inside the file. Every reader of this
// package maps through one rvaMap per file, built once in Parse, so that a
// hostile file cannot show one RVA at two places to two readers, and the
// results agree with pefile's on the same file.
type rvaMap struct {
	secs []mappedSection
	size int64 // file size
}

// mappedSection is one section as the map sees it. The arithmetic is
// uint32 and wraps, as in pefile's readers.
type mappedSection struct {
	lo, end uint32 // virtual range [lo, end)
	ptr     uint32 // PointerToRawData rounded down as the loader does
	rawEnd  uint32 // PointerToRawData + SizeOfRawData, not rounded
	name    string // raw name without its NUL bytes
}

// section returns the first section holding rva, or nil.
func (m *rvaMap) section(rva uint32) *mappedSection {
	for i := range m.secs {
		s := &m.secs[i]
		if s.lo <= rva && rva < s.end {
			return s
		}
	}
	return nil
}

// offset maps rva to a file offset. ok is false when no section holds rva
// and rva is not inside the file. The offset of a section's RVA may still
// lie past the end of the file: readers check their reads.
func (m *rvaMap) offset(rva uint32) (int64, bool) {
	if s := m.section(rva); s != nil {
		return int64(rva - s.lo + s.ptr), true
	}
	if int64(rva) < m.size {
		return int64(rva), true
	}
	return 0, false
}

// rvaMap returns the file's RVA map (one is built when the File did not
// come from Parse).
func (f *File) rvaMap() *rvaMap {
	if f.rmap != nil {
		return f.rmap
	}
	return newRVAMap(f.data, &f.Header, len(f.Sections))
}

// offset maps rva to a file offset through the file's RVA map.
func (f *File) offset(rva uint32) (int64, bool) {
	return f.rvaMap().offset(rva)
}

// RVAToOffset maps a relative virtual address to a file offset with the
// map every reader of this package uses (python pefile's rules: the first
// section holding rva, its PointerToRawData rounded down as the loader
// does; an RVA outside every section but inside the file maps to itself).
// ok is false when rva maps nowhere. The offset may still lie past the end
// of the file: check it before reading [File.Data]. RVAToOffset does not
// allocate once Parse has built the map.
func (f *File) RVAToOffset(rva uint32) (off int64, ok bool) {
	return f.offset(rva)
}

// newRVAMap builds the map from the first n entries of the section table
// as pefile reads them: a section with three or more faults ends the
// table; the rest are sorted by VirtualAddress.
func newRVAMap(b []byte, h *Header, n int) *rvaMap {
	size := uint32(len(b))
	adjPtr := func(v uint32) uint32 {
		if h.FileAlignment < 0x200 {
			return v
		}
		return v &^ 0x1ff
	}
	adjVA := func(v uint32) uint32 {
		a := h.SectionAlignment
		if a < 0x1000 {
			a = h.FileAlignment
		}
		if a != 0 && v%a != 0 {
			return a * (v / a)
		}
		return v
	}
	type raw struct {
		va, vsize, ptr, rawSize uint32
		name                    string
	}
	start := int64(h.NTOffset) + 24 + int64(h.SizeOfOptionalHeader)
	var rs []raw
	for i := range n {
		o := start + int64(i)*40
		if o < 0 || o+40 > int64(len(b)) {
			break
		}
		e := b[o : o+40]
		le := binary.LittleEndian
		s := raw{vsize: le.Uint32(e[8:]), va: le.Uint32(e[12:]), rawSize: le.Uint32(e[16:]), ptr: le.Uint32(e[20:])}
		faults := 0
		if allZero(e) {
			faults++
		}
		if s.rawSize+s.ptr > size {
			faults++
		}
		if adjPtr(s.ptr) > size {
			faults++
		}
		if s.vsize > 0x10000000 {
			faults++
		}
		if adjVA(s.va) > 0x10000000 {
			faults++
		}
		if h.FileAlignment != 0 && s.ptr%h.FileAlignment != 0 {
			faults++
		}
		if faults >= 3 {
			break
		}
		s.name = strings.ReplaceAll(string(e[:8]), "\x00", "")
		rs = append(rs, s)
	}
	slices.SortStableFunc(rs, func(a, b raw) int {
		switch {
		case a.va < b.va:
			return -1
		case a.va > b.va:
			return 1
		}
		return 0
	})
	out := make([]mappedSection, len(rs))
	for i, s := range rs {
		ptr := adjPtr(s.ptr)
		vsz := max(s.rawSize, s.vsize)
		if size-ptr < s.rawSize {
			vsz = s.vsize // SizeOfRawData runs past the file: not trusted
		}
		lo := adjVA(s.va)
		if i+1 < len(rs) {
			next := rs[i+1].va
			if next != 0 && next > s.va && lo+vsz > next {
				vsz = next - lo
			}
		}
		out[i] = mappedSection{lo: lo, end: lo + vsz, ptr: ptr, rawEnd: s.ptr + s.rawSize, name: s.name}
	}
	return &rvaMap{secs: out, size: int64(len(b))}
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
