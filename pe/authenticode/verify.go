package authenticode

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"time"
)

// VerifyOptions says what to trust. Trust comes only from Roots: never from
// the system certificate store, and nothing is fetched from the network
// (no AIA chasing, no CRL or OCSP: revocation is not checked).
type VerifyOptions struct {
	// Roots are the trusted root certificates. A nil pool makes every
	// check fail with [ErrNoRoots]; an empty pool trusts nothing.
	Roots *x509.CertPool

	// Intermediates are extra intermediate certificates. The ones carried
	// in the signature are always used as well.
	Intermediates *x509.CertPool

	// CurrentTime is the time the chains are checked at; zero means
	// time.Now().
	CurrentTime time.Time

	// AtSigningTime checks the signer's chain at the time of its trusted
	// timestamp instead of CurrentTime, as Windows does, whenever there is
	// one. Without it the timestamp is still used when the chain fails at
	// CurrentTime (typically an expired certificate), unless the signer
	// certificate has the lifetime-signing EKU 1.3.6.1.4.1.311.10.3.13.
	AtSigningTime bool

	// LegacyRoots are root certificates trusted for chains that
	// crypto/x509 refuses because a certificate in them is signed with
	// SHA-1 (Windows 7-era catalogs and publishers). Only these roots
	// anchor such a chain, which is checked link by link: issuer name,
	// signature, validity at the check time, CA constraints, and the
	// leaf's usage. A CertPool cannot be listed, so the roots are given
	// again here; usually they are the certificates Roots was built from.
	LegacyRoots []*x509.Certificate

	// TimestampRoots are the roots trusted for time stamping: a
	// timestamp's chain must end in one of them and carry the
	// time-stamping EKU. nil means Roots (one pool for both purposes).
	TimestampRoots *x509.CertPool

	// TimestampLegacyRoots are TimestampRoots given again as certificates,
	// for SHA-1 time-stamping chains (see LegacyRoots). nil means
	// LegacyRoots when TimestampRoots is nil too, and none otherwise.
	TimestampLegacyRoots []*x509.Certificate
}

func (o VerifyOptions) now() time.Time {
	if o.CurrentTime.IsZero() {
		return time.Now()
	}
	return o.CurrentTime
}

// Verification is the trust decision for one signer.
type Verification struct {
	// Verified is true when the content digest matches (for PE files, the
	// file's authentihash), the signer's signature is valid, and the
	// signer certificate chains to Roots for code signing at VerifiedAt.
	Verified bool

	// Chain is the chain found, signer certificate first and root last;
	// nil when none was found.
	Chain []*x509.Certificate

	// VerifiedAt is the time the chain was checked at: CurrentTime, or
	// the timestamp's time when UsedTimestamp is true.
	VerifiedAt    time.Time
	UsedTimestamp bool

	// Timestamp is the first valid countersignature whose time-stamping
	// certificate chains to Roots (EKU time stamping, checked at its own
	// time); nil when there is none.
	Timestamp *Countersignature

	// Errors says why Verified is false; it is empty when Verified is
	// true. Warnings lists problems that did not decide the outcome, such
	// as a timestamp that is present but not trusted.
	Errors   []error
	Warnings []error
}

// VerifyResult is the trust decision for a PE file's signatures.
type VerifyResult struct {
	// Verified is true when the primary signature (the first signature of
	// the first PKCS#7 table entry, the one Windows checks) verifies.
	Verified bool

	// Signatures holds one Verification per Signature.Signatures entry,
	// in the same order, nested signatures included.
	Signatures []Verification
}

// Verify checks every signature against opts and reports whether the
// primary one is trusted. It returns a nil error exactly when
// VerifyResult.Verified is true, and otherwise the primary signature's
// errors joined, so errors.Is finds [ErrNotSigned], [ErrNoRoots],
// [ErrDigestMismatch], [ErrBadSignature], [ErrNoSignerCert] or
// [ErrUntrusted]. Verify does not modify s and is safe for concurrent use.
func (s *Signature) Verify(opts VerifyOptions) (*VerifyResult, error) {
	res := &VerifyResult{}
	if !s.Signed {
		return res, ErrNotSigned
	}
	for i := range s.Signatures {
		info := &s.Signatures[i]
		if info.sd == nil {
			return res, fmt.Errorf("%w: Signature not made by Parse", ErrMalformed)
		}
		var pre []error
		if !info.DigestMatches {
			switch {
			case info.FileDigest == nil:
				pre = append(pre, fmt.Errorf("%w: no file digest could be read", ErrDigestMismatch))
			case info.ComputedDigest == nil:
				pre = append(pre, fmt.Errorf("%w: the file's %s authentihash could not be computed", ErrDigestMismatch, info.DigestAlgorithm))
			default:
				pre = append(pre, fmt.Errorf("%w: signed %s %x, file has %x", ErrDigestMismatch, info.DigestAlgorithm, info.FileDigest, info.ComputedDigest))
			}
		}
		if info.Entry < len(s.entryErr) && s.entryErr[info.Entry] != nil {
			pre = append(pre, s.entryErr[info.Entry])
		}
		res.Signatures = append(res.Signatures, verifySigner(&info.Signer, info.sd.certs, opts, pre))
	}
	primary := -1
	first := firstPKCS7(s.Entries)
	for i, info := range s.Signatures {
		if info.Depth == 0 && info.Entry == first {
			primary = i
			break
		}
	}
	if primary < 0 {
		return res, fmt.Errorf("%w: the primary signature could not be decoded", ErrMalformed)
	}
	v := res.Signatures[primary]
	res.Verified = v.Verified
	if res.Verified {
		return res, nil
	}
	return res, errors.Join(v.Errors...)
}

func firstPKCS7(entries []WinCertificate) int {
	for i, e := range entries {
		if e.Type == WIN_CERT_TYPE_PKCS_SIGNED_DATA {
			return i
		}
	}
	return -1
}

// verifySigner decides trust for one signer whose content check gave pre
// (errors already known, e.g. a digest mismatch). certs are the
// certificates carried with the signature.
func verifySigner(sg *Signer, certs []Certificate, opts VerifyOptions, pre []error) Verification {
	v := Verification{VerifiedAt: opts.now(), Errors: pre}
	if opts.Roots == nil {
		v.Errors = append(v.Errors, ErrNoRoots)
		return v
	}
	if !sg.SignatureValid {
		err := sg.SignatureError
		if err == nil {
			err = ErrBadSignature
		}
		v.Errors = append(v.Errors, err)
	}
	leaf := sg.Certificate.x509Cert()
	if leaf == nil {
		if sg.SignatureValid || !errors.Is(sg.SignatureError, ErrNoSignerCert) {
			v.Errors = append(v.Errors, ErrNoSignerCert)
		}
		return v
	}

	// A trusted timestamp: valid, and its signer chains to Roots for time
	// stamping at the time it states.
	for i := range sg.Countersignatures {
		c := &sg.Countersignatures[i]
		if !c.Valid || c.Certificate.x509Cert() == nil {
			continue
		}
		if _, err := buildChain(c.Certificate.X509, c.pool, opts, c.Time, x509.ExtKeyUsageTimeStamping); err != nil {
			v.Warnings = append(v.Warnings, fmt.Errorf("%s timestamp of %s not trusted: %w", c.Kind, c.Time.Format(time.RFC3339), err))
			continue
		}
		v.Timestamp = c
		break
	}
	for _, c := range sg.Countersignatures {
		if c.Error != nil {
			v.Warnings = append(v.Warnings, c.Error)
		}
	}

	// A timestamp later than the time of the check proves nothing, and a
	// lifetime-signing certificate's signatures expire with it.
	at := v.VerifiedAt
	useTS := v.Timestamp != nil && !v.Timestamp.Time.After(at) && !hasLifetimeSigning(leaf)
	if opts.AtSigningTime && useTS {
		at, v.UsedTimestamp = v.Timestamp.Time, true
	}
	chain, err := buildChain(leaf, certs, opts, at, x509.ExtKeyUsageCodeSigning)
	if err != nil && useTS && !v.UsedTimestamp {
		if c2, err2 := buildChain(leaf, certs, opts, v.Timestamp.Time, x509.ExtKeyUsageCodeSigning); err2 == nil {
			chain, err, at, v.UsedTimestamp = c2, nil, v.Timestamp.Time, true
		}
	}
	v.VerifiedAt = at
	if err != nil {
		v.Errors = append(v.Errors, err)
	} else {
		v.Chain = chain
	}
	v.Verified = len(v.Errors) == 0
	return v
}

// buildChain verifies leaf to opts.Roots for usage at time at, using
// opts.Intermediates and the carried certificates as intermediates. It
// returns the first chain found.
func buildChain(leaf *x509.Certificate, carried []Certificate, opts VerifyOptions, at time.Time, usage x509.ExtKeyUsage) ([]*x509.Certificate, error) {
	if opts.Roots == nil { // never fall back to the system store
		return nil, ErrNoRoots
	}
	inter := x509.NewCertPool()
	if opts.Intermediates != nil {
		inter = opts.Intermediates.Clone()
	}
	for _, c := range carried {
		if c.X509 != nil && c.X509 != leaf {
			inter.AddCert(c.X509)
		}
	}
	chains, err := leaf.Verify(x509.VerifyOptions{
		Roots:         opts.Roots,
		Intermediates: inter,
		CurrentTime:   at,
		KeyUsages:     []x509.ExtKeyUsage{usage},
	})
	if err != nil {
		if len(opts.LegacyRoots) > 0 && usesSHA1(leaf, carried) {
			if chain, lerr := legacyChain(leaf, carried, opts.LegacyRoots, at, usage); lerr == nil {
				return chain, nil
			}
		}
		return nil, fmt.Errorf("%w: %w", ErrUntrusted, err)
	}
	return chains[0], nil
}

// maxLegacyDepth bounds a legacy chain: real Authenticode chains have 2–4
// certificates.
const maxLegacyDepth = 6

// legacyChain builds a chain from leaf to one of roots by hand, for chains
// crypto/x509's Verify rejects only because of SHA-1 signatures.
// Certificate.CheckSignature still checks those. Each link: the parent's
// subject is the child's issuer, the parent's key verifies the child's
// signature, the parent is valid at time at and is a CA (roots included);
// the leaf is valid at at and allows usage.
func legacyChain(leaf *x509.Certificate, carried []Certificate, roots []*x509.Certificate, at time.Time, usage x509.ExtKeyUsage) ([]*x509.Certificate, error) {
	if !validAt(leaf, at) {
		return nil, fmt.Errorf("%w: signer certificate not valid at %s", ErrUntrusted, at.Format(time.RFC3339))
	}
	if !allowsUsage(leaf, usage) {
		return nil, fmt.Errorf("%w: signer certificate does not allow the usage", ErrUntrusted)
	}
	var inter []*x509.Certificate
	for _, c := range carried {
		if c.X509 != nil {
			inter = append(inter, c.X509)
		}
	}
	chain := []*x509.Certificate{leaf}
	cur := leaf
	for range maxLegacyDepth {
		for _, r := range roots {
			if r.Equal(cur) {
				return chain, nil
			}
		}
		var next *x509.Certificate
		isRoot := false
		for _, cand := range append(append([]*x509.Certificate{}, roots...), inter...) {
			if cand.Equal(cur) || !bytes.Equal(cand.RawSubject, cur.RawIssuer) || !validAt(cand, at) {
				continue
			}
			if !cand.BasicConstraintsValid || !cand.IsCA {
				continue
			}
			if cand.CheckSignature(cur.SignatureAlgorithm, cur.RawTBSCertificate, cur.Signature) != nil {
				continue
			}
			next = cand
			for _, r := range roots {
				if r.Equal(cand) {
					isRoot = true
				}
			}
			break
		}
		if next == nil {
			return nil, fmt.Errorf("%w: no issuer found for %s", ErrUntrusted, cur.Subject)
		}
		chain = append(chain, next)
		if isRoot {
			return chain, nil
		}
		cur = next
	}
	return nil, fmt.Errorf("%w: chain longer than %d", ErrUntrusted, maxLegacyDepth)
}

// usesSHA1 reports whether the leaf or a carried certificate is signed
// with SHA-1, the one reason to try a legacy chain.
func usesSHA1(leaf *x509.Certificate, carried []Certificate) bool {
	sha1Signed := func(c *x509.Certificate) bool {
		switch c.SignatureAlgorithm {
		case x509.SHA1WithRSA, x509.ECDSAWithSHA1, x509.DSAWithSHA1:
			return true
		}
		return false
	}
	if sha1Signed(leaf) {
		return true
	}
	for _, c := range carried {
		if c.X509 != nil && sha1Signed(c.X509) {
			return true
		}
	}
	return false
}

func validAt(c *x509.Certificate, at time.Time) bool {
	return !at.Before(c.NotBefore) && !at.After(c.NotAfter)
}

func allowsUsage(c *x509.Certificate, usage x509.ExtKeyUsage) bool {
	if len(c.ExtKeyUsage) == 0 && len(c.UnknownExtKeyUsage) == 0 {
		return true // no EKU extension: every usage, as crypto/x509 treats it
	}
	for _, u := range c.ExtKeyUsage {
		if u == usage || u == x509.ExtKeyUsageAny {
			return true
		}
	}
	return false
}
