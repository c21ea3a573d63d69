package rsrc

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAnomalyCodesComplete: every code literal in the decoders' sources is
// in AnomalyCodes, and the list is sorted and free of duplicates.
func TestAnomalyCodesComplete(t *testing.T) {
	known := map[string]bool{}
	for _, c := range AnomalyCodes() {
		assert.False(t, known[c], "listed twice: %s", c)
		known[c] = true
	}
	assert.True(t, sort.StringsAreSorted(AnomalyCodes()))
	// Constants (Anom… = "version/…") and literals passed to add.
	lit := regexp.MustCompile(`(?:=|add\(|addAlways\()\s*"((?:version|mui)/[a-z0-9-]+)"`)
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, m := range lit.FindAllStringSubmatch(string(b), -1) {
			assert.True(t, known[m[1]], "%s: %s is not in AnomalyCodes", f, m[1])
			n++
		}
	}
	assert.Greater(t, n, 30)
}
