package detect

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPatternSyntax(t *testing.T) {
	for _, bad := range []string{"", "6", "6G", "'open", "  "} {
		_, err := CompilePattern(bad)
		assert.Error(t, err, "%q", bad)
	}
	p, err := CompilePattern("60 be....?? 'UPX!' $$$$$$$$ $$")
	require.NoError(t, err)
	assert.Equal(t, "60 be....?? 'UPX!' $$$$$$$$ $$", p.String())
	assert.Panics(t, func() { MustPattern("zz") })
}

func TestPatternMatch(t *testing.T) {
	b := []byte{0x90, 0x60, 0xBE, 1, 2, 3, 4, 'U', 'P', 'X', '!'}
	p := MustPattern("60BE........'UPX!'")
	assert.True(t, p.MatchAt(b, 1))
	assert.False(t, p.MatchAt(b, 0))
	assert.False(t, p.MatchAt(b, -1))
	assert.Equal(t, 1, p.Index(b))
	assert.Equal(t, -1, p.Index(b[2:]))
	assert.Equal(t, -1, MustPattern("60BE........'UPX!'00").Index(b), "runs past the end")

	// A pattern starting with wildcards has no anchor byte.
	assert.Equal(t, 2, MustPattern("....01020304").Index([]byte{0, 0, 0xAA, 0xBB, 1, 2, 3, 4}))

	// $$$$$$$$ follows a rel32 jump (E9 rel32), $$ a rel8 one (EB rel8).
	code := []byte{0xE9, 0x03, 0x00, 0x00, 0x00, 0xCC, 0xCC, 0xCC, 0xEB, 0x01, 0xCC, 0x55, 0x8B, 0xEC}
	assert.True(t, MustPattern("E9$$$$$$$$ EB$$ 558BEC").MatchAt(code, 0))
	assert.False(t, MustPattern("E9$$$$$$$$ EB$$ 5589").MatchAt(code, 0))
	back := []byte{0x55, 0xEB, 0xFD} // jmp back to the first byte
	assert.True(t, MustPattern("EB$$ 55").MatchAt(back, 1))
	assert.False(t, MustPattern("E9$$$$$$$$").MatchAt([]byte{0xE9, 0xFF, 0xFF, 0xFF, 0x7F}, 0), "target outside")

	// Jump loops end: at most maxPatternJumps jumps are followed.
	loop := []byte{0xEB, 0xFE}
	assert.False(t, MustPattern("EB$$EB$$EB$$EB$$EB$$EB$$EB$$EB$$EB$$EB$$").MatchAt(loop, 0))
}
