package reputation

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/filerep/filerep/hash/ssdeep"
	"github.com/filerep/filerep/hash/tlsh"
)

// The similarity thresholds: a file is similar to a query when its ssdeep
// score is at least SimilarSSDeepScore or its TLSH distance at most
// SimilarTLSHDistance.
//
// Neither measure separates related from unrelated files by itself on the
// repository's samples (testdata/pe, digests computed with hash/ssdeep and
// hash/tlsh, reputation/similar_samples_test.go), which is why a file
// needs to pass only one:
//
//   - mingw-console-x64.exe and its signed copies (signature, nested
//     signature, timestamp appended: 2.6 to 6.2 KB more) score 93 to 97
//     under ssdeep; their TLSH distances are 14 to 39, and 74 for the
//     timestamped copy, whose length term grows.
//   - console.c rebuilt with -O0, -O1 and -O2 instead of -Os scores only 35
//     to 43 under ssdeep (the code moves, so the pieces differ), but is at
//     TLSH distance 31 to 43.
//   - Files built from other sources with the same toolchain are at TLSH
//     distance 53 (mingw-gui-x64 and spoof-msft) and 54 (clang-mingw-x64,
//     a hello world, and mingw-console-x64) at the closest, and at 78 or
//     more otherwise, except the two C# samples below; ssdeep scores them
//     0, except two small, mostly-zero files (clang-msvc-x64.exe, 2 KB,
//     and nasm-tiny.exe, 1.5 KB) at 35.
//
// So SimilarSSDeepScore is 50: well above the 35 of the unrelated small
// files and below the 90s of the same program with a signature added.
// ssdeep itself lists every score above 0 (`ssdeep -d`, `-m`), which over
// a knowledge base of many small PE files would bring in unrelated files
// that share little more than headers and padding.
//
// SimilarTLSHDistance is 50: on our samples it finds every rebuild (at
// most 43) and no program built from another source (at least 53), but
// for dotnet-cs.exe and dotnet-cs.dll (37), two 3.5 KB C# assemblies that
// are mostly the same metadata and version resource. The TLSH paper
// evaluates cutoffs from 40 to 100 and reports the trade-off seen here:
// a lower cutoff finds fewer related files and admits fewer unrelated
// ones; 50 sits at its cautious end, because a similar file carries
// reputation to the file asked about.
//
// The margins (43 against 53) are small: these are starting points to
// revisit on a larger corpus, not measured error rates.
const (
	SimilarSSDeepScore  = 50
	SimilarTLSHDistance = 50
)

// SimilarFile is a file record that is similar to a query, with the
// measures that made it so.
type SimilarFile struct {
	Record       FileRecord `json:"record"`
	SSDeepScore  int        `json:"ssdeep_score"`  // ssdeep match score 0–100; -1 when not compared (query or record without an ssdeep digest)
	TLSHDistance int        `json:"tlsh_distance"` // TLSH distance (with the length term); -1 when not compared
}

// SimilarityIndex is implemented by knowledge bases that can find files
// similar to a file by its ssdeep and TLSH digests ([MemKB], [Layered]
// and the SQLite store do). It is optional: use [FindSimilar] to ask any
// [KnowledgeBase].
type SimilarityIndex interface {
	// Similar returns the records whose ssdeep digest scores at least
	// [SimilarSSDeepScore] against ssdeepDigest, or whose TLSH digest is at
	// most [SimilarTLSHDistance] from tlshDigest, most similar first (see
	// [SortSimilar]), at most limit of them (every one when limit < 1).
	//
	// Either digest may be empty, not both; they are in the forms
	// [FileRecord] holds (ssdeep's blocksize:hash1:hash2; TLSH's T1 and
	// 70 hex digits, or the 70 digits alone). A malformed digest, or none,
	// is an error wrapping [ErrBadHash]. Records whose SHA-256 equals
	// excludeSHA256 (the file asked about, which is similar to itself)
	// are left out before limit counts; it may be empty, and is otherwise
	// a SHA-256 as [NormalizeHash] accepts it. When nothing is similar the
	// error wraps [ErrNotFound].
	Similar(ctx context.Context, ssdeepDigest, tlshDigest, excludeSHA256 string, limit int) ([]SimilarFile, error)
}

// FindSimilar asks kb for files similar to the digests, as
// [SimilarityIndex.Similar] does. A kb that is not a SimilarityIndex gives
// an error wrapping [errors.ErrUnsupported].
func FindSimilar(ctx context.Context, kb KnowledgeBase, ssdeepDigest, tlshDigest, excludeSHA256 string, limit int) ([]SimilarFile, error) {
	idx, ok := kb.(SimilarityIndex)
	if !ok {
		return nil, fmt.Errorf("reputation: %T finds no similar files: %w", kb, errors.ErrUnsupported)
	}
	return idx.Similar(ctx, ssdeepDigest, tlshDigest, excludeSHA256, limit)
}

// SimilarMatcher compares file records with the digests of one
// [SimilarityIndex.Similar] query. It is for implementations of
// SimilarityIndex, so that they decide and order as MemKB does.
type SimilarMatcher struct {
	ss      ssdeep.Digest
	tl      tlsh.Digest
	hasSS   bool
	hasTL   bool
	exclude string
	query   string
}

// NewSimilarMatcher checks the arguments of [SimilarityIndex.Similar] and
// returns their matcher. The error wraps [ErrBadHash].
func NewSimilarMatcher(ssdeepDigest, tlshDigest, excludeSHA256 string) (*SimilarMatcher, error) {
	m := &SimilarMatcher{}
	var err error
	if s := strings.TrimSpace(ssdeepDigest); s != "" {
		if m.ss, err = ssdeep.Parse(s); err != nil {
			return nil, errorf(ErrBadHash, "ssdeep digest: %w", err)
		}
		m.hasSS = true
	}
	if s := strings.TrimSpace(tlshDigest); s != "" {
		if m.tl, err = tlsh.Parse(s); err != nil {
			return nil, errorf(ErrBadHash, "tlsh digest: %w", err)
		}
		m.hasTL = true
	}
	if !m.hasSS && !m.hasTL {
		return nil, errorf(ErrBadHash, "similarity query without an ssdeep or a TLSH digest")
	}
	if strings.TrimSpace(excludeSHA256) != "" {
		if m.exclude, err = normalizeHashAs(excludeSHA256, SHA256, "excluded sha256"); err != nil {
			return nil, err
		}
	}
	var q []string
	if m.hasSS {
		q = append(q, m.ss.String())
	}
	if m.hasTL {
		q = append(q, m.tl.String())
	}
	m.query = strings.Join(q, " ")
	return m, nil
}

// SSDeepBlockSizes returns the block sizes of ssdeep digests that can
// score against the query's (equal, half and double; ssdeep compares no
// others), or nil when the query has no ssdeep digest. A store may use
// them to pick candidate records before calling [SimilarMatcher.Match].
func (m *SimilarMatcher) SSDeepBlockSizes() []uint64 {
	if !m.hasSS {
		return nil
	}
	bs := m.ss.BlockSize
	out := []uint64{bs, bs * 2}
	if bs/2 >= ssdeep.MinBlockSize {
		out = append(out, bs/2)
	}
	return out
}

// HasTLSH reports whether the query has a TLSH digest; a store that
// picks candidates must then consider every record with one.
func (m *SimilarMatcher) HasTLSH() bool { return m.hasTL }

// Match compares r (a record as [FileRecord.Normalize] returns it) with
// the query and reports whether it is similar. A record of the excluded
// SHA-256 never is; a record digest that does not parse is not compared.
func (m *SimilarMatcher) Match(r FileRecord) (SimilarFile, bool) {
	f := SimilarFile{Record: r, SSDeepScore: -1, TLSHDistance: -1}
	if m.exclude != "" && r.SHA256 == m.exclude {
		return f, false
	}
	if m.hasSS && r.SSDeep != "" {
		f.SSDeepScore = m.ssdeepScore(r.SSDeep)
	}
	if m.hasTL && r.TLSH != "" {
		if d, err := tlsh.Parse(r.TLSH); err == nil {
			f.TLSHDistance = tlsh.Distance(m.tl, d)
		}
	}
	return f, f.SSDeepScore >= SimilarSSDeepScore || (f.TLSHDistance >= 0 && f.TLSHDistance <= SimilarTLSHDistance)
}

// ssdeepScore compares the query with a record's ssdeep digest (valid:
// records are normalized when written). A digest whose block size is not
// comparable scores 0, as ssdeep.Compare would say, without being parsed:
// the common case in a scan, where about 3 of the 11 block sizes of files
// from 3 KB to 3 MB are comparable with any one.
func (m *SimilarMatcher) ssdeepScore(digest string) int {
	if bs, _, ok := strings.Cut(digest, ":"); ok {
		if n, err := strconv.ParseUint(bs, 10, 64); err == nil && n != m.ss.BlockSize && n != 2*m.ss.BlockSize && 2*n != m.ss.BlockSize {
			return 0
		}
	}
	d, err := ssdeep.Parse(digest)
	if err != nil {
		return -1
	}
	return ssdeep.Compare(m.ss, d)
}

// Finish ends a Similar lookup of any implementation: it returns err when
// the lookup failed, an error wrapping [ErrNotFound] when out is empty,
// and otherwise out ordered by [SortSimilar] and cut to limit (when
// limit ≥ 1).
func (m *SimilarMatcher) Finish(out []SimilarFile, err error, limit int) ([]SimilarFile, error) {
	out, err = finishList(out, err, SortSimilar, "files similar to", m.query)
	if err == nil && limit > 0 && len(out) > limit {
		out = out[:limit:limit]
	}
	return out, err
}

// closeness puts both measures on one 0–100 scale for ordering: the
// ssdeep score as it is, a TLSH distance d as 100−d (at least 0), -1 for
// a measure not compared. Both thresholds land on 50.
func (f SimilarFile) closeness() (best, other int) {
	s, t := f.SSDeepScore, -1
	if f.TLSHDistance >= 0 {
		t = max(0, 100-f.TLSHDistance)
	}
	return max(s, t), min(s, t)
}

// SortSimilar orders similar files as [SimilarityIndex.Similar] returns
// them, most similar first: by the better of the two measures, with a
// TLSH distance d counting as 100−d on ssdeep's 0–100 scale; then by the
// other measure (a record similar by both before one similar by one);
// then as [SortFiles] orders records (trust, source, identity hash).
func SortSimilar(fs []SimilarFile) {
	slices.SortFunc(fs, func(a, b SimilarFile) int {
		ab, ao := a.closeness()
		bb, bo := b.closeness()
		return cmp.Or(
			cmp.Compare(bb, ab),
			cmp.Compare(bo, ao),
			cmp.Compare(trustRank(a.Record.Trust), trustRank(b.Record.Trust)),
			cmp.Compare(a.Record.Source, b.Record.Source),
			cmp.Compare(a.Record.key(), b.Record.key()),
		)
	})
}
