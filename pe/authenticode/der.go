package authenticode

import (
	"crypto"
	_ "crypto/md5" // registers crypto.MD5 for legacy signatures
	_ "crypto/sha1"
	_ "crypto/sha256"
	_ "crypto/sha512"
	"encoding/asn1"
	"encoding/hex"
	"strings"
	"time"
	"unicode/utf16"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Object identifiers used by Authenticode, PKCS#7/CMS, RFC 3161 and
// catalogs (CTLs).
var (
	oidSignedData       = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	oidContentType      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 3}
	oidMessageDigest    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	oidSigningTime      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5}
	oidCounterSignature = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 6}
	oidTSTInfo          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 1, 4}
	oidSpcIndirectData  = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 2, 1, 4}
	oidSpcSpOpusInfo    = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 2, 1, 12}
	oidSpcPEImageData   = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 2, 1, 15}
	oidNestedSignature  = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 2, 4, 1}
	oidRFC3161Timestamp = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 3, 3, 1}
	oidCTL              = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 10, 1}
	oidLifetimeSigning  = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 10, 3, 13}
	oidCatalogMember    = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 12, 1, 2}
	oidCatalogMemberV2  = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 12, 1, 3}
	oidCatNameValue     = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 12, 2, 1}
	oidCatMemberInfo    = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 12, 2, 2}
	oidRSAEncryption    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
	oidRSAPSS           = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 10}
	oidDSA              = asn1.ObjectIdentifier{1, 2, 840, 10040, 4, 1}
	oidDSAWithSHA1      = asn1.ObjectIdentifier{1, 2, 840, 10040, 4, 3}
	oidSHA256WithRSA    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 11}
	oidECDSAWithSHA256  = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}
	oidDigestSHA256     = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
)

// hashes maps digest algorithm OIDs to hashes. Signature algorithm OIDs
// are accepted too: some old signers put them where a digest algorithm
// belongs.
var hashes = []struct {
	oid  asn1.ObjectIdentifier
	hash crypto.Hash
}{
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 5}, crypto.MD5},
	{asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}, crypto.SHA1},
	{asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 4}, crypto.SHA224},
	{oidDigestSHA256, crypto.SHA256},
	{asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}, crypto.SHA384},
	{asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}, crypto.SHA512},
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 4}, crypto.MD5},
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 5}, crypto.SHA1},
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 14}, crypto.SHA224},
	{oidSHA256WithRSA, crypto.SHA256},
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 12}, crypto.SHA384},
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 13}, crypto.SHA512},
	{asn1.ObjectIdentifier{1, 3, 14, 3, 2, 29}, crypto.SHA1}, // sha1WithRSASignature (OIW)
	{asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 1}, crypto.SHA1},
	{oidECDSAWithSHA256, crypto.SHA256},
	{asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 3}, crypto.SHA384},
	{asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 4}, crypto.SHA512},
}

// hashForOID returns the hash of a digest (or signature) algorithm OID, or
// 0 when it is unknown.
func hashForOID(oid asn1.ObjectIdentifier) crypto.Hash {
	for _, h := range hashes {
		if h.oid.Equal(oid) {
			return h.hash
		}
	}
	return 0
}

// hashName returns the lower-case name used in reports: "sha256", "sha1",
// "md5"; for an unknown algorithm the dotted OID.
func hashName(h crypto.Hash, oid asn1.ObjectIdentifier) string {
	switch h {
	case crypto.MD5:
		return "md5"
	case crypto.SHA1:
		return "sha1"
	case crypto.SHA224:
		return "sha224"
	case crypto.SHA256:
		return "sha256"
	case crypto.SHA384:
		return "sha384"
	case crypto.SHA512:
		return "sha512"
	}
	return oid.String()
}

// algorithmIdentifier is X.509's AlgorithmIdentifier; params is the raw
// parameters element, if any.
type algorithmIdentifier struct {
	oid    asn1.ObjectIdentifier
	params []byte
}

func readAlgorithm(s *cryptobyte.String, out *algorithmIdentifier) bool {
	var seq cryptobyte.String
	if !s.ReadASN1(&seq, cbasn1.SEQUENCE) || !seq.ReadASN1ObjectIdentifier(&out.oid) {
		return false
	}
	out.params = seq
	return true
}

// attribute is a PKCS#9/CMS Attribute: a type and a SET OF values, each
// value kept as its full DER element.
type attribute struct {
	oid    asn1.ObjectIdentifier
	values [][]byte
}

// parseAttributes decodes the contents of a SET OF Attribute (the tag and
// length already removed). Values beyond MaxAttributes are dropped with an
// error.
func parseAttributes(set cryptobyte.String, st string) ([]attribute, error) {
	var attrs []attribute
	for !set.Empty() {
		if len(attrs) >= MaxAttributes {
			return attrs, formatErr(ErrLimit, -1, st, "more than %d attributes", MaxAttributes)
		}
		var a attribute
		var seq, vals cryptobyte.String
		if !set.ReadASN1(&seq, cbasn1.SEQUENCE) || !seq.ReadASN1ObjectIdentifier(&a.oid) ||
			!seq.ReadASN1(&vals, cbasn1.SET) {
			return attrs, derErr(st, "bad attribute")
		}
		for !vals.Empty() {
			if len(a.values) >= MaxAttributes {
				return attrs, formatErr(ErrLimit, -1, st, "more than %d values in attribute %s", MaxAttributes, a.oid)
			}
			var v cryptobyte.String
			if !vals.ReadAnyASN1Element(&v, nil) {
				return attrs, derErr(st, "bad value of attribute %s", a.oid)
			}
			a.values = append(a.values, v)
		}
		attrs = append(attrs, a)
	}
	return attrs, nil
}

// findAttr returns the first attribute of type oid.
func findAttr(attrs []attribute, oid asn1.ObjectIdentifier) (attribute, bool) {
	for _, a := range attrs {
		if a.oid.Equal(oid) {
			return a, true
		}
	}
	return attribute{}, false
}

// singleValue returns the only value of the attribute of type oid. ok is
// false when the attribute is absent; err is set when it has no value or
// several.
func singleValue(attrs []attribute, oid asn1.ObjectIdentifier, st string) (v []byte, ok bool, err error) {
	a, ok := findAttr(attrs, oid)
	if !ok {
		return nil, false, nil
	}
	n := 0
	for _, b := range attrs {
		if b.oid.Equal(oid) {
			n++
		}
	}
	if n != 1 || len(a.values) != 1 {
		return nil, true, derErr(st, "attribute %s must appear once with one value", oid)
	}
	return a.values[0], true, nil
}

// readTime reads a UTCTime or GeneralizedTime element, leniently: seconds
// may be missing, fractions and UTC offsets are accepted.
func readTime(s *cryptobyte.String, out *time.Time) bool {
	var tag cbasn1.Tag
	var v cryptobyte.String
	if !s.ReadAnyASN1(&v, &tag) {
		return false
	}
	t, ok := parseTime(string(v), tag)
	*out = t
	return ok
}

func parseTime(v string, tag cbasn1.Tag) (time.Time, bool) {
	var layouts []string
	switch tag {
	case cbasn1.UTCTime:
		layouts = []string{"060102150405Z0700", "0601021504Z0700"}
	case cbasn1.GeneralizedTime:
		layouts = []string{"20060102150405.999999999Z0700", "20060102150405Z0700", "200601021504Z0700"}
	default:
		return time.Time{}, false
	}
	for _, l := range layouts {
		if t, err := time.Parse(l, v); err == nil {
			if tag == cbasn1.UTCTime && t.Year() >= 2050 {
				t = t.AddDate(-100, 0, 0) // RFC 5280: YY >= 50 is 19YY
			}
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// readIntegerBytes reads an INTEGER and returns its content octets,
// without the minimal-encoding check of cryptobyte's ReadASN1Integer
// (serial numbers in the wild are not always minimal).
func readIntegerBytes(s *cryptobyte.String, out *[]byte) bool {
	var v cryptobyte.String
	if !s.ReadASN1(&v, cbasn1.INTEGER) || len(v) == 0 {
		return false
	}
	*out = v
	return true
}

// serialHex formats INTEGER content octets as lower-case hex, dropping the
// sign-padding zero byte of a positive number ("00 80" → "80").
func serialHex(b []byte) string {
	if len(b) > 1 && b[0] == 0 && b[1]&0x80 != 0 {
		b = b[1:]
	}
	return hex.EncodeToString(b)
}

// decodeBMP decodes a UTF-16BE BMPString, dropping a trailing NUL.
func decodeBMP(b []byte) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
	}
	return strings.TrimRight(string(utf16.Decode(u)), "\x00")
}

// decodeUTF16LE decodes UTF-16LE text, stopping at the first NUL.
func decodeUTF16LE(b []byte) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		c := uint16(b[i]) | uint16(b[i+1])<<8
		if c == 0 {
			break
		}
		u = append(u, c)
	}
	return string(utf16.Decode(u))
}

// contentOctets returns the value (contents octets) of a single DER
// element: what PKCS#7 hashes as the signed content.
func contentOctets(elem []byte) ([]byte, bool) {
	s := cryptobyte.String(elem)
	var v cryptobyte.String
	var tag cbasn1.Tag
	if !s.ReadAnyASN1(&v, &tag) || !s.Empty() {
		return nil, false
	}
	return v, true
}

// oidText formats an OID for messages and fields.
func oidText(oid asn1.ObjectIdentifier) string {
	if len(oid) == 0 {
		return ""
	}
	return oid.String()
}
