package pe

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pinnedAnomalyIDs is the list of anomaly identifiers of this package, as
// the JSON contract carries them. An identifier is never renamed or
// reused: a change here is a change of the contract (docs/report.md).
var pinnedAnomalyIDs = []string{
	"pe/alignment-invalid", "pe/checksum-invalid", "pe/coff-symbols-absurd", "pe/debug-data-claimed-again",
	"pe/debug-directory-skipped", "pe/debug-entry-past-eof", "pe/debug-entry-too-small", "pe/directories-skipped",
	"pe/directory-failed", "pe/empty-code-section", "pe/entry-outside-sections", "pe/entry-point-in-headers",
	"pe/entry-point-zero", "pe/exports-absurd", "pe/exports-unreadable", "pe/globalptr-outside-image",
	"pe/header-overlaps-dos-header", "pe/header-past-eof", "pe/image-base-invalid", "pe/import-no-name-no-ordinal",
	"pe/import-repeated-entries", "pe/import-thunk-out-of-range", "pe/import-thunks-spread-out", "pe/imports-truncated",
	"pe/manifest-unreadable", "pe/many-sections", "pe/messages-unreadable", "pe/mui-unreadable", "pe/no-sections",
	"pe/number-of-rva-and-sizes", "pe/optional-header-size-unusual", "pe/parser", "pe/parser-panic",
	"pe/relocations-absurd", "pe/reserved-field-set", "pe/resource-absurd", "pe/resource-loop",
	"pe/resource-truncated", "pe/resource-unreadable", "pe/rich-checksum-invalid", "pe/rich-dans-missing",
	"pe/rich-dans-offset", "pe/rich-header-undersized", "pe/rich-padding-not-zero", "pe/section-header-null",
	"pe/section-misaligned", "pe/section-past-eof", "pe/section-table-past-eof", "pe/section-virtual-range-huge",
	"pe/size-of-image-invalid", "pe/strings-unreadable", "pe/subsystem-version-unusual", "pe/timestamp-future",
	"pe/timestamp-zero", "pe/too-many-sections", "pe/version-limit", "pe/version-unreadable",
	"pe/writable-code-section",
}

func TestAnomalyIDsPinned(t *testing.T) {
	var ours []string
	for _, id := range AnomalyIDs() {
		if strings.HasPrefix(id, "pe/") {
			ours = append(ours, id)
		}
	}
	want := append([]string(nil), pinnedAnomalyIDs...)
	sort.Strings(want)
	assert.Equal(t, want, ours)
	idRE := regexp.MustCompile(`^[a-z]+/[a-z0-9]+(-[a-z0-9]+)*$`)
	for _, id := range AnomalyIDs() {
		assert.Regexp(t, idRE, id)
		assert.LessOrEqual(t, len(id), 40, id)
	}
}

// TestAnomalyIDsComplete: every "pe/…" identifier written in the
// package's sources is in AnomalyIDs, so none can appear in a report
// unlisted.
func TestAnomalyIDsComplete(t *testing.T) {
	known := map[string]bool{}
	for _, id := range AnomalyIDs() {
		known[id] = true
	}
	lit := regexp.MustCompile(`"(pe/[a-z0-9-]+)"`)
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, m := range lit.FindAllStringSubmatch(string(b), -1) {
			assert.True(t, known[m[1]], "%s: %s is not in AnomalyIDs", f, m[1])
		}
	}
}

// TestTruncatedFaultsOnce: a 1000-byte prefix of a real DLL (kernel32.dll
// of the saferwall/pe test files: 7 sections, all past the cut) lists each
// fault once, under our identifier, whoever else noticed it. It used to
// list 24 anomalies: each section three times, twice under identifiers
// made from the parser's text with the section name in them.
func TestTruncatedFaultsOnce(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/saferwall/pe").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	b, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "test", "kernel32.dll"))
	if err != nil {
		t.Skipf("no saferwall/pe test files: %v", err)
	}
	f, _ := Parse(context.Background(), b[:1000])
	require.NotNil(t, f)
	known := map[string]bool{}
	for _, id := range AnomalyIDs() {
		known[id] = true
	}
	seen := map[string]bool{}
	perID := map[string]int{}
	for _, a := range f.Anomalies {
		assert.True(t, known[a.ID], "unlisted id %s", a.ID)
		assert.False(t, seen[a.String()], "listed twice: %s", a)
		seen[a.String()] = true
		perID[a.ID]++
	}
	assert.Equal(t, 7, perID[AnoSectionPastEOF], "one per section: %v", f.Anomalies)
	assert.Len(t, f.Anomalies, 9, "%v", f.Anomalies)
}
