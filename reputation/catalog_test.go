package reputation

import (
	"context"
	"crypto/x509"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/filerep/filerep/pe"
	"github.com/filerep/filerep/pe/authenticode"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func repoFile(t *testing.T, parts ...string) []byte {
	b, err := os.ReadFile(filepath.Join(append([]string{".."}, parts...)...))
	require.NoError(t, err)
	return b
}

// TestIndexCatalogsAndVerdict: the test catalogs (built by
// pe/authenticode's tests with the repository's test CA) list the
// unsigned MinGW console sample; indexed with the test root, that sample
// becomes catalog-signed, and in its typical path as a system file, safe.
func TestIndexCatalogsAndVerdict(t *testing.T) {
	fsys := fstest.MapFS{
		"CatRoot/{F750E6C3}/test-sha1.cat":   {Data: repoFile(t, "pe", "authenticode", "testdata", "catalog-sha1.cat")},
		"CatRoot/{F750E6C3}/test-sha256.cat": {Data: repoFile(t, "pe", "authenticode", "testdata", "catalog-sha256.cat")},
		"CatRoot/{F750E6C3}/broken.cat":      {Data: []byte("not a catalog")},
		"CatRoot/readme.txt":                 {Data: []byte("ignored")},
	}
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(repoFile(t, "testdata", "pki", "root-ca.pem")))

	kb := NewMemKB()
	res, err := IndexCatalogs(context.Background(), fsys, kb, authenticode.VerifyOptions{Roots: pool})
	require.NoError(t, err)
	assert.Equal(t, 2, res.Catalogs)
	assert.Equal(t, 2, res.Verified)
	assert.Positive(t, res.Members)
	assert.Contains(t, res.Failed, "CatRoot/{F750E6C3}/broken.cat")

	b := repoFile(t, "testdata", "pe", "mingw-console-x64.exe")
	f, err := pe.Parse(context.Background(), b)
	require.NoError(t, err)
	ah, err := f.Authentihash()
	require.NoError(t, err)
	members, err := kb.CatalogMembers(context.Background(), hex.EncodeToString(ah))
	require.NoError(t, err)
	require.NotEmpty(t, members)
	assert.NotEmpty(t, members[0].Signer)

	require.NoError(t, kb.Update(context.Background(), func(tx Tx) error {
		require.NoError(t, tx.SetSystem("console.exe", true))
		return tx.AddPath("console.exe", `C:\Windows\System32\console.exe`, 1)
	}))
	s := &Subject{Name: "console.exe", Authentihash: hex.EncodeToString(ah)}
	v, err := Evaluate(context.Background(), s, kb, &Observation{Path: `C:\Windows\System32\console.exe`}, nil)
	require.NoError(t, err)
	assert.Equal(t, Safe, v.Level, "%+v", v.Reasons)

	// Without roots, membership is weak evidence and never makes it safe.
	kb2 := NewMemKB()
	_, err = IndexCatalogs(context.Background(), fsys, kb2, authenticode.VerifyOptions{})
	require.NoError(t, err)
	v, err = Evaluate(context.Background(), s, kb2, &Observation{Path: `C:\Windows\System32\console.exe`}, nil)
	require.NoError(t, err)
	assert.NotEqual(t, Safe, v.Level)
	assert.NotEqual(t, LikelySafe, v.Level)
}
