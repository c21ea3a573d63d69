package filerep

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/filerep/filerep/internal/testutil"
	"github.com/filerep/filerep/pe"
	"github.com/filerep/filerep/reputation"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/zeebo/blake3"
)

func hexOf(sum []byte) string { return hex.EncodeToString(sum) }

func TestAnalyzeNotPE(t *testing.T) {
	b := []byte("this is not a portable executable")
	rep, err := AnalyzeBytes(context.Background(), "notes.txt", b)
	require.ErrorIs(t, err, pe.ErrNotPE)
	assert.Equal(t, KindNotPE, rep.File.Kind)
	assert.Equal(t, int64(len(b)), rep.File.Size)
	m := md5.Sum(b)
	assert.Equal(t, hexOf(m[:]), rep.Hashes.MD5)
	require.NotNil(t, rep.File.Entropy)
	assert.Greater(t, *rep.File.Entropy, 3.0)
	assert.Nil(t, rep.DNA)
	require.Len(t, rep.Errors, 1)
	assert.Contains(t, rep.Errors[0], "not a PE")
}

func TestAnalyzeUnreadable(t *testing.T) {
	rep, err := Analyze(context.Background(), filepath.Join(t.TempDir(), "missing.exe"))
	require.ErrorIs(t, err, fs.ErrNotExist)
	assert.Equal(t, "missing.exe", rep.File.Name)
	assert.NotEmpty(t, rep.Errors)
	assert.Empty(t, rep.Hashes.MD5)

	_, err = Analyze(context.Background(), t.TempDir())
	require.ErrorIs(t, err, ErrNotRegular)
}

func TestAnalyzeEmptyFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "empty")
	require.NoError(t, os.WriteFile(p, nil, 0o644))
	rep, err := Analyze(context.Background(), p)
	require.ErrorIs(t, err, pe.ErrNotPE)
	assert.Equal(t, "d41d8cd98f00b204e9800998ecf8427e", rep.Hashes.MD5)
}

func TestAnalyzeBadOption(t *testing.T) {
	_, err := AnalyzeBytes(context.Background(), "x", nil, WithMaxInMemory(1))
	require.ErrorIs(t, err, ErrOptions)
}

func TestAnalyzeCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	samples := testutil.Samples(t)
	_, err := Analyze(ctx, samples[0].Path)
	require.ErrorIs(t, err, context.Canceled)
}

// TestAnalyzeSamples checks every committed sample against independent
// digests and against its golden report (testdata/golden/<name>.json;
// rewrite with go test -update and review the diff).
func TestAnalyzeSamples(t *testing.T) {
	root := testutil.RepoRoot()
	for _, s := range testutil.Samples(t) {
		rel := s.Rel
		t.Run(rel, func(t *testing.T) {
			b, err := os.ReadFile(s.Path)
			require.NoError(t, err)
			rep, err := Analyze(context.Background(), s.Path)
			require.NotNil(t, rep)
			if err != nil {
				require.NotEmpty(t, rep.Errors)
			}
			s1, s256 := sha1.Sum(b), sha256.Sum256(b)
			b3 := blake3.Sum256(b)
			assert.Equal(t, hexOf(s1[:]), rep.Hashes.SHA1)
			assert.Equal(t, hexOf(s256[:]), rep.Hashes.SHA256)
			assert.Equal(t, hexOf(b3[:]), rep.Hashes.BLAKE3)
			assert.NotEqual(t, KindNotPE, rep.File.Kind, "samples are PE files")

			rep.File.Path = "testdata/pe/" + rel // golden files hold no absolute or temporary paths
			rep.File.Name = filepath.Base(rel)
			got, err := json.MarshalIndent(rep, "", "  ")
			require.NoError(t, err)
			golden := filepath.Join(root, "testdata", "golden", filepath.FromSlash(rel)+".json")
			testutil.Golden(t, golden, append(got, '\n'))
		})
	}
}

// TestAnalyzeLargeFileStreams forces the streaming path with a tiny
// in-memory cap: the hashes must not change, the headers are still read.
func TestAnalyzeLargeFileStreams(t *testing.T) {
	p := filepath.Join(testutil.RepoRoot(), "testdata", "pe", "go-amd64.exe")
	full, err := Analyze(context.Background(), p)
	require.NotNil(t, full)
	_ = err
	small, _ := Analyze(context.Background(), p, WithMaxInMemory(4096), WithStreamAbove(4096))
	assert.Equal(t, full.Hashes.SHA256, small.Hashes.SHA256)
	assert.Equal(t, full.Hashes.MD5, small.Hashes.MD5)
	assert.Empty(t, small.Hashes.Imphash, "imports are not read from a headers-only parse")
	assert.Equal(t, full.File.Entropy, small.File.Entropy)
	require.NotNil(t, small.DNA)
	assert.Equal(t, full.DNA.Subsystem, small.DNA.Subsystem)
	assert.Equal(t, len(full.Sections), len(small.Sections))
	assert.Contains(t, strings.Join(small.Errors, "\n"), "only the headers were parsed")
}

func TestAnalyzeReaderAtMatchesPath(t *testing.T) {
	p := testutil.Samples(t)[0].Path
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	a, _ := Analyze(context.Background(), p)
	r, _ := AnalyzeReaderAt(context.Background(), p, bytes.NewReader(b), int64(len(b)))
	c, _ := AnalyzeBytes(context.Background(), p, b)
	assert.Equal(t, a, r)
	assert.Equal(t, a, c)
}

func TestAnalyzeNoStdoutNoise(t *testing.T) {
	out := testutil.CaptureStdout(t, func() {
		for _, s := range testutil.Samples(t) {
			p := s.Path
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			_, _ = Analyze(ctx, p)
			cancel()
		}
	})
	assert.Empty(t, string(out))
}

func TestHumanSize(t *testing.T) {
	for n, want := range map[int64]string{
		0:        "0 bytes",
		1023:     "1,023 bytes",
		59392:    "58 KB (59,392 bytes)",
		1 << 20:  "1.00 MB (1,048,576 bytes)",
		-1234567: "-1,234,567 bytes",
	} {
		assert.Equal(t, want, HumanSize(n), n)
	}
}

// TestAnalyzeLargeOverlayImageParsed: a file above the cap whose image
// fits under it is parsed in full, and its overlay's entropy is derived
// from the streamed histogram without holding the overlay.
func TestAnalyzeLargeOverlayImageParsed(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(testutil.RepoRoot(), "testdata", "pe", "nsis-installer.exe"))
	require.NoError(t, err)
	extra := make([]byte, 1<<20) // a bigger overlay, part random, part zero
	_, _ = rand.NewChaCha8([32]byte{7}).Read(extra[:1<<19])
	b = append(b, extra...)
	full, _ := AnalyzeBytes(context.Background(), "nsis-installer.exe", b)
	require.NotNil(t, full.PE)
	require.NotNil(t, full.PE.Overlay)
	capped, _ := AnalyzeReaderAt(context.Background(), "nsis-installer.exe", bytes.NewReader(b), int64(len(b)),
		WithStreamAbove(full.PE.Overlay.Offset+4096))
	require.Less(t, full.PE.Overlay.Offset+4096, int64(len(b)), "the streaming path is taken")
	assert.Empty(t, capped.Errors)
	assert.Empty(t, capped.Hashes.Authentihash, "a streamed unsigned file gets no authentihash")
	capped.Hashes.Authentihash = full.Hashes.Authentihash
	assert.Equal(t, full.Hashes, capped.Hashes)
	assert.Equal(t, full.VersionInfo, capped.VersionInfo)
	assert.Equal(t, full.Sections, capped.Sections)
	require.NotNil(t, capped.PE.Overlay)
	assert.Equal(t, full.PE.Overlay.Offset, capped.PE.Overlay.Offset)
	assert.Equal(t, full.PE.Overlay.Size, capped.PE.Overlay.Size)
	assert.InDelta(t, full.PE.Overlay.Entropy, capped.PE.Overlay.Entropy, 1e-9)
}

func TestAnalyzeLocalized(t *testing.T) {
	p := filepath.Join(testutil.RepoRoot(), "testdata", "pe", "mui", "app.exe")
	for lang, want := range map[string][2]string{
		"fr-FR": {"fr-FR", "Exemple MUI filerep"},
		"ja-JP": {"ja-JP", "filerep MUI サンプル"},
		"de-DE": {"en-US", "filerep MUI sample"}, // de-DE's checksum does not match
		"":      {"en-US", "filerep MUI sample"},
	} {
		rep, err := Analyze(context.Background(), p, WithLanguage(lang))
		require.NoError(t, err)
		require.NotNil(t, rep.Localized, lang)
		assert.Equal(t, want[0], rep.Localized.Language, lang)
		assert.Equal(t, want[1], rep.Localized.VersionInfo.FileDescription, lang)
		assert.Equal(t, "app.exe.mui", rep.Localized.VersionInfo.OriginalFilename)
		assert.Equal(t, "app.exe", rep.VersionInfo.OriginalFilename, "the file's own version info is kept")
		assert.Equal(t, want[0]+`\app.exe.mui`, rep.MUI.SatellitePath)
	}
	rep, err := Analyze(context.Background(), p, WithLanguage("fr-FR"))
	require.NoError(t, err)
	var display string
	for _, s := range rep.Localized.Strings {
		if s.ID == 112 {
			display = s.Value
		}
	}
	assert.Equal(t, "Service de la passerelle de la couche Application", display)

	rep, err = Analyze(context.Background(), p, WithoutSatellites())
	require.NoError(t, err)
	assert.Nil(t, rep.Localized)
}

// testRoots returns the committed test PKI's root certificate.
func testRoots(t *testing.T) *x509.Certificate {
	b, err := os.ReadFile(filepath.Join(testutil.RepoRoot(), "testdata", "pki", "root-ca.pem"))
	require.NoError(t, err)
	blk, _ := pem.Decode(b)
	require.NotNil(t, blk)
	root, err := x509.ParseCertificate(blk.Bytes)
	require.NoError(t, err)
	return root
}

func TestAnalyzeSignatures(t *testing.T) {
	dir := filepath.Join(testutil.RepoRoot(), "testdata", "pe")
	roots := testRoots(t)
	tests := []struct {
		file                        string
		roots                       bool
		signed, integrity, verified bool
		signers                     int
		timestamp                   string
	}{
		{"mingw-console-x64.exe", true, false, false, false, 0, ""},
		{"signed-mingw-console-x64.exe", true, true, true, true, 1, ""},
		{"signed-mingw-console-x64.exe", false, true, true, false, 1, ""},
		{"signed-nested-mingw-console-x64.exe", true, true, true, true, 2, ""},
		{"signed-tampered-mingw-console-x64.exe", true, true, false, false, 1, ""},
		{"signed-ts-mingw-console-x64.exe", true, true, true, true, 1, "2026-06-01T00:01:00Z"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/roots=%v", tt.file, tt.roots), func(t *testing.T) {
			var opts []Option
			if tt.roots {
				opts = append(opts, WithRoots(roots))
			}
			rep, err := Analyze(context.Background(), filepath.Join(dir, tt.file), opts...)
			require.NoError(t, err)
			sg := rep.Signature
			require.NotNil(t, sg)
			assert.Equal(t, tt.signed, sg.Signed)
			assert.Equal(t, tt.integrity, sg.IntegrityOK)
			assert.Equal(t, tt.verified, sg.Verified)
			assert.Len(t, sg.Signers, tt.signers)
			assert.Equal(t, tt.timestamp, sg.Timestamp)
			if !tt.signed {
				assert.Equal(t, "unknown", sg.CatalogStatus)
			}
			assert.Len(t, rep.Hashes.Authentihash, 64)
			if tt.signed {
				assert.Len(t, rep.Hashes.AuthentihashSHA1, 40)
			} else {
				assert.Empty(t, rep.Hashes.AuthentihashSHA1, "only signed files or a knowledge base need the SHA-1 form")
			}
		})
	}
	// Signing does not change the authentihash: the signed copies share the
	// unsigned file's.
	a, _ := Analyze(context.Background(), filepath.Join(dir, "mingw-console-x64.exe"))
	b, _ := Analyze(context.Background(), filepath.Join(dir, "signed-mingw-console-x64.exe"))
	assert.Equal(t, a.Hashes.Authentihash, b.Hashes.Authentihash)
	assert.NotEqual(t, a.Hashes.SHA256, b.Hashes.SHA256)
}

// TestAnalyzeLargeSignedReadWhole: a signed file above the streaming
// threshold is still read whole, so its signature is checked.
func TestAnalyzeLargeSignedReadWhole(t *testing.T) {
	p := filepath.Join(testutil.RepoRoot(), "testdata", "pe", "signed-mingw-console-x64.exe")
	rep, err := Analyze(context.Background(), p, WithStreamAbove(4096), WithRoots(testRoots(t)))
	require.NoError(t, err)
	require.NotNil(t, rep.Signature)
	assert.True(t, rep.Signature.Verified)
	assert.NotEmpty(t, rep.Hashes.Authentihash)
}

// TestAnalyzeVerdictSigned: a file validly signed by a publisher the
// knowledge base trusts, with the roots supplied, is not suspicious; the
// same file without roots is not safe; its tampered copy is suspicious.
func TestAnalyzeVerdictSigned(t *testing.T) {
	dir := filepath.Join(testutil.RepoRoot(), "testdata", "pe")
	kb := reputation.NewMemKB()
	require.NoError(t, kb.Update(context.Background(), func(tx reputation.Tx) error {
		return tx.PutPublisher(reputation.Publisher{Subject: "filerep Test Code Signing (TEST ONLY)", Note: "test publisher"})
	}))
	roots := testRoots(t)
	rep, err := Analyze(context.Background(), filepath.Join(dir, "signed-mingw-console-x64.exe"), WithRoots(roots), WithKnowledgeBase(kb))
	require.NoError(t, err)
	require.NotNil(t, rep.Verdict)
	assert.Contains(t, []Level{LevelSafe, LevelLikelySafe}, rep.Verdict.Level, "%+v", rep.Verdict.Reasons)

	rep, err = Analyze(context.Background(), filepath.Join(dir, "signed-mingw-console-x64.exe"), WithKnowledgeBase(kb))
	require.NoError(t, err)
	assert.NotContains(t, []Level{LevelSafe, LevelLikelySafe}, rep.Verdict.Level)

	rep, err = Analyze(context.Background(), filepath.Join(dir, "signed-tampered-mingw-console-x64.exe"), WithRoots(roots), WithKnowledgeBase(kb))
	require.NoError(t, err)
	assert.Equal(t, LevelSuspicious, rep.Verdict.Level)

	// The spoof sample: unsigned, claims Microsoft and Windows' alg.exe.
	// Outside a Windows tree, with no catalogs to look in, nothing refutes
	// the claim: unknown, never safe (TestWindowsTreeCatalogs has it
	// suspicious once the catalogs were searched).
	rep, err = Analyze(context.Background(), filepath.Join(dir, "spoof-msft.exe"), WithKnowledgeBase(kb), WithRoots(roots))
	require.NoError(t, err)
	assert.Equal(t, LevelUnknown, rep.Verdict.Level)
	assert.Contains(t, reasonSignals(rep), "unverifiable-claim")
}

func TestWithRoots(t *testing.T) {
	rep, err := Analyze(context.Background(), filepath.Join(testutil.RepoRoot(), "testdata", "pe", "signed-ts-mingw-console-x64.exe"), WithRoots(testRoots(t)))
	require.NoError(t, err)
	assert.True(t, rep.Signature.Verified)
	_, err = AnalyzeBytes(context.Background(), "x", nil, WithRoots(nil))
	require.ErrorIs(t, err, ErrOptions)
	// No anchors at all: nothing verifies, and the reason says why.
	rep, err = Analyze(context.Background(), filepath.Join(testutil.RepoRoot(), "testdata", "pe", "signed-ts-mingw-console-x64.exe"), WithRoots())
	require.NoError(t, err)
	assert.False(t, rep.Signature.Verified)
	assert.Contains(t, strings.Join(rep.Signature.Errors, "\n"), "no roots supplied")
}

// countingReaderAt counts the bytes read through it.
type countingReaderAt struct {
	r io.ReaderAt
	n atomic.Int64
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.n.Add(int64(n))
	return n, err
}

// TestAnalyzeLargeReadsEachByteOnce: on the streaming path, an image
// longer than the first read and the overlay behind it are each read once
// (the hashes stream over the image bytes already read), and the report
// equals the in-memory one.
func TestAnalyzeLargeReadsEachByteOnce(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(testutil.RepoRoot(), "testdata", "pe", "nsis-installer.exe"))
	require.NoError(t, err)
	b = append(b, bytes.Repeat([]byte("overlay!"), 1<<16)...)
	full, _ := AnalyzeBytes(context.Background(), "nsis-installer.exe", b)
	require.NotNil(t, full.PE)
	require.NotNil(t, full.PE.Overlay)

	for _, head := range []int64{1024, 1 << 20} { // image past the first read; image inside it
		c, err := makeConfig([]Option{WithStreamAbove(4096)})
		require.NoError(t, err)
		c.headBytes = head
		cr := &countingReaderAt{r: bytes.NewReader(b)}
		rep := newReport("nsis-installer.exe")
		_, err = analyzeReaderAt(context.Background(), rep, cr, int64(len(b)), &c)
		require.NoError(t, err, "head %d", head)
		assert.Equal(t, int64(len(b)), cr.n.Load(), "head %d: bytes read", head)
		rep.Hashes.Authentihash = full.Hashes.Authentihash // not computed when streaming
		assert.Equal(t, full.Hashes, rep.Hashes, "head %d", head)
		assert.Equal(t, full.Sections, rep.Sections, "head %d", head)
		assert.InDelta(t, full.PE.Overlay.Entropy, rep.PE.Overlay.Entropy, 1e-9, "head %d", head)
	}
}

// TestAnalyzeKnowledgeBaseGetsAuthentihash: with a knowledge base, a big
// unsigned file is read whole so that its authentihash (the catalog
// lookup key) is computed; without one it streams and has none.
func TestAnalyzeKnowledgeBaseGetsAuthentihash(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(testutil.RepoRoot(), "testdata", "pe", "nsis-installer.exe"))
	require.NoError(t, err)
	b = append(b, make([]byte, 64<<10)...)
	full, _ := AnalyzeBytes(context.Background(), "nsis-installer.exe", b)
	require.NotEmpty(t, full.Hashes.Authentihash)

	streamed, _ := AnalyzeReaderAt(context.Background(), "nsis-installer.exe", bytes.NewReader(b), int64(len(b)), WithStreamAbove(4096))
	assert.Empty(t, streamed.Hashes.Authentihash)

	withKB, _ := AnalyzeReaderAt(context.Background(), "nsis-installer.exe", bytes.NewReader(b), int64(len(b)),
		WithStreamAbove(4096), WithKnowledgeBase(reputation.NewMemKB()))
	assert.Equal(t, full.Hashes.Authentihash, withKB.Hashes.Authentihash)
	assert.NotEmpty(t, withKB.Hashes.AuthentihashSHA1)
}
