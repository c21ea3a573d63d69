package stats

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// paths lists every key path of a JSON document ("a.b[].c").
func paths(v any, prefix string, out map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			out[p] = true
			paths(c, p, out)
		}
	case []any:
		for _, c := range x {
			paths(c, prefix+"[]", out)
		}
	}
}

// TestSummaryJSONContract checks the keys telemetry.md promises.
func TestSummaryJSONContract(t *testing.T) {
	a := algAggregator(t, AlgExeProfile(), 1)
	s, _ := a.Summary(AlgExeSHA256)
	b, err := json.Marshal(s)
	require.NoError(t, err)
	var doc any
	require.NoError(t, json.Unmarshal(b, &doc))
	got := map[string]bool{}
	paths(doc, "", got)
	for _, k := range []string{
		"file.sha256", "file.name", "participants", "samples", "published", "rejected",
		"resource_utilization.cpu.total_pct", "resource_utilization.cpu.kernel_pct", "resource_utilization.cpu.user_pct",
		"resource_utilization.cpu.kernel_ms_per_min", "resource_utilization.cpu.cycles_per_sec",
		"resource_utilization.memory.private_bytes", "resource_utilization.memory.private_max_bytes",
		"resource_utilization.memory.private_min_bytes", "resource_utilization.memory.nonpaged_bytes",
		"resource_utilization.memory.virtual_bytes", "resource_utilization.memory.virtual_peak_bytes",
		"resource_utilization.memory.working_set_bytes", "resource_utilization.memory.working_set_peak_bytes",
		"resource_utilization.memory.page_faults_per_min",
		"resource_utilization.io.read_bytes_per_sec", "resource_utilization.io.read_ops_per_sec",
		"resource_utilization.io.other_bytes_per_sec", "resource_utilization.io.other_ops_per_sec",
		"resource_utilization.threads", "resource_utilization.handles",
		"typical_path.value", "typical_path.share",
		"process.integrity_level.value", "process.integrity_level.share", "process.platform.value",
		"process.command_line.value", "process.owner.value", "process.parent.value",
		"process.service.name.value", "process.service.type.value",
		"process.service.display_name.fr-FR.value", "process.service.display_name.fr-FR.share",
		"process.service.description.fr-FR.value",
		"modules[].name", "modules[].participants", "modules[].total_cpu_pct", "modules[].kernel_cpu_pct",
		"modules[].user_cpu_pct", "modules[].cycles_per_sec", "modules[].memory_bytes",
		"distribution.os[].value", "distribution.os[].share", "distribution.os[].participants",
		"distribution.country[].value", "distribution.country[].code", "distribution.country[].share",
		"distribution.country[].participants", "distribution.manufacturer[].value",
		"distribution.manufacturer[].share", "distribution.manufacturer[].participants",
	} {
		assert.True(t, got[k], "missing key %s", k)
	}
	assert.Contains(t, string(b), `"share":0.585,"participants":117`)
	assert.Contains(t, string(b), `"value":"United States","code":"US","share":0.4975,"participants":199`)

	// Round trip.
	var back Summary
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, s, &back)
}

func TestUnpublishedSummaryJSON(t *testing.T) {
	a := newAgg(t)
	require.NoError(t, a.Add(sample("A", withMetric(Threads, 1))))
	require.Error(t, a.Add(sample("")))
	s := summaryOf(t, a)
	b, err := json.Marshal(s)
	require.NoError(t, err)
	assert.JSONEq(t, `{"file":{"sha256":"`+testSHA+`"},"participants":1,"samples":1,"published":false,
		"min_participants":200,"rejected":{"missing_participant":1}}`, string(b))

	var text bytes.Buffer
	require.NoError(t, WriteText(&text, s))
	assert.Equal(t, "Resource utilization\n"+
		"(Note: no statistics yet: 1 unique participants reported this file; at least 200 are needed)\n\n"+
		"(Telemetry: 1 unique participants, 1 samples; 1 rejected: missing_participant 1)\n", text.String())
}

func TestMetricsJSON(t *testing.T) {
	var m Metrics
	b, err := json.Marshal(m)
	require.NoError(t, err)
	assert.Equal(t, `{}`, string(b))
	m.Set(Handles, 3)
	m.Set(IOReadOpsPerSec, 0.5)
	m.Set(CPUUserPct, 0)
	b, err = json.Marshal(m)
	require.NoError(t, err)
	assert.Equal(t, `{"cpu":{"user_pct":0},"io":{"read_ops_per_sec":0.5},"handles":3}`, string(b))
	var back Metrics
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, m, back)
	require.NoError(t, json.Unmarshal([]byte(`{"cpu":null,"threads":null,"future":1}`), &back))
	assert.Zero(t, back.Len())
	assert.Error(t, json.Unmarshal([]byte(`{"cpu":{"total_pct":"x"}}`), &back))
	m.Delete(Handles)
	assert.False(t, m.Has(Handles))
	assert.Equal(t, "memory.private_bytes", MemPrivateBytes.String())
	assert.Equal(t, "memory_bytes", ModMemoryBytes.String())
	assert.True(t, strings.HasPrefix(Metric(99).String(), "metric("))
}

func TestUnitsFit80Bits(t *testing.T) {
	for u := range units {
		lim := unit(u).limit(MaxCPUs)
		assert.LessOrEqual(t, lim*unit(u).scale(), 0x1p80, "unit %d", u)
		assert.Greater(t, lim*unit(u).scale()*2, 0x1p80, "unit %d could use a finer scale", u)
	}
	hi, lo := toFixed(0x1p50, 0x1p30)
	assert.Equal(t, uint64(1)<<16, hi)
	assert.Zero(t, lo)
	hi, lo = toFixed(1.5, 4)
	assert.Equal(t, [2]uint64{0, 6}, [2]uint64{hi, lo})
}
