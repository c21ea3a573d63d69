package reputation

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
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

// SeedVersion returns the version of the embedded seed, 0 if it cannot be
// read. The default knowledge base of package
// github.com/filerep/filerep/reputation/store records the version it
// applied and re-applies the seed when this one is newer.
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
