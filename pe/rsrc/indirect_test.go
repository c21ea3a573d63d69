package rsrc

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseIndirectString(t *testing.T) {
	tests := []struct {
		in   string
		want IndirectString
	}{
		{`@%SystemRoot%\system32\alg.exe,-112`, IndirectString{Path: `%SystemRoot%\system32\alg.exe`, ID: 112}},
		{`@file.dll,-5`, IndirectString{Path: "file.dll", ID: 5}},
		{`@%SystemRoot%\system32\shell32.dll,-8964;v2`, IndirectString{Path: `%SystemRoot%\system32\shell32.dll`, ID: 8964, Comment: "v2"}},
		{`@C:\Program Files\a,b\x.dll,-7`, IndirectString{Path: `C:\Program Files\a,b\x.dll`, ID: 7}},
		{`@x.dll,-1;comment, with comma`, IndirectString{Path: "x.dll", ID: 1, Comment: "comment, with comma"}},
		// The last ",<number>" wins, as in RegLoadMUIString (wcsrchr).
		{`@x.dll,-1;c,-9`, IndirectString{Path: "x.dll,-1;c", ID: 9}},
		{`@x.dll,3`, IndirectString{Path: "x.dll", ID: 3, ByIndex: true}},
		{`@x.dll,-0`, IndirectString{Path: "x.dll", ID: 0}},
		{`@x.dll,-65535`, IndirectString{Path: "x.dll", ID: 65535}},
		{"  @x.dll,-4\t", IndirectString{Path: "x.dll", ID: 4}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseIndirectString(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			again, err := ParseIndirectString(got.String())
			require.NoError(t, err)
			assert.Equal(t, got, again)
		})
	}
}

func TestParseIndirectStringErrors(t *testing.T) {
	tests := []struct {
		in   string
		want error
	}{
		{"", ErrNotIndirect},
		{"Application Layer Gateway Service", ErrNotIndirect},
		{`%SystemRoot%\alg.exe,-112`, ErrNotIndirect},
		{"@", ErrBadReference},
		{"@alg.exe", ErrBadReference},
		{"@alg.exe,", ErrBadReference},
		{"@alg.exe,-", ErrBadReference},
		{"@alg.exe,-x1", ErrBadReference},
		{"@alg.exe, -112", ErrBadReference},
		{"@alg.exe,-112 ", nil}, // trailing space trimmed
		{"@alg.exe,- 112", ErrBadReference},
		{"@,-112", ErrBadReference},
		{"@alg.exe,-65536", ErrBadReference},
		{"@alg.exe,-99999999999999999999", ErrBadReference},
		{"@{Microsoft.WindowsCalculator_8wekyb3d8bbwe?ms-resource://Microsoft.WindowsCalculator/Resources/AppName}", ErrBadReference},
		{"@" + strings.Repeat("a", maxIndirectLen) + ",-1", ErrBadReference},
	}
	for _, tt := range tests {
		_, err := ParseIndirectString(tt.in)
		if tt.want == nil {
			assert.NoError(t, err, tt.in)
			continue
		}
		assert.ErrorIs(t, err, tt.want, tt.in)
		var fe *FormatError
		assert.True(t, errors.As(err, &fe), tt.in)
		assert.True(t, strings.HasPrefix(err.Error(), "rsrc: indirect string "), err.Error())
	}
}

func TestIndirectStringResolveSteps(t *testing.T) {
	r, err := ParseIndirectString(`@%SystemRoot%\system32\alg.exe,-112`)
	require.NoError(t, err)
	p, err := r.Expand(map[string]string{"SYSTEMROOT": `C:\Windows`})
	require.NoError(t, err)
	assert.Equal(t, `C:\Windows\system32\alg.exe`, p)
	block, slot := r.StringBlock()
	assert.Equal(t, uint32(8), block)
	assert.Equal(t, 0, slot)
}

func TestExpandVars(t *testing.T) {
	vars := map[string]string{
		"SystemRoot":   `C:\Windows`,
		"ProgramFiles": `C:\Program Files`,
		"LOOP":         "%LOOP%",
		"empty":        "",
	}
	tests := []struct {
		in, want string
		undef    bool
	}{
		{`%SystemRoot%\system32`, `C:\Windows\system32`, false},
		{`%systemroot%\system32`, `C:\Windows\system32`, false},
		{`%ProgramFiles%\%SystemRoot%`, `C:\Program Files\C:\Windows`, false},
		{`no vars`, `no vars`, false},
		{`100%`, `100%`, false},
		{`%%`, `%%`, false},
		{`%empty%x`, `x`, false},
		{`%LOOP%`, `%LOOP%`, false}, // values are not expanded again
		{`%Nope%\x`, `%Nope%\x`, true},
		{`100%%SystemRoot%`, `100%C:\Windows`, false},
		{`a%Nope%SystemRoot%`, `a%NopeC:\Windows`, true},
	}
	for _, tt := range tests {
		got, err := ExpandVars(tt.in, vars)
		assert.Equal(t, tt.want, got, tt.in)
		if tt.undef {
			assert.ErrorIs(t, err, ErrUndefinedVariable, tt.in)
		} else {
			assert.NoError(t, err, tt.in)
		}
	}
	got, err := ExpandVars("%a%", nil)
	assert.Equal(t, "%a%", got)
	assert.ErrorIs(t, err, ErrUndefinedVariable)

	// Case-insensitive collisions resolve deterministically (sorted keys).
	got, err = ExpandVars("%x%", map[string]string{"X": "upper", "Xx": "no"})
	require.NoError(t, err)
	assert.Equal(t, "upper", got)

	// Expansion is capped.
	big := map[string]string{"B": strings.Repeat("b", 20000)}
	got, err = ExpandVars("%B%%B%%B%", big)
	assert.ErrorIs(t, err, ErrLimit)
	assert.Len(t, got, maxExpandedLen)
}
