package detect

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestIndexRare: indexRare and lastIndexRare find what bytes.Index and
// bytes.LastIndex find, on random haystacks over a small alphabet (many
// near misses) and on the needles the rules search for.
func TestIndexRare(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const alphabet = "GC: (ab\x00\xff"
	gen := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return b
	}
	check := func(b []byte, s string) {
		require.Equal(t, bytes.Index(b, []byte(s)), indexRare(b, s, rarest(s)), "%q in %q", s, b)
		require.Equal(t, bytes.LastIndex(b, []byte(s)), lastIndexRare(b, []byte(s)), "last %q in %q", s, b)
	}
	for range 20000 {
		b := gen(rng.IntN(64))
		s := string(gen(rng.IntN(5)))
		if rng.IntN(3) == 0 && len(b) > 0 { // a needle that is there
			lo := rng.IntN(len(b))
			s = string(b[lo:min(len(b), lo+1+rng.IntN(6))])
		}
		check(b, s)
	}
	text := []byte("xx GCC: (GNU) 12 GCC: (GNU) 13 /rustc/abc MEI\x0c\x0b\x0a\x0b\x0e")
	for _, s := range []string{"GCC: (", "/rustc/", "MEI\x0c\x0b\x0a\x0b\x0e", "x", "zz", "", string(text), string(text) + "!"} {
		check(text, s)
	}
}

// TestHasPrefixFold: hasPrefixFold agrees with lower-casing first.
func TestHasPrefixFold(t *testing.T) {
	for _, s := range []string{"", "u", "UPX0", "upx1", ".UPX", ".upx0", "UpX", "\u212Apx", "U\u0130X", "\xffupx", ".Upx", "\x0eupx", "upy"} {
		for _, p := range []string{"upx", ".upx"} {
			require.Equal(t, strings.HasPrefix(strings.ToLower(s), p), hasPrefixFold(s, p), "%q %q", s, p)
		}
	}
}

// TestHasLower: hasLower agrees with lower-casing the name first.
func TestHasLower(t *testing.T) {
	lower := []string{"kernel32.dll", "msvcrt.dll", "ünï.dll", strings.ToLower("K\u212Aa.DLL")}
	bloom := uint64(0)
	for _, l := range lower {
		bloom |= nameBit(l)
	}
	for _, n := range []string{"KERNEL32.DLL", "kernel32.dll", "Kernel32.dl", "MSVCRT.dll", "ÜNÏ.dll", "ünï.dll", "K\u212Aa.DLL", "kka.dll", "", "msvcrt.dlL\x00"} {
		require.Equal(t, slices.Contains(lower, strings.ToLower(n)), hasLower(lower, bloom, n), "%q", n)
	}
}
