package store

import (
	"context"
	"database/sql"
	"strings"

	"github.com/filerep/filerep/hash/ssdeep"
	"github.com/filerep/filerep/reputation"
)

var _ reputation.SimilarityIndex = (*Store)(nil)

// Similar implements [reputation.SimilarityIndex]. It reads the records
// that can match, those whose ssdeep block size is comparable with the
// query's (equal, half or double: an index on ssdeep_bs picks them) and,
// when the query has a TLSH digest, every record with one (a scan of the
// file table), and compares their digests in Go; see the package
// documentation for what that costs.
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
	var cond []string
	var args []any
	if bs := m.SSDeepBlockSizes(); len(bs) > 0 {
		ph := make([]string, len(bs))
		for i, b := range bs {
			ph[i] = "?"
			args = append(args, int64(b))
		}
		cond = append(cond, "ssdeep_bs IN ("+strings.Join(ph, ", ")+")")
	}
	if m.HasTLSH() {
		cond = append(cond, "tlsh IS NOT NULL")
	}
	// The statement text depends only on the number of block sizes (2 or
	// 3) and on whether the query has a TLSH digest, so few are prepared.
	q := "SELECT " + s.fileColumns() + " FROM file WHERE " + strings.Join(cond, " OR ")
	var out []reputation.SimilarFile
	err = s.query(ctx, q, func(rows *sql.Rows) error {
		r, err := scanFile(rows)
		if err != nil {
			return err
		}
		if f, ok := m.Match(r); ok {
			out = append(out, f)
		}
		return nil
	}, args...)
	return m.Finish(out, err, limit)
}

// nullableText returns s, or nil (SQL NULL) when it is empty.
func nullableText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// ssdeepBlockSize returns the block size of a normalized ssdeep digest
// (the number before its first colon), or nil when there is none.
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
