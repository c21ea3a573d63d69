package reputation

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/filerep/filerep/stats"
)

// Level is a verdict's answer to "should I block it?".
type Level string

// Levels, from most to least trusted. Each has a fixed sentence (Summary).
const (
	Safe       Level = "safe"
	LikelySafe Level = "likely_safe"
	Unknown    Level = "unknown"
	Suspicious Level = "suspicious"
	Malicious  Level = "malicious"
)

// Summary returns the level's sentence, as report.md fixes it.
func (l Level) Summary() string {
	switch l {
	case Safe:
		return "No, this file is 100% safe to run."
	case LikelySafe:
		return "Probably not: this file looks safe."
	case Suspicious:
		return "Consider blocking it: this file looks suspicious."
	case Malicious:
		return "Yes, block it: this file is known to be malicious."
	}
	return "Unknown: there is not enough evidence either way."
}

// Verdict is the answer with its score and every reason behind it.
type Verdict struct {
	Level   Level    `json:"level"`
	Score   int      `json:"score"` // 0 (block) … 100 (safe)
	Summary string   `json:"summary"`
	Reasons []Reason `json:"reasons"`
	// Statement is the page's strongest evidence line when there is one,
	// e.g. "This is a Windows system installed file with Windows File
	// Protection (WFP) enabled." (host evidence) or "This looks like a
	// protected Windows component …" (offline evidence only).
	Statement string `json:"statement,omitempty"`
}

// Reason is one signal that fired.
type Reason struct {
	Signal string `json:"signal"`
	Weight int    `json:"weight"`
	Detail string `json:"detail"`
}

// Subject is what Evaluate knows of a file: the facts of its report that
// bear on trust. The root package builds it from a FileReport.
type Subject struct {
	Name              string // file name, e.g. "alg.exe"
	MD5, SHA1, SHA256 string // lower-case hex
	Authentihash      string // SHA-256 Authenticode digest, hex
	AuthentihashSHA1  string // SHA-1 form, as older catalogs list it
	Kind              string // exe, dll, driver, efi, mui
	Claims            Claims
	Signature         SignatureFacts
	Entropy           float64
	Packed            bool
	Packers           []string // named packers or protectors ("generic" for heuristics)
	Installer         string   // installer family when the file is one
	DotNet            bool
	Behaviors         []string // behaviour ids, e.g. "process-injection"
	Anomalies         []string // anomaly ids
}

// Claims are what the file says about itself in its version resource: not
// evidence of anything until a signature backs them.
type Claims struct {
	CompanyName, ProductName, FileDescription, OriginalFilename, FileVersion string
}

// SignatureFacts are the embedded Authenticode facts.
type SignatureFacts struct {
	Present bool // a certificate table with at least one signature
	// IntegrityOK: the signed digest equals the file's authentihash and the
	// signer's signature over it is valid.
	IntegrityOK bool
	// ChainVerified: the signer chains to the caller's root pool with the
	// code-signing usage.
	ChainVerified    bool
	SignerSubject    string // e.g. "CN=Microsoft Windows, O=Microsoft Corporation, …"
	SignerThumbprint string // hex SHA-256 of the signer certificate
	// ChainRoot is the subject of the root a verified chain ends in, e.g.
	// "CN=Microsoft Root Certificate Authority 2010,O=Microsoft
	// Corporation,…". Microsoft's publisher names and the Vouchers count
	// only under a Microsoft root. "" when unknown: then the signer alone
	// decides (a caller that builds a Subject by hand).
	ChainRoot string
	// ChainProblem classifies why ChainVerified is false, and ChainError
	// says it in the verifier's words (e.g. "signer certificate expired
	// 2021-11-08; the signature has no trusted timestamp").
	ChainProblem ChainProblem
	ChainError   string
}

// ChainProblem is why a signature's chain did not verify.
type ChainProblem string

// Chain problems. Only ChainNoRoots and ChainExpired (of the claimed
// publisher's own certificate) leave a publisher claim unknown rather than
// contradicted: the others mean the signature does not vouch for it.
const (
	ChainOK          ChainProblem = ""
	ChainNoRoots     ChainProblem = "no-roots"     // no trust anchors were given
	ChainUnknownRoot ChainProblem = "unknown-root" // no chain to a trusted root (self-signed, unknown CA)
	ChainExpired     ChainProblem = "expired"      // valid but for time, with no trusted timestamp to help
	ChainUsage       ChainProblem = "wrong-usage"  // a certificate does not allow code signing
	ChainOther       ChainProblem = "other"
)

// Observation is what the host knows about where and how the file was
// seen; all of it is optional.
type Observation struct {
	Path      string         // where the file was found, e.g. C:\Windows\System32\alg.exe
	Telemetry *stats.Summary // crowd telemetry for the file, if any
	// Protected is the host's answer to SfcIsFileProtected (Windows File
	// / Resource Protection), nil when unknown.
	Protected *bool
	// CatalogsSearched is how many Windows catalogs (.cat) the file's
	// authentihash was looked for in: a CatRoot found beside the file, or
	// catalogs the caller gave. 0 means none were available, so the
	// file's absence from them proves nothing.
	CatalogsSearched int
}

// Policy holds the weights and thresholds of Evaluate. DefaultPolicy
// documents the defaults; a zero Weights entry means the default weight.
type Policy struct {
	Base            int            // the score before any signal: 50
	Weights         map[string]int // per signal name; missing names use the signal's default
	SafeAt          int            // score at or above which an anchored file is safe: 85
	LikelySafeAt    int            // … likely safe: 65
	SuspiciousBelow int            // score below which a file is suspicious: 35
	HighEntropy     float64        // whole-file entropy counted as high: 7.2
	PrevalentAt     int64          // telemetry participants counted as prevalent: 200
}

// ErrPolicy means a Policy that cannot give sensible verdicts.
var ErrPolicy = errors.New("reputation: invalid policy")

// Validate checks p: scores within 0–100 with
// SuspiciousBelow ≤ LikelySafeAt ≤ SafeAt, an entropy threshold within
// (0, 8], PrevalentAt of at least 1, and Weights naming only known
// signals. A Policy built from [DefaultPolicy] and changed field by field
// passes; a zero Policy with only Weights set does not (its thresholds of
// 0 would make every file safe or score −1).
func (p Policy) Validate() error {
	var errs []error
	in := func(name string, v int) {
		if v < 0 || v > 100 {
			errs = append(errs, fmt.Errorf("%s %d is outside 0–100", name, v))
		}
	}
	in("Base", p.Base)
	in("SafeAt", p.SafeAt)
	in("LikelySafeAt", p.LikelySafeAt)
	in("SuspiciousBelow", p.SuspiciousBelow)
	if p.SuspiciousBelow < 1 || p.SuspiciousBelow > p.LikelySafeAt || p.LikelySafeAt > p.SafeAt {
		errs = append(errs, fmt.Errorf("thresholds must satisfy 1 ≤ SuspiciousBelow (%d) ≤ LikelySafeAt (%d) ≤ SafeAt (%d)",
			p.SuspiciousBelow, p.LikelySafeAt, p.SafeAt))
	}
	if !(p.HighEntropy > 0 && p.HighEntropy <= 8) {
		errs = append(errs, fmt.Errorf("HighEntropy %g is outside (0, 8]", p.HighEntropy))
	}
	if p.PrevalentAt < 1 {
		errs = append(errs, fmt.Errorf("PrevalentAt %d is below 1", p.PrevalentAt))
	}
	known := map[string]bool{}
	for _, s := range signals {
		known[s.name] = true
	}
	names := make([]string, 0, len(p.Weights))
	for name := range p.Weights {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if !known[name] {
			errs = append(errs, fmt.Errorf("Weights names %q, which is no signal (see SignalNames)", name))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%w: %w", ErrPolicy, errors.Join(errs...))
	}
	return nil
}

// SignalNames lists the signals Evaluate knows, in evaluation order: the
// keys Policy.Weights may use.
func SignalNames() []string {
	out := make([]string, len(signals))
	for i, s := range signals {
		out[i] = s.name
	}
	return out
}

// DefaultPolicy returns the documented defaults.
func DefaultPolicy() Policy {
	return Policy{Base: 50, SafeAt: 85, LikelySafeAt: 65, SuspiciousBelow: 35, HighEntropy: 7.2, PrevalentAt: 200}
}

// Evaluate decides a verdict for s from its own evidence, the knowledge
// base kb (may be nil) and the host's observation. It is deterministic:
// the same inputs give the same verdict, reasons in the same order.
//
// The rules that no score can override:
//   - a known-bad hash is malicious;
//   - only a trust anchor (a valid signature chained to the supplied roots
//     from a trusted publisher, a signed catalog listing the file, or a
//     known-good hash) can make a file safe or likely safe: an unsigned
//     file, or one signed by an untrusted or mismatching signer, is at
//     best unknown, whatever it claims;
//   - a spoofing signal makes it at least suspicious: a claim of a
//     well-known publisher or a system file name that the file's own
//     evidence contradicts (a signature that is broken, untrusted or by
//     another publisher that does not vouch for it, or absence from the
//     catalogs that were searched), or a system file name outside its
//     typical path. A claim nothing can check (unsigned, no catalogs, no
//     record) is "unverifiable-claim": unknown, with what would settle it;
//   - a valid signature with no spoofing is never suspicious on weaker
//     signals alone.
func Evaluate(ctx context.Context, s *Subject, kb KnowledgeBase, obs *Observation, p *Policy) (*Verdict, error) {
	pol := DefaultPolicy()
	if p != nil {
		pol = *p
	}
	if obs == nil {
		obs = &Observation{}
	}
	e := &env{s: s, kb: kb, obs: obs, pol: &pol}
	if err := e.lookup(ctx); err != nil {
		return nil, err
	}
	v := &Verdict{}
	score := pol.Base
	for _, sig := range signals {
		detail, ok := sig.eval(e)
		if !ok {
			continue
		}
		w := sig.weight
		if ow, set := pol.Weights[sig.name]; set {
			w = ow
		}
		score += w
		v.Reasons = append(v.Reasons, Reason{Signal: sig.name, Weight: w, Detail: detail})
		switch sig.effect {
		case effectMalicious:
			e.malicious = true
		case effectSpoof:
			e.spoof = true
		case effectAnchor:
			e.anchor = true
		}
	}
	v.Score = max(0, min(100, score))
	switch {
	case e.malicious:
		v.Level, v.Score = Malicious, 0
	case e.spoof:
		v.Level = Suspicious
		v.Score = min(v.Score, pol.SuspiciousBelow-1)
	case v.Score < pol.SuspiciousBelow && e.identified():
		// A valid signature names who answers for the file (so does an
		// intact one whose chain reaches a trusted root and is only out of
		// date): with no spoofing and no known-bad record, weak signals
		// (packing, imports, anomalies) leave it unknown, not suspicious.
		v.Level = Unknown
		v.Score = pol.SuspiciousBelow
	case v.Score < pol.SuspiciousBelow:
		v.Level = Suspicious
	case e.anchor && v.Score >= pol.SafeAt:
		v.Level = Safe
	case e.anchor && v.Score >= pol.LikelySafeAt:
		v.Level = LikelySafe
	default:
		v.Level = Unknown
		if !e.anchor {
			v.Score = min(v.Score, pol.LikelySafeAt-1)
		}
	}
	v.Summary = v.Level.Summary()
	v.Statement = e.statement()
	sort.SliceStable(v.Reasons, func(i, j int) bool { return abs(v.Reasons[i].Weight) > abs(v.Reasons[j].Weight) })
	return v, nil
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// env is one evaluation: the subject, what the knowledge base said, and
// what the signals concluded.
type env struct {
	s   *Subject
	kb  KnowledgeBase
	obs *Observation
	pol *Policy

	files     []FileRecord
	paths     *TypicalPaths
	publisher *Publisher
	catalogs  []CatalogMember

	malicious, spoof, anchor bool
}

// lookup asks the knowledge base everything the signals read, once.
func (e *env) lookup(ctx context.Context) error {
	if e.kb == nil {
		return nil
	}
	notFound := func(err error) bool { return err == nil || errors.Is(err, ErrNotFound) }
	// Every hash is asked: one source may know the file by MD5 only
	// (a known-bad list) and another by SHA-256.
	seen := map[FileRecord]bool{}
	for _, h := range []string{e.s.SHA256, e.s.SHA1, e.s.MD5} {
		if h == "" {
			continue
		}
		recs, err := e.kb.Files(ctx, h)
		if !notFound(err) {
			return fmt.Errorf("reputation: looking up %s: %w", h, err)
		}
		for _, r := range recs {
			if !seen[r] {
				seen[r] = true
				e.files = append(e.files, r)
			}
		}
	}
	if e.s.Name != "" {
		tp, err := e.kb.TypicalPaths(ctx, e.s.Name)
		if !notFound(err) {
			return fmt.Errorf("reputation: typical paths of %s: %w", e.s.Name, err)
		}
		if err == nil {
			e.paths = &tp
		}
	}
	if e.s.Signature.ChainVerified && e.s.Signature.IntegrityOK {
		pub, err := e.kb.Publisher(ctx, e.s.Signature.SignerSubject, e.s.Signature.SignerThumbprint)
		if !notFound(err) {
			return fmt.Errorf("reputation: publisher: %w", err)
		}
		if err == nil {
			e.publisher = &pub
		}
	}
	for _, h := range []string{e.s.Authentihash, e.s.AuthentihashSHA1} {
		if h == "" {
			continue
		}
		m, err := e.kb.CatalogMembers(ctx, h)
		if !notFound(err) {
			return fmt.Errorf("reputation: catalogs: %w", err)
		}
		e.catalogs = append(e.catalogs, m...)
	}
	return nil
}

func (e *env) trust(t Trust) *FileRecord {
	for i := range e.files {
		if e.files[i].Trust == t {
			return &e.files[i]
		}
	}
	return nil
}

// statement is the seed page's evidence line for a protected system file.
func (e *env) statement() string {
	if e.malicious || e.spoof || !e.systemFileInPlace() || !(len(e.catalogs) > 0 || e.microsoftSigned()) {
		return ""
	}
	if e.obs.Protected != nil && *e.obs.Protected {
		return "This is a Windows system installed file with Windows File Protection (WFP) enabled."
	}
	return "This looks like a protected Windows component: a system file in its typical path, signed by Microsoft (protection itself can only be confirmed on the host)."
}
