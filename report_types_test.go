package filerep

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/filerep/filerep/internal/testutil"
	"github.com/filerep/filerep/pe"
	"github.com/filerep/filerep/pe/rsrc"
	"github.com/filerep/filerep/reputation"
	"github.com/filerep/filerep/stats"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// foreignFields walks the type tree of t (fields, pointers, slices, maps'
// keys and values) and returns every place where a named type of another
// package appears, as "FileReport.PE.Overlay: pe.Overlay". Basic types
// are fine; unexported fields and fields marshalled as "-" are not part
// of the report.
func foreignFields(t reflect.Type) []string {
	root := reflect.TypeOf(FileReport{}).PkgPath()
	var out []string
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type, string)
	walk = func(ty reflect.Type, path string) {
		switch ty.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array:
			walk(ty.Elem(), path+"[]")
			return
		case reflect.Map:
			walk(ty.Key(), path+"{key}")
			walk(ty.Elem(), path+"{value}")
			return
		}
		if ty.PkgPath() != "" && ty.PkgPath() != root {
			out = append(out, path+": "+ty.String())
		}
		if seen[ty] {
			return
		}
		seen[ty] = true
		if ty.Kind() != reflect.Struct {
			return
		}
		for i := range ty.NumField() {
			f := ty.Field(i)
			if (!f.IsExported() && !f.Anonymous) || f.Tag.Get("json") == "-" {
				continue
			}
			walk(f.Type, path+"."+f.Name)
		}
	}
	walk(t, t.Name())
	return out
}

// TestReportTypesOwnedByRoot: every type in FileReport's JSON is defined
// in this package, so that its shape is this package's contract, not a
// side effect of pe's, rsrc's, reputation's or stats's types.
func TestReportTypesOwnedByRoot(t *testing.T) {
	foreign := foreignFields(reflect.TypeOf(FileReport{}))
	assert.Empty(t, foreign, "%d foreign fields in FileReport:\n%s", len(foreign), strings.Join(foreign, "\n"))
}

// TestForeignFieldsWalk: the walk finds what it is meant to find.
func TestForeignFieldsWalk(t *testing.T) {
	type inner struct {
		S *stats.Summary `json:"s"`
	}
	type probe struct {
		A      []map[stats.RejectReason]*stats.Mode `json:"a"`
		B      inner                                `json:"b"`
		Hidden stats.Known                          `json:"-"`
		c      stats.Entry
		D      int64    `json:"d"`
		E      Verdict  `json:"e"`
		F      *float64 `json:"f"`
	}
	_ = probe{}.c
	got := foreignFields(reflect.TypeOf(probe{}))
	assert.Contains(t, got, "probe.A[]{key}: stats.RejectReason")
	assert.Contains(t, got, "probe.A[]{value}[]: stats.Mode")
	assert.Contains(t, got, "probe.B.S[]: stats.Summary")
	assert.Contains(t, got, "probe.B.S[].ResourceUtilization[]: stats.Metrics")
	for _, f := range got {
		assert.NotContains(t, f, "Hidden")
		assert.NotContains(t, f, "probe.c")
		assert.NotContains(t, f, "probe.E")
	}
}

// goldenReports lists the committed report goldens: the samples'
// (testdata/golden) and the contract's (testdata/contract).
func goldenReports(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, dir := range []string{"golden", "contract"} {
		err := filepath.WalkDir(filepath.Join(testutil.RepoRoot(), "testdata", dir), func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".json") {
				files = append(files, p)
			}
			return err
		})
		require.NoError(t, err)
	}
	require.Greater(t, len(files), 30)
	return files
}

// TestReportJSONRoundTrip: every golden report decodes into a FileReport
// that marshals back to the same bytes. The one exception is encoding/
// json's, not the types': an invalid UTF-8 byte is written as the escape
// \ufffd, which decodes to U+FFFD, which is written as itself.
func TestReportJSONRoundTrip(t *testing.T) {
	for _, p := range goldenReports(t) {
		rel, _ := filepath.Rel(testutil.RepoRoot(), p)
		t.Run(rel, func(t *testing.T) {
			want, err := os.ReadFile(p)
			require.NoError(t, err)
			var rep FileReport
			require.NoError(t, json.Unmarshal(want, &rep))
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(!strings.HasSuffix(p, "-noescape.json"))
			enc.SetIndent("", "  ")
			require.NoError(t, enc.Encode(&rep))
			want = bytes.ReplaceAll(want, []byte(`\ufffd`), []byte("\uFFFD"))
			require.Equal(t, string(want), buf.String())
		})
	}
}

// TestTelemetryBackToSummary: the report's telemetry converts back to the
// stats.Summary it was made from (stats.WriteText renders that).
func TestTelemetryBackToSummary(t *testing.T) {
	for name, in := range map[string]contractInputs{"full": fullInputs(), "minimal": minimalInputs()} {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, in.telemetry, TelemetryFrom(in.telemetry).summary())
		})
	}
	assert.Nil(t, TelemetryFrom(nil))
	assert.Nil(t, (*Telemetry)(nil).summary())
}

// TestTelemetryMetricOrder: ResourceUtilization.All and
// TelemetryModule.Metrics yield stats' metric names in stats' order.
func TestTelemetryMetricOrder(t *testing.T) {
	var m stats.Metrics
	var want []string
	for k := range stats.Metric(stats.NumMetrics) {
		m.Set(k, float64(k)+0.5)
		want = append(want, k.String())
	}
	var got []string
	for path, v := range resourceUtilizationFrom(&m).All() {
		got = append(got, path)
		k := stats.Metric(slices.Index(want, path))
		mv, _ := m.Get(k)
		assert.Equal(t, mv, v, path)
	}
	assert.Equal(t, want, got)

	var mm stats.ModuleMetrics
	want = nil
	for k := range stats.ModuleMetric(stats.NumModuleMetrics) {
		mm.Set(k, float64(k)+0.25)
		want = append(want, k.String())
	}
	got = nil
	for key, v := range moduleFrom(stats.ModuleSummary{Metrics: mm}).Metrics() {
		got = append(got, key)
		mv, _ := mm.Get(stats.ModuleMetric(slices.Index(want, key)))
		assert.Equal(t, mv, v, key)
	}
	assert.Equal(t, want, got)
}

// TestAverageJSON: an Average is written as stats writes its figures,
// which is not how encoding/json writes a float64.
func TestAverageJSON(t *testing.T) {
	tests := []struct {
		v       float64
		want    string
		float64 string // encoding/json's form, for the record
	}{
		{0, "0", "0"},
		{0.3, "0.3", "0.3"},
		{5e-7, "0.0000005", "5e-7"},
		{1e-7, "0.0000001", "1e-7"},
		{5e-8, "5e-08", "5e-8"},
		{1e20, "100000000000000000000", "100000000000000000000"},
		{1e21, "1e+21", "1e+21"},
		{-2.5e-7, "-0.00000025", "-2.5e-7"},
	}
	for _, tt := range tests {
		b, err := json.Marshal(Average(tt.v))
		require.NoError(t, err)
		assert.Equal(t, tt.want, string(b), "%v", tt.v)
		f, err := json.Marshal(tt.v)
		require.NoError(t, err)
		assert.Equal(t, tt.float64, string(f), "%v", tt.v)
	}
	_, err := json.Marshal(Average(mathNaN()))
	assert.Error(t, err)
}

// mathNaN is a NaN the compiler does not fold.
func mathNaN() float64 { z := 0.0; return z / z }

// TestRootValuesMatch: the root's kinds, levels and MUI file type are the
// values pe, reputation and rsrc produce, which the conversions copy as
// they are.
func TestRootValuesMatch(t *testing.T) {
	tests := []struct{ root, theirs string }{
		{string(KindEXE), string(pe.KindEXE)},
		{string(KindDLL), string(pe.KindDLL)},
		{string(KindDriver), string(pe.KindDriver)},
		{string(KindEFI), string(pe.KindEFI)},
		{string(KindMUI), string(pe.KindMUI)},
		{string(KindNotPE), string(pe.KindNotPE)},
		{string(KindUnreadable), string(pe.KindUnreadable)},
		{string(LevelSafe), string(reputation.Safe)},
		{string(LevelLikelySafe), string(reputation.LikelySafe)},
		{string(LevelUnknown), string(reputation.Unknown)},
		{string(LevelSuspicious), string(reputation.Suspicious)},
		{string(LevelMalicious), string(reputation.Malicious)},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.theirs, tt.root)
	}
	assert.True(t, (&MUIConfig{FileType: rsrc.MUIFileTypeLN}).IsLanguageNeutral())
	assert.False(t, (&MUIConfig{FileType: rsrc.MUIFileTypeMUI}).IsLanguageNeutral())
}
