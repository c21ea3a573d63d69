package authenticode

import (
	"errors"
	"fmt"
)

// Sentinel errors. Test for them with [errors.Is]; the errors this package
// returns wrap them with the structure (and, for file structures, the
// offset) where the problem lies.
var (
	// ErrNotSigned means the file has no certificate table, or a table
	// without a PKCS#7 SignedData entry.
	ErrNotSigned = errors.New("authenticode: not signed")

	// ErrMalformed means a structure is present but cannot be decoded: a
	// bad WIN_CERTIFICATE header, DER that does not parse, a missing
	// mandatory field, or header offsets that make no sense.
	ErrMalformed = errors.New("authenticode: malformed")

	// ErrTruncated means a structure runs past the end of the data.
	ErrTruncated = errors.New("authenticode: truncated")

	// ErrLimit means a structure exceeds one of the caps in limits.go;
	// the rest of it was not decoded.
	ErrLimit = errors.New("authenticode: limit exceeded")

	// ErrUnsupported means an algorithm or key type this package does not
	// implement (e.g. RSA-PSS or DSA signatures, an unknown digest).
	ErrUnsupported = errors.New("authenticode: unsupported algorithm")

	// ErrDigestMismatch means the file digest embedded in a signature is
	// not the authentihash of the file: the file changed after signing.
	ErrDigestMismatch = errors.New("authenticode: file digest mismatch")

	// ErrBadSignature means a signer's signature does not verify: its
	// messageDigest or contentType attribute does not match the signed
	// content, or the signature over the authenticated attributes fails.
	ErrBadSignature = errors.New("authenticode: invalid signature")

	// ErrNoSignerCert means the certificate named by a SignerInfo is not
	// among the certificates carried with the signature.
	ErrNoSignerCert = errors.New("authenticode: signer certificate not found")

	// ErrNoRoots means [VerifyOptions.Roots] is nil. Trust is never taken
	// from the system store, so nothing can be verified without roots.
	ErrNoRoots = errors.New("authenticode: no roots supplied")

	// ErrUntrusted means no chain from the signer certificate to the
	// supplied roots was valid for code signing (or time stamping) at the
	// time checked. The wrapped error is crypto/x509's reason.
	ErrUntrusted = errors.New("authenticode: certificate chain not trusted")
)

// Reasons a chain is not trusted. Each is also [ErrUntrusted]
// (errors.Is(err, ErrUntrusted) holds for all of them); the errors Verify
// returns wrap one of them in a [ChainError] whose message says what
// happened in plain words.
var (
	// ErrExpiredAtSigning means a certificate of the signer's chain was
	// not valid at the time of the signature's trusted timestamp: the
	// file was signed with an expired (or not yet valid) certificate.
	ErrExpiredAtSigning error = &reason{"authenticode: certificate expired at signing time"}

	// ErrExpiredNoTimestamp means the signer's chain is expired at the
	// time of the check and the signature has no trusted timestamp that
	// would show it was made while the chain was valid.
	ErrExpiredNoTimestamp error = &reason{"authenticode: certificate expired and no trusted timestamp"}

	// ErrExpiredLifetime means the signer certificate has expired and has
	// the lifetime-signing EKU (1.3.6.1.4.1.311.10.3.13): its signatures
	// expire with it, whatever their timestamp says.
	ErrExpiredLifetime error = &reason{"authenticode: lifetime-signing certificate expired"}

	// ErrUnknownRoot means no chain from the certificate reaches a root
	// trusted for the purpose (code signing for signers, time stamping
	// for timestamps).
	ErrUnknownRoot error = &reason{"authenticode: no chain to a trusted root"}

	// ErrWrongEKU means a chain to a trusted root exists but a certificate
	// in it does not allow the purpose (extended key usage): code signing
	// for signers, time stamping for timestamps.
	ErrWrongEKU error = &reason{"authenticode: certificate not valid for the purpose (EKU)"}

	// ErrUntrustedTimestamp means a timestamp is present and intact but
	// its own chain is not trusted for time stamping at its time.
	ErrUntrustedTimestamp error = &reason{"authenticode: timestamp not trusted"}
)

// reason is a trust failure sentinel that is also ErrUntrusted.
type reason struct{ msg string }

func (r *reason) Error() string { return r.msg }

// Is makes every reason match ErrUntrusted.
func (r *reason) Is(target error) bool { return target == ErrUntrusted }

// ChainError is a trust failure: Reason is one of the sentinels above
// (ErrUnknownRoot, ErrExpiredNoTimestamp, …), Msg says what happened in
// words a person understands ("signer certificate expired 2021-11-08; the
// signature has no trusted timestamp"), and Err is the underlying cause
// (crypto/x509's error, or the timestamp's), when there is one.
type ChainError struct {
	Reason error
	Msg    string
	Err    error
}

// Error returns Msg, prefixed with "authenticode: ".
func (e *ChainError) Error() string { return "authenticode: " + e.Msg }

// Unwrap returns the reason and the cause, for errors.Is and errors.As.
func (e *ChainError) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Reason}
	}
	return []error{e.Reason, e.Err}
}

// FormatError reports a structure that could not be decoded. Offset is a
// file offset for file-level structures (the certificate table and its
// WIN_CERTIFICATE entries) and -1 inside DER, where Struct names the
// ASN.1 structure instead. It unwraps to a sentinel, usually
// [ErrMalformed], [ErrTruncated] or [ErrLimit].
type FormatError struct {
	Offset int64  // file offset, or -1 when not meaningful
	Struct string // e.g. "WIN_CERTIFICATE", "SignerInfo"
	Msg    string // what is wrong, lower case
	Err    error  // the sentinel
}

// Error implements error: "authenticode: <msg> in <struct>[ at 0x<offset>]".
func (e *FormatError) Error() string {
	if e.Offset < 0 {
		return fmt.Sprintf("authenticode: %s in %s", e.Msg, e.Struct)
	}
	return fmt.Sprintf("authenticode: %s in %s at 0x%x", e.Msg, e.Struct, e.Offset)
}

// Unwrap returns the sentinel the error belongs to.
func (e *FormatError) Unwrap() error { return e.Err }

func formatErr(sentinel error, off int64, st, format string, args ...any) error {
	return &FormatError{Offset: off, Struct: st, Msg: fmt.Sprintf(format, args...), Err: sentinel}
}

// derErr reports a DER decoding problem inside structure st.
func derErr(st, format string, args ...any) error {
	return formatErr(ErrMalformed, -1, st, format, args...)
}
