package store

import (
	"context"
	"database/sql"
	"slices"
	"strings"

	"github.com/filerep/filerep/hash/ssdeep"
	"github.com/filerep/filerep/reputation"
)

var _ reputation.SimilarityIndex = (*Store)(nil)

// Similar implements [reputation.SimilarityIndex] in two passes. The
// first reads digests only, from the partial indexes on them: the ssdeep
// digests whose block size is comparable with the query's (equal, half
// or double) and, when the query has a TLSH digest, every TLSH digest; it
// compares them in Go and keeps the rows that pass a threshold. The
// second reads those rows' records and measures them as
// [reputation.MemKB] does. The cost grows with the number of records that
// have digests; see the package documentation for a measurement.
func (s *Store) Similar(ctx context.Context, ssdeepDigest, tlshDigest, excludeSHA256 string, limit int) ([]reputation.SimilarFile, error) {
	m, err := reputation.NewSimilarMatcher(ssdeepDigest, tlshDigest, excludeSHA256)
	if err != nil {
		return nil, err
	}
	if s.closed.Load() {
		return nil, reputation.ErrClosed
	}
	if s.schema < 2 {
		// An old file opened read-only holds no digests.
		return m.Finish(nil, nil, limit)
	}
	var ids []int64
	candidate := func(r reputation.FileRecord) func(*sql.Rows) error {
		return func(rows *sql.Rows) error {
			var id int64
			if err := rows.Scan(&id, &r.SSDeep, &r.TLSH); err != nil {
				return err
			}
			if _, ok := m.Match(r); ok {
				ids = append(ids, id)
			}
			return nil
		}
	}
	if bs := m.SSDeepBlockSizes(); len(bs) > 0 {
		ph := make([]string, len(bs))
		args := make([]any, len(bs))
		for i, b := range bs {
			ph[i], args[i] = "?", int64(b)
		}
		// '' for tlsh: this pass measures ssdeep only.
		q := "SELECT id, ssdeep, '' FROM file WHERE ssdeep_bs IN (" + strings.Join(ph, ", ") + ")"
		if err := s.query(ctx, q, candidate(reputation.FileRecord{}), args...); err != nil {
			return nil, err
		}
	}
	if m.HasTLSH() {
		if err := s.query(ctx, "SELECT id, '', tlsh FROM file WHERE tlsh IS NOT NULL", candidate(reputation.FileRecord{})); err != nil {
			return nil, err
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	var out []reputation.SimilarFile
	for _, id := range ids {
		err := s.query(ctx, "SELECT "+s.fileColumns()+" FROM file WHERE id = ?", func(rows *sql.Rows) error {
			r, err := scanFile(rows)
			if err != nil {
				return err
			}
			if f, ok := m.Match(r); ok {
				out = append(out, f)
			}
			return nil
		}, id)
		if err != nil {
			return nil, err
		}
	}
	return m.Finish(out, nil, limit)
}

// nullableText returns s, or nil (SQL NULL) when it is empty.
func nullableText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// ssdeepBlockSize returns the block size of a normalized ssdeep digest,
// or nil (SQL NULL) when there is none.
func ssdeepBlockSize(digest string) any {
	if digest == "" {
		return nil
	}
	d, err := ssdeep.Parse(digest)
	if err != nil {
		return nil
	}
	return int64(d.BlockSize)
}
