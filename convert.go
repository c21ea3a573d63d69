package filerep

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/filerep/filerep/hash"
	"github.com/filerep/filerep/pe"
	"github.com/filerep/filerep/pe/authenticode"
	"github.com/filerep/filerep/pe/rsrc"
	"github.com/filerep/filerep/reputation"
)

// This file and convert_*.go are where the results of pe, hash,
// reputation and stats become a FileReport: the report's types are all
// defined in this package (report*.go), and filled here from theirs.

// fail records err in the report and returns it.
func (r *FileReport) fail(err error) error {
	r.Errors = append(r.Errors, err.Error())
	r.errs = append(r.errs, err)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		r.File.Partial = true // the context ended the analysis early
	}
	return err
}

// err returns the report's errors joined, or nil.
func (r *FileReport) err() error {
	return errors.Join(r.errs...)
}

// setHashes fills the digests that were computed (which); the others
// stay "".
func (r *FileReport) setHashes(s *hash.Sums, which hash.Digests) {
	r.Hashes = Hashes{}
	if which.Has(hash.DigestMD5) {
		r.Hashes.MD5 = s.MD5.String()
	}
	if which.Has(hash.DigestSHA1) {
		r.Hashes.SHA1 = s.SHA1.String()
	}
	if which.Has(hash.DigestSHA256) {
		r.Hashes.SHA256 = s.SHA256.String()
	}
	if which.Has(hash.DigestBLAKE3) {
		r.Hashes.BLAKE3 = s.BLAKE3.String()
	}
	if which.Has(hash.DigestSSDEEP) && s.SSDEEPErr == nil {
		r.Hashes.SSDeep = s.SSDEEP.String()
	}
	if which.Has(hash.DigestTLSH) && s.TLSHErr == nil {
		r.Hashes.TLSH = s.TLSH.String()
	}
	r.entropy = s.Entropy()
	r.File.Entropy = &r.entropy
	r.hashed = true
}

func (r *FileReport) setPE(f *pe.File, perr error, lang string) {
	if f == nil {
		if !errors.Is(perr, context.DeadlineExceeded) && !errors.Is(perr, context.Canceled) {
			r.File.Kind = KindNotPE // read, and not a PE (a parse cut short says nothing)
		}
		if perr != nil {
			r.fail(perr)
		}
		return
	}
	h := &f.Header
	r.File.Kind = kindFrom(f.Kind)
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
	r.Hashes.Imphash = f.Imphash()
	if f.Rich != nil {
		r.Hashes.RichHeaderHash = f.Rich.Hash()
	}
	r.VersionInfo = versionInfo(f, lang)
	if f.MUI != nil {
		r.MUI = &MUI{MUIConfig: muiConfigFrom(f.MUI)}
		if f.MUI.IsLanguageNeutral() && f.MUI.FallbackLanguage != "" {
			r.MUI.SatellitePath = rsrc.SatellitePath(r.File.Name, f.MUI.FallbackLanguage)
		}
	}
	r.PE = peDetails(f)
	for _, a := range f.Anomalies {
		r.Anomalies = append(r.Anomalies, a.String())
		r.AnomalyDetails = append(r.AnomalyDetails, Anomaly{ID: a.ID, Message: a.Msg})
	}
	if perr != nil {
		r.fail(perr)
	}
}

// versionInfo builds version_info for the UI language lang: the primary
// strings from the RT_VERSION resource and StringTable Windows would show
// (rsrc.PickVersion), every table of every resource, and the resources not
// chosen in OtherLanguages.
func versionInfo(f *pe.File, lang string) *VersionInfo {
	sum, chosen := f.VersionSummary(lang)
	if chosen < 0 {
		return nil
	}
	v := &VersionInfo{VersionSummary: versionSummaryFrom(sum)}
	for i, o := range f.Versions {
		if i != chosen && o.Info != nil {
			v.OtherLanguages = append(v.OtherLanguages, VersionResource{
				Language: rsrc.LanguageTag(o.Lang), LangID: o.Lang, Version: versionSummaryFrom(o.Info.Summary()),
			})
		}
	}
	return v
}

func importSummary(imps []pe.Import) *ImportSummary {
	if len(imps) == 0 {
		return nil
	}
	s := &ImportSummary{DLLCount: len(imps), DLLs: make([]DLLImport, 0, len(imps))}
	for _, imp := range imps {
		s.FunctionCount += len(imp.Functions)
		s.DLLs = append(s.DLLs, DLLImport{Name: imp.DLL, Functions: len(imp.Functions)})
	}
	return s
}

func peDetails(f *pe.File) *PEDetails {
	h := &f.Header
	d := &PEDetails{
		TimestampRaw:  h.TimeDateStamp,
		LinkerVersion: fmt.Sprintf("%d.%d", h.LinkerVersion[0], h.LinkerVersion[1]),
		EntryPoint:    h.AddressOfEntryPoint,
		ImageBase:     h.ImageBase,
		Checksum:      h.CheckSum,
		Imports:       importSummary(f.Imports),
		DelayImports:  importSummary(f.DelayImports),
		Overlay:       overlayFrom(f.Overlay),
		Manifest:      manifestFrom(f.Manifest),
		Debug:         debugFrom(f.Debug),
		TLSCallbacks:  f.TLSCallbacks,
	}
	if h.TimeDateStamp != 0 {
		d.Timestamp = time.Unix(int64(h.TimeDateStamp), 0).UTC().Format(time.RFC3339)
	}
	if e := f.Exports; e != nil {
		es := &ExportSummary{DLLName: e.DLLName, Count: len(e.Functions)}
		for _, fn := range e.Functions {
			if fn.Forwarder != "" {
				es.Forwarders++
			}
			if fn.Name != "" && len(es.Names) < MaxExportNames {
				es.Names = append(es.Names, fn.Name)
			}
		}
		d.Exports = es
	}
	if f.Rich != nil {
		d.Rich = &RichSummary{ChecksumValid: f.Rich.ChecksumValid, Entries: richFrom(f.Rich.Entries)}
	}
	return d
}

// localize runs the detection rules, then finds the .mui satellite of a
// language-neutral file in the configured file tree and fills
// rep.Localized. A missing satellite is not an error of the file: it is
// noted in the MUI block's search list. (Detection runs here because this
// is the first step after setPE that has the context and the rule set;
// it belongs in setPE once setPE is given them.)
func (r *FileReport) localize(ctx context.Context, f *pe.File, c *config) {
	r.setDetection(ctx, f, c.rules)
	if f == nil || f.MUI == nil || !f.MUI.IsLanguageNeutral() || c.satFS == nil || c.noSat {
		return
	}
	search, err := pe.FindSatellite(ctx, c.satFS, c.satPath, f, c.lang)
	sat := search.Satellite
	if err != nil || sat == nil {
		if r.MUI != nil {
			r.MUI.Tried = satellitesFrom(search.Tried)
		}
		return
	}
	dir := path.Dir(c.satPath)
	rel := strings.TrimPrefix(sat.Path, dir+"/")
	if dir == "." {
		rel = sat.Path
	}
	sum := sha256.Sum256(sat.File.Data())
	loc := &Localized{
		Language:      sat.Language,
		SatellitePath: strings.ReplaceAll(rel, "/", `\`),
		SHA256:        hex.EncodeToString(sum[:]),
		Tried:         satellitesFrom(search.Tried[:len(search.Tried)-1]),
	}
	if vi := sat.File.VersionInfo(); vi != nil {
		v := versionSummaryFrom(vi.Summary())
		loc.VersionInfo = &v
	}
	for _, s := range sat.File.Strings {
		if len(loc.Strings) == MaxLocalizedStrings {
			break
		}
		loc.Strings = append(loc.Strings, LocalizedString{ID: s.ID, Value: s.Value})
	}
	r.Localized = loc
	if r.MUI != nil {
		r.MUI.SatellitePath = loc.SatellitePath
	}
}

// setSignature fills the authentihash and the signature block.
func (r *FileReport) setSignature(f *pe.File, c *config) {
	if f == nil || f.Size != r.File.Size {
		return // parsed from a prefix: the digests need the whole file
	}
	signed := f.HasCertificateTable()
	if h, err := f.Authentihash(); err == nil {
		r.Hashes.Authentihash = hex.EncodeToString(h)
	}
	// The SHA-1 form serves only catalog lookups (older catalogs list SHA-1
	// digests) and SHA-1 signatures: one more pass otherwise.
	if c.needAuthentihash() || signed {
		if h, err := f.AuthentihashSHA1(); err == nil {
			r.Hashes.AuthentihashSHA1 = hex.EncodeToString(h)
		}
	}
	sig, err := f.Signature()
	out := &Signature{}
	r.Signature = out
	if errors.Is(err, authenticode.ErrNotSigned) {
		return // evaluate fills the catalog status
	}
	if err != nil {
		out.Errors = append(out.Errors, err.Error())
	}
	if sig == nil {
		return
	}
	out.Signed = sig.Signed
	for _, e := range sig.Errors {
		out.Errors = append(out.Errors, e.Error())
	}
	vopts := c.verifyOptionsFor(r.File.Kind)
	res, verr := sig.Verify(vopts)
	if verr != nil {
		out.Errors = append(out.Errors, verr.Error())
	}
	if res != nil {
		out.Verified = res.Verified
	}
	seen := map[string]bool{}
	for i, si := range sig.Signatures {
		s := Signer{
			Subject: si.Signer.Subject, Issuer: si.Signer.Issuer, Serial: si.Signer.Serial,
			DigestAlgorithm: si.DigestAlgorithm, Nested: si.Depth > 0,
			DigestMatches: si.DigestMatches, SignatureValid: si.Signer.SignatureValid,
		}
		if si.Signer.Certificate != nil {
			s.Thumbprint = si.Signer.Certificate.SHA256
		}
		var v *authenticode.Verification
		if res != nil && i < len(res.Signatures) {
			v = &res.Signatures[i]
			s.Verified = v.Verified
		}
		ts := signerTimestamp(&si.Signer, v)
		s.Timestamp = ts.time
		if i == 0 {
			out.IntegrityOK = si.DigestMatches && si.Signer.SignatureValid
			out.DigestAlgorithm = si.DigestAlgorithm
			out.Timestamp, out.TimestampSource = ts.time, ts.source
			out.TimestampTrusted, out.TimestampError = ts.trusted, ts.err
			out.ProgramName = si.ProgramName
			if v != nil {
				r.chain = classifyChain(v)
				if r.chain.problem == reputation.ChainExpired {
					r.chain = confirmExpired(sig, si.Signer.Certificate, vopts, r.chain)
					if r.chain.problem != reputation.ChainExpired {
						out.Errors = append(out.Errors, r.chain.err)
					}
				}
				out.Root = r.chain.root
				// The time of a chain that verified, or that was checked
				// at a timestamp's time; a failure at "now" would make
				// every report of the file differ.
				if !v.VerifiedAt.IsZero() && (v.Verified || v.UsedTimestamp) {
					out.VerifiedAt = v.VerifiedAt.UTC().Format(time.RFC3339)
				}
			}
		}
		out.Signers = append(out.Signers, s)
		for _, cert := range si.Certificates {
			if seen[cert.SHA256] {
				continue
			}
			seen[cert.SHA256] = true
			out.Certificates = append(out.Certificates, CertInfo{
				Subject: cert.Subject, Issuer: cert.Issuer, Serial: cert.Serial, SHA256: cert.SHA256,
				NotBefore: cert.NotBefore.UTC().Format(time.RFC3339), NotAfter: cert.NotAfter.UTC().Format(time.RFC3339),
			})
		}
	}
}

// signerTS is a signer's timestamp as the report shows it.
type signerTS struct {
	time, source, err string
	trusted           bool
}

// signerTimestamp picks the timestamp to show for a signer: the trusted
// one Verify used, else the first present, with why it was not used.
func signerTimestamp(sg *authenticode.Signer, v *authenticode.Verification) signerTS {
	if v != nil && v.Timestamp != nil {
		return signerTS{time: v.Timestamp.Time.UTC().Format(time.RFC3339), source: string(v.Timestamp.Kind), trusted: true}
	}
	if v != nil {
		for _, tc := range v.Timestamps {
			if tc.Time.IsZero() {
				continue
			}
			ts := signerTS{time: tc.Time.UTC().Format(time.RFC3339), source: string(tc.Kind), trusted: tc.Trusted}
			if tc.Error != nil {
				ts.err = tc.Error.Error()
			} else if !tc.Trusted {
				ts.err = "its time-stamping chain does not reach a time-stamping anchor"
			}
			return ts
		}
	}
	for _, c := range sg.Countersignatures {
		if c.Time.IsZero() {
			continue
		}
		ts := signerTS{time: c.Time.UTC().Format(time.RFC3339), source: string(c.Kind), err: "not checked"}
		if c.Error != nil {
			ts.err = c.Error.Error()
		}
		return ts
	}
	return signerTS{}
}

// confirmExpired checks that a chain refused as expired would reach the
// anchors while the signer certificate was valid: crypto/x509 reports an
// expired leaf before it looks for a root, so an expired certificate
// under an unknown root (self-signed, or a development root) copying a
// publisher's name would otherwise pass for that publisher's own, out of
// date. The chain is checked again one second before the signer
// certificate expired.
func confirmExpired(sig *authenticode.Signature, cert *authenticode.Certificate, opts authenticode.VerifyOptions, cf chainFacts) chainFacts {
	if cert == nil || cert.NotAfter.IsZero() {
		return chainFacts{problem: reputation.ChainUnknownRoot, err: cf.err}
	}
	opts.CurrentTime = cert.NotAfter.Add(-time.Second)
	res, err := sig.Verify(opts)
	if err != nil || res == nil || !res.Verified {
		again := chainFacts{problem: reputation.ChainUnknownRoot, err: cf.err}
		if err != nil {
			again.err = fmt.Sprintf("even while the signer certificate was valid, its chain did not reach a trust anchor: %v", err)
		}
		return again
	}
	return cf
}

// chainFacts is the primary signature's trust decision in the verdict's
// terms.
type chainFacts struct {
	root    string // subject of the root a verified chain ends in
	problem reputation.ChainProblem
	err     string // why it failed, in a sentence
}

// classifyChain sorts a failed verification into the verdict's chain
// problems; a verified one gives its root.
func classifyChain(v *authenticode.Verification) chainFacts {
	if v.Verified {
		var cf chainFacts
		if n := len(v.Chain); n > 0 {
			cf.root = v.Chain[n-1].Subject.String()
		}
		return cf
	}
	cf := chainFacts{problem: reputation.ChainOther}
	var msgs []string
	for _, err := range v.Errors {
		msgs = append(msgs, err.Error())
	}
	cf.err = strings.Join(msgs, "; ")
	err := errors.Join(v.Errors...)
	var inv x509.CertificateInvalidError
	var unk x509.UnknownAuthorityError
	switch {
	case errors.Is(err, authenticode.ErrNoRoots):
		cf.problem = reputation.ChainNoRoots
	case errors.Is(err, authenticode.ErrDigestMismatch), errors.Is(err, authenticode.ErrBadSignature):
		cf.problem = reputation.ChainOther
	case errors.Is(err, authenticode.ErrExpiredNoTimestamp), errors.Is(err, authenticode.ErrExpiredAtSigning):
		cf.problem = reputation.ChainExpired
	case errors.Is(err, authenticode.ErrExpiredLifetime):
		// A lifetime-signing certificate's signatures die with it, by
		// its own terms: not merely out of date.
		cf.problem = reputation.ChainOther
	case errors.Is(err, authenticode.ErrWrongEKU):
		cf.problem = reputation.ChainUsage
	case errors.Is(err, authenticode.ErrUnknownRoot):
		cf.problem = reputation.ChainUnknownRoot
	case errors.As(err, &inv) && inv.Reason == x509.Expired:
		cf.problem = reputation.ChainExpired
	case errors.As(err, &inv) && inv.Reason == x509.IncompatibleUsage:
		cf.problem = reputation.ChainUsage
	case errors.As(err, &unk), errors.Is(err, authenticode.ErrUntrusted):
		cf.problem = reputation.ChainUnknownRoot
	}
	return cf
}

// subject gathers the report's trust-relevant facts for the verdict.
func (r *FileReport) subject() *reputation.Subject {
	s := &reputation.Subject{
		Name: r.File.Name, MD5: r.Hashes.MD5, SHA1: r.Hashes.SHA1, SHA256: r.Hashes.SHA256,
		Authentihash: r.Hashes.Authentihash, AuthentihashSHA1: r.Hashes.AuthentihashSHA1,
		Kind: string(r.File.Kind),
	}
	if r.File.Entropy != nil {
		s.Entropy = *r.File.Entropy
	}
	if vi := r.VersionInfo; vi != nil {
		s.Claims = reputation.Claims{
			CompanyName: vi.CompanyName, ProductName: vi.ProductName, FileDescription: vi.FileDescription,
			OriginalFilename: vi.OriginalFilename, FileVersion: vi.FileVersion,
		}
	}
	if sg := r.Signature; sg != nil && sg.Signed {
		s.Signature = reputation.SignatureFacts{Present: true, IntegrityOK: sg.IntegrityOK, ChainVerified: sg.Verified,
			ChainRoot: r.chain.root, ChainProblem: r.chain.problem, ChainError: r.chain.err}
		if len(sg.Signers) > 0 {
			s.Signature.SignerSubject = sg.Signers[0].Subject
			s.Signature.SignerThumbprint = sg.Signers[0].Thumbprint
		}
	}
	if d := r.DNA; d != nil {
		s.DotNet = d.DotNet
	}
	for _, a := range r.AnomalyDetails {
		s.Anomalies = append(s.Anomalies, a.ID)
	}
	r.detectionSubject(s)
	return s
}

// evaluate computes the verdict. Its errors (a failing knowledge base)
// are report errors; the verdict is then absent rather than guessed.
func (r *FileReport) evaluate(ctx context.Context, c *config) {
	if len(r.errs) > 0 && r.Hashes.SHA256 == "" {
		return // nothing was read
	}
	obs := c.obs
	if obs.Telemetry == nil && c.telemetryOf != nil && r.Hashes.SHA256 != "" {
		obs.Telemetry = c.telemetryOf(r.Hashes.SHA256, r.File.Name)
	}
	r.Telemetry = TelemetryFrom(obs.Telemetry)
	if obs.Path == "" && reputation.IsWindowsPath(r.File.Path) {
		obs.Path = r.File.Path
	}
	if c.localPath != "" && c.findTree {
		if t, host, ok := findWindowsTree(c.localPath); ok {
			r.tree = t
			if obs.Path == "" {
				obs.Path = host
			}
		}
	}
	r.File.HostPath = obs.Path
	kb := c.kb
	if cs, catKB := r.lookupCatalogs(ctx, c); cs != nil {
		obs.CatalogsSearched = cs.searched
		r.setCatalogStatus(cs)
		if kb != nil {
			kb = reputation.Layered{catKB, kb}
		} else {
			kb = catKB
		}
	} else if r.Signature != nil && !r.Signature.Signed && r.Signature.CatalogStatus == "" {
		r.Signature.CatalogStatus = "unknown"
		r.Signature.CatalogDetail = "unknown: no catalogs available"
	}
	if t := obs.Telemetry; t != nil && t.TypicalPath != nil {
		r.TypicalPath = t.TypicalPath.Value
	} else if c.kb != nil {
		if tp, err := c.kb.TypicalPaths(ctx, r.File.Name); err == nil && len(tp.Paths) > 0 {
			r.TypicalPath = tp.Paths[0].Path
		}
	}
	if c.kb != nil {
		r.knowledge(ctx, c.kb)
	}
	v, err := reputation.Evaluate(ctx, r.subject(), kb, &obs, c.policy)
	if err != nil {
		r.fail(err)
		return
	}
	r.Verdict = VerdictFrom(v)
}

// setCatalogStatus records the file's standing in the catalogs searched.
func (r *FileReport) setCatalogStatus(cs *catalogState) {
	if r.Signature == nil {
		r.Signature = &Signature{}
	}
	sg := r.Signature
	sg.CatalogsSearched = cs.searched
	for _, m := range cs.members {
		sg.CatalogStatus = "member"
		if m.Signer != "" {
			sg.CatalogDetail = fmt.Sprintf("in catalog %s signed by %s", m.Catalog, m.Signer)
			return
		}
		if sg.CatalogDetail == "" {
			sg.CatalogDetail = fmt.Sprintf("in catalog %s, whose signature did not verify", m.Catalog)
		}
	}
	if sg.CatalogStatus == "" {
		sg.CatalogStatus = "absent"
		sg.CatalogDetail = fmt.Sprintf("in none of the %d catalogs of %s", cs.searched, cs.dir)
	}
}

// maxAdditionalVersions caps the versions listed in a report.
const maxAdditionalVersions = 32

// knowledge adds what the knowledge base knows about the file's name:
// its other versions and its relationships. A lookup that fails is left
// out (the verdict reports knowledge-base errors).
func (r *FileReport) knowledge(ctx context.Context, kb reputation.KnowledgeBase) {
	if r.File.Name == "" {
		return
	}
	if vs, err := kb.Versions(ctx, r.File.Name); err == nil {
		for _, v := range vs {
			if v.SHA256 != "" && v.SHA256 == r.Hashes.SHA256 {
				continue // this very file
			}
			if len(r.AdditionalVersions) == maxAdditionalVersions {
				break
			}
			r.AdditionalVersions = append(r.AdditionalVersions, AdditionalVersionFrom(v))
		}
	}
	if rel, err := kb.Relationships(ctx, r.File.Name); err == nil && (len(rel.Parents) > 0 || len(rel.Modules) > 0) {
		r.Relationships = RelationshipsFrom(&rel)
	}
	if r.Hashes.SSDeep != "" || r.Hashes.TLSH != "" {
		sims, err := reputation.FindSimilar(ctx, kb, r.Hashes.SSDeep, r.Hashes.TLSH, r.Hashes.SHA256, maxSimilarFiles)
		if err != nil && !errors.Is(err, reputation.ErrNotFound) && !errors.Is(err, errors.ErrUnsupported) {
			r.fail(fmt.Errorf("filerep: similar files: %w", err))
		}
		for _, s := range sims {
			rec := s.Record
			r.SimilarFiles = append(r.SimilarFiles, SimilarFile{
				SHA256: rec.SHA256, MD5: rec.MD5, Name: rec.Name, Version: rec.Version, Publisher: rec.Publisher,
				Source: rec.Source, Trust: rec.Trust.String(), SSDeepScore: s.SSDeepScore, TLSHDistance: s.TLSHDistance,
			})
		}
	}
}

// maxSimilarFiles caps the similar files listed in a report.
const maxSimilarFiles = 16
