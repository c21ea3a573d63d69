package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"github.com/filerep/filerep/reputation"
)

// Default opens the default knowledge base: the database at
// [DefaultPath] (or the [WithPath] option), created and seeded with
// [reputation.Seed] on first use. When the file exists but recorded an older seed
// than the embedded one, Default applies the new seed first (unless opened
// with [WithReadOnly]). Creation is safe when several processes start at
// once: each builds a private file and the first to link it into place
// wins.
//
// A file that exists but is not a usable knowledge base is never replaced:
// Default returns the error of [Open] ([reputation.ErrCorrupt], [reputation.ErrForeign],
// [reputation.ErrSchemaVersion]) and the caller decides, for instance by removing the
// file.
func Default(opts ...Option) (*Store, error) {
	c, err := makeStoreConfig(opts)
	if err != nil {
		return nil, err
	}
	path := c.path
	if path == "" {
		if path, err = DefaultPath(); err != nil {
			return nil, err
		}
	}
	c.path = ""
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		// Even a read-only caller gets the file built (read-write,
		// privately) before it is opened below.
		if err := buildDefault(path, c); err != nil {
			return nil, err
		}
	}
	s, err := openStore(path, c)
	if err != nil {
		return nil, err
	}
	if !s.readOnly {
		if err := s.reseed(context.Background()); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}

// buildDefault creates a seeded knowledge base at path unless another
// process does so first.
func buildDefault(path string, c storeConfig) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("store: default knowledge base: %w", err)
	}
	f, err := os.CreateTemp(dir, ".kb-*.tmp")
	if err != nil {
		return fmt.Errorf("store: default knowledge base: %w", err)
	}
	tmp := f.Name()
	f.Close()
	defer os.Remove(tmp)
	c.readOnly = false
	s, err := initStore(tmp, c)
	if err != nil {
		return err
	}
	err = s.reseed(context.Background())
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	// Link fails if path appeared meanwhile: another process won, and its
	// file is as good as ours.
	if err := os.Link(tmp, path); err != nil && !errors.Is(err, fs.ErrExist) {
		// No hard links here (some file systems): fall back to a rename,
		// which is atomic but would replace a file created since the
		// Stat; check again to keep that window small.
		if _, serr := os.Stat(path); errors.Is(serr, fs.ErrNotExist) {
			if rerr := os.Rename(tmp, path); rerr != nil {
				return fmt.Errorf("store: default knowledge base: %w", rerr)
			}
		}
	}
	return nil
}

// reseed applies the embedded seed if the store recorded an older one.
func (s *Store) reseed(ctx context.Context) error {
	version := reputation.SeedVersion()
	meta, err := s.Meta(ctx)
	if err != nil {
		return err
	}
	if v, _ := strconv.Atoi(meta["seed"]); version > 0 && v >= version {
		return nil
	}
	return s.Update(ctx, func(tx reputation.Tx) error {
		// The seed and the version that records it commit together.
		if err := reputation.Seed(ctx, txWriter{tx}); err != nil {
			return err
		}
		return tx.(*storeTx).setMeta("seed", strconv.Itoa(version))
	})
}

// txWriter is a [reputation.Writer] whose Update runs inside a transaction
// already open, so that [reputation.Seed] writes into it.
type txWriter struct{ tx reputation.Tx }

// Update runs fn in the open transaction.
func (w txWriter) Update(_ context.Context, fn func(reputation.Tx) error) error { return fn(w.tx) }
