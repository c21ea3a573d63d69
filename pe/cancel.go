package pe

import (
	"context"
	"fmt"
)

// stopper lets the loops of one Parse call honour its context without
// paying for a context check on every iteration: done checks ctx every
// stopEvery calls, and once ctx is done it stays done.
type stopper struct {
	ctx context.Context
	n   int
	err error
}

// stopEvery is how many loop iterations pass between two context checks:
// each iteration is bounded work (a descriptor, a thunk, a resource entry),
// so a thousand take well under a millisecond.
const stopEvery = 1024

// stopChunk is how many bytes the histogram counts between two context
// checks (about a millisecond).
const stopChunk = 1 << 20

// done reports whether the parse should stop. A nil stopper never stops.
func (s *stopper) done() bool {
	if s == nil {
		return false
	}
	if s.err != nil {
		return true
	}
	if s.n++; s.n%stopEvery != 0 {
		return false
	}
	return s.check()
}

// check consults the context now.
func (s *stopper) check() bool {
	if s == nil {
		return false
	}
	if s.err == nil {
		s.err = s.ctx.Err()
	}
	return s.err != nil
}

// error returns the context's error wrapped for Parse, or nil.
func (s *stopper) error() error {
	if s == nil || s.err == nil {
		return nil
	}
	return fmt.Errorf("pe: parse abandoned: %w", s.err)
}
