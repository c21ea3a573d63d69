package authenticode

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func loadCert(t *testing.T, name string) *x509.Certificate {
	c, err := x509.ParseCertificate(readPEM(t, filepath.Join("testdata", "sha1pki", name)))
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
	_, err := buildChain(leaf, carried, VerifyOptions{Roots: pool}.codeSigning(), at)
	require.ErrorIs(t, err, ErrUntrusted)
	require.Contains(t, err.Error(), "insecure algorithm SHA1")

	// With the roots given as certificates, the chain is checked by hand.
	chain, err := buildChain(leaf, carried, VerifyOptions{Roots: pool, LegacyRoots: []*x509.Certificate{root}}.codeSigning(), at)
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
		{"only the leaf carried", []Certificate{{X509: leaf}}, []*x509.Certificate{root}, at, x509.ExtKeyUsageCodeSigning},
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

// TestLegacyChainNeedsCA builds leaf → intermediate → root in Go (the
// SHA-1 fixtures have no keys) and checks that legacyChain accepts the
// intermediate as an issuer only when it is a CA.
func TestLegacyChainNeedsCA(t *testing.T) {
	p := newTestPKI(t, 365)
	mk := func(tmpl, parent *x509.Certificate, signer *ecdsa.PrivateKey) (*x509.Certificate, *ecdsa.PrivateKey) {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		require.NoError(t, err)
		der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, k.Public(), signer)
		require.NoError(t, err)
		c, err := x509.ParseCertificate(der)
		require.NoError(t, err)
		return c, k
	}
	rootKey, ok := p.rootKey.(*ecdsa.PrivateKey)
	require.True(t, ok)
	for _, isCA := range []bool{true, false} {
		mid, midKey := mk(&x509.Certificate{
			SerialNumber: big.NewInt(0x0201), Subject: pkix.Name{CommonName: "Go Test Intermediate (TEST ONLY)"},
			NotBefore: certStart, NotAfter: certStart.AddDate(10, 0, 0),
			IsCA: isCA, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		}, p.root, rootKey)
		leaf, _ := mk(&x509.Certificate{
			SerialNumber: big.NewInt(0x0202), Subject: pkix.Name{CommonName: "Go Test Leaf (TEST ONLY)"},
			NotBefore: certStart, NotAfter: certStart.AddDate(1, 0, 0),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
		}, mid, midKey)
		chain, err := legacyChain(leaf, []Certificate{{X509: mid}}, []*x509.Certificate{p.root}, signTime, x509.ExtKeyUsageCodeSigning)
		if isCA {
			require.NoError(t, err)
			assert.Len(t, chain, 3)
		} else {
			require.ErrorIs(t, err, ErrUntrusted, "a non-CA intermediate was accepted")
		}
	}
}
