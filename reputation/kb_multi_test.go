package reputation

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLayered(t *testing.T) {
	ctx := context.Background()
	a, b := NewMemKB(), NewMemKB()
	good := FileRecord{SHA256: algSHA256, Name: "alg.exe", Source: "seed", Trust: TrustGood}
	bad := FileRecord{SHA256: algSHA256, Name: "alg.exe", Source: "hashlist", Trust: TrustBad}
	require.NoError(t, a.Update(ctx, func(tx Tx) error {
		require.NoError(t, tx.PutFile(good))
		require.NoError(t, tx.PutVersion(VersionRecord{Name: "alg.exe", Version: "1.0"}))
		return tx.AddPath("alg.exe", `C:\Windows\System32\alg.exe`, 1)
	}))
	require.NoError(t, b.Update(ctx, func(tx Tx) error {
		require.NoError(t, tx.PutFile(bad))
		require.NoError(t, tx.PutVersion(VersionRecord{Name: "alg.exe", Version: "2.0"}))
		require.NoError(t, tx.PutCatalogMember(CatalogMember{Hash: authHash, Catalog: "y.cat"}))
		return nil
	}))
	require.NoError(t, a.Update(ctx, func(tx Tx) error {
		return tx.PutCatalogMember(CatalogMember{Hash: authHash, Catalog: "z.cat"})
	}))
	l := Layered{a, b}
	// Merged answers keep the order the KnowledgeBase methods promise,
	// whatever the order of the layers.
	files, err := l.Files(ctx, algSHA256)
	require.NoError(t, err)
	assert.Equal(t, []FileRecord{bad, good}, files, "known-bad first")
	vs, err := l.Versions(ctx, "alg.exe")
	require.NoError(t, err)
	assert.Equal(t, []VersionRecord{{Name: "alg.exe", Version: "2.0"}, {Name: "alg.exe", Version: "1.0"}}, vs, "newest first")
	tp, err := l.TypicalPaths(ctx, "ALG.EXE")
	require.NoError(t, err)
	assert.Equal(t, `C:\Windows\System32\alg.exe`, tp.Paths[0].Path)
	m, err := l.CatalogMembers(ctx, authHash)
	require.NoError(t, err)
	assert.Equal(t, []CatalogMember{{Hash: authHash, Catalog: "y.cat"}, {Hash: authHash, Catalog: "z.cat"}}, m, "by catalog name")
	_, err = l.Publisher(ctx, "nobody", "")
	assert.ErrorIs(t, err, ErrNotFound)
	_, err = l.Files(ctx, badSHA256)
	assert.ErrorIs(t, err, ErrNotFound)
}
