package filerep

import "github.com/filerep/filerep/reputation"

// This file copies package reputation's results into the report's types
// (report_reputation.go).

// VerdictFrom returns the report's form of a verdict reputation.Evaluate
// returned (nil for nil), for programs that evaluate a file themselves
// and show the verdict as a report does.
func VerdictFrom(v *reputation.Verdict) *Verdict {
	if v == nil {
		return nil
	}
	return &Verdict{
		Level: Level(v.Level), Score: v.Score, Summary: v.Summary, Statement: v.Statement,
		Reasons: convertAll(v.Reasons, func(r reputation.Reason) VerdictReason {
			return VerdictReason{Signal: r.Signal, Weight: r.Weight, Detail: r.Detail}
		}),
	}
}

// AdditionalVersionFrom returns the report's form of a knowledge-base
// version record, as FileReport.AdditionalVersions lists them.
func AdditionalVersionFrom(v reputation.VersionRecord) AdditionalVersion {
	return AdditionalVersion{Name: v.Name, Version: v.Version, Product: v.Product, SHA256: v.SHA256, Source: v.Source}
}

// RelationshipsFrom returns the report's form of what a knowledge base
// knows of a name's relationships (nil for nil); the lists are copied.
func RelationshipsFrom(r *reputation.Relationships) *Relationships {
	if r == nil {
		return nil
	}
	return &Relationships{Name: r.Name, Parents: clone(r.Parents), Modules: clone(r.Modules)}
}
