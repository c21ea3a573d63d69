package stats

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hostile is what a crowd sample could carry: a screen clear, a window
// title, a bell, a CR/LF that forges a table row, C1 CSI, DEL and bidi
// controls.
func hostile(label string) string {
	return label + "\x1b[2J\x1b]0;title\x07\r\n| injected: | 1 |\u009b2J\x7f\u202eexe.txt\u2066"
}

// TestWriteTextEscapesControls: no crowd-supplied string reaches the
// terminal raw, and the summary (the JSON form) keeps the originals.
func TestWriteTextEscapesControls(t *testing.T) {
	a, err := NewAggregator(WithMinParticipants(3))
	require.NoError(t, err)
	for i := range 3 {
		s := Sample{
			Participant: fmt.Sprint("p-", i),
			File:        FileRef{Name: hostile("name.exe"), Path: hostile(`C:\dir\`) + "x.exe"},
			Machine:     Machine{OS: hostile("Windows 7"), Country: "US", Manufacturer: hostile("Dell"), Locale: "fr-FR"},
			Process: Process{IntegrityLevel: hostile("System"), Platform: hostile("32-bit"), CommandLine: hostile("cmd"),
				Owner: hostile("owner"), Parent: hostile("parent"),
				Service: Service{Name: hostile("svc"), DisplayName: hostile("display"), Description: hostile("desc"), Type: hostile("type")}},
		}
		s.Metrics.Set(Metric(0), 1)
		mod := Module{Name: hostile("evil.dll")}
		mod.Metrics.Set(ModuleMetric(0), 1)
		s.Modules = []Module{mod}
		require.NoError(t, a.Add(&s))
	}
	sums := a.Summaries()
	require.Len(t, sums, 1)
	s := sums[0]
	require.True(t, s.Published)
	assert.Equal(t, hostile("Windows 7"), s.Distribution.OS[0].Value, "the summary keeps the original")

	var b bytes.Buffer
	require.NoError(t, WriteText(&b, s, WithProduct(hostile("product"))))
	out := b.String()
	assert.True(t, utf8.ValidString(out))
	for i, line := range strings.Split(out, "\n") {
		assert.False(t, strings.HasPrefix(line, "| injected:"), "line %d is a forged row: %q", i+1, line)
		for _, r := range line {
			bad := r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) ||
				(r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
			assert.False(t, bad, "line %d holds U+%04X: %q", i+1, r, line)
		}
	}
	const esc = `\x1b[2J\x1b]0;title\x07\x0d\x0a| injected: | 1 |\u009b2J\x7f\u202eexe.txt\u2066`
	for _, want := range []string{"Windows 7", "Dell", "System", "32-bit", "cmd", "owner", "parent", "svc", "display", "desc", "type", "product"} {
		assert.Contains(t, out, want+esc, want)
	}
	assert.Contains(t, out, "| evil.dll"+strings.ToLower(esc)+" |", "module names are kept lower-cased")
}
