package detect

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGoWithoutBuildInfo strips the Go samples the way some releases ship
// (esbuild's Windows binaries carry neither build info nor a build ID):
// the build info and build ID headers are overwritten, and the language
// must still come from the runtime's function table, which Go's linker
// writes into .rdata (debug/gosym/pclntab.go, runtime/symtab.go).
func TestGoWithoutBuildInfo(t *testing.T) {
	samples := sampleBytes(t)
	for _, name := range []string{"go-amd64.exe", "go-386.exe"} {
		b := bytes.Clone(samples[name])
		for _, mark := range [][]byte{goBuildInfoMagic, goBuildID} {
			n := 0
			for i := bytes.Index(b, mark); i >= 0; i = bytes.Index(b, mark) {
				copy(b[i:], bytes.Repeat([]byte{'x'}, len(mark)))
				n++
			}
			require.Positive(t, n, "%s: %q", name, mark)
		}
		d := runDefault(parseOK(t, name, b))
		require.NotNil(t, d.Compiler, name)
		assert.Equal(t, "compiler/go", d.Compiler.RuleID, name)
		assert.Equal(t, "Go", d.CodeLanguage, name)
		var kinds []string
		for _, e := range d.Compiler.Evidence {
			kinds = append(kinds, e.Kind)
		}
		assert.Contains(t, kinds, "go-pclntab", name)

		// Without the function table's runtime names there is nothing left
		// to call it Go by.
		for i := bytes.Index(b, []byte("runtime.goexit")); i >= 0; i = bytes.Index(b, []byte("runtime.goexit")) {
			b[i] = 'R'
		}
		d = runDefault(parseOK(t, name, b))
		assert.NotEqual(t, "Go", d.CodeLanguage, name)
	}
}
