package textsafe

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

func TestString(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"Microsoft Corporation", "Microsoft Corporation"},
		{`C:\Windows\System32\alg.exe`, `C:\Windows\System32\alg.exe`},
		{"Service de la passerelle · été 日本語 😀", "Service de la passerelle · été 日本語 😀"},
		{"\x1b[2J\x1b]0;pwned\x07", `\x1b[2J\x1b]0;pwned\x07`},
		{"a\r\nb\tc\x00d\x7f", `a\x0d\x0ab\x09c\x00d\x7f`},
		{"x | injected: | 1 |\n| y", `x | injected: | 1 |\x0a| y`},
		{"\u0085\u009b2J", `\u0085\u009b2J`},
		{"Evil\u202eexe.txt", `Evil\u202eexe.txt`},
		{"\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069", `\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069`},
		{"\u200e\u200f\u061c\u2028\u2029", `\u200e\u200f\u061c\u2028\u2029`},
		{"bad \xff\xfe utf8 \xe2\x80", `bad \xff\xfe utf8 \xe2\x80`},
		{"é\xc3", `é\xc3`},
	} {
		got := String(tc.in)
		assert.Equal(t, tc.want, got, "%q", tc.in)
		assert.True(t, utf8.ValidString(got), "%q", got)
	}
}

// TestStringEscapesEveryControl walks every code point: none the rules
// name survives, every other one does.
func TestStringEscapesEveryControl(t *testing.T) {
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if r >= 0xd800 && r <= 0xdfff {
			continue
		}
		s := string(r)
		want := r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) ||
			(r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) ||
			r == 0x200e || r == 0x200f || r == 0x061c || r == 0x2028 || r == 0x2029
		got := String(s)
		if want {
			if strings.ContainsRune(got, r) {
				t.Fatalf("U+%04X kept", r)
			}
		} else if got != s {
			t.Fatalf("U+%04X changed to %q", r, got)
		}
	}
}

func TestStringNoAllocWhenSafe(t *testing.T) {
	s := "Microsoft® Windows® Operating System"
	assert.Zero(t, testing.AllocsPerRun(100, func() { _ = String(s) }))
}

func TestJoin(t *testing.T) {
	assert.Equal(t, `a\x0a, b`, Join([]string{"a\n", "b"}, ", "))
	assert.Equal(t, "", Join(nil, ", "))
}

func ExampleString() {
	company := "Contoso\x1b[2J\u202eexe.gpj"
	fmt.Println(String(company))
	// Output: Contoso\x1b[2J\u202eexe.gpj
}
