package pe

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRVAMap checks the RVA mapping every reader of the package shares
// with pefile: sections sorted by address, each clipped at the next one,
// and RVAs in no section taken as file offsets.
func TestRVAMap(t *testing.T) {
	h := &Header{FileAlignment: 0x200, SectionAlignment: 0x1000, SizeOfOptionalHeader: 224, NTOffset: 0x40}
	b := make([]byte, 0x2000)
	table := 0x40 + 24 + 224
	put := func(i int, name string, va, vsize, ptr, raw uint32) {
		e := table + 40*i
		copy(b[e:], name)
		le32(b, e+8, vsize)
		le32(b, e+12, va)
		le32(b, e+16, raw)
		le32(b, e+20, ptr)
	}
	put(0, "second", 0x2000, 0x1000, 0x600, 0x200)
	put(1, "first\x00x", 0x1000, 0x3000, 0x400, 0x200) // clipped at 0x2000
	put(2, "past", 0x3000, 0x100, 0x5000, 0x200)       // raw data beyond the file
	m := newRVAMap(b, h, 3)
	secs := m.secs
	require.Len(t, secs, 3)
	assert.Equal(t, []string{"firstx", "second", "past"}, []string{secs[0].name, secs[1].name, secs[2].name})
	r := &importReader{data: b, m: m}
	for _, c := range []struct {
		rva  uint32
		off  uint32
		ok   bool
		desc string
	}{
		{0x1010, 0x410, true, "first"},
		{0x2010, 0x610, true, "second, not first's tail"},
		{0x3010, 0x5010, true, "past: mapped, read fails later"},
		{0x1f00, 0x1f00 - 0x1000 + 0x400, true, "first"},
		{0x3300, 0, false, "past its size, beyond the file"},
		{0x800, 0x800, true, "in no section, inside the file"},
		{0x9000, 0, false, "in no section, beyond the file"},
	} {
		off, ok := r.offset(c.rva)
		assert.Equal(t, c.ok, ok, c.desc)
		if ok {
			assert.Equal(t, c.off, off, c.desc)
		}
	}
	_, ok := r.read(0x5010, 4)
	assert.False(t, ok)

	// Three faults in one entry end the table there.
	put(1, "bad", 0x20000000, 0x20000000, 0x7000, 0x200)
	assert.Len(t, newRVAMap(b, h, 3).secs, 1)
}
