package authenticode

import (
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func loadCert(t *testing.T, name string) *x509.Certificate {
	b, err := os.ReadFile(filepath.Join("testdata", "sha1pki", name))
	require.NoError(t, err)
	blk, _ := pem.Decode(b)
	require.NotNil(t, blk)
	c, err := x509.ParseCertificate(blk.Bytes)
	require.NoError(t, err)
	return c
}

func TestLegacySHA1Chain(t *testing.T) {
	root, ca, leaf := loadCert(t, "root.pem"), loadCert(t, "ca.pem"), loadCert(t, "leaf.pem")
	other := loadCert(t, filepath.Join("..", "..", "..", "..", "testdata", "pki", "root-ca.pem"))
	require.Equal(t, x509.SHA1WithRSA, leaf.SignatureAlgorithm)
	pool := x509.NewCertPool()
	pool.AddCert(root)
	at := leaf.NotBefore.Add(24 * time.Hour)
	carried := []Certificate{{X509: ca}}

	// crypto/x509 alone refuses the chain.
	_, err := buildChain(leaf, carried, VerifyOptions{Roots: pool}, at, x509.ExtKeyUsageCodeSigning)
	require.ErrorIs(t, err, ErrUntrusted)
	require.Contains(t, err.Error(), "insecure algorithm SHA1")

	// With the roots given as certificates, the chain is checked by hand.
	chain, err := buildChain(leaf, carried, VerifyOptions{Roots: pool, LegacyRoots: []*x509.Certificate{root}}, at, x509.ExtKeyUsageCodeSigning)
	require.NoError(t, err)
	require.Len(t, chain, 3)
	assert.True(t, chain[2].Equal(root))

	tests := []struct {
		name    string
		carried []Certificate
		roots   []*x509.Certificate
		at      time.Time
		usage   x509.ExtKeyUsage
	}{
		{"intermediate missing", nil, []*x509.Certificate{root}, at, x509.ExtKeyUsageCodeSigning},
		{"unrelated root", carried, []*x509.Certificate{other}, at, x509.ExtKeyUsageCodeSigning},
		{"before validity", carried, []*x509.Certificate{root}, leaf.NotBefore.Add(-time.Hour), x509.ExtKeyUsageCodeSigning},
		{"after validity", carried, []*x509.Certificate{root}, leaf.NotAfter.Add(time.Hour), x509.ExtKeyUsageCodeSigning},
		{"wrong usage", carried, []*x509.Certificate{root}, at, x509.ExtKeyUsageTimeStamping},
		{"leaf is no CA", []Certificate{{X509: leaf}}, []*x509.Certificate{root}, at, x509.ExtKeyUsageCodeSigning},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := legacyChain(leaf, tt.carried, tt.roots, tt.at, tt.usage)
			require.ErrorIs(t, err, ErrUntrusted)
		})
	}
	// The intermediate may itself be the trust anchor.
	chain, err = legacyChain(leaf, carried, []*x509.Certificate{ca}, at, x509.ExtKeyUsageCodeSigning)
	require.NoError(t, err)
	assert.Len(t, chain, 2)
}
