package detect

// memo holds derived facts that several rules read, computed on first use
// (the zero value is "not yet"); Facts.memo is reset with the Facts.
type memo struct {
	notMinGW     []Evidence
	notMinGWDone bool
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
