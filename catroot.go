package filerep

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/filerep/filerep/pe/authenticode"
	"github.com/filerep/filerep/reputation"
)

// CatRootGUID is the folder under System32\CatRoot where Windows keeps the
// catalogs that sign its own files (the driver-signing subsystem's GUID).
const CatRootGUID = "{F750E6C3-38EE-11D1-85E5-00C04FC295EE}"

// A windowsTree is a Windows installation seen from this machine: a
// mounted volume or a copy, found from a path inside it.
type windowsTree struct {
	windir   string // local path of the Windows folder, e.g. /mnt/c/Windows
	catalogs string // local path of its CatRoot GUID folder; "" when absent
}

// treeCache remembers, per candidate Windows folder, whether it is a
// Windows tree: a scan asks for every file of the tree.
var treeCache sync.Map // local Windows folder → *windowsTree (nil: not one)

// findWindowsTree looks for a Windows folder among path's ancestors: a
// component named Windows (case aside) that holds a System32 folder. It
// returns the tree and the file's path on its host, e.g.
// C:\Windows\System32\alg.exe.
func findWindowsTree(path string) (*windowsTree, string, bool) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, "", false
	}
	parts := strings.Split(filepath.ToSlash(abs), "/")
	for i := len(parts) - 2; i >= 0; i-- {
		if !strings.EqualFold(parts[i], "windows") {
			continue
		}
		windir := filepath.FromSlash(strings.Join(parts[:i+1], "/"))
		if windir == "" {
			continue
		}
		t := lookupTree(windir)
		if t == nil {
			continue
		}
		return t, `C:\` + strings.Join(parts[i:], `\`), true
	}
	return nil, "", false
}

func lookupTree(windir string) *windowsTree {
	if v, ok := treeCache.Load(windir); ok {
		t, _ := v.(*windowsTree)
		return t
	}
	var t *windowsTree
	if sys, ok := childFold(windir, "System32"); ok {
		t = &windowsTree{windir: windir}
		if cr, ok := childFold(sys, "CatRoot"); ok {
			if g, ok := childFold(cr, CatRootGUID); ok {
				t.catalogs = g
			}
		}
	}
	v, _ := treeCache.LoadOrStore(windir, t)
	t, _ = v.(*windowsTree)
	return t
}

// childFold returns the folder of dir named name, case aside: a Windows
// tree copied to a case-sensitive file system keeps its original case
// (System32, system32 and SYSTEM32 all occur).
func childFold(dir, name string) (string, bool) {
	p := filepath.Join(dir, name)
	if st, err := os.Stat(p); err == nil && st.IsDir() {
		return p, true
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return "", false
	}
	for _, e := range ents {
		if strings.EqualFold(e.Name(), name) {
			p := filepath.Join(dir, e.Name())
			if st, err := os.Stat(p); err == nil && st.IsDir() {
				return p, true
			}
		}
	}
	return "", false
}

// A catalogIndex is the members of one folder of catalogs, indexed once
// per process and set of trust anchors: a real CatRoot holds thousands of
// catalogs, and every file of a scan asks.
type catalogIndex struct {
	dir  string
	once sync.Once
	done chan struct{}
	kb   *reputation.MemKB
	res  *reputation.CatalogIndexResult
	err  error
}

type catalogKey struct {
	dir     string
	anchors any // the code-signing root pool: another set of anchors, another index
}

var catalogIndexes sync.Map // catalogKey → *catalogIndex

// catalogsIn returns the index of the catalogs under dir, building it on
// first use. The build runs on its own, bounded by the catalog count, not
// by one file's deadline: a caller whose ctx ends first gets ctx's error,
// and the next file finds the index ready.
func catalogsIn(ctx context.Context, dir string, opts authenticode.VerifyOptions) (*catalogIndex, error) {
	v, _ := catalogIndexes.LoadOrStore(catalogKey{dir, opts.Roots}, &catalogIndex{dir: dir, done: make(chan struct{})})
	ci := v.(*catalogIndex)
	ci.once.Do(func() {
		go func() {
			defer close(ci.done)
			defer func() {
				if p := recover(); p != nil {
					ci.err = fmt.Errorf("indexing catalogs of %s: panic: %v", dir, p)
				}
			}()
			ci.kb = reputation.NewMemKB()
			ci.res, ci.err = reputation.IndexCatalogs(context.Background(), os.DirFS(dir), ci.kb, opts)
		}()
	})
	select {
	case <-ci.done:
		if ci.err != nil {
			return nil, fmt.Errorf("catalogs of %s: %w", dir, ci.err)
		}
		return ci, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("catalogs of %s not indexed in time: %w", dir, ctx.Err())
	}
}

// catalogState is what one file learnt about catalogs: where they came
// from, how many there are, and the file's memberships.
type catalogState struct {
	dir      string
	searched int
	members  []reputation.CatalogMember
}

// lookupCatalogs finds the catalogs that apply to the file at path (the
// caller's WithCatalogDir, else the CatRoot of the Windows tree the file
// lies in) and the file's memberships by authentihash (SHA-256, then
// SHA-1 as older catalogs list). It returns nil when no catalogs are
// available.
func (r *FileReport) lookupCatalogs(ctx context.Context, c *config) (*catalogState, reputation.KnowledgeBase) {
	dir := c.catalogDir
	if dir == "" && c.findTree && r.tree != nil {
		dir = r.tree.catalogs
	}
	if dir == "" || (r.Hashes.Authentihash == "" && r.Hashes.AuthentihashSHA1 == "") {
		return nil, nil
	}
	ci, err := catalogsIn(ctx, dir, c.verifyOptions())
	if err != nil {
		r.fail(err)
		return nil, nil
	}
	st := &catalogState{dir: dir, searched: ci.res.Catalogs}
	for _, h := range []string{r.Hashes.Authentihash, r.Hashes.AuthentihashSHA1} {
		if h == "" {
			continue
		}
		m, err := ci.kb.CatalogMembers(ctx, h)
		if err != nil && !errors.Is(err, reputation.ErrNotFound) {
			r.fail(err)
		}
		st.members = append(st.members, m...)
	}
	return st, ci.kb
}
