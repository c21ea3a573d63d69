package pe

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/filerep/filerep/hash"
)

// Section is one entry of the section table with the entropy of its raw
// data.
type Section struct {
	Name            string  `json:"name"` // printable form: bytes outside ASCII 0x20–0x7e as \xNN
	VirtualAddress  uint32  `json:"virtual_address"`
	VirtualSize     uint32  `json:"virtual_size"`
	RawOffset       uint32  `json:"raw_offset"` // PointerToRawData as written
	RawSize         uint32  `json:"raw_size"`   // SizeOfRawData as written
	Characteristics uint32  `json:"characteristics"`
	Entropy         float64 `json:"entropy"` // Shannon bits per byte of the raw data present in the file
}

// Flags returns the memory permissions as "rwx" with '-' for each one
// missing, e.g. "r-x" for code.
func (s *Section) Flags() string {
	f := []byte("---")
	if s.Characteristics&IMAGE_SCN_MEM_READ != 0 {
		f[0] = 'r'
	}
	if s.Characteristics&IMAGE_SCN_MEM_WRITE != 0 {
		f[1] = 'w'
	}
	if s.Characteristics&IMAGE_SCN_MEM_EXECUTE != 0 {
		f[2] = 'x'
	}
	return string(f)
}

// IsCode reports whether the section holds code or is executable.
func (s *Section) IsCode() bool {
	return s.Characteristics&(IMAGE_SCN_CNT_CODE|IMAGE_SCN_MEM_EXECUTE) != 0
}

// SectionData returns the raw data of section i as it is in the file, and
// its file offset: SizeOfRawData bytes from PointerToRawData, rounded down
// to 512 bytes when FileAlignment is at least 512 (the loader and pefile
// do the same), clipped to the end of the file. b may be shorter than
// RawSize, or empty; it is a slice of [File.Data], so do not modify it.
// SectionData returns nil and -1 when i is not an index of Sections. It
// does not allocate.
func (f *File) SectionData(i int) (b []byte, off int64) {
	if i < 0 || i >= len(f.Sections) {
		return nil, -1
	}
	lo, hi := f.Sections[i].rawRange(f.Header.FileAlignment, int64(len(f.data)))
	return f.data[lo:hi:hi], lo
}

// rawRange returns the file range of the section's raw data, clipped to the
// file, with the loader's rounding of PointerToRawData down to 512 bytes
// when FileAlignment is at least 512 (pefile does the same).
func (s *Section) rawRange(fileAlignment uint32, size int64) (lo, hi int64) {
	lo = int64(s.RawOffset)
	if fileAlignment >= 0x200 {
		lo &^= 0x1ff
	}
	hi = lo + int64(s.RawSize)
	lo, hi = min(lo, size), min(hi, size)
	return lo, hi
}

func printableName(raw string) string {
	ok := true
	for i := 0; i < len(raw); i++ {
		if raw[i] < 0x20 || raw[i] > 0x7e {
			ok = false
			break
		}
	}
	if ok {
		return raw
	}
	var sb strings.Builder
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c < 0x20 || c > 0x7e || c == '\\' {
			fmt.Fprintf(&sb, "\\x%02x", c)
		} else {
			sb.WriteByte(c)
		}
	}
	return sb.String()
}

// byteHistograms counts the bytes of the file and of each section's raw
// data, each byte once whatever the sections claim. The file is cut at
// every section boundary into disjoint pieces, counted in file order into
// one running histogram; a section's histogram is the running histogram at
// its end minus the one at its start. The cost is the file's size plus 256
// per section, so 4,096 sections that each claim the whole file cost what
// one does. The context is checked every stopChunk bytes.
func byteHistograms(stop *stopper, b []byte, h *Header, secs []Section) (whole hash.Histogram, per []hash.Histogram, err error) {
	size := int64(len(b))
	per = make([]hash.Histogram, len(secs))
	type bound struct {
		at    int64
		sec   int
		start bool
	}
	bounds := make([]bound, 0, 2*len(secs))
	for i := range secs {
		lo, hi := secs[i].rawRange(h.FileAlignment, size)
		if hi > lo {
			bounds = append(bounds, bound{lo, i, true}, bound{hi, i, false})
		}
	}
	slices.SortFunc(bounds, func(x, y bound) int { return cmp.Compare(x.at, y.at) })
	var pos int64 // whole counts b[:pos]
	for _, bd := range bounds {
		if err := countUpTo(stop, &whole, b, &pos, bd.at); err != nil {
			return whole, per, err
		}
		p := &per[bd.sec]
		if bd.start {
			*p = whole
			continue
		}
		for v := range p {
			p[v] = whole[v] - p[v]
		}
	}
	if err := countUpTo(stop, &whole, b, &pos, size); err != nil {
		return whole, per, err
	}
	return whole, per, nil
}

// countUpTo adds b[*pos:end] to hist in chunks, checking stop between
// them, and moves *pos to end.
func countUpTo(stop *stopper, hist *hash.Histogram, b []byte, pos *int64, end int64) error {
	for *pos < end {
		if stop.check() {
			return stop.error()
		}
		n := min(end, *pos+stopChunk)
		hist.Add(b[*pos:n])
		*pos = n
	}
	return nil
}

// fillSections computes entropy and printable names and reports the
// section anomalies the report cares about. It returns the histogram of
// the whole file, counted along the way, or the context's error (wrapped)
// when stop's context ends first.
func fillSections(stop *stopper, b []byte, h *Header, secs []Section, an *anomalies) (hash.Histogram, error) {
	size := int64(len(b))
	whole, per, err := byteHistograms(stop, b, h, secs)
	if err != nil {
		return whole, err
	}
	for i := range secs {
		s := &secs[i]
		s.Name = printableName(s.Name)
		s.Entropy = per[i].Entropy()
		if int64(s.RawOffset)+int64(s.RawSize) > size && s.RawSize > 0 {
			an.add(AnoSectionPastEOF, "section %q raw data (0x%x+0x%x) runs past the end of the file", s.Name, s.RawOffset, s.RawSize)
		}
		if s.RawSize == 0 && s.VirtualSize > 0x10000 && s.IsCode() {
			an.add(AnoEmptyCodeSection, "executable section %q has no raw data but a virtual size of 0x%x", s.Name, s.VirtualSize)
		}
		if s.Characteristics&IMAGE_SCN_MEM_WRITE != 0 && s.Characteristics&IMAGE_SCN_MEM_EXECUTE != 0 {
			an.add(AnoWritableCode, "section %q is writable and executable", s.Name)
		}
	}
	if h.AddressOfEntryPoint != 0 && len(secs) > 0 {
		if sec := sectionAt(secs, h.AddressOfEntryPoint); sec == nil {
			if h.AddressOfEntryPoint >= h.SizeOfHeaders {
				an.add(AnoEntryOutsideSections, "the entry point 0x%x is in no section", h.AddressOfEntryPoint)
			}
		}
	}
	return whole, nil
}

// sectionAt returns the section whose virtual range holds rva, or nil.
func sectionAt(secs []Section, rva uint32) *Section {
	for i := range secs {
		s := &secs[i]
		vs := max(s.VirtualSize, s.RawSize)
		if rva >= s.VirtualAddress && uint64(rva) < uint64(s.VirtualAddress)+uint64(vs) {
			return s
		}
	}
	return nil
}
