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
//
// Seeds above maxFuzzSeed are left out: mutating megabyte inputs costs the
// fuzzer more than it finds (the Go samples alone cut it to a few
// executions a second).
func FuzzAnalyze(f *testing.F) {
	const maxFuzzSeed = 64 << 10
	add := func(p string) {
		if b, err := os.ReadFile(p); err == nil && len(b) <= maxFuzzSeed {
			f.Add(b)
		}
	}
	for _, s := range testutil.Samples(f) {
		add(s.Path)
	}
	if os.Getenv(testutil.CorpusEnv) != "" {
		for _, p := range testutil.CorpusFiles(f, "corkami") {
			add(p)
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
