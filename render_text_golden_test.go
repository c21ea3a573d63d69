package filerep

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/filerep/filerep/internal/testutil"
	"github.com/filerep/filerep/reputation"
	"github.com/filerep/filerep/stats"
	"github.com/stretchr/testify/require"
)

// algTelemetry is the crowd summary of the seed page's alg.exe, from the
// samples examples/telemetry -generate writes (seed 1), rolled up by name.
func algTelemetry(t *testing.T) *stats.Summary {
	t.Helper()
	agg, err := stats.NewAggregator()
	require.NoError(t, err)
	seq, err := stats.Synthesize(stats.AlgExeProfile(), 1)
	require.NoError(t, err)
	for s := range seq {
		require.NoError(t, agg.Add(s))
	}
	sum, ok := agg.NameSummary("alg.exe")
	require.True(t, ok)
	return sum
}

// seedPageKB is the embedded seed, plus a record that a Windows catalog
// signed by Microsoft Windows lists the spoof-msft.exe sample: it stands
// for the host's CatRoot, which no committed test catalog can be for this
// sample, so that the seed page's evidence (catalog-signed, in its system
// folder) holds for it.
func seedPageKB(t *testing.T, authentihash string) reputation.KnowledgeBase {
	t.Helper()
	kb := reputation.NewMemKB()
	ctx := context.Background()
	require.NoError(t, reputation.Seed(ctx, kb))
	require.NoError(t, kb.Update(ctx, func(tx reputation.Tx) error {
		return tx.PutCatalogMember(reputation.CatalogMember{Hash: authentihash, Catalog: "Package_alg.cat",
			Signer: "CN=Microsoft Windows, O=Microsoft Corporation, L=Redmond, S=Washington, C=US"})
	}))
	return kb
}

// TestWriteTextGolden keeps the text layout under review: each case's
// output is testdata/golden/text/<name>.txt (rewrite with go test . -run
// TestWriteTextGolden -update and review the diff).
func TestWriteTextGolden(t *testing.T) {
	root := testutil.RepoRoot()
	spoof, err := os.ReadFile(filepath.Join(root, "testdata", "pe", "spoof-msft.exe"))
	require.NoError(t, err)
	plain, _ := AnalyzeBytes(context.Background(), "alg.exe", spoof, WithoutSatellites())
	require.NotEmpty(t, plain.Hashes.Authentihash)
	seedPage := []Option{WithoutSatellites(), WithKnowledgeBase(seedPageKB(t, plain.Hashes.Authentihash)),
		WithHostPath(`C:\Windows\System32\alg.exe`), WithTelemetry(algTelemetry(t))}

	tests := []struct {
		golden string
		report func() *FileReport
		text   []TextOption
	}{
		// The seed page: the generated alg.exe sample with its telemetry,
		// found in its system folder and listed by a Microsoft catalog.
		{"alg.exe-seed-page", func() *FileReport {
			rep, err := AnalyzeBytes(context.Background(), "alg.exe", spoof, seedPage...)
			require.NoError(t, err)
			return rep
		}, nil},
		// The same in French, as the seed page's process properties are.
		{"alg.exe-seed-page-fr-FR", func() *FileReport {
			rep, err := AnalyzeBytes(context.Background(), "alg.exe", spoof, append(seedPage, WithLanguage("fr-FR"))...)
			require.NoError(t, err)
			return rep
		}, []TextOption{TextLanguage("fr-FR")}},
		// No telemetry, no knowledge base: what the file alone says.
		{"mingw-service-x86.exe", func() *FileReport {
			rep, err := Analyze(context.Background(), "testdata/pe/mingw-service-x86.exe")
			require.NoError(t, err)
			return rep
		}, nil},
		// A language-neutral file shown in French from its satellite.
		{"mui-app.exe-fr-FR", func() *FileReport {
			rep, err := Analyze(context.Background(), "testdata/pe/mui/app.exe", WithLanguage("fr-FR"))
			require.NoError(t, err)
			return rep
		}, nil},
		// Not a Windows executable.
		{"notes.txt", func() *FileReport {
			rep, _ := AnalyzeBytes(context.Background(), "notes.txt", []byte("hello, world\n"))
			return rep
		}, nil},
		// A file that could not be read.
		{"missing.exe", func() *FileReport {
			rep, err := Analyze(context.Background(), "testdata/no-such-dir/missing.exe")
			require.Error(t, err)
			return rep
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, tt.report().WriteText(&b, tt.text...))
			assertTerminalSafe(t, b.String())
			testutil.Golden(t, filepath.Join(root, "testdata", "golden", "text", tt.golden+".txt"), b.Bytes())
		})
	}
}
