// Package kbtest holds the conformance suite for implementations of
// [reputation.KnowledgeBase] and [reputation.Writer], in the spirit of
// testing/fstest.TestFS: every implementation (reputation.MemKB, the
// SQLite-backed Store of package github.com/filerep/filerep/reputation/store,
// and any a user writes) runs [Run] in its own tests. [CheckSeed] checks a
// knowledge base seeded with [reputation.Seed].
package kbtest

import (
	"context"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/filerep/filerep/reputation"
)

// Run checks that kb behaves as the KnowledgeBase and Writer contracts say:
// lookups by every hash algorithm and case, ErrNotFound and ErrBadHash,
// record replacement, ordering, normalization of names, paths, subjects
// and hashes, transactions that commit all or nothing (on error, on panic,
// on a cancelled context), concurrent readers during writes (run the
// tests with -race), and, when kb is a [reputation.SimilarityIndex], its
// thresholds, order, limit and exclusion.
//
// Run writes records under names and hashes derived from a random prefix
// ("kbtest-<hex>-…"), so it may run against a knowledge base that holds
// other data, and twice against the same one; it never deletes anything.
// Pass a knowledge base you can throw away.
func Run(t *testing.T, kb reputation.ReadWriter) {
	t.Helper()
	s := newSuite(t, kb)
	t.Run("NotFound", s.notFound)
	t.Run("BadHash", s.badHash)
	t.Run("Files", s.files)
	t.Run("FilesReplace", s.filesReplace)
	t.Run("InvalidRecords", s.invalidRecords)
	t.Run("TypicalPaths", s.typicalPaths)
	t.Run("Versions", s.versions)
	t.Run("Relationships", s.relationships)
	t.Run("Publisher", s.publisher)
	t.Run("CatalogMembers", s.catalogMembers)
	t.Run("Similar", s.similar)
	t.Run("Rollback", s.rollback)
	t.Run("Panic", s.panicRollback)
	t.Run("Context", s.context)
	t.Run("Concurrent", s.concurrent)
}

type suite struct {
	kb     reputation.ReadWriter
	prefix string
}

func newSuite(t *testing.T, kb reputation.ReadWriter) *suite {
	var b [6]byte
	_, err := rand.Read(b[:])
	require.NoError(t, err)
	return &suite{kb: kb, prefix: "kbtest-" + hex.EncodeToString(b[:])}
}

// name returns a file name unique to this run.
func (s *suite) name(label string) string { return s.prefix + "-" + label + ".exe" }

// hashes returns MD5, SHA-1 and SHA-256 hex digests of a label unique to
// this run. They are digests of the label, not of any file.
func (s *suite) hashes(label string) (string, string, string) {
	b := []byte(s.prefix + "/" + label)
	m, h1, h256 := md5.Sum(b), sha1.Sum(b), sha256.Sum256(b)
	return hex.EncodeToString(m[:]), hex.EncodeToString(h1[:]), hex.EncodeToString(h256[:])
}

func (s *suite) update(t *testing.T, fn func(reputation.Tx) error) {
	t.Helper()
	require.NoError(t, s.kb.Update(context.Background(), fn))
}

func (s *suite) notFound(t *testing.T) {
	ctx := context.Background()
	m, h1, h256 := s.hashes("absent")
	for _, h := range []string{m, h1, h256} {
		_, err := s.kb.Files(ctx, h)
		assert.ErrorIs(t, err, reputation.ErrNotFound, h)
	}
	_, err := s.kb.TypicalPaths(ctx, s.name("absent"))
	assert.ErrorIs(t, err, reputation.ErrNotFound)
	_, err = s.kb.Versions(ctx, s.name("absent"))
	assert.ErrorIs(t, err, reputation.ErrNotFound)
	_, err = s.kb.Relationships(ctx, s.name("absent"))
	assert.ErrorIs(t, err, reputation.ErrNotFound)
	_, err = s.kb.Publisher(ctx, s.prefix+" Absent Publisher", h256)
	assert.ErrorIs(t, err, reputation.ErrNotFound)
	_, err = s.kb.Publisher(ctx, "", "")
	assert.ErrorIs(t, err, reputation.ErrNotFound)
	_, err = s.kb.CatalogMembers(ctx, h1)
	assert.ErrorIs(t, err, reputation.ErrNotFound)
	_, err = s.kb.CatalogMembers(ctx, h256)
	assert.ErrorIs(t, err, reputation.ErrNotFound)
}

func (s *suite) badHash(t *testing.T) {
	ctx := context.Background()
	for _, h := range []string{"", "xyz", strings.Repeat("0", 31), strings.Repeat("g", 32), strings.Repeat("a", 65)} {
		_, err := s.kb.Files(ctx, h)
		assert.ErrorIs(t, err, reputation.ErrBadHash, "Files(%q)", h)
		_, err = s.kb.CatalogMembers(ctx, h)
		assert.ErrorIs(t, err, reputation.ErrBadHash, "CatalogMembers(%q)", h)
	}
	m, _, _ := s.hashes("thumb")
	_, err := s.kb.Publisher(ctx, "x", m) // an MD5 is not a thumbprint
	assert.ErrorIs(t, err, reputation.ErrBadHash)
	_, err = s.kb.Publisher(ctx, "x", "not hex")
	assert.ErrorIs(t, err, reputation.ErrBadHash)
}

func (s *suite) files(t *testing.T) {
	ctx := context.Background()
	m, h1, h256 := s.hashes("full")
	good := reputation.FileRecord{MD5: m, SHA1: h1, SHA256: h256, Name: "Full.EXE", Product: "P", Version: "1.2",
		Publisher: "Pub", Source: "alpha", Trust: reputation.TrustGood}
	bad := good
	bad.Source, bad.Trust, bad.Name = "beta", reputation.TrustBad, "other.exe"
	known := good
	known.Source, known.Trust = "gamma", reputation.TrustKnown
	// Upper-case input: stored lower-case.
	upper := known
	upper.MD5, upper.SHA1, upper.SHA256 = strings.ToUpper(m), strings.ToUpper(h1), strings.ToUpper(h256)
	s.update(t, func(tx reputation.Tx) error {
		for _, r := range []reputation.FileRecord{known, good, upper, bad} {
			if err := tx.PutFile(r); err != nil {
				return err
			}
		}
		return nil
	})
	want := []reputation.FileRecord{bad, good, known} // known-bad, known-good, known
	for _, h := range []string{m, h1, h256, strings.ToUpper(h256), " " + h1 + "\n"} {
		got, err := s.kb.Files(ctx, h)
		require.NoError(t, err, h)
		assert.Equal(t, want, got, "Files(%q)", h)
	}

	// Records with only a weaker hash are found by it, and only by it.
	mOnly, _, _ := s.hashes("md5-only")
	_, sOnly, _ := s.hashes("sha1-only")
	s.update(t, func(tx reputation.Tx) error {
		if err := tx.PutFile(reputation.FileRecord{MD5: mOnly, Source: "list", Trust: reputation.TrustBad}); err != nil {
			return err
		}
		return tx.PutFile(reputation.FileRecord{SHA1: sOnly, Name: "s.dll", Source: "list", Trust: reputation.TrustKnown})
	})
	got, err := s.kb.Files(ctx, mOnly)
	require.NoError(t, err)
	assert.Equal(t, []reputation.FileRecord{{MD5: mOnly, Source: "list", Trust: reputation.TrustBad}}, got)
	got, err = s.kb.Files(ctx, sOnly)
	require.NoError(t, err)
	assert.Equal(t, []reputation.FileRecord{{SHA1: sOnly, Name: "s.dll", Source: "list", Trust: reputation.TrustKnown}}, got)

	// An MD5-only record and a full record with the same MD5 are two files
	// to the store (nothing proves they are the same), both found by MD5.
	s.update(t, func(tx reputation.Tx) error {
		return tx.PutFile(reputation.FileRecord{MD5: m, Source: "alpha", Trust: reputation.TrustKnown})
	})
	got, err = s.kb.Files(ctx, m)
	require.NoError(t, err)
	assert.Len(t, got, 4)
	got, err = s.kb.Files(ctx, h256)
	require.NoError(t, err)
	assert.Len(t, got, 3)
}

func (s *suite) filesReplace(t *testing.T) {
	ctx := context.Background()
	m, h1, h256 := s.hashes("replace")
	m2, _, _ := s.hashes("replace-other-md5")
	r := reputation.FileRecord{MD5: m, SHA1: h1, SHA256: h256, Name: "a.exe", Source: "src", Trust: reputation.TrustKnown}
	s.update(t, func(tx reputation.Tx) error { return tx.PutFile(r) })
	// Same file (SHA-256) and source: replaced, and the old MD5 no longer
	// finds it.
	r2 := reputation.FileRecord{MD5: m2, SHA256: h256, Name: "b.exe", Version: "2", Source: "src", Trust: reputation.TrustBad}
	s.update(t, func(tx reputation.Tx) error { return tx.PutFile(r2) })
	got, err := s.kb.Files(ctx, h256)
	require.NoError(t, err)
	assert.Equal(t, []reputation.FileRecord{r2}, got)
	_, err = s.kb.Files(ctx, m)
	assert.ErrorIs(t, err, reputation.ErrNotFound)
	_, err = s.kb.Files(ctx, h1)
	assert.ErrorIs(t, err, reputation.ErrNotFound)
	got, err = s.kb.Files(ctx, m2)
	require.NoError(t, err)
	assert.Equal(t, []reputation.FileRecord{r2}, got)

	// Twice in one transaction: the last write wins.
	r3, r4 := r2, r2
	r3.Name, r4.Name = "c.exe", "d.exe"
	s.update(t, func(tx reputation.Tx) error {
		if err := tx.PutFile(r3); err != nil {
			return err
		}
		return tx.PutFile(r4)
	})
	got, err = s.kb.Files(ctx, h256)
	require.NoError(t, err)
	assert.Equal(t, []reputation.FileRecord{r4}, got)
}

func (s *suite) invalidRecords(t *testing.T) {
	ctx := context.Background()
	m, h1, h256 := s.hashes("invalid")
	bad := map[string]reputation.FileRecord{
		"no hash":     {Source: "s", Trust: reputation.TrustKnown},
		"no source":   {SHA256: h256, Trust: reputation.TrustKnown},
		"no trust":    {SHA256: h256, Source: "s"},
		"trust 9":     {SHA256: h256, Source: "s", Trust: 9},
		"md5 in sha1": {SHA1: m, Source: "s", Trust: reputation.TrustKnown},
		"sha1 in 256": {SHA256: h1, Source: "s", Trust: reputation.TrustKnown},
		"not hex":     {MD5: strings.Repeat("z", 32), Source: "s", Trust: reputation.TrustKnown},
	}
	for what, r := range bad {
		err := s.kb.Update(ctx, func(tx reputation.Tx) error { return tx.PutFile(r) })
		assert.True(t, errors.Is(err, reputation.ErrInvalidRecord) || errors.Is(err, reputation.ErrBadHash), "%s: %v", what, err)
	}
	_, err := s.kb.Files(ctx, h256)
	assert.ErrorIs(t, err, reputation.ErrNotFound, "an invalid record must not be written")

	// A Tx method rejects a bad record without spoiling the transaction.
	name := s.name("invalid")
	err = s.kb.Update(ctx, func(tx reputation.Tx) error {
		checks := []error{
			tx.AddPath("", `C:\x`, 1),
			tx.AddPath(name, "  ", 1),
			tx.AddPath(name, `C:\x`, -1),
			tx.SetSystem(" ", true),
			tx.PutVersion(reputation.VersionRecord{Name: name}),
			tx.PutVersion(reputation.VersionRecord{Name: name, Version: "1", SHA256: m}),
			tx.AddParent(name, ""),
			tx.AddModule("", "x.dll"),
			tx.PutPublisher(reputation.Publisher{Note: "nothing"}),
			tx.PutPublisher(reputation.Publisher{Subject: "x", Thumbprint: h1}),
			tx.PutCatalogMember(reputation.CatalogMember{Hash: m, Catalog: "a.cat"}),
			tx.PutCatalogMember(reputation.CatalogMember{Hash: h1}),
		}
		for i, e := range checks {
			if !errors.Is(e, reputation.ErrInvalidRecord) && !errors.Is(e, reputation.ErrBadHash) {
				return fmt.Errorf("check %d: got %v", i, e)
			}
		}
		return tx.PutFile(reputation.FileRecord{SHA256: h256, Source: "s", Trust: reputation.TrustKnown})
	})
	require.NoError(t, err)
	_, err = s.kb.Files(ctx, h256)
	assert.NoError(t, err)
	_, err = s.kb.TypicalPaths(ctx, name)
	assert.ErrorIs(t, err, reputation.ErrNotFound)
}

func (s *suite) typicalPaths(t *testing.T) {
	ctx := context.Background()
	name := s.name("paths")
	upper := `C:\Somewhere\` + strings.ToUpper(name)
	s.update(t, func(tx reputation.Tx) error {
		for _, e := range []error{
			tx.AddPath(name, `C:\Windows\System32\`+name, 3),
			tx.AddPath(upper, `C:\Program Files\X\`+name, 1),
			tx.AddPath(name, `c:/windows/system32/`+strings.ToUpper(name), 2), // same path, other spelling
			tx.AddPath(name, `D:\Listed\`+name, 0),
			tx.SetSystem(name, true),
		} {
			if e != nil {
				return e
			}
		}
		return nil
	})
	for _, key := range []string{name, strings.ToUpper(name), `C:\elsewhere\` + name, " " + name + " "} {
		got, err := s.kb.TypicalPaths(ctx, key)
		require.NoError(t, err, key)
		assert.Equal(t, reputation.TypicalPaths{
			Name:   name,
			System: true,
			Paths: []reputation.PathCount{
				{Path: `C:\Windows\System32\` + name, Count: 5, Share: 5.0 / 6},
				{Path: `C:\Program Files\X\` + name, Count: 1, Share: 1.0 / 6},
				{Path: `D:\Listed\` + name, Count: 0, Share: 0},
			},
		}, got)
		assert.True(t, got.Typical(`%SystemRoot%\system32\`+name))
		assert.True(t, got.Typical(`\\?\C:\WINDOWS\Sysnative\`+name))
		assert.False(t, got.Typical(`C:\Users\Public\`+name))
	}

	// A name that is only marked, and an unmarking.
	only := s.name("system-only")
	s.update(t, func(tx reputation.Tx) error { return tx.SetSystem(only, true) })
	got, err := s.kb.TypicalPaths(ctx, only)
	require.NoError(t, err)
	assert.Equal(t, reputation.TypicalPaths{Name: only, System: true}, got)
	s.update(t, func(tx reputation.Tx) error { return tx.SetSystem(only, false) })
	got, err = s.kb.TypicalPaths(ctx, only)
	require.NoError(t, err)
	assert.False(t, got.System)

	// Paths without any count: shares stay 0; paths sort by path.
	listed := s.name("listed")
	s.update(t, func(tx reputation.Tx) error {
		if err := tx.AddPath(listed, `C:\B\`+listed, 0); err != nil {
			return err
		}
		return tx.AddPath(listed, `C:\a\`+listed, 0)
	})
	got, err = s.kb.TypicalPaths(ctx, listed)
	require.NoError(t, err)
	assert.Equal(t, []reputation.PathCount{{Path: `C:\a\` + listed}, {Path: `C:\B\` + listed}}, got.Paths)
	assert.False(t, got.System)
}

func (s *suite) versions(t *testing.T) {
	ctx := context.Background()
	name := s.name("versions")
	_, _, a := s.hashes("v-a")
	_, _, b := s.hashes("v-b")
	s.update(t, func(tx reputation.Tx) error {
		for _, v := range []reputation.VersionRecord{
			{Name: name, Version: "6.1.7600.16385 (win7_rtm.090713-1255)", Product: "P", SHA256: strings.ToUpper(a), Source: "seed"},
			{Name: strings.ToUpper(name), Version: "10.0.19041.1", Product: "P", SHA256: b},
			{Name: name, Version: "6.1.7601.17514", Product: "old product"},
			{Name: name, Version: "6.1.7601.17514", Product: "P"}, // replaces the one before
			{Name: name, Version: "9.9", Product: "Q"},
		} {
			if err := tx.PutVersion(v); err != nil {
				return err
			}
		}
		return nil
	})
	got, err := s.kb.Versions(ctx, `C:\x\`+name)
	require.NoError(t, err)
	assert.Equal(t, []reputation.VersionRecord{
		{Name: name, Version: "10.0.19041.1", Product: "P", SHA256: b},
		{Name: name, Version: "9.9", Product: "Q"},
		{Name: name, Version: "6.1.7601.17514", Product: "P"},
		{Name: name, Version: "6.1.7600.16385 (win7_rtm.090713-1255)", Product: "P", SHA256: a, Source: "seed"},
	}, got)
}

func (s *suite) relationships(t *testing.T) {
	ctx := context.Background()
	name := s.name("rel")
	s.update(t, func(tx reputation.Tx) error {
		for _, e := range []error{
			tx.AddParent(name, "Services.exe"),
			tx.AddParent(name, `C:\Windows\System32\services.exe`), // the same
			tx.AddParent(name, "explorer.exe"),
			tx.AddModule(strings.ToUpper(name), "SECHOST.dll"),
			tx.AddModule(name, "ntdll.dll"),
		} {
			if e != nil {
				return e
			}
		}
		return nil
	})
	got, err := s.kb.Relationships(ctx, name)
	require.NoError(t, err)
	assert.Equal(t, reputation.Relationships{
		Name:    name,
		Parents: []string{"explorer.exe", "services.exe"},
		Modules: []string{"ntdll.dll", "sechost.dll"},
	}, got)

	onlyModules := s.name("rel-modules")
	s.update(t, func(tx reputation.Tx) error { return tx.AddModule(onlyModules, "a.dll") })
	got, err = s.kb.Relationships(ctx, onlyModules)
	require.NoError(t, err)
	assert.Equal(t, reputation.Relationships{Name: onlyModules, Modules: []string{"a.dll"}}, got)
}

func (s *suite) publisher(t *testing.T) {
	ctx := context.Background()
	subj := s.prefix + " Example Corp"
	_, _, thumb := s.hashes("thumb-pinned")
	_, _, other := s.hashes("thumb-other")
	pinned := reputation.Publisher{Subject: s.prefix + " Pinned Corp", Thumbprint: thumb, Note: "pinned"}
	s.update(t, func(tx reputation.Tx) error {
		if err := tx.PutPublisher(reputation.Publisher{Subject: "CN=" + subj + ", O=Example", Note: "by name"}); err != nil {
			return err
		}
		return tx.PutPublisher(reputation.Publisher{Subject: pinned.Subject, Thumbprint: strings.ToUpper(thumb), Note: "pinned"})
	})
	byName := reputation.Publisher{Subject: subj, Note: "by name"}
	for _, q := range []string{subj, strings.ToUpper(subj), "  " + strings.ReplaceAll(subj, " ", "  ") + " ",
		"CN=" + subj + ",O=Example Corp,C=US", "C=US, O=Example, CN=" + subj} {
		got, err := s.kb.Publisher(ctx, q, "")
		require.NoError(t, err, q)
		assert.Equal(t, byName, got, q)
	}
	// A subject match does not need the thumbprint to match anything.
	got, err := s.kb.Publisher(ctx, subj, other)
	require.NoError(t, err)
	assert.Equal(t, byName, got)
	// A pinned record matches by thumbprint only, and wins over a subject.
	got, err = s.kb.Publisher(ctx, "", thumb)
	require.NoError(t, err)
	assert.Equal(t, pinned, got)
	got, err = s.kb.Publisher(ctx, subj, strings.ToUpper(thumb))
	require.NoError(t, err)
	assert.Equal(t, pinned, got)
	_, err = s.kb.Publisher(ctx, pinned.Subject, "")
	assert.ErrorIs(t, err, reputation.ErrNotFound, "a pinned publisher must not match by name")
	_, err = s.kb.Publisher(ctx, pinned.Subject, other)
	assert.ErrorIs(t, err, reputation.ErrNotFound)
	// Replacing by subject.
	s.update(t, func(tx reputation.Tx) error {
		return tx.PutPublisher(reputation.Publisher{Subject: strings.ToLower(subj), Note: "renoted"})
	})
	got, err = s.kb.Publisher(ctx, subj, "")
	require.NoError(t, err)
	assert.Equal(t, "renoted", got.Note)
}

func (s *suite) catalogMembers(t *testing.T) {
	ctx := context.Background()
	_, h1, h256 := s.hashes("cat")
	s.update(t, func(tx reputation.Tx) error {
		for _, m := range []reputation.CatalogMember{
			{Hash: strings.ToUpper(h256), Catalog: "b.cat", Signer: "Microsoft Windows"},
			{Hash: h256, Catalog: "a.cat"},
			{Hash: h1, Catalog: "a.cat"},
			{Hash: h256, Catalog: "a.cat", Signer: "Microsoft Windows"}, // replaces
		} {
			if err := tx.PutCatalogMember(m); err != nil {
				return err
			}
		}
		return nil
	})
	got, err := s.kb.CatalogMembers(ctx, h256)
	require.NoError(t, err)
	assert.Equal(t, []reputation.CatalogMember{
		{Hash: h256, Catalog: "a.cat", Signer: "Microsoft Windows"},
		{Hash: h256, Catalog: "b.cat", Signer: "Microsoft Windows"},
	}, got)
	got, err = s.kb.CatalogMembers(ctx, strings.ToUpper(h1))
	require.NoError(t, err)
	assert.Equal(t, []reputation.CatalogMember{{Hash: h1, Catalog: "a.cat"}}, got)
}

// writeAll writes one record of every kind under label.
func (s *suite) writeAll(tx reputation.Tx, label string) error {
	_, h1, h256 := s.hashes(label)
	name := s.name(label)
	for _, e := range []error{
		tx.PutFile(reputation.FileRecord{SHA256: h256, Source: "s", Trust: reputation.TrustKnown}),
		tx.AddPath(name, `C:\`+name, 1),
		tx.PutVersion(reputation.VersionRecord{Name: name, Version: "1"}),
		tx.AddParent(name, "p.exe"),
		tx.PutPublisher(reputation.Publisher{Subject: name}),
		tx.PutCatalogMember(reputation.CatalogMember{Hash: h1, Catalog: "c.cat"}),
	} {
		if e != nil {
			return e
		}
	}
	return nil
}

// assertNone checks that nothing written by writeAll(label) is visible.
func (s *suite) assertNone(t *testing.T, label string) {
	t.Helper()
	ctx := context.Background()
	_, h1, h256 := s.hashes(label)
	name := s.name(label)
	_, err := s.kb.Files(ctx, h256)
	assert.ErrorIs(t, err, reputation.ErrNotFound)
	_, err = s.kb.TypicalPaths(ctx, name)
	assert.ErrorIs(t, err, reputation.ErrNotFound)
	_, err = s.kb.Versions(ctx, name)
	assert.ErrorIs(t, err, reputation.ErrNotFound)
	_, err = s.kb.Relationships(ctx, name)
	assert.ErrorIs(t, err, reputation.ErrNotFound)
	_, err = s.kb.Publisher(ctx, name, "")
	assert.ErrorIs(t, err, reputation.ErrNotFound)
	_, err = s.kb.CatalogMembers(ctx, h1)
	assert.ErrorIs(t, err, reputation.ErrNotFound)
}

func (s *suite) rollback(t *testing.T) {
	boom := errors.New("boom")
	err := s.kb.Update(context.Background(), func(tx reputation.Tx) error {
		if err := s.writeAll(tx, "rollback"); err != nil {
			return err
		}
		return boom
	})
	assert.ErrorIs(t, err, boom)
	s.assertNone(t, "rollback")

	// The knowledge base still takes writes afterwards.
	s.update(t, func(tx reputation.Tx) error { return s.writeAll(tx, "after-rollback") })
	_, _, h256 := s.hashes("after-rollback")
	_, err = s.kb.Files(context.Background(), h256)
	assert.NoError(t, err)
}

func (s *suite) panicRollback(t *testing.T) {
	func() {
		defer func() {
			assert.Equal(t, "kbtest panic", recover())
		}()
		_ = s.kb.Update(context.Background(), func(tx reputation.Tx) error {
			if err := s.writeAll(tx, "panic"); err != nil {
				return err
			}
			panic("kbtest panic")
		})
	}()
	s.assertNone(t, "panic")
	s.update(t, func(tx reputation.Tx) error { return s.writeAll(tx, "after-panic") })
}

func (s *suite) context(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, h256 := s.hashes("ctx")
	_, err := s.kb.Files(ctx, h256)
	assert.ErrorIs(t, err, context.Canceled)
	_, err = s.kb.TypicalPaths(ctx, "alg.exe")
	assert.ErrorIs(t, err, context.Canceled)
	err = s.kb.Update(ctx, func(tx reputation.Tx) error { return s.writeAll(tx, "ctx") })
	assert.ErrorIs(t, err, context.Canceled)

	// Cancelled while fn runs: nothing is committed.
	ctx2, cancel2 := context.WithCancel(context.Background())
	err = s.kb.Update(ctx2, func(tx reputation.Tx) error {
		if err := s.writeAll(tx, "ctx2"); err != nil {
			return err
		}
		cancel2()
		return nil
	})
	assert.ErrorIs(t, err, context.Canceled)
	s.assertNone(t, "ctx")
	s.assertNone(t, "ctx2")
}

// concurrent runs readers while a writer commits batches. Each batch writes
// its first and last record in one transaction; a reader that sees the last
// must then see the first.
func (s *suite) concurrent(t *testing.T) {
	const batches, per = 20, 25
	ctx := context.Background()
	label := func(b, i int) string { return fmt.Sprintf("conc-%d-%d", b, i) }
	var wg sync.WaitGroup
	done := make(chan struct{})
	errs := make(chan error, 8)
	for r := 0; r < 3; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				for b := 0; b < batches; b++ {
					_, _, last := s.hashes(label(b, per-1))
					_, err := s.kb.Files(ctx, last)
					if errors.Is(err, reputation.ErrNotFound) {
						continue
					}
					if err != nil {
						errs <- err
						return
					}
					_, _, first := s.hashes(label(b, 0))
					if _, err := s.kb.Files(ctx, first); err != nil {
						errs <- fmt.Errorf("batch %d: last record visible, first not: %w", b, err)
						return
					}
				}
			}
		}()
	}
	for b := 0; b < batches; b++ {
		err := s.kb.Update(ctx, func(tx reputation.Tx) error {
			for i := 0; i < per; i++ {
				m, h1, h256 := s.hashes(label(b, i))
				if err := tx.PutFile(reputation.FileRecord{MD5: m, SHA1: h1, SHA256: h256, Source: "conc", Trust: reputation.TrustKnown}); err != nil {
					return err
				}
			}
			return nil
		})
		require.NoError(t, err)
	}
	close(done)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for b := 0; b < batches; b++ {
		for i := 0; i < per; i++ {
			_, _, h := s.hashes(label(b, i))
			_, err := s.kb.Files(ctx, h)
			require.NoError(t, err, label(b, i))
		}
	}
}
