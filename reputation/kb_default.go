package reputation

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync"
)

//go:embed data/seed.json
var seedJSON []byte

// seedData is the shape of data/seed.json.
type seedData struct {
	Version    int             `json:"version"`
	About      string          `json:"about"`
	Publishers []Publisher     `json:"publishers"`
	Names      []seedName      `json:"names"`
	Files      []FileRecord    `json:"files"`
	Versions   []VersionRecord `json:"versions"`
}

type seedName struct {
	Name    string   `json:"name"`
	Paths   []string `json:"paths"`
	Parents []string `json:"parents"`
	Modules []string `json:"modules"`
}

var loadSeed = sync.OnceValues(func() (*seedData, error) {
	var s seedData
	dec := json.NewDecoder(bytes.NewReader(seedJSON))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("reputation: embedded seed: %w", err)
	}
	return &s, nil
})

// SeedVersion returns the version of the embedded seed; [Default] re-applies
// the seed to a store that recorded an older one.
func SeedVersion() int {
	s, err := loadSeed()
	if err != nil {
		return 0
	}
	return s.Version
}

// Seed writes the embedded seed (reputation/data/seed.json) into w in one
// transaction: trusted publishers (Microsoft Windows and Microsoft
// Corporation, by subject name only), typical paths of well-known Windows
// files, each marked as a system file, their parent processes and modules,
// and the alg.exe record of the seed page (source "seed", known-good).
// Seeding twice changes nothing: every write replaces or is idempotent,
// except that a path listed by the seed keeps the count it has.
func Seed(ctx context.Context, w Writer) error {
	return w.Update(ctx, seedTx)
}

func seedTx(tx Tx) error {
	s, err := loadSeed()
	if err != nil {
		return err
	}
	for _, p := range s.Publishers {
		if err := tx.PutPublisher(p); err != nil {
			return fmt.Errorf("reputation: seed publisher %q: %w", p.Subject, err)
		}
	}
	for _, n := range s.Names {
		if err := tx.SetSystem(n.Name, true); err != nil {
			return fmt.Errorf("reputation: seed name %q: %w", n.Name, err)
		}
		for _, p := range n.Paths {
			if err := tx.AddPath(n.Name, p, 0); err != nil {
				return fmt.Errorf("reputation: seed path %q: %w", p, err)
			}
		}
		for _, p := range n.Parents {
			if err := tx.AddParent(n.Name, p); err != nil {
				return fmt.Errorf("reputation: seed parent of %q: %w", n.Name, err)
			}
		}
		for _, m := range n.Modules {
			if err := tx.AddModule(n.Name, m); err != nil {
				return fmt.Errorf("reputation: seed module of %q: %w", n.Name, err)
			}
		}
	}
	for _, f := range s.Files {
		if err := tx.PutFile(f); err != nil {
			return fmt.Errorf("reputation: seed file %q: %w", f.Name, err)
		}
	}
	for _, v := range s.Versions {
		if err := tx.PutVersion(v); err != nil {
			return fmt.Errorf("reputation: seed version of %q: %w", v.Name, err)
		}
	}
	return nil
}

// Default opens the default knowledge base: the database at
// [DefaultPath] (or the [WithPath] option), created and seeded with
// [Seed] on first use. When the file exists but recorded an older seed
// than the embedded one, Default applies the new seed first (unless opened
// with [WithReadOnly]). Creation is safe when several processes start at
// once: each builds a private file and the first to link it into place
// wins.
//
// A file that exists but is not a usable knowledge base is never replaced:
// Default returns the error of [Open] ([ErrCorrupt], [ErrForeign],
// [ErrSchemaVersion]) and the caller decides, for instance by removing the
// file.
func Default(opts ...StoreOption) (*Store, error) {
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
		return fmt.Errorf("reputation: default knowledge base: %w", err)
	}
	f, err := os.CreateTemp(dir, ".kb-*.tmp")
	if err != nil {
		return fmt.Errorf("reputation: default knowledge base: %w", err)
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
				return fmt.Errorf("reputation: default knowledge base: %w", rerr)
			}
		}
	}
	return nil
}

// reseed applies the embedded seed if the store recorded an older one.
func (s *Store) reseed(ctx context.Context) error {
	sd, err := loadSeed()
	if err != nil {
		return err
	}
	meta, err := s.Meta(ctx)
	if err != nil {
		return err
	}
	if v, _ := strconv.Atoi(meta["seed"]); v >= sd.Version {
		return nil
	}
	return s.Update(ctx, func(tx Tx) error {
		if err := seedTx(tx); err != nil {
			return err
		}
		return tx.(*storeTx).setMeta("seed", strconv.Itoa(sd.Version))
	})
}
