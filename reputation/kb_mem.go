package reputation

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// MemKB is a [KnowledgeBase] and [Writer] held in memory, for tests and for
// small users. The zero MemKB is empty and ready to use; it is safe for
// concurrent use. [MemKB.Update] applies a transaction's writes under one
// lock once fn returns nil, so readers see all of them or none.
type MemKB struct {
	mu sync.RWMutex
	st *memState
}

var _ ReadWriter = (*MemKB)(nil)

// NewMemKB returns an empty MemKB; it is the same as new(MemKB).
func NewMemKB() *MemKB { return new(MemKB) }

type memFileKey struct{ hash, source string }

type memPath struct {
	display string
	count   int64
}

type memName struct {
	system bool
	paths  map[string]*memPath // by NormalizePath
}

type memState struct {
	files    map[memFileKey]FileRecord
	byHash   map[string]map[memFileKey]struct{} // every hash of a record → its key
	names    map[string]*memName
	versions map[string]map[[2]string]VersionRecord // name → (version, sha256, "") → record
	parents  map[string]map[string]struct{}
	modules  map[string]map[string]struct{}
	pubThumb map[string]Publisher
	pubSubj  map[string]Publisher // lower-cased subject → record without thumbprint
	catalog  map[string]map[string]CatalogMember
}

func newMemState() *memState {
	return &memState{
		files:    map[memFileKey]FileRecord{},
		byHash:   map[string]map[memFileKey]struct{}{},
		names:    map[string]*memName{},
		versions: map[string]map[[2]string]VersionRecord{},
		parents:  map[string]map[string]struct{}{},
		modules:  map[string]map[string]struct{}{},
		pubThumb: map[string]Publisher{},
		pubSubj:  map[string]Publisher{},
		catalog:  map[string]map[string]CatalogMember{},
	}
}

// state returns the state, creating it; the caller holds the write lock.
func (kb *MemKB) state() *memState {
	if kb.st == nil {
		kb.st = newMemState()
	}
	return kb.st
}

// read runs fn under the read lock; st is never nil.
func (kb *MemKB) read(ctx context.Context, fn func(st *memState) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	kb.mu.RLock()
	defer kb.mu.RUnlock()
	st := kb.st
	if st == nil {
		st = emptyMemState
	}
	return fn(st)
}

var emptyMemState = newMemState()

// Files implements [KnowledgeBase].
func (kb *MemKB) Files(ctx context.Context, hash string) ([]FileRecord, error) {
	_, h, err := NormalizeHash(hash)
	if err != nil {
		return nil, err
	}
	var out []FileRecord
	err = kb.read(ctx, func(st *memState) error {
		for k := range st.byHash[h] {
			out = append(out, st.files[k])
		}
		return nil
	})
	return finishList(out, err, SortFiles, "file", h)
}

// TypicalPaths implements [KnowledgeBase].
func (kb *MemKB) TypicalPaths(ctx context.Context, name string) (TypicalPaths, error) {
	n := NormalizeName(name)
	out := TypicalPaths{Name: n}
	found := false
	err := kb.read(ctx, func(st *memState) error {
		e := st.names[n]
		if e == nil {
			return nil
		}
		found = true
		out.System = e.system
		for _, p := range e.paths {
			out.Paths = append(out.Paths, PathCount{Path: p.display, Count: p.count})
		}
		return nil
	})
	if err != nil {
		return TypicalPaths{}, err
	}
	if !found {
		return TypicalPaths{}, notFound("name", n)
	}
	SortPaths(out.Paths)
	return out, nil
}

// Versions implements [KnowledgeBase].
func (kb *MemKB) Versions(ctx context.Context, name string) ([]VersionRecord, error) {
	n := NormalizeName(name)
	var out []VersionRecord
	err := kb.read(ctx, func(st *memState) error {
		for _, v := range st.versions[n] {
			out = append(out, v)
		}
		return nil
	})
	return finishList(out, err, SortVersions, "versions of", n)
}

// Relationships implements [KnowledgeBase].
func (kb *MemKB) Relationships(ctx context.Context, name string) (Relationships, error) {
	n := NormalizeName(name)
	out := Relationships{Name: n}
	err := kb.read(ctx, func(st *memState) error {
		for p := range st.parents[n] {
			out.Parents = append(out.Parents, p)
		}
		for m := range st.modules[n] {
			out.Modules = append(out.Modules, m)
		}
		return nil
	})
	if err != nil {
		return Relationships{}, err
	}
	if len(out.Parents)+len(out.Modules) == 0 {
		return Relationships{}, notFound("relationships of", n)
	}
	slices.Sort(out.Parents)
	slices.Sort(out.Modules)
	return out, nil
}

// Publisher implements [KnowledgeBase].
func (kb *MemKB) Publisher(ctx context.Context, subject, thumbprint string) (Publisher, error) {
	thumb, subj, err := publisherKeys(subject, thumbprint)
	if err != nil {
		return Publisher{}, err
	}
	var out Publisher
	found := false
	err = kb.read(ctx, func(st *memState) error {
		if thumb != "" {
			out, found = st.pubThumb[thumb]
		}
		if !found && subj != "" {
			out, found = st.pubSubj[subj]
		}
		return nil
	})
	if err != nil {
		return Publisher{}, err
	}
	if !found {
		return Publisher{}, notFound("publisher", strings.TrimSpace(subject+" "+thumbprint))
	}
	return out, nil
}

// publisherKeys normalizes the arguments of [KnowledgeBase.Publisher]: the
// thumbprint (empty, or 64 hex digits) and the lower-cased subject common
// name.
func publisherKeys(subject, thumbprint string) (thumb, subj string, err error) {
	if strings.TrimSpace(thumbprint) != "" {
		if thumb, err = normalizeHashAs(thumbprint, SHA256, "thumbprint"); err != nil {
			return "", "", err
		}
	}
	return thumb, strings.ToLower(SubjectCommonName(subject)), nil
}

// CatalogMembers implements [KnowledgeBase].
func (kb *MemKB) CatalogMembers(ctx context.Context, authentihash string) ([]CatalogMember, error) {
	_, h, err := NormalizeHash(authentihash)
	if err != nil {
		return nil, err
	}
	var out []CatalogMember
	err = kb.read(ctx, func(st *memState) error {
		for _, m := range st.catalog[h] {
			out = append(out, m)
		}
		return nil
	})
	return finishList(out, err, SortCatalogMembers, "catalog member", h)
}

// Stats counts the records, as the SQLite store's Stats method does.
func (kb *MemKB) Stats(ctx context.Context) (Stats, error) {
	var s Stats
	err := kb.read(ctx, func(st *memState) error {
		s.Files = int64(len(st.files))
		s.Names = int64(len(st.names))
		for _, n := range st.names {
			s.Paths += int64(len(n.paths))
		}
		for _, v := range st.versions {
			s.Versions += int64(len(v))
		}
		for _, p := range st.parents {
			s.Relations += int64(len(p))
		}
		for _, m := range st.modules {
			s.Relations += int64(len(m))
		}
		s.Publishers = int64(len(st.pubThumb) + len(st.pubSubj))
		for _, c := range st.catalog {
			s.CatalogMembers += int64(len(c))
		}
		return nil
	})
	return s, err
}

// Update implements [Writer]. The writes of fn are validated as they are
// made and applied together, under the write lock, when fn returns nil.
func (kb *MemKB) Update(ctx context.Context, fn func(Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	tx := &memTx{}
	defer func() { tx.done = true }()
	if err := fn(tx); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	kb.mu.Lock()
	defer kb.mu.Unlock()
	st := kb.state()
	for _, op := range tx.ops {
		op(st)
	}
	return nil
}

// memTx collects validated writes; they run at commit.
type memTx struct {
	ops  []func(*memState)
	done bool
}

func (tx *memTx) add(op func(*memState)) error {
	if tx.done {
		return fmt.Errorf("reputation: Tx used after its Update returned")
	}
	tx.ops = append(tx.ops, op)
	return nil
}

func (tx *memTx) PutFile(r FileRecord) error {
	r, err := r.Normalize()
	if err != nil {
		return err
	}
	return tx.add(func(st *memState) {
		k := memFileKey{r.key(), r.Source}
		if old, ok := st.files[k]; ok {
			for _, h := range []string{old.MD5, old.SHA1, old.SHA256} {
				if h != "" {
					delete(st.byHash[h], k)
				}
			}
		}
		st.files[k] = r
		for _, h := range []string{r.MD5, r.SHA1, r.SHA256} {
			if h == "" {
				continue
			}
			if st.byHash[h] == nil {
				st.byHash[h] = map[memFileKey]struct{}{}
			}
			st.byHash[h][k] = struct{}{}
		}
	})
}

func (st *memState) name(n string) *memName {
	e := st.names[n]
	if e == nil {
		e = &memName{paths: map[string]*memPath{}}
		st.names[n] = e
	}
	return e
}

func (tx *memTx) AddPath(name, path string, count int64) error {
	n, err := checkName("path", name)
	if err != nil {
		return err
	}
	path, key, err := checkPath(path, count)
	if err != nil {
		return err
	}
	return tx.add(func(st *memState) {
		e := st.name(n)
		p := e.paths[key]
		if p == nil {
			p = &memPath{display: path}
			e.paths[key] = p
		}
		p.count += count
	})
}

// checkPath validates a path and count for AddPath and returns the trimmed
// path and its comparison key.
func checkPath(path string, count int64) (string, string, error) {
	path = strings.TrimSpace(path)
	key := NormalizePath(path)
	if key == "" {
		return "", "", errorf(ErrInvalidRecord, "empty path")
	}
	if count < 0 {
		return "", "", errorf(ErrInvalidRecord, "negative path count %d", count)
	}
	return path, key, nil
}

func (tx *memTx) SetSystem(name string, system bool) error {
	n, err := checkName("system", name)
	if err != nil {
		return err
	}
	return tx.add(func(st *memState) { st.name(n).system = system })
}

func (tx *memTx) PutVersion(v VersionRecord) error {
	v, err := v.Normalize()
	if err != nil {
		return err
	}
	return tx.add(func(st *memState) {
		m := st.versions[v.Name]
		if m == nil {
			m = map[[2]string]VersionRecord{}
			st.versions[v.Name] = m
		}
		m[[2]string{v.Version, v.SHA256}] = v
	})
}

func (tx *memTx) AddParent(name, parent string) error { return tx.relate(name, parent, true) }

func (tx *memTx) AddModule(name, module string) error { return tx.relate(name, module, false) }

func (tx *memTx) relate(name, other string, parent bool) error {
	n, err := checkName("relationship", name)
	if err != nil {
		return err
	}
	o, err := checkName("relationship", other)
	if err != nil {
		return err
	}
	return tx.add(func(st *memState) {
		m := st.modules
		if parent {
			m = st.parents
		}
		if m[n] == nil {
			m[n] = map[string]struct{}{}
		}
		m[n][o] = struct{}{}
	})
}

func (tx *memTx) PutPublisher(p Publisher) error {
	p, err := p.Normalize()
	if err != nil {
		return err
	}
	return tx.add(func(st *memState) {
		if p.Thumbprint != "" {
			st.pubThumb[p.Thumbprint] = p
		} else {
			st.pubSubj[strings.ToLower(p.Subject)] = p
		}
	})
}

func (tx *memTx) PutCatalogMember(m CatalogMember) error {
	m, err := m.Normalize()
	if err != nil {
		return err
	}
	return tx.add(func(st *memState) {
		if st.catalog[m.Hash] == nil {
			st.catalog[m.Hash] = map[string]CatalogMember{}
		}
		st.catalog[m.Hash][m.Catalog] = m
	})
}

// notFound returns an error wrapping ErrNotFound that names the key.
func notFound(what, key string) error {
	return errorf(ErrNotFound, "%s %q", what, key)
}

// Stats counts the records of a knowledge base.
type Stats struct {
	Files          int64 `json:"files"`           // file records (one per file and source)
	Names          int64 `json:"names"`           // file names with typical paths or a system mark
	Paths          int64 `json:"paths"`           // typical paths over all names
	Versions       int64 `json:"versions"`        // version records
	Relations      int64 `json:"relations"`       // parent and module links
	Publishers     int64 `json:"publishers"`      // trusted publishers
	CatalogMembers int64 `json:"catalog_members"` // catalog memberships
}

var _ SimilarityIndex = (*MemKB)(nil)

// Similar implements [SimilarityIndex] by comparing the query with every
// record that has a similarity digest.
func (kb *MemKB) Similar(ctx context.Context, ssdeepDigest, tlshDigest, excludeSHA256 string, limit int) ([]SimilarFile, error) {
	m, err := NewSimilarMatcher(ssdeepDigest, tlshDigest, excludeSHA256)
	if err != nil {
		return nil, err
	}
	var out []SimilarFile
	err = kb.read(ctx, func(st *memState) error {
		for _, r := range st.files {
			if r.SSDeep == "" && r.TLSH == "" {
				continue
			}
			if f, ok := m.Match(r); ok {
				out = append(out, f)
			}
		}
		return nil
	})
	return m.Finish(out, err, limit)
}
