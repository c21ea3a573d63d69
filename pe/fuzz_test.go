package pe

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/filerep/filerep/internal/testutil"
)

// fuzzDeadline is each call's deadline; the issue 13 contract is that no
// call returns more than fuzzLate after it, and that one call allocates
// at most 32 bytes per input byte plus 8 MiB.
const (
	fuzzDeadline = 2 * time.Second
	fuzzLate     = time.Second
)

// fuzzDebugSeeds are small images with a debug directory whose entries
// the mutator can resize: each SizeOfData the parser dependency misreads
// (below a CodeView or POGO header, past the end, repeated) is one or two
// byte flips away.
func fuzzDebugSeeds() [][]byte {
	pogo := []byte("\x00UGP\x00\x10\x00\x00\x10\x00\x00\x00.text\x00\x00\x00")
	nb10 := append([]byte("NB10"), make([]byte, 12)...)
	return [][]byte{
		debugImage(64,
			synthDebug{typ: 2, size: 30, data: rsdsRecord("x.pdb")},
			synthDebug{typ: 13, size: uint32(len(pogo)), data: pogo},
			synthDebug{typ: 3, size: 16, data: make([]byte, 16)}),
		debugImage(64, synthDebug{typ: 2, size: 8, data: rsdsRecord("x.pdb")}),
		debugImage(64, synthDebug{typ: 2, size: 24, data: append(nb10, "y.pdb\x00"...)}),
		debugImage(0, synthDebug{typ: 13, size: uint32(len(pogo)), data: pogo, atEnd: true}),
		debugImage(64,
			synthDebug{typ: 12, size: 20, data: make([]byte, 20)},
			synthDebug{typ: 16, size: 36, data: append([]byte{32, 0, 0, 0}, make([]byte, 32)...)},
			synthDebug{typ: 20, size: 4, data: []byte{1, 0, 0, 0}}),
	}
}

// FuzzParse checks the parser entry point's contract on arbitrary bytes:
// no panic, a File or an error, within a deadline, and memory bounded by
// the input's size. Seeds are the small samples and corkami files
// (testutil.FuzzSeeds), images with debug directories, and one with more
// than 96 sections that all claim the whole file.
func FuzzParse(f *testing.F) {
	for _, b := range testutil.FuzzSeeds(f) {
		f.Add(b)
	}
	for _, b := range fuzzDebugSeeds() {
		f.Add(b)
	}
	f.Add(sectionsClaimingTheFile(100, 0))
	f.Fuzz(func(t *testing.T, b []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), fuzzDeadline)
		defer cancel()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		pf, err := Parse(ctx, b)
		if pf == nil && err == nil {
			t.Fatal("nil File without an error")
		}
		if pf != nil {
			_ = pf.Imphash()
			for _, r := range pf.Resources {
				_, _ = pf.ResourceData(r)
			}
		}
		elapsed := time.Since(start)
		runtime.ReadMemStats(&after)
		if elapsed > fuzzDeadline+fuzzLate {
			t.Fatalf("returned %v after the call began, deadline %v", elapsed, fuzzDeadline)
		}
		if ctx.Err() != nil {
			t.Fatal("not parsed within the deadline")
		}
		// Everything allocated, garbage included: an upper bound on what
		// the heap grew by.
		if got, limit := after.TotalAlloc-before.TotalAlloc, 32*uint64(len(b))+8<<20; got > limit {
			t.Fatalf("allocated %d bytes for a %d-byte input (limit %d)", got, len(b), limit)
		}
	})
}
