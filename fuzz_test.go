package filerep

import (
	"context"
	"testing"
	"time"

	"github.com/filerep/filerep/internal/testutil"
)

// FuzzAnalyze feeds arbitrary bytes to AnalyzeBytes. Seeds are the small
// committed samples and, when present, the corkami corpus
// (testutil.FuzzSeeds). The property is the hostile-input contract: no
// panic, a report always, within a deadline.
func FuzzAnalyze(f *testing.F) {
	for _, b := range testutil.FuzzSeeds(f) {
		f.Add(b)
	}
	f.Add([]byte("MZ"))
	f.Fuzz(func(t *testing.T, b []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		rep, err := AnalyzeBytes(ctx, "fuzz.bin", b)
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
