package filerepbeam_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"github.com/stretchr/testify/require"
)

// TestCoreModuleHasNoBeam checks that the core module (the parent
// directory) depends on nothing from Beam, nor on this module.
func TestCoreModuleHasNoBeam(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", "-test", "./...")
	cmd.Dir = ".."
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	deps := strings.Fields(string(out))
	require.Greater(t, len(deps), 100, "go list gave too little to be the core module's dependencies")
	for _, d := range deps {
		require.NotContains(t, d, "github.com/apache/beam", "the core module imports Beam")
		require.False(t, strings.HasPrefix(d, "github.com/filerep/filerep/beam"), "the core module imports %s", d)
		require.NotContains(t, d, "cloud.google.com/go", "the core module imports Beam's dependency %s", d)
	}
}

func TestMain(m *testing.M) {
	ptest.MainWithDefault(m, "prism")
}
