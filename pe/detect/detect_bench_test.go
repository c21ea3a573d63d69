package detect

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/filerep/filerep/internal/testutil"
	"github.com/filerep/filerep/pe"
)

// The detection budget (issue 4): Detect adds less than 10% to Parse on
// the testdata samples. Compare
//
//	go test ./pe/detect/ -run '^$' -bench 'Parse(AndDetect)?$' -benchtime 2s
//
// BenchmarkParse and BenchmarkParseAndDetect parse every sample once per
// iteration (the second also detects, and reports Detect's share of
// Parse's time as "detect-%"); BenchmarkDetect shows Detect alone per
// sample.

func benchSamples(b *testing.B) [][]byte {
	b.Helper()
	var out [][]byte
	for _, s := range testutil.Samples(b) {
		d, err := os.ReadFile(s.Path)
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, d)
	}
	return out
}

func benchParse(b *testing.B, detect bool) {
	samples := benchSamples(b)
	total := 0
	for _, s := range samples {
		total += len(s)
	}
	b.SetBytes(int64(total))
	// The share of Detect is measured inside the same loop, interleaved
	// with Parse, so that a busy machine slows both alike: "detect-%" is
	// Detect's time as a percentage of Parse's.
	var parseT, detectT time.Duration
	b.ResetTimer()
	for b.Loop() {
		for _, s := range samples {
			t0 := time.Now()
			f, _ := pe.Parse(context.Background(), s)
			parseT += time.Since(t0)
			if detect && f != nil {
				t1 := time.Now()
				runDefault(f)
				detectT += time.Since(t1)
			}
		}
	}
	if detect && parseT > 0 {
		b.ReportMetric(100*float64(detectT)/float64(parseT), "detect-%")
	}
}

func BenchmarkParse(b *testing.B)          { benchParse(b, false) }
func BenchmarkParseAndDetect(b *testing.B) { benchParse(b, true) }

func BenchmarkDetect(b *testing.B) {
	for _, s := range testutil.Samples(b) {
		d, err := os.ReadFile(s.Path)
		if err != nil {
			b.Fatal(err)
		}
		f, _ := pe.Parse(context.Background(), d)
		if f == nil {
			continue
		}
		b.Run(s.Rel, func(b *testing.B) {
			for b.Loop() {
				runDefault(f)
			}
		})
	}
}
