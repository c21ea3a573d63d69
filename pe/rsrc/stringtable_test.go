package rsrc

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func algStringBlock(withNUL bool) []byte {
	var s [16]string
	s[0] = "Application Layer Gateway Service"
	s[1] = "Предоставляет поддержку сторонних подключаемых модулей протоколов 😀"
	s[5] = "应用层网关服务"
	s[15] = "A一B"
	return stringBlock(s, withNUL)
}

func TestParseStringBlock(t *testing.T) {
	for _, withNUL := range []bool{false, true} {
		got, err := ParseStringBlock(algStringBlock(withNUL), 8)
		require.NoError(t, err)
		require.Len(t, got, 4)
		assert.Equal(t, []uint32{112, 113, 117, 127}, []uint32{got[0].ID, got[1].ID, got[2].ID, got[3].ID})
		assert.Equal(t, "Application Layer Gateway Service", got[0].Value)
		assert.Equal(t, "Предоставляет поддержку сторонних подключаемых модулей протоколов 😀", got[1].Value)
		assert.Equal(t, "应用层网关服务", got[2].Value)
		assert.Equal(t, "A一B", got[3].Value)
		assert.Equal(t, 0, got[0].Offset)
	}
	// Alignment padding after the 16th slot is ignored.
	got, err := ParseStringBlock(append(algStringBlock(false), 0, 0, 0, 0), 1)
	require.NoError(t, err)
	assert.Equal(t, uint32(0), got[0].ID)
	// An all-empty block.
	got, err = ParseStringBlock(make([]byte, 32), 4096)
	require.NoError(t, err)
	assert.Empty(t, got)
}

func TestStringBlockID(t *testing.T) {
	for _, tt := range []struct {
		id    uint16
		block uint32
		slot  int
	}{{112, 8, 0}, {113, 8, 1}, {0, 1, 0}, {15, 1, 15}, {16, 2, 0}, {65535, 4096, 15}} {
		b, s := StringBlockID(tt.id)
		assert.Equal(t, tt.block, b, "id %d", tt.id)
		assert.Equal(t, tt.slot, s, "id %d", tt.id)
	}
}

func TestParseStringBlockBadID(t *testing.T) {
	for _, id := range []uint32{0, 4097, 1 << 31} {
		got, err := ParseStringBlock(algStringBlock(false), id)
		assert.Nil(t, got)
		assert.ErrorIs(t, err, ErrBadID)
	}
}

func TestParseStringBlockEveryPrefix(t *testing.T) {
	full := algStringBlock(false)
	for n := 0; n < len(full); n++ {
		got, err := ParseStringBlock(append([]byte(nil), full[:n]...), 8)
		require.Error(t, err, "prefix %d", n)
		assert.ErrorIs(t, err, ErrTruncated)
		var fe *FormatError
		require.True(t, errors.As(err, &fe))
		assert.True(t, strings.HasPrefix(fe.Error(), "rsrc: string table truncated at 0x"), fe.Error())
		assert.LessOrEqual(t, len(got), 4)
		for _, e := range got { // entries returned are complete
			assert.LessOrEqual(t, e.Offset, n)
		}
	}
}

func TestParseStringBlockHugeCount(t *testing.T) {
	b := []byte{0xFF, 0xFF, 'a', 0}
	got, err := ParseStringBlock(b, 1)
	assert.Empty(t, got)
	assert.ErrorIs(t, err, ErrTruncated)
}

func TestParseMessageTable(t *testing.T) {
	b := messageTable(
		msgBlock{low: 1, high: 3, msgs: []msgSpec{
			ansiMsg([]byte("Caf\xe9 costs \x80 5\r\n")...),
			unicodeMsg("Служба %1 не отвечает.\r\n"),
			utf8Msg("日本語 %1!s!\r\n"),
		}},
		msgBlock{low: 0xC0000005, high: 0xC0000006, msgs: []msgSpec{
			unicodeMsg("Access violation 😀"),
			unicodeMsg("A一B"),
		}},
	)
	got, err := ParseMessageTable(b)
	require.NoError(t, err)
	require.Len(t, got, 5)
	want := []struct {
		id    uint32
		flags uint16
		text  string
	}{
		{1, MessageANSI, "Café costs € 5\r\n"},
		{2, MessageUnicode, "Служба %1 не отвечает.\r\n"},
		{3, MessageUTF8, "日本語 %1!s!\r\n"},
		{0xC0000005, MessageUnicode, "Access violation 😀"},
		{0xC0000006, MessageUnicode, "A一B"},
	}
	for i, w := range want {
		assert.Equal(t, w.id, got[i].ID)
		assert.Equal(t, w.flags, got[i].Flags)
		assert.Equal(t, w.text, got[i].Text)
	}
	assert.Equal(t, 4+2*12, got[0].Offset)
}

func TestParseMessageTableEveryPrefix(t *testing.T) {
	full := messageTable(
		msgBlock{low: 10, high: 11, msgs: []msgSpec{unicodeMsg("first\r\n"), ansiMsg([]byte("second")...)}},
		msgBlock{low: 20, high: 20, msgs: []msgSpec{unicodeMsg("third")}},
	)
	for n := 0; n < len(full); n++ {
		got, err := ParseMessageTable(append([]byte(nil), full[:n]...))
		require.Error(t, err, "prefix %d", n)
		assert.ErrorIs(t, err, ErrTruncated, "prefix %d", n)
		assert.LessOrEqual(t, len(got), 3)
	}
}

func TestParseMessageTableMalformed(t *testing.T) {
	good := func() []byte {
		return messageTable(
			msgBlock{low: 1, high: 2, msgs: []msgSpec{unicodeMsg("one"), unicodeMsg("two")}},
			msgBlock{low: 5, high: 5, msgs: []msgSpec{unicodeMsg("five")}},
		)
	}
	t.Run("inverted block skipped, others kept", func(t *testing.T) {
		b := good()
		putLE32(b, 4, 3) // LowId 3 > HighId 2
		got, err := ParseMessageTable(b)
		assert.ErrorIs(t, err, ErrBadLength)
		require.Len(t, got, 1)
		assert.Equal(t, "five", got[0].Text)
	})
	t.Run("zero-length entry terminates", func(t *testing.T) {
		b := good()
		putLE16(b, 28, 0) // first entry's Length
		got, err := ParseMessageTable(b)
		assert.ErrorIs(t, err, ErrBadLength)
		require.Len(t, got, 1)
		assert.Equal(t, uint32(5), got[0].ID)
	})
	t.Run("range longer than the entries", func(t *testing.T) {
		b := good()
		putLE32(b, 8, 0xFFFFFFFF) // HighId
		got, err := ParseMessageTable(b)
		assert.Error(t, err)
		assert.GreaterOrEqual(t, len(got), 3)
		assert.Less(t, len(got), 64)
	})
	t.Run("NumberOfBlocks beyond the data", func(t *testing.T) {
		b := good()
		putLE32(b, 0, 0x7FFFFFFF)
		got, err := ParseMessageTable(b)
		assert.ErrorIs(t, err, ErrTruncated)
		assert.Less(t, len(got), 64)
	})
	t.Run("entries offset out of range", func(t *testing.T) {
		b := good()
		putLE32(b, 12, 0xFFFFFFF0)
		got, err := ParseMessageTable(b)
		assert.ErrorIs(t, err, ErrTruncated)
		require.Len(t, got, 1)
	})
	t.Run("overlapping blocks hit the work budget", func(t *testing.T) {
		// One 64 KiB entry, and thousands of blocks that all point at it.
		const nb = 2000
		text := make([]byte, 0xFFF0)
		for i := range text {
			text[i] = 'x'
		}
		var b []byte
		b = le32(b, nb)
		entries := 4 + 12*nb
		for i := 0; i < nb; i++ {
			b = le32(b, uint32(i))
			b = le32(b, uint32(i))
			b = le32(b, uint32(entries))
		}
		b = le16(b, uint16(4+len(text)))
		b = le16(b, MessageANSI)
		b = append(b, text...)
		got, err := ParseMessageTable(b)
		assert.ErrorIs(t, err, ErrLimit)
		total := 0
		for _, m := range got {
			total += len(m.Text)
		}
		assert.LessOrEqual(t, total, messageWorkFactor*len(b)+messageWorkSlack)
	})
	t.Run("too short", func(t *testing.T) {
		got, err := ParseMessageTable([]byte{1, 0})
		assert.Nil(t, got)
		assert.ErrorIs(t, err, ErrTruncated)
	})
	t.Run("unknown flags decoded as ANSI", func(t *testing.T) {
		b := messageTable(msgBlock{low: 1, high: 1, msgs: []msgSpec{{flags: 0x80, text: []byte("hi")}}})
		got, err := ParseMessageTable(b)
		require.NoError(t, err)
		assert.Equal(t, "hi", got[0].Text)
		assert.Equal(t, uint16(0x80), got[0].Flags)
	})
}

func putLE16(b []byte, off int, v uint16) { b[off], b[off+1] = byte(v), byte(v>>8) }
func putLE32(b []byte, off int, v uint32) {
	putLE16(b, off, uint16(v))
	putLE16(b, off+2, uint16(v>>16))
}
