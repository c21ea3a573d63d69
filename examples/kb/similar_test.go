package main

import (
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
	"github.com/filerep/filerep/internal/cli"
	"github.com/filerep/filerep/internal/testutil"
	"github.com/filerep/filerep/reputation"
)

// sampleReport returns a report line for a committed sample, named name
// in the report, with the digests of hash/ssdeep and hash/tlsh.
func sampleReport(t *testing.T, file, name string) (line, sha, ss, tl string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testutil.RepoRoot(), "testdata", "pe", file))
	require.NoError(t, err)
	sd, err := ssdeep.Sum(b)
	require.NoError(t, err)
	td, err := tlsh.Sum(b)
	require.NoError(t, err)
	h := sha256.Sum256(b)
	sha, ss, tl = hex.EncodeToString(h[:]), sd.String(), td.String()
	j, err := json.Marshal(map[string]any{"file": map[string]string{"name": name},
		"hashes": map[string]string{"sha256": sha, "ssdeep": ss, "tlsh": tl}})
	require.NoError(t, err)
	return string(j), sha, ss, tl
}

func TestSimilar(t *testing.T) {
	db := filepath.Join(t.TempDir(), "kb.sqlite")
	code, _, _ := kb(t, "", "-db", db, "create", "-empty")
	require.Equal(t, 0, code)
	console, cSHA, cSS, cTL := sampleReport(t, "mingw-console-x64.exe", "console.exe")
	signed, sSHA, _, _ := sampleReport(t, "signed-mingw-console-x64.exe", "signed\x1b[31m.exe")
	ts, tsSHA, _, _ := sampleReport(t, "signed-ts-mingw-console-x64.exe", "ts.exe")
	goLine, gSHA, _, _ := sampleReport(t, "go-amd64.exe", "go.exe")
	code, out, _ := kb(t, strings.Join([]string{console, signed, ts, goLine}, "\n"), "-db", db, "import", "reports", "-")
	require.Equal(t, 0, code, out)

	// By the SHA-256 of a known file: its signed copies, not itself; the
	// name's terminal escape is escaped.
	code, out, errs := kb(t, "", "-db", db, "similar", cSHA)
	require.Equal(t, 0, code, errs)
	assert.Equal(t, cSHA+`:
  ssdeep  97  tlsh   14  known      report   signed\x1b[31m.exe  sha256 `+sSHA+`
  ssdeep  93  tlsh   74  known      report   ts.exe  sha256 `+tsSHA+`
`, out)

	// By digests (TLSH alone, in tlsh 3.4's form): the file itself too.
	code, out, _ = kb(t, "", "-db", db, "similar", "-limit", "2", "-tlsh", strings.ToLower(cTL[2:]))
	require.Equal(t, 0, code)
	assert.Equal(t, strings.ToLower(cTL[2:])+`:
  ssdeep   -  tlsh    0  known      report   console.exe  sha256 `+cSHA+`
  ssdeep   -  tlsh   14  known      report   signed\x1b[31m.exe  sha256 `+sSHA+`
`, out)

	// -json.
	code, out, _ = kb(t, "", "-db", db, "-json", "similar", "-ssdeep", cSS, "-limit", "0")
	require.Equal(t, 0, code)
	var res similarResult
	require.NoError(t, json.Unmarshal([]byte(out), &res))
	assert.Equal(t, cSS, res.Query.SSDeep)
	require.Len(t, res.Similar, 3)
	assert.Equal(t, reputation.SimilarFile{Record: reputation.FileRecord{SHA256: cSHA, Name: "console.exe", Source: "report",
		Trust: reputation.TrustKnown, SSDeep: cSS, TLSH: cTL}, SSDeepScore: 100, TLSHDistance: -1}, res.Similar[0])
	assert.Equal(t, "signed\x1b[31m.exe", res.Similar[1].Record.Name, "JSON keeps the name as it is")

	// Nothing similar to Go's hello world: exit 1.
	code, out, _ = kb(t, "", "-db", db, "similar", gSHA)
	assert.Equal(t, cli.ExitFailed, code)
	assert.Equal(t, gSHA+": no similar file\n", out)
	code, out, _ = kb(t, "", "-db", db, "-json", "similar", gSHA)
	assert.Equal(t, cli.ExitFailed, code)
	assert.JSONEq(t, `{"query":{"hash":"`+gSHA+`","sha256":"`+gSHA+`","ssdeep":"`+mustDigest(t, db, gSHA)+`"},"similar":[]}`, out)
	code, out, _ = kb(t, "", "-db", db, "similar", emptySHA1)
	assert.Equal(t, cli.ExitFailed, code)
	assert.Equal(t, emptySHA1+": not a known file\n", out)

	// Usage errors, found before any work.
	for _, args := range [][]string{
		{"similar"},
		{"similar", cSHA, "-ssdeep", cSS},
		{"similar", "-ssdeep", cSS, cSHA},
		{"similar", "-ssdeep", "3:abc"},
		{"similar", "-tlsh", "T1AB"},
		{"similar", "xyz"},
		{"similar", "-limit", "-1", cSHA},
	} {
		code, _, errs := kb(t, "", append([]string{"-db", db}, args...)...)
		assert.Equal(t, cli.ExitUsage, code, "%q", args)
		assert.Contains(t, errs, "Run 'kb -h'", "%q", args)
	}
	code, out, _ = kb(t, "", "similar", "-h")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "-ssdeep")
	assert.Contains(t, out, "at least 50")
}

// mustDigest returns the ssdeep and TLSH digests the knowledge base holds
// for a SHA-256, as the JSON query shows them after "ssdeep".
func mustDigest(t *testing.T, db, sha string) string {
	t.Helper()
	code, out, _ := kb(t, "", "-db", db, "-json", "hash", sha)
	require.Equal(t, 0, code)
	var v struct{ Files []reputation.FileRecord }
	require.NoError(t, json.Unmarshal([]byte(out), &v))
	return v.Files[0].SSDeep + `","tlsh":"` + v.Files[0].TLSH
}
