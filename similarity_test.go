package filerep

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/filerep/filerep/hash"
	"github.com/filerep/filerep/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSimilarityDigestsInReport: with WithHashes asking for them, the
// report carries ssdeep and TLSH, computed in the same read, equal to what
// Debian's ssdeep 2.14.1 and tlsh 3.4.4 printed for the sample
// (hash/ssdeep/testdata/digests.tsv, hash/tlsh/testdata/digests.tsv); by
// default it carries neither.
func TestSimilarityDigestsInReport(t *testing.T) {
	p := filepath.Join(testutil.RepoRoot(), "testdata", "pe", "mingw-console-x64.exe")
	rep, err := Analyze(context.Background(), p, WithHashes(hash.EveryDigest))
	require.NoError(t, err)
	assert.Equal(t, "768:uQ/WZQkMHn9cNmdWGDbaGQVNmrD8SLmw1K9wWtAMLD:VAQkwn9zQGDmGQfmrD8SsDLD", rep.Hashes.SSDeep)
	assert.Equal(t, "T1D6134B4BB3E754FCE197C2B449F717729832FC220576AA6E07A4D2752E20C509B3DA36", rep.Hashes.TLSH)
	assert.NotEmpty(t, rep.Hashes.MD5)

	rep, err = Analyze(context.Background(), p)
	require.NoError(t, err)
	assert.Empty(t, rep.Hashes.SSDeep)
	assert.Empty(t, rep.Hashes.TLSH)

	// TLSH refuses a tiny input, as the tool does: no digest, no error.
	rep, _ = AnalyzeBytes(context.Background(), "tiny", []byte("MZ tiny"), WithHashes(hash.EveryDigest))
	assert.Empty(t, rep.Hashes.TLSH)
	assert.NotEmpty(t, rep.Hashes.SSDeep)
}
