package authenticode

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"time"
)

// Certificate describes one certificate carried in a SignedData.
type Certificate struct {
	Subject   string    // RFC 2253 form, e.g. "CN=…,O=…,C=ZZ"
	Issuer    string    // RFC 2253 form
	Serial    string    // lower-case hex of the serial number's bytes
	NotBefore time.Time // UTC
	NotAfter  time.Time // UTC
	SHA1      string    // thumbprint: lower-case hex SHA-1 of the DER
	SHA256    string    // thumbprint: lower-case hex SHA-256 of the DER

	// X509 is the parsed certificate; nil when crypto/x509 rejected the
	// DER (the thumbprints are still set, and the parse error is among the
	// signature's errors).
	X509 *x509.Certificate `json:"-"`
}

// newCertificate describes the DER certificate der, parsing it with
// crypto/x509.
func newCertificate(der []byte) (Certificate, error) {
	s1 := sha1.Sum(der)
	s2 := sha256.Sum256(der)
	c := Certificate{SHA1: hex.EncodeToString(s1[:]), SHA256: hex.EncodeToString(s2[:])}
	x, err := x509.ParseCertificate(der)
	if err != nil {
		return c, formatErr(ErrMalformed, -1, "Certificate", "sha256 %s: %v", c.SHA256, err)
	}
	c.X509 = x
	c.Subject = x.Subject.String()
	c.Issuer = x.Issuer.String()
	if x.SerialNumber != nil && x.SerialNumber.Sign() >= 0 {
		c.Serial = hex.EncodeToString(x.SerialNumber.Bytes())
		if c.Serial == "" {
			c.Serial = "00"
		}
	}
	c.NotBefore = x.NotBefore.UTC()
	c.NotAfter = x.NotAfter.UTC()
	return c, nil
}

// x509Cert returns c's parsed certificate; nil when c is nil or
// crypto/x509 rejected it.
func (c *Certificate) x509Cert() *x509.Certificate {
	if c == nil {
		return nil
	}
	return c.X509
}

// nameString decodes a DER Name (RDNSequence) to its RFC 2253 string. It
// returns "" when the bytes are not a Name.
func nameString(der []byte) string {
	var rdn pkix.RDNSequence
	rest, err := asn1.Unmarshal(der, &rdn)
	if err != nil || len(rest) != 0 {
		return ""
	}
	var n pkix.Name
	n.FillFromRDNSequence(&rdn)
	return n.String()
}

// hasLifetimeSigning reports whether c has the Microsoft "lifetime signing"
// EKU (1.3.6.1.4.1.311.10.3.13): its signatures expire with it, whatever
// their timestamp says.
func hasLifetimeSigning(c *x509.Certificate) bool {
	for _, u := range c.UnknownExtKeyUsage {
		if u.Equal(oidLifetimeSigning) {
			return true
		}
	}
	return false
}
