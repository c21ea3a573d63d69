package reputation_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/filerep/filerep/reputation"
)

// checkSeed checks what the embedded seed must provide, on any knowledge
// base seeded with it.
func checkSeed(t *testing.T, kb reputation.KnowledgeBase) {
	t.Helper()
	ctx := context.Background()
	for _, h := range []string{algMD5, algSHA1, algSHA256} {
		got, err := kb.Files(ctx, h)
		require.NoError(t, err)
		assert.Equal(t, []reputation.FileRecord{{
			MD5: algMD5, SHA1: algSHA1, SHA256: algSHA256, Name: "alg.exe",
			Product: "Microsoft® Windows® Operating System", Version: "6.1.7600.16385 (win7_rtm.090713-1255)",
			Publisher: "Microsoft Corporation", Source: "seed", Trust: reputation.TrustGood,
		}}, got)
	}
	tp, err := kb.TypicalPaths(ctx, "ALG.exe")
	require.NoError(t, err)
	assert.True(t, tp.System)
	assert.Equal(t, []reputation.PathCount{{Path: `C:\Windows\System32\alg.exe`}}, tp.Paths)
	assert.True(t, tp.Typical(`%windir%\system32\alg.exe`))
	assert.False(t, tp.Typical(`C:\Users\Public\alg.exe`))

	rel, err := kb.Relationships(ctx, "alg.exe")
	require.NoError(t, err)
	assert.Equal(t, []string{"services.exe"}, rel.Parents)
	assert.Contains(t, rel.Modules, "sechost.dll")

	vs, err := kb.Versions(ctx, "alg.exe")
	require.NoError(t, err)
	require.Len(t, vs, 1)
	assert.Equal(t, algSHA256, vs[0].SHA256)
	assert.Equal(t, "6.1.7600.16385 (win7_rtm.090713-1255)", vs[0].Version)

	for name, path := range map[string]string{
		"svchost.exe":  `C:\Windows\System32\svchost.exe`,
		"services.exe": `C:\Windows\System32\services.exe`,
		"lsass.exe":    `C:\Windows\System32\lsass.exe`,
		"csrss.exe":    `C:\Windows\System32\csrss.exe`,
		"winlogon.exe": `C:\Windows\System32\winlogon.exe`,
		"explorer.exe": `C:\Windows\explorer.exe`,
		"smss.exe":     `C:\Windows\System32\smss.exe`,
		"spoolsv.exe":  `C:\Windows\System32\spoolsv.exe`,
		"taskhost.exe": `C:\Windows\System32\taskhost.exe`,
	} {
		tp, err := kb.TypicalPaths(ctx, name)
		require.NoError(t, err, name)
		assert.True(t, tp.System, name)
		assert.True(t, tp.Typical(path), name)
		assert.False(t, tp.Typical(`C:\Users\x\AppData\Local\Temp\`+name), name)
	}

	for _, subj := range []string{"Microsoft Windows", "Microsoft Corporation", "CN=Microsoft Windows, O=Microsoft Corporation, L=Redmond, S=Washington, C=US"} {
		p, err := kb.Publisher(ctx, subj, "")
		require.NoError(t, err, subj)
		assert.Empty(t, p.Thumbprint, "the seed pins no thumbprints")
		assert.NotEmpty(t, p.Note)
	}
	_, err = kb.Publisher(ctx, "Microsoft Windows Hardware Compatibility Publisher Spoof", "")
	assert.ErrorIs(t, err, reputation.ErrNotFound)
}

func TestSeedMemKB(t *testing.T) {
	kb := reputation.NewMemKB()
	require.NoError(t, reputation.Seed(context.Background(), kb))
	checkSeed(t, kb)
	// Seeding again changes nothing.
	before, err := kb.Stats(context.Background())
	require.NoError(t, err)
	require.NoError(t, reputation.Seed(context.Background(), kb))
	after, err := kb.Stats(context.Background())
	require.NoError(t, err)
	assert.Equal(t, before, after)
	assert.Positive(t, reputation.SeedVersion())
}

func TestDefault(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cache", "filerep", "kb.sqlite")
	s, err := reputation.Default(reputation.WithPath(path))
	require.NoError(t, err)
	assert.Equal(t, path, s.Path())
	checkSeed(t, s)
	m, err := s.Meta(context.Background())
	require.NoError(t, err)
	assert.Equal(t, strconv.Itoa(reputation.SeedVersion()), m["seed"])
	st, err := s.Stats(context.Background())
	require.NoError(t, err)
	require.NoError(t, s.Close())

	// Found again, not rebuilt; also read-only.
	s, err = reputation.Default(reputation.WithPath(path), reputation.WithReadOnly())
	require.NoError(t, err)
	defer s.Close()
	assert.True(t, s.ReadOnly())
	checkSeed(t, s)
	st2, err := s.Stats(context.Background())
	require.NoError(t, err)
	assert.Equal(t, st, st2)
	// No temporary files are left behind.
	entries, err := os.ReadDir(filepath.Dir(path))
	require.NoError(t, err)
	for _, e := range entries {
		assert.NotContains(t, e.Name(), ".tmp")
	}
}

// The seed of the Store and of a MemKB answer the same.
func TestDefaultMatchesMemKB(t *testing.T) {
	s, err := reputation.Default(reputation.WithPath(filepath.Join(t.TempDir(), "kb.sqlite")))
	require.NoError(t, err)
	defer s.Close()
	mem := reputation.NewMemKB()
	require.NoError(t, reputation.Seed(context.Background(), mem))
	a, err := s.Stats(context.Background())
	require.NoError(t, err)
	b, err := mem.Stats(context.Background())
	require.NoError(t, err)
	assert.Equal(t, b, a)
	for _, name := range []string{"alg.exe", "notepad.exe", "ntdll.dll", "explorer.exe", "csrss.exe"} {
		x, err1 := s.TypicalPaths(context.Background(), name)
		y, err2 := mem.TypicalPaths(context.Background(), name)
		assert.Equal(t, err2, err1)
		assert.Equal(t, y, x, name)
		r1, err1 := s.Relationships(context.Background(), name)
		r2, err2 := mem.Relationships(context.Background(), name)
		assert.Equal(t, err2 == nil, err1 == nil)
		assert.Equal(t, r2, r1, name)
	}
}

func TestDefaultReadOnlyFirstUse(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kb.sqlite")
	s, err := reputation.Default(reputation.WithPath(path), reputation.WithReadOnly())
	require.NoError(t, err)
	defer s.Close()
	checkSeed(t, s)
}

func TestDefaultConcurrentFirstUse(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kb.sqlite")
	var wg sync.WaitGroup
	stores := make([]*reputation.Store, 4)
	errs := make([]error, 4)
	for i := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stores[i], errs[i] = reputation.Default(reputation.WithPath(path))
		}()
	}
	wg.Wait()
	for i, s := range stores {
		require.NoError(t, errs[i])
		checkSeed(t, s)
		s.Close()
	}
}

// A store created empty (or by an older filerep) gets the seed on its
// first Default; a read-only Default leaves it alone.
func TestDefaultReseeds(t *testing.T) {
	s, path := newStore(t)
	require.NoError(t, s.Close())
	ro, err := reputation.Default(reputation.WithPath(path), reputation.WithReadOnly())
	require.NoError(t, err)
	_, err = ro.Files(context.Background(), algMD5)
	assert.ErrorIs(t, err, reputation.ErrNotFound)
	require.NoError(t, ro.Close())

	s, err = reputation.Default(reputation.WithPath(path))
	require.NoError(t, err)
	defer s.Close()
	checkSeed(t, s)
}

// Default never replaces a file it cannot use.
func TestDefaultForeign(t *testing.T) {
	p := writeFile(t, "kb.sqlite", []byte("my notes\n"))
	_, err := reputation.Default(reputation.WithPath(p))
	assert.ErrorIs(t, err, reputation.ErrForeign)
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	assert.Equal(t, "my notes\n", string(b))
	_, err = reputation.Default(reputation.WithPath(""))
	assert.Error(t, err)
}

func TestDefaultPath(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", "/tmp/xdg-cache-test")
	t.Setenv("HOME", "/tmp/home-test")
	p, err := reputation.DefaultPath()
	require.NoError(t, err)
	assert.Equal(t, "kb-v1.sqlite", filepath.Base(p))
	assert.Equal(t, "filerep", filepath.Base(filepath.Dir(p)))
}
