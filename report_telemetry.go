package filerep

import (
	"encoding/json"
	"fmt"
	"iter"
	"math"
	"strconv"
)

// This file holds the report's shape of a crowd telemetry summary
// (docs/telemetry.md's summary JSON): convert_telemetry.go copies a
// stats.Summary into these types, so that the report's JSON is defined
// here.

// Telemetry is what the crowd telemetry says about the file. When
// Published is false (too few participants), only File, Participants,
// Samples, MinParticipants and Rejected are set.
type Telemetry struct {
	File TelemetryFile `json:"file"`
	// Versions lists, in a roll-up of every version of a file name, the
	// sha256 groups that are published themselves, most participants
	// first.
	Versions []TelemetryVersion `json:"versions,omitempty"`
	// UnpublishedVersions counts the roll-up's sha256 groups below the
	// threshold; they are counted in the figures but not named.
	UnpublishedVersions int `json:"unpublished_versions,omitempty"`
	// Participants is the number of unique participants, Samples the
	// number of accepted samples.
	Participants int64 `json:"participants"`
	Samples      int64 `json:"samples"`
	// Published is false below the privacy threshold, MinParticipants.
	Published       bool `json:"published"`
	MinParticipants int  `json:"min_participants"`
	// Rejected counts the file's rejected samples by reason, keyed by
	// stats.RejectReason's names ("malformed_json", "too_large", …).
	Rejected map[string]int64 `json:"rejected"`
	// ResourceUtilization holds, per metric, the mean over participants
	// of each participant's mean.
	ResourceUtilization *ResourceUtilization `json:"resource_utilization,omitempty"`
	// TypicalPath is the most common file path.
	TypicalPath *TelemetryMode    `json:"typical_path,omitempty"`
	Process     *TelemetryProcess `json:"process,omitempty"`
	// Modules holds per-module averages, highest total CPU first.
	Modules      []TelemetryModule `json:"modules,omitempty"`
	Distribution *Distribution     `json:"distribution,omitempty"`
}

// TelemetryFile names the file a telemetry summary is about.
type TelemetryFile struct {
	SHA256 string `json:"sha256,omitempty"`
	Name   string `json:"name,omitempty"`
}

// TelemetryVersion is one sha256 of a file name, in a roll-up.
type TelemetryVersion struct {
	SHA256       string `json:"sha256"`
	Participants int64  `json:"participants"`
}

// TelemetryMode is the most common value of a property, with the share of
// participants (among those for whom the property is known) who have it.
type TelemetryMode struct {
	Value        string  `json:"value"`
	Share        float64 `json:"share"`
	Participants int64   `json:"participants"`
}

// TelemetryProcess holds the published process properties.
type TelemetryProcess struct {
	IntegrityLevel *TelemetryMode    `json:"integrity_level,omitempty"`
	Platform       *TelemetryMode    `json:"platform,omitempty"`
	CommandLine    *TelemetryMode    `json:"command_line,omitempty"`
	Owner          *TelemetryMode    `json:"owner,omitempty"`
	Parent         *TelemetryMode    `json:"parent,omitempty"`
	Service        *TelemetryService `json:"service,omitempty"`
}

// TelemetryService holds the published Windows service properties. The
// localized strings are keyed by BCP 47 locale ("und" when unknown).
type TelemetryService struct {
	Name        *TelemetryMode           `json:"name,omitempty"`
	Type        *TelemetryMode           `json:"type,omitempty"`
	DisplayName map[string]TelemetryMode `json:"display_name,omitempty"`
	Description map[string]TelemetryMode `json:"description,omitempty"`
}

// Average is a mean of measurements. It marshals in the shortest form
// that parses back to the same float64, in plain decimals ("0.0000005")
// from 1e-7 up to 1e21 and in exponent form ("5e-08", "2.5e+22")
// otherwise, as stats writes its summaries: not as encoding/json writes a
// float64 ("5e-7").
type Average float64

// MarshalJSON writes a as described at [Average].
func (a Average) MarshalJSON() ([]byte, error) {
	v := float64(a)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil, fmt.Errorf("filerep: average %v is not a JSON number", v)
	}
	return appendAverage(nil, v), nil
}

// appendAverage appends v as [Average.MarshalJSON] writes it.
func appendAverage(b []byte, v float64) []byte {
	if a := math.Abs(v); a == 0 || (a >= 1e-7 && a < 1e21) {
		return strconv.AppendFloat(b, v, 'f', -1, 64)
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}

// ResourceUtilization holds the process metrics' averages, grouped as a
// telemetry sample groups them; a metric known for too few participants
// is nil, a group with none is nil.
type ResourceUtilization struct {
	CPU     *CPUUsage    `json:"cpu,omitempty"`
	Memory  *MemoryUsage `json:"memory,omitempty"`
	IO      *IOUsage     `json:"io,omitempty"`
	Threads *Average     `json:"threads,omitempty"`
	Handles *Average     `json:"handles,omitempty"`
}

// All yields the metrics that are present, as (JSON path, value) in
// telemetry.md's order: "cpu.total_pct" … "io.other_ops_per_sec",
// "threads", "handles". The paths are stats.Metric's String forms.
func (u *ResourceUtilization) All() iter.Seq2[string, float64] {
	return func(yield func(string, float64) bool) {
		if u == nil {
			return
		}
		var cpu CPUUsage
		var mem MemoryUsage
		var io IOUsage
		if u.CPU != nil {
			cpu = *u.CPU
		}
		if u.Memory != nil {
			mem = *u.Memory
		}
		if u.IO != nil {
			io = *u.IO
		}
		yieldAll(yield, []metricValue{
			{"cpu.total_pct", cpu.TotalPct}, {"cpu.kernel_pct", cpu.KernelPct}, {"cpu.user_pct", cpu.UserPct},
			{"cpu.kernel_ms_per_min", cpu.KernelMsPerMin}, {"cpu.cycles_per_sec", cpu.CyclesPerSec},
			{"memory.private_bytes", mem.PrivateBytes}, {"memory.private_max_bytes", mem.PrivateMaxBytes},
			{"memory.private_min_bytes", mem.PrivateMinBytes}, {"memory.nonpaged_bytes", mem.NonpagedBytes},
			{"memory.virtual_bytes", mem.VirtualBytes}, {"memory.virtual_peak_bytes", mem.VirtualPeakBytes},
			{"memory.working_set_bytes", mem.WorkingSetBytes}, {"memory.working_set_peak_bytes", mem.WorkingSetPeakBytes},
			{"memory.page_faults_per_min", mem.PageFaultsPerMin},
			{"io.read_bytes_per_sec", io.ReadBytesPerSec}, {"io.read_ops_per_sec", io.ReadOpsPerSec},
			{"io.other_bytes_per_sec", io.OtherBytesPerSec}, {"io.other_ops_per_sec", io.OtherOpsPerSec},
			{"threads", u.Threads}, {"handles", u.Handles},
		})
	}
}

// metricValue is one metric, by JSON path or key, and its value if any.
type metricValue struct {
	key string
	v   *Average
}

// yieldAll yields the present values of ms in order.
func yieldAll(yield func(string, float64) bool, ms []metricValue) {
	for _, m := range ms {
		if m.v != nil && !yield(m.key, float64(*m.v)) {
			return
		}
	}
}

// CPUUsage holds the CPU metrics' averages.
type CPUUsage struct {
	TotalPct       *Average `json:"total_pct,omitempty"`
	KernelPct      *Average `json:"kernel_pct,omitempty"`
	UserPct        *Average `json:"user_pct,omitempty"`
	KernelMsPerMin *Average `json:"kernel_ms_per_min,omitempty"`
	CyclesPerSec   *Average `json:"cycles_per_sec,omitempty"`
}

// MemoryUsage holds the memory metrics' averages.
type MemoryUsage struct {
	PrivateBytes        *Average `json:"private_bytes,omitempty"`
	PrivateMaxBytes     *Average `json:"private_max_bytes,omitempty"`
	PrivateMinBytes     *Average `json:"private_min_bytes,omitempty"`
	NonpagedBytes       *Average `json:"nonpaged_bytes,omitempty"`
	VirtualBytes        *Average `json:"virtual_bytes,omitempty"`
	VirtualPeakBytes    *Average `json:"virtual_peak_bytes,omitempty"`
	WorkingSetBytes     *Average `json:"working_set_bytes,omitempty"`
	WorkingSetPeakBytes *Average `json:"working_set_peak_bytes,omitempty"`
	PageFaultsPerMin    *Average `json:"page_faults_per_min,omitempty"`
}

// IOUsage holds the I/O metrics' averages.
type IOUsage struct {
	ReadBytesPerSec  *Average `json:"read_bytes_per_sec,omitempty"`
	ReadOpsPerSec    *Average `json:"read_ops_per_sec,omitempty"`
	OtherBytesPerSec *Average `json:"other_bytes_per_sec,omitempty"`
	OtherOpsPerSec   *Average `json:"other_ops_per_sec,omitempty"`
}

// TelemetryModule holds one module's averages (the threads that start in
// one DLL or in the main executable). It marshals flat: {"name": …,
// "participants": …, "total_cpu_pct": …, …}. As stats writes it, Name is
// written with <, > and & escaped (\u003c…) whatever the encoder's
// SetEscapeHTML says, and Participants as an [Average] (exact up to 2^53).
type TelemetryModule struct {
	Name         string   `json:"name"`
	Participants int64    `json:"participants"`
	TotalCPUPct  *Average `json:"total_cpu_pct,omitempty"`
	KernelCPUPct *Average `json:"kernel_cpu_pct,omitempty"`
	UserCPUPct   *Average `json:"user_cpu_pct,omitempty"`
	CyclesPerSec *Average `json:"cycles_per_sec,omitempty"`
	MemoryBytes  *Average `json:"memory_bytes,omitempty"`
}

// Metrics yields the module's metrics that are present, as (JSON key,
// value) in telemetry.md's order: "total_cpu_pct", "kernel_cpu_pct",
// "user_cpu_pct", "cycles_per_sec", "memory_bytes" (stats.ModuleMetric's
// String forms).
func (m TelemetryModule) Metrics() iter.Seq2[string, float64] {
	return func(yield func(string, float64) bool) { yieldAll(yield, m.metrics()) }
}

// metrics lists the module's metrics in order.
func (m TelemetryModule) metrics() []metricValue {
	return []metricValue{
		{"total_cpu_pct", m.TotalCPUPct}, {"kernel_cpu_pct", m.KernelCPUPct}, {"user_cpu_pct", m.UserCPUPct},
		{"cycles_per_sec", m.CyclesPerSec}, {"memory_bytes", m.MemoryBytes},
	}
}

// MarshalJSON writes m as described at [TelemetryModule].
func (m TelemetryModule) MarshalJSON() ([]byte, error) {
	name, err := json.Marshal(m.Name) // json.Marshal escapes HTML: the contract's bytes
	if err != nil {
		return nil, err
	}
	b := append([]byte(`{"name":`), name...)
	b = append(b, `,"participants":`...)
	b = appendAverage(b, float64(m.Participants))
	for _, f := range m.metrics() {
		if f.v == nil {
			continue
		}
		v, err := f.v.MarshalJSON()
		if err != nil {
			return nil, err
		}
		b = append(b, `,"`...)
		b = append(b, f.key...)
		b = append(b, `":`...)
		b = append(b, v...)
	}
	return append(b, '}'), nil
}

// Distribution holds the distributions of the participants by OS, country
// and manufacturer. Each is sorted by participants, most first, with the
// "Other" bucket last; each has its own denominator, in Known.
type Distribution struct {
	OS           []DistributionEntry `json:"os,omitempty"`
	Country      []DistributionEntry `json:"country,omitempty"`
	Manufacturer []DistributionEntry `json:"manufacturer,omitempty"`
	// Known holds each dimension's denominator: the participants for whom
	// the value is known.
	Known DistributionKnown `json:"known"`
}

// DistributionKnown holds the denominators of a [Distribution].
type DistributionKnown struct {
	OS           int64 `json:"os"`
	Country      int64 `json:"country"`
	Manufacturer int64 `json:"manufacturer"`
}

// DistributionEntry is one value of a distribution.
type DistributionEntry struct {
	// Value is the value as shown: for countries, the English name.
	Value string `json:"value"`
	// Code is the ISO 3166-1 code, for countries.
	Code         string  `json:"code,omitempty"`
	Share        float64 `json:"share"`
	Participants int64   `json:"participants"`
	// Other marks the bucket that rare values fold into.
	Other bool `json:"other,omitempty"`
}
