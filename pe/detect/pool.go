package detect

import (
	"sync"
	"unsafe"

	"github.com/filerep/filerep/pe"
)

// Run recycles the Facts of the built-in rules: gathering them allocates
// the section and import tables afresh for every file otherwise. A rule
// of the caller's may keep the *Facts it is given (or slices of it), so
// after a rule set with any Match function that is not a built-in one the
// Facts are not put back: they are the caller's from then on.

// factsPool holds Facts whose slices' arrays are kept for reuse.
var factsPool = sync.Pool{New: func() any { return new(Facts) }}

// Arrays larger than this many elements are not kept: one huge import
// table must not stay pinned in the pool.
const maxPooledLen = 4096

// getFacts returns the Facts of f, built on recycled arrays. Give them
// back with putFacts once nothing reads them any more.
func getFacts(f *pe.File) *Facts {
	x := factsPool.Get().(*Facts)
	x.gather(f)
	return x
}

// putFacts clears x, keeping the arrays of its tables, and puts it in the
// pool. Everything else, Result fields included (Errors may share x.errs'
// array), is dropped, not reused. The sections are zeroed, as they hold
// slices of the file; the imports, DLL names and remembered searches are
// not (zeroing them costs as much as a rule): they hold only small
// strings of their own (parse copies the names), which the next use
// overwrites, or the pool drops at a garbage collection.
func putFacts(x *Facts) {
	secs, found := reuse(x.Sections), reuse(x.found)
	clear(secs[:cap(secs)])
	clear(found[:cap(found)]) // findings hold the evidence of a Result
	imps, dlls, searches := reuse(x.Imports), reuse(x.dlls), reuse(x.searches)
	*x = Facts{Sections: secs, Imports: imps, dlls: dlls, searches: searches, found: found, present: reuse(x.present)}
	factsPool.Put(x)
}

// reuse returns s emptied, or nil when s is too large to keep.
func reuse[S ~[]E, E any](s S) S {
	if cap(s) > maxPooledLen {
		return nil
	}
	return s[:0]
}

// funcID returns the identity of a function value: the address of the
// closure record it points at (for a top-level function, a static record
// of the binary). Copies of a value keep it, so a rule copied from
// DefaultRules keeps the built-in Match's; a function literal of the
// caller's has its own.
func funcID(fn func(*Facts) (Finding, bool)) unsafe.Pointer {
	return *(*unsafe.Pointer)(unsafe.Pointer(&fn))
}
