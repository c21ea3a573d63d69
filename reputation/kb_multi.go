package reputation

import (
	"context"
	"errors"
)

// Layered is a KnowledgeBase that asks several in turn: list lookups
// (Files, Versions, CatalogMembers, and Similar of the layers that are a
// [SimilarityIndex]) gather every layer's answers, single
// lookups (TypicalPaths, Relationships, Publisher) take the first layer
// that has one. It lets a caller put a catalog index made at run time in
// front of the embedded default, without writing to it.
type Layered []KnowledgeBase

var _ KnowledgeBase = Layered(nil)

// gather runs a list lookup on every layer and merges the answers in the
// order the [KnowledgeBase] method promises (each layer's list is ordered,
// the concatenation is not); what and key name the lookup in the
// ErrNotFound error.
func gather[T any](l Layered, fn func(KnowledgeBase) ([]T, error), order func([]T), what, key string) ([]T, error) {
	var out []T
	for _, kb := range l {
		v, err := fn(kb)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return nil, err
		}
		out = append(out, v...)
	}
	return finishList(out, nil, order, what, key)
}

// first returns the answer of the first layer that has one.
func first[T any](l Layered, fn func(KnowledgeBase) (T, error)) (T, error) {
	var zero T
	for _, kb := range l {
		v, err := fn(kb)
		if err == nil {
			return v, nil
		}
		if !errors.Is(err, ErrNotFound) {
			return zero, err
		}
	}
	return zero, ErrNotFound
}

// Files implements KnowledgeBase.
func (l Layered) Files(ctx context.Context, hash string) ([]FileRecord, error) {
	return gather(l, func(kb KnowledgeBase) ([]FileRecord, error) { return kb.Files(ctx, hash) }, SortFiles, "file", hash)
}

// TypicalPaths implements KnowledgeBase.
func (l Layered) TypicalPaths(ctx context.Context, name string) (TypicalPaths, error) {
	return first(l, func(kb KnowledgeBase) (TypicalPaths, error) { return kb.TypicalPaths(ctx, name) })
}

// Versions implements KnowledgeBase.
func (l Layered) Versions(ctx context.Context, name string) ([]VersionRecord, error) {
	return gather(l, func(kb KnowledgeBase) ([]VersionRecord, error) { return kb.Versions(ctx, name) }, SortVersions, "versions of", name)
}

// Relationships implements KnowledgeBase.
func (l Layered) Relationships(ctx context.Context, name string) (Relationships, error) {
	return first(l, func(kb KnowledgeBase) (Relationships, error) { return kb.Relationships(ctx, name) })
}

// Publisher implements KnowledgeBase.
func (l Layered) Publisher(ctx context.Context, subject, thumbprint string) (Publisher, error) {
	return first(l, func(kb KnowledgeBase) (Publisher, error) { return kb.Publisher(ctx, subject, thumbprint) })
}

// CatalogMembers implements KnowledgeBase.
func (l Layered) CatalogMembers(ctx context.Context, authentihash string) ([]CatalogMember, error) {
	return gather(l, func(kb KnowledgeBase) ([]CatalogMember, error) { return kb.CatalogMembers(ctx, authentihash) },
		SortCatalogMembers, "catalog member", authentihash)
}

var _ SimilarityIndex = Layered(nil)

// Similar implements [SimilarityIndex]: it asks every layer that is a
// SimilarityIndex (the others are skipped), keeps one answer per record
// (the same SHA-256 and source from two layers: the first layer's), and
// orders and cuts the merged list as one knowledge base would.
func (l Layered) Similar(ctx context.Context, ssdeepDigest, tlshDigest, excludeSHA256 string, limit int) ([]SimilarFile, error) {
	m, err := NewSimilarMatcher(ssdeepDigest, tlshDigest, excludeSHA256)
	if err != nil {
		return nil, err
	}
	var out []SimilarFile
	seen := map[memFileKey]bool{}
	for _, kb := range l {
		idx, ok := kb.(SimilarityIndex)
		if !ok {
			continue
		}
		fs, err := idx.Similar(ctx, ssdeepDigest, tlshDigest, excludeSHA256, limit)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return nil, err
		}
		for _, f := range fs {
			k := memFileKey{f.Record.key(), f.Record.Source}
			if !seen[k] {
				seen[k] = true
				out = append(out, f)
			}
		}
	}
	return m.Finish(out, nil, limit)
}
