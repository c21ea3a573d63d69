package filerep

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/filerep/filerep/internal/testutil"
)

// FuzzAnalyze feeds arbitrary bytes to AnalyzeBytes. Seeds are the small
// committed samples and, when present, the corkami corpus
// (testutil.FuzzSeeds). The property is the hostile-input contract: no
// panic, a report always, within a deadline (returning at most 1 s after
// it), and no more allocated than 32 times the input plus 8 MiB (counting
// garbage too: an upper bound on the heap's growth).
func FuzzAnalyze(f *testing.F) {
	for _, b := range testutil.FuzzSeeds(f) {
		f.Add(b)
	}
	f.Add([]byte("MZ"))
	f.Fuzz(func(t *testing.T, b []byte) {
		const deadline = 2 * time.Second
		ctx, cancel := context.WithTimeout(context.Background(), deadline)
		defer cancel()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		rep, err := AnalyzeBytes(ctx, "fuzz.bin", b)
		elapsed := time.Since(start)
		runtime.ReadMemStats(&after)
		if elapsed > deadline+time.Second {
			t.Fatalf("returned %v after the call began, deadline %v", elapsed, deadline)
		}
		if got, limit := after.TotalAlloc-before.TotalAlloc, 32*uint64(len(b))+8<<20; got > limit {
			t.Fatalf("allocated %d bytes for a %d-byte input (limit %d)", got, len(b), limit)
		}
		if rep == nil {
			t.Fatal("nil report")
		}
		if err != nil && len(rep.Errors) == 0 {
			t.Fatalf("error %v not listed in the report", err)
		}
		if ctx.Err() != nil {
			t.Fatalf("not analysed within the deadline")
		}
	})
}
