package authenticode

// A small DER/CMS builder for tests: certificates from a Go-made PKI,
// SignedData around any content (Authenticode SpcIndirectDataContent,
// catalogs' CTL, RFC 3161 TSTInfo), PKCS#9 countersignatures, and PE
// files signed with them. It uses cryptobyte.Builder for the DER.

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/binary"
	"math/big"
	"path/filepath"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// oidCatalogList is the CTL subject usage of catalogs.
var oidCatalogList = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 12, 1, 1}

// testPKI is a root with a code-signing leaf and a time-stamping leaf.
type testPKI struct {
	root, leaf, tsa          *x509.Certificate
	rootKey, leafKey, tsaKey crypto.Signer
}

// pool returns a CertPool holding the root.
func (p *testPKI) pool() *x509.CertPool {
	cp := x509.NewCertPool()
	cp.AddCert(p.root)
	return cp
}

var (
	certStart = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	signTime  = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
)

// newTestPKI makes an ECDSA P-256 PKI in Go. The leaves expire after
// leafDays days (from 2026-01-01); the root lasts 30 years.
func newTestPKI(t testing.TB, leafDays int, leafEKU ...asn1.ObjectIdentifier) *testPKI {
	t.Helper()
	key := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		require.NoError(t, err)
		return k
	}
	mk := func(tmpl, parent *x509.Certificate, pub crypto.PublicKey, signer crypto.Signer) *x509.Certificate {
		der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, signer)
		require.NoError(t, err)
		c, err := x509.ParseCertificate(der)
		require.NoError(t, err)
		return c
	}
	p := &testPKI{}
	rk, lk, tk := key(), key(), key()
	p.rootKey, p.leafKey, p.tsaKey = rk, lk, tk
	rootT := &x509.Certificate{
		SerialNumber: big.NewInt(0x0101), Subject: pkix.Name{CommonName: "Go Test Root (TEST ONLY)", Organization: []string{"filerep TEST ONLY"}},
		NotBefore: certStart, NotAfter: certStart.AddDate(30, 0, 0),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	p.root = mk(rootT, rootT, rk.Public(), rk)
	leafT := &x509.Certificate{
		SerialNumber: big.NewInt(0x80ff), Subject: pkix.Name{CommonName: "Go Test Code Signing (TEST ONLY)", Organization: []string{"filerep TEST ONLY"}},
		NotBefore: certStart, NotAfter: certStart.AddDate(0, 0, leafDays),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
		UnknownExtKeyUsage: leafEKU,
	}
	p.leaf = mk(leafT, p.root, lk.Public(), rk)
	tsaT := &x509.Certificate{
		SerialNumber: big.NewInt(0x0103), Subject: pkix.Name{CommonName: "Go Test Timestamping (TEST ONLY)"},
		NotBefore: certStart, NotAfter: certStart.AddDate(30, 0, 0),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping},
	}
	p.tsa = mk(tsaT, p.root, tk.Public(), rk)
	return p
}

// repoPKI loads the committed RSA test PKI (testdata/pki).
func repoPKI(t testing.TB) *testPKI {
	t.Helper()
	cert := func(name string) *x509.Certificate {
		c, err := x509.ParseCertificate(readPEM(t, filepath.Join(pkiDir, name)))
		require.NoError(t, err)
		return c
	}
	key := func(name string) crypto.Signer {
		k, err := x509.ParsePKCS8PrivateKey(readPEM(t, filepath.Join(pkiDir, name)))
		require.NoError(t, err)
		return k.(crypto.Signer)
	}
	return &testPKI{
		root: cert("root-ca.pem"), leaf: cert("codesign.pem"), tsa: cert("tsa.pem"),
		rootKey: key("root-ca.key"), leafKey: key("codesign.key"), tsaKey: key("tsa.key"),
	}
}

// der runs f on a fresh builder and returns the bytes.
func der(t testing.TB, f func(b *cryptobyte.Builder)) []byte {
	t.Helper()
	var b cryptobyte.Builder
	f(&b)
	out, err := b.Bytes()
	require.NoError(t, err)
	return out
}

func addAlg(b *cryptobyte.Builder, oid asn1.ObjectIdentifier, null bool) {
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1ObjectIdentifier(oid)
		if null {
			b.AddASN1NULL()
		}
	})
}

func digestOID(h crypto.Hash) asn1.ObjectIdentifier {
	for _, e := range hashes {
		if e.hash == h {
			return e.oid
		}
	}
	panic("no OID for hash")
}

// attrDER builds Attribute ::= SEQUENCE { type OID, values SET OF ANY }.
func attrDER(t testing.TB, oid asn1.ObjectIdentifier, values ...[]byte) []byte {
	return der(t, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1ObjectIdentifier(oid)
			b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) {
				for _, v := range values {
					b.AddBytes(v)
				}
			})
		})
	})
}

func octetDER(t testing.TB, v []byte) []byte {
	return der(t, func(b *cryptobyte.Builder) { b.AddASN1OctetString(v) })
}

func oidDER(t testing.TB, oid asn1.ObjectIdentifier) []byte {
	return der(t, func(b *cryptobyte.Builder) { b.AddASN1ObjectIdentifier(oid) })
}

func utcDER(t testing.TB, tm time.Time) []byte {
	return der(t, func(b *cryptobyte.Builder) { b.AddASN1UTCTime(tm) })
}

func hashOf(h crypto.Hash, b []byte) []byte {
	hh := h.New()
	hh.Write(b)
	return hh.Sum(nil)
}

// signSpec describes one SignerInfo and the SignedData around it.
type signSpec struct {
	contentType asn1.ObjectIdentifier
	content     []byte // the DER element placed in encapContentInfo [0]
	hash        crypto.Hash
	key         crypto.Signer
	cert        *x509.Certificate
	certs       []*x509.Certificate // carried certificates

	signingTime  time.Time // zero: no signingTime attribute
	authAttrs    [][]byte  // extra authenticated attributes
	noAttrs      bool      // sign the content directly
	wrongDigest  bool      // messageDigest of other bytes
	breakSig     bool      // flip a bit of the signature value
	unauthAttrs  func(sig []byte) [][]byte
	version      int64
	noContentTyp bool
}

// signerInfoDER builds a SignerInfo over content octets digest (the
// message) and returns it with the signature value.
func signerInfoDER(t testing.TB, s signSpec, message []byte) (elem, sig []byte) {
	t.Helper()
	var attrs [][]byte
	if !s.noAttrs {
		if !s.noContentTyp && s.contentType != nil {
			attrs = append(attrs, attrDER(t, oidContentType, oidDER(t, s.contentType)))
		}
		if !s.signingTime.IsZero() {
			attrs = append(attrs, attrDER(t, oidSigningTime, utcDER(t, s.signingTime)))
		}
		md := hashOf(s.hash, message)
		if s.wrongDigest {
			md = hashOf(s.hash, []byte("something else"))
		}
		attrs = append(attrs, attrDER(t, oidMessageDigest, octetDER(t, md)))
		attrs = append(attrs, s.authAttrs...)
	}
	setBody := []byte{}
	for _, a := range attrs {
		setBody = append(setBody, a...)
	}
	signed := message
	if !s.noAttrs {
		signed = der(t, func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) { b.AddBytes(setBody) })
		})
	}
	var err error
	sig, err = s.key.Sign(rand.Reader, hashOf(s.hash, signed), s.hash)
	require.NoError(t, err)
	if s.breakSig {
		sig[len(sig)/2] ^= 0x01
	}
	var sigAlg asn1.ObjectIdentifier
	null := false
	switch s.key.Public().(type) {
	case *rsa.PublicKey:
		sigAlg, null = oidRSAEncryption, true
	case *ecdsa.PublicKey:
		sigAlg = oidECDSAWithSHA256
	}
	var unauth [][]byte
	if s.unauthAttrs != nil {
		unauth = s.unauthAttrs(sig)
	}
	version := s.version
	if version == 0 {
		version = 1
	}
	elem = der(t, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1Int64(version)
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddBytes(s.cert.RawIssuer)
				b.AddASN1BigInt(s.cert.SerialNumber)
			})
			addAlg(b, digestOID(s.hash), true)
			if !s.noAttrs {
				b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) { b.AddBytes(setBody) })
			}
			addAlg(b, sigAlg, null)
			b.AddASN1OctetString(sig)
			if len(unauth) > 0 {
				b.AddASN1(cbasn1.Tag(1).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
					for _, a := range unauth {
						b.AddBytes(a)
					}
				})
			}
		})
	})
	return elem, sig
}

// signedDataDER builds a ContentInfo holding SignedData as s describes.
func signedDataDER(t testing.TB, s signSpec) []byte {
	t.Helper()
	message, ok := contentOctets(s.content)
	require.True(t, ok)
	si, _ := signerInfoDER(t, s, message)
	version := int64(1)
	if s.version == 3 {
		version = 3
	}
	return der(t, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1ObjectIdentifier(oidSignedData)
			b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddASN1Int64(version)
					b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) { addAlg(b, digestOID(s.hash), true) })
					b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
						b.AddASN1ObjectIdentifier(s.contentType)
						b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) { b.AddBytes(s.content) })
					})
					if len(s.certs) > 0 {
						b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
							for _, c := range s.certs {
								b.AddBytes(c.Raw)
							}
						})
					}
					b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) { b.AddBytes(si) })
				})
			})
		})
	})
}

// indirectDataDER builds SpcIndirectDataContent for a PE image digest.
func indirectDataDER(t testing.TB, h crypto.Hash, digest []byte) []byte {
	return der(t, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1ObjectIdentifier(oidSpcPEImageData)
				// SpcPeImageData { flags, file [0] { [2] { [0] "<<<Obsolete>>>" } } }
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddASN1(cbasn1.BIT_STRING, func(b *cryptobyte.Builder) { b.AddBytes([]byte{0x07, 0x80}) })
					b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
						b.AddASN1(cbasn1.Tag(2).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
							b.AddASN1(cbasn1.Tag(0).ContextSpecific(), func(b *cryptobyte.Builder) { b.AddBytes(bmp("<<<Obsolete>>>")) })
						})
					})
				})
			})
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				addAlg(b, digestOID(h), true)
				b.AddASN1OctetString(digest)
			})
		})
	})
}

// opusInfoDER builds SpcSpOpusInfo with a Unicode program name and a URL.
func opusInfoDER(t testing.TB, name, url string) []byte {
	return der(t, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
				b.AddASN1(cbasn1.Tag(0).ContextSpecific(), func(b *cryptobyte.Builder) { b.AddBytes(bmp(name)) })
			})
			b.AddASN1(cbasn1.Tag(1).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
				b.AddASN1(cbasn1.Tag(0).ContextSpecific(), func(b *cryptobyte.Builder) { b.AddBytes([]byte(url)) })
			})
		})
	})
}

// bmp encodes s as UTF-16BE (BMPString contents).
func bmp(s string) []byte {
	var out []byte
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u>>8), byte(u))
	}
	return out
}

// utf16le encodes s as NUL-terminated UTF-16LE.
func utf16le(s string) []byte {
	var out []byte
	for _, u := range utf16.Encode([]rune(s + "\x00")) {
		out = append(out, byte(u), byte(u>>8))
	}
	return out
}

// pkcs9CountersigDER builds a PKCS#9 countersignature attribute over sig,
// signed by the PKI's TSA at tm.
func pkcs9CountersigDER(t testing.TB, p *testPKI, h crypto.Hash, sig []byte, tm time.Time, breakIt bool) []byte {
	si, _ := signerInfoDER(t, signSpec{hash: h, key: p.tsaKey, cert: p.tsa, signingTime: tm, breakSig: breakIt}, sig)
	return attrDER(t, oidCounterSignature, si)
}

// rfc3161TokenDER builds an RFC 3161 token attribute over sig.
func rfc3161TokenDER(t testing.TB, p *testPKI, h crypto.Hash, sig []byte, tm time.Time) []byte {
	tst := der(t, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1Int64(1)
			b.AddASN1ObjectIdentifier(asn1.ObjectIdentifier{1, 2, 3, 4, 1})
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				addAlg(b, digestOID(h), true)
				b.AddASN1OctetString(hashOf(h, sig))
			})
			b.AddASN1Int64(42)
			b.AddASN1(cbasn1.GeneralizedTime, func(b *cryptobyte.Builder) {
				b.AddBytes([]byte(tm.UTC().Format("20060102150405") + ".5Z"))
			})
		})
	})
	tok := signedDataDER(t, signSpec{
		contentType: oidTSTInfo, content: octetDER(t, tst), hash: h, version: 3,
		key: p.tsaKey, cert: p.tsa, certs: []*x509.Certificate{p.tsa}, signingTime: tm,
	})
	return attrDER(t, oidRFC3161Timestamp, tok)
}

// withCertTable appends a WIN_CERTIFICATE holding pkcs7 to image (padded
// to 8 bytes first) and points the security directory at it.
func withCertTable(t testing.TB, image, pkcs7 []byte) []byte {
	t.Helper()
	l := mustLayout(t, image)
	require.False(t, l.HasCertTable())
	out := append([]byte(nil), image...)
	for len(out)%8 != 0 {
		out = append(out, 0)
	}
	off := len(out)
	n := 8 + len(pkcs7)
	padded := (n + 7) &^ 7
	hdr := make([]byte, 8)
	binary.LittleEndian.PutUint32(hdr, uint32(padded))
	binary.LittleEndian.PutUint16(hdr[4:], WIN_CERT_REVISION_2_0)
	binary.LittleEndian.PutUint16(hdr[6:], WIN_CERT_TYPE_PKCS_SIGNED_DATA)
	out = append(out, hdr...)
	out = append(out, pkcs7...)
	out = append(out, make([]byte, padded-n)...)
	sec := l.SecurityEntryOffset()
	binary.LittleEndian.PutUint32(out[sec:], uint32(off))
	binary.LittleEndian.PutUint32(out[sec+4:], uint32(padded))
	return out
}

// signPE signs the unsigned image with spec (content, contentType and, if
// unset, hash are filled in) and returns the signed file.
func signPE(t testing.TB, image []byte, s signSpec) []byte {
	t.Helper()
	if s.hash == 0 {
		s.hash = crypto.SHA256
	}
	padded := append([]byte(nil), image...)
	for len(padded)%8 != 0 {
		padded = append(padded, 0)
	}
	d, err := Authentihash(padded, mustLayout(t, padded), s.hash.New)
	require.NoError(t, err)
	s.contentType = oidSpcIndirectData
	s.content = indirectDataDER(t, s.hash, d)
	return withCertTable(t, padded, signedDataDER(t, s))
}
