package filerep

import (
	"github.com/filerep/filerep/pe"
	"github.com/filerep/filerep/reputation"
)

// setDetection runs the detection rules on the parsed file and fills the
// Digital DNA and behaviours.
func (r *FileReport) setDetection(f *pe.File) {
	if f == nil || r.DNA == nil {
		return
	}
	d := pe.Detect(f)
	r.DNA.Packed = d.Packed
	r.DNA.Packers = d.Packers
	r.DNA.CodeLanguage = d.CodeLanguage
	r.DNA.Compiler = d.Compiler
	if d.Installer != nil {
		r.DNA.Installer = d.Installer.Name
		r.DNA.InstallerDetail = d.Installer
	}
	r.DNA.RulesVersion = d.RulesVersion
	r.Behaviors = d.Behaviors
	for _, e := range d.Errors {
		r.Errors = append(r.Errors, "detection: "+e)
	}
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
