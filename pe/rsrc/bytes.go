package rsrc

import "encoding/binary"

// Little helpers for bounds-checked reads. Callers check ranges first; these
// return 0 rather than panic when they did not, so a missed check shows up as
// a wrong value in a test, never as a crash on hostile input.

func u16(b []byte, off int) uint16 {
	if off < 0 || off > len(b)-2 {
		return 0
	}
	return binary.LittleEndian.Uint16(b[off:])
}

func u32(b []byte, off int) uint32 {
	if off < 0 || off > len(b)-4 {
		return 0
	}
	return binary.LittleEndian.Uint32(b[off:])
}

// align4 rounds off up to a multiple of 4. Offsets are relative to the start
// of the resource, which the loader maps 4-aligned, so this is the same
// alignment Windows applies to pointers.
func align4(off int) int { return (off + 3) &^ 3 }

// span reports whether [off, off+n) lies inside b, without overflow.
func span(b []byte, off, n int) bool {
	return off >= 0 && n >= 0 && off <= len(b) && n <= len(b)-off
}
