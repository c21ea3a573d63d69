package pe

import (
	"bytes"
	"encoding/binary"
)

// Exports is the export directory: the DLL's own name and its functions.
type Exports struct {
	DLLName   string           `json:"dll_name,omitempty"`
	Functions []ExportFunction `json:"functions,omitempty"`
}

// ExportFunction is one exported function. Name is empty for an export by
// ordinal only; Forwarder is set ("other.Func") when the entry forwards to
// another DLL instead of pointing at code.
type ExportFunction struct {
	Name      string `json:"name,omitempty"`
	Ordinal   uint32 `json:"ordinal"`
	RVA       uint32 `json:"rva"`
	Forwarder string `json:"forwarder,omitempty"`
}

// cString reads a NUL-terminated string at rva, at most Limits.MaxNameLen bytes.
func (f *File) cString(rva uint32) (string, bool) {
	off, ok := f.offset(rva)
	if !ok || off < 0 || off >= int64(len(f.data)) {
		return "", false
	}
	s := f.data[off:min(int64(len(f.data)), off+int64(f.lim.MaxNameLen))]
	if i := bytes.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	return string(s), true
}

// rvaSlice returns n bytes at rva, or false when they are not all in the
// file.
func (f *File) rvaSlice(rva uint32, n int64) ([]byte, bool) {
	off, ok := f.offset(rva)
	if !ok || off < 0 || n < 0 || off+n > int64(len(f.data)) {
		return nil, false
	}
	return f.data[off : off+n], true
}

// parseExports reads the export directory with our own bounded code (the
// parser dependency prints to stdout on some malformed ones).
func (f *File) parseExports(an *anomalies) *Exports {
	d := f.Header.Directory(IMAGE_DIRECTORY_ENTRY_EXPORT)
	if d.VirtualAddress == 0 || d.Size == 0 {
		return nil
	}
	dir, ok := f.rvaSlice(d.VirtualAddress, 40)
	if !ok {
		an.add(AnoExportsUnreadable, "the export directory at RVA 0x%x is outside the file", d.VirtualAddress)
		return nil
	}
	le := binary.LittleEndian
	base := le.Uint32(dir[16:])
	nFuncs, nNames := le.Uint32(dir[20:]), le.Uint32(dir[24:])
	ex := &Exports{}
	ex.DLLName, _ = f.cString(le.Uint32(dir[12:]))
	limit := uint32(min(int64(f.lim.MaxExports), int64(len(f.data))/4))
	if nFuncs > limit || nNames > limit {
		an.add(AnoExportsAbsurd, "the export directory declares %d functions and %d names; at most %d are read", nFuncs, nNames, limit)
		nFuncs, nNames = min(nFuncs, limit), min(nNames, limit)
	}
	funcs, ok := f.rvaSlice(le.Uint32(dir[28:]), int64(nFuncs)*4)
	if !ok {
		an.add(AnoExportsUnreadable, "the export address table is outside the file")
		return ex
	}
	names := map[uint32]string{}
	if nNames > 0 {
		nameRVAs, ok1 := f.rvaSlice(le.Uint32(dir[32:]), int64(nNames)*4)
		ords, ok2 := f.rvaSlice(le.Uint32(dir[36:]), int64(nNames)*2)
		if !ok1 || !ok2 {
			an.add(AnoExportsUnreadable, "the export name tables are outside the file")
		} else {
			for i := range nNames {
				if f.stop.done() {
					return ex
				}
				idx := uint32(le.Uint16(ords[i*2:]))
				name, ok := f.cString(le.Uint32(nameRVAs[i*4:]))
				if ok && name != "" {
					if _, dup := names[idx]; !dup {
						names[idx] = name
					}
				}
			}
		}
	}
	for i := range nFuncs {
		if f.stop.done() {
			break
		}
		rva := le.Uint32(funcs[i*4:])
		if rva == 0 {
			continue
		}
		fn := ExportFunction{Name: names[i], Ordinal: base + i, RVA: rva}
		if rva >= d.VirtualAddress && uint64(rva) < uint64(d.VirtualAddress)+uint64(d.Size) {
			fn.Forwarder, _ = f.cString(rva)
		}
		ex.Functions = append(ex.Functions, fn)
	}
	return ex
}
