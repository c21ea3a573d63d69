package detect

import (
	"bytes"
	"slices"
	"strings"
	"unsafe"
)

// String searches anchored on the rarest byte of the needle.
//
// bytes.Index looks for the needle's first byte and compares from each
// hit; in code and data, first bytes such as 'G' or '.' hit every few
// dozen bytes. Looking for the needle's rarest byte instead ('(' of
// "GCC: (", '/' of "/rustc/") visits far fewer candidates. The result is
// the same: candidates come in increasing order of their start.

// byteRank orders the byte values by how often they occur in PE files,
// 0 the rarest: measured over the samples of testdata/pe and the PE files
// of saferwall/pe's test folder (each file weighted alike).
var byteRank = [256]uint8{
	255, 252, 243, 222, 242, 217, 210, 196, 229, 184, 190, 170, 209, 188, 180, 244, // 0x00
	240, 157, 127, 125, 186, 198, 105, 112, 187, 107, 65, 79, 129, 97, 76, 202, // 0x10
	248, 111, 103, 84, 245, 168, 101, 86, 207, 164, 99, 104, 126, 133, 201, 67, // 0x20
	233, 211, 197, 166, 150, 110, 113, 95, 182, 191, 137, 123, 148, 120, 87, 119, // 0x30
	228, 230, 142, 206, 236, 223, 162, 155, 253, 213, 85, 98, 225, 193, 161, 130, // 0x40
	215, 77, 146, 203, 200, 195, 183, 159, 152, 96, 177, 136, 156, 122, 135, 185, // 0x50
	178, 237, 144, 212, 208, 249, 216, 167, 189, 238, 93, 102, 227, 205, 234, 231, // 0x60
	218, 41, 241, 220, 247, 219, 138, 153, 173, 158, 34, 32, 124, 64, 100, 92, // 0x70
	214, 154, 57, 239, 204, 224, 94, 59, 176, 250, 42, 251, 114, 235, 74, 106, // 0x80
	221, 15, 18, 11, 60, 20, 6, 4, 81, 2, 12, 0, 48, 3, 1, 9, // 0x90
	131, 46, 22, 33, 66, 39, 21, 13, 89, 30, 26, 5, 90, 8, 25, 70, // 0xa0
	140, 16, 7, 51, 72, 23, 121, 88, 160, 141, 118, 31, 40, 45, 55, 50, // 0xb0
	226, 181, 149, 199, 165, 71, 139, 194, 151, 145, 38, 82, 246, 54, 69, 75, // 0xc0
	175, 61, 128, 62, 44, 24, 78, 68, 134, 80, 52, 109, 27, 49, 29, 19, // 0xd0
	163, 58, 73, 14, 63, 28, 17, 10, 232, 192, 43, 179, 169, 37, 36, 53, // 0xe0
	172, 83, 108, 47, 56, 35, 132, 115, 174, 116, 117, 91, 143, 147, 171, 254, // 0xf0
}

// rarest returns the index in s of its rarest byte (the first one among
// equals), 0 for an empty s.
func rarest(s string) int {
	k := 0
	for i := 1; i < len(s); i++ {
		if byteRank[s[i]] < byteRank[s[k]] {
			k = i
		}
	}
	return k
}

// indexRare returns the index of the first occurrence of s in b, or -1,
// as bytes.Index does, looking for s[k] first (k is rarest(s)).
func indexRare(b []byte, s string, k int) int {
	n := len(s)
	switch {
	case n == 0:
		return 0
	case n == 1:
		return bytes.IndexByte(b, s[0])
	case n > len(b):
		return -1
	}
	c := s[k]
	// s[k] sits at i+k for a match at i, with i+n <= len(b).
	last := len(b) - n + k // the last place s[k] may sit
	for from := k; from <= last; {
		j := bytes.IndexByte(b[from:last+1], c)
		if j < 0 {
			return -1
		}
		at := from + j - k
		if b[at] == s[0] && b[at+n-1] == s[n-1] && string(b[at:at+n]) == s {
			return at
		}
		from += j + 1
	}
	return -1
}

// lastIndexRare returns the index of the last occurrence of s in b, or -1,
// as bytes.LastIndex does, looking for the rarest byte of s first.
func lastIndexRare(b []byte, s []byte) int {
	n := len(s)
	switch {
	case n == 0:
		return len(b)
	case n > len(b):
		return -1
	}
	k := rarest(string(s))
	c := s[k]
	end := len(b) - n + k + 1 // s[k] sits before end
	for end > k {
		j := bytes.LastIndexByte(b[k:end], c)
		if j < 0 {
			return -1
		}
		at := j // b[k+j] is c: a match would start at j
		if bytes.Equal(b[at:at+n], s) {
			return at
		}
		end = k + j
	}
	return -1
}

// hasPrefixFold is strings.HasPrefix(strings.ToLower(s), prefix) for a
// prefix of lower-case ASCII letters and punctuation, without building the
// lower-case copy: only 'A'–'Z' fold (no other rune lower-cases to ASCII
// but the Kelvin sign and the dotted capital I, to 'k' and 'i').
func hasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != prefix[i] {
			return false
		}
	}
	return true
}

// index is bytes.Index(b, s) through indexRare.
func index(b, s []byte) int {
	str := unsafe.String(unsafe.SliceData(s), len(s))
	return indexRare(b, str, rarest(str))
}

// isASCII reports whether s is ASCII only.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// hasLower reports whether lower, a list of lower-case names, holds
// strings.ToLower(name); an ASCII name is compared without lower-casing
// it first.
func hasLower(lower []string, bloom uint64, name string) bool {
	if !isASCII(name) {
		return slices.Contains(lower, strings.ToLower(name))
	}
	if len(name) > 0 {
		// nameBit reads the length and the first and last bytes: lower-case
		// those as the list's names are.
		first, last := lowerByte(name[0]), lowerByte(name[len(name)-1])
		if bloom&(1<<((uint(len(name))*7+uint(first)+uint(last)*3)%64)) == 0 {
			return false
		}
	}
	for _, l := range lower {
		if len(l) == len(name) && equalLowerASCII(l, name) {
			return true
		}
	}
	return false
}

// lowerByte lower-cases an ASCII letter.
func lowerByte(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// equalLowerASCII reports whether lower equals name with A–Z lower-cased
// (same length; name is ASCII).
func equalLowerASCII(lower, name string) bool {
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if lower[i] != c {
			return false
		}
	}
	return true
}
