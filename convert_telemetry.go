package filerep

import "github.com/filerep/filerep/stats"

// This file copies a stats.Summary into the report's Telemetry
// (report_telemetry.go), and back for stats.WriteText.

// TelemetryFrom returns the report's form of a crowd telemetry summary
// (nil for nil), for programs that hold a stats.Summary and show it as a
// report does. The summary is copied, not shared.
func TelemetryFrom(s *stats.Summary) *Telemetry {
	if s == nil {
		return nil
	}
	t := &Telemetry{
		File:                TelemetryFile{SHA256: s.File.SHA256, Name: s.File.Name},
		UnpublishedVersions: s.UnpublishedVersions,
		Participants:        s.Participants,
		Samples:             s.Samples,
		Published:           s.Published,
		MinParticipants:     s.MinParticipants,
		ResourceUtilization: resourceUtilizationFrom(s.ResourceUtilization),
		TypicalPath:         modeFrom(s.TypicalPath),
		Modules:             convertAll(s.Modules, moduleFrom),
		Versions: convertAll(s.Versions, func(v stats.Version) TelemetryVersion {
			return TelemetryVersion{SHA256: v.SHA256, Participants: v.Participants}
		}),
	}
	if s.Rejected != nil {
		t.Rejected = make(map[string]int64, len(s.Rejected))
		for r, n := range s.Rejected {
			t.Rejected[r.String()] = n
		}
	}
	if p := s.Process; p != nil {
		t.Process = &TelemetryProcess{
			IntegrityLevel: modeFrom(p.IntegrityLevel), Platform: modeFrom(p.Platform),
			CommandLine: modeFrom(p.CommandLine), Owner: modeFrom(p.Owner), Parent: modeFrom(p.Parent),
		}
		if sv := p.Service; sv != nil {
			t.Process.Service = &TelemetryService{
				Name: modeFrom(sv.Name), Type: modeFrom(sv.Type),
				DisplayName: localizedFrom(sv.DisplayName), Description: localizedFrom(sv.Description),
			}
		}
	}
	if d := s.Distribution; d != nil {
		t.Distribution = &Distribution{
			OS: convertAll(d.OS, entryFrom), Country: convertAll(d.Country, entryFrom),
			Manufacturer: convertAll(d.Manufacturer, entryFrom),
			Known:        DistributionKnown{OS: d.Known.OS, Country: d.Known.Country, Manufacturer: d.Known.Manufacturer},
		}
	}
	return t
}

func modeFrom(m *stats.Mode) *TelemetryMode {
	if m == nil {
		return nil
	}
	return &TelemetryMode{Value: m.Value, Share: m.Share, Participants: m.Participants}
}

func localizedFrom(m map[string]stats.Mode) map[string]TelemetryMode {
	if m == nil {
		return nil
	}
	out := make(map[string]TelemetryMode, len(m))
	for l, v := range m {
		out[l] = *modeFrom(&v)
	}
	return out
}

func entryFrom(e stats.Entry) DistributionEntry {
	return DistributionEntry{Value: e.Value, Code: e.Code, Share: e.Share, Participants: e.Participants, Other: e.Other}
}

// average returns a pointer to v as an Average when ok.
func average(v float64, ok bool) *Average {
	if !ok {
		return nil
	}
	a := Average(v)
	return &a
}

func moduleFrom(m stats.ModuleSummary) TelemetryModule {
	get := func(k stats.ModuleMetric) *Average { return average(m.Metrics.Get(k)) }
	return TelemetryModule{
		Name: m.Name, Participants: m.Participants,
		TotalCPUPct: get(stats.ModTotalCPUPct), KernelCPUPct: get(stats.ModKernelCPUPct), UserCPUPct: get(stats.ModUserCPUPct),
		CyclesPerSec: get(stats.ModCyclesPerSec), MemoryBytes: get(stats.ModMemoryBytes),
	}
}

func resourceUtilizationFrom(m *stats.Metrics) *ResourceUtilization {
	if m == nil {
		return nil
	}
	get := func(k stats.Metric) *Average { return average(m.Get(k)) }
	u := &ResourceUtilization{Threads: get(stats.Threads), Handles: get(stats.Handles)}
	cpu := CPUUsage{
		TotalPct: get(stats.CPUTotalPct), KernelPct: get(stats.CPUKernelPct), UserPct: get(stats.CPUUserPct),
		KernelMsPerMin: get(stats.CPUKernelMsPerMin), CyclesPerSec: get(stats.CPUCyclesPerSec),
	}
	mem := MemoryUsage{
		PrivateBytes: get(stats.MemPrivateBytes), PrivateMaxBytes: get(stats.MemPrivateMaxBytes),
		PrivateMinBytes: get(stats.MemPrivateMinBytes), NonpagedBytes: get(stats.MemNonpagedBytes),
		VirtualBytes: get(stats.MemVirtualBytes), VirtualPeakBytes: get(stats.MemVirtualPeakBytes),
		WorkingSetBytes: get(stats.MemWorkingSetBytes), WorkingSetPeakBytes: get(stats.MemWorkingSetPeakBytes),
		PageFaultsPerMin: get(stats.MemPageFaultsPerMin),
	}
	io := IOUsage{
		ReadBytesPerSec: get(stats.IOReadBytesPerSec), ReadOpsPerSec: get(stats.IOReadOpsPerSec),
		OtherBytesPerSec: get(stats.IOOtherBytesPerSec), OtherOpsPerSec: get(stats.IOOtherOpsPerSec),
	}
	if cpu != (CPUUsage{}) {
		u.CPU = &cpu
	}
	if mem != (MemoryUsage{}) {
		u.Memory = &mem
	}
	if io != (IOUsage{}) {
		u.IO = &io
	}
	return u
}

// summary returns t as a stats.Summary, for stats.WriteText.
func (t *Telemetry) summary() *stats.Summary {
	if t == nil {
		return nil
	}
	s := &stats.Summary{
		File:                stats.FileID{SHA256: t.File.SHA256, Name: t.File.Name},
		UnpublishedVersions: t.UnpublishedVersions,
		Participants:        t.Participants,
		Samples:             t.Samples,
		Published:           t.Published,
		MinParticipants:     t.MinParticipants,
		ResourceUtilization: t.ResourceUtilization.metrics(),
		TypicalPath:         t.TypicalPath.mode(),
		Versions: convertAll(t.Versions, func(v TelemetryVersion) stats.Version {
			return stats.Version{SHA256: v.SHA256, Participants: v.Participants}
		}),
		Modules: convertAll(t.Modules, func(m TelemetryModule) stats.ModuleSummary {
			ms := stats.ModuleSummary{Name: m.Name, Participants: m.Participants}
			for k, v := range map[stats.ModuleMetric]*Average{
				stats.ModTotalCPUPct: m.TotalCPUPct, stats.ModKernelCPUPct: m.KernelCPUPct, stats.ModUserCPUPct: m.UserCPUPct,
				stats.ModCyclesPerSec: m.CyclesPerSec, stats.ModMemoryBytes: m.MemoryBytes,
			} {
				if v != nil {
					ms.Metrics.Set(k, float64(*v))
				}
			}
			return ms
		}),
	}
	if t.Rejected != nil {
		s.Rejected = make(map[stats.RejectReason]int64, len(t.Rejected))
		for name, n := range t.Rejected {
			var r stats.RejectReason
			if r.UnmarshalText([]byte(name)) == nil {
				s.Rejected[r] = n
			}
		}
	}
	if p := t.Process; p != nil {
		s.Process = &stats.ProcessSummary{
			IntegrityLevel: p.IntegrityLevel.mode(), Platform: p.Platform.mode(),
			CommandLine: p.CommandLine.mode(), Owner: p.Owner.mode(), Parent: p.Parent.mode(),
		}
		if sv := p.Service; sv != nil {
			s.Process.Service = &stats.ServiceSummary{
				Name: sv.Name.mode(), Type: sv.Type.mode(),
				DisplayName: localizedModes(sv.DisplayName), Description: localizedModes(sv.Description),
			}
		}
	}
	if d := t.Distribution; d != nil {
		entry := func(e DistributionEntry) stats.Entry {
			return stats.Entry{Value: e.Value, Code: e.Code, Share: e.Share, Participants: e.Participants, Other: e.Other}
		}
		s.Distribution = &stats.Distribution{
			OS: convertAll(d.OS, entry), Country: convertAll(d.Country, entry), Manufacturer: convertAll(d.Manufacturer, entry),
			Known: stats.Known{OS: d.Known.OS, Country: d.Known.Country, Manufacturer: d.Known.Manufacturer},
		}
	}
	return s
}

// mode returns m as a stats.Mode (nil for nil).
func (m *TelemetryMode) mode() *stats.Mode {
	if m == nil {
		return nil
	}
	return &stats.Mode{Value: m.Value, Share: m.Share, Participants: m.Participants}
}

func localizedModes(m map[string]TelemetryMode) map[string]stats.Mode {
	if m == nil {
		return nil
	}
	out := make(map[string]stats.Mode, len(m))
	for l, v := range m {
		out[l] = *v.mode()
	}
	return out
}

// metrics returns u as stats.Metrics (nil for nil).
func (u *ResourceUtilization) metrics() *stats.Metrics {
	if u == nil {
		return nil
	}
	m := &stats.Metrics{}
	set := func(k stats.Metric, v *Average) {
		if v != nil {
			m.Set(k, float64(*v))
		}
	}
	set(stats.Threads, u.Threads)
	set(stats.Handles, u.Handles)
	if c := u.CPU; c != nil {
		set(stats.CPUTotalPct, c.TotalPct)
		set(stats.CPUKernelPct, c.KernelPct)
		set(stats.CPUUserPct, c.UserPct)
		set(stats.CPUKernelMsPerMin, c.KernelMsPerMin)
		set(stats.CPUCyclesPerSec, c.CyclesPerSec)
	}
	if c := u.Memory; c != nil {
		set(stats.MemPrivateBytes, c.PrivateBytes)
		set(stats.MemPrivateMaxBytes, c.PrivateMaxBytes)
		set(stats.MemPrivateMinBytes, c.PrivateMinBytes)
		set(stats.MemNonpagedBytes, c.NonpagedBytes)
		set(stats.MemVirtualBytes, c.VirtualBytes)
		set(stats.MemVirtualPeakBytes, c.VirtualPeakBytes)
		set(stats.MemWorkingSetBytes, c.WorkingSetBytes)
		set(stats.MemWorkingSetPeakBytes, c.WorkingSetPeakBytes)
		set(stats.MemPageFaultsPerMin, c.PageFaultsPerMin)
	}
	if c := u.IO; c != nil {
		set(stats.IOReadBytesPerSec, c.ReadBytesPerSec)
		set(stats.IOReadOpsPerSec, c.ReadOpsPerSec)
		set(stats.IOOtherBytesPerSec, c.OtherBytesPerSec)
		set(stats.IOOtherOpsPerSec, c.OtherOpsPerSec)
	}
	return m
}
