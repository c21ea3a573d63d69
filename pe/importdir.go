package pe

// Our own reader of the import and delay-import directories. It gives the
// results saferwall/pe v1.6.5 gave (which follows python pefile), without
// its cost: that parser recomputed the section alignment for every thunk
// and every name, and its section lookup is quadratic in the section
// count. Here RVAs go through the file's rvaMap, built once, and every
// read is bounds-checked; the work is capped by Limits.MaxImportThunks.

import (
	"encoding/binary"
	"errors"
	"slices"
	"strconv"
	"strings"
)

// Bounds of the import reader.
const (
	// The work itself is capped by Limits.MaxImportFunctions and
	// Limits.MaxImportThunks.
	// maxImportNameLen caps a function name and maxImportDLLLen a DLL
	// name, as pefile's MAX_IMPORT_NAME_LENGTH and MAX_DLL_LENGTH.
	maxImportNameLen = 0x200
	maxImportDLLLen  = 0x200
	// maxRepeatedThunks and maxThunkSpread are pefile's heuristics for a
	// bogus table: that many repeated name RVAs, or name RVAs spread over
	// more than 128 MiB. They raise an anomaly; the table is still read.
	maxRepeatedThunks = 0xF
	maxThunkSpread    = 0x8000000
	// maxLeadingInvalid is the count of invalid names, with no valid
	// entry before them, after which the directory is abandoned.
	maxLeadingInvalid = 1000
)

// Anomaly identifiers of the import reader (exported as AnoImport…). The
// first four are faults the parser dependency used to report too.
const (
	anoImportNoNameNoOrdinal = "pe/import-no-name-no-ordinal"
	anoImportRepeated        = "pe/import-repeated-entries"
	anoImportSpread          = "pe/import-thunks-spread-out"
	anoImportOrdinalRange    = "pe/import-thunk-out-of-range"
	anoImportsTruncated      = "pe/imports-truncated"
)

// invalidImportName replaces a name with characters outside the expected
// set; such entries are dropped.
const invalidImportName = "*invalid*"

var (
	errImportDamaged = errors.New("both the lookup and the address tables are empty")
	errImportInvalid = errors.New("too many invalid names")
)

// importReader holds the state of one file's import parse.
type importReader struct {
	data      []byte
	is64      bool
	imageBase uint64
	m         *rvaMap
	an        *anomalies

	thunksLeft int
	funcsLeft  int
	truncated  bool
	scratch    []uint64 // name RVAs of one table, for the repeat count
	stop       *stopper // the parse's context check
}

// parseImports fills f.Imports, f.DelayImports and f.IsDriver. Files with
// more sections than lim.MaxSectionsForDirectories get none, as with the
// other data directories.
func (f *File) parseImports(lim Limits, an *anomalies) {
	if int(f.Header.NumberOfSections) > lim.MaxSectionsForDirectories {
		return
	}
	r := &importReader{
		data:       f.data,
		is64:       f.Header.Is64,
		imageBase:  f.Header.ImageBase,
		m:          f.rvaMap(),
		an:         an,
		thunksLeft: lim.MaxImportThunks,
		funcsLeft:  lim.MaxImportFunctions,
		stop:       f.stop,
	}
	if d := f.Header.Directory(IMAGE_DIRECTORY_ENTRY_IMPORT); d.VirtualAddress != 0 {
		f.Imports = r.directory(d.VirtualAddress, false)
	}
	if d := f.Header.Directory(IMAGE_DIRECTORY_ENTRY_DELAY_IMPORT); d.VirtualAddress != 0 && !r.truncated {
		f.DelayImports = r.directory(d.VirtualAddress, true)
	}
	if r.truncated {
		an.add(anoImportsTruncated, "more than %d imported functions or %d thunks; the rest were not read", lim.MaxImportFunctions, lim.MaxImportThunks)
	}
	f.IsDriver = isDriver(f.Imports, f.Header.Subsystem, r.m.secs)
}

// offset maps rva to a file offset through the file's RVA map.
func (r *importReader) offset(rva uint32) (uint32, bool) {
	off, ok := r.m.offset(rva)
	return uint32(off), ok
}

// read returns n bytes at file offset off, or false when they are not all
// in the file.
func (r *importReader) read(off uint32, n int) ([]byte, bool) {
	end := int64(off) + int64(n)
	if end > int64(len(r.data)) {
		return nil, false
	}
	return r.data[off:end], true
}

// str reads a NUL-terminated string at rva, at most maxLen bytes and, when
// it starts in a section's raw data, not past the end of that data.
func (r *importReader) str(rva, maxLen uint32) string {
	if rva == 0 {
		return ""
	}
	size := int64(len(r.data))
	var lo, hi int64
	if s := r.m.section(rva); s != nil {
		lo = int64(rva - s.lo + s.ptr)
		if lo > size {
			return ""
		}
		hi = lo + int64(maxLen)
		if raw := int64(s.rawEnd); hi > raw && raw > lo {
			hi = raw
		}
	} else {
		lo = int64(rva)
		if lo > size {
			return ""
		}
		hi = lo + int64(maxLen)
	}
	hi = min(hi, size)
	b := r.data[lo:hi]
	for i, c := range b {
		if c == 0 {
			b = b[:i]
			break
		}
	}
	return string(b)
}

// directory reads the descriptors at rva until a zeroed one, one that
// cannot be read, or one whose tables are both empty.
func (r *importReader) directory(rva uint32, delay bool) []Import {
	descSize := 20
	if delay {
		descSize = 32
	}
	le := binary.LittleEndian
	var out []Import
	for !r.truncated && !r.stop.done() {
		off, ok := r.offset(rva)
		if !ok {
			break
		}
		d, ok := r.read(off, descSize)
		if !ok || allZero(d) {
			break
		}
		var ilt, iat, nameRVA uint32
		old := false
		if delay {
			// Attributes, Name, ModuleHandle, IAT, INT, …: bit 0 of
			// Attributes clear marks a VC++ 6 descriptor holding VAs.
			old = le.Uint32(d)&1 == 0
			nameRVA, iat, ilt = le.Uint32(d[4:]), le.Uint32(d[12:]), le.Uint32(d[16:])
		} else {
			// OriginalFirstThunk, TimeDateStamp, ForwarderChain, Name, FirstThunk.
			ilt, nameRVA, iat = le.Uint32(d), le.Uint32(d[12:]), le.Uint32(d[16:])
		}
		rva += uint32(descSize)

		// A table that starts before the descriptor cannot run past it.
		maxLen := uint32(len(r.data)) - off
		if rva > ilt || rva > iat {
			switch {
			case rva < ilt:
				maxLen = rva - iat
			case rva < iat:
				maxLen = rva - ilt
			default:
				maxLen = max(rva-ilt, rva-iat)
			}
		}
		fns, err := r.functions(ilt, iat, maxLen, old)
		if err != nil {
			break
		}
		dllCap := uint32(maxImportDLLLen)
		if delay {
			if old {
				nameRVA -= uint32(r.imageBase)
			}
			// saferwall/pe bounded a delay-load DLL name by the
			// table bound, not by pefile's 0x200: keep the smaller.
			dllCap = min(dllCap, maxLen)
		}
		dll := r.str(nameRVA, dllCap)
		if !validDLLName(dll) {
			continue
		}
		out = append(out, Import{DLL: dll, Functions: fns})
	}
	return out
}

// functions decodes one descriptor's functions from its lookup table, or
// from its address table when the lookup table is empty.
func (r *importReader) functions(iltRVA, iatRVA, maxLen uint32, old bool) ([]ImportFunction, error) {
	ilt := r.thunks(iltRVA, maxLen, old)
	iat := r.thunks(iatRVA, maxLen, old)
	table := ilt
	if len(table) == 0 {
		table = iat
	}
	if len(table) == 0 {
		return nil, errImportDamaged
	}
	flag := uint64(1) << 31
	if r.is64 {
		flag = 1 << 63
	}
	var base uint32
	if old {
		base = uint32(r.imageBase)
	}
	fns := make([]ImportFunction, 0, len(table))
	invalid := 0
	for idx, v := range table {
		var fn ImportFunction
		if v&flag != 0 {
			fn.ByOrdinal = true
			fn.Ordinal = uint32(v) & 0xffff
			fn.Name = "#" + strconv.FormatUint(uint64(fn.Ordinal), 10)
		} else {
			// Hint (2 bytes), then the name.
			fn.Name = r.str(uint32(v)-base+2, maxImportNameLen)
			if !validFunctionName(fn.Name) {
				fn.Name = invalidImportName
			}
		}
		if fn.Ordinal == 0 && fn.Name == "" {
			r.an.add(anoImportNoNameNoOrdinal, "Must have either an ordinal or a name in an import")
		}
		if fn.Name == invalidImportName {
			if invalid > maxLeadingInvalid && invalid == idx {
				return nil, errImportInvalid
			}
			invalid++
			continue
		}
		if r.funcsLeft == 0 {
			r.truncated = true
			break
		}
		r.funcsLeft--
		fns = append(fns, fn)
	}
	return fns, nil
}

// thunks reads a thunk table at rva (a VA when old) up to a zero entry, at
// most maxLen bytes, stopping at an entry that points back into the table.
// It returns nil when an entry cannot be read.
func (r *importReader) thunks(rva, maxLen uint32, old bool) []uint64 {
	if rva == 0 {
		return nil
	}
	size, flag := uint32(4), uint64(1)<<31
	if r.is64 {
		size, flag = 8, 1<<63
	}
	var base uint32
	if old {
		base = uint32(r.imageBase)
	}
	start := rva
	var out []uint64
	checked := 0 // entries seen when the bogus-table heuristics last ran
	defer func() { r.bogusTable(out[:checked], flag) }()
	for {
		if rva >= start+maxLen {
			break
		}
		checked = len(out)
		if r.thunksLeft == 0 {
			r.truncated = true
			break
		}
		if r.stop.done() {
			break
		}
		r.thunksLeft--
		off, ok := r.offset(rva - base)
		if !ok {
			return nil
		}
		b, ok := r.read(off, int(size))
		if !ok {
			return nil
		}
		var v uint64
		if r.is64 {
			v = binary.LittleEndian.Uint64(b)
		} else {
			v = uint64(binary.LittleEndian.Uint32(b))
		}
		if v == 0 || (v >= uint64(start) && v <= uint64(rva)) {
			break
		}
		if v&flag != 0 && v&0x7fffffff > 0xffff {
			r.an.add(anoImportOrdinalRange, "Thunk AddressOfData beyond limits")
		}
		out = append(out, v)
		rva += size
	}
	return out
}

// bogusTable raises pefile's bogus-table anomalies for the entries of one
// table that were read before its last check: many repeated name RVAs, or
// name RVAs spread too far.
func (r *importReader) bogusTable(entries []uint64, flag uint64) {
	r.scratch = r.scratch[:0]
	for _, v := range entries {
		if v&flag == 0 {
			r.scratch = append(r.scratch, v)
		}
	}
	if len(r.scratch) < 2 {
		return
	}
	lo, hi := slices.Min(r.scratch), slices.Max(r.scratch)
	if hi-lo > maxThunkSpread {
		r.an.add(anoImportSpread, "Thunk Address Of Data too spread out")
	}
	if len(r.scratch) <= maxRepeatedThunks {
		return
	}
	slices.Sort(r.scratch)
	repeated := 0
	for i := 1; i < len(r.scratch); i++ {
		if r.scratch[i] == r.scratch[i-1] {
			repeated++
		}
	}
	if repeated >= maxRepeatedThunks {
		r.an.add(anoImportRepeated, "Import directory contains many repeated entries")
	}
}

// validDLLName reports whether s uses only the characters of a FAT 8.3
// file name (any length), as pefile's is_valid_dos_filename.
func validDLLName(s string) bool { return alnumOr(s, "!#$%&'()-@^_`{}~+,.;=[]\\/") }

// validFunctionName reports whether s uses only the characters of a
// mangled function name, as pefile's is_valid_function_name.
func validFunctionName(s string) bool { return alnumOr(s, "_?@$()<>") }

// alnumOr reports whether every byte of s is an ASCII letter or digit or
// one of extra.
func alnumOr(s, extra string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && strings.IndexByte(extra, c) < 0 {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// isDriver reports whether the image looks like a kernel driver: it
// imports a kernel component, or its subsystem is IMAGE_SUBSYSTEM_NATIVE
// (1) or IMAGE_SUBSYSTEM_NATIVE_WINDOWS (8) and a section has a driver's
// name ("page", "paged", "nonpage", "init"). pefile's is_driver does the
// same with fewer names; saferwall/pe tested the subsystem's bits, so a
// console image (3) with an INIT section passed for a driver.
func isDriver(imports []Import, sub Subsystem, secs []mappedSection) bool {
	if len(imports) == 0 {
		return false
	}
	for _, imp := range imports {
		switch strings.ToLower(imp.DLL) {
		case "ntoskrnl.exe", "hal.dll", "ndis.sys", "bootvid.dll", "kdcom.dll":
			return true
		}
	}
	if sub != 1 && sub != 8 {
		return false
	}
	for _, s := range secs {
		switch strings.ToLower(s.name) {
		case "page", "paged", "nonpage", "init":
			return true
		}
	}
	return false
}
