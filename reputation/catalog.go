package reputation

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/filerep/filerep/pe/authenticode"
)

// CatalogIndexResult says what IndexCatalogs did.
type CatalogIndexResult struct {
	Catalogs int               // catalog files read
	Verified int               // of which the signature chained to the roots
	Members  int               // members recorded
	Failed   map[string]string // catalog path → why it could not be used
}

// maxCatalogFiles caps the catalogs read from one tree (a Windows 11
// CatRoot holds a few thousand).
const maxCatalogFiles = 100000

// IndexCatalogs reads every .cat file under fsys (such as a copy of
// System32\CatRoot), verifies each catalog's signature against opts.Roots,
// and records its members in w, one transaction per catalog. A member of
// a verified catalog is recorded with the catalog signer's subject, which
// the verdict's "catalog-signed" signal requires; a member of a catalog
// that does not verify is recorded without a signer (weak evidence). A
// catalog that cannot be parsed is skipped and listed in Failed.
//
// IndexCatalogs is pure Go and links no database: w may be a [MemKB] (as
// the root package uses it for a Windows tree's CatRoot) or the SQLite
// store of package github.com/filerep/filerep/reputation/store.
func IndexCatalogs(ctx context.Context, fsys fs.FS, w Writer, opts authenticode.VerifyOptions) (*CatalogIndexResult, error) {
	res := &CatalogIndexResult{Failed: map[string]string{}}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			res.Failed[p] = err.Error()
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if !d.Type().IsRegular() || !strings.EqualFold(path.Ext(p), ".cat") {
			return nil
		}
		if res.Catalogs >= maxCatalogFiles {
			return fs.SkipAll
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			res.Failed[p] = err.Error()
			return nil
		}
		cat, err := authenticode.ParseCatalog(b)
		if cat == nil {
			res.Failed[p] = err.Error()
			return nil
		}
		res.Catalogs++
		signer := ""
		if v, verr := cat.Verify(opts); verr == nil && v != nil && v.Verified {
			res.Verified++
			signer = cat.Signer.Subject
		}
		name := path.Base(p)
		return w.Update(ctx, func(tx Tx) error {
			for _, m := range cat.Members {
				if m.DigestHex == "" {
					continue
				}
				if err := tx.PutCatalogMember(CatalogMember{Hash: m.DigestHex, Catalog: name, Signer: signer}); err != nil {
					continue // a member hash of an unsupported size: skip it
				}
				res.Members++
			}
			return nil
		})
	})
	if err != nil {
		return res, fmt.Errorf("reputation: indexing catalogs: %w", err)
	}
	return res, nil
}
