package filerep

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/filerep/filerep/pe"
	"github.com/filerep/filerep/pe/detect"
	"github.com/filerep/filerep/reputation"
)

// WithRules replaces the detection rules ([detect.DefaultRules] by
// default, also when rules is empty). Add rules of your own by appending
// to the defaults:
//
//	filerep.WithRules(append(detect.DefaultRules(), myPacker)...)
//
// A rule set that [detect.Validate] refuses (a rule without ID, kind or
// Match, or an ID used twice) is an error wrapping [ErrOptions]. The
// rules are copied; the report's rules_version stays
// [detect.RulesVersion], the version of the default tables.
func WithRules(rules ...detect.Rule) Option {
	return func(c *config) error {
		if err := detect.Validate(rules); err != nil {
			return fmt.Errorf("%w: WithRules: %w", ErrOptions, err)
		}
		c.rules = slices.Clone(rules)
		return nil
	}
}

// defaultRules is detect.DefaultRules, copied once: Run does not change
// the rules it is given, and a copy per file costs a few hundred
// allocations.
var defaultRules = sync.OnceValue(detect.DefaultRules)

// setDetection runs the detection rules (nil: the defaults) on the parsed
// file and fills the Digital DNA and behaviours. When ctx ends first the
// findings of the rules that ran are kept and the error is recorded.
func (r *FileReport) setDetection(ctx context.Context, f *pe.File, rules []detect.Rule) {
	if f == nil || r.DNA == nil {
		return
	}
	if rules == nil {
		rules = defaultRules()
	}
	d, err := detect.Run(ctx, f, rules)
	r.DNA.Packed = d.Packed
	r.DNA.Packers = findings(d.Packers)
	r.DNA.CodeLanguage = d.CodeLanguage
	r.DNA.Compiler = finding(d.Compiler)
	if d.Installer != nil {
		r.DNA.Installer = d.Installer.Name
		r.DNA.InstallerDetail = finding(d.Installer)
	}
	r.DNA.RulesVersion = d.RulesVersion
	r.Behaviors = behaviors(d.Behaviors)
	for _, e := range d.Errors {
		r.Errors = append(r.Errors, "detection: "+e)
	}
	if err != nil {
		r.Errors = append(r.Errors, "detection: "+err.Error())
	}
}

// finding copies a detection finding into the report's shape.
func finding(fd *detect.Finding) *Finding {
	if fd == nil {
		return nil
	}
	out := &Finding{
		RuleID: fd.RuleID, Kind: string(fd.Kind), Name: fd.Name, Language: fd.Language,
		Version: fd.Version, Confidence: int(fd.Confidence), Evidence: evidence(fd.Evidence),
	}
	return out
}

// findings copies detection findings into the report's shape.
func findings(fds []detect.Finding) []Finding {
	if fds == nil {
		return nil
	}
	out := make([]Finding, len(fds))
	for i := range fds {
		out[i] = *finding(&fds[i])
	}
	return out
}

// behaviors copies detected behaviours into the report's shape.
func behaviors(bs []detect.Behavior) []Behavior {
	if bs == nil {
		return nil
	}
	out := make([]Behavior, len(bs))
	for i, b := range bs {
		out[i] = Behavior{ID: b.ID, Description: b.Description, Common: b.Common, Evidence: evidence(b.Evidence)}
	}
	return out
}

// evidence copies detection evidence into the report's shape.
func evidence(es []detect.Evidence) []Evidence {
	if es == nil {
		return nil
	}
	out := make([]Evidence, len(es))
	for i, e := range es {
		out[i] = Evidence{Kind: e.Kind, Value: e.Value, Offset: e.Offset}
	}
	return out
}

// detectionSubject adds the detection findings (packers, installer,
// behaviours) to the verdict's subject.
func (r *FileReport) detectionSubject(s *reputation.Subject) {
	if d := r.DNA; d != nil {
		s.Packed = d.Packed
		for _, p := range d.Packers {
			s.Packers = append(s.Packers, p.Name)
		}
		s.Installer = d.Installer
	}
	for _, b := range r.Behaviors {
		if !b.Common {
			s.Behaviors = append(s.Behaviors, b.ID)
		}
	}
}
