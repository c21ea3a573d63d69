package store_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/filerep/filerep/hash/ssdeep"
	"github.com/filerep/filerep/hash/tlsh"
	"github.com/filerep/filerep/internal/testutil"
	"github.com/filerep/filerep/reputation"
	"github.com/filerep/filerep/reputation/store"
)

// reportOf returns a report line for a committed sample with the digests
// hash/ssdeep and hash/tlsh compute, TLSH in tlsh 3.4's form when hexOnly.
func reportOf(t *testing.T, name string, hexOnly bool) (line string, sha, ss, tl string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testutil.RepoRoot(), "testdata", "pe", name))
	require.NoError(t, err)
	sd, err := ssdeep.Sum(b)
	require.NoError(t, err)
	td, err := tlsh.Sum(b)
	require.NoError(t, err)
	h := sha256.Sum256(b)
	sha, ss, tl = hex.EncodeToString(h[:]), sd.String(), td.String()
	in := tl
	if hexOnly {
		in = td.Hex()
	}
	j, err := json.Marshal(map[string]any{
		"schema": "filerep/v1",
		"file":   map[string]string{"name": name},
		"hashes": map[string]string{"sha256": sha, "ssdeep": ss, "tlsh": in},
	})
	require.NoError(t, err)
	return string(j), sha, ss, tl
}

// ImportReports carries hashes.ssdeep and hashes.tlsh into the records,
// and the knowledge base then finds the signed copy of a sample as similar
// to it, and not an unrelated program.
func TestImportReportsSimilarity(t *testing.T) {
	console, cSHA, cSS, cTL := reportOf(t, "mingw-console-x64.exe", false)
	signed, sSHA, sSS, sTL := reportOf(t, "signed-mingw-console-x64.exe", true)
	goLine, gSHA, gSS, gTL := reportOf(t, "go-amd64.exe", false)
	tiny, _, _, _ := reportOf(t, "nasm-tiny.exe", false)
	lines := []string{console, signed, goLine, tiny,
		`{"file":{"name":"bad.exe"},"hashes":{"sha256":"` + emptySHA256 + `","ssdeep":"3:abc"}}`,
		`{"file":{"name":"bad.exe"},"hashes":{"sha256":"` + emptySHA256 + `","tlsh":"T1ABC"}}`,
	}
	for kind, kb := range kbs(t) {
		t.Run(kind, func(t *testing.T) {
			ctx := context.Background()
			res, err := store.ImportReports(ctx, kb, strings.NewReader(strings.Join(lines, "\n")))
			require.NoError(t, err)
			assert.Equal(t, int64(4), res.Imported)
			assert.Equal(t, int64(2), res.BadCount)
			for _, b := range res.Bad {
				assert.Contains(t, b.Reason, "bad hash")
			}
			got, err := kb.Files(ctx, sSHA)
			require.NoError(t, err)
			assert.Equal(t, sSS, got[0].SSDeep)
			assert.Equal(t, sTL, got[0].TLSH, "stored in the T1 form")

			idx := kb.(reputation.SimilarityIndex)
			sim, err := idx.Similar(ctx, cSS, cTL, cSHA, 0)
			require.NoError(t, err)
			require.Len(t, sim, 1)
			assert.Equal(t, "signed-mingw-console-x64.exe", sim[0].Record.Name)
			assert.Equal(t, 97, sim[0].SSDeepScore)
			assert.Equal(t, 14, sim[0].TLSHDistance)
			_, err = idx.Similar(ctx, gSS, gTL, gSHA, 0)
			assert.ErrorIs(t, err, reputation.ErrNotFound, "nothing is similar to Go's hello world")
		})
	}
}
