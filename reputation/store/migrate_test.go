package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/filerep/filerep/reputation"
)

// writeV1 makes a knowledge base as the first release of this package
// wrote it (schema 1: schemaV1, which later versions only extend) holding
// one file record, and returns its path.
func writeV1(t *testing.T) (path, sha string) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "v1.sqlite")
	db, err := sql.Open("sqlite", "file:"+path+"?mode=rwc")
	require.NoError(t, err)
	defer db.Close()
	sha = "9d39af972785e49f0dd12c4baef39a79cd69f098886bf152af1b7cce2e902115"
	b := hashBytes(sha)
	for _, q := range []string{
		fmt.Sprintf("PRAGMA application_id = %d", applicationID),
		"PRAGMA journal_mode = WAL",
		schemaV1,
		`INSERT INTO meta(key, value) VALUES ('format', 'filerep-kb'), ('schema', '1'), ('created', '2026-01-01T00:00:00Z'), ('seed', '0')`,
		`INSERT INTO file(k256, sha256, source, trust, name, product, version, publisher) VALUES (` +
			fmt.Sprint(prefix(b)) + `, x'` + sha + `', 'old', 3, 'alg.exe', '', '', '')`,
		"PRAGMA user_version = 1",
	} {
		_, err := db.Exec(q)
		require.NoError(t, err, q)
	}
	return path, sha
}

func userVersion(t *testing.T, path string) int64 {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	require.NoError(t, err)
	defer db.Close()
	var v int64
	require.NoError(t, db.QueryRow("PRAGMA user_version").Scan(&v))
	return v
}

// A version-1 file is read as it is when opened read-only, and upgraded
// in place, its records kept, when opened read-write.
func TestUpgradeV1(t *testing.T) {
	ctx := context.Background()
	path, sha := writeV1(t)
	old := reputation.FileRecord{SHA256: sha, Name: "alg.exe", Source: "old", Trust: reputation.TrustBad}
	const ss = "768:uQ/WZQkMHn9cNmdWGDbaGQVNmrD8SLmw1K9wWtAMLD:VAQkwn9zQGDmGQfmrD8SsDLD"

	// Read-only (and immutable): schema 1, no digests, the file untouched.
	for _, opt := range []Option{WithReadOnly(), WithImmutable()} {
		s, err := Open(path, opt)
		require.NoError(t, err)
		got, err := s.Files(ctx, sha)
		require.NoError(t, err)
		assert.Equal(t, []reputation.FileRecord{old}, got)
		_, err = s.Similar(ctx, ss, "", "", 0)
		assert.ErrorIs(t, err, reputation.ErrNotFound)
		meta, err := s.Meta(ctx)
		require.NoError(t, err)
		assert.Equal(t, "1", meta["schema"])
		require.NoError(t, s.Close())
		assert.Equal(t, int64(1), userVersion(t, path))
	}

	// Read-write: upgraded in one transaction; the old record is kept,
	// new records carry digests and are found by them.
	s, err := Open(path)
	require.NoError(t, err)
	assert.Equal(t, int64(SchemaVersion), userVersion(t, path))
	meta, err := s.Meta(ctx)
	require.NoError(t, err)
	assert.Equal(t, fmt.Sprint(SchemaVersion), meta["schema"])
	assert.Equal(t, "2026-01-01T00:00:00Z", meta["created"])
	got, err := s.Files(ctx, sha)
	require.NoError(t, err)
	assert.Equal(t, []reputation.FileRecord{old}, got)
	withDigest := old
	withDigest.Source, withDigest.SSDeep = "new", ss
	require.NoError(t, s.Update(ctx, func(tx reputation.Tx) error { return tx.PutFile(withDigest) }))
	sim, err := s.Similar(ctx, ss, "", "", 0)
	require.NoError(t, err)
	assert.Equal(t, []reputation.SimilarFile{{Record: withDigest, SSDeepScore: 100, TLSHDistance: -1}}, sim)
	require.NoError(t, s.Check(ctx))
	require.NoError(t, s.Close())

	// Opening again finds the new schema and changes nothing.
	info, err := os.Stat(path)
	require.NoError(t, err)
	s, err = Open(path)
	require.NoError(t, err)
	sim2, err := s.Similar(ctx, ss, "", "", 0)
	require.NoError(t, err)
	assert.Equal(t, sim, sim2)
	require.NoError(t, s.Close())
	info2, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, info.Size(), info2.Size())
}

// Default upgrades an old default knowledge base in place (keeping what
// was imported into it) and applies the seed.
func TestDefaultUpgradesV1(t *testing.T) {
	ctx := context.Background()
	path, sha := writeV1(t)
	s, err := Default(WithPath(path))
	require.NoError(t, err)
	defer s.Close()
	meta, err := s.Meta(ctx)
	require.NoError(t, err)
	assert.Equal(t, fmt.Sprint(SchemaVersion), meta["schema"])
	assert.Equal(t, fmt.Sprint(reputation.SeedVersion()), meta["seed"])
	_, err = s.Files(ctx, sha)
	require.NoError(t, err)
	_, err = s.TypicalPaths(ctx, "alg.exe")
	require.NoError(t, err, "seeded")
}
