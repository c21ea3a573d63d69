package authenticode

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/subtle"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// This file decodes PKCS#7 (RFC 2315) / CMS (RFC 5652) SignedData as
// Authenticode, RFC 3161 tokens and catalogs use it, and checks a
// SignerInfo's signature. Only the parts those formats use are decoded.

// signedData is a decoded SignedData.
type signedData struct {
	version     int64
	contentType asn1.ObjectIdentifier
	// content is the DER element inside encapContentInfo's [0] EXPLICIT
	// (a SEQUENCE for Authenticode and CTLs, an OCTET STRING for CMS);
	// digest is its contents octets, the input of messageDigest.
	content []byte
	digest  []byte
	certs   []Certificate
	signers []signerInfo
	errs    []error // certificates that failed to parse, skipped choices
}

// signerInfo is a decoded SignerInfo.
type signerInfo struct {
	version     int64
	issuer      []byte // DER Name of issuerAndSerialNumber
	serial      []byte // INTEGER content octets
	ski         []byte // subjectKeyIdentifier form of sid (CMS v3)
	digestAlg   algorithmIdentifier
	authRaw     []byte // the whole [0] IMPLICIT element, nil if absent
	authAttrs   []attribute
	sigAlg      algorithmIdentifier
	signature   []byte
	unauthAttrs []attribute
	errs        []error
}

// parseContentInfo decodes a ContentInfo element and returns its content
// type and the DER element inside [0] EXPLICIT.
func parseContentInfo(der []byte, st string) (asn1.ObjectIdentifier, []byte, error) {
	s := cryptobyte.String(der)
	var ci, inner cryptobyte.String
	var ct asn1.ObjectIdentifier
	if !s.ReadASN1(&ci, cbasn1.SEQUENCE) || !ci.ReadASN1ObjectIdentifier(&ct) {
		return nil, nil, derErr(st, "bad ContentInfo")
	}
	var present bool
	if !ci.ReadOptionalASN1(&inner, &present, cbasn1.Tag(0).ContextSpecific().Constructed()) {
		return ct, nil, derErr(st, "bad ContentInfo content")
	}
	if !present {
		return ct, nil, nil
	}
	var elem cryptobyte.String
	if !inner.ReadAnyASN1Element(&elem, nil) {
		return ct, nil, derErr(st, "bad ContentInfo content")
	}
	return ct, elem, nil
}

// parseSignedData decodes a DER ContentInfo holding SignedData. Problems
// that leave the structure usable (a certificate crypto/x509 rejects) are
// kept in errs; a structural problem is returned as the error.
func parseSignedData(der []byte, st string) (*signedData, error) {
	ct, elem, err := parseContentInfo(der, st)
	if err != nil {
		return nil, err
	}
	if !ct.Equal(oidSignedData) {
		return nil, derErr(st, "content type %s is not SignedData", oidText(ct))
	}
	if elem == nil {
		return nil, derErr(st, "SignedData missing")
	}
	sd := &signedData{}
	s := cryptobyte.String(elem)
	var body, algs, eci cryptobyte.String
	if !s.ReadASN1(&body, cbasn1.SEQUENCE) || !body.ReadASN1Integer(&sd.version) ||
		!body.ReadASN1(&algs, cbasn1.SET) || !body.ReadASN1(&eci, cbasn1.SEQUENCE) ||
		!eci.ReadASN1ObjectIdentifier(&sd.contentType) {
		return nil, derErr(st, "bad SignedData header")
	}
	var content cryptobyte.String
	var present bool
	if !eci.ReadOptionalASN1(&content, &present, cbasn1.Tag(0).ContextSpecific().Constructed()) {
		return nil, derErr(st, "bad encapsulated content")
	}
	if present {
		var e cryptobyte.String
		if !content.ReadAnyASN1Element(&e, nil) {
			return nil, derErr(st, "bad encapsulated content")
		}
		sd.content = e
		sd.digest, _ = contentOctets(e)
	}

	var certs cryptobyte.String
	if !body.ReadOptionalASN1(&certs, &present, cbasn1.Tag(0).ContextSpecific().Constructed()) {
		return nil, derErr(st, "bad certificates")
	}
	for present && !certs.Empty() {
		var c cryptobyte.String
		var tag cbasn1.Tag
		if !certs.ReadAnyASN1Element(&c, &tag) {
			return nil, derErr(st, "bad certificate set")
		}
		if tag != cbasn1.SEQUENCE {
			continue // extended or attribute certificates: not used for Authenticode
		}
		if len(sd.certs) >= MaxCertificates {
			sd.errs = append(sd.errs, formatErr(ErrLimit, -1, st, "more than %d certificates", MaxCertificates))
			break
		}
		cert, err := newCertificate(c)
		if err != nil {
			sd.errs = append(sd.errs, err)
		}
		sd.certs = append(sd.certs, cert)
	}
	if !body.SkipOptionalASN1(cbasn1.Tag(1).ContextSpecific().Constructed()) { // crls
		return nil, derErr(st, "bad crls")
	}
	var infos cryptobyte.String
	if !body.ReadASN1(&infos, cbasn1.SET) {
		return nil, derErr(st, "bad signerInfos")
	}
	for !infos.Empty() {
		if len(sd.signers) >= MaxSignerInfos {
			sd.errs = append(sd.errs, formatErr(ErrLimit, -1, st, "more than %d signer infos", MaxSignerInfos))
			break
		}
		var e cryptobyte.String
		if !infos.ReadASN1Element(&e, cbasn1.SEQUENCE) {
			return nil, derErr(st, "bad SignerInfo")
		}
		si, err := parseSignerInfo(e, st)
		if err != nil {
			return nil, err
		}
		sd.signers = append(sd.signers, *si)
	}
	if len(sd.signers) == 0 {
		return nil, derErr(st, "no SignerInfo")
	}
	return sd, nil
}

// parseSignerInfo decodes one SignerInfo element.
func parseSignerInfo(elem []byte, st string) (*signerInfo, error) {
	si := &signerInfo{}
	s := cryptobyte.String(elem)
	var body cryptobyte.String
	if !s.ReadASN1(&body, cbasn1.SEQUENCE) || !body.ReadASN1Integer(&si.version) {
		return nil, derErr(st, "bad SignerInfo")
	}
	switch {
	case body.PeekASN1Tag(cbasn1.SEQUENCE):
		var ias cryptobyte.String
		var issuer cryptobyte.String
		if !body.ReadASN1(&ias, cbasn1.SEQUENCE) || !ias.ReadASN1Element(&issuer, cbasn1.SEQUENCE) ||
			!readIntegerBytes(&ias, &si.serial) {
			return nil, derErr(st, "bad issuerAndSerialNumber")
		}
		si.issuer = issuer
	case body.PeekASN1Tag(cbasn1.Tag(0).ContextSpecific()):
		var ski cryptobyte.String
		if !body.ReadASN1(&ski, cbasn1.Tag(0).ContextSpecific()) {
			return nil, derErr(st, "bad subjectKeyIdentifier")
		}
		si.ski = ski
	default:
		return nil, derErr(st, "bad SignerInfo sid")
	}
	if !readAlgorithm(&body, &si.digestAlg) {
		return nil, derErr(st, "bad SignerInfo digestAlgorithm")
	}
	authTag := cbasn1.Tag(0).ContextSpecific().Constructed()
	if body.PeekASN1Tag(authTag) {
		var raw, set cryptobyte.String
		if !body.ReadASN1Element(&raw, authTag) {
			return nil, derErr(st, "bad authenticated attributes")
		}
		si.authRaw = raw
		if !raw.ReadASN1(&set, authTag) { // the same element, without its header
			return nil, derErr(st, "bad authenticated attributes")
		}
		attrs, err := parseAttributes(set, st+" authenticated attributes")
		if err != nil {
			return nil, err // a signature over attributes we cannot read is useless
		}
		si.authAttrs = attrs
	}
	if !readAlgorithm(&body, &si.sigAlg) {
		return nil, derErr(st, "bad SignerInfo signatureAlgorithm")
	}
	var sig cryptobyte.String
	if !body.ReadASN1(&sig, cbasn1.OCTET_STRING) {
		return nil, derErr(st, "bad SignerInfo signature")
	}
	si.signature = sig
	unauthTag := cbasn1.Tag(1).ContextSpecific().Constructed()
	if body.PeekASN1Tag(unauthTag) {
		var set cryptobyte.String
		if !body.ReadASN1(&set, unauthTag) {
			si.errs = append(si.errs, derErr(st, "bad unauthenticated attributes"))
		} else {
			attrs, err := parseAttributes(set, st+" unauthenticated attributes")
			if err != nil {
				si.errs = append(si.errs, err)
			}
			si.unauthAttrs = attrs
		}
	}
	return si, nil
}

// findCert returns the certificate si names, looking in each set in turn.
func (si *signerInfo) findCert(sets ...[]Certificate) *Certificate {
	for _, set := range sets {
		for i := range set {
			c := &set[i]
			if c.X509 == nil {
				continue
			}
			if si.ski != nil {
				if bytes.Equal(c.X509.SubjectKeyId, si.ski) {
					return c
				}
				continue
			}
			if bytes.Equal(c.X509.RawIssuer, si.issuer) &&
				c.X509.SerialNumber.Cmp(new(big.Int).SetBytes(si.serial)) == 0 {
				return c
			}
		}
	}
	return nil
}

// identify returns who si names, as [Signer] and [Countersignature]
// report it: issuer and serial from the SignerInfo itself (no serial for
// the subjectKeyIdentifier form), and the subject, and the issuer and
// serial when the SignerInfo has none, from the certificate found in sets.
func (si *signerInfo) identify(sets ...[]Certificate) (subject, issuer, serial string, cert *Certificate) {
	issuer = nameString(si.issuer)
	if si.ski == nil {
		serial = serialHex(si.serial)
	}
	cert = si.findCert(sets...)
	if cert != nil {
		subject = cert.Subject
		if issuer == "" {
			issuer, serial = cert.Issuer, cert.Serial
		}
	}
	return subject, issuer, serial, cert
}

// hash returns the SignerInfo's digest algorithm.
func (si *signerInfo) hash() crypto.Hash { return hashForOID(si.digestAlg.oid) }

// check verifies the SignerInfo against the signed content: the
// contentType and messageDigest authenticated attributes (when attributes
// are present), then the signature with cert's public key. digest is the
// content octets of what was signed, contentType its type (nil to skip the
// contentType check, as for countersignatures).
func (si *signerInfo) check(cert *x509.Certificate, digest []byte, contentType asn1.ObjectIdentifier, st string) error {
	h := si.hash()
	if h == 0 || !h.Available() {
		return formatErr(ErrUnsupported, -1, st, "digest algorithm %s", oidText(si.digestAlg.oid))
	}
	signed := digest
	if si.authRaw != nil {
		if contentType != nil {
			v, ok, err := singleValue(si.authAttrs, oidContentType, st)
			if err != nil {
				return err
			}
			var got asn1.ObjectIdentifier
			vs := cryptobyte.String(v)
			if !ok || !vs.ReadASN1ObjectIdentifier(&got) || !got.Equal(contentType) {
				return fmt.Errorf("%w: contentType attribute does not name %s in %s", ErrBadSignature, contentType, st)
			}
		}
		v, ok, err := singleValue(si.authAttrs, oidMessageDigest, st)
		if err != nil {
			return err
		}
		var md []byte
		vs := cryptobyte.String(v)
		if !ok || !vs.ReadASN1Bytes(&md, cbasn1.OCTET_STRING) {
			return fmt.Errorf("%w: messageDigest attribute missing in %s", ErrBadSignature, st)
		}
		hh := h.New()
		hh.Write(digest)
		if subtle.ConstantTimeCompare(hh.Sum(nil), md) != 1 {
			return fmt.Errorf("%w: messageDigest does not match the signed content in %s", ErrBadSignature, st)
		}
		// The signature covers the attributes DER-encoded as a SET OF:
		// the same bytes with the [0] IMPLICIT tag replaced by SET.
		signed = append([]byte{0x31}, si.authRaw[1:]...)
	}
	if cert == nil {
		return fmt.Errorf("%w in %s", ErrNoSignerCert, st)
	}
	return verifySignature(cert.PublicKey, h, si.sigAlg.oid, signed, si.signature, st)
}

// verifySignature checks sig over signed with pub. RSA PKCS#1 v1.5, ECDSA
// and Ed25519 are supported; RSA-PSS and DSA are not.
//
// x509.Certificate.CheckSignature is not used: it wants an
// x509.SignatureAlgorithm, but a SignerInfo names the digest and the key
// algorithm separately (often plain rsaEncryption), and it rejects the MD5
// that legacy Authenticode signers used.
func verifySignature(pub crypto.PublicKey, h crypto.Hash, sigAlg asn1.ObjectIdentifier, signed, sig []byte, st string) error {
	if sigAlg.Equal(oidRSAPSS) || sigAlg.Equal(oidDSA) || sigAlg.Equal(oidDSAWithSHA1) {
		return formatErr(ErrUnsupported, -1, st, "signature algorithm %s", sigAlg)
	}
	hh := h.New()
	hh.Write(signed)
	d := hh.Sum(nil)
	var err error
	switch k := pub.(type) {
	case *rsa.PublicKey:
		err = rsa.VerifyPKCS1v15(k, h, d, sig)
	case *ecdsa.PublicKey:
		if !ecdsa.VerifyASN1(k, d, sig) {
			err = errors.New("ecdsa verification error")
		}
	case ed25519.PublicKey:
		if !ed25519.Verify(k, signed, sig) {
			err = errors.New("ed25519 verification error")
		}
	default:
		return formatErr(ErrUnsupported, -1, st, "public key type %T", pub)
	}
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrBadSignature, st, err)
	}
	return nil
}
