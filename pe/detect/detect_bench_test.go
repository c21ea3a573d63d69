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

// BenchmarkParseAndDetectCorpus is the same measurement on the real files
// of testdata/corpus.tsv that are on this machine (bench/realpe-lang.sh
// fetches them; the benchmark skips without them). The committed samples
// are test binaries of a few KB, where Detect's fixed cost per file weighs
// most; real files are what a scan meets.
//
//	go test ./pe/detect/ -run '^$' -bench ParseAndDetectCorpus -benchtime 1x
func BenchmarkParseAndDetectCorpus(b *testing.B) {
	var paths []string
	for _, e := range readCorpus(b) {
		if st, err := os.Stat(e.path); err == nil && st.Size() <= 64<<20 {
			paths = append(paths, e.path)
		}
	}
	if len(paths) < 100 {
		b.Skipf("only %d corpus.tsv files on this machine", len(paths))
	}
	var parseT, detectT time.Duration
	var total int64
	for b.Loop() {
		for _, p := range paths {
			b.StopTimer()
			s, err := os.ReadFile(p)
			b.StartTimer()
			if err != nil {
				continue
			}
			total += int64(len(s))
			t0 := time.Now()
			f, _ := pe.Parse(context.Background(), s)
			parseT += time.Since(t0)
			if f != nil {
				t1 := time.Now()
				runDefault(f)
				detectT += time.Since(t1)
			}
		}
	}
	b.ReportMetric(float64(len(paths)), "files")
	b.ReportMetric(100*float64(detectT)/float64(parseT), "detect-%")
}
