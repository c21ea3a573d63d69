package rsrc

import (
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

func TestDecodeUTF16(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, ""},
		{"ascii", utf16le("ALG.exe"), "ALG.exe"},
		{"latin-1", utf16le("Microsoft® Windows® ©"), "Microsoft® Windows® ©"},
		{"cyrillic", utf16le("Служба шлюза уровня приложения"), "Служба шлюза уровня приложения"},
		{"cjk", utf16le("应用层网关服务"), "应用层网关服务"},
		{"A一B (0x4E00 has a zero low byte)", []byte{0x41, 0, 0x00, 0x4E, 0x42, 0}, "A一B"},
		{"surrogate pair U+1F600", []byte{0x3D, 0xD8, 0x00, 0xDE}, "😀"},
		{"pair between text", utf16le("a😀b"), "a😀b"},
		{"stops at NUL", append(utf16zTest("abc"), utf16le("def")...), "abc"},
		{"NUL first", []byte{0, 0, 'a', 0}, ""},
		{"odd trailing byte ignored", append(utf16le("ab"), 'c'), "ab"},
		{"lone high surrogate at end", []byte{'a', 0, 0x3D, 0xD8}, "a\uFFFD"},
		{"high surrogate then letter", []byte{0x3D, 0xD8, 'b', 0}, "\uFFFDb"},
		{"lone low surrogate", []byte{0x00, 0xDE, 'c', 0}, "\uFFFDc"},
		{"two high surrogates then low", []byte{0x3D, 0xD8, 0x3D, 0xD8, 0x00, 0xDE}, "\uFFFD😀"},
		{"BMP private use and U+FFFF", []byte{0x00, 0xE0, 0xFF, 0xFF}, "\uE000\uFFFF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DecodeUTF16(tt.in)
			assert.Equal(t, tt.want, got)
			assert.True(t, utf8.ValidString(got))
		})
	}
}

func TestUTF16zConsumed(t *testing.T) {
	s, n, term := utf16z(append(utf16zTest("日本"), 'x', 0))
	assert.Equal(t, "日本", s)
	assert.Equal(t, 6, n)
	assert.True(t, term)
	s, n, term = utf16z(utf16le("日本"))
	assert.Equal(t, "日本", s)
	assert.Equal(t, 4, n)
	assert.False(t, term)
}
