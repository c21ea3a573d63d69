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
	require.NoError(t, a.Update(ctx, func(tx Tx) error {
		require.NoError(t, tx.PutFile(FileRecord{SHA256: algSHA256, Name: "alg.exe", Source: "seed", Trust: TrustGood}))
		return tx.AddPath("alg.exe", `C:\Windows\System32\alg.exe`, 1)
	}))
	require.NoError(t, b.Update(ctx, func(tx Tx) error {
		require.NoError(t, tx.PutFile(FileRecord{SHA256: algSHA256, Name: "alg.exe", Source: "nsrl", Trust: TrustKnown}))
		return tx.PutCatalogMember(CatalogMember{Hash: authHash, Catalog: "x.cat"})
	}))
	l := Layered{a, b}
	files, err := l.Files(ctx, algSHA256)
	require.NoError(t, err)
	assert.Len(t, files, 2)
	tp, err := l.TypicalPaths(ctx, "ALG.EXE")
	require.NoError(t, err)
	assert.Equal(t, `C:\Windows\System32\alg.exe`, tp.Paths[0].Path)
	m, err := l.CatalogMembers(ctx, authHash)
	require.NoError(t, err)
	assert.Len(t, m, 1)
	_, err = l.Publisher(ctx, "nobody", "")
	assert.ErrorIs(t, err, ErrNotFound)
	_, err = l.Files(ctx, badSHA256)
	assert.ErrorIs(t, err, ErrNotFound)
}
