package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path"
	"strings"

	"github.com/filerep/filerep"
	"github.com/filerep/filerep/reputation"
	"github.com/filerep/filerep/stats"
)

// fileData is what a file's page and API answer are made of: a report
// (analysed here, or assembled from the knowledge base and the crowd when
// the file itself was never uploaded) and the records that know it.
type fileData struct {
	*filerep.FileReport
	// Analysed is true when the file's own bytes were analysed here.
	Analysed bool
	// Records are the knowledge base's records of the file.
	Records []reputation.FileRecord
}

// notAnalysed is the error a report assembled without the file carries.
const notAnalysed = "not analysed here: the file's own evidence (version info, Digital DNA, behaviours, signature) is unknown until it is uploaded; what is shown comes from the knowledge base and the crowd telemetry"

// lookup gathers what is known of the file sha256 (lower-case hex). The
// error wraps reputation.ErrNotFound when nothing is.
func (s *Server) lookup(ctx context.Context, sha256 string) (*fileData, error) {
	var recs []reputation.FileRecord
	if s.cfg.KB != nil {
		var err error
		recs, err = s.cfg.KB.Files(ctx, sha256)
		if err != nil && !errors.Is(err, reputation.ErrNotFound) {
			return nil, fmt.Errorf("knowledge base: %w", err)
		}
	}
	sum := s.summary(sha256, "")
	cached, analysed := s.reports.get(sha256)
	if !analysed && len(recs) == 0 && sum == nil {
		return nil, fmt.Errorf("%s: %w", sha256, reputation.ErrNotFound)
	}

	var rep filerep.FileReport
	if analysed {
		rep = *cached // a shallow copy: the knowledge-base parts are refreshed below
	} else {
		rep = assemble(sha256, recs, sum)
	}
	name := rep.File.Name
	if rep.Telemetry == nil { // always so when !analysed: sum is then the report's telemetry
		sum = s.summary(sha256, name)
		rep.Telemetry = filerep.TelemetryFrom(sum)
	}
	if err := s.knowledge(ctx, &rep); err != nil {
		return nil, err
	}
	if !analysed {
		obs := &reputation.Observation{Telemetry: sum, Path: rep.TypicalPath}
		subj := &reputation.Subject{Name: name, MD5: rep.Hashes.MD5, SHA1: rep.Hashes.SHA1, SHA256: rep.Hashes.SHA256, Kind: string(rep.File.Kind)}
		if len(recs) > 0 {
			subj.Claims = reputation.Claims{CompanyName: recs[0].Publisher, ProductName: recs[0].Product, FileVersion: recs[0].Version}
		}
		v, err := reputation.Evaluate(ctx, subj, s.cfg.KB, obs, nil)
		if err != nil {
			return nil, fmt.Errorf("verdict: %w", err)
		}
		rep.Verdict = filerep.VerdictFrom(v)
	}
	return &fileData{FileReport: &rep, Analysed: analysed, Records: recs}, nil
}

// assemble makes a filerep/v1 report for a file known only from records
// and telemetry. Its kind comes from the name's extension (the schema
// requires one) and its errors say that the file was not analysed.
func assemble(sha256 string, recs []reputation.FileRecord, sum *stats.Summary) filerep.FileReport {
	rep := filerep.FileReport{Schema: filerep.Schema}
	rep.Hashes.SHA256 = sha256
	for _, r := range recs {
		if rep.File.Name == "" {
			rep.File.Name = r.Name
		}
		if rep.Hashes.MD5 == "" {
			rep.Hashes.MD5 = r.MD5
		}
		if rep.Hashes.SHA1 == "" {
			rep.Hashes.SHA1 = r.SHA1
		}
	}
	if rep.File.Name == "" && sum != nil {
		rep.File.Name = sum.File.Name
	}
	rep.File.Kind = kindOfName(rep.File.Name)
	rep.Errors = []string{notAnalysed}
	return rep
}

// kindOfName guesses a kind from a file name's extension.
func kindOfName(name string) filerep.Kind {
	switch strings.ToLower(path.Ext(name)) {
	case ".dll", ".ocx", ".cpl":
		return "dll"
	case ".sys":
		return "driver"
	case ".efi":
		return "efi"
	case ".mui":
		return "mui"
	case ".exe", ".scr", ".com":
		return "exe"
	}
	return "not-pe"
}

// summary returns the telemetry summary of sha256, else the roll-up of
// name across versions, else nil.
func (s *Server) summary(sha256, name string) *stats.Summary {
	if s.cfg.Telemetry == nil {
		return nil
	}
	if sum, ok := s.cfg.Telemetry.Summary(sha256); ok {
		return sum
	}
	if name != "" {
		if sum, ok := s.cfg.Telemetry.NameSummary(name); ok {
			return sum
		}
	}
	return nil
}

// knowledge fills the report's additional versions, relationships and
// typical path from the knowledge base and the telemetry.
func (s *Server) knowledge(ctx context.Context, rep *filerep.FileReport) error {
	name := rep.File.Name
	if rep.TypicalPath == "" && rep.Telemetry != nil && rep.Telemetry.TypicalPath != nil {
		rep.TypicalPath = rep.Telemetry.TypicalPath.Value
	}
	if s.cfg.KB == nil || name == "" {
		return nil
	}
	vs, err := s.cfg.KB.Versions(ctx, name)
	if err != nil && !errors.Is(err, reputation.ErrNotFound) {
		return fmt.Errorf("knowledge base: versions: %w", err)
	}
	rep.AdditionalVersions = nil
	for _, v := range vs {
		if v.SHA256 != rep.Hashes.SHA256 {
			rep.AdditionalVersions = append(rep.AdditionalVersions, filerep.AdditionalVersionFrom(v))
		}
	}
	rel, err := s.cfg.KB.Relationships(ctx, name)
	switch {
	case err == nil:
		rep.Relationships = filerep.RelationshipsFrom(&rel)
	case !errors.Is(err, reputation.ErrNotFound):
		return fmt.Errorf("knowledge base: relationships: %w", err)
	}
	if rep.TypicalPath == "" {
		tp, err := s.cfg.KB.TypicalPaths(ctx, name)
		switch {
		case err == nil && len(tp.Paths) > 0:
			rep.TypicalPath = tp.Paths[0].Path
		case err != nil && !errors.Is(err, reputation.ErrNotFound):
			return fmt.Errorf("knowledge base: typical paths: %w", err)
		}
	}
	return nil
}

// maxQuery bounds a search query.
const maxQuery = 256

// search is GET /search?q=: by hash, file name or publisher.
func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if len(q) > maxQuery {
		s.fail(w, r, http.StatusBadRequest, fmt.Sprintf("A search is at most %d bytes long.", maxQuery), nil)
		return
	}
	page := searchPage{Query: q}
	if q != "" {
		res, err := s.find(r.Context(), q)
		if err != nil {
			s.fail(w, r, http.StatusInternalServerError, "The knowledge base could not be read.", err)
			return
		}
		page.Results = res
		page.Searched = true
	}
	s.render(w, http.StatusOK, "search", page)
}

// maxResults bounds a search's answer.
const maxResults = 100

// find looks q up as a hash (MD5, SHA-1, SHA-256), else as a file name
// (knowledge-base versions, analysed reports, telemetry) and a publisher
// (the company name or signer of analysed reports, records' publishers).
func (s *Server) find(ctx context.Context, q string) ([]searchResult, error) {
	var out []searchResult
	seen := map[string]bool{}
	add := func(r searchResult) {
		key := r.SHA256 + "\x00" + r.Name + "\x00" + r.Detail
		if r.SHA256 != "" {
			key = r.SHA256
		}
		if !seen[key] && len(out) < maxResults {
			seen[key] = true
			out = append(out, r)
		}
	}
	if alg, h, err := reputation.NormalizeHash(q); err == nil {
		for _, rep := range s.reports.match(maxResults, func(rep *filerep.FileReport) bool {
			return rep.Hashes.MD5 == h || rep.Hashes.SHA1 == h || rep.Hashes.SHA256 == h
		}) {
			add(resultOf(rep))
		}
		if s.cfg.KB != nil {
			recs, err := s.cfg.KB.Files(ctx, h)
			if err != nil && !errors.Is(err, reputation.ErrNotFound) {
				return nil, fmt.Errorf("knowledge base: %w", err)
			}
			for _, rec := range recs {
				add(recordResult(rec))
			}
		}
		if alg == reputation.SHA256 {
			if sum := s.summary(h, ""); sum != nil {
				add(searchResult{SHA256: h, Name: safe(sum.File.Name), Detail: "crowd telemetry"})
			}
		}
		return out, nil
	}

	name := reputation.NormalizeName(q)
	lower := strings.ToLower(q)
	for _, rep := range s.reports.match(maxResults, func(rep *filerep.FileReport) bool {
		if reputation.NormalizeName(rep.File.Name) == name {
			return true
		}
		if vi := rep.VersionInfo; vi != nil && vi.CompanyName != "" && strings.Contains(strings.ToLower(vi.CompanyName), lower) {
			return true
		}
		if sg := rep.Signature; sg != nil {
			for _, sn := range sg.Signers {
				if strings.Contains(strings.ToLower(reputation.SubjectCommonName(sn.Subject)), lower) {
					return true
				}
			}
		}
		return false
	}) {
		add(resultOf(rep))
	}
	if s.cfg.KB != nil {
		vs, err := s.cfg.KB.Versions(ctx, name)
		if err != nil && !errors.Is(err, reputation.ErrNotFound) {
			return nil, fmt.Errorf("knowledge base: %w", err)
		}
		for _, v := range vs {
			if v.SHA256 == "" {
				continue
			}
			r := searchResult{SHA256: v.SHA256, Name: safe(v.Name), Detail: safe(strings.TrimSpace(v.Product + " " + v.Version))}
			// The record of the version says who publishes it.
			if recs, err := s.cfg.KB.Files(ctx, v.SHA256); err == nil && len(recs) > 0 && recs[0].Publisher != "" {
				r.Detail = safe(recs[0].Publisher) + " · " + r.Detail
			}
			add(r)
		}
	}
	if s.cfg.Telemetry != nil {
		if sum, ok := s.cfg.Telemetry.NameSummary(name); ok {
			for _, v := range sum.Versions {
				add(searchResult{SHA256: v.SHA256, Name: safe(sum.File.Name), Detail: fmt.Sprintf("crowd telemetry: %s participants", commas(v.Participants))})
			}
		}
	}
	return out, nil
}

// resultOf is the search result of an analysed report.
func resultOf(rep *filerep.FileReport) searchResult {
	r := searchResult{SHA256: rep.Hashes.SHA256, Name: safe(rep.File.Name), Detail: "analysed here"}
	if vi := rep.VersionInfo; vi != nil {
		if d := strings.TrimSpace(vi.CompanyName + " · " + vi.FileVersion); d != "·" {
			r.Detail = safe(strings.Trim(d, " ·"))
		}
	}
	if rep.Verdict != nil {
		r.Level = string(rep.Verdict.Level)
	}
	return r
}

// recordResult is the search result of a knowledge-base record.
func recordResult(rec reputation.FileRecord) searchResult {
	d := strings.Trim(strings.Join([]string{rec.Publisher, rec.Product, rec.Version}, " · "), " ·")
	return searchResult{
		SHA256: rec.SHA256,
		Name:   safe(rec.Name),
		Detail: safe(d) + " (" + safe(rec.Source) + ", " + rec.Trust.String() + ")",
	}
}
