package pe

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/filerep/filerep/hash"
	"github.com/filerep/filerep/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// parseBounded parses b and checks the hostile-input guarantees: no panic
// (Parse recovers the dependency's), no stdout output, done within the
// deadline, and heap growth bounded by a small multiple of the size.
func parseBounded(t *testing.T, name string, b []byte, measure bool) (*File, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), perFileLimit)
	defer cancel()
	var (
		f   *File
		err error
	)
	var before, after runtime.MemStats
	if measure {
		runtime.GC()
		runtime.ReadMemStats(&before)
	}
	start := time.Now()
	out := testutil.CaptureStdout(t, func() { f, err = Parse(ctx, b) })
	elapsed := time.Since(start)
	if !measure {
		return f, err
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(f)
	assert.Empty(t, string(out), "%s: the parser wrote to stdout", name)
	assert.NotErrorIs(t, err, context.DeadlineExceeded, "%s: not parsed within 2 s", name)
	assert.Less(t, elapsed, perFileLimit, name)
	// Heap growth: what the parse keeps live (the File), and what it
	// allocated in all, garbage included, each against its bound.
	grown := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	limit := 32*int64(len(b)) + 8<<20
	assert.LessOrEqual(t, grown, limit, "%s: heap grew %d bytes for a %d-byte file", name, grown, len(b))
	total := int64(after.TotalAlloc - before.TotalAlloc)
	assert.LessOrEqual(t, total, 64*int64(len(b))+16<<20, "%s: allocated %d bytes for a %d-byte file", name, total, len(b))
	return f, err
}

func TestCorkamiCorpus(t *testing.T) {
	files := testutil.CorpusFiles(t, "corkami")
	notPE, partial := 0, 0
	for _, p := range files {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		f, err := parseBounded(t, filepath.Base(p), b, true)
		switch {
		case f == nil:
			notPE++
			assert.Error(t, err, p)
		case err != nil:
			partial++
		}
		if f != nil {
			assert.NotEmpty(t, f.Kind, p)
		}
	}
	t.Logf("%d files: %d not parsed as PE, %d partial", len(files), notPE, partial)
}

func TestSamplesTruncated(t *testing.T) {
	for _, s := range testutil.Samples(t) {
		b, err := os.ReadFile(s.Path)
		require.NoError(t, err)
		const cuts = 64
		for i := 0; i <= cuts; i++ {
			n := len(b) * i / cuts
			parseBounded(t, s.Rel, b[:n:n], i%8 == 0)
		}
	}
}

// TestByteHistograms: the partition-counted histograms equal direct
// counts, for the samples and for overlapping and out-of-file sections.
func TestByteHistograms(t *testing.T) {
	check := func(name string, b []byte, h *Header, secs []Section) {
		whole, per, err := byteHistograms(nil, b, h, secs)
		require.NoError(t, err)
		var want hash.Histogram
		want.Add(b)
		assert.Equal(t, want, whole, name)
		for i := range secs {
			var ws hash.Histogram
			lo, hi := secs[i].rawRange(h.FileAlignment, int64(len(b)))
			if hi > lo {
				ws.Add(b[lo:hi])
			}
			assert.Equal(t, ws, per[i], "%s section %d", name, i)
		}
	}
	for _, s := range testutil.Samples(t) {
		b, err := os.ReadFile(s.Path)
		require.NoError(t, err)
		f, err := Parse(context.Background(), b, WithFast(true))
		if f == nil {
			continue
		}
		check(s.Rel, b, &f.Header, f.Sections)
	}
	b := make([]byte, 10000)
	for i := range b {
		b[i] = byte(i * 31)
	}
	h := &Header{FileAlignment: 0x10}
	secs := []Section{
		{RawOffset: 100, RawSize: 5000},
		{RawOffset: 2000, RawSize: 1000}, // inside the first
		{RawOffset: 4000, RawSize: 9000}, // overlaps the first, runs past the end
		{RawOffset: 20000, RawSize: 10},  // outside the file
		{RawOffset: 100, RawSize: 0},
	}
	check("synthetic overlaps", b, h, secs)
}
