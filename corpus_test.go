package filerep

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/filerep/filerep/internal/testutil"
	"github.com/filerep/filerep/reputation"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCorkamiWholePipeline runs every corkami file through the whole
// report (parse, detection, Authenticode, MUI, verdict over a knowledge
// base): no panic, no stdout output, a report with kind and hashes, under
// 2 s each, and bounded heap growth.
func TestCorkamiWholePipeline(t *testing.T) {
	files := testutil.CorpusFiles(t, "corkami")
	kb := reputation.NewMemKB()
	out := testutil.CaptureStdout(t, func() {
		for _, p := range files {
			b, err := os.ReadFile(p)
			require.NoError(t, err)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			ctx, cancel := context.WithTimeout(context.Background(), perFileLimit)
			start := time.Now()
			rep, _ := AnalyzeBytes(ctx, filepath.Base(p), b, WithKnowledgeBase(kb))
			elapsed := time.Since(start)
			cancel()
			runtime.GC()
			runtime.ReadMemStats(&after)
			runtime.KeepAlive(rep)
			require.NotNil(t, rep, p)
			assert.NotEmpty(t, rep.File.Kind, p)
			assert.Len(t, rep.Hashes.SHA256, 64, p)
			assert.NotNil(t, rep.Verdict, p)
			assert.Less(t, elapsed, perFileLimit, p)
			grown := int64(after.HeapAlloc) - int64(before.HeapAlloc)
			assert.LessOrEqual(t, grown, 32*int64(len(b))+8<<20, "%s: heap grew %d for %d bytes", p, grown, len(b))
		}
	})
	assert.Empty(t, string(out), "nothing may reach stdout")
}

// TestSamplesTruncatedWholePipeline: every sample cut at 65 lengths goes
// through the whole report without a panic and within the time limit.
func TestSamplesTruncatedWholePipeline(t *testing.T) {
	kb := reputation.NewMemKB()
	out := testutil.CaptureStdout(t, func() {
		for _, s := range testutil.Samples(t) {
			b, err := os.ReadFile(s.Path)
			require.NoError(t, err)
			for i := 0; i <= 64; i++ {
				n := len(b) * i / 64
				ctx, cancel := context.WithTimeout(context.Background(), perFileLimit)
				rep, _ := AnalyzeBytes(ctx, s.Rel, b[:n:n], WithKnowledgeBase(kb))
				require.NoError(t, ctx.Err(), "%s cut at %d", s.Rel, n)
				cancel()
				require.NotNil(t, rep)
				assert.Equal(t, int64(n), rep.File.Size)
			}
		}
	})
	assert.Empty(t, string(out))
}
