// Package textsafe makes strings that come from files and telemetry safe to
// print as text on a terminal. A PE file's version strings, section names
// and certificate subjects, and the strings crowd telemetry reports, are
// chosen by whoever made the file or sent the sample: printed as they are,
// an ESC sequence could clear the screen or set the window title, a CR or
// LF could forge a table row, and a bidi override could show a name
// reversed.
//
// [String] replaces each such character with a visible escape. It is for
// text output only: JSON output keeps the original strings (encoding/json
// escapes control characters itself), and the escapes are not meant to be
// decoded back (a backslash in the input is printed as it is, so that
// Windows paths stay readable).
package textsafe

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// String returns s with every character that can control a terminal or
// reorder the text around it replaced by a visible escape:
//
//   - C0 controls U+0000–U+001F (TAB, LF, CR and ESC included) and DEL
//     U+007F as \xHH: "\x1b", "\x0a";
//   - C1 controls U+0080–U+009F, the bidi embeddings and overrides
//     U+202A–U+202E, the bidi isolates U+2066–U+2069, the bidi marks
//     U+200E, U+200F and U+061C, and the line and paragraph separators
//     U+2028 and U+2029 as \uHHHH: "\u202e";
//   - each byte of invalid UTF-8 as \xHH.
//
// Everything else, printable non-ASCII text included, is kept. s is
// returned as it is, without allocating, when it needs no escape.
func String(s string) string {
	i := firstUnsafe(s)
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			b.WriteByte(c)
			i++
			continue
		}
		if c < utf8.RuneSelf { // C0 or DEL
			writeHex(&b, `\x`, uint32(c), 2)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			writeHex(&b, `\x`, uint32(c), 2)
		case unsafeRune(r):
			writeHex(&b, `\u`, uint32(r), 4)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// Join escapes each element of elems with [String] and joins them with
// sep, which is printed as it is.
func Join(elems []string, sep string) string {
	safe := make([]string, len(elems))
	for i, e := range elems {
		safe[i] = String(e)
	}
	return strings.Join(safe, sep)
}

// firstUnsafe returns the index of the first byte of s that starts a
// character String escapes, or len(s).
func firstUnsafe(s string) int {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			return i
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n == 1) || unsafeRune(r) {
			return i
		}
		i += n
	}
	return len(s)
}

// unsafeRune reports whether String escapes the non-ASCII rune r.
func unsafeRune(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f: // C1
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069: // bidi embeddings, overrides, isolates
		return true
	case r == 0x200e, r == 0x200f, r == 0x061c: // bidi marks
		return true
	case r == 0x2028, r == 0x2029: // line and paragraph separators
		return true
	}
	return false
}

// writeHex writes prefix and v in lower-case hex, zero-padded to width
// digits.
func writeHex(b *strings.Builder, prefix string, v uint32, width int) {
	b.WriteString(prefix)
	h := strconv.FormatUint(uint64(v), 16)
	for range width - len(h) {
		b.WriteByte('0')
	}
	b.WriteString(h)
}
