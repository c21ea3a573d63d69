package filerep

import (
	"bytes"
	"encoding/json"
	"math"
	"path/filepath"
	"testing"

	"github.com/filerep/filerep/internal/testutil"
	"github.com/filerep/filerep/pe"
	"github.com/filerep/filerep/pe/rsrc"
	"github.com/filerep/filerep/reputation"
	"github.com/filerep/filerep/stats"
	"github.com/stretchr/testify/require"
)

// This file pins the bytes of the report blocks that the committed
// samples never fill (telemetry, the knowledge base's blocks, the verdict
// with hostileText text) or fill only with tame values: a report built from
// the results of pe, rsrc, reputation and stats, with the strings and
// numbers that marshal differently in different hands (<, &, U+2028,
// invalid UTF-8, repeated keys, floats near the exponent cut-offs), is
// marshalled as the golden reports are (json.MarshalIndent) and as the
// programs write it (an Encoder with SetEscapeHTML(false)), and compared
// with testdata/contract.

// hostileText is text that each JSON encoder treats its own way.
const hostileText = "<b>&amp;</b> \u2028 \xff \"q\""

// contractInputs are the other packages' results a report is made of.
type contractInputs struct {
	kind      pe.Kind
	version   rsrc.VersionSummary
	other     rsrc.VersionSummary
	localized *rsrc.VersionSummary
	mui       *rsrc.MUIConfig
	tried     []pe.SatelliteCandidate
	overlay   *pe.Overlay
	manifest  *pe.Manifest
	debug     []pe.DebugEntry
	rich      []pe.RichEntry
	verdict   *reputation.Verdict
	versions  []reputation.VersionRecord
	rel       *reputation.Relationships
	telemetry *stats.Summary
}

// fullInputs fills every block, with hostileText text and awkward numbers.
func fullInputs() contractInputs {
	tables := []rsrc.StringTable{{
		LangCodepage: "040904b0", Language: "en-US", LangID: 0x409, CodePage: 1200,
		ResourceLangID: 0x409, ResourceLanguage: "en-US",
		Strings: rsrc.Strings{
			{Key: "CompanyName", Value: hostileText},
			{Key: "FileDescription", Value: "a & b"},
			{Key: "CompanyName", Value: "the repeated key is written once"},
			{Key: "<key>", Value: ""},
		},
	}, {LangCodepage: "zz", Strings: nil}}
	in := contractInputs{
		kind: pe.KindDLL,
		version: rsrc.VersionSummary{
			CompanyName: hostileText, FileDescription: "a & b", ProductName: "P", OriginalFilename: "o.dll",
			InternalName: "i", FileVersion: "1.0", ProductVersion: "1.0 <beta>", LegalCopyright: "© x",
			FixedFileVersion: "1.0.0.0", FixedProductVersion: "1.0.0.1", Tables: tables, PrimaryTable: 0, TablesOmitted: 2,
		},
		other:     rsrc.VersionSummary{Tables: []rsrc.StringTable{}, PrimaryTable: -1},
		localized: &rsrc.VersionSummary{PrimaryTable: -1}, // Tables nil: null
		mui: &rsrc.MUIConfig{
			Length: 0x100, Version: 0x10000, FileType: rsrc.MUIFileTypeLN, FileTypeID: 0x11,
			SystemAttributes: 0x100, FallbackLocation: rsrc.MUIFallbackInternal, FallbackLocationID: 1,
			Checksum: "00112233445566778899aabbccddeeff", ServiceChecksum: "ffeeddccbbaa99887766554433221100",
			MainTypeNames: []string{"MUI", "<x>"}, MainTypeIDs: []uint32{16}, MUITypeNames: nil, MUITypeIDs: []uint32{},
			FallbackLanguage: "en-US",
			Anomalies:        []rsrc.Anomaly{{Code: "mui/odd", Msg: hostileText, Offset: 12}},
		},
		tried:    []pe.SatelliteCandidate{{Path: `en-US\a.dll.mui`, Language: "en-US", Rejected: "absent"}, {Path: "x", Language: ""}},
		overlay:  &pe.Overlay{Offset: 1024, Size: 77, Entropy: 7.999999999999999, CertificateTable: true},
		manifest: &pe.Manifest{RequestedExecutionLevel: "requireAdministrator", UIAccess: true, Dependencies: []string{"Microsoft.Windows.Common-Controls/6.0.0.0", hostileText}},
		debug:    []pe.DebugEntry{{Type: "codeview", TimeDateStamp: 1, PDBPath: `C:\<src>\a.pdb`, GUID: "00000000-0000-0000-0000-000000000000", Age: 3}, {Type: "repro"}},
		rich:     []pe.RichEntry{{ProductID: 0x104, Build: 30795, Count: 12}, {}},
		verdict: &reputation.Verdict{
			Level: reputation.Suspicious, Score: 35, Summary: reputation.Suspicious.Summary(),
			Reasons:   []reputation.Reason{{Signal: "packed", Weight: -20, Detail: hostileText}, {Signal: "x", Weight: 0}},
			Statement: "This <looks> & is",
		},
		versions: []reputation.VersionRecord{{Name: "a.dll", Version: "1.0", Product: "P & Q", SHA256: "ab", Source: "kb"}, {Name: "a.dll", Version: "0.9"}},
		rel:      &reputation.Relationships{Name: "a.dll", Parents: []string{"<svchost>.exe"}, Modules: []string{"k.dll"}},
	}
	ru := &stats.Metrics{}
	for k, v := range []float64{5e-7, 5e-8, 1e21, 2.5e22, 0, 1e20, 0.1 + 0.2, 123456789.123, 1, 99.99999999999999,
		1e-7, 9.99999e-7, 1e-6, 7, math.MaxFloat64, math.SmallestNonzeroFloat64, 3.0000000000000004, 12, 4096, 0.5} {
		ru.Set(stats.Metric(k), v)
	}
	ru.Delete(stats.MemNonpagedBytes)
	var mm stats.ModuleMetrics
	mm.Set(stats.ModTotalCPUPct, 5e-7)
	mm.Set(stats.ModCyclesPerSec, 1e21)
	mm.Set(stats.ModMemoryBytes, 0.1+0.2)
	mode := func(v string, share float64, n int64) *stats.Mode {
		return &stats.Mode{Value: v, Share: share, Participants: n}
	}
	in.telemetry = &stats.Summary{
		File:                stats.FileID{SHA256: "ab", Name: hostileText},
		Versions:            []stats.Version{{SHA256: "cd", Participants: 9}},
		UnpublishedVersions: 2,
		Participants:        1 << 60, Samples: 1<<62 + 1, Published: true, MinParticipants: 5,
		Rejected:            map[stats.RejectReason]int64{stats.RejectTooLarge: 1, stats.RejectMalformedJSON: 3, stats.RejectOutOfRange: 2},
		ResourceUtilization: ru,
		TypicalPath:         mode(`C:\Program Files\<a>&b\a.dll`, 5e-7, 3),
		Process: &stats.ProcessSummary{
			IntegrityLevel: mode("medium", 1, 5), Platform: mode("x64", 1e-7, 5), CommandLine: mode(hostileText, 0.1+0.2, 6),
			Owner: mode("u", 1e21, 1), Parent: mode("explorer.exe", 0.5, 2),
			Service: &stats.ServiceSummary{
				Name: mode("svc", 1, 5), Type: nil,
				DisplayName: map[string]stats.Mode{"en-US": *mode(hostileText, 0.75, 4), "<und>": *mode("x", 1e-9, 1), "de-DE": *mode("y", 0.25, 1)},
				Description: map[string]stats.Mode{},
			},
		},
		Modules: []stats.ModuleSummary{
			{Name: hostileText, Participants: 1<<60 + 1, Metrics: mm},
			{Name: "kernel32.dll", Participants: 9007199254740993},
			{Name: "", Participants: 0},
		},
		Distribution: &stats.Distribution{
			OS:      []stats.Entry{{Value: "Windows 11", Share: 0.6, Participants: 6}, {Value: stats.OtherValue, Share: 0.4, Participants: 4, Other: true}},
			Country: []stats.Entry{{Value: "Côte d’Ivoire <CI>", Code: "CI", Share: 1e-7, Participants: 1}},
			Known:   stats.Known{OS: 10, Country: 1},
		},
	}
	return in
}

// minimalInputs leaves out what may be left out, and keeps what marshals
// as null or as an empty collection.
func minimalInputs() contractInputs {
	return contractInputs{
		kind:      pe.KindUnreadable,
		version:   rsrc.VersionSummary{PrimaryTable: -1}, // Tables nil
		localized: &rsrc.VersionSummary{Tables: []rsrc.StringTable{{}}},
		mui:       &rsrc.MUIConfig{},
		verdict:   &reputation.Verdict{Level: reputation.Unknown},
		rel:       &reputation.Relationships{},
		telemetry: &stats.Summary{File: stats.FileID{Name: "a.exe"}, Participants: 1, MinParticipants: 5},
	}
}

// contractReport is a report made of in by the conversions of
// convert_*.go.
func contractReport(in contractInputs) *FileReport {
	var localized *VersionSummary
	if in.localized != nil {
		v := versionSummaryFrom(*in.localized)
		localized = &v
	}
	var rel *Relationships
	if in.rel != nil {
		rel = RelationshipsFrom(in.rel)
	}
	rep := &FileReport{
		Schema: Schema,
		File:   FileInfo{Name: "a.dll", Path: "a.dll", Size: 1, Kind: kindFrom(in.kind)},
		VersionInfo: &VersionInfo{
			VersionSummary: versionSummaryFrom(in.version),
			OtherLanguages: []VersionResource{{Language: "de-DE", LangID: 0x407, Version: versionSummaryFrom(in.other)}},
		},
		MUI:       &MUI{MUIConfig: muiConfigFrom(in.mui), SatellitePath: `en-US\a.dll.mui`, Tried: satellitesFrom(in.tried)},
		Localized: &Localized{Language: "en-US", VersionInfo: localized, Tried: satellitesFrom(in.tried)},
		PE: &PEDetails{
			Overlay: overlayFrom(in.overlay), Manifest: manifestFrom(in.manifest), Debug: debugFrom(in.debug),
			Rich: &RichSummary{ChecksumValid: true, Entries: richFrom(in.rich)},
		},
		Verdict:            VerdictFrom(in.verdict),
		AdditionalVersions: convertAll(in.versions, AdditionalVersionFrom),
		Relationships:      rel,
		Telemetry:          TelemetryFrom(in.telemetry),
	}
	return rep
}

// contractBytes marshals rep as the golden reports are, and as the
// programs write it.
func contractBytes(t *testing.T, rep *FileReport) (indented, unescaped []byte) {
	t.Helper()
	indented, err := json.MarshalIndent(rep, "", "  ")
	require.NoError(t, err)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	require.NoError(t, enc.Encode(rep))
	return append(indented, '\n'), buf.Bytes()
}

// TestReportContractBytes: the report of other packages' results
// marshals to the bytes of testdata/contract, both ways.
func TestReportContractBytes(t *testing.T) {
	for name, in := range map[string]contractInputs{"full": fullInputs(), "minimal": minimalInputs()} {
		t.Run(name, func(t *testing.T) {
			indented, unescaped := contractBytes(t, contractReport(in))
			dir := filepath.Join(testutil.RepoRoot(), "testdata", "contract")
			testutil.Golden(t, filepath.Join(dir, name+".json"), indented)
			testutil.Golden(t, filepath.Join(dir, name+"-noescape.json"), unescaped)
		})
	}
}
