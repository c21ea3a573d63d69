package reputation_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/filerep/filerep/hash/ssdeep"
	"github.com/filerep/filerep/hash/tlsh"
	"github.com/filerep/filerep/internal/testutil"
	"github.com/filerep/filerep/reputation"
)

// sampleRecord reads a committed sample and returns its record, with the
// digests that hash/ssdeep and hash/tlsh compute (their agreement with
// the reference tools is tested in hash/).
func sampleRecord(t *testing.T, name string) reputation.FileRecord {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testutil.RepoRoot(), "testdata", "pe", name))
	require.NoError(t, err)
	ss, err := ssdeep.Sum(b)
	require.NoError(t, err)
	tl, err := tlsh.Sum(b)
	require.NoError(t, err)
	h := sha256.Sum256(b)
	return reputation.FileRecord{SHA256: hex.EncodeToString(h[:]), Name: name, Source: "test", Trust: reputation.TrustKnown,
		SSDeep: ss.String(), TLSH: tl.String()}
}

// Rebuilds of testdata/src/mingw/console.c (x86_64-w64-mingw32-gcc 12, the
// flags of testdata/build.sh but -O0, -O1 or -O2 for -Os and without the
// version resource), digests computed with hash/ssdeep and hash/tlsh: the
// binaries are not committed, the digests are what the knowledge base
// would hold for them.
var consoleRebuilds = []reputation.FileRecord{
	{SHA256: "00000000000000000000000000000000000000000000000000000000000000f0", Name: "console-O0.exe", Source: "rebuild", Trust: reputation.TrustKnown,
		SSDeep: "768:J4PxSDkeNn9cNmdWGx0Cq0C9Mxr+wMDpmw0MGuFHiNA:wADkUn9zQGx090Cexr+wMDPa",
		TLSH:   "T1E9136B4BB39794FDC187C2B845E76772E872FC220974AA7E4764E6302E20D509B3D639"},
	{SHA256: "00000000000000000000000000000000000000000000000000000000000000f1", Name: "console-O1.exe", Source: "rebuild", Trust: reputation.TrustKnown,
		SSDeep: "768:7hnwH5krUn9cNmdWGsGelPcBWremY1mwhhTW4tA:x05kQn9zQGsFlPiWremYx",
		TLSH:   "T133136C0BB3A754FCE14BC1B849EB5B72D872BC120575AA7F0764E6302E20D50A73D63A"},
	{SHA256: "00000000000000000000000000000000000000000000000000000000000000f2", Name: "console-O2.exe", Source: "rebuild", Trust: reputation.TrustKnown,
		SSDeep: "768:toOzX6BU5Pk8Xn9cNmdWGTraWA+t7rzkRDwmwl9YAmZltA:DzqkPkQn9zQGTWWAM7rzkRDpb",
		TLSH:   "T111135C4BB39B94FCD147C1B849E72B769832FC220575AE2F1364E6702E21D50973DA3A"},
}

// The knowledge base finds the same program with a signature added, and
// rebuilt with other optimisation flags, as similar to the committed
// sample, and does not find programs built from other sources.
func TestSimilarSamples(t *testing.T) {
	ctx := context.Background()
	kb := reputation.NewMemKB()
	names := []string{
		"mingw-console-x64.exe", "signed-mingw-console-x64.exe", "signed-ts-mingw-console-x64.exe",
		"go-amd64.exe", "nasm-tiny.exe", "clang-msvc-x64.exe", "clang-mingw-x64.exe",
		"mingw-gui-x64.exe", "spoof-msft.exe", "mingw-console-x86.exe",
	}
	recs := map[string]reputation.FileRecord{}
	require.NoError(t, kb.Update(ctx, func(tx reputation.Tx) error {
		for _, n := range names {
			recs[n] = sampleRecord(t, n)
			if err := tx.PutFile(recs[n]); err != nil {
				return err
			}
		}
		for _, r := range consoleRebuilds {
			if err := tx.PutFile(r); err != nil {
				return err
			}
		}
		return nil
	}))
	similarNames := func(r reputation.FileRecord) []string {
		t.Helper()
		got, err := kb.Similar(ctx, r.SSDeep, r.TLSH, r.SHA256, 0)
		if err != nil {
			require.ErrorIs(t, err, reputation.ErrNotFound)
		}
		var out []string
		for _, f := range got {
			out = append(out, f.Record.Name)
		}
		return out
	}

	// The console program: its signed copies (ssdeep 97 and 93) and its
	// rebuilds (TLSH 31 to 43); not clang's hello world (TLSH 54), nor
	// the same source for x86 (153).
	console := recs["mingw-console-x64.exe"]
	got, err := kb.Similar(ctx, console.SSDeep, console.TLSH, console.SHA256, 0)
	require.NoError(t, err)
	want := map[string][2]int{ // name → ssdeep score, TLSH distance
		"signed-mingw-console-x64.exe":    {97, 14},
		"signed-ts-mingw-console-x64.exe": {93, 74},
		"console-O2.exe":                  {40, 31},
		"console-O0.exe":                  {35, 43},
		"console-O1.exe":                  {43, 43},
	}
	var order []string
	for _, f := range got {
		order = append(order, f.Record.Name)
		assert.Equal(t, want[f.Record.Name], [2]int{f.SSDeepScore, f.TLSHDistance}, f.Record.Name)
	}
	assert.Equal(t, []string{"signed-mingw-console-x64.exe", "signed-ts-mingw-console-x64.exe",
		"console-O2.exe", "console-O1.exe", "console-O0.exe"}, order, "most similar first")

	// The signed copy finds the unsigned program and the other copy.
	assert.Subset(t, similarNames(recs["signed-mingw-console-x64.exe"]), []string{"mingw-console-x64.exe", "signed-ts-mingw-console-x64.exe"})

	// Unrelated programs find nothing: Go's hello world, the hand-written
	// nasm file, and the two small, mostly-zero files that ssdeep scores
	// 35 against each other.
	for _, n := range []string{"go-amd64.exe", "nasm-tiny.exe", "clang-msvc-x64.exe", "mingw-gui-x64.exe", "spoof-msft.exe"} {
		assert.Empty(t, similarNames(recs[n]), n)
	}
	r := recs["go-amd64.exe"]
	all, err := kb.Similar(ctx, r.SSDeep, r.TLSH, "", 0)
	require.NoError(t, err)
	assert.Equal(t, []reputation.SimilarFile{{Record: r, SSDeepScore: 100, TLSHDistance: 0}}, all, "only itself")
	tiny, msvc := recs["nasm-tiny.exe"], recs["clang-msvc-x64.exe"]
	sd, _ := ssdeep.Parse(tiny.SSDeep)
	sm, _ := ssdeep.Parse(msvc.SSDeep)
	assert.Equal(t, 35, ssdeep.Compare(sd, sm), "below SimilarSSDeepScore")
}

// Layered merges the layers' answers, one per record, most similar first.
func TestLayeredSimilar(t *testing.T) {
	ctx := context.Background()
	console, signed, ts := sampleRecord(t, "mingw-console-x64.exe"), sampleRecord(t, "signed-mingw-console-x64.exe"), sampleRecord(t, "signed-ts-mingw-console-x64.exe")
	signedBad := signed
	signedBad.Source, signedBad.Trust = "hashlist", reputation.TrustBad
	a, b := reputation.NewMemKB(), reputation.NewMemKB()
	put := func(kb *reputation.MemKB, rs ...reputation.FileRecord) {
		require.NoError(t, kb.Update(ctx, func(tx reputation.Tx) error {
			for _, r := range rs {
				if err := tx.PutFile(r); err != nil {
					return err
				}
			}
			return nil
		}))
	}
	put(a, console, ts, consoleRebuilds[0])
	put(b, console, ts, signed, signedBad) // console and ts in both layers
	l := reputation.Layered{a, struct{ reputation.KnowledgeBase }{b}, b}
	got, err := l.Similar(ctx, console.SSDeep, console.TLSH, console.SHA256, 0)
	require.NoError(t, err)
	var names []string
	for _, f := range got {
		names = append(names, f.Record.Source+":"+f.Record.Name)
	}
	assert.Equal(t, []string{"hashlist:signed-mingw-console-x64.exe", "test:signed-mingw-console-x64.exe",
		"test:signed-ts-mingw-console-x64.exe", "rebuild:console-O0.exe"}, names)
	got, err = l.Similar(ctx, console.SSDeep, console.TLSH, console.SHA256, 2)
	require.NoError(t, err)
	assert.Len(t, got, 2)

	_, err = reputation.FindSimilar(ctx, struct{ reputation.KnowledgeBase }{a}, console.SSDeep, "", "", 0)
	assert.ErrorIs(t, err, errors.ErrUnsupported)
	got, err = reputation.FindSimilar(ctx, a, console.SSDeep, "", "", 1)
	require.NoError(t, err)
	assert.Equal(t, "mingw-console-x64.exe", got[0].Record.Name)
	_, err = reputation.Layered{}.Similar(ctx, console.SSDeep, "", "", 0)
	assert.ErrorIs(t, err, reputation.ErrNotFound)
}
