package rsrc

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error returned by this package wraps one of them,
// so callers branch with [errors.Is] and never on message text.
var (
	// ErrTruncated means the data ends before a structure it declares.
	ErrTruncated = errors.New("rsrc: truncated data")
	// ErrBadSignature means a magic number did not match (MUI RC Config
	// 0xFECDFECD, VS_FIXEDFILEINFO 0xFEEF04BD).
	ErrBadSignature = errors.New("rsrc: bad signature")
	// ErrBadLength means a length or count field cannot describe the data
	// (for example a message entry shorter than its own header).
	ErrBadLength = errors.New("rsrc: bad length")
	// ErrLimit means a cap from limits.go was reached; the result holds what
	// was decoded before the cap.
	ErrLimit = errors.New("rsrc: limit exceeded")
	// ErrBadID means a caller-supplied resource identifier is out of range
	// (for example RT_STRING block 0).
	ErrBadID = errors.New("rsrc: bad resource id")
	// ErrNotIndirect means a string is not an indirect string (it does not
	// start with '@').
	ErrNotIndirect = errors.New("rsrc: not an indirect string")
	// ErrBadReference means an indirect string starts with '@' but its
	// "<path>,-<id>" reference cannot be parsed.
	ErrBadReference = errors.New("rsrc: bad indirect string reference")
	// ErrUndefinedVariable means a %NAME% reference had no value in the
	// caller's variable map; the reference is left unexpanded.
	ErrUndefinedVariable = errors.New("rsrc: undefined variable")
)

// FormatError reports a structure that could not be read, and where.
// It unwraps to its sentinel (Err), typically [ErrTruncated],
// [ErrBadSignature], [ErrBadLength] or [ErrLimit].
//
// Its message reads "rsrc: <struct> <msg> at 0x<offset>", for example
// "rsrc: string table truncated at 0x1f8". Offset is relative to the start of
// the resource bytes passed to the decoder (for indirect strings, the byte
// position in the string).
type FormatError struct {
	Offset int    // byte offset of the problem
	Struct string // structure being read, e.g. "string table"
	Msg    string // what went wrong, e.g. "truncated"
	Err    error  // sentinel; never nil when built by this package
}

// Error implements error.
func (e *FormatError) Error() string {
	return fmt.Sprintf("rsrc: %s %s at %#x", e.Struct, e.Msg, e.Offset)
}

// Unwrap returns the sentinel error.
func (e *FormatError) Unwrap() error { return e.Err }

func formatErr(off int, st, msg string, sentinel error) *FormatError {
	return &FormatError{Offset: off, Struct: st, Msg: msg, Err: sentinel}
}
