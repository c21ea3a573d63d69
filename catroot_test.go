package filerep

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/filerep/filerep/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testVerifyAt is a time inside the committed test PKI's validity.
var testVerifyAt = time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)

// windowsTreeCopy lays out a small copy of a Windows tree in a temporary
// folder, with the case mixed as on real volumes: the catalog of
// mingw-console-x64.exe, mingw-console-x86.exe and mingw-gui-x64.exe
// (pe/authenticode/testdata/catalog-sha256.cat, signed with the committed
// test PKI) in System32/CatRoot/{F750E6C3-…}, and the named samples in
// system32.
func windowsTreeCopy(t *testing.T, samples ...string) string {
	t.Helper()
	top := t.TempDir()
	sys := filepath.Join(top, "mnt", "WINDOWS", "system32")
	cat := filepath.Join(sys, "catroot", CatRootGUID)
	require.NoError(t, os.MkdirAll(cat, 0o755))
	b, err := os.ReadFile(filepath.Join(testutil.RepoRoot(), "pe", "authenticode", "testdata", "catalog-sha256.cat"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(cat, "Package_test.cat"), b, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(cat, "broken.cat"), []byte("not a catalog"), 0o644))
	for _, s := range samples {
		b, err := os.ReadFile(filepath.Join(testutil.RepoRoot(), "testdata", "pe", s))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(sys, s), b, 0o644))
	}
	return sys
}

// TestWindowsTreeCatalogs: a file inside a copy of a Windows tree is looked
// up in the tree's CatRoot without any flag, its host path is inferred,
// and the report says what was searched.
func TestWindowsTreeCatalogs(t *testing.T) {
	sys := windowsTreeCopy(t, "mingw-console-x64.exe", "spoof-msft.exe", "mingw-dll-x64.dll")
	ctx := context.Background()
	opts := []Option{WithRoots(testRoots(t)), WithVerifyTime(testVerifyAt)}

	rep, err := Analyze(ctx, filepath.Join(sys, "mingw-console-x64.exe"), opts...)
	require.NoError(t, err)
	require.NotNil(t, rep.Signature)
	assert.Equal(t, "member", rep.Signature.CatalogStatus)
	assert.Contains(t, rep.Signature.CatalogDetail, "in catalog Package_test.cat signed by CN=filerep Test")
	assert.Equal(t, 1, rep.Signature.CatalogsSearched, "the broken catalog is not counted")
	assert.Equal(t, `C:\WINDOWS\system32\mingw-console-x64.exe`, rep.File.HostPath)
	assert.Contains(t, reasonSignals(rep), "catalog-signed")
	assert.Equal(t, LevelLikelySafe, rep.Verdict.Level)

	// A file of the tree that the catalogs do not list.
	rep, err = Analyze(ctx, filepath.Join(sys, "mingw-dll-x64.dll"), opts...)
	require.NoError(t, err)
	assert.Equal(t, "absent", rep.Signature.CatalogStatus)
	assert.Contains(t, rep.Signature.CatalogDetail, "in none of the 1 catalogs of ")
	assert.Contains(t, reasonDetails(rep), "in none of the 1 catalogs searched")

	// The spoof (unsigned, claims Microsoft's alg.exe) is contradicted by
	// the catalogs it is missing from: suspicious.
	rep, err = Analyze(ctx, filepath.Join(sys, "spoof-msft.exe"), opts...)
	require.NoError(t, err)
	assert.Equal(t, LevelSuspicious, rep.Verdict.Level, "%+v", rep.Verdict.Reasons)
	assert.Contains(t, reasonSignals(rep), "spoof-publisher")

	// The same file outside any Windows tree: nothing can check the claim,
	// so unknown, with what would settle it.
	rep, err = Analyze(ctx, filepath.Join(testutil.RepoRoot(), "testdata", "pe", "spoof-msft.exe"), opts...)
	require.NoError(t, err)
	assert.Equal(t, LevelUnknown, rep.Verdict.Level, "%+v", rep.Verdict.Reasons)
	assert.Contains(t, reasonSignals(rep), "unverifiable-claim")
	assert.Equal(t, "unknown", rep.Signature.CatalogStatus)
	assert.Equal(t, "unknown: no catalogs available", rep.Signature.CatalogDetail)

	// WithWindowsTree(false) turns the search off; WithHostPath wins over
	// the inferred path.
	rep, err = Analyze(ctx, filepath.Join(sys, "mingw-console-x64.exe"), append(opts, WithWindowsTree(false))...)
	require.NoError(t, err)
	assert.Equal(t, "", rep.File.HostPath)
	assert.NotContains(t, reasonSignals(rep), "catalog-signed")
	rep, err = Analyze(ctx, filepath.Join(sys, "mingw-console-x64.exe"), append(opts, WithHostPath(`D:\x.exe`))...)
	require.NoError(t, err)
	assert.Equal(t, `D:\x.exe`, rep.File.HostPath)
	assert.Contains(t, reasonSignals(rep), "catalog-signed")
}

// TestCatalogIndexOnce: one tree is indexed once per set of anchors, however
// many files ask.
func TestCatalogIndexOnce(t *testing.T) {
	sys := windowsTreeCopy(t)
	dir := filepath.Join(sys, "catroot", CatRootGUID)
	c, err := makeConfig([]Option{WithRoots(testRoots(t))})
	require.NoError(t, err)
	a, err := catalogsIn(context.Background(), dir, c.verifyOptions())
	require.NoError(t, err)
	b, err := catalogsIn(context.Background(), dir, c.verifyOptions())
	require.NoError(t, err)
	assert.Same(t, a, b)
	assert.Equal(t, 1, a.res.Catalogs)
	assert.Equal(t, 1, a.res.Verified)
	assert.Len(t, a.res.Failed, 1)
}

// TestWithCatalogDir: catalogs given by the caller apply to files anywhere.
func TestWithCatalogDir(t *testing.T) {
	sys := windowsTreeCopy(t)
	dir := filepath.Join(sys, "catroot", CatRootGUID)
	rep, err := Analyze(context.Background(), filepath.Join(testutil.RepoRoot(), "testdata", "pe", "mingw-gui-x64.exe"),
		WithRoots(testRoots(t)), WithVerifyTime(testVerifyAt), WithCatalogDir(dir))
	require.NoError(t, err)
	assert.Equal(t, "member", rep.Signature.CatalogStatus)
	_, err = Analyze(context.Background(), "x", WithCatalogDir(filepath.Join(dir, "nope")))
	require.ErrorIs(t, err, ErrOptions)
}

func TestFindWindowsTree(t *testing.T) {
	sys := windowsTreeCopy(t)
	tree, host, ok := findWindowsTree(filepath.Join(sys, "drivers", "acpi.sys"))
	require.True(t, ok)
	assert.Equal(t, `C:\WINDOWS\system32\drivers\acpi.sys`, host)
	assert.Equal(t, filepath.Join(sys, "catroot", CatRootGUID), tree.catalogs)
	// A folder named Windows without System32 is not a Windows tree.
	other := filepath.Join(t.TempDir(), "Windows", "x.exe")
	_, _, ok = findWindowsTree(other)
	assert.False(t, ok)
}

func reasonSignals(rep *FileReport) []string {
	var out []string
	if rep.Verdict != nil {
		for _, r := range rep.Verdict.Reasons {
			out = append(out, r.Signal)
		}
	}
	return out
}

func reasonDetails(rep *FileReport) string {
	var out string
	if rep.Verdict != nil {
		for _, r := range rep.Verdict.Reasons {
			out += r.Detail + "\n"
		}
	}
	return out
}

// TestDefaultAnchorsShared: the default options share one pool across
// files, so a Windows tree's catalogs are indexed once with the defaults
// too.
func TestDefaultAnchorsShared(t *testing.T) {
	a, err := makeConfig(nil)
	require.NoError(t, err)
	b, err := makeConfig(nil)
	require.NoError(t, err)
	assert.Same(t, a.verify.Roots, b.verify.Roots)
	assert.Same(t, a.verifyEFI.Roots, b.verifyEFI.Roots)
}
