package filerep

import (
	"errors"

	"github.com/filerep/filerep/hash"
	"github.com/filerep/filerep/pe"
)

// This file is the one place where pe and hash results become a
// FileReport.

// fail records err in the report and returns it.
func (r *FileReport) fail(err error) error {
	r.Errors = append(r.Errors, err.Error())
	r.errs = append(r.errs, err)
	return err
}

// err returns the report's errors joined, or nil.
func (r *FileReport) err() error {
	return errors.Join(r.errs...)
}

func (r *FileReport) setHashes(s *hash.Sums) {
	r.Hashes = Hashes{
		MD5:    s.MD5.String(),
		SHA1:   s.SHA1.String(),
		SHA256: s.SHA256.String(),
		BLAKE3: s.BLAKE3.String(),
	}
	r.entropy = s.Entropy()
	r.File.Entropy = &r.entropy
	r.hashed = true
}

func (r *FileReport) setPE(f *pe.File, perr error) {
	if f == nil {
		r.File.Kind = pe.KindNotPE
		if perr != nil {
			r.fail(perr)
		}
		return
	}
	h := &f.Header
	r.File.Kind = f.Kind
	r.DNA = &DNA{
		Machine:     h.Machine.String(),
		Platform:    f.Platform(),
		Subsystem:   h.Subsystem.String(),
		SubsystemID: int(h.Subsystem),
		IsDLL:       f.IsDLL,
		IsDriver:    f.IsDriver,
		Entropy:     r.entropy,
		DotNet:      f.DotNet,
		CLRVersion:  f.CLRVersion,
	}
	r.Sections = make([]Section, len(f.Sections))
	for i := range f.Sections {
		s := &f.Sections[i]
		r.Sections[i] = Section{
			Name: s.Name, VirtualAddress: s.VirtualAddress, VirtualSize: s.VirtualSize,
			RawOffset: s.RawOffset, RawSize: s.RawSize, Characteristics: s.Characteristics,
			Entropy: s.Entropy, Flags: s.Flags(),
		}
	}
	for _, a := range f.Anomalies {
		r.Anomalies = append(r.Anomalies, a.String())
	}
	if perr != nil {
		r.fail(perr)
	}
}
