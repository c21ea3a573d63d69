package authenticode

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"time"
)

// VerifyOptions says what to trust. Trust comes only from Roots: never from
// the system certificate store, and nothing is fetched from the network
// (no AIA chasing, no CRL or OCSP: revocation is not checked).
type VerifyOptions struct {
	// Roots are the root certificates trusted for code signing (and for
	// time stamping too when TimestampRoots is nil). A nil pool makes
	// every check fail with [ErrNoRoots]; an empty pool trusts nothing.
	// The package roots (pe/authenticode/roots) has filerep's defaults.
	Roots *x509.CertPool

	// Intermediates are extra intermediate certificates. The ones carried
	// in the signature are always used as well.
	Intermediates *x509.CertPool

	// CurrentTime is the time the chains are checked at; zero means
	// time.Now().
	CurrentTime time.Time

	// AtSigningTime checks the signer's chain at the time of its trusted
	// timestamp instead of CurrentTime, as Windows does, whenever there is
	// one. Without it the timestamp is still used when the chain is
	// expired at CurrentTime. Either way a signer certificate with the
	// lifetime-signing EKU 1.3.6.1.4.1.311.10.3.13 gets no grace from a
	// timestamp ([ErrExpiredLifetime]), and a timestamp is trusted only
	// when it is intact and its own chain reaches a time-stamping root
	// with the time-stamping EKU at the time it states (RFC 3161 tokens
	// and legacy PKCS#9 countersignatures alike).
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
	// certificate chains to the time-stamping roots (TimestampRoots, else
	// Roots) with the time-stamping EKU, checked at its own time; nil when
	// there is none.
	Timestamp *Countersignature

	// Timestamps lists every timestamp of the signer, in the order of
	// Signer.Countersignatures, with whether it is trusted.
	Timestamps []TimestampCheck

	// Errors says why Verified is false; it is empty when Verified is
	// true. A chain that is not trusted gives a *ChainError whose Reason
	// is ErrExpiredAtSigning, ErrExpiredNoTimestamp, ErrExpiredLifetime,
	// ErrUnknownRoot or ErrWrongEKU (each also ErrUntrusted), followed by
	// the ErrUntrustedTimestamp errors that decided it. Warnings lists
	// problems that did not decide the outcome, such as a timestamp that
	// is present but not trusted.
	Errors   []error
	Warnings []error
}

// TimestampCheck is one timestamp of a signer and the trust decided for it.
type TimestampCheck struct {
	Kind    TimeSource // rfc3161 or pkcs9
	Time    time.Time  // the time it states, UTC
	Subject string     // the time-stamping certificate's subject

	// Valid is the integrity check (it covers the signature and its own
	// signature verifies); Trusted is true when, in addition, its chain
	// reaches a time-stamping root with the time-stamping EKU at Time.
	Valid   bool
	Trusted bool

	// Error says why it is not trusted: the countersignature's own error
	// when not Valid, otherwise a *ChainError with Reason
	// ErrUntrustedTimestamp.
	Error error
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

	// Every timestamp, and the first trusted one: valid, and its signer
	// chains to a time-stamping root with the time-stamping EKU at the
	// time it states.
	var tsErrs []error
	for i := range sg.Countersignatures {
		c := &sg.Countersignatures[i]
		tc := TimestampCheck{Kind: c.Kind, Time: c.Time, Subject: c.Subject, Valid: c.Valid, Error: c.Error}
		switch {
		case !c.Valid:
			if c.Error != nil {
				v.Warnings = append(v.Warnings, c.Error)
			}
		case c.Certificate.x509Cert() == nil:
			tc.Error = &ChainError{Reason: ErrUntrustedTimestamp, Msg: fmt.Sprintf("%s timestamp of %s: time-stamping certificate not found", c.Kind, day(c.Time)), Err: ErrNoSignerCert}
		default:
			_, err := buildChain(c.Certificate.X509, c.pool, opts.timestamping(), c.Time)
			if err == nil {
				tc.Trusted = true
				if v.Timestamp == nil {
					v.Timestamp = c
				}
				break
			}
			tc.Error = &ChainError{Reason: ErrUntrustedTimestamp,
				Msg: fmt.Sprintf("%s timestamp of %s is not trusted: %s", c.Kind, day(c.Time), strings.TrimPrefix(err.Error(), "authenticode: ")), Err: err}
		}
		if tc.Error != nil && c.Valid {
			v.Warnings = append(v.Warnings, tc.Error)
			tsErrs = append(tsErrs, tc.Error)
		}
		v.Timestamps = append(v.Timestamps, tc)
	}

	// A timestamp later than the time of the check proves nothing, and a
	// lifetime-signing certificate's signatures expire with it.
	now := v.VerifiedAt
	lifetime := hasLifetimeSigning(leaf)
	useTS := v.Timestamp != nil && !v.Timestamp.Time.After(now) && !lifetime
	cs := opts.codeSigning()
	at := now
	if opts.AtSigningTime && useTS {
		at, v.UsedTimestamp = v.Timestamp.Time, true
	}
	chain, err := buildChain(leaf, certs, cs, at)
	if err != nil && useTS && !v.UsedTimestamp && errors.Is(err, errExpired) {
		if c2, err2 := buildChain(leaf, certs, cs, v.Timestamp.Time); err2 == nil {
			chain, err, at, v.UsedTimestamp = c2, nil, v.Timestamp.Time, true
		} else {
			at, v.UsedTimestamp, err = v.Timestamp.Time, true, err2
		}
	}
	v.VerifiedAt = at
	if err == nil {
		v.Chain = chain
		v.Verified = len(v.Errors) == 0
		return v
	}

	// Say why, in words.
	var ce *ChainError
	var decided []error // the untrusted timestamps, when they decided it
	switch {
	case errors.Is(err, errExpired) && v.UsedTimestamp:
		ce = &ChainError{Reason: ErrExpiredAtSigning, Msg: fmt.Sprintf("%s; the signature was timestamped %s (%s), when it was not valid",
			expiry(err, "signer"), day(v.Timestamp.Time), v.Timestamp.Kind), Err: err}
	case errors.Is(err, errExpired) && lifetime && v.Timestamp != nil:
		ce = &ChainError{Reason: ErrExpiredLifetime, Msg: fmt.Sprintf("%s; it has the lifetime-signing EKU, so the timestamp of %s gives no grace",
			expiry(err, "signer"), day(v.Timestamp.Time)), Err: err}
	case errors.Is(err, errExpired) && len(tsErrs) > 0:
		ce = &ChainError{Reason: ErrExpiredNoTimestamp, Msg: fmt.Sprintf("%s; the signature's timestamp is not trusted", expiry(err, "signer")), Err: err}
		decided = tsErrs
	case errors.Is(err, errExpired):
		ce = &ChainError{Reason: ErrExpiredNoTimestamp, Msg: fmt.Sprintf("%s; the signature has no trusted timestamp", expiry(err, "signer")), Err: err}
	case errors.Is(err, errWrongUsage):
		ce = &ChainError{Reason: ErrWrongEKU, Msg: fmt.Sprintf("the chain of signer %q is not valid for code signing (extended key usage)", leaf.Subject.CommonName), Err: err}
	default:
		ce = &ChainError{Reason: ErrUnknownRoot, Msg: fmt.Sprintf("no chain from signer %q (issued by %q) to a root trusted for code signing",
			leaf.Subject.CommonName, leaf.Issuer.CommonName), Err: err}
	}
	v.Errors = append(append(v.Errors, ce), decided...)
	return v
}

// anchors are the roots of one purpose.
type anchors struct {
	roots  *x509.CertPool
	legacy []*x509.Certificate
	usage  x509.ExtKeyUsage
	strict bool // the leaf must list usage explicitly (a TSA certificate)
	inter  *x509.CertPool
}

func (o VerifyOptions) codeSigning() anchors {
	return anchors{roots: o.Roots, legacy: o.LegacyRoots, usage: x509.ExtKeyUsageCodeSigning, inter: o.Intermediates}
}

func (o VerifyOptions) timestamping() anchors {
	a := anchors{roots: o.TimestampRoots, legacy: o.TimestampLegacyRoots, usage: x509.ExtKeyUsageTimeStamping, strict: true, inter: o.Intermediates}
	if a.roots == nil {
		a.roots, a.legacy = o.Roots, o.LegacyRoots
	}
	return a
}

// Classes of chain failures, wrapped by buildChain's errors next to
// ErrUntrusted and crypto/x509's error, and turned into a ChainError by
// verifySigner.
var (
	errExpired    = errors.New("a certificate of the chain is outside its validity period")
	errWrongUsage = ErrWrongEKU
	errNoRoot     = ErrUnknownRoot
)

// chainErr wraps why with ErrUntrusted, a class and the cause.
type chainErr struct {
	class error
	cert  *x509.Certificate // the certificate at fault, when known
	at    time.Time
	err   error
}

func (e *chainErr) Error() string {
	if e.err != nil {
		return fmt.Sprintf("%v: %v", e.class, e.err)
	}
	return e.class.Error()
}

func (e *chainErr) Unwrap() []error {
	if e.err == nil {
		return []error{ErrUntrusted, e.class}
	}
	return []error{ErrUntrusted, e.class, e.err}
}

// expiry describes an errExpired failure: "signer certificate expired
// 2021-11-08" or "certificate "X" of the signer's chain expired …".
func expiry(err error, who string) string {
	var ce *chainErr
	if !errors.As(err, &ce) || ce.cert == nil {
		return who + " certificate chain expired"
	}
	what := who + " certificate"
	if ce.cert.Subject.CommonName != "" && !ce.cert.IsCA {
		what = fmt.Sprintf("%s %q", what, ce.cert.Subject.CommonName)
	} else if ce.cert.IsCA {
		what = fmt.Sprintf("certificate %q of the %s's chain", ce.cert.Subject.CommonName, who)
	}
	if ce.at.Before(ce.cert.NotBefore) {
		return fmt.Sprintf("%s is valid only from %s", what, day(ce.cert.NotBefore))
	}
	return fmt.Sprintf("%s expired %s", what, day(ce.cert.NotAfter))
}

func day(t time.Time) string { return t.UTC().Format("2006-01-02") }

// buildChain verifies leaf to a.roots for a.usage at time at, using the
// caller's intermediates and the carried certificates as intermediates.
// It returns the first chain found, or an error wrapping ErrUntrusted and
// one of errExpired, errWrongUsage, errNoRoot.
func buildChain(leaf *x509.Certificate, carried []Certificate, a anchors, at time.Time) ([]*x509.Certificate, error) {
	if a.roots == nil { // never fall back to the system store
		return nil, ErrNoRoots
	}
	if a.strict && !listsUsage(leaf, a.usage) {
		return nil, &chainErr{class: errWrongUsage, cert: leaf, at: at,
			err: fmt.Errorf("certificate %q does not list the extended key usage", leaf.Subject.CommonName)}
	}
	inter := x509.NewCertPool()
	if a.inter != nil {
		inter = a.inter.Clone()
	}
	for _, c := range carried {
		if c.X509 != nil && c.X509 != leaf {
			inter.AddCert(c.X509)
		}
	}
	vo := x509.VerifyOptions{Roots: a.roots, Intermediates: inter, CurrentTime: at, KeyUsages: []x509.ExtKeyUsage{a.usage}}
	chains, err := leaf.Verify(vo)
	if err == nil {
		return chains[0], nil
	}
	if len(a.legacy) > 0 && usesSHA1(leaf, carried) {
		chain, lerr := legacyChain(leaf, carried, a.legacy, at, a.usage)
		if lerr == nil {
			return chain, nil
		}
		var ce *chainErr
		if errors.As(lerr, &ce) && ce.class != errNoRoot {
			return nil, lerr // the legacy path found the chain and knows what is wrong with it
		}
	}
	return nil, classify(leaf, err, vo)
}

// classify turns crypto/x509's error into a chainErr. An expired
// certificate can hide behind "unknown authority" (the expired issuer is
// skipped as a candidate), so a chain that fails is built again ignoring
// time, then ignoring usage, to tell the causes apart.
func classify(leaf *x509.Certificate, err error, vo x509.VerifyOptions) error {
	var inv x509.CertificateInvalidError
	if errors.As(err, &inv) {
		switch inv.Reason {
		case x509.Expired:
			return &chainErr{class: errExpired, cert: inv.Cert, at: vo.CurrentTime, err: err}
		case x509.IncompatibleUsage:
			return &chainErr{class: errWrongUsage, cert: inv.Cert, at: vo.CurrentTime, err: err}
		}
	}
	// Does a chain exist at some time when every certificate was valid?
	any := vo
	any.KeyUsages = []x509.ExtKeyUsage{x509.ExtKeyUsageAny}
	if chains, e := leaf.Verify(any); e == nil {
		_ = chains
		return &chainErr{class: errWrongUsage, cert: leaf, at: vo.CurrentTime, err: err}
	}
	for _, c := range []*x509.Certificate{leaf} {
		if !validAt(c, vo.CurrentTime) {
			return &chainErr{class: errExpired, cert: c, at: vo.CurrentTime, err: err}
		}
	}
	return &chainErr{class: errNoRoot, cert: leaf, at: vo.CurrentTime, err: err}
}

// listsUsage reports whether c's EKU extension names usage (or any).
func listsUsage(c *x509.Certificate, usage x509.ExtKeyUsage) bool {
	for _, u := range c.ExtKeyUsage {
		if u == usage || u == x509.ExtKeyUsageAny {
			return true
		}
	}
	return false
}

// maxLegacyDepth bounds a legacy chain: real Authenticode chains have 2–4
// certificates.
const maxLegacyDepth = 6

// legacyChain builds a chain from leaf to one of roots by hand, for chains
// crypto/x509's Verify rejects only because of SHA-1 signatures.
// Certificate.CheckSignature still checks those. Each link: the parent's
// subject is the child's issuer, the parent's key verifies the child's
// signature, the parent is valid at time at and is a CA (roots included);
// every certificate of the chain is valid at at and allows usage when it
// has an EKU extension (the nesting crypto/x509 checks).
func legacyChain(leaf *x509.Certificate, carried []Certificate, roots []*x509.Certificate, at time.Time, usage x509.ExtKeyUsage) ([]*x509.Certificate, error) {
	var inter []*x509.Certificate
	for _, c := range carried {
		if c.X509 != nil {
			inter = append(inter, c.X509)
		}
	}
	isRoot := func(c *x509.Certificate) bool {
		for _, r := range roots {
			if r.Equal(c) {
				return true
			}
		}
		return false
	}
	chain := []*x509.Certificate{leaf}
	cur := leaf
	for range maxLegacyDepth {
		if isRoot(cur) {
			return checkLegacy(chain, at, usage)
		}
		var next *x509.Certificate
		for _, cand := range append(append([]*x509.Certificate{}, roots...), inter...) {
			if cand.Equal(cur) || !bytes.Equal(cand.RawSubject, cur.RawIssuer) {
				continue
			}
			// A trust anchor is trusted as the caller gave it (RFC 5280
			// 6.1.1: its constraints are not path checks); Microsoft Root
			// Authority (1997) has no basicConstraints at all.
			if !isRoot(cand) && (!cand.BasicConstraintsValid || !cand.IsCA) {
				continue
			}
			if cand.CheckSignature(cur.SignatureAlgorithm, cur.RawTBSCertificate, cur.Signature) != nil {
				continue
			}
			// Prefer a candidate valid at the time (roots are tried
			// first), but keep an expired one to report it.
			if next == nil || (!validAt(next, at) && validAt(cand, at)) {
				next = cand
			}
		}
		if next == nil {
			return nil, &chainErr{class: errNoRoot, cert: cur, at: at, err: fmt.Errorf("no issuer found for %s", cur.Subject)}
		}
		chain = append(chain, next)
		cur = next
	}
	return nil, &chainErr{class: errNoRoot, cert: leaf, at: at, err: fmt.Errorf("chain longer than %d", maxLegacyDepth)}
}

// checkLegacy checks validity and usage along a hand-built chain.
func checkLegacy(chain []*x509.Certificate, at time.Time, usage x509.ExtKeyUsage) ([]*x509.Certificate, error) {
	for _, c := range chain {
		if !validAt(c, at) {
			return nil, &chainErr{class: errExpired, cert: c, at: at,
				err: fmt.Errorf("certificate %q not valid at %s", c.Subject.CommonName, at.Format(time.RFC3339))}
		}
		if !allowsUsage(c, usage) {
			return nil, &chainErr{class: errWrongUsage, cert: c, at: at,
				err: fmt.Errorf("certificate %q does not allow the usage", c.Subject.CommonName)}
		}
	}
	return chain, nil
}

// usesSHA1 reports whether the leaf or a carried certificate is signed
// with SHA-1, the one reason to try a legacy chain.
func usesSHA1(leaf *x509.Certificate, carried []Certificate) bool {
	sha1Signed := func(c *x509.Certificate) bool {
		switch c.SignatureAlgorithm {
		case x509.SHA1WithRSA, x509.ECDSAWithSHA1, x509.DSAWithSHA1, x509.MD5WithRSA:
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
