package filerep

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/filerep/filerep/internal/testutil"
	"github.com/filerep/filerep/pe"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// countdownCtx reports its deadline as passed from the after-th call of
// Err on: a deadline at a chosen point of the work, with no clock.
type countdownCtx struct {
	context.Context
	calls atomic.Int64
	after int64
}

func (c *countdownCtx) Err() error {
	if c.calls.Add(1) > c.after {
		return context.DeadlineExceeded
	}
	return nil
}

// TestDeadlineKeepsHeadersAndSections: a deadline that passes while the
// directories are read (dotnet-cs.exe used to come back as kind not-pe,
// with no sections, under a 100 µs deadline) leaves a report with the
// headers, the kind and the sections, and an error that is both
// pe.ErrPartial and the context's.
func TestDeadlineKeepsHeadersAndSections(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(testutil.RepoRoot(), "testdata", "pe", "dotnet-cs.exe"))
	require.NoError(t, err)
	full, err := AnalyzeBytes(context.Background(), "dotnet-cs.exe", b)
	require.NoError(t, err)
	partials := 0
	for after := int64(0); after < 200; after++ {
		ctx := &countdownCtx{Context: context.Background(), after: after}
		rep, err := AnalyzeBytes(ctx, "dotnet-cs.exe", b)
		if err == nil {
			break // the whole analysis fits in this many checks
		}
		require.ErrorIs(t, err, context.DeadlineExceeded)
		if !errors.Is(err, pe.ErrPartial) {
			continue // cut before the headers were read, or in the hashes
		}
		partials++
		assert.Equal(t, full.File.Kind, rep.File.Kind, "after %d checks", after)
		assert.Equal(t, len(full.Sections), len(rep.Sections), "after %d checks", after)
		require.NotNil(t, rep.DNA, "after %d checks", after)
		assert.Equal(t, full.DNA.Machine, rep.DNA.Machine)
	}
	assert.Positive(t, partials, "no deadline fell inside the parse")
}
