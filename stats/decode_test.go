package stats

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fullLine is telemetry.md's example sample, every field set.
const fullLine = `{"participant": "p-7f3a", "observed_at": "2026-11-20T10:00:00Z",
 "file": {"sha256": "9d39af972785e49f0dd12c4baef39a79cd69f098886bf152af1b7cce2e902115", "name": "alg.exe",
          "path": "C:\\Windows\\System32\\alg.exe"},
 "machine": {"os": "Windows 7 Home Premium", "country": "US", "manufacturer": "Dell", "locale": "fr-FR", "cpus": 2},
 "cpu": {"total_pct": 0.00039, "kernel_pct": 0.00023, "user_pct": 0.00016, "kernel_ms_per_min": 114980, "cycles_per_sec": 14396},
 "memory": {"private_bytes": 1289748, "private_max_bytes": 4498391, "private_min_bytes": 2338324, "nonpaged_bytes": 1289748,
            "virtual_bytes": 30125834, "virtual_peak_bytes": 31384289, "working_set_bytes": 2422210,
            "working_set_peak_bytes": 4938793, "page_faults_per_min": 3065},
 "io": {"read_bytes_per_sec": 30, "read_ops_per_sec": 1, "other_bytes_per_sec": 15, "other_ops_per_sec": 2},
 "threads": 4, "handles": 96,
 "process": {"integrity_level": "System", "platform": "32-bit", "command_line": "C:\\Windows\\System32\\alg.exe",
             "owner": "LOCAL SERVICE", "parent": "services.exe",
             "service": {"name": "ALG", "display_name": "Service de la passerelle de la couche Application",
                         "description": "Fournit la prise en charge…", "type": "Win32OwnProcess"}},
 "modules": [{"name": "sechost.dll", "total_cpu_pct": 0.00058, "kernel_cpu_pct": 0.00021, "user_cpu_pct": 0.00037,
              "cycles_per_sec": 9330, "memory_bytes": 102400}]}`

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", "") }

func TestDecodeFullSample(t *testing.T) {
	var s Sample
	require.NoError(t, json.Unmarshal([]byte(oneLine(fullLine)), &s))
	require.NoError(t, s.Validate())
	assert.Equal(t, "p-7f3a", s.Participant)
	assert.Equal(t, time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC), s.ObservedAt)
	assert.Equal(t, `C:\Windows\System32\alg.exe`, s.File.Path)
	assert.Equal(t, 2, s.Machine.CPUs)
	assert.Equal(t, NumMetrics, s.Metrics.Len())
	v, _ := s.Metrics.Get(MemPageFaultsPerMin)
	assert.Equal(t, 3065.0, v)
	assert.Equal(t, "Fournit la prise en charge…", s.Process.Service.Description)
	require.Len(t, s.Modules, 1)
	v, _ = s.Modules[0].Metrics.Get(ModCyclesPerSec)
	assert.Equal(t, 9330.0, v)

	// Round trip through the package's encoder and encoding/json.
	b, err := json.Marshal(s)
	require.NoError(t, err)
	var back Sample
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, s, back)
	assert.True(t, json.Valid(b))
}

func TestDecodeStrings(t *testing.T) {
	for _, tc := range []string{
		`plain`, `quote \" backslash \\ slash \/`, `\b\f\n\r\t`, `\u00e9\u4e2d`, `\ud83d\ude00 smile`,
		`lone \ud800 surrogate`, `lone \udc00 low`, `pair then \ud83d\u0041`, `é raw UTF-8`,
	} {
		line := `{"participant":"` + tc + `","file":{"name":"a.exe"}}`
		var want struct{ Participant string }
		require.NoError(t, json.Unmarshal([]byte(line), &want), tc)
		var got Sample
		require.NoError(t, got.UnmarshalJSON([]byte(line)), tc)
		assert.Equal(t, want.Participant, got.Participant, tc)
		// And back: our encoder's output decodes the same with encoding/json.
		b := got.AppendJSON(nil)
		var again struct{ Participant string }
		require.NoError(t, json.Unmarshal(b, &again))
		assert.Equal(t, want.Participant, again.Participant)
	}
}

func TestDecodeRejects(t *testing.T) {
	const f = `"file":{"sha256":"` + testSHA + `"}`
	for _, tc := range []struct {
		line   string
		reason RejectReason
		field  string
		file   bool // attributed to the file
	}{
		{`{"participant":"p",` + f + `}`, 0, "", true},
		{`{"participant":"p",` + f + `,"threads":null,"process":null}`, 0, "", true},
		{`{` + f + `}`, RejectMissingParticipant, "participant", true},
		{`{"participant":"",` + f + `}`, RejectMissingParticipant, "participant", true},
		{`{"participant":"p"}`, RejectMissingFile, "file", false},
		{`{"participant":"p","file":{"path":"C:\\x\\b.exe"}}`, 0, "", true},
		{`{"participant":"p","file":{"sha256":"abc"}}`, RejectInvalidValue, "file.sha256", false},
		{`{"participant":"p",` + f + `,"colour":1}`, RejectUnknownField, "colour", true},
		{`{"participant":"p",` + f + `,"cpu":{"total":1}}`, RejectUnknownField, "cpu.total", true},
		{`{"participant":"p",` + f + `,"modules":[{"name":"a"},{"name":"b","x":1}]}`, RejectUnknownField, "modules[1].x", true},
		{`{"participant":"p",` + f + `,"modules":[{"name":"a"},{"total_cpu_pct":1}]}`, RejectMissingField, "modules[1].name", true},
		{`{"participant":"p",` + f + `,"modules":[{"name":"a","total_cpu_pct":"1"}]}`, RejectWrongType, "modules[0].total_cpu_pct", true},
		{`{"participant":"p","participant":"q",` + f + `}`, RejectDuplicateField, "participant", true},
		{`{"participant":"p",` + f + `,"threads":"4"}`, RejectWrongType, "threads", true},
		{`{"participant":"p",` + f + `,"machine":[]}`, RejectWrongType, "machine", true},
		{`{"participant":"p",` + f + `,"modules":{}}`, RejectWrongType, "modules", true},
		{`{"participant":7,` + f + `}`, RejectWrongType, "participant", true},
		{`{"participant":"p",` + f + `,"threads":-1}`, RejectNegativeNumber, "threads", true},
		{`{"participant":"p",` + f + `,"threads":1e999}`, RejectInvalidNumber, "threads", true},
		{`{"participant":"p",` + f + `,"cpu":{"total_pct":101},"machine":{"cpus":1}}`, RejectOutOfRange, "cpu.total_pct", true},
		{`{"participant":"p",` + f + `,"cpu":{"total_pct":101}}`, 0, "", true}, // 100 per CPU, CPUs unknown
		{`{"participant":"p",` + f + `,"cpu":{"kernel_ms_per_min":60001},"machine":{"cpus":1}}`, RejectOutOfRange, "cpu.kernel_ms_per_min", true},
		{`{"participant":"p",` + f + `,"memory":{"private_bytes":1e300}}`, RejectOutOfRange, "memory.private_bytes", true},
		{`{"participant":"p",` + f + `,"machine":{"cpus":1.5}}`, RejectInvalidValue, "machine.cpus", true},
		{`{"participant":"p",` + f + `,"machine":{"cpus":4096}}`, RejectInvalidValue, "machine.cpus", true},
		{`{"participant":"p",` + f + `,"machine":{"country":"USA"}}`, RejectInvalidValue, "machine.country", true},
		{`{"participant":"p",` + f + `,"machine":{"locale":"fr FR"}}`, RejectInvalidValue, "machine.locale", true},
		{`{"participant":"p",` + f + `,"observed_at":"yesterday"}`, RejectInvalidValue, "observed_at", true},
		{"{\"participant\":\"p\xff\"," + f + `}`, RejectInvalidValue, "participant", true},
		{`{"participant":"p",` + f + `,"threads":01}`, RejectMalformedJSON, "", false},
		{`{"participant":"p",` + f + `,"threads":1.}`, RejectMalformedJSON, "", false},
		{`{"participant":"p",` + f + `,}`, RejectMalformedJSON, "", false},
		{`{"participant":"p",` + f + `} x`, RejectMalformedJSON, "", false},
		{`{"participant":"p\u0001",` + f + `}`, 0, "", true},
		{"{\"participant\":\"p\x01\"," + f + `}`, RejectMalformedJSON, "", false},
		{`{"participant":"\x",` + f + `}`, RejectMalformedJSON, "", false},
		{`[1,2]`, RejectMalformedJSON, "", false},
		{`{"participant":"p",` + f + `,"x":` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `}`, RejectMalformedJSON, "", false},
		{`{"participant":"p",` + f + `,"x":{"a":[1,true,false,null,"s",{"b":-2.5e-3}]}}`, RejectUnknownField, "x", true},
	} {
		t.Run(tc.line, func(t *testing.T) {
			a := newAgg(t, WithMinParticipants(1))
			var got []*RejectError
			st, err := ReadJSONL(context.Background(), strings.NewReader("\n"+tc.line+"\n"), a,
				WithRejectHandler(func(e *RejectError) { got = append(got, e) }))
			require.NoError(t, err)
			assert.Equal(t, int64(2), st.Lines)
			if tc.reason == 0 {
				assert.Empty(t, got)
				assert.Equal(t, int64(1), st.Accepted)
				return
			}
			require.Len(t, got, 1)
			assert.Equal(t, tc.reason, got[0].Reason, got[0].Error())
			assert.Equal(t, tc.field, got[0].Field)
			assert.Equal(t, int64(2), got[0].Line)
			assert.Equal(t, map[RejectReason]int64{tc.reason: 1}, a.Rejected())
			attributed := 0
			for _, s := range a.Summaries() {
				attributed += len(s.Rejected)
			}
			assert.Equal(t, tc.file, attributed == 1)
		})
	}
}

func TestReadJSONLLines(t *testing.T) {
	good := `{"participant":"p","file":{"name":"a.exe"}}`
	in := "\xef\xbb\xbf" + good + "\r\n\n   \r\n" + `{"bad` + "\n" + good + "\n" +
		`{"participant":"p","file":{"name":"a.exe"},"x":"` + strings.Repeat("y", MaxLineBytes) + `"}` + "\n" +
		`{"participant":"q",` + "\n" + good // last line without newline
	a := newAgg(t, WithMinParticipants(1))
	var lines []int64
	var reasons []RejectReason
	var progress []ReadStats
	st, err := ReadJSONL(context.Background(), strings.NewReader(in), a,
		WithRejectHandler(func(e *RejectError) { lines = append(lines, e.Line); reasons = append(reasons, e.Reason) }),
		WithProgress(func(s ReadStats) { progress = append(progress, s) }))
	require.NoError(t, err)
	assert.Equal(t, []int64{4, 6, 7}, lines)
	assert.Equal(t, []RejectReason{RejectMalformedJSON, RejectTooLarge, RejectMalformedJSON}, reasons)
	assert.Equal(t, ReadStats{Lines: 8, Bytes: int64(len(in)), Accepted: 3, Rejected: 3}, st)
	assert.Equal(t, []ReadStats{st}, progress)

	// Strict: stop at the first rejection.
	st, err = ReadJSONL(context.Background(), strings.NewReader(in), newAgg(t), WithStrict())
	var re *RejectError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, int64(4), re.Line)
	assert.Equal(t, int64(1), st.Accepted)

	// A cancelled context stops a long read.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = ReadJSONL(ctx, strings.NewReader(strings.Repeat(good+"\n", 2*progressEvery)), newAgg(t))
	assert.ErrorIs(t, err, context.Canceled)

	// Read errors come back.
	_, err = ReadJSONL(context.Background(), io.MultiReader(strings.NewReader(good+"\n"), errReader{}), newAgg(t))
	assert.ErrorIs(t, err, errBoom)
}

var errBoom = errors.New("boom")

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errBoom }

func TestDecoderNext(t *testing.T) {
	in := `{"participant":"p1","file":{"name":"a.exe"},"modules":[{"name":"x\u00e9.dll"}]}` + "\n" +
		`{"participant":"p2","file":{"name":"b.exe"},"y":1}` + "\n"
	d := NewDecoder(strings.NewReader(in))
	var s1, s2 Sample
	require.NoError(t, d.Next(&s1))
	err := d.Next(&s2)
	var re *RejectError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, RejectUnknownField, re.Reason)
	assert.Equal(t, "b.exe", s2.File.Name, "what could be decoded is kept")
	assert.Equal(t, io.EOF, d.Next(&s2))
	// s1 does not share memory with the decoder.
	assert.Equal(t, "p1", s1.Participant)
	assert.Equal(t, "xé.dll", s1.Modules[0].Name)
	assert.Equal(t, int64(2), d.Line())
	assert.Equal(t, int64(len(in)), d.InputOffset())
}

func TestValidateLimits(t *testing.T) {
	s := sample("p")
	s.Modules = make([]Module, MaxModules+1)
	for i := range s.Modules {
		s.Modules[i].Name = "m.dll"
	}
	assertReason(t, s, RejectTooLarge, "modules")
	s = sample(strings.Repeat("p", MaxStringBytes+1))
	assertReason(t, s, RejectTooLarge, "participant")
	s = sample("p", func(s *Sample) { s.Machine.CPUs = -1 })
	assertReason(t, s, RejectNegativeNumber, "machine.cpus")
	s = sample("p", func(s *Sample) { s.Modules = []Module{{Name: "a"}}; s.Modules[0].Metrics.Set(ModMemoryBytes, -1) })
	assertReason(t, s, RejectNegativeNumber, "modules[0].memory_bytes")
	s = sample("p", withMetric(CPUTotalPct, math.Copysign(0, -1)))
	require.NoError(t, s.Validate(), "-0 is zero")
	assert.Equal(t, "b.exe", FileRef{Path: `C:\a/b.exe`}.EffectiveName())
}

func assertReason(t *testing.T, s *Sample, r RejectReason, field string) {
	t.Helper()
	var re *RejectError
	require.ErrorAs(t, s.Validate(), &re)
	assert.Equal(t, r, re.Reason)
	assert.Equal(t, field, re.Field)
}

func TestSampleClone(t *testing.T) {
	var s Sample
	require.NoError(t, s.UnmarshalJSON([]byte(oneLine(fullLine))))
	c := s.Clone()
	assert.Equal(t, s, c)
	c.Modules[0].Name = "other"
	assert.Equal(t, "sechost.dll", s.Modules[0].Name)
}

func TestEncodeOmitsEmpty(t *testing.T) {
	s := sample("p")
	s.File.Name = ""
	assert.Equal(t, `{"participant":"p","file":{"sha256":"`+testSHA+`"}}`, string(s.AppendJSON(nil)))
	s = &Sample{Participant: "p", Process: Process{Service: Service{Type: "x"}}}
	s.Metrics.Set(Threads, 2)
	assert.Equal(t, `{"participant":"p","threads":2,"process":{"service":{"type":"x"}}}`, string(s.AppendJSON(nil)))
	s = &Sample{Participant: "a\x01\"\\\n\r\t\xff"}
	assert.Equal(t, `{"participant":"a\u0001\"\\\n\r\t\ufffd"}`, string(s.AppendJSON(nil)))
	assert.True(t, json.Valid(bytes.TrimSpace(s.AppendJSON(nil))))
}

// TestKeySwitchesMatchTables keeps the decoder's key switches in step with
// the metric tables.
func TestKeySwitchesMatchTables(t *testing.T) {
	groups := map[string]keySet{"cpu": cpuKeys, "memory": memoryKeys, "io": ioKeys}
	for k := Metric(0); k < NumMetrics; k++ {
		mi := metricTable[k]
		if mi.group == "" {
			assert.GreaterOrEqual(t, topKeys(mi.key), 0, mi.key)
			continue
		}
		assert.Equal(t, int(k), groups[mi.group](mi.key), mi.path)
		assert.GreaterOrEqual(t, topKeys(mi.group), 0)
	}
	for k := ModuleMetric(0); k < NumModuleMetrics; k++ {
		assert.Equal(t, int(k), moduleKeys(moduleMetricTable[k].key))
	}
	assert.Equal(t, -1, cpuKeys("nope"))
}
