package stats

import (
	"errors"
	"fmt"
	"strconv"
)

// Sentinel errors. Test for them with [errors.Is].
var (
	// ErrCorruptState means a blob given to [Aggregator.UnmarshalBinary] is
	// not an intact aggregator state: a foreign format, a truncated or
	// altered blob, or values that break the state's invariants.
	ErrCorruptState = errors.New("stats: corrupt aggregator state")

	// ErrUnsupportedVersion means a state blob carries a format version
	// that this package cannot read.
	ErrUnsupportedVersion = errors.New("stats: unsupported state version")

	// ErrSelfMerge means [Aggregator.Merge] was given the aggregator itself.
	ErrSelfMerge = errors.New("stats: cannot merge an aggregator into itself")

	// ErrOverflow means a merge would push one participant's sample count
	// for one file past [MaxSamplesPerParticipant].
	ErrOverflow = errors.New("stats: per-participant sample count overflow")

	// ErrRejected is wrapped by every [*RejectError], so that
	// errors.Is(err, ErrRejected) tells a rejected sample from an I/O error.
	ErrRejected = errors.New("stats: sample rejected")
)

// RejectReason says why a sample was rejected. Its text form (see
// [RejectReason.String]) is the key used in a summary's "rejected" object
// and never changes.
type RejectReason uint8

// The reasons a sample is rejected.
const (
	// RejectMalformedJSON: the line is not one JSON object (syntax error,
	// trailing data, invalid escape, raw control character, nesting too deep).
	RejectMalformedJSON RejectReason = iota + 1
	// RejectUnknownField: the object has a key the sample format does not define.
	RejectUnknownField
	// RejectDuplicateField: the same key appears twice in one object.
	RejectDuplicateField
	// RejectWrongType: a value has the wrong JSON type (a string where a
	// number is expected, an array where an object is expected…).
	RejectWrongType
	// RejectMissingParticipant: "participant" is absent or empty.
	RejectMissingParticipant
	// RejectMissingFile: the file has neither a sha256 nor a name (nor a
	// path to take the name from).
	RejectMissingFile
	// RejectMissingField: a required field inside a part is absent, such as
	// a module's name.
	RejectMissingField
	// RejectInvalidValue: a string that is not valid for its field: a
	// sha256 that is not 64 hex digits, a country that is not two letters,
	// a malformed time or locale, invalid UTF-8, a non-integer CPU count.
	RejectInvalidValue
	// RejectInvalidNumber: NaN, ±Inf, or a JSON number too large for float64.
	RejectInvalidNumber
	// RejectNegativeNumber: a metric below zero.
	RejectNegativeNumber
	// RejectOutOfRange: a metric above its limit, such as a percentage over
	// 100 per logical CPU (see [MaxCPUs]).
	RejectOutOfRange
	// RejectTooLarge: a line, string or module list over its limit (see
	// limits.go), or a participant over [MaxSamplesPerParticipant].
	RejectTooLarge

	numReasons = iota + 1
)

var reasonNames = [numReasons]string{
	RejectMalformedJSON:      "malformed_json",
	RejectUnknownField:       "unknown_field",
	RejectDuplicateField:     "duplicate_field",
	RejectWrongType:          "wrong_type",
	RejectMissingParticipant: "missing_participant",
	RejectMissingFile:        "missing_file",
	RejectMissingField:       "missing_field",
	RejectInvalidValue:       "invalid_value",
	RejectInvalidNumber:      "invalid_number",
	RejectNegativeNumber:     "negative_number",
	RejectOutOfRange:         "out_of_range",
	RejectTooLarge:           "too_large",
}

// String returns the reason's stable snake_case name, such as
// "missing_participant".
func (r RejectReason) String() string {
	if r > 0 && int(r) < len(reasonNames) {
		return reasonNames[r]
	}
	return "reason(" + strconv.Itoa(int(r)) + ")"
}

// MarshalText returns the reason's name, so that reasons work as JSON map keys.
func (r RejectReason) MarshalText() ([]byte, error) {
	if r == 0 || int(r) >= len(reasonNames) {
		return nil, fmt.Errorf("stats: unknown reject reason %d", r)
	}
	return []byte(reasonNames[r]), nil
}

// UnmarshalText parses a reason's name.
func (r *RejectReason) UnmarshalText(b []byte) error {
	v, ok := parseReason(string(b))
	if !ok {
		return fmt.Errorf("stats: unknown reject reason %q", b)
	}
	*r = v
	return nil
}

func parseReason(s string) (RejectReason, bool) {
	for i := 1; i < len(reasonNames); i++ {
		if reasonNames[i] == s {
			return RejectReason(i), true
		}
	}
	return 0, false
}

// RejectError describes one rejected sample. [Sample.Validate],
// [Aggregator.Add], [Decoder.Next] and the reject callback of [ReadJSONL]
// return or pass it. It wraps [ErrRejected].
type RejectError struct {
	Reason RejectReason
	// Field is the JSON path of the offending field, such as
	// "memory.private_bytes" or "modules[2].name"; empty when the whole
	// line is at fault.
	Field string
	// Line is the 1-based line number in a JSON Lines input; 0 when the
	// sample did not come from one.
	Line int64
	// Offset is the byte offset within the line where a JSON syntax error
	// was found; 0 otherwise.
	Offset int
	// Msg adds detail, such as the offending value.
	Msg string
}

// Error describes the rejection: "stats: rejected sample at line 7:
// negative_number (cpu.total_pct): -1".
func (e *RejectError) Error() string {
	b := []byte("stats: rejected sample")
	if e.Line > 0 {
		b = append(b, " at line "...)
		b = strconv.AppendInt(b, e.Line, 10)
		if e.Reason == RejectMalformedJSON {
			b = append(b, ", byte "...)
			b = strconv.AppendInt(b, int64(e.Offset)+1, 10)
		}
	}
	b = append(b, ": "...)
	b = append(b, e.Reason.String()...)
	if e.Field != "" {
		b = append(b, " ("...)
		b = append(b, e.Field...)
		b = append(b, ')')
	}
	if e.Msg != "" {
		b = append(b, ": "...)
		b = append(b, e.Msg...)
	}
	return string(b)
}

// Unwrap returns [ErrRejected].
func (e *RejectError) Unwrap() error { return ErrRejected }

func reject(r RejectReason, field, msg string) *RejectError {
	return &RejectError{Reason: r, Field: field, Msg: msg}
}
