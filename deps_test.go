package filerep

import (
	"errors"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A program that analyses files links no SQLite: the knowledge-base store
// and its importers live in reputation/store, which neither this package
// nor the verdict package imports (issue 14: 17.2 MB binaries with it,
// 10.7 MB without).
func TestNoSQLiteDependency(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command in PATH")
	}
	out, err := exec.Command(goCmd, "list", "-deps", ".", "./reputation").Output()
	if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
		t.Logf("go list: %s", ee.Stderr)
	}
	require.NoError(t, err)
	deps := strings.Fields(string(out))
	require.Contains(t, deps, "github.com/filerep/filerep/reputation", "go list printed the dependencies")
	for _, d := range deps {
		assert.False(t, d == "modernc.org/sqlite" || strings.HasPrefix(d, "modernc.org/sqlite/"), "depends on %s", d)
		assert.NotEqual(t, "github.com/filerep/filerep/reputation/store", d)
		assert.NotEqual(t, "database/sql", d)
	}
}
