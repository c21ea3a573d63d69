package authenticode

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// parseCountersignatures decodes the timestamps among si's unauthenticated
// attributes: PKCS#9 countersignatures (1.2.840.113549.1.9.6, a SignerInfo
// whose messageDigest hashes si's signature value) and RFC 3161 tokens
// (1.3.6.1.4.1.311.3.3.1, a SignedData over a TSTInfo whose message
// imprint hashes si's signature value).
func parseCountersignatures(sd *signedData, si *signerInfo) ([]Countersignature, []error) {
	var out []Countersignature
	var errs []error
	for _, a := range si.unauthAttrs {
		pkcs9 := a.oid.Equal(oidCounterSignature)
		if !pkcs9 && !a.oid.Equal(oidRFC3161Timestamp) {
			continue
		}
		for _, v := range a.values {
			if len(out) >= MaxCountersignatures {
				return out, append(errs, formatErr(ErrLimit, -1, "countersignatures", "more than %d", MaxCountersignatures))
			}
			var c Countersignature
			if pkcs9 {
				c = parsePKCS9Countersignature(v, sd, si)
			} else {
				c = parseRFC3161Token(v, sd, si)
			}
			if c.Error != nil {
				errs = append(errs, c.Error)
			}
			out = append(out, c)
		}
	}
	return out, errs
}

// parsePKCS9Countersignature checks a legacy countersignature: a SignerInfo
// whose messageDigest attribute is the hash of the outer signature value,
// signed by a certificate carried in the outer SignedData.
func parsePKCS9Countersignature(v []byte, sd *signedData, outer *signerInfo) Countersignature {
	const st = "PKCS#9 countersignature"
	c := Countersignature{Kind: TimeSourcePKCS9, pool: sd.certs}
	csi, err := parseSignerInfo(v, st)
	if err != nil {
		c.Error = err
		return c
	}
	c.describe(csi, sd.certs)
	t, err := signingTimeAttr(csi, st)
	if err != nil {
		c.Error = err
		return c
	}
	c.Time = t
	c.Error = csi.check(c.Certificate.x509Cert(), outer.signature, nil, st)
	if errors.Is(c.Error, ErrBadSignature) && rawRSAValid(csi, c.Certificate.x509Cert()) {
		c.Error = nil
	}
	c.Valid = c.Error == nil
	return c
}

// rawRSAValid reports whether a PKCS#9 countersignature's RSA signature
// is a PKCS#1 v1.5 signature of the bare digest of its authenticated
// attributes, without the DigestInfo wrapping. Symantec's SHA-1 time-stamping
// service (Symantec Time Stamping Services Signer - G4, 2012–2020) signed
// that way, and Windows accepts it; PuTTY's 2019 timestamps are such.
// check has already matched the messageDigest attribute.
func rawRSAValid(si *signerInfo, cert *x509.Certificate) bool {
	if cert == nil || si.authRaw == nil {
		return false
	}
	k, ok := cert.PublicKey.(*rsa.PublicKey)
	h := si.hash()
	if !ok || h == 0 || !h.Available() {
		return false
	}
	hh := h.New()
	hh.Write([]byte{0x31})
	hh.Write(si.authRaw[1:])
	return rsa.VerifyPKCS1v15(k, 0, hh.Sum(nil), si.signature) == nil
}

// parseRFC3161Token checks an RFC 3161 time-stamp token: a SignedData
// (CMS) over a TSTInfo whose messageImprint is the hash of the outer
// signature value.
func parseRFC3161Token(v []byte, sd *signedData, outer *signerInfo) Countersignature {
	const st = "RFC 3161 token"
	c := Countersignature{Kind: TimeSourceRFC3161}
	tsd, err := parseSignedData(v, st)
	if err != nil {
		c.Error = err
		return c
	}
	c.Certificates = tsd.certs
	c.pool = append(append([]Certificate(nil), tsd.certs...), sd.certs...)
	tsi := &tsd.signers[0]
	c.describe(tsi, tsd.certs, sd.certs)
	if !tsd.contentType.Equal(oidTSTInfo) {
		c.Error = derErr(st, "content type %s is not TSTInfo", oidText(tsd.contentType))
		return c
	}
	tst, err := parseTSTInfo(tsd.digest)
	if err != nil {
		c.Error = err
		return c
	}
	c.Time = tst.genTime
	h := hashForOID(tst.imprintAlg.oid)
	if h == 0 || !h.Available() {
		c.Error = formatErr(ErrUnsupported, -1, st, "message imprint algorithm %s", oidText(tst.imprintAlg.oid))
		return c
	}
	hh := h.New()
	hh.Write(outer.signature)
	if !bytes.Equal(hh.Sum(nil), tst.imprint) {
		c.Error = fmt.Errorf("%w: %s message imprint does not match the signature it stamps", ErrBadSignature, st)
		return c
	}
	c.Error = tsi.check(c.Certificate.x509Cert(), tsd.digest, oidTSTInfo, st)
	c.Valid = c.Error == nil
	return c
}

// describe fills the signer fields from a SignerInfo and its certificate.
func (c *Countersignature) describe(si *signerInfo, sets ...[]Certificate) {
	c.Subject, c.Issuer, c.Serial, c.Certificate = si.identify(sets...)
	c.DigestAlgorithm = hashName(si.hash(), si.digestAlg.oid)
}

// signingTimeAttr returns the signingTime authenticated attribute.
func signingTimeAttr(si *signerInfo, st string) (time.Time, error) {
	v, ok, err := singleValue(si.authAttrs, oidSigningTime, st)
	if err != nil {
		return time.Time{}, err
	}
	if !ok {
		return time.Time{}, derErr(st, "no signingTime attribute")
	}
	s := cryptobyte.String(v)
	var t time.Time
	if !readTime(&s, &t) {
		return time.Time{}, derErr(st, "bad signingTime")
	}
	return t, nil
}

// tstInfo is the part of RFC 3161's TSTInfo this package uses.
type tstInfo struct {
	policy     asn1.ObjectIdentifier
	imprintAlg algorithmIdentifier
	imprint    []byte
	serial     []byte
	genTime    time.Time
}

// parseTSTInfo decodes
//
//	TSTInfo ::= SEQUENCE { version INTEGER, policy OID,
//	  messageImprint SEQUENCE { hashAlgorithm AlgorithmIdentifier, hashedMessage OCTET STRING },
//	  serialNumber INTEGER, genTime GeneralizedTime, … }
func parseTSTInfo(der []byte) (*tstInfo, error) {
	const st = "TSTInfo"
	t := &tstInfo{}
	s := cryptobyte.String(der)
	var body, mi cryptobyte.String
	var version int64
	if !s.ReadASN1(&body, cbasn1.SEQUENCE) || !body.ReadASN1Integer(&version) ||
		!body.ReadASN1ObjectIdentifier(&t.policy) || !body.ReadASN1(&mi, cbasn1.SEQUENCE) ||
		!readAlgorithm(&mi, &t.imprintAlg) || !mi.ReadASN1Bytes(&t.imprint, cbasn1.OCTET_STRING) ||
		!readIntegerBytes(&body, &t.serial) {
		return nil, derErr(st, "bad structure")
	}
	if !body.PeekASN1Tag(cbasn1.GeneralizedTime) || !readTime(&body, &t.genTime) {
		return nil, derErr(st, "bad genTime")
	}
	return t, nil
}
