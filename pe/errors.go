package pe

import (
	"errors"
	"fmt"
)

// Sentinel errors. Test for them with [errors.Is]; the errors that Parse
// returns wrap them with the offset and structure where the problem lies.
var (
	// ErrNotPE means the bytes are not a PE image: no "MZ" header, no
	// "PE\0\0" signature where e_lfanew points, or too short to hold them.
	ErrNotPE = errors.New("pe: not a PE file")

	// ErrTruncated means a structure runs past the end of the data.
	ErrTruncated = errors.New("pe: truncated")

	// ErrMalformed means a structure is present but its values are
	// impossible (a count or size that cannot fit, a bad magic).
	ErrMalformed = errors.New("pe: malformed")

	// ErrPanic means the underlying parser panicked. The panic was
	// recovered; see [PanicError] for where.
	ErrPanic = errors.New("pe: parser panic")

	// ErrPartial means the data directories could only be parsed in part;
	// the File holds what could be read and its anomalies say what failed.
	ErrPartial = errors.New("pe: partially parsed")
)

// FormatError reports a problem at a byte offset of the file. It unwraps to
// one of the sentinels above (ErrNotPE, ErrTruncated or ErrMalformed).
type FormatError struct {
	Offset int64  // byte offset in the file where the problem is
	Struct string // the structure being decoded, e.g. "IMAGE_NT_HEADERS"
	Msg    string // what is wrong, lower case
	Err    error  // the sentinel
}

// Error implements error: "<sentinel>: <msg> in <struct> at 0x<offset>",
// e.g. "pe: not a PE file: no PE signature in IMAGE_NT_HEADERS at 0x80".
func (e *FormatError) Error() string {
	return fmt.Sprintf("%v: %s in %s at 0x%x", e.Err, e.Msg, e.Struct, e.Offset)
}

// Unwrap returns the sentinel the error belongs to.
func (e *FormatError) Unwrap() error { return e.Err }

// PanicError is a panic inside the PE parser dependency, recovered at the
// package boundary. It unwraps to [ErrPanic].
type PanicError struct {
	Site  string // which step panicked, e.g. "parse", "authentihash"
	Value any    // the value passed to panic
}

// Error implements error.
func (e *PanicError) Error() string {
	return fmt.Sprintf("pe: recovered panic in %s: %v", e.Site, e.Value)
}

// Unwrap returns [ErrPanic].
func (e *PanicError) Unwrap() error { return ErrPanic }

func formatErr(sentinel error, off int64, st, format string, args ...any) error {
	return &FormatError{Offset: off, Struct: st, Msg: fmt.Sprintf(format, args...), Err: sentinel}
}
