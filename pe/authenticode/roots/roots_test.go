package roots

import (
	"bytes"
	"crypto"
	"crypto/md5"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pinned are the fingerprints of every root, computed with openssl from
// the sources named in table.go when the root was added. The test
// recomputes them from the embedded PEM.
var pinned = []struct{ name, sha256, sha1 string }{
	{"Microsoft Root Certificate Authority 2010", "df545bf919a2439c36983b54cdfc903dfa4f37d3996d8d84b4c31eec6f3c163e", "3b1efd3a66ea28b16697394703a72ca340a05bd5"},
	{"Microsoft Root Certificate Authority 2011", "847df6a78497943f27fc72eb93f9a637320a02b561d0a91b09e87a7807ed7c61", "8f43288ad272f3103b6fb1428485ea3014c0bcfe"},
	{"Microsoft Root Certificate Authority (2001)", "885de64c340e3ea70658f01e1145f957fcda27aabeea1ab9faa9fdb0102d4077", "cdd4eeae6000ac7f40c3802c171e30148030c072"},
	{"Microsoft Root Authority (1997)", "f38406e540d7a9d90cb4a9479299640ffb6df9e224ecc7a01c0d9558d8dad77d", "a43489159a520f0d93d032ccaf37e7fe20a8b419"},
	{"Thawte Timestamping CA", "cb6b05d9e8e57cd882b10b4db70de4bb1de42ba48a7bd0318b635bf6e7781a9d", "20ceb1f0f51c0e19a9f38db1aa8e038caa7ac701"},
	{"DigiCert Assured ID Root CA", "3e9099b5015e8f486c00bcea9d111ee721faba355a89bcf1df69561e3dc6325c", "0563b8630d62d75abbc8ab1e4bdfb5a899b24d43"},
	{"DigiCert Trusted Root G4", "552f7bdcf1a7af9e6ce672017f4f12abf77240c78e761ac203d1d9d20ac89988", "ddfb16cd4931c973a2037d3fc83a4d7d775d05e4"},
	{"DigiCert High Assurance EV Root CA", "7431e5f4c3c1ce4690774f0b61e05440883ba9a01ed00ba6abd7806ed3b118cf", "5fb7ee0633e259dbad0c4c9ae6d38f1a61c7dc25"},
	{"USERTrust RSA Certification Authority", "e793c9b02fd8aa13e21c31228accb08119643b749c898964b1746d46c3d4cbd2", "2b8f1b57330dbba2d07a6c51f70ee90ddab9ad8e"},
	{"USERTrust ECC Certification Authority", "4ff460d54b9c86dabfbcfc5712e0400d2bed3fbc4d4fbdaa86e06adcd2a9ad7a", "d1cbca5db2d52a7f693b674de5f05a1d0c957df0"},
	{"COMODO RSA Certification Authority", "52f0e1c4e58ec629291b60317f074671b85d7ea80d5b07273463534b32b40234", "afe5d244a8d1194230ff479fe2f897bbcd7a8cb4"},
	{"COMODO Certification Authority", "0c2cd63df7806fa399ede809116b575bf87989f06518f9808c860503178baf66", "6631bf9ef74f9eb6c9d5a60cba6abed1f7bdef7b"},
	{"AAA Certificate Services (Comodo)", "d7a7a0fb5d7e2731d771e9484ebcdef71d5f0c3e0a2948782bc83ee0ea699ef4", "d1eb23a46d17d68fd92564c2f1f1601764d8e349"},
	{"GlobalSign Root CA (R1)", "ebd41040e4bb3ec742c9e381d31ef2a41a48b6685c96e7cef3c1df6cd4331c99", "b1bc968bd4f49d622aa89a81f2150152a41d829c"},
	{"GlobalSign Root CA - R3", "cbb522d7b7f127ad6a0113865bdf1cd4102e7d0759af635a7cf4720dc963c53b", "d69b561148f01c77c54578c10926df5b856976ad"},
	{"Entrust Root Certification Authority", "73c176434f1bc6d5adf45b0e76e727287c8de57616c1e6e6141a2b2cbc7d8e4c", "b31eb1b740e36c8402dadc37d44df5d4674952f9"},
	{"Entrust Root Certification Authority - G2", "43df5774b03e7fef5fe40d931a7bedf1bb2e6b42738c4e6d3841103d3aa7f339", "8cf427fd790c3ad166068de81e57efbb932272d4"},
	{"Entrust.net Certification Authority (2048)", "6dc47172e01cbcb0bf62580d895fe2b8ac9ad4f873801e0c10b9c837d21eb177", "503006091d97d4f5ae39f7cbe7927d7d652d3431"},
	{"SSL.com Root Certification Authority RSA", "85666a562ee0be5ce925c1d8890a6f76a87ec16d4d7d5f29ea7419cf20123b69", "b7ab3308d1ea4477ba1480125a6fbda936490cbb"},
	{"SSL.com EV Root Certification Authority RSA R2", "2e7bf16cc22485a7bbe2aa8696750761b0ae39be3b2fe9d0cc6d4ef73491425c", "743af0529bd032a0f44a83cdd4baa97b7c2ec49a"},
	{"Certum Trusted Network CA", "5c58468d55f58e497e743982d2b50010b6d165374acf83a7d4a32db768c4408e", "07e032e020b72c3f192f0628a2593a19a70f069e"},
	{"Certum Trusted Network CA 2", "b676f2eddae8775cd36cb0f63cd1d4603961f49e6265ba013a2f0307b6d0b804", "d3dd483e2bbf4c05e8af10f5fa7626cfd3dc3092"},
	{"Go Daddy Class 2 Certification Authority", "c3846bf24b9e93ca64274c0ec67c1ecc5e024ffcacd2d74019350e81fe546ae4", "2796bae63f1801e277261ba0d77770028f20eee4"},
	{"Go Daddy Root Certificate Authority - G2", "45140b3247eb9cc8c5b4f0d7b53091f73292089e6e5a63e2749dd3aca9198eda", "47beabc922eae80e78783462a79f45c254fde68b"},
	{"Starfield Class 2 Certification Authority", "1465fa205397b876faa6f0a9958e5590e40fcc7faa4fb7c2c8677521fb5fb658", "ad7e1c28b064ef8f6003402014c3d0e3370eb58a"},
	{"Starfield Root Certificate Authority - G2", "2ce1cb0bf9d2f9e102993fbe215152c3b2dd0cabde1c68e5319b839154dbb7f5", "b51c067cee2b0c3df855ab2d92f4fe39d4e70f0e"},
	// UEFI db authorities: SHA-1 as published in UEFI db listings
	// (46DEF63B… and B5EEB4A6…).
	{"Microsoft Corporation UEFI CA 2011", "48e99b991f57fc52f76149599bff0a58c47154229b9f8d603ac40d3500248507", "46def63b5ce61cf8ba0de2e6639c1019d0ed14f3"},
	{"Microsoft UEFI CA 2023", "f6124e34125bee3fe6d79a574eaa7b91c0e7bd9d929c1a321178efd611dad901", "b5eeb4a6706048073f0ed296e7f580a790b59eaa"}}

// windowsThumbprints are the SHA-1 thumbprints ../shared/pki/README.md
// gives for the four Microsoft roots, as Windows shows them.
var windowsThumbprints = map[string]string{
	"Microsoft Root Certificate Authority 2010":   "3B1EFD3A66EA28B16697394703A72CA340A05BD5",
	"Microsoft Root Certificate Authority 2011":   "8F43288AD272F3103B6FB1428485EA3014C0BCFE",
	"Microsoft Root Certificate Authority (2001)": "CDD4EEAE6000AC7F40C3802C171E30148030C072",
	"Microsoft Root Authority (1997)":             "A43489159A520F0D93D032CCAF37E7FE20A8B419",
}

// embeddedCerts parses roots.pem on its own, without the table.
func embeddedCerts(t *testing.T) []*x509.Certificate {
	t.Helper()
	var out []*x509.Certificate
	for rest := bundlePEM; ; {
		var blk *pem.Block
		if blk, rest = pem.Decode(rest); blk == nil {
			break
		}
		require.Equal(t, "CERTIFICATE", blk.Type)
		c, err := x509.ParseCertificate(blk.Bytes)
		require.NoError(t, err)
		out = append(out, c)
	}
	return out
}

func TestPinnedFingerprints(t *testing.T) {
	certs := embeddedCerts(t)
	require.Len(t, certs, len(pinned), "roots.pem and the pins disagree on the number of roots")
	for i, p := range pinned {
		s2 := sha256.Sum256(certs[i].Raw)
		s1 := sha1.Sum(certs[i].Raw)
		assert.Equal(t, p.sha256, hex.EncodeToString(s2[:]), "%s: SHA-256", p.name)
		assert.Equal(t, p.sha1, hex.EncodeToString(s1[:]), "%s: SHA-1", p.name)
		assert.Equal(t, p.name, table[i].Name)
	}
	for name, thumb := range windowsThumbprints {
		found := false
		for i, p := range pinned {
			if p.name == name {
				s1 := sha1.Sum(certs[i].Raw)
				assert.Equal(t, thumb, strings.ToUpper(hex.EncodeToString(s1[:])), name)
				found = true
			}
		}
		assert.True(t, found, "%s missing from the bundle", name)
	}
}

func TestRootsAreSelfSigned(t *testing.T) {
	for _, a := range Default().Anchors() {
		if a.Purposes == UEFI {
			continue // db authorities, trusted as they are (TestUEFIAnchors)
		}
		c := a.Certificate
		assert.True(t, bytes.Equal(c.RawIssuer, c.RawSubject), "%s: issuer is not the subject", a.Name)
		var err error
		switch c.SignatureAlgorithm {
		case x509.MD5WithRSA: // crypto/x509 refuses MD5 and SHA-1
			d := md5.Sum(c.RawTBSCertificate)
			err = rsa.VerifyPKCS1v15(c.PublicKey.(*rsa.PublicKey), crypto.MD5, d[:], c.Signature)
		case x509.SHA1WithRSA:
			d := sha1.Sum(c.RawTBSCertificate)
			err = rsa.VerifyPKCS1v15(c.PublicKey.(*rsa.PublicKey), crypto.SHA1, d[:], c.Signature)
		default:
			err = c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature)
		}
		assert.NoError(t, err, "%s: its own key does not verify its signature", a.Name)
	}
}

func TestTable(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Table() {
		assert.NotEmpty(t, r.Name)
		assert.NotZero(t, r.Purposes&(CodeSigning|TimeStamping|UEFI), r.Name)
		assert.Zero(t, r.Purposes&^(CodeSigning|TimeStamping|UEFI), r.Name)
		if r.Purposes.Has(UEFI) {
			assert.Equal(t, UEFI, r.Purposes, "%s: a UEFI db authority anchors nothing else", r.Name)
		}
		assert.Len(t, r.SHA256, 64, r.Name)
		assert.Len(t, r.SHA1, 40, r.Name)
		assert.Contains(t, r.Source, ";", "%s: the source must name a second, independent check", r.Name)
		assert.False(t, seen[r.SHA256], "%s listed twice", r.Name)
		seen[r.SHA256] = true
	}
	assert.NotEmpty(t, BundleVersion)
}

func TestDefault(t *testing.T) {
	b := Default()
	require.Same(t, b, Default(), "Default parses once")
	assert.Equal(t, BundleVersion, b.Version())
	require.Len(t, b.Anchors(), len(table))

	// Copies: changing what was handed out changes nothing inside.
	a := b.Anchors()
	a[0].Name = "changed"
	assert.NotEqual(t, "changed", b.Anchors()[0].Name)
	p := b.Pool(CodeSigning)
	p.AddCert(&x509.Certificate{Raw: []byte{1}, RawSubject: []byte{0x30, 0}})
	assert.NotSame(t, p, b.Pool(CodeSigning))

	cs, ts := b.Certificates(CodeSigning), b.Certificates(TimeStamping)
	both := b.Certificates(CodeSigning | TimeStamping)
	assert.Less(t, len(cs), len(table), "Thawte Timestamping CA is not a code-signing root")
	assert.Less(t, len(both), len(ts))
	for _, c := range cs {
		assert.NotEqual(t, "Thawte Timestamping CA", c.Subject.CommonName)
	}
	found := false
	for _, c := range ts {
		found = found || c.Subject.CommonName == "Thawte Timestamping CA"
	}
	assert.True(t, found)

	o := b.VerifyOptions()
	assert.NotNil(t, o.Roots)
	assert.NotNil(t, o.TimestampRoots)
	assert.Len(t, o.LegacyRoots, len(cs))
	assert.Len(t, o.TimestampLegacyRoots, len(ts))
	assert.True(t, o.AtSigningTime)
}

func TestPurposeString(t *testing.T) {
	assert.Equal(t, "code-signing", CodeSigning.String())
	assert.Equal(t, "time-stamping", TimeStamping.String())
	assert.Equal(t, "code-signing+time-stamping", (CodeSigning | TimeStamping).String())
	assert.Equal(t, "none", Purpose(0).String())
	assert.False(t, CodeSigning.Has(0))
	assert.True(t, (CodeSigning | TimeStamping).Has(TimeStamping))
}

func TestLoadMismatch(t *testing.T) {
	rows := Table()
	_, err := Load("x", bundlePEM, rows[1:])
	assert.ErrorIs(t, err, ErrBundle, "a certificate no row names")
	bad := append([]Row(nil), rows...)
	bad[0].SHA1 = strings.Repeat("0", 40)
	_, err = Load("x", bundlePEM, bad)
	assert.ErrorIs(t, err, ErrBundle, "a wrong SHA-1")
	_, err = Load("x", nil, rows[:1])
	assert.ErrorIs(t, err, ErrBundle, "a row without its certificate")
	_, err = Load("x", []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), nil)
	assert.ErrorIs(t, err, ErrBundle, "a certificate that does not parse")
	b, err := Load("x", nil, nil)
	require.NoError(t, err)
	assert.Empty(t, b.Anchors())
}

// TestUEFIAnchors: the UEFI db authorities are CAs issued under
// Microsoft's Third Party Marketplace root (2011) or by Microsoft (2023),
// and only the EFI options trust them.
func TestUEFIAnchors(t *testing.T) {
	b := Default()
	var n int
	for _, a := range b.Anchors() {
		if a.Purposes != UEFI {
			continue
		}
		n++
		assert.True(t, a.Certificate.IsCA, a.Name)
		assert.Contains(t, a.Certificate.Subject.CommonName, "UEFI CA", a.Name)
		assert.Equal(t, "Microsoft Corporation", a.Certificate.Subject.Organization[0], a.Name)
		assert.Empty(t, b.Certificates(CodeSigning)[0:0])
		for _, c := range b.Certificates(CodeSigning) {
			assert.False(t, c.Equal(a.Certificate), "%s must not anchor Windows code signing", a.Name)
		}
		found := false
		for _, c := range b.UEFIVerifyOptions().LegacyRoots {
			found = found || c.Equal(a.Certificate)
		}
		assert.True(t, found, "%s missing from the EFI options", a.Name)
	}
	assert.Equal(t, 2, n)
	assert.Equal(t, "uefi", UEFI.String())
}
