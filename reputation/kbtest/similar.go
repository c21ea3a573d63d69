package kbtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/filerep/filerep/hash/ssdeep"
	"github.com/filerep/filerep/hash/tlsh"
	"github.com/filerep/filerep/reputation"
)

// simFile is a generated input with its digests.
type simFile struct {
	sha256 string
	ss     ssdeep.Digest
	tl     tlsh.Digest
}

// simInput returns 64 KiB of pseudo-random bytes unique to this run and
// label, from which the similarity cases are made.
func (s *suite) simInput(label string) []byte {
	seed := sha256.Sum256([]byte(s.prefix + "/sim/" + label))
	r := rand.New(rand.NewChaCha8(seed))
	b := make([]byte, 64<<10)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func (s *suite) digests(t *testing.T, b []byte) simFile {
	t.Helper()
	h := sha256.Sum256(b)
	ss, err := ssdeep.Sum(b)
	require.NoError(t, err)
	tl, err := tlsh.Sum(b)
	require.NoError(t, err)
	return simFile{sha256: hex.EncodeToString(h[:]), ss: ss, tl: tl}
}

// similar checks [reputation.SimilarityIndex] when kb implements it: the
// thresholds, the ordering, limit and exclusion, queries by one digest,
// records with one digest, the ssdeep block sizes that compare (equal,
// double, half), replacement, and the errors.
func (s *suite) similar(t *testing.T) {
	idx, ok := s.kb.(reputation.SimilarityIndex)
	if !ok {
		t.Skipf("%T is not a reputation.SimilarityIndex", s.kb)
	}
	ctx := context.Background()

	base := s.simInput("base")
	near := append([]byte(nil), base...) // a few edits: similar by both measures
	for i := 20000; i < len(near); i += 30000 {
		copy(near[i:], "kbtest edit")
	}
	orig, edited := s.digests(t, base), s.digests(t, near)
	far := s.digests(t, s.simInput("far")) // unrelated random bytes
	require.GreaterOrEqual(t, ssdeep.Compare(orig.ss, edited.ss), reputation.SimilarSSDeepScore, "the edited copy is similar by ssdeep")
	require.LessOrEqual(t, tlsh.Distance(orig.tl, edited.tl), reputation.SimilarTLSHDistance, "the edited copy is similar by TLSH")
	require.Less(t, ssdeep.Compare(orig.ss, far.ss), reputation.SimilarSSDeepScore)
	require.Greater(t, tlsh.Distance(orig.tl, far.tl), reputation.SimilarTLSHDistance)

	// ssdeep digests whose block size is double, half and four times the
	// original's, with the original's strings where ssdeep compares them:
	// the first two score 100, the last is not comparable.
	bs := orig.ss.BlockSize
	require.GreaterOrEqual(t, bs, uint64(2*ssdeep.MinBlockSize), "the half block size exists")
	double := ssdeep.Digest{BlockSize: 2 * bs, Hash1: orig.ss.Hash2, Hash2: "A"}
	half := ssdeep.Digest{BlockSize: bs / 2, Hash1: "A", Hash2: orig.ss.Hash1}
	quad := ssdeep.Digest{BlockSize: 4 * bs, Hash1: orig.ss.Hash1, Hash2: orig.ss.Hash2}

	_, _, hOrig := s.hashes("sim-orig")
	_, _, hNear := s.hashes("sim-near")
	_, _, hFar := s.hashes("sim-far")
	_, _, hDouble := s.hashes("sim-double")
	_, _, hHalf := s.hashes("sim-half")
	_, _, hQuad := s.hashes("sim-quad")
	_, _, hTLSHOnly := s.hashes("sim-tlsh-only")
	_, _, hNone := s.hashes("sim-none")
	rec := func(h, source string, trust reputation.Trust, ss, tl string) reputation.FileRecord {
		return reputation.FileRecord{SHA256: h, Name: s.name("sim"), Source: source, Trust: trust, SSDeep: ss, TLSH: tl}
	}
	rOrig := rec(hOrig, s.prefix, reputation.TrustKnown, orig.ss.String(), orig.tl.String())
	rOrigBad := rec(hOrig, s.prefix+"-b", reputation.TrustBad, orig.ss.String(), orig.tl.String())
	rNear := rec(hNear, s.prefix, reputation.TrustKnown, edited.ss.String(), edited.tl.String())
	rFar := rec(hFar, s.prefix, reputation.TrustKnown, far.ss.String(), far.tl.String())
	rDouble := rec(hDouble, s.prefix, reputation.TrustKnown, double.String(), "")
	rHalf := rec(hHalf, s.prefix, reputation.TrustKnown, half.String(), "")
	rQuad := rec(hQuad, s.prefix, reputation.TrustKnown, quad.String(), "")
	rTLSHOnly := rec(hTLSHOnly, s.prefix, reputation.TrustKnown, "", edited.tl.String())
	rNone := rec(hNone, s.prefix, reputation.TrustKnown, "", "")
	s.update(t, func(tx reputation.Tx) error {
		// TLSH in tlsh 3.4's form (no T1, lower case): stored as T1 and
		// upper case.
		in := rTLSHOnly
		in.TLSH = strings.ToLower(edited.tl.Hex())
		for _, r := range []reputation.FileRecord{rOrig, rOrigBad, rNear, rFar, rDouble, rHalf, rQuad, in, rNone} {
			if err := tx.PutFile(r); err != nil {
				return err
			}
		}
		return nil
	})
	got, err := s.kb.Files(ctx, hTLSHOnly)
	require.NoError(t, err)
	assert.Equal(t, []reputation.FileRecord{rTLSHOnly}, got, "TLSH stored in its T1 form")

	sf := func(r reputation.FileRecord, ss, tl int) reputation.SimilarFile {
		return reputation.SimilarFile{Record: r, SSDeepScore: ss, TLSHDistance: tl}
	}
	dNear := tlsh.Distance(orig.tl, edited.tl)
	sNear := ssdeep.Compare(orig.ss, edited.ss)
	// Most similar first: identical (100, distance 0), the block-size
	// variants (ssdeep 100, no TLSH), then the edited copy by its better
	// measure, then the TLSH-only record.
	want := []reputation.SimilarFile{
		sf(rOrigBad, 100, 0), sf(rOrig, 100, 0),
		sf(rDouble, 100, -1), sf(rHalf, 100, -1),
		sf(rNear, sNear, dNear),
		sf(rTLSHOnly, -1, dNear),
	}
	reputation.SortSimilar(want) // ties (double and half) are broken by SHA-256
	require.Equal(t, sf(rOrigBad, 100, 0), want[0], "known-bad before known")
	require.Equal(t, 100, want[3].SSDeepScore, "the block-size variants come before the edited copy")
	got2, err := idx.Similar(ctx, orig.ss.String(), orig.tl.String(), "", 0)
	require.NoError(t, err)
	assert.Equal(t, want, got2, "by both digests")

	// Excluding the file itself leaves out both its records before limit.
	got2, err = idx.Similar(ctx, orig.ss.String(), " "+strings.ToLower(orig.tl.Hex())+"\n", strings.ToUpper(hOrig), 2)
	require.NoError(t, err)
	assert.Equal(t, want[2:4], got2, "excluded and limited")
	got2, err = idx.Similar(ctx, orig.ss.String(), orig.tl.String(), hOrig, 1)
	require.NoError(t, err)
	assert.Equal(t, want[2:3], got2, "limit 1")

	// By one digest: the other measure is not compared.
	got2, err = idx.Similar(ctx, orig.ss.String(), "", hOrig, -1)
	require.NoError(t, err)
	bySSDeep := []reputation.SimilarFile{sf(rDouble, 100, -1), sf(rHalf, 100, -1), sf(rNear, sNear, -1)}
	reputation.SortSimilar(bySSDeep) // double and half tie, broken by SHA-256
	assert.Equal(t, bySSDeep, got2, "by ssdeep")
	got2, err = idx.Similar(ctx, "", orig.tl.String(), hOrig, 0)
	require.NoError(t, err)
	byTLSH := []reputation.SimilarFile{sf(rNear, -1, dNear), sf(rTLSHOnly, -1, dNear)}
	reputation.SortSimilar(byTLSH) // a tie, broken by SHA-256
	assert.Equal(t, byTLSH, got2, "by TLSH")

	// Nothing similar: ErrNotFound.
	other := s.digests(t, s.simInput("absent"))
	_, err = idx.Similar(ctx, other.ss.String(), other.tl.String(), "", 0)
	assert.ErrorIs(t, err, reputation.ErrNotFound)
	got2, err = idx.Similar(ctx, far.ss.String(), far.tl.String(), "", 0)
	require.NoError(t, err)
	assert.Equal(t, []reputation.SimilarFile{sf(rFar, 100, 0)}, got2, "the unrelated file finds only itself")
	_, err = idx.Similar(ctx, far.ss.String(), far.tl.String(), hFar, 0)
	assert.ErrorIs(t, err, reputation.ErrNotFound)

	// Replacing a record without digests takes it out of the index.
	rNear2 := rNear
	rNear2.SSDeep, rNear2.TLSH = "", ""
	s.update(t, func(tx reputation.Tx) error { return tx.PutFile(rNear2) })
	got2, err = idx.Similar(ctx, "", orig.tl.String(), hOrig, 0)
	require.NoError(t, err)
	assert.Equal(t, []reputation.SimilarFile{sf(rTLSHOnly, -1, dNear)}, got2, "after replacement")

	// Bad queries and records.
	for _, q := range [][3]string{
		{"", "", ""},
		{"3:abc", "", ""},
		{"3:abc:def,file.exe", "", ""},
		{"", "T1" + strings.Repeat("0", 68), ""},
		{"", "T2" + strings.Repeat("0", 70), ""},
		{orig.ss.String(), "", hOrig[:40]},
		{orig.ss.String(), "", "xyz"},
	} {
		_, err := idx.Similar(ctx, q[0], q[1], q[2], 0)
		assert.ErrorIs(t, err, reputation.ErrBadHash, "Similar(%q, %q, %q)", q[0], q[1], q[2])
	}
	for _, r := range []reputation.FileRecord{
		rec(hNone, "x", reputation.TrustKnown, "4:abc:def", ""),
		rec(hNone, "x", reputation.TrustKnown, "", "T1"+strings.Repeat("G", 70)),
		{SSDeep: orig.ss.String(), Source: "x", Trust: reputation.TrustKnown}, // a digest is no identity
	} {
		err := s.kb.Update(ctx, func(tx reputation.Tx) error { return tx.PutFile(r) })
		if r.SHA256 == "" {
			assert.ErrorIs(t, err, reputation.ErrInvalidRecord, "%+v", r)
		} else {
			assert.ErrorIs(t, err, reputation.ErrBadHash, "%+v", r)
		}
	}
	_, err = idx.Similar(cancelled(), orig.ss.String(), "", "", 0)
	assert.True(t, errors.Is(err, context.Canceled), fmt.Sprint(err))
}

// cancelled returns a context that is already done.
func cancelled() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}
