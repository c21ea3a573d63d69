package filerep

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/filerep/filerep/internal/testutil"
)

// FuzzAnalyze feeds arbitrary bytes to AnalyzeBytes. Seeds are the
// committed samples and, when present, the corkami corpus. The property is
// the hostile-input contract: no panic, a report always, within a deadline.
func FuzzAnalyze(f *testing.F) {
	for _, s := range testutil.Samples(f) {
		if b, err := os.ReadFile(s.Path); err == nil {
			f.Add(b)
		}
	}
	if os.Getenv(testutil.CorpusEnv) != "" {
		for _, p := range testutil.CorpusFiles(f, "corkami") {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
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
