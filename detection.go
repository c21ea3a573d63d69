package filerep

import "github.com/filerep/filerep/reputation"

// detectionSubject adds the detection findings (packers, installer,
// behaviours) to the verdict's subject.
func (r *FileReport) detectionSubject(s *reputation.Subject) {}
