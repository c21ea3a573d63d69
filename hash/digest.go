package hash

import (
	"encoding/hex"
	"errors"
	"fmt"
)

// ErrInvalidDigest is wrapped by the errors that the UnmarshalText methods
// return for text that is not a digest of the right kind: wrong length or
// characters other than hexadecimal digits.
var ErrInvalidDigest = errors.New("hash: invalid digest")

// MD5 is an MD5 digest. Its text form (String, MarshalText) is 32 lower-case
// hexadecimal digits, so it can be a JSON object key.
type MD5 [16]byte

// SHA1 is a SHA-1 digest. Its text form is 40 lower-case hexadecimal digits.
type SHA1 [20]byte

// SHA256 is a SHA-256 digest. Its text form is 64 lower-case hexadecimal
// digits.
type SHA256 [32]byte

// BLAKE3 is a 256-bit BLAKE3 digest (the default output length of the
// unkeyed hash). Its text form is 64 lower-case hexadecimal digits.
type BLAKE3 [32]byte

// String returns d as lower-case hexadecimal.
func (d MD5) String() string { return hex.EncodeToString(d[:]) }

// AppendText appends the lower-case hexadecimal form of d to b. It
// implements [encoding.TextAppender].
func (d MD5) AppendText(b []byte) ([]byte, error) { return hex.AppendEncode(b, d[:]), nil }

// MarshalText returns the lower-case hexadecimal form of d. It implements
// [encoding.TextMarshaler].
func (d MD5) MarshalText() ([]byte, error) { return d.AppendText(nil) }

// UnmarshalText sets d from hexadecimal text (either case). It implements
// [encoding.TextUnmarshaler]; errors wrap [ErrInvalidDigest].
func (d *MD5) UnmarshalText(text []byte) error { return decodeHex(d[:], text, "MD5") }

// String returns d as lower-case hexadecimal.
func (d SHA1) String() string { return hex.EncodeToString(d[:]) }

// AppendText appends the lower-case hexadecimal form of d to b. It
// implements [encoding.TextAppender].
func (d SHA1) AppendText(b []byte) ([]byte, error) { return hex.AppendEncode(b, d[:]), nil }

// MarshalText returns the lower-case hexadecimal form of d. It implements
// [encoding.TextMarshaler].
func (d SHA1) MarshalText() ([]byte, error) { return d.AppendText(nil) }

// UnmarshalText sets d from hexadecimal text (either case). It implements
// [encoding.TextUnmarshaler]; errors wrap [ErrInvalidDigest].
func (d *SHA1) UnmarshalText(text []byte) error { return decodeHex(d[:], text, "SHA-1") }

// String returns d as lower-case hexadecimal.
func (d SHA256) String() string { return hex.EncodeToString(d[:]) }

// AppendText appends the lower-case hexadecimal form of d to b. It
// implements [encoding.TextAppender].
func (d SHA256) AppendText(b []byte) ([]byte, error) { return hex.AppendEncode(b, d[:]), nil }

// MarshalText returns the lower-case hexadecimal form of d. It implements
// [encoding.TextMarshaler].
func (d SHA256) MarshalText() ([]byte, error) { return d.AppendText(nil) }

// UnmarshalText sets d from hexadecimal text (either case). It implements
// [encoding.TextUnmarshaler]; errors wrap [ErrInvalidDigest].
func (d *SHA256) UnmarshalText(text []byte) error { return decodeHex(d[:], text, "SHA-256") }

// String returns d as lower-case hexadecimal.
func (d BLAKE3) String() string { return hex.EncodeToString(d[:]) }

// AppendText appends the lower-case hexadecimal form of d to b. It
// implements [encoding.TextAppender].
func (d BLAKE3) AppendText(b []byte) ([]byte, error) { return hex.AppendEncode(b, d[:]), nil }

// MarshalText returns the lower-case hexadecimal form of d. It implements
// [encoding.TextMarshaler].
func (d BLAKE3) MarshalText() ([]byte, error) { return d.AppendText(nil) }

// UnmarshalText sets d from hexadecimal text (either case). It implements
// [encoding.TextUnmarshaler]; errors wrap [ErrInvalidDigest].
func (d *BLAKE3) UnmarshalText(text []byte) error { return decodeHex(d[:], text, "BLAKE3") }

// decodeHex fills dst from text, which must be exactly 2*len(dst)
// hexadecimal digits. dst is left unchanged on error.
func decodeHex(dst, text []byte, name string) error {
	if len(text) != 2*len(dst) {
		return fmt.Errorf("%w: %s needs %d hex digits, got %d", ErrInvalidDigest, name, 2*len(dst), len(text))
	}
	var buf [32]byte
	if _, err := hex.Decode(buf[:len(dst)], text); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrInvalidDigest, name, err)
	}
	copy(dst, buf[:len(dst)])
	return nil
}
