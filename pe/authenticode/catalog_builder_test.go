package authenticode

import (
	"crypto"
	"crypto/x509"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// catMember is one member of a test catalog.
type catMember struct {
	file       string
	digest     []byte
	noIndirect bool // only the hex tag names the hash
}

// memberInfoGUID is the PE SIP's subject GUID, as makecat writes it.
const memberInfoGUID = "{C689AAB8-8E78-11D0-8C47-00C04FC295EE}"

func nameValueDER(t testing.TB, name, value string) []byte {
	return der(t, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.Tag(30), func(b *cryptobyte.Builder) { b.AddBytes(bmp(name)) })
			b.AddASN1Int64(0x10010001)
			b.AddASN1OctetString(utf16le(value))
		})
	})
}

// ctlDER builds a catalog's CertificateTrustList. h selects
// catalogListMember (SHA-1) or catalogListMember_v2 (SHA-256).
func ctlDER(t testing.TB, h crypto.Hash, members []catMember) []byte {
	alg := oidCatalogMember
	if h == crypto.SHA256 {
		alg = oidCatalogMemberV2
	}
	return der(t, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddASN1ObjectIdentifier(oidCatalogList) })
			b.AddASN1OctetString([]byte("filerep-test-catalog"))
			b.AddASN1UTCTime(signTime)
			addAlg(b, alg, true)
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				for _, m := range members {
					b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
						b.AddASN1OctetString(utf16le(strings.ToUpper(hex.EncodeToString(m.digest))))
						b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) {
							b.AddBytes(attrDER(t, oidCatNameValue, nameValueDER(t, "File", m.file)))
							b.AddBytes(attrDER(t, oidCatNameValue, nameValueDER(t, "OSAttr", "2:10.0")))
							b.AddBytes(attrDER(t, oidCatMemberInfo, der(t, func(b *cryptobyte.Builder) {
								b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
									b.AddASN1(cbasn1.Tag(30), func(b *cryptobyte.Builder) { b.AddBytes(bmp(memberInfoGUID)) })
									b.AddASN1Int64(512)
								})
							})))
							if !m.noIndirect {
								b.AddBytes(attrDER(t, oidSpcIndirectData, indirectDataDER(t, h, m.digest)))
							}
						})
					})
				}
			})
			b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
						b.AddASN1ObjectIdentifier(oidCatNameValue)
						b.AddASN1OctetString(nameValueDER(t, "OS", "_v100_X64"))
					})
				})
			})
		})
	})
}

// catalogDER builds a catalog signed by p's code-signing leaf; edit may
// change the spec (e.g. to break the signature).
func catalogDER(t testing.TB, p *testPKI, h crypto.Hash, members []catMember, edit func(*signSpec)) []byte {
	s := signSpec{
		contentType: oidCTL, content: ctlDER(t, h, members), hash: crypto.SHA256,
		key: p.leafKey, cert: p.leaf, certs: []*x509.Certificate{p.leaf, p.root},
		signingTime: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC),
	}
	if edit != nil {
		edit(&s)
	}
	return signedDataDER(t, s)
}
