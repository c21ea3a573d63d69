package pe

import (
	"encoding/binary"
	"strings"
)

// DataDirectory is one IMAGE_DATA_DIRECTORY entry.
type DataDirectory struct {
	VirtualAddress uint32 `json:"virtual_address"`
	Size           uint32 `json:"size"`
}

// Header holds the fields of the DOS, file and optional headers that the
// report uses. PE32 and PE32+ share it: 64-bit fields are widened.
type Header struct {
	NTOffset             uint32 // e_lfanew
	Machine              Machine
	NumberOfSections     uint16
	TimeDateStamp        uint32
	PointerToSymbolTable uint32
	NumberOfSymbols      uint32
	SizeOfOptionalHeader uint16
	Characteristics      uint16

	Magic               uint16 // 0x10b PE32, 0x20b PE32+
	Is64                bool
	LinkerVersion       [2]uint8
	AddressOfEntryPoint uint32
	BaseOfCode          uint32
	ImageBase           uint64
	SectionAlignment    uint32
	FileAlignment       uint32
	OSVersion           [2]uint16
	SubsystemVersion    [2]uint16
	SizeOfImage         uint32
	SizeOfHeaders       uint32
	CheckSum            uint32
	Subsystem           Subsystem
	DllCharacteristics  uint16
	NumberOfRvaAndSizes uint32
	DataDirectories     [16]DataDirectory
}

// Directory returns data directory i, or the zero value when the header
// declares fewer directories than i+1.
func (h *Header) Directory(i int) DataDirectory {
	if i < 0 || i >= 16 || uint32(i) >= h.NumberOfRvaAndSizes {
		return DataDirectory{}
	}
	return h.DataDirectories[i]
}

// reader reads little-endian values; bytes past the end of the data read
// as zero and set short, the way the loader zero-fills a mapped header.
type reader struct {
	b     []byte
	short bool
}

func (r *reader) u8(off int64) uint8 {
	if off < 0 || off >= int64(len(r.b)) {
		r.short = true
		return 0
	}
	return r.b[off]
}

func (r *reader) u16(off int64) uint16 {
	return uint16(r.u8(off)) | uint16(r.u8(off+1))<<8
}

func (r *reader) u32(off int64) uint32 {
	if off >= 0 && off+4 <= int64(len(r.b)) {
		return binary.LittleEndian.Uint32(r.b[off:])
	}
	return uint32(r.u16(off)) | uint32(r.u16(off+2))<<16
}

func (r *reader) u64(off int64) uint64 {
	return uint64(r.u32(off)) | uint64(r.u32(off+4))<<32
}

// parseHeaders reads the DOS, NT and optional headers and the section
// table. It is the package's own bounded reader: it decides whether the
// bytes are a PE at all and feeds the pre-checks that keep the parser
// dependency away from its hang and allocation sites.
func parseHeaders(b []byte, lim Limits, an *anomalies) (*Header, []Section, error) {
	if len(b) < 2 || b[0] != 'M' || b[1] != 'Z' {
		return nil, nil, formatErr(ErrNotPE, 0, "IMAGE_DOS_HEADER", "no MZ signature")
	}
	if len(b) < 0x40 {
		return nil, nil, formatErr(ErrNotPE, 0, "IMAGE_DOS_HEADER", "file of %d bytes is shorter than a DOS header", len(b))
	}
	r := &reader{b: b}
	h := &Header{NTOffset: r.u32(0x3c)}
	nt := int64(h.NTOffset)
	if nt+4 > int64(len(b)) {
		return nil, nil, formatErr(ErrNotPE, 0x3c, "IMAGE_DOS_HEADER", "e_lfanew 0x%x points past the end of the file", h.NTOffset)
	}
	if string(b[nt:nt+4]) != "PE\x00\x00" {
		return nil, nil, formatErr(ErrNotPE, nt, "IMAGE_NT_HEADERS", "no PE signature")
	}
	if nt+24 > int64(len(b)) {
		return nil, nil, formatErr(ErrTruncated, nt+4, "IMAGE_FILE_HEADER", "file header cut at %d bytes", int64(len(b))-nt-4)
	}
	fh := nt + 4
	h.Machine = Machine(r.u16(fh))
	h.NumberOfSections = r.u16(fh + 2)
	h.TimeDateStamp = r.u32(fh + 4)
	h.PointerToSymbolTable = r.u32(fh + 8)
	h.NumberOfSymbols = r.u32(fh + 12)
	h.SizeOfOptionalHeader = r.u16(fh + 16)
	h.Characteristics = r.u16(fh + 18)

	oh := nt + 24
	if oh+2 > int64(len(b)) {
		return nil, nil, formatErr(ErrTruncated, oh, "IMAGE_OPTIONAL_HEADER", "optional header missing")
	}
	h.Magic = r.u16(oh)
	switch h.Magic {
	case 0x10b:
	case 0x20b:
		h.Is64 = true
	default:
		return nil, nil, formatErr(ErrMalformed, oh, "IMAGE_OPTIONAL_HEADER", "unknown magic 0x%x", h.Magic)
	}
	h.LinkerVersion = [2]uint8{r.u8(oh + 2), r.u8(oh + 3)}
	h.AddressOfEntryPoint = r.u32(oh + 16)
	h.BaseOfCode = r.u32(oh + 20)
	if h.Is64 {
		h.ImageBase = r.u64(oh + 24)
	} else {
		h.ImageBase = uint64(r.u32(oh + 28))
	}
	h.SectionAlignment = r.u32(oh + 32)
	h.FileAlignment = r.u32(oh + 36)
	h.OSVersion = [2]uint16{r.u16(oh + 40), r.u16(oh + 42)}
	h.SubsystemVersion = [2]uint16{r.u16(oh + 48), r.u16(oh + 50)}
	h.SizeOfImage = r.u32(oh + 56)
	h.SizeOfHeaders = r.u32(oh + 60)
	h.CheckSum = r.u32(oh + 64)
	h.Subsystem = Subsystem(r.u16(oh + 68))
	h.DllCharacteristics = r.u16(oh + 70)
	dd := oh + 96
	if h.Is64 {
		dd = oh + 112
	}
	h.NumberOfRvaAndSizes = r.u32(dd - 4)
	n := min(h.NumberOfRvaAndSizes, 16)
	for i := range n {
		h.DataDirectories[i] = DataDirectory{r.u32(dd + int64(i)*8), r.u32(dd + int64(i)*8 + 4)}
	}
	if r.short {
		an.add(AnoHeaderPastEOF, "the optional header runs past the end of the file (the loader zero-fills it)")
	}
	if h.NumberOfRvaAndSizes != 16 {
		an.add(AnoRvaAndSizes, "NumberOfRvaAndSizes is %d, not 16", h.NumberOfRvaAndSizes)
	}

	secs := readSections(b, h, lim, an)
	return h, secs, nil
}

func readSections(b []byte, h *Header, lim Limits, an *anomalies) []Section {
	start := int64(h.NTOffset) + 24 + int64(h.SizeOfOptionalHeader)
	count := int(h.NumberOfSections)
	if count == 0 {
		an.add(AnoNoSections, "the section table is empty")
		return nil
	}
	if count > lim.MaxSections {
		an.add(AnoTooManySections, "%d sections; only the first %d are reported", count, lim.MaxSections)
		count = lim.MaxSections
	}
	fit := int((int64(len(b)) - start) / 40)
	if start > int64(len(b)) {
		fit = 0
	}
	if fit < count {
		an.add(AnoSectionTablePastEOF, "the section table declares %d sections but the file holds %d", h.NumberOfSections, max(fit, 0))
		count = max(fit, 0)
	}
	secs := make([]Section, 0, count)
	for i := range count {
		o := start + int64(i)*40
		s := b[o : o+40]
		name := s[:8]
		if j := strings.IndexByte(string(name), 0); j >= 0 {
			name = name[:j]
		}
		secs = append(secs, Section{
			Name:            string(name),
			VirtualSize:     binary.LittleEndian.Uint32(s[8:]),
			VirtualAddress:  binary.LittleEndian.Uint32(s[12:]),
			RawSize:         binary.LittleEndian.Uint32(s[16:]),
			RawOffset:       binary.LittleEndian.Uint32(s[20:]),
			Characteristics: binary.LittleEndian.Uint32(s[36:]),
		})
	}
	return secs
}
