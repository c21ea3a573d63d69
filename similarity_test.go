package filerep

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/filerep/filerep/hash"
	"github.com/filerep/filerep/internal/testutil"
	"github.com/filerep/filerep/reputation"
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

// TestSimilarFilesFromKnowledgeBase: a knowledge base that knows the
// signed build of a program (its report imported with its digests) names
// it under similar_files when the unsigned build is analysed; it does not
// name an unrelated program it also knows.
func TestSimilarFilesFromKnowledgeBase(t *testing.T) {
	dir := filepath.Join(testutil.RepoRoot(), "testdata", "pe")
	ctx := context.Background()
	kb := reputation.NewMemKB()
	for _, f := range []string{"signed-mingw-console-x64.exe", "go-amd64.exe", "nasm-tiny.exe"} {
		rep, err := Analyze(ctx, filepath.Join(dir, f), WithHashes(hash.EveryDigest))
		require.NoError(t, err)
		require.NoError(t, kb.Update(ctx, func(tx reputation.Tx) error {
			return tx.PutFile(reputation.FileRecord{SHA256: rep.Hashes.SHA256, Name: f, Source: "test", Trust: reputation.TrustGood,
				SSDeep: rep.Hashes.SSDeep, TLSH: rep.Hashes.TLSH})
		}))
	}
	rep, err := Analyze(ctx, filepath.Join(dir, "mingw-console-x64.exe"), WithHashes(hash.EveryDigest), WithKnowledgeBase(kb))
	require.NoError(t, err)
	require.Len(t, rep.SimilarFiles, 1, "%+v", rep.SimilarFiles)
	s := rep.SimilarFiles[0]
	assert.Equal(t, "signed-mingw-console-x64.exe", s.Name)
	assert.GreaterOrEqual(t, s.SSDeepScore, reputation.SimilarSSDeepScore)
	assert.LessOrEqual(t, s.TLSHDistance, reputation.SimilarTLSHDistance)
	assert.Equal(t, "known-good", s.Trust)
	var text strings.Builder
	require.NoError(t, rep.WriteText(&text))
	assert.Contains(t, text.String(), "- similar to signed-mingw-console-x64.exe")

	// Without the similarity digests nothing is looked up.
	rep, err = Analyze(ctx, filepath.Join(dir, "mingw-console-x64.exe"), WithKnowledgeBase(kb))
	require.NoError(t, err)
	assert.Empty(t, rep.SimilarFiles)
}
