package detect

import (
	"strconv"
	"strings"
)

// memo holds derived facts that several rules read, computed on first use
// (the zero value is "not yet"); Facts.memo is reset with the Facts.
type memo struct {
	notMinGW     []Evidence
	notMinGWDone bool

	sectionBloom uint64 // bit nameBit(n) set for each section name n (set by gather)
	dllBloom     uint64 // bit nameBit(d) set for each DLL name d (set by addImports)

	borland      []Evidence
	borlandScore int
	borlandDone  bool
}

// nameBit hashes a section name to one of 64 bits.
func nameBit(n string) uint64 {
	if n == "" {
		return 1
	}
	return 1 << ((uint(len(n))*7 + uint(n[0]) + uint(n[len(n)-1])*3) % 64)
}

// mayHaveSection reports whether a section may have this name: false
// means none has; most lookups of the rules (packer section names) end
// here.
func (x *Facts) mayHaveSection(name string) bool {
	return x.memo.sectionBloom&nameBit(name) != 0
}

// gnuNotMinGW returns gnuNotMinGWEvidence, computed once per file (the
// MinGW and GCC rules both ask). The slice is clipped: a caller that
// appends to it gets a copy.
func gnuNotMinGW(x *Facts) []Evidence {
	m := &x.memo
	if !m.notMinGWDone {
		e := gnuNotMinGWEvidence(x)
		m.notMinGW, m.notMinGWDone = e[:len(e):len(e)], true
	}
	return m.notMinGW
}

// hasResource reports whether Resources(typ) is not empty, without
// building the list.
func (x *Facts) hasResource(typ string) bool {
	id, numeric := resourceTypeID(typ)
	for i := range x.File.Resources {
		r := &x.File.Resources[i]
		if numeric && r.Type.Name == "" && r.Type.ID == id || !numeric && r.Type.Name == typ {
			return true
		}
	}
	return false
}

// borlandEvidence returns borlandEvidenceOf, computed once per file (the
// C++Builder and Delphi rules ask up to three times). The slice is
// clipped: a caller that appends to it gets a copy.
func borlandEvidence(x *Facts) (int, []Evidence) {
	m := &x.memo
	if !m.borlandDone {
		score, e := borlandEvidenceOf(x)
		m.borlandScore, m.borland, m.borlandDone = score, e[:len(e):len(e)], true
	}
	return m.borlandScore, m.borland
}

// resourceTypeID parses "#id" as Resources does (strconv.ParseUint of
// the digits, base 10, 32 bits), with a short way for a few digits.
func resourceTypeID(typ string) (uint32, bool) {
	rest, ok := strings.CutPrefix(typ, "#")
	if !ok {
		return 0, false
	}
	if len(rest) > 0 && len(rest) <= 9 {
		v := uint32(0)
		for i := 0; i < len(rest); i++ {
			c := rest[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + uint32(c-'0')
		}
		return v, true
	}
	n, err := strconv.ParseUint(rest, 10, 32)
	return uint32(n), err == nil
}
