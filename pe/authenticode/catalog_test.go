package authenticode

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/hex"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the catalog fixtures in testdata/")

// catalogSamples are the files the test catalogs list.
var catalogSamples = []string{"mingw-console-x64.exe", "mingw-console-x86.exe", "mingw-gui-x64.exe"}

// sampleMembers returns catalog members for catalogSamples with h.
func sampleMembers(t testing.TB, h crypto.Hash) []catMember {
	var ms []catMember
	for _, name := range catalogSamples {
		b := readSample(t, name)
		d, err := Authentihash(b, mustLayout(t, b), h.New)
		require.NoError(t, err)
		ms = append(ms, catMember{file: name, digest: d})
	}
	return ms
}

// TestCatalogFixtures keeps testdata/catalog-sha{1,256}.cat, catalogs of
// catalogSamples signed with the committed RSA test PKI, byte-identical to
// what the builder makes (RSA PKCS#1 v1.5 signatures are deterministic).
// Run `go test -run CatalogFixtures -update` to rewrite them.
func TestCatalogFixtures(t *testing.T) {
	p := repoPKI(t)
	for _, h := range []crypto.Hash{crypto.SHA1, crypto.SHA256} {
		name := map[crypto.Hash]string{crypto.SHA1: "catalog-sha1.cat", crypto.SHA256: "catalog-sha256.cat"}[h]
		path := filepath.Join("testdata", name)
		built := catalogDER(t, p, h, sampleMembers(t, h), nil)
		if *update {
			require.NoError(t, os.WriteFile(path, built, 0o644))
		}
		got, err := os.ReadFile(path)
		require.NoError(t, err)
		assert.Equal(t, built, got, "%s is stale: run go test -run CatalogFixtures -update", path)
	}
}

func TestParseCatalog(t *testing.T) {
	roots := rootPool(t)
	for _, tt := range []struct {
		file string
		hash crypto.Hash
		alg  string
	}{
		{"catalog-sha1.cat", crypto.SHA1, "1.3.6.1.4.1.311.12.1.2"},
		{"catalog-sha256.cat", crypto.SHA256, "1.3.6.1.4.1.311.12.1.3"},
	} {
		t.Run(tt.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", tt.file))
			require.NoError(t, err)
			c, err := ParseCatalog(b)
			require.NoError(t, err)
			assert.Equal(t, []string{"1.3.6.1.4.1.311.12.1.1"}, c.SubjectUsage)
			assert.Equal(t, []byte("filerep-test-catalog"), c.ListIdentifier)
			assert.Equal(t, signTime, c.ThisUpdate)
			assert.True(t, c.NextUpdate.IsZero())
			assert.Equal(t, tt.alg, c.MemberAlgorithm)
			assert.Equal(t, tt.hash, c.Hash)
			assert.Equal(t, []NameValue{{Name: "OS", Flags: 0x10010001, Value: "_v100_X64"}}, c.Attributes)
			assert.Equal(t, testSigner, c.Signer.Subject)
			assert.Equal(t, "66696c6572657002", c.Signer.Serial)
			assert.True(t, c.Signer.SignatureValid, "%v", c.Signer.SignatureError)
			assert.Len(t, c.Certificates, 2)

			require.Len(t, c.Members, len(catalogSamples))
			for i, name := range catalogSamples {
				m := c.Members[i]
				s := readSample(t, name)
				d, err := Authentihash(s, mustLayout(t, s), tt.hash.New)
				require.NoError(t, err)
				assert.Equal(t, name, m.FileName)
				assert.Equal(t, d, m.Digest)
				assert.Equal(t, hex.EncodeToString(d), m.DigestHex)
				assert.Equal(t, hex.EncodeToString(d), m.Tag)
				assert.Equal(t, tt.hash, m.Hash)
				assert.Equal(t, "1.3.6.1.4.1.311.2.1.15", m.DataType)
				assert.Equal(t, memberInfoGUID, m.MemberInfo)
				assert.Equal(t, []NameValue{{"File", 0x10010001, name}, {"OSAttr", 0x10010001, "2:10.0"}}, m.Attributes)
				assert.True(t, c.Contains(d), name)
				got, ok := c.Lookup(d)
				require.True(t, ok)
				assert.Equal(t, name, got.FileName)
			}
			if tt.hash == crypto.SHA256 {
				want, _ := hex.DecodeString(consoleSHA256)
				assert.True(t, c.Contains(want))
				// The signed copies have the same authentihash: the catalog
				// vouches for them too.
				for _, n := range []string{"signed-mingw-console-x64.exe", "signed-nested-mingw-console-x64.exe"} {
					b := readSample(t, n)
					d, _ := AuthentihashSHA256(b, mustLayout(t, b))
					assert.True(t, c.Contains(d), n)
				}
			}
			// Wrong member: another file, the other algorithm, a tampered file.
			for _, n := range []string{"mingw-dll-x64.dll", "signed-tampered-mingw-console-x64.exe"} {
				b := readSample(t, n)
				d, _ := Authentihash(b, mustLayout(t, b), tt.hash.New)
				assert.False(t, c.Contains(d), n)
			}
			other, _ := hex.DecodeString(map[crypto.Hash]string{crypto.SHA1: consoleSHA256, crypto.SHA256: consoleSHA1}[tt.hash])
			assert.False(t, c.Contains(other))
			assert.False(t, c.Contains(nil))

			v, err := c.Verify(VerifyOptions{Roots: roots, CurrentTime: verifyAt})
			require.NoError(t, err)
			assert.True(t, v.Verified)
			assert.Len(t, v.Chain, 2)
			v, err = c.Verify(VerifyOptions{Roots: x509.NewCertPool(), CurrentTime: verifyAt})
			assert.ErrorIs(t, err, ErrUntrusted)
			assert.False(t, v.Verified)
			_, err = c.Verify(VerifyOptions{CurrentTime: verifyAt})
			assert.ErrorIs(t, err, ErrNoRoots)
		})
	}
}

// TestCatalogOsslsigncode checks the fixtures with osslsigncode: the
// catalog's signature, and that it lists mingw-console-x64.exe.
func TestCatalogOsslsigncode(t *testing.T) {
	tool, err := exec.LookPath("osslsigncode")
	if err != nil {
		t.Skip("osslsigncode not installed")
	}
	for _, name := range []string{"catalog-sha1.cat", "catalog-sha256.cat"} {
		cat := filepath.Join("testdata", name)
		ca := filepath.Join(pkiDir, "root-ca.pem")
		out, err := exec.Command(tool, "verify", "-CAfile", ca, "-in", cat).CombinedOutput()
		assert.NoError(t, err, "%s", out)
		out, err = exec.Command(tool, "verify", "-CAfile", ca, "-catalog", cat,
			"-in", filepath.Join(samplesDir, "mingw-console-x64.exe")).CombinedOutput()
		assert.NoError(t, err, "%s", out)
		assert.Contains(t, string(out), "Succeeded")
	}
}

func TestCatalogGoPKI(t *testing.T) {
	p := newTestPKI(t, 365)
	members := sampleMembers(t, crypto.SHA256)
	// A member tagged only by its hash, without SpcIndirectDataContent.
	members = append(members, catMember{file: "tagonly.dll", digest: bytes.Repeat([]byte{0xab}, 32), noIndirect: true})
	b := catalogDER(t, p, crypto.SHA256, members, nil)
	c, err := ParseCatalog(b)
	require.NoError(t, err)
	require.Len(t, c.Members, 4)
	tag := c.Members[3]
	assert.Equal(t, "tagonly.dll", tag.FileName)
	assert.Equal(t, crypto.SHA256, tag.Hash)
	assert.Equal(t, "sha256", tag.DigestAlgorithm)
	assert.Empty(t, tag.DataType)
	assert.True(t, c.Contains(bytes.Repeat([]byte{0xab}, 32)))

	v, err := c.Verify(VerifyOptions{Roots: p.pool(), CurrentTime: verifyAt})
	require.NoError(t, err)
	assert.True(t, v.Verified)
	_, err = c.Verify(VerifyOptions{Roots: rootPool(t), CurrentTime: verifyAt})
	assert.ErrorIs(t, err, ErrUntrusted, "signed by another PKI")

	// BER (indefinite lengths, chunked strings) decodes the same.
	cb, err := ParseCatalog(toBER(t, b, true))
	require.NoError(t, err)
	assert.Equal(t, c.Members, cb.Members)
	assert.True(t, cb.Signer.SignatureValid)
}

func TestCatalogTampered(t *testing.T) {
	p := newTestPKI(t, 365)
	members := sampleMembers(t, crypto.SHA256)
	orig := members[0].digest

	t.Run("bad signature", func(t *testing.T) {
		b := catalogDER(t, p, crypto.SHA256, members, func(s *signSpec) { s.breakSig = true })
		c, err := ParseCatalog(b)
		require.NoError(t, err, "a signature that fails is a result, not a decoding error")
		assert.ErrorIs(t, c.Signer.SignatureError, ErrBadSignature)
		assert.False(t, c.Signer.SignatureValid)
		assert.True(t, c.Contains(orig), "membership is still readable")
		v, err := c.Verify(VerifyOptions{Roots: p.pool(), CurrentTime: verifyAt})
		assert.ErrorIs(t, err, ErrBadSignature)
		assert.False(t, v.Verified)
	})

	t.Run("member changed after signing", func(t *testing.T) {
		b := catalogDER(t, p, crypto.SHA256, members, nil)
		// Replace the first member's digest (in its SpcIndirectDataContent)
		// with another file's: the CTL no longer matches messageDigest.
		evil, _ := hex.DecodeString("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff")
		i := bytes.Index(b, orig)
		require.Positive(t, i)
		copy(b[i:], evil)
		c, err := ParseCatalog(b)
		require.NoError(t, err)
		assert.False(t, c.Signer.SignatureValid)
		assert.ErrorIs(t, c.Signer.SignatureError, ErrBadSignature)
		assert.True(t, c.Contains(evil))
		assert.False(t, c.Contains(orig))
		_, err = c.Verify(VerifyOptions{Roots: p.pool(), CurrentTime: verifyAt})
		assert.ErrorIs(t, err, ErrBadSignature)
	})

	t.Run("expired signer", func(t *testing.T) {
		b := catalogDER(t, p, crypto.SHA256, members, nil)
		c, err := ParseCatalog(b)
		require.NoError(t, err)
		_, err = c.Verify(VerifyOptions{Roots: p.pool(), CurrentTime: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)})
		assert.ErrorIs(t, err, ErrUntrusted)
	})
}

func TestParseCatalogNotCatalog(t *testing.T) {
	b := readSample(t, "signed-mingw-console-x64.exe")
	l := mustLayout(t, b)
	pkcs7 := b[l.CertTableOffset+8 : l.CertTableOffset+l.CertTableSize]
	_, err := ParseCatalog(pkcs7)
	assert.ErrorIs(t, err, ErrMalformed, "an Authenticode SignedData is not a CTL")
	for _, in := range [][]byte{nil, {0x30}, {0x30, 0x80}, []byte("MZ not a catalog"), b} {
		c, err := ParseCatalog(in)
		assert.ErrorIs(t, err, ErrMalformed)
		assert.Nil(t, c)
	}
	var c *Catalog
	assert.False(t, c.Contains([]byte{1}))
}

// TestParseMemberBadAttributes: a subjectAttributes SET whose length runs
// past its TrustedSubject is an error, not a member without attributes.
func TestParseMemberBadAttributes(t *testing.T) {
	c := &Catalog{}
	m, err := c.parseMember([]byte{0x04, 0x02, 'A', 0, 0x31, 0x05, 0x00})
	require.ErrorIs(t, err, ErrMalformed)
	assert.Equal(t, "A", m.Tag)
	assert.Nil(t, m.Digest)
}
