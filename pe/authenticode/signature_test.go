package authenticode

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

const (
	testSigner = "CN=filerep Test Code Signing (TEST ONLY),O=filerep TEST ONLY,C=ZZ"
	testRoot   = "CN=filerep Test Root CA (TEST ONLY),O=filerep TEST ONLY,C=ZZ"
	testTSA    = "CN=filerep Test Timestamping (TEST ONLY),O=filerep TEST ONLY,C=ZZ"
)

// rootPool returns a pool holding testdata/pki/root-ca.pem.
func rootPool(t testing.TB) *x509.CertPool {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(pkiDir, "root-ca.pem"))
	require.NoError(t, err)
	p := x509.NewCertPool()
	require.True(t, p.AppendCertsFromPEM(b))
	return p
}

// verifyAt is a time inside every test certificate's validity.
var verifyAt = time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)

func TestParseSamples(t *testing.T) {
	type want struct {
		alg     string
		digest  string
		matches bool
		depth   int
	}
	tests := []struct {
		name   string
		sigs   []want
		tsTime time.Time // RFC 3161 genTime of the primary, if any
	}{
		{"signed-mingw-console-x64.exe", []want{{"sha256", consoleSHA256, true, 0}}, time.Time{}},
		{"signed-nested-mingw-console-x64.exe", []want{{"sha1", consoleSHA1, true, 0}, {"sha256", consoleSHA256, true, 1}}, time.Time{}},
		{"signed-ts-mingw-console-x64.exe", []want{{"sha256", consoleSHA256, true, 0}}, time.Date(2026, 6, 1, 0, 1, 0, 0, time.UTC)},
		{"signed-tampered-mingw-console-x64.exe", []want{{"sha256", consoleSHA256, false, 0}}, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := readSample(t, tt.name)
			sig, err := Parse(b, mustLayout(t, b))
			require.NoError(t, err)
			require.True(t, sig.Signed)
			require.Len(t, sig.Entries, 1)
			assert.Equal(t, WinCertificate{Offset: 44032, Length: uint32(len(b) - 44032), Revision: WIN_CERT_REVISION_2_0,
				Type: WIN_CERT_TYPE_PKCS_SIGNED_DATA, TrailingBytes: sig.Entries[0].TrailingBytes}, sig.Entries[0])
			assert.Less(t, sig.Entries[0].TrailingBytes, 8)
			assert.Zero(t, sig.DataAfterTable)
			require.Len(t, sig.Signatures, len(tt.sigs))
			for i, w := range tt.sigs {
				s := sig.Signatures[i]
				assert.Equal(t, w.alg, s.DigestAlgorithm)
				assert.Equal(t, w.digest, hex.EncodeToString(s.FileDigest))
				assert.Equal(t, w.matches, s.DigestMatches)
				assert.Equal(t, w.depth, s.Depth)
				assert.Equal(t, i-1, s.Parent)
				assert.Equal(t, "1.3.6.1.4.1.311.2.1.15", s.DataType)
				assert.Equal(t, "filerep console sample", s.ProgramName)
				assert.Equal(t, "https://filerep.invalid/samples", s.MoreInfoURL)
				assert.Empty(t, s.Errors)

				sg := s.Signer
				assert.Equal(t, testSigner, sg.Subject)
				assert.Equal(t, testRoot, sg.Issuer)
				assert.Equal(t, "66696c6572657002", sg.Serial)
				assert.Equal(t, w.alg, sg.DigestAlgorithm)
				assert.True(t, sg.SignatureValid, "%v", sg.SignatureError)
				assert.Equal(t, time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), sg.ClaimedSigningTime)

				require.Len(t, s.Certificates, 2)
				var leaf, root Certificate
				for _, c := range s.Certificates {
					if c.Subject == testSigner {
						leaf = c
					} else {
						root = c
					}
				}
				assert.Equal(t, "61197336f0d945f1354d8e71903ef087e485225468f88748d03739534c2b3343", leaf.SHA256)
				assert.Equal(t, "0c8742ff3566197a9845f2f95282e52581ca99e5d2a91c69de8f5135b6dd42ef", root.SHA256)
				assert.Equal(t, testRoot, leaf.Issuer)
				assert.Equal(t, "66696c6572657001", root.Serial)
				assert.Equal(t, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), leaf.NotBefore)
				assert.Equal(t, time.Date(2056, 1, 1, 0, 0, 0, 0, time.UTC), leaf.NotAfter)
				assert.Same(t, sg.Certificate.X509, leaf.X509)
			}
			primary := sig.Signatures[0].Signer
			if tt.tsTime.IsZero() {
				assert.Empty(t, primary.Countersignatures)
				assert.True(t, primary.SigningTime.IsZero())
				return
			}
			require.Len(t, primary.Countersignatures, 1)
			c := primary.Countersignatures[0]
			assert.Equal(t, TimeSourceRFC3161, c.Kind)
			assert.True(t, c.Valid, "%v", c.Error)
			assert.Equal(t, tt.tsTime, c.Time)
			assert.Equal(t, testTSA, c.Subject)
			assert.Equal(t, "66696c6572657003", c.Serial)
			assert.Equal(t, "sha256", c.DigestAlgorithm)
			// osslsigncode's built-in TSA carries its certificate twice.
			assert.Len(t, c.Certificates, 3)
			assert.Equal(t, tt.tsTime, primary.SigningTime)
			assert.Equal(t, TimeSourceRFC3161, primary.SigningTimeSource)
		})
	}
}

func TestParseUnsigned(t *testing.T) {
	for _, name := range []string{"mingw-console-x64.exe", "mingw-console-x86.exe", "nasm-tiny.exe", "dotnet-cs.exe"} {
		b := readSample(t, name)
		sig, err := Parse(b, mustLayout(t, b))
		assert.ErrorIs(t, err, ErrNotSigned, name)
		assert.False(t, sig.Signed)
		assert.Empty(t, sig.Signatures)
		_, err = sig.Verify(VerifyOptions{Roots: rootPool(t)})
		assert.ErrorIs(t, err, ErrNotSigned)
	}
}

func TestVerifySamples(t *testing.T) {
	roots := rootPool(t)
	for _, name := range []string{"signed-mingw-console-x64.exe", "signed-nested-mingw-console-x64.exe", "signed-ts-mingw-console-x64.exe"} {
		t.Run(name, func(t *testing.T) {
			b := readSample(t, name)
			sig, err := Parse(b, mustLayout(t, b))
			require.NoError(t, err)

			res, err := sig.Verify(VerifyOptions{Roots: roots, CurrentTime: verifyAt})
			require.NoError(t, err)
			assert.True(t, res.Verified)
			require.Len(t, res.Signatures, len(sig.Signatures))
			for _, v := range res.Signatures {
				assert.True(t, v.Verified, "%v", v.Errors)
				require.Len(t, v.Chain, 2)
				assert.Equal(t, "filerep Test Code Signing (TEST ONLY)", v.Chain[0].Subject.CommonName)
				assert.Equal(t, "filerep Test Root CA (TEST ONLY)", v.Chain[1].Subject.CommonName)
				assert.Equal(t, verifyAt, v.VerifiedAt)
				assert.False(t, v.UsedTimestamp)
				assert.Empty(t, v.Warnings)
			}
			if name == "signed-ts-mingw-console-x64.exe" {
				require.NotNil(t, res.Signatures[0].Timestamp)
				assert.Equal(t, TimeSourceRFC3161, res.Signatures[0].Timestamp.Kind)

				// At signing time: the chain is checked at the token's time.
				res, err := sig.Verify(VerifyOptions{Roots: roots, CurrentTime: verifyAt, AtSigningTime: true})
				require.NoError(t, err)
				assert.True(t, res.Signatures[0].UsedTimestamp)
				assert.Equal(t, time.Date(2026, 6, 1, 0, 1, 0, 0, time.UTC), res.Signatures[0].VerifiedAt)

				// Long after the certificates expired, the timestamp keeps
				// the signature valid.
				res, err = sig.Verify(VerifyOptions{Roots: roots, CurrentTime: time.Date(2060, 1, 1, 0, 0, 0, 0, time.UTC)})
				require.NoError(t, err)
				assert.True(t, res.Signatures[0].UsedTimestamp)
			}

			// Without the right root nothing is trusted.
			res, err = sig.Verify(VerifyOptions{Roots: x509.NewCertPool(), CurrentTime: verifyAt})
			assert.ErrorIs(t, err, ErrUntrusted)
			var uae x509.UnknownAuthorityError
			assert.ErrorAs(t, err, &uae)
			assert.False(t, res.Verified)
			for _, v := range res.Signatures {
				assert.False(t, v.Verified)
			}

			res, err = sig.Verify(VerifyOptions{CurrentTime: verifyAt})
			assert.ErrorIs(t, err, ErrNoRoots)
			assert.False(t, res.Verified)

			// Before the certificates are valid.
			_, err = sig.Verify(VerifyOptions{Roots: roots, CurrentTime: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)})
			assert.ErrorIs(t, err, ErrUntrusted)
		})
	}
}

func TestVerifyTampered(t *testing.T) {
	b := readSample(t, "signed-tampered-mingw-console-x64.exe")
	sig, err := Parse(b, mustLayout(t, b))
	require.NoError(t, err)
	s := sig.Signatures[0]
	assert.False(t, s.DigestMatches)
	assert.Equal(t, tamperedSHA256, hex.EncodeToString(s.ComputedDigest))
	assert.True(t, s.Signer.SignatureValid, "the signature itself is intact")

	res, err := sig.Verify(VerifyOptions{Roots: rootPool(t), CurrentTime: verifyAt})
	assert.ErrorIs(t, err, ErrDigestMismatch)
	assert.NotErrorIs(t, err, ErrUntrusted)
	assert.False(t, res.Verified)
	assert.NotNil(t, res.Signatures[0].Chain, "the chain is still built")
}

// TestTamperedTimestamp edits the RFC 3161 token's genTime in the
// timestamped sample: the token's own signature breaks, the outer one not.
func TestTamperedTimestamp(t *testing.T) {
	b := bytes.Clone(readSample(t, "signed-ts-mingw-console-x64.exe"))
	i := bytes.Index(b, []byte("20260601000100Z"))
	require.Positive(t, i)
	b[i+11] = '2' // 00:01:00 → 00:02:00
	sig := parseOK(t, b)
	s := sig.Signatures[0]
	assert.True(t, s.DigestMatches)
	assert.True(t, s.Signer.SignatureValid)
	require.Len(t, s.Signer.Countersignatures, 1)
	c := s.Signer.Countersignatures[0]
	assert.False(t, c.Valid)
	assert.ErrorIs(t, c.Error, ErrBadSignature)
	assert.Equal(t, time.Date(2026, 6, 1, 0, 2, 0, 0, time.UTC), c.Time, "the time is reported, not trusted")
	assert.True(t, s.Signer.SigningTime.IsZero())

	roots := rootPool(t)
	res, err := sig.Verify(VerifyOptions{Roots: roots, CurrentTime: verifyAt})
	require.NoError(t, err)
	assert.Nil(t, res.Signatures[0].Timestamp)
	assert.NotEmpty(t, res.Signatures[0].Warnings)
	_, err = sig.Verify(VerifyOptions{Roots: roots, CurrentTime: time.Date(2060, 1, 1, 0, 0, 0, 0, time.UTC)})
	assert.ErrorIs(t, err, ErrUntrusted, "expired and no valid timestamp")
}

// goSigned signs mingw-console-x64.exe with a Go-made ECDSA PKI.
func goSigned(t testing.TB, p *testPKI, edit func(*signSpec)) []byte {
	s := signSpec{
		key: p.leafKey, cert: p.leaf, certs: []*x509.Certificate{p.leaf, p.root},
		signingTime: signTime,
		authAttrs:   [][]byte{attrDER(t, oidSpcSpOpusInfo, opusInfoDER(t, "Ünïcode name 😀", "https://example.invalid/"))},
	}
	if edit != nil {
		edit(&s)
	}
	return signPE(t, readSample(t, "mingw-console-x64.exe"), s)
}

func parseOK(t testing.TB, b []byte) *Signature {
	t.Helper()
	sig, err := Parse(b, mustLayout(t, b))
	require.NoError(t, err)
	return sig
}

func TestGoSignedECDSA(t *testing.T) {
	p := newTestPKI(t, 365)
	b := goSigned(t, p, nil)
	sig := parseOK(t, b)
	require.Len(t, sig.Signatures, 1)
	s := sig.Signatures[0]
	assert.True(t, s.DigestMatches)
	assert.True(t, s.Signer.SignatureValid, "%v", s.Signer.SignatureError)
	assert.Equal(t, "Ünïcode name 😀", s.ProgramName)
	assert.Equal(t, "https://example.invalid/", s.MoreInfoURL)
	assert.Equal(t, "CN=Go Test Code Signing (TEST ONLY),O=filerep TEST ONLY", s.Signer.Subject)
	assert.Equal(t, "80ff", s.Signer.Serial, "the sign-padding byte is dropped")

	res, err := sig.Verify(VerifyOptions{Roots: p.pool(), CurrentTime: verifyAt})
	require.NoError(t, err)
	assert.True(t, res.Verified)
	_, err = sig.Verify(VerifyOptions{Roots: rootPool(t), CurrentTime: verifyAt})
	assert.ErrorIs(t, err, ErrUntrusted, "another PKI's root")
}

func TestGoSignedSHA1(t *testing.T) {
	p := newTestPKI(t, 365)
	b := goSigned(t, p, func(s *signSpec) { s.hash = crypto.SHA1 })
	s := parseOK(t, b).Signatures[0]
	assert.Equal(t, "sha1", s.DigestAlgorithm)
	assert.Equal(t, consoleSHA1, hex.EncodeToString(s.FileDigest))
	assert.True(t, s.DigestMatches)
	assert.True(t, s.Signer.SignatureValid, "%v", s.Signer.SignatureError)
}

func TestGoSignedBroken(t *testing.T) {
	p := newTestPKI(t, 365)
	tests := []struct {
		name     string
		edit     func(*signSpec)
		sentinel error
	}{
		{"bad signature", func(s *signSpec) { s.breakSig = true }, ErrBadSignature},
		{"wrong messageDigest", func(s *signSpec) { s.wrongDigest = true }, ErrBadSignature},
		{"no contentType", func(s *signSpec) { s.noContentTyp = true }, ErrBadSignature},
		{"signer certificate missing", func(s *signSpec) { s.certs = []*x509.Certificate{p.root} }, ErrNoSignerCert},
		{"signed by the root", func(s *signSpec) { s.key = p.rootKey }, ErrBadSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := goSigned(t, p, tt.edit)
			sig := parseOK(t, b) // a failed check is a result, not a decoding error
			s := sig.Signatures[0]
			assert.True(t, s.DigestMatches)
			assert.False(t, s.Signer.SignatureValid)
			assert.ErrorIs(t, s.Signer.SignatureError, tt.sentinel)
			res, err := sig.Verify(VerifyOptions{Roots: p.pool(), CurrentTime: verifyAt})
			assert.ErrorIs(t, err, tt.sentinel)
			assert.False(t, res.Verified)
		})
	}

	// Signing the content directly, without authenticated attributes, is
	// valid PKCS#7.
	b := goSigned(t, p, func(s *signSpec) { s.noAttrs = true })
	s := parseOK(t, b).Signatures[0]
	assert.True(t, s.Signer.SignatureValid, "%v", s.Signer.SignatureError)
	assert.Empty(t, s.ProgramName)
}

// TestExpiredButTimestamped: a leaf valid for 60 days from 2026-01-01 signs
// on 2026-02-01 with a timestamp; checked in July it has expired.
func TestExpiredButTimestamped(t *testing.T) {
	stamp := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	for _, kind := range []TimeSource{TimeSourcePKCS9, TimeSourceRFC3161} {
		t.Run(string(kind), func(t *testing.T) {
			p := newTestPKI(t, 60)
			ts := func(s *signSpec) {
				s.certs = append(s.certs, p.tsa) // a PKCS#9 countersigner's certificate travels outside
				s.unauthAttrs = func(sig []byte) [][]byte {
					if kind == TimeSourcePKCS9 {
						return [][]byte{pkcs9CountersigDER(t, p, crypto.SHA256, sig, stamp, false)}
					}
					return [][]byte{rfc3161TokenDER(t, p, crypto.SHA256, sig, stamp)}
				}
			}
			sig := parseOK(t, goSigned(t, p, ts))
			sg := sig.Signatures[0].Signer
			require.Len(t, sg.Countersignatures, 1)
			c := sg.Countersignatures[0]
			assert.True(t, c.Valid, "%v", c.Error)
			assert.Equal(t, kind, c.Kind)
			assert.Equal(t, "CN=Go Test Timestamping (TEST ONLY)", c.Subject)
			assert.Equal(t, "0103", c.Serial)
			if kind == TimeSourceRFC3161 {
				assert.Equal(t, stamp.Add(500*time.Millisecond), c.Time, "fractional genTime")
			} else {
				assert.Equal(t, stamp, c.Time)
			}
			assert.Equal(t, kind, sg.SigningTimeSource)

			res, err := sig.Verify(VerifyOptions{Roots: p.pool(), CurrentTime: verifyAt})
			require.NoError(t, err)
			v := res.Signatures[0]
			assert.True(t, v.UsedTimestamp)
			assert.Equal(t, c.Time, v.VerifiedAt)
			require.NotNil(t, v.Timestamp)

			// Without the timestamp it is expired.
			plain := parseOK(t, goSigned(t, p, nil))
			_, err = plain.Verify(VerifyOptions{Roots: p.pool(), CurrentTime: verifyAt})
			assert.ErrorIs(t, err, ErrUntrusted)
			var cie x509.CertificateInvalidError
			require.ErrorAs(t, err, &cie)
			assert.Equal(t, x509.Expired, cie.Reason)
		})
	}

	// A broken countersignature does not extend validity.
	p := newTestPKI(t, 60)
	sig := parseOK(t, goSigned(t, p, func(s *signSpec) {
		s.certs = append(s.certs, p.tsa)
		s.unauthAttrs = func(sig []byte) [][]byte {
			return [][]byte{pkcs9CountersigDER(t, p, crypto.SHA256, sig, stamp, true)}
		}
	}))
	c := sig.Signatures[0].Signer.Countersignatures[0]
	assert.False(t, c.Valid)
	assert.ErrorIs(t, c.Error, ErrBadSignature)
	_, err := sig.Verify(VerifyOptions{Roots: p.pool(), CurrentTime: verifyAt})
	assert.ErrorIs(t, err, ErrUntrusted)

	// A timestamp over another signature does not count either.
	sig = parseOK(t, goSigned(t, p, func(s *signSpec) {
		s.unauthAttrs = func(sig []byte) [][]byte {
			return [][]byte{rfc3161TokenDER(t, p, crypto.SHA256, []byte("another signature"), stamp)}
		}
	}))
	c = sig.Signatures[0].Signer.Countersignatures[0]
	assert.False(t, c.Valid)
	assert.ErrorIs(t, c.Error, ErrBadSignature)

	// The lifetime-signing EKU makes signatures expire with the certificate.
	p = newTestPKI(t, 60, oidLifetimeSigning)
	sig = parseOK(t, goSigned(t, p, func(s *signSpec) {
		s.certs = append(s.certs, p.tsa)
		s.unauthAttrs = func(sig []byte) [][]byte {
			return [][]byte{pkcs9CountersigDER(t, p, crypto.SHA256, sig, stamp, false)}
		}
	}))
	assert.True(t, sig.Signatures[0].Signer.Countersignatures[0].Valid)
	res, err := sig.Verify(VerifyOptions{Roots: p.pool(), CurrentTime: verifyAt, AtSigningTime: true})
	assert.ErrorIs(t, err, ErrUntrusted)
	assert.False(t, res.Signatures[0].UsedTimestamp)
}

// TestNestedDepth nests signatures deeper than MaxNestingDepth.
func TestNestedDepth(t *testing.T) {
	p := newTestPKI(t, 365)
	image := readSample(t, "mingw-console-x64.exe")
	d, err := AuthentihashSHA256(image, mustLayout(t, image))
	require.NoError(t, err)
	var inner []byte
	for i := 0; i <= MaxNestingDepth+1; i++ {
		prev := inner
		s := signSpec{
			contentType: oidSpcIndirectData, content: indirectDataDER(t, crypto.SHA256, d), hash: crypto.SHA256,
			key: p.leafKey, cert: p.leaf, certs: []*x509.Certificate{p.leaf},
		}
		if prev != nil {
			s.unauthAttrs = func([]byte) [][]byte { return [][]byte{attrDER(t, oidNestedSignature, prev)} }
		}
		inner = signedDataDER(t, s)
	}
	b := withCertTable(t, image, inner)
	sig, err := Parse(b, mustLayout(t, b))
	assert.ErrorIs(t, err, ErrLimit)
	require.Len(t, sig.Signatures, MaxNestingDepth+1)
	for i, s := range sig.Signatures {
		assert.Equal(t, i, s.Depth)
		assert.True(t, s.DigestMatches)
	}
	res, err := sig.Verify(VerifyOptions{Roots: p.pool(), CurrentTime: verifyAt})
	require.NoError(t, err)
	assert.True(t, res.Verified)
}

// TestBERSignature re-encodes the signed sample's SignedData as BER — with
// indefinite lengths, and with definite lengths but chunked OCTET STRINGs —
// and checks that it decodes to the same result.
func TestBERSignature(t *testing.T) {
	orig := readSample(t, "signed-ts-mingw-console-x64.exe")
	l := mustLayout(t, orig)
	entry := orig[l.CertTableOffset+8 : l.CertTableOffset+l.CertTableSize]
	s := cryptobyte.String(entry)
	var elem cryptobyte.String
	require.True(t, s.ReadAnyASN1Element(&elem, nil))
	for _, indefinite := range []bool{true, false} {
		t.Run(map[bool]string{true: "indefinite", false: "chunked"}[indefinite], func(t *testing.T) {
			ber := toBER(t, elem, indefinite)
			require.NotEqual(t, []byte(elem), ber)
			require.False(t, isValidDER(ber, 0), "BER taken for DER")
			back, err := berToDER(ber)
			require.NoError(t, err)
			require.Equal(t, []byte(elem), back)

			image := bytes.Clone(orig[:l.CertTableOffset])
			clear(image[l.SecurityEntryOffset() : l.SecurityEntryOffset()+8])
			b := withCertTable(t, image, ber)
			sig := parseOK(t, b)
			require.Len(t, sig.Signatures, 1)
			assert.True(t, sig.Signatures[0].DigestMatches)
			assert.True(t, sig.Signatures[0].Signer.SignatureValid)
			assert.True(t, sig.Signatures[0].Signer.Countersignatures[0].Valid)
		})
	}
}

// toBER re-encodes a DER element as BER: every constructed element with
// the indefinite length form when indefinite is set, and OCTET STRINGs
// longer than 16 bytes split into constructed chunks either way.
func toBER(t testing.TB, elem []byte, indefinite bool) []byte {
	s := cryptobyte.String(elem)
	var out []byte
	constructed := func(tag byte, body []byte) {
		if indefinite {
			out = append(out, tag, 0x80)
			out = append(out, body...)
			out = append(out, 0, 0)
			return
		}
		out = append(out, der(t, func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.Tag(tag), func(b *cryptobyte.Builder) { b.AddBytes(body) })
		})...)
	}
	for !s.Empty() {
		var v cryptobyte.String
		var tag cbasn1.Tag
		require.True(t, s.ReadAnyASN1(&v, &tag))
		switch {
		case tag&0x20 != 0:
			constructed(byte(tag), toBER(t, v, indefinite))
		case tag == cbasn1.OCTET_STRING && len(v) > 16:
			var chunks []byte
			for len(v) > 0 {
				n := min(16, len(v))
				chunks = append(chunks, 0x04, byte(n))
				chunks = append(chunks, v[:n]...)
				v = v[n:]
			}
			constructed(0x24, chunks)
		default:
			out = append(out, der(t, func(b *cryptobyte.Builder) {
				b.AddASN1(tag, func(b *cryptobyte.Builder) { b.AddBytes(v) })
			})...)
		}
	}
	return out
}

func TestCertTableErrors(t *testing.T) {
	orig := readSample(t, "signed-mingw-console-x64.exe")
	l := mustLayout(t, orig)
	off := int64(l.CertTableOffset)
	edit := func(f func(b []byte)) []byte {
		b := bytes.Clone(orig)
		f(b)
		return b
	}
	tests := []struct {
		name     string
		b        []byte
		layout   func(*Layout)
		sentinel error
		signed   bool
	}{
		{"dwLength below 8", edit(func(b []byte) { binary.LittleEndian.PutUint32(b[off:], 4) }), nil, ErrMalformed, true},
		{"dwLength past the table", edit(func(b []byte) { binary.LittleEndian.PutUint32(b[off:], 1<<20) }), nil, ErrTruncated, true},
		{"unknown revision", edit(func(b []byte) { binary.LittleEndian.PutUint16(b[off+4:], 0x0300) }), nil, ErrMalformed, true},
		{"X.509 entry only", edit(func(b []byte) { binary.LittleEndian.PutUint16(b[off+6:], WIN_CERT_TYPE_X509) }), nil, ErrNotSigned, false},
		{"garbage DER", edit(func(b []byte) { copy(b[off+8:], "not DER at all") }), nil, ErrMalformed, true},
		{"truncated DER", orig[:len(orig)-100], func(l *Layout) { l.CertTableSize -= 100 }, ErrTruncated, true},
		{"table in the headers", orig, func(l *Layout) { l.CertTableOffset = 0x80 }, ErrMalformed, false},
		{"table past the end", orig, func(l *Layout) { l.CertTableOffset = uint32(len(orig)) }, ErrTruncated, false},
		{"short table", orig, func(l *Layout) { l.CertTableSize = 5 }, ErrTruncated, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := mustLayout(t, tt.b)
			if tt.layout != nil {
				tt.layout(&l)
			}
			sig, err := Parse(tt.b, l)
			require.Error(t, err)
			assert.ErrorIs(t, err, tt.sentinel)
			assert.Equal(t, tt.signed, sig.Signed)
			res, verr := sig.Verify(VerifyOptions{Roots: rootPool(t), CurrentTime: verifyAt})
			assert.Error(t, verr)
			assert.False(t, res.Verified)
		})
	}
}

// TestSecondEntry appends a second WIN_CERTIFICATE signed by another PKI:
// it is decoded, but the primary signature decides Verified.
func TestSecondEntry(t *testing.T) {
	p := newTestPKI(t, 365)
	orig := readSample(t, "signed-mingw-console-x64.exe")
	l := mustLayout(t, orig)
	second := goSigned(t, p, nil)
	l2 := mustLayout(t, second)
	entry2 := second[l2.CertTableOffset : l2.CertTableOffset+l2.CertTableSize]
	b := append(bytes.Clone(orig), entry2...)
	binary.LittleEndian.PutUint32(b[l.SecurityEntryOffset()+4:], l.CertTableSize+l2.CertTableSize)
	sig := parseOK(t, b)
	require.Len(t, sig.Entries, 2)
	require.Len(t, sig.Signatures, 2)
	assert.Equal(t, 1, sig.Signatures[1].Entry)
	assert.True(t, sig.Signatures[1].DigestMatches)

	res, err := sig.Verify(VerifyOptions{Roots: rootPool(t), CurrentTime: verifyAt})
	require.NoError(t, err)
	assert.True(t, res.Verified)
	assert.False(t, res.Signatures[1].Verified)

	res, err = sig.Verify(VerifyOptions{Roots: p.pool(), CurrentTime: verifyAt})
	assert.ErrorIs(t, err, ErrUntrusted)
	assert.False(t, res.Verified, "only the primary signature counts")
	assert.True(t, res.Signatures[1].Verified)
}

func TestErrorsAre(t *testing.T) {
	err := fmtErrExample()
	var fe *FormatError
	require.True(t, errors.As(err, &fe))
	assert.Equal(t, "authenticode: dwLength 4 smaller than the header in WIN_CERTIFICATE at 0xac00", err.Error())
	assert.ErrorIs(t, err, ErrMalformed)
	assert.Equal(t, "authenticode: bad structure in TSTInfo", derErr("TSTInfo", "bad structure").Error())
}

func TestZeroValues(t *testing.T) {
	_, err := (&Signature{Signed: true, Signatures: []SignatureInfo{{}}}).Verify(VerifyOptions{})
	assert.ErrorIs(t, err, ErrMalformed)
	_, err = (&Catalog{}).Verify(VerifyOptions{})
	assert.ErrorIs(t, err, ErrMalformed)
	_, err = (&Signature{}).Verify(VerifyOptions{})
	assert.ErrorIs(t, err, ErrNotSigned)
}

func fmtErrExample() error {
	return formatErr(ErrMalformed, 0xac00, "WIN_CERTIFICATE", "dwLength %d smaller than the header", 4)
}

// TestConcurrentUse verifies one parsed Signature and Catalog from several
// goroutines (run with -race).
func TestConcurrentUse(t *testing.T) {
	b := readSample(t, "signed-ts-mingw-console-x64.exe")
	sig := parseOK(t, b)
	cb, err := os.ReadFile(filepath.Join("testdata", "catalog-sha256.cat"))
	require.NoError(t, err)
	cat, err := ParseCatalog(cb)
	require.NoError(t, err)
	d, _ := hex.DecodeString(consoleSHA256)
	opts := VerifyOptions{Roots: rootPool(t), CurrentTime: verifyAt}
	done := make(chan bool)
	for range 4 {
		go func() {
			r, err := sig.Verify(opts)
			v, cerr := cat.Verify(opts)
			done <- err == nil && r.Verified && cerr == nil && v.Verified && cat.Contains(d)
		}()
	}
	for range 4 {
		assert.True(t, <-done)
	}
}
