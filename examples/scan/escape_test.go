package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestScanEscapesPathsOnStderr: a path with terminal controls in its name
// is reported on stderr escaped.
func TestScanEscapesPathsOnStderr(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "evil\x1b[2J\r\n| forged \u202e")
	var stdout, stderr bytes.Buffer
	run(context.Background(), []string{"-q", missing}, &stdout, &stderr)
	out := stderr.String()
	assert.Contains(t, out, `evil\x1b[2J\x0d\x0a| forged \u202e`)
	assert.NotContains(t, out, "\x1b")
	assert.NotContains(t, out, "\r")
	assert.NotContains(t, out, "\u202e")
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		assert.True(t, strings.HasPrefix(line, "scan: "), "one line per message: %q", line)
	}
}
