// Package roots holds filerep's default Authenticode trust anchors: the
// root certificates that Windows code-signing and time-stamping chains end
// in, embedded in the binary and versioned ([BundleVersion]).
//
// Each root is a row of a table ([Table]): its name, the purposes it is
// trusted for ([CodeSigning], [TimeStamping] or both, as Windows trusts
// it), its SHA-256 and SHA-1 fingerprints, and the source it was taken
// from together with the second, independent source its fingerprint was
// checked against. The certificates themselves are in roots.pem, embedded
// with go:embed; a test pins every fingerprint.
//
// The list holds Microsoft's product roots (1997, 2001, 2010, 2011), the
// roots of the public CAs that sell code-signing certificates (DigiCert,
// Sectigo/Comodo/USERTrust, GlobalSign, Entrust, SSL.com, Certum,
// GoDaddy/Starfield) and the roots time-stamping chains end in (Thawte
// Timestamping CA for the Symantec/VeriSign service, and the CAs above).
// README.md says where each comes from, which wanted roots are not in it
// yet, and how to refresh it (refresh.go regenerates roots.pem from the
// sources a maintainer has).
//
// Nothing here reads the host's certificate store or the network.
// [Default] parses the bundle once; the [Bundle] it returns is immutable
// and safe for concurrent use, and hands out fresh pools and slices.
// [Bundle.VerifyOptions] turns it into [authenticode.VerifyOptions]:
//
//	res, err := sig.Verify(roots.Default().VerifyOptions())
package roots

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	_ "embed"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/filerep/filerep/pe/authenticode"
)

// Purpose is a set of uses a root is trusted for. Windows enables each
// root for some purposes only; a chain is accepted for a use only when it
// ends in a root trusted for it.
type Purpose uint8

// Purposes.
const (
	// CodeSigning: the root anchors signer chains (EKU 1.3.6.1.5.5.7.3.3).
	CodeSigning Purpose = 1 << iota
	// TimeStamping: the root anchors time-stamping chains (EKU
	// 1.3.6.1.5.5.7.3.8).
	TimeStamping
	// UEFI: a UEFI Secure Boot db authority. UEFI firmware trusts the
	// certificates of its db directly, self-signed or not, for the
	// images it boots; such an anchor is used for EFI images only
	// ([Bundle.UEFIVerifyOptions]), never for Windows programs.
	UEFI
)

// Has reports whether p includes every purpose of q.
func (p Purpose) Has(q Purpose) bool { return q != 0 && p&q == q }

// String names the purposes: "code-signing", "time-stamping",
// "code-signing+time-stamping", "uefi", or "none".
func (p Purpose) String() string {
	var s []string
	if p.Has(CodeSigning) {
		s = append(s, "code-signing")
	}
	if p.Has(TimeStamping) {
		s = append(s, "time-stamping")
	}
	if p.Has(UEFI) {
		s = append(s, "uefi")
	}
	if rest := p &^ (CodeSigning | TimeStamping | UEFI); rest != 0 {
		s = append(s, fmt.Sprintf("0x%02x", uint8(rest)))
	}
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, "+")
}

// Row is one root of the table: what it is, what it is trusted for, its
// identity and where it comes from.
type Row struct {
	Name     string  // the root's usual name
	Purposes Purpose // what Windows trusts it for
	SHA256   string  // lower-case hex SHA-256 of the DER certificate
	SHA1     string  // lower-case hex SHA-1 (the thumbprint Windows shows)

	// Source says where the certificate was taken from and which second,
	// independent source its fingerprint was checked against.
	Source string
}

// Anchor is a row of the table with its parsed certificate.
type Anchor struct {
	Row

	// Certificate is the parsed root. It is shared: do not modify it.
	Certificate *x509.Certificate
}

// Table returns a copy of the table of roots, in bundle order. It does
// not parse the certificates; refresh.go uses it to pick them.
func Table() []Row { return append([]Row(nil), table...) }

// Bundle is a parsed set of trust anchors. It is immutable: its methods
// return copies, and it is safe for concurrent use.
type Bundle struct {
	version string
	anchors []Anchor
}

//go:embed roots.pem
var bundlePEM []byte

// Default returns the embedded bundle, parsed on first use. It panics only
// if the embedded data disagrees with the table, which the package's tests
// rule out.
var Default = sync.OnceValue(func() *Bundle {
	b, err := Load(BundleVersion, bundlePEM, table)
	if err != nil {
		panic(err)
	}
	return b
})

// ErrBundle means a PEM bundle does not match its table: a certificate
// that does not parse, one no row names, a row without its certificate,
// or a SHA-1 that disagrees.
var ErrBundle = errors.New("roots: bundle does not match its table")

// Load parses a PEM bundle against a table of rows, matching certificates
// to rows by SHA-256, and returns the bundle in table order. Every
// certificate must be named by a row and every row must have its
// certificate; otherwise the error wraps [ErrBundle]. Use it for a bundle
// of one's own; [Default] is the embedded one.
func Load(version string, pemData []byte, rows []Row) (*Bundle, error) {
	byHash := make(map[string]*x509.Certificate)
	for rest := pemData; ; {
		var blk *pem.Block
		blk, rest = pem.Decode(rest)
		if blk == nil {
			break
		}
		if blk.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrBundle, err)
		}
		h := sha256.Sum256(c.Raw)
		byHash[hex.EncodeToString(h[:])] = c
	}
	b := &Bundle{version: version}
	for _, r := range rows {
		c, ok := byHash[r.SHA256]
		if !ok {
			return nil, fmt.Errorf("%w: no certificate for %s (sha256 %s)", ErrBundle, r.Name, r.SHA256)
		}
		delete(byHash, r.SHA256)
		if s1 := sha1.Sum(c.Raw); hex.EncodeToString(s1[:]) != r.SHA1 {
			return nil, fmt.Errorf("%w: %s has SHA-1 %x, the table says %s", ErrBundle, r.Name, s1, r.SHA1)
		}
		b.anchors = append(b.anchors, Anchor{Row: r, Certificate: c})
	}
	for h, c := range byHash {
		return nil, fmt.Errorf("%w: %s (sha256 %s) is in no row", ErrBundle, c.Subject, h)
	}
	return b, nil
}

// Version returns the bundle's version ([BundleVersion] for [Default]).
func (b *Bundle) Version() string { return b.version }

// Anchors returns the bundle's roots in table order (a copy of the list;
// the certificates are shared).
func (b *Bundle) Anchors() []Anchor { return append([]Anchor(nil), b.anchors...) }

// Certificates returns the roots trusted for every purpose in p, in table
// order.
func (b *Bundle) Certificates(p Purpose) []*x509.Certificate {
	var out []*x509.Certificate
	for _, a := range b.anchors {
		if a.Purposes.Has(p) {
			out = append(out, a.Certificate)
		}
	}
	return out
}

// Pool returns a new pool of the roots trusted for every purpose in p.
// The caller owns it.
func (b *Bundle) Pool(p Purpose) *x509.CertPool {
	pool := x509.NewCertPool()
	for _, c := range b.Certificates(p) {
		pool.AddCert(c)
	}
	return pool
}

// VerifyOptions returns verification options that trust the bundle: the
// code-signing roots for signer chains, the time-stamping roots for
// timestamp chains, each also as legacy roots for chains crypto/x509
// refuses because of SHA-1. Signer chains are checked at the time of a
// trusted timestamp (AtSigningTime), as Windows does. Set CurrentTime or
// Intermediates on the result as needed.
func (b *Bundle) VerifyOptions() authenticode.VerifyOptions {
	return authenticode.VerifyOptions{
		Roots:                b.Pool(CodeSigning),
		LegacyRoots:          b.Certificates(CodeSigning),
		TimestampRoots:       b.Pool(TimeStamping),
		TimestampLegacyRoots: b.Certificates(TimeStamping),
		AtSigningTime:        true,
	}
}

// UEFIVerifyOptions is [Bundle.VerifyOptions] for EFI images: signer
// chains may also end in the bundle's UEFI db authorities, as they do in
// firmware (shim is signed under Microsoft Corporation UEFI CA 2011).
func (b *Bundle) UEFIVerifyOptions() authenticode.VerifyOptions {
	o := b.VerifyOptions()
	pool := x509.NewCertPool()
	var certs []*x509.Certificate
	for _, a := range b.anchors {
		if a.Purposes.Has(CodeSigning) || a.Purposes.Has(UEFI) {
			pool.AddCert(a.Certificate)
			certs = append(certs, a.Certificate)
		}
	}
	o.Roots, o.LegacyRoots = pool, certs
	return o
}
