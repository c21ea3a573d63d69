package store_test

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
	"github.com/filerep/filerep/reputation/kbtest"
	"github.com/filerep/filerep/reputation/store"
)

func TestDefault(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cache", "filerep", "kb.sqlite")
	s, err := store.Default(store.WithPath(path))
	require.NoError(t, err)
	assert.Equal(t, path, s.Path())
	kbtest.CheckSeed(t, s)
	m, err := s.Meta(context.Background())
	require.NoError(t, err)
	assert.Equal(t, strconv.Itoa(reputation.SeedVersion()), m["seed"])
	st, err := s.Stats(context.Background())
	require.NoError(t, err)
	require.NoError(t, s.Close())

	// Found again, not rebuilt; also read-only.
	s, err = store.Default(store.WithPath(path), store.WithReadOnly())
	require.NoError(t, err)
	defer s.Close()
	assert.True(t, s.ReadOnly())
	kbtest.CheckSeed(t, s)
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
	s, err := store.Default(store.WithPath(filepath.Join(t.TempDir(), "kb.sqlite")))
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
	s, err := store.Default(store.WithPath(path), store.WithReadOnly())
	require.NoError(t, err)
	defer s.Close()
	kbtest.CheckSeed(t, s)
}

func TestDefaultConcurrentFirstUse(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kb.sqlite")
	var wg sync.WaitGroup
	stores := make([]*store.Store, 4)
	errs := make([]error, 4)
	for i := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stores[i], errs[i] = store.Default(store.WithPath(path))
		}()
	}
	wg.Wait()
	for i, s := range stores {
		require.NoError(t, errs[i])
		kbtest.CheckSeed(t, s)
		s.Close()
	}
}

// A store created empty (or by an older filerep) gets the seed on its
// first Default; a read-only Default leaves it alone.
func TestDefaultReseeds(t *testing.T) {
	s, path := newStore(t)
	require.NoError(t, s.Close())
	ro, err := store.Default(store.WithPath(path), store.WithReadOnly())
	require.NoError(t, err)
	_, err = ro.Files(context.Background(), algMD5)
	assert.ErrorIs(t, err, reputation.ErrNotFound)
	require.NoError(t, ro.Close())

	s, err = store.Default(store.WithPath(path))
	require.NoError(t, err)
	defer s.Close()
	kbtest.CheckSeed(t, s)
}

// Default never replaces a file it cannot use.
func TestDefaultForeign(t *testing.T) {
	p := writeFile(t, "kb.sqlite", []byte("my notes\n"))
	_, err := store.Default(store.WithPath(p))
	assert.ErrorIs(t, err, reputation.ErrForeign)
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	assert.Equal(t, "my notes\n", string(b))
	_, err = store.Default(store.WithPath(""))
	assert.Error(t, err)
}

func TestDefaultPath(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", "/tmp/xdg-cache-test")
	t.Setenv("HOME", "/tmp/home-test")
	p, err := store.DefaultPath()
	require.NoError(t, err)
	assert.Equal(t, "kb-v1.sqlite", filepath.Base(p))
	assert.Equal(t, "filerep", filepath.Base(filepath.Dir(p)))
}
