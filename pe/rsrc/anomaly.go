package rsrc

import "fmt"

// Anomaly is something that was read but looks odd: a length that does not
// match the data, a missing pad, an unknown enum value. Decoders tolerate it,
// keep going, and record it here. Code is stable and safe to match on (it is
// part of the JSON output); Msg is for people; Offset is the byte offset of
// the structure concerned, relative to the decoder's input.
//
// An anomaly is not an error: an error means a part could not be read at all.
type Anomaly struct {
	Code   string `json:"code"`   // stable identifier, e.g. "version/length-too-small"
	Msg    string `json:"msg"`    // human-readable detail
	Offset int    `json:"offset"` // byte offset in the decoder's input
}

// String returns "code at 0xOFF: msg".
func (a Anomaly) String() string {
	return fmt.Sprintf("%s at %#x: %s", a.Code, a.Offset, a.Msg)
}

// Anomaly codes reported by [ParseVersionInfo].
const (
	// AnomVersionTruncated: the blob ends before a node's declared end (the
	// root's, or a node reaching the end of the data); also an error.
	AnomVersionTruncated = "version/truncated"
	// AnomVersionLengthOverflow: a node's wLength runs past its parent; the
	// node was clamped to the parent's end.
	AnomVersionLengthOverflow = "version/length-overflow"
	// AnomVersionLengthTooSmall: a node's wLength (often 0) is smaller than its
	// own header and key; the node was read up to its parent's end. This is
	// the shape that makes saferwall/pe loop forever (hazard #3).
	AnomVersionLengthTooSmall = "version/length-too-small"
	// AnomVersionLengthMismatch: a node's wLength disagrees with its
	// content: the root's wLength ends before its last child (children
	// after the declared end were decoded too), a String's wLength skips
	// over the next String (the content was followed), or a node ends with
	// 1–5 non-zero bytes that cannot be a child.
	AnomVersionLengthMismatch = "version/length-mismatch"
	// AnomVersionBadRootKey: the root key is not "VS_VERSION_INFO".
	AnomVersionBadRootKey = "version/bad-root-key"
	// AnomVersionOddKey: a root child's key only starts with
	// "StringFileInfo" or "VarFileInfo" (trailing characters, as when a
	// length word overwrites the key's NUL); it was read as that block.
	AnomVersionOddKey = "version/odd-key"
	// AnomVersionBadType: wType is neither 0 (binary) nor 1 (text).
	AnomVersionBadType = "version/bad-type"
	// AnomVersionUnterminatedKey: a key has no NUL before the node's end.
	AnomVersionUnterminatedKey = "version/unterminated-key"
	// AnomVersionMissingPadding: a value or child starts right after the
	// previous field instead of at the next 4-byte boundary.
	AnomVersionMissingPadding = "version/missing-padding"
	// AnomVersionExtraPadding: zero bytes between siblings beyond the 4-byte
	// alignment were skipped.
	AnomVersionExtraPadding = "version/extra-padding"
	// AnomVersionValueLengthBytes: a String's wValueLength counts bytes, not
	// UTF-16 units.
	AnomVersionValueLengthBytes = "version/value-length-bytes"
	// AnomVersionValueLengthZero: wValueLength is 0 but a value is present;
	// the value was read up to its NUL.
	AnomVersionValueLengthZero = "version/value-length-zero"
	// AnomVersionValueLengthMismatch: wValueLength disagrees with the value
	// otherwise (too long for the node, or shorter than the text up to NUL).
	AnomVersionValueLengthMismatch = "version/value-length-mismatch"
	// AnomVersionValueUnterminated: a String value has no NUL before the end
	// of its node; the text up to the node's end was kept.
	AnomVersionValueUnterminated = "version/value-unterminated"
	// AnomVersionNoFixedInfo: the root carries no VS_FIXEDFILEINFO.
	AnomVersionNoFixedInfo = "version/no-fixed-info"
	// AnomVersionBadFixedSignature: VS_FIXEDFILEINFO.dwSignature is not
	// 0xFEEF04BD; the fields were decoded anyway (as pefile does).
	AnomVersionBadFixedSignature = "version/bad-fixed-signature"
	// AnomVersionFixedLengthMismatch: the root's wValueLength is not 52 but a
	// VS_FIXEDFILEINFO was found.
	AnomVersionFixedLengthMismatch = "version/fixed-length-mismatch"
	// AnomVersionFixedTruncated: fewer than 52 bytes remain for
	// VS_FIXEDFILEINFO.
	AnomVersionFixedTruncated = "version/fixed-truncated"
	// AnomVersionContainerValue: StringFileInfo, VarFileInfo or a StringTable
	// has a non-zero wValueLength.
	AnomVersionContainerValue = "version/container-value"
	// AnomVersionBadTableKey: a StringTable key is not 8 hex digits.
	AnomVersionBadTableKey = "version/bad-table-key"
	// AnomVersionMissingStringFileInfo: a StringTable sits directly under
	// the root, without a StringFileInfo parent.
	AnomVersionMissingStringFileInfo = "version/missing-stringfileinfo"
	// AnomVersionUnknownNode: a node with an unexpected key was kept raw
	// (see [RawNode]).
	AnomVersionUnknownNode = "version/unknown-node"
	// AnomVersionDuplicateKey: a key appears twice in one StringTable.
	AnomVersionDuplicateKey = "version/duplicate-key"
	// AnomVersionBadTranslation: the Translation value is not a whole number
	// of DWORDs or does not fit its node.
	AnomVersionBadTranslation = "version/bad-translation"
	// AnomVersionLimit: the node budget (maxVersionNodes) or depth
	// (maxVersionDepth) was exhausted.
	AnomVersionLimit = "version/limit"
)

// Anomaly codes reported by [ParseMUI].
const (
	// AnomMUITruncated: the blob is shorter than the fixed header or than
	// dwLength.
	AnomMUITruncated = "mui/truncated"
	// AnomMUIBadLength: dwLength is smaller than the fixed header.
	AnomMUIBadLength = "mui/bad-length"
	// AnomMUIUnknownVersion: dwRCConfigVersion is not 0x00010000.
	AnomMUIUnknownVersion = "mui/unknown-version"
	// AnomMUIUnknownFileType: dwFileType is not 0x11 (LN) or 0x12 (.mui);
	// the kind was taken from bit 0, as the loader does.
	AnomMUIUnknownFileType = "mui/unknown-file-type"
	// AnomMUIUnknownFallbackLocation: dwUltimateFallbackLocation is not
	// 0, 1 or 2.
	AnomMUIUnknownFallbackLocation = "mui/unknown-fallback-location"
	// AnomMUIReservedNonZero: bytes 0x3C–0x53 are not all zero (they are kept
	// in [MUIConfig].Reserved).
	AnomMUIReservedNonZero = "mui/reserved-nonzero"
	// AnomMUIBadOffset: an offset/length pair points into the header, has a
	// zero offset with a length, or runs past the blob or dwLength; the field
	// is left empty.
	AnomMUIBadOffset = "mui/bad-offset"
	// AnomMUIBadListLength: a name list has an odd byte length or an ID list
	// a length that is not a multiple of 4.
	AnomMUIBadListLength = "mui/bad-list-length"
	// AnomMUIUnterminatedString: a string runs to the end of its region
	// without a NUL.
	AnomMUIUnterminatedString = "mui/unterminated-string"
	// AnomMUIUnexpectedField: a field that belongs to the other file kind is
	// set (a language in an LN file, MUI type lists in a .mui, ...).
	AnomMUIUnexpectedField = "mui/unexpected-field"
	// AnomMUIUnknownLanguage: a language name is not a known Windows locale
	// name.
	AnomMUIUnknownLanguage = "mui/unknown-language"
	// AnomMUILimit: a type list exceeded maxMUITypes entries.
	AnomMUILimit = "mui/limit"
)

// anomalies collects anomalies for one decode; the zero value is ready.
type anomalies struct {
	list []Anomaly
}

func (a *anomalies) add(code string, off int, format string, args ...any) {
	if len(a.list) >= maxAnomalies {
		return
	}
	a.addAlways(code, off, format, args...)
}

// addAlways adds an anomaly even past maxAnomalies; for the one-off limit
// anomalies, which must not be lost to the cap they report.
func (a *anomalies) addAlways(code string, off int, format string, args ...any) {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	a.list = append(a.list, Anomaly{Code: code, Msg: msg, Offset: off})
}

// anomalyCodes lists every Code the decoders of this package report;
// TestAnomalyCodesComplete checks it against the sources.
var anomalyCodes = []string{
	"mui/bad-length",
	"mui/bad-list-length",
	"mui/bad-offset",
	"mui/limit",
	"mui/reserved-nonzero",
	"mui/truncated",
	"mui/unexpected-field",
	"mui/unknown-fallback-location",
	"mui/unknown-file-type",
	"mui/unknown-language",
	"mui/unknown-version",
	"mui/unterminated-string",
	"version/bad-fixed-signature",
	"version/bad-root-key",
	"version/bad-table-key",
	"version/bad-translation",
	"version/bad-type",
	"version/container-value",
	"version/duplicate-key",
	"version/extra-padding",
	"version/fixed-length-mismatch",
	"version/fixed-truncated",
	"version/length-mismatch",
	"version/length-overflow",
	"version/length-too-small",
	"version/limit",
	"version/missing-padding",
	"version/missing-stringfileinfo",
	"version/no-fixed-info",
	"version/odd-key",
	"version/truncated",
	"version/unknown-node",
	"version/unterminated-key",
	"version/value-length-bytes",
	"version/value-length-mismatch",
	"version/value-length-zero",
	"version/value-unterminated",
}

// AnomalyCodes returns every Anomaly.Code this package can report, sorted.
func AnomalyCodes() []string { return append([]string(nil), anomalyCodes...) }
