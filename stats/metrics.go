package stats

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/bits"
	"strconv"
)

// Metric names one numeric measurement of a process. Its JSON path in a
// sample or summary is [Metric.String], such as "memory.private_bytes".
type Metric uint8

// The process metrics, in the order of telemetry.md.
const (
	CPUTotalPct Metric = iota
	CPUKernelPct
	CPUUserPct
	CPUKernelMsPerMin
	CPUCyclesPerSec
	MemPrivateBytes
	MemPrivateMaxBytes
	MemPrivateMinBytes
	MemNonpagedBytes
	MemVirtualBytes
	MemVirtualPeakBytes
	MemWorkingSetBytes
	MemWorkingSetPeakBytes
	MemPageFaultsPerMin
	IOReadBytesPerSec
	IOReadOpsPerSec
	IOOtherBytesPerSec
	IOOtherOpsPerSec
	Threads
	Handles

	// NumMetrics is the number of process metrics.
	NumMetrics = iota
)

// ModuleMetric names one numeric measurement of a module (the threads that
// start in one DLL or in the main executable).
type ModuleMetric uint8

// The module metrics, in the order of telemetry.md.
const (
	ModTotalCPUPct ModuleMetric = iota
	ModKernelCPUPct
	ModUserCPUPct
	ModCyclesPerSec
	ModMemoryBytes

	// NumModuleMetrics is the number of module metrics.
	NumModuleMetrics = iota
)

// unit says how a metric is bounded, stored and printed.
type unit uint8

const (
	unitPct         unit = iota // percent of one logical CPU
	unitMsPerMin                // CPU milliseconds per minute
	unitCycles                  // CPU cycles per second
	unitBytes                   // bytes
	unitPerMin                  // events per minute
	unitBytesPerSec             // bytes per second
	unitOpsPerSec               // operations per second
	unitCount                   // a count (threads, handles)
)

// unitInfo holds a unit's bound and fixed-point scale. A value v is stored
// as the integer round(v × 2^shift). Every bound times its scale is at most
// 2^80, so one sample fits 80 bits and the 96-bit per-participant sums hold
// 2^16 samples of the largest values before spilling into a rare overflow
// word (exact up to MaxSamplesPerParticipant). The scales are powers of two,
// so v × 2^shift is exact and only the final rounding to an integer loses
// anything: less than 1e-9 of a byte, 1e-19 of a percent.
type unitInfo struct {
	perCPU float64 // if > 0: bound is perCPU × CPUs (MaxCPUs if unknown)
	max    float64 // otherwise: fixed bound
	shift  int     // fixed-point units per 1.0 = 2^shift
}

var units = [...]unitInfo{
	unitPct:         {perCPU: 100, shift: 63},    // 102,400 < 2^17
	unitMsPerMin:    {perCPU: 60_000, shift: 54}, // 6.1e7 < 2^26
	unitCycles:      {perCPU: 1e10, shift: 36},   // 1.02e13 < 2^44
	unitBytes:       {max: 1 << 50, shift: 30},   // 1 PiB
	unitPerMin:      {max: 1e12, shift: 40},      // < 2^40
	unitBytesPerSec: {max: 1 << 50, shift: 30},   // 1 PiB/s
	unitOpsPerSec:   {max: 1e11, shift: 43},      // < 2^37
	unitCount:       {max: 1e8, shift: 53},       // < 2^27
}

func (u unit) limit(cpus int) float64 {
	ui := units[u]
	if ui.perCPU > 0 {
		if cpus <= 0 {
			cpus = MaxCPUs
		}
		return ui.perCPU * float64(cpus)
	}
	return ui.max
}

func (u unit) scale() float64 { return math.Ldexp(1, units[u].shift) }

type metricInfo struct {
	group string // "cpu", "memory", "io" or "" (top level)
	key   string
	path  string
	unit  unit
	label string // text rendering label, as on the seed page
}

var metricTable = [NumMetrics]metricInfo{
	CPUTotalPct:            {"cpu", "total_pct", "cpu.total_pct", unitPct, "Total CPU"},
	CPUKernelPct:           {"cpu", "kernel_pct", "cpu.kernel_pct", unitPct, "Kernel CPU"},
	CPUUserPct:             {"cpu", "user_pct", "cpu.user_pct", unitPct, "User CPU"},
	CPUKernelMsPerMin:      {"cpu", "kernel_ms_per_min", "cpu.kernel_ms_per_min", unitMsPerMin, "Kernel CPU time"},
	CPUCyclesPerSec:        {"cpu", "cycles_per_sec", "cpu.cycles_per_sec", unitCycles, "CPU cycles"},
	MemPrivateBytes:        {"memory", "private_bytes", "memory.private_bytes", unitBytes, "Private memory"},
	MemPrivateMaxBytes:     {"memory", "private_max_bytes", "memory.private_max_bytes", unitBytes, "Private (maximum)"},
	MemPrivateMinBytes:     {"memory", "private_min_bytes", "memory.private_min_bytes", unitBytes, "Private (minimum)"},
	MemNonpagedBytes:       {"memory", "nonpaged_bytes", "memory.nonpaged_bytes", unitBytes, "Non-paged memory"},
	MemVirtualBytes:        {"memory", "virtual_bytes", "memory.virtual_bytes", unitBytes, "Virtual memory"},
	MemVirtualPeakBytes:    {"memory", "virtual_peak_bytes", "memory.virtual_peak_bytes", unitBytes, "Virtual memory (peak)"},
	MemWorkingSetBytes:     {"memory", "working_set_bytes", "memory.working_set_bytes", unitBytes, "Working set"},
	MemWorkingSetPeakBytes: {"memory", "working_set_peak_bytes", "memory.working_set_peak_bytes", unitBytes, "Working set (peak)"},
	MemPageFaultsPerMin:    {"memory", "page_faults_per_min", "memory.page_faults_per_min", unitPerMin, "Page faults"},
	IOReadBytesPerSec:      {"io", "read_bytes_per_sec", "io.read_bytes_per_sec", unitBytesPerSec, "I/O read transfer"},
	IOReadOpsPerSec:        {"io", "read_ops_per_sec", "io.read_ops_per_sec", unitOpsPerSec, "I/O read operations"},
	IOOtherBytesPerSec:     {"io", "other_bytes_per_sec", "io.other_bytes_per_sec", unitBytesPerSec, "I/O other transfer"},
	IOOtherOpsPerSec:       {"io", "other_ops_per_sec", "io.other_ops_per_sec", unitOpsPerSec, "I/O other operations"},
	Threads:                {"", "threads", "threads", unitCount, "Threads"},
	Handles:                {"", "handles", "handles", unitCount, "Handles"},
}

var moduleMetricTable = [NumModuleMetrics]metricInfo{
	ModTotalCPUPct:  {"", "total_cpu_pct", "total_cpu_pct", unitPct, "Total CPU"},
	ModKernelCPUPct: {"", "kernel_cpu_pct", "kernel_cpu_pct", unitPct, "Kernel CPU"},
	ModUserCPUPct:   {"", "user_cpu_pct", "user_cpu_pct", unitPct, "User CPU"},
	ModCyclesPerSec: {"", "cycles_per_sec", "cycles_per_sec", unitCycles, "CPU cycles"},
	ModMemoryBytes:  {"", "memory_bytes", "memory_bytes", unitBytes, "Memory"},
}

// String returns the metric's JSON path, such as "cpu.total_pct".
func (k Metric) String() string {
	if k < NumMetrics {
		return metricTable[k].path
	}
	return "metric(" + strconv.Itoa(int(k)) + ")"
}

// String returns the module metric's JSON key, such as "total_cpu_pct".
func (k ModuleMetric) String() string {
	if k < NumModuleMetrics {
		return moduleMetricTable[k].key
	}
	return "module_metric(" + strconv.Itoa(int(k)) + ")"
}

// Metrics is a set of process measurements, each present or absent. The
// zero value has none. In a [Sample] it holds one observation; in a
// [Summary] it holds averages. It marshals to the nested JSON of
// telemetry.md ({"cpu": {...}, "memory": {...}, "io": {...}, "threads": n,
// "handles": n}), leaving absent metrics out.
type Metrics struct {
	has uint32
	v   [NumMetrics]float64
}

// Set records v for k.
func (m *Metrics) Set(k Metric, v float64) { m.v[k] = v; m.has |= 1 << k }

// Get returns k's value and whether it is present.
func (m *Metrics) Get(k Metric) (float64, bool) { return m.v[k], m.has&(1<<k) != 0 }

// Has reports whether k is present.
func (m *Metrics) Has(k Metric) bool { return m.has&(1<<k) != 0 }

// Delete makes k absent.
func (m *Metrics) Delete(k Metric) { m.v[k] = 0; m.has &^= 1 << k }

// Len returns the number of metrics present.
func (m *Metrics) Len() int { return bits.OnesCount32(m.has) }

// ModuleMetrics is a set of module measurements, each present or absent.
// The zero value has none.
type ModuleMetrics struct {
	has uint8
	v   [NumModuleMetrics]float64
}

// Set records v for k.
func (m *ModuleMetrics) Set(k ModuleMetric, v float64) { m.v[k] = v; m.has |= 1 << k }

// Get returns k's value and whether it is present.
func (m *ModuleMetrics) Get(k ModuleMetric) (float64, bool) { return m.v[k], m.has&(1<<k) != 0 }

// Has reports whether k is present.
func (m *ModuleMetrics) Has(k ModuleMetric) bool { return m.has&(1<<k) != 0 }

// Delete makes k absent.
func (m *ModuleMetrics) Delete(k ModuleMetric) { m.v[k] = 0; m.has &^= 1 << k }

// appendFloat writes v in the shortest form that parses back to the same
// float64, in plain decimals ("0.00038821") unless that would be very long.
func appendFloat(b []byte, v float64) []byte {
	if a := math.Abs(v); a == 0 || (a >= 1e-7 && a < 1e21) {
		return strconv.AppendFloat(b, v, 'f', -1, 64)
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}

// appendMembers writes the metrics as members of a JSON object (without
// braces), grouped as in a sample; first says whether nothing precedes them.
// It returns the buffer and the new value of first.
func (m *Metrics) appendMembers(b []byte, first bool) ([]byte, bool) {
	for _, g := range [...]string{"cpu", "memory", "io", ""} {
		innerFirst := true
		for k := Metric(0); k < NumMetrics; k++ {
			mi := &metricTable[k]
			if mi.group != g || !m.Has(k) {
				continue
			}
			if g == "" || innerFirst {
				if !first {
					b = append(b, ',')
				}
				first = false
			}
			if g != "" {
				if innerFirst {
					b = append(b, '"')
					b = append(b, g...)
					b = append(b, `":{`...)
				} else {
					b = append(b, ',')
				}
				innerFirst = false
			}
			b = append(b, '"')
			b = append(b, mi.key...)
			b = append(b, `":`...)
			b = appendFloat(b, m.v[k])
		}
		if g != "" && !innerFirst {
			b = append(b, '}')
		}
	}
	return b, first
}

// MarshalJSON writes the metrics as telemetry.md's nested object.
func (m Metrics) MarshalJSON() ([]byte, error) {
	b, _ := m.appendMembers([]byte{'{'}, true)
	return append(b, '}'), nil
}

// UnmarshalJSON reads the nested object that MarshalJSON writes. Unknown
// keys are ignored, so newer summaries stay readable.
func (m *Metrics) UnmarshalJSON(data []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	*m = Metrics{}
	groups := map[string]map[string]float64{}
	for _, g := range [...]string{"cpu", "memory", "io"} {
		if r, ok := raw[g]; ok && !bytes.Equal(r, []byte("null")) {
			var mm map[string]float64
			if err := json.Unmarshal(r, &mm); err != nil {
				return fmt.Errorf("stats: metrics %s: %w", g, err)
			}
			groups[g] = mm
		}
	}
	for k := Metric(0); k < NumMetrics; k++ {
		mi := &metricTable[k]
		if mi.group == "" {
			if r, ok := raw[mi.key]; ok && !bytes.Equal(r, []byte("null")) {
				var v float64
				if err := json.Unmarshal(r, &v); err != nil {
					return fmt.Errorf("stats: metrics %s: %w", mi.key, err)
				}
				m.Set(k, v)
			}
			continue
		}
		if v, ok := groups[mi.group][mi.key]; ok {
			m.Set(k, v)
		}
	}
	return nil
}

func (m *ModuleMetrics) appendMembers(b []byte, first bool) []byte {
	for k := ModuleMetric(0); k < NumModuleMetrics; k++ {
		if !m.Has(k) {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, '"')
		b = append(b, moduleMetricTable[k].key...)
		b = append(b, `":`...)
		b = appendFloat(b, m.v[k])
	}
	return b
}

func (m *ModuleMetrics) setFromMap(raw map[string]json.RawMessage) error {
	*m = ModuleMetrics{}
	for k := ModuleMetric(0); k < NumModuleMetrics; k++ {
		r, ok := raw[moduleMetricTable[k].key]
		if !ok || bytes.Equal(r, []byte("null")) {
			continue
		}
		var v float64
		if err := json.Unmarshal(r, &v); err != nil {
			return fmt.Errorf("stats: module %s: %w", moduleMetricTable[k].key, err)
		}
		m.Set(k, v)
	}
	return nil
}
