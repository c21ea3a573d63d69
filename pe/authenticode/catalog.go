package authenticode

import (
	"crypto"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Catalog is a Windows catalog file (.cat): a PKCS#7 SignedData whose
// content is a certificate trust list (CTL, 1.3.6.1.4.1.311.10.1) of member
// files identified by their authentihash. Windows system files such as
// alg.exe carry no embedded signature; a catalog in CatRoot lists them.
//
// A file is catalog-signed when its authentihash (SHA-1 for
// catalogListMember catalogs, SHA-256 for catalogListMember_v2) is one of
// the members ([Catalog.Contains]) and the catalog verifies
// ([Catalog.Verify]).
type Catalog struct {
	Version        int      // CTL version (0 is v1)
	SubjectUsage   []string // OIDs; 1.3.6.1.4.1.311.12.1.1 ("catalog list") for catalogs
	ListIdentifier []byte   // usually a GUID-like tag chosen by makecat
	SequenceNumber string   // lower-case hex, "" when absent
	ThisUpdate     time.Time
	NextUpdate     time.Time // zero when absent

	// MemberAlgorithm is the subjectAlgorithm OID: 1.3.6.1.4.1.311.12.1.2
	// (catalogListMember, SHA-1) or 1.3.6.1.4.1.311.12.1.3
	// (catalogListMember_v2, SHA-256). Hash is the member hash it implies.
	MemberAlgorithm string
	Hash            crypto.Hash

	// Members lists the catalog's entries in file order.
	Members []CatalogMember

	// Attributes lists the catalog-wide name/value pairs (CTL extensions
	// of type CAT_NAMEVALUE, e.g. "OS" = "_v100_X64").
	Attributes []NameValue

	// Signer is the catalog's signer and the check of its signature: the
	// messageDigest covers the whole CTL, so any change to a member makes
	// SignatureValid false.
	Signer Signer

	// Certificates lists the certificates carried in the SignedData.
	Certificates []Certificate

	// Errors lists problems that did not stop decoding; ParseCatalog
	// returns them joined.
	Errors []error

	sd    *signedData
	index map[string]int // lower-case hex digest → Members index
}

// CatalogMember is one entry of a catalog (a CTL TrustedSubject).
type CatalogMember struct {
	// Identifier is the raw subjectIdentifier and Tag its text: makecat
	// stores the member's hash as an upper-case hex string in UTF-16LE,
	// or a file name for members tagged by name. Tag is the lower-case
	// hex of Identifier when it is not such text.
	Identifier []byte
	Tag        string

	// Digest is the member's authentihash (or flat-file hash) from its
	// SpcIndirectDataContent attribute; when that attribute is missing,
	// the hash spelled by the Tag. DigestHex is Digest in lower-case hex.
	Digest          []byte
	DigestHex       string
	DigestAlgorithm string      // "sha1", "sha256", …
	Hash            crypto.Hash // 0 when unknown

	// DataType is the SpcIndirectDataContent data type:
	// 1.3.6.1.4.1.311.2.1.15 (PE image) or 1.3.6.1.4.1.311.2.1.25 (flat
	// file hashed whole).
	DataType string

	// FileName is the "File" name/value attribute, when present.
	FileName string

	// MemberInfo is the CAT_MEMBERINFO subject GUID (the SIP that hashed
	// the file), when present.
	MemberInfo string

	// Attributes lists every CAT_NAMEVALUE attribute of the member, e.g.
	// File and OSAttr.
	Attributes []NameValue
}

// NameValue is a CAT_NAMEVALUE pair (1.3.6.1.4.1.311.12.2.1).
type NameValue struct {
	Name  string
	Flags uint32
	Value string
}

// ParseCatalog decodes the catalog file b and checks its signer's
// signature over the CTL. It returns an error wrapping [ErrMalformed] when
// b is not a SignedData holding a CTL; when only parts fail (a member, a
// certificate), it returns the Catalog with the rest together with those
// errors joined. Trust needs [Catalog.Verify]. ParseCatalog keeps
// sub-slices of b: do not modify b while the Catalog is in use.
func ParseCatalog(b []byte) (*Catalog, error) {
	const st = "catalog"
	if len(b) > MaxCatalogSize {
		return nil, formatErr(ErrLimit, -1, st, "%d bytes, more than %d", len(b), MaxCatalogSize)
	}
	norm, err := normalize(b, st)
	if err != nil {
		return nil, err
	}
	sd, err := parseSignedData(norm, st)
	if err != nil {
		return nil, err
	}
	if !sd.contentType.Equal(oidCTL) {
		return nil, derErr(st, "content type %s is not a certificate trust list", oidText(sd.contentType))
	}
	c := &Catalog{sd: sd, Certificates: sd.certs, index: map[string]int{}}
	c.Errors = append(c.Errors, sd.errs...)
	if err := c.parseCTL(sd.content); err != nil {
		return nil, err
	}
	if len(sd.signers) != 1 {
		c.Errors = append(c.Errors, derErr(st, "%d SignerInfos, want 1", len(sd.signers)))
	}
	if len(sd.signers) == 0 { // parseSignedData refuses this today; do not rely on it
		return nil, errors.Join(c.Errors...)
	}
	var errs []error
	c.Signer, errs = newSigner(sd, &sd.signers[0], st+" SignerInfo")
	c.Errors = append(c.Errors, errs...)
	return c, errors.Join(c.Errors...)
}

// parseCTL decodes
//
//	CertificateTrustList ::= SEQUENCE {
//	  version INTEGER DEFAULT v1, subjectUsage SEQUENCE OF OID,
//	  listIdentifier OCTET STRING OPTIONAL, sequenceNumber INTEGER OPTIONAL,
//	  ctlThisUpdate Time, ctlNextUpdate Time OPTIONAL,
//	  subjectAlgorithm AlgorithmIdentifier,
//	  trustedSubjects SEQUENCE OF TrustedSubject OPTIONAL,
//	  ctlExtensions [0] EXPLICIT Extensions OPTIONAL }
func (c *Catalog) parseCTL(content []byte) error {
	const st = "CertificateTrustList"
	s := cryptobyte.String(content)
	var body, usage cryptobyte.String
	if !s.ReadASN1(&body, cbasn1.SEQUENCE) {
		return derErr(st, "bad structure")
	}
	var version int64
	if body.PeekASN1Tag(cbasn1.INTEGER) && !body.ReadASN1Integer(&version) {
		return derErr(st, "bad version")
	}
	c.Version = int(version)
	if !body.ReadASN1(&usage, cbasn1.SEQUENCE) {
		return derErr(st, "bad subjectUsage")
	}
	for !usage.Empty() {
		var oid asn1.ObjectIdentifier
		if !usage.ReadASN1ObjectIdentifier(&oid) || len(c.SubjectUsage) >= MaxAttributes {
			return derErr(st, "bad subjectUsage")
		}
		c.SubjectUsage = append(c.SubjectUsage, oid.String())
	}
	if body.PeekASN1Tag(cbasn1.OCTET_STRING) && !body.ReadASN1Bytes(&c.ListIdentifier, cbasn1.OCTET_STRING) {
		return derErr(st, "bad listIdentifier")
	}
	if body.PeekASN1Tag(cbasn1.INTEGER) {
		var seq []byte
		if !readIntegerBytes(&body, &seq) {
			return derErr(st, "bad sequenceNumber")
		}
		c.SequenceNumber = serialHex(seq)
	}
	if !readTime(&body, &c.ThisUpdate) {
		return derErr(st, "bad ctlThisUpdate")
	}
	if (body.PeekASN1Tag(cbasn1.UTCTime) || body.PeekASN1Tag(cbasn1.GeneralizedTime)) && !readTime(&body, &c.NextUpdate) {
		return derErr(st, "bad ctlNextUpdate")
	}
	var alg algorithmIdentifier
	if !readAlgorithm(&body, &alg) {
		return derErr(st, "bad subjectAlgorithm")
	}
	c.MemberAlgorithm = alg.oid.String()
	switch {
	case alg.oid.Equal(oidCatalogMember):
		c.Hash = crypto.SHA1
	case alg.oid.Equal(oidCatalogMemberV2):
		c.Hash = crypto.SHA256
	default:
		c.Hash = hashForOID(alg.oid)
	}
	if body.PeekASN1Tag(cbasn1.SEQUENCE) {
		var subjects cryptobyte.String
		if !body.ReadASN1(&subjects, cbasn1.SEQUENCE) {
			return derErr(st, "bad trustedSubjects")
		}
		for !subjects.Empty() {
			if len(c.Members) >= MaxCatalogMembers {
				c.Errors = append(c.Errors, formatErr(ErrLimit, -1, st, "more than %d members", MaxCatalogMembers))
				break
			}
			var subj cryptobyte.String
			if !subjects.ReadASN1(&subj, cbasn1.SEQUENCE) {
				c.Errors = append(c.Errors, derErr(st, "bad TrustedSubject %d", len(c.Members)))
				break
			}
			m, err := c.parseMember(subj)
			if err != nil {
				c.Errors = append(c.Errors, fmt.Errorf("member %d: %w", len(c.Members), err))
			}
			if m.Digest != nil {
				if _, dup := c.index[m.DigestHex]; !dup {
					c.index[m.DigestHex] = len(c.Members)
				}
			}
			c.Members = append(c.Members, m)
		}
	}
	var ext cryptobyte.String
	var present bool
	if !body.ReadOptionalASN1(&ext, &present, cbasn1.Tag(0).ContextSpecific().Constructed()) {
		return derErr(st, "bad ctlExtensions")
	}
	if present {
		c.parseExtensions(ext)
	}
	return nil
}

// parseExtensions reads the CAT_NAMEVALUE extensions; others are ignored.
func (c *Catalog) parseExtensions(ext cryptobyte.String) {
	const st = "ctlExtensions"
	var list cryptobyte.String
	if !ext.ReadASN1(&list, cbasn1.SEQUENCE) {
		c.Errors = append(c.Errors, derErr(st, "bad structure"))
		return
	}
	for !list.Empty() {
		var e cryptobyte.String
		var oid asn1.ObjectIdentifier
		var val []byte
		if !list.ReadASN1(&e, cbasn1.SEQUENCE) || !e.ReadASN1ObjectIdentifier(&oid) ||
			!e.SkipOptionalASN1(cbasn1.BOOLEAN) || !e.ReadASN1Bytes(&val, cbasn1.OCTET_STRING) {
			c.Errors = append(c.Errors, derErr(st, "bad extension"))
			return
		}
		if !oid.Equal(oidCatNameValue) {
			continue
		}
		if len(c.Attributes) >= MaxAttributes {
			c.Errors = append(c.Errors, formatErr(ErrLimit, -1, st, "more than %d name/value pairs", MaxAttributes))
			return
		}
		nv, ok := parseNameValue(val)
		if !ok {
			c.Errors = append(c.Errors, derErr(st, "bad CAT_NAMEVALUE"))
			continue
		}
		c.Attributes = append(c.Attributes, nv)
	}
}

// parseMember decodes TrustedSubject ::= SEQUENCE { subjectIdentifier OCTET
// STRING, subjectAttributes SET OF Attribute OPTIONAL }.
func (c *Catalog) parseMember(subj cryptobyte.String) (CatalogMember, error) {
	const st = "TrustedSubject"
	var m CatalogMember
	if !subj.ReadASN1Bytes(&m.Identifier, cbasn1.OCTET_STRING) {
		return m, derErr(st, "bad subjectIdentifier")
	}
	m.Tag = identifierText(m.Identifier)
	var err error
	if subj.PeekASN1Tag(cbasn1.SET) {
		var set cryptobyte.String
		if !subj.ReadASN1(&set, cbasn1.SET) {
			err = derErr(st, "bad subjectAttributes")
		}
		attrs, aerr := parseAttributes(set, st+" attributes")
		if aerr != nil {
			err = aerr
		}
		for _, a := range attrs {
			if len(a.values) == 0 {
				continue
			}
			v := a.values[0]
			switch {
			case a.oid.Equal(oidSpcIndirectData):
				dataType, alg, digest, derr := parseIndirectData(v)
				if derr != nil {
					err = errors.Join(err, derr)
					continue
				}
				m.DataType = oidText(dataType)
				m.Hash = hashForOID(alg.oid)
				m.DigestAlgorithm = hashName(m.Hash, alg.oid)
				m.Digest = digest
			case a.oid.Equal(oidCatNameValue):
				for _, v := range a.values {
					if nv, ok := parseNameValue(v); ok {
						m.Attributes = append(m.Attributes, nv)
						if strings.EqualFold(nv.Name, "File") && m.FileName == "" {
							m.FileName = nv.Value
						}
					}
				}
			case a.oid.Equal(oidCatMemberInfo):
				s := cryptobyte.String(v)
				var body, guid cryptobyte.String
				if s.ReadASN1(&body, cbasn1.SEQUENCE) && body.ReadASN1(&guid, cbasn1.Tag(30)) {
					m.MemberInfo = decodeBMP(guid)
				}
			}
		}
	}
	if m.Digest == nil {
		// No indirect data: the identifier itself names the hash.
		if d, derr := hex.DecodeString(m.Tag); derr == nil && c.Hash != 0 && len(d) == c.Hash.Size() {
			m.Digest, m.Hash = d, c.Hash
		} else if c.Hash != 0 && len(m.Identifier) == c.Hash.Size() {
			m.Digest, m.Hash = m.Identifier, c.Hash
		}
		if m.Hash != 0 {
			m.DigestAlgorithm = hashName(m.Hash, nil)
		}
	}
	if m.Digest != nil {
		m.DigestHex = hex.EncodeToString(m.Digest)
	}
	return m, err
}

// identifierText returns the subjectIdentifier as text when it is
// UTF-16LE printable text (makecat's hex tags, file names), else as
// lower-case hex.
func identifierText(id []byte) string {
	if len(id) >= 2 && len(id)%2 == 0 {
		s := decodeUTF16LE(id)
		ok := s != ""
		for _, r := range s {
			if r > 0xff || !unicode.IsPrint(r) {
				ok = false
				break
			}
		}
		if ok {
			if _, err := hex.DecodeString(s); err == nil {
				return strings.ToLower(s)
			}
			return s
		}
	}
	return hex.EncodeToString(id)
}

// parseNameValue decodes CAT_NAMEVALUE ::= SEQUENCE { tag BMPString,
// flags INTEGER, value OCTET STRING (UTF-16LE) }.
func parseNameValue(der []byte) (NameValue, bool) {
	s := cryptobyte.String(der)
	var body, name cryptobyte.String
	var flags int64
	var val []byte
	if !s.ReadASN1(&body, cbasn1.SEQUENCE) || !body.ReadASN1(&name, cbasn1.Tag(30)) ||
		!body.ReadASN1Integer(&flags) || !body.ReadASN1Bytes(&val, cbasn1.OCTET_STRING) {
		return NameValue{}, false
	}
	return NameValue{Name: decodeBMP(name), Flags: uint32(flags), Value: decodeUTF16LE(val)}, true
}

// Contains reports whether authentihash is the digest of one of the
// catalog's members. Pass the SHA-1 authentihash for a SHA-1 catalog and
// the SHA-256 one for a v2 catalog (see Catalog.Hash). Membership says
// nothing about trust: check [Catalog.Verify] too. Contains is a map
// lookup, safe for concurrent use.
func (c *Catalog) Contains(authentihash []byte) bool {
	_, ok := c.Lookup(authentihash)
	return ok
}

// Lookup returns the first member whose digest is authentihash.
func (c *Catalog) Lookup(authentihash []byte) (*CatalogMember, bool) {
	if c == nil || len(authentihash) == 0 {
		return nil, false
	}
	i, ok := c.index[hex.EncodeToString(authentihash)]
	if !ok {
		return nil, false
	}
	return &c.Members[i], true
}

// Verify checks the catalog's signature and chains its signer certificate
// to opts.Roots for code signing, as [Signature.Verify] does for a PE
// signature (timestamps included). It returns a nil error exactly when
// Verification.Verified is true.
func (c *Catalog) Verify(opts VerifyOptions) (*Verification, error) {
	if c == nil || c.sd == nil {
		return &Verification{}, fmt.Errorf("%w: Catalog not made by ParseCatalog", ErrMalformed)
	}
	v := verifySigner(&c.Signer, c.sd.certs, opts, nil)
	if v.Verified {
		return &v, nil
	}
	return &v, errors.Join(v.Errors...)
}
