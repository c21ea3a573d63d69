package pe

import (
	"os"
	"testing"

	"github.com/filerep/filerep/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReadAccessors checks SectionData, RVAToOffset and CLRAssemblyRefs
// against the samples: a section's data starts where RVAToOffset maps its
// RVA, and lies inside Data.
func TestReadAccessors(t *testing.T) {
	samples := map[string][]byte{}
	for _, s := range testutil.Samples(t) {
		b, err := os.ReadFile(s.Path)
		require.NoError(t, err)
		samples[s.Rel] = b
	}
	f := parseOK(t, "mingw-console-x64.exe", samples["mingw-console-x64.exe"])
	require.NotEmpty(t, f.Sections)
	for i, s := range f.Sections {
		b, off := f.SectionData(i)
		assert.LessOrEqual(t, len(b), int(s.RawSize), s.Name)
		if s.RawSize > 0 {
			at, ok := f.RVAToOffset(s.VirtualAddress)
			require.True(t, ok, s.Name)
			assert.Equal(t, at, off, s.Name)
			assert.Equal(t, f.Data()[off:off+int64(len(b))], b, s.Name)
		}
	}
	b, off := f.SectionData(len(f.Sections))
	assert.Nil(t, b)
	assert.Equal(t, int64(-1), off)
	_, ok := f.RVAToOffset(0xfffffff0)
	assert.False(t, ok)
	assert.Nil(t, f.CLRAssemblyRefs())

	f = parseOK(t, "dotnet-cs.exe", samples["dotnet-cs.exe"])
	refs := f.CLRAssemblyRefs()
	assert.Contains(t, refs, "mscorlib")
	refs[0] = "changed"
	assert.NotEqual(t, "changed", f.CLRAssemblyRefs()[0], "a copy")
}
