package authenticode

import (
	"bytes"
	"crypto"
	"encoding/asn1"
	"errors"
	"fmt"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// TimeSource says where a signing time comes from.
type TimeSource string

// Signing time sources.
const (
	// TimeSourceRFC3161 is an RFC 3161 time-stamp token in unauthenticated
	// attribute 1.3.6.1.4.1.311.3.3.1; the time is its TSTInfo genTime.
	TimeSourceRFC3161 TimeSource = "rfc3161"
	// TimeSourcePKCS9 is a legacy PKCS#9 countersignature (attribute
	// 1.2.840.113549.1.9.6); the time is its signingTime attribute.
	TimeSourcePKCS9 TimeSource = "pkcs9"
)

// Signature is what the certificate table of a PE file holds. Parse
// returns it; [Signature.Verify] checks it against caller-supplied roots.
type Signature struct {
	// Signed is true when the certificate table has at least one
	// WIN_CERTIFICATE of type WIN_CERT_TYPE_PKCS_SIGNED_DATA, whether or
	// not it decodes. A file with no table, or only other entry types, is
	// not signed (it may still be catalog-signed: see [Catalog]).
	Signed bool

	// Entries lists the WIN_CERTIFICATE entries in table order.
	Entries []WinCertificate

	// DataAfterTable counts the bytes of the file after the certificate
	// table. Signing tools put the table last; bytes after it are hashed
	// (see [Authentihash]), so appending data after signing breaks the
	// digest, but a file signed that way keeps them.
	DataAfterTable int64

	// Signatures lists every decoded signature: each PKCS#7 entry's
	// signature followed by those nested in it, depth first. The first
	// one (Entry 0, Depth 0 in a normal file) is the primary signature,
	// the one Windows checks.
	Signatures []SignatureInfo

	// Errors lists every problem met while decoding, each wrapping a
	// sentinel. Parse returns them joined.
	Errors []error

	entryErr []error // per entry: a header problem that fails verification
}

// SignatureInfo is one Authenticode signature: a PKCS#7 SignedData whose
// content is an SpcIndirectDataContent holding the file digest.
type SignatureInfo struct {
	Entry  int // index of the WIN_CERTIFICATE in Signature.Entries
	Depth  int // 0 for a table entry's own signature, 1 for one nested in it, …
	Parent int // index in Signature.Signatures of the enclosing signature, -1 at depth 0

	// DataType is the SpcIndirectDataContent data type, e.g.
	// 1.3.6.1.4.1.311.2.1.15 (SPC_PE_IMAGE_DATA) for PE files.
	DataType string

	// DigestAlgorithm names the algorithm of FileDigest ("sha256", "sha1",
	// …; a dotted OID when unknown) and Hash is it as a crypto.Hash (0
	// when unknown).
	DigestAlgorithm string
	Hash            crypto.Hash

	// FileDigest is the authentihash embedded (and signed) in the
	// signature. ComputedDigest is the authentihash of the file with the
	// same algorithm, and DigestMatches reports whether they are equal:
	// the file's integrity. A tampered file has DigestMatches false.
	FileDigest     []byte
	ComputedDigest []byte
	DigestMatches  bool

	// Signer is the signer and the check of its signature.
	Signer Signer

	// ProgramName and MoreInfoURL come from the SpcSpOpusInfo
	// authenticated attribute (1.3.6.1.4.1.311.2.1.12), as signtool /d
	// and /du set them.
	ProgramName string
	MoreInfoURL string

	// Certificates lists the certificates carried in the SignedData, in
	// their order there.
	Certificates []Certificate

	// Errors lists the problems of this signature (also in
	// Signature.Errors).
	Errors []error

	sd *signedData
}

// Signer describes a SignerInfo: who signed, and whether the signature over
// its authenticated attributes holds.
type Signer struct {
	// Subject is the signer certificate's subject ("" when the certificate
	// is not carried). Issuer and Serial come from the SignerInfo itself
	// (issuerAndSerialNumber), so they are set even then; Serial is
	// lower-case hex.
	Subject string
	Issuer  string
	Serial  string

	// Certificate is the signer's certificate, nil when not found.
	Certificate *Certificate

	// DigestAlgorithm is the SignerInfo's digest algorithm ("sha256", …).
	DigestAlgorithm string

	// SignatureValid is true when the contentType and messageDigest
	// authenticated attributes match the signed content and the signature
	// over the attributes verifies with the signer certificate's key.
	// SignatureError says why not. This is integrity of the signature
	// only; trust needs Verify.
	SignatureValid bool
	SignatureError error

	// ClaimedSigningTime is the signingTime authenticated attribute, when
	// present. The signer chose it; nothing vouches for it.
	ClaimedSigningTime time.Time

	// SigningTime is the time of the first valid countersignature (see
	// Countersignatures) and SigningTimeSource its kind; both are zero
	// when there is no valid timestamp.
	SigningTime       time.Time
	SigningTimeSource TimeSource

	// Countersignatures lists the timestamps found, valid or not.
	Countersignatures []Countersignature
}

// Countersignature is a timestamp over a signer's signature: a legacy
// PKCS#9 countersignature or an RFC 3161 time-stamp token.
type Countersignature struct {
	Kind TimeSource
	Time time.Time // genTime (RFC 3161) or signingTime (PKCS#9), UTC

	// Subject, Issuer and Serial identify the time-stamping signer, as in
	// [Signer]; Certificate is its certificate, nil when not found.
	Subject     string
	Issuer      string
	Serial      string
	Certificate *Certificate

	DigestAlgorithm string // of the countersignature's SignerInfo

	// Valid is true when the timestamp covers this signer's signature (the
	// message imprint or messageDigest matches it) and the time-stamping
	// signer's own signature verifies. Error says why not. Whether the
	// time-stamping certificate is trusted is decided by Verify.
	Valid bool
	Error error

	// Certificates lists the certificates carried in an RFC 3161 token.
	// (A PKCS#9 countersigner's certificate is among the signature's.)
	Certificates []Certificate

	pool []Certificate // certificates usable to build its chain
}

// Parse decodes the Authenticode signatures of the PE file b, whose header
// values l gives, and checks each one's integrity: the embedded file digest
// against the file's authentihash, and each signer's signature against its
// certificate. It decodes nested signatures and countersignatures.
//
// Parse returns [ErrNotSigned] when l has no certificate table or the
// table holds no PKCS#7 entry. Otherwise it returns the Signature with
// everything that could be decoded and, when something could not, an error
// joining Signature.Errors; test it with errors.Is against the sentinels.
// A check that ran and failed (DigestMatches or SignatureValid false, an
// invalid timestamp) is not an error here: [Signature.Verify] turns it into
// one. The Signature is never nil.
//
// Parse keeps sub-slices of b: do not modify b while the result is in use.
// It computes one authentihash per digest algorithm used (about a
// millisecond per MiB for SHA-256 with SHA-NI) and is safe for concurrent
// use.
func Parse(b []byte, l Layout) (*Signature, error) {
	sig := &Signature{}
	size, err := l.size(b)
	if err != nil {
		return sig, err
	}
	if !l.HasCertTable() {
		return sig, ErrNotSigned
	}
	b = b[:size]
	t, ok, err := l.certTable(size)
	if err != nil {
		sig.Errors = append(sig.Errors, err)
	}
	if !ok {
		return sig, errors.Join(sig.Errors...)
	}
	sig.DataAfterTable = size - t.end
	if t.end-t.start > MaxCertTableSize {
		sig.Errors = append(sig.Errors, formatErr(ErrLimit, t.start, "certificate table",
			"%d bytes, more than %d decoded", t.end-t.start, MaxCertTableSize))
		t.end = t.start + MaxCertTableSize
	}
	entries, errs := parseCertTable(b[t.start:t.end], t.start)
	sig.Errors = append(sig.Errors, errs...)

	p := parser{sig: sig}
	sig.entryErr = make([]error, len(entries))
	for i, e := range entries {
		sig.entryErr[i] = e.err
		if e.Type == WIN_CERT_TYPE_PKCS_SIGNED_DATA {
			sig.Signed = true
			if e.Revision != WIN_CERT_REVISION_2_0 {
				err := formatErr(ErrMalformed, e.Offset, "WIN_CERTIFICATE",
					"revision 0x%04x, Windows verifies only 0x0200", e.Revision)
				sig.Errors = append(sig.Errors, err)
				sig.entryErr[i] = err
			}
			if e.data != nil {
				e.TrailingBytes = p.decode(e.data, i, 0, -1)
			}
		}
		sig.Entries = append(sig.Entries, e.WinCertificate)
	}
	if !sig.Signed && len(sig.Errors) == 0 {
		return sig, ErrNotSigned
	}
	sig.checkDigests(b, l)
	return sig, errors.Join(sig.Errors...)
}

// checkDigests computes the authentihash once per algorithm used and sets
// ComputedDigest and DigestMatches.
func (sig *Signature) checkDigests(b []byte, l Layout) {
	computed := map[crypto.Hash][]byte{}
	for i := range sig.Signatures {
		s := &sig.Signatures[i]
		if s.FileDigest == nil || s.Hash == 0 || !s.Hash.Available() {
			continue
		}
		d, ok := computed[s.Hash]
		if !ok {
			// An error here concerns the certificate table entry, already
			// reported by Parse; the digest is usable when it is not nil.
			d, _ = Authentihash(b, l, s.Hash.New)
			computed[s.Hash] = d
		}
		s.ComputedDigest = d
		s.DigestMatches = d != nil && bytes.Equal(d, s.FileDigest)
	}
}

// parser collects signatures while walking the table and nested
// signatures.
type parser struct {
	sig *Signature
}

func (p *parser) errorf(info *SignatureInfo, err error) {
	if info != nil {
		info.Errors = append(info.Errors, err)
	}
	p.sig.Errors = append(p.sig.Errors, err)
}

// decode decodes the PKCS#7 ContentInfo at the start of der as a signature
// of table entry entry, and recursively its nested signatures. It returns
// how many bytes follow the DER element in der.
func (p *parser) decode(der []byte, entry, depth, parent int) (trailing int) {
	st := "SignedData"
	if depth > 0 {
		st = fmt.Sprintf("nested SignedData (depth %d)", depth)
	}
	if len(p.sig.Signatures) >= MaxSignatures {
		p.errorf(nil, formatErr(ErrLimit, -1, st, "more than %d signatures", MaxSignatures))
		return 0
	}
	s := cryptobyte.String(der)
	var elem cryptobyte.String
	if s.ReadAnyASN1Element(&elem, nil) {
		trailing = len(s)
	}
	norm, err := normalize(der, st)
	if err != nil {
		p.errorf(nil, err)
		return trailing
	}
	sd, err := parseSignedData(norm, st)
	if err != nil {
		p.errorf(nil, err)
		return trailing
	}
	info := SignatureInfo{Entry: entry, Depth: depth, Parent: parent, Certificates: sd.certs, sd: sd}
	for _, e := range sd.errs {
		p.errorf(&info, e)
	}
	if !sd.contentType.Equal(oidSpcIndirectData) {
		p.errorf(&info, derErr(st, "content type %s is not SpcIndirectDataContent", oidText(sd.contentType)))
	} else if err := info.parseIndirectData(sd.content); err != nil {
		p.errorf(&info, err)
	}
	if len(sd.signers) != 1 {
		p.errorf(&info, derErr(st, "%d SignerInfos, Authenticode allows one", len(sd.signers)))
	}
	si := &sd.signers[0]
	var errs []error
	info.Signer, errs = newSigner(sd, si, st+" SignerInfo")
	for _, e := range errs {
		p.errorf(&info, e)
	}
	info.parseOpusInfo(si)

	idx := len(p.sig.Signatures)
	p.sig.Signatures = append(p.sig.Signatures, info)

	for _, a := range si.unauthAttrs {
		if !a.oid.Equal(oidNestedSignature) {
			continue
		}
		for _, v := range a.values {
			if depth+1 > MaxNestingDepth {
				p.errorf(&p.sig.Signatures[idx], formatErr(ErrLimit, -1, st, "nested signatures deeper than %d", MaxNestingDepth))
				return trailing
			}
			p.decode(v, entry, depth+1, idx)
		}
	}
	return trailing
}

// parseIndirectData decodes SpcIndirectDataContent:
//
//	SEQUENCE { data SEQUENCE { type OID, value ANY OPTIONAL },
//	           messageDigest SEQUENCE { AlgorithmIdentifier, OCTET STRING } }
func (info *SignatureInfo) parseIndirectData(content []byte) error {
	dataType, alg, digest, err := parseIndirectData(content)
	if err != nil {
		return err
	}
	info.DataType = oidText(dataType)
	info.Hash = hashForOID(alg.oid)
	info.DigestAlgorithm = hashName(info.Hash, alg.oid)
	info.FileDigest = digest
	if info.Hash == 0 {
		return formatErr(ErrUnsupported, -1, "SpcIndirectDataContent", "digest algorithm %s", oidText(alg.oid))
	}
	if len(digest) != info.Hash.Size() {
		return derErr("SpcIndirectDataContent", "%s digest of %d bytes", info.DigestAlgorithm, len(digest))
	}
	return nil
}

func parseIndirectData(content []byte) (asn1.ObjectIdentifier, algorithmIdentifier, []byte, error) {
	const st = "SpcIndirectDataContent"
	var alg algorithmIdentifier
	var dataType asn1.ObjectIdentifier
	s := cryptobyte.String(content)
	var body, data, md cryptobyte.String
	var digest []byte
	if !s.ReadASN1(&body, cbasn1.SEQUENCE) || !body.ReadASN1(&data, cbasn1.SEQUENCE) ||
		!data.ReadASN1ObjectIdentifier(&dataType) || !body.ReadASN1(&md, cbasn1.SEQUENCE) ||
		!readAlgorithm(&md, &alg) || !md.ReadASN1Bytes(&digest, cbasn1.OCTET_STRING) {
		return nil, alg, nil, derErr(st, "bad structure")
	}
	return dataType, alg, digest, nil
}

// parseOpusInfo reads SpcSpOpusInfo:
//
//	SEQUENCE { programName [0] EXPLICIT SpcString OPTIONAL,
//	           moreInfo    [1] EXPLICIT SpcLink OPTIONAL }
//	SpcString ::= CHOICE { unicode [0] IMPLICIT BMPString, ascii [1] IMPLICIT IA5String }
//	SpcLink   ::= CHOICE { url [0] IMPLICIT IA5String, moniker [1] …, file [2] EXPLICIT SpcString }
//
// A malformed value is ignored: the name is informational.
func (info *SignatureInfo) parseOpusInfo(si *signerInfo) {
	v, ok, err := singleValue(si.authAttrs, oidSpcSpOpusInfo, "SpcSpOpusInfo")
	if !ok || err != nil {
		return
	}
	s := cryptobyte.String(v)
	var body cryptobyte.String
	if !s.ReadASN1(&body, cbasn1.SEQUENCE) {
		return
	}
	var name, link cryptobyte.String
	var present bool
	if body.ReadOptionalASN1(&name, &present, cbasn1.Tag(0).ContextSpecific().Constructed()) && present {
		info.ProgramName = readSpcString(name)
	}
	if body.ReadOptionalASN1(&link, &present, cbasn1.Tag(1).ContextSpecific().Constructed()) && present {
		var v cryptobyte.String
		var tag cbasn1.Tag
		if link.ReadAnyASN1(&v, &tag) {
			switch tag {
			case cbasn1.Tag(0).ContextSpecific():
				info.MoreInfoURL = string(v)
			case cbasn1.Tag(2).ContextSpecific().Constructed():
				info.MoreInfoURL = readSpcString(v)
			}
		}
	}
}

func readSpcString(s cryptobyte.String) string {
	var v cryptobyte.String
	var tag cbasn1.Tag
	if !s.ReadAnyASN1(&v, &tag) {
		return ""
	}
	switch tag {
	case cbasn1.Tag(0).ContextSpecific():
		return decodeBMP(v)
	case cbasn1.Tag(1).ContextSpecific():
		return string(v)
	}
	return ""
}

// isDecodeError reports whether err means something could not be read or
// checked, as opposed to a check that ran and failed (a bad signature, a
// missing signer certificate): those are results, kept in Signer and
// Countersignature fields, and become errors only in Verify.
func isDecodeError(err error) bool {
	return err != nil && !errors.Is(err, ErrBadSignature) && !errors.Is(err, ErrNoSignerCert)
}

// newSigner describes si of sd and checks its signature over sd's content.
func newSigner(sd *signedData, si *signerInfo, st string) (Signer, []error) {
	errs := append([]error(nil), si.errs...)
	s := Signer{DigestAlgorithm: hashName(si.hash(), si.digestAlg.oid)}
	s.Subject, s.Issuer, s.Serial, s.Certificate = si.identify(sd.certs)
	if sd.content == nil {
		s.SignatureError = derErr(st, "no signed content")
	} else {
		s.SignatureError = si.check(s.Certificate.x509Cert(), sd.digest, sd.contentType, st)
	}
	s.SignatureValid = s.SignatureError == nil
	if isDecodeError(s.SignatureError) {
		errs = append(errs, s.SignatureError)
	}
	if v, ok, _ := singleValue(si.authAttrs, oidSigningTime, st); ok {
		vs := cryptobyte.String(v)
		var t time.Time
		if readTime(&vs, &t) {
			s.ClaimedSigningTime = t
		}
	}
	var cerrs []error
	s.Countersignatures, cerrs = parseCountersignatures(sd, si)
	for _, err := range cerrs {
		if isDecodeError(err) {
			errs = append(errs, err)
		}
	}
	for _, c := range s.Countersignatures {
		if c.Valid {
			s.SigningTime, s.SigningTimeSource = c.Time, c.Kind
			break
		}
	}
	return s, errs
}
