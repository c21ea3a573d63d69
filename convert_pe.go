package filerep

import (
	"github.com/filerep/filerep/pe"
	"github.com/filerep/filerep/pe/rsrc"
)

// This file copies package pe's and pe/rsrc's results into the report's
// types (report_pe.go). A nil slice stays nil and an empty one empty:
// fields without omitempty marshal them as null and [] respectively.

// convertAll applies f to each element of in; nil stays nil.
func convertAll[S, T any](in []S, f func(S) T) []T {
	if in == nil {
		return nil
	}
	out := make([]T, len(in))
	for i := range in {
		out[i] = f(in[i])
	}
	return out
}

// clone copies a slice of a basic type; nil stays nil.
func clone[T any](in []T) []T {
	if in == nil {
		return nil
	}
	return append(make([]T, 0, len(in)), in...)
}

func kindFrom(k pe.Kind) Kind { return Kind(k) }

func versionSummaryFrom(v rsrc.VersionSummary) VersionSummary {
	return VersionSummary{
		CompanyName: v.CompanyName, FileDescription: v.FileDescription, ProductName: v.ProductName,
		OriginalFilename: v.OriginalFilename, InternalName: v.InternalName, FileVersion: v.FileVersion,
		ProductVersion: v.ProductVersion, LegalCopyright: v.LegalCopyright,
		FixedFileVersion: v.FixedFileVersion, FixedProductVersion: v.FixedProductVersion,
		Tables: convertAll(v.Tables, stringTableFrom), PrimaryTable: v.PrimaryTable, TablesOmitted: v.TablesOmitted,
	}
}

func stringTableFrom(t rsrc.StringTable) StringTable {
	return StringTable{
		LangCodepage: t.LangCodepage, Language: t.Language, LangID: t.LangID, CodePage: t.CodePage,
		ResourceLangID: t.ResourceLangID, ResourceLanguage: t.ResourceLanguage,
		Strings: VersionStrings(convertAll(t.Strings, func(p rsrc.StringPair) StringPair {
			return StringPair{Key: p.Key, Value: p.Value}
		})),
	}
}

func muiConfigFrom(c *rsrc.MUIConfig) *MUIConfig {
	if c == nil {
		return nil
	}
	return &MUIConfig{
		Length: c.Length, Version: c.Version, PathType: c.PathType, FileType: c.FileType, FileTypeID: c.FileTypeID,
		SystemAttributes: c.SystemAttributes, FallbackLocation: c.FallbackLocation, FallbackLocationID: c.FallbackLocationID,
		Checksum: c.Checksum, ServiceChecksum: c.ServiceChecksum, Reserved: c.Reserved,
		MainTypeNames: clone(c.MainTypeNames), MainTypeIDs: clone(c.MainTypeIDs),
		MUITypeNames: clone(c.MUITypeNames), MUITypeIDs: clone(c.MUITypeIDs),
		Language: c.Language, FallbackLanguage: c.FallbackLanguage,
		Anomalies: convertAll(c.Anomalies, func(a rsrc.Anomaly) MUIAnomaly {
			return MUIAnomaly{Code: a.Code, Msg: a.Msg, Offset: a.Offset}
		}),
	}
}

func satellitesFrom(cs []pe.SatelliteCandidate) []SatelliteCandidate {
	return convertAll(cs, func(c pe.SatelliteCandidate) SatelliteCandidate {
		return SatelliteCandidate{Path: c.Path, Language: c.Language, Rejected: c.Rejected}
	})
}

func overlayFrom(o *pe.Overlay) *Overlay {
	if o == nil {
		return nil
	}
	return &Overlay{Offset: o.Offset, Size: o.Size, Entropy: o.Entropy, CertificateTable: o.CertificateTable}
}

func manifestFrom(m *pe.Manifest) *Manifest {
	if m == nil {
		return nil
	}
	return &Manifest{RequestedExecutionLevel: m.RequestedExecutionLevel, UIAccess: m.UIAccess, Dependencies: clone(m.Dependencies)}
}

func debugFrom(ds []pe.DebugEntry) []DebugEntry {
	return convertAll(ds, func(d pe.DebugEntry) DebugEntry {
		return DebugEntry{Type: d.Type, TimeDateStamp: d.TimeDateStamp, PDBPath: d.PDBPath, GUID: d.GUID, Age: d.Age}
	})
}

func richFrom(es []pe.RichEntry) []RichEntry {
	return convertAll(es, func(e pe.RichEntry) RichEntry {
		return RichEntry{ProductID: e.ProductID, Build: e.Build, Count: e.Count}
	})
}
