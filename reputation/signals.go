package reputation

import (
	"fmt"
	"strings"
)

// A signal is one named, tested row of evidence. eval reports whether it
// fired and says why in a sentence; weight is its default contribution to
// the score; effect is a rule no score can override.
type signal struct {
	name   string
	weight int
	effect effect
	eval   func(e *env) (string, bool)
}

type effect int

const (
	effectNone      effect = iota
	effectMalicious        // the verdict is malicious
	effectSpoof            // the verdict is at least suspicious
	effectAnchor           // a trust anchor: the verdict may be safe
)

// wellKnownPublishers are company names that malware claims in its
// version resource. A claim of one is a spoof unless that publisher's
// valid signature (or a catalog, or the knowledge base) backs it. Each
// entry is matched case-insensitively as a word prefix of CompanyName and
// against the signer's subject.
var wellKnownPublishers = []string{
	"Microsoft", "Google", "Adobe", "Apple", "Mozilla", "Oracle", "Intel",
	"NVIDIA", "Advanced Micro Devices", "Realtek", "Logitech", "VMware",
	"Cisco", "Symantec", "McAfee", "Kaspersky", "ESET", "Avast", "Dropbox",
	"Zoom", "Valve", "Skype", "Sun Microsystems", "Hewlett", "Dell", "Lenovo",
}

// signals are evaluated in this order; the verdict sorts its reasons by
// weight afterwards.
var signals = []signal{
	{name: "known-bad", weight: -100, effect: effectMalicious, eval: func(e *env) (string, bool) {
		if r := e.trust(TrustBad); r != nil {
			return fmt.Sprintf("the knowledge base lists this file as known-bad (source %s)", r.Source), true
		}
		return "", false
	}},
	{name: "known-good", weight: 35, effect: effectAnchor, eval: func(e *env) (string, bool) {
		if r := e.trust(TrustGood); r != nil {
			return fmt.Sprintf("the knowledge base lists this file as known-good: %s %s by %s (source %s)", r.Name, r.Version, r.Publisher, r.Source), true
		}
		return "", false
	}},
	{name: "known", weight: 5, eval: func(e *env) (string, bool) {
		if e.trust(TrustGood) == nil && e.trust(TrustBad) == nil {
			if r := e.trust(TrustKnown); r != nil {
				return fmt.Sprintf("the file is known to the knowledge base (source %s) without a judgement", r.Source), true
			}
		}
		return "", false
	}},
	{name: "not-executable", weight: 0, eval: func(e *env) (string, bool) {
		if e.executable() {
			return "", false
		}
		return "not a Windows executable (no PE image): Windows does not run it as a program, so signatures and program facts do not apply; only its hashes bear on its reputation", true
	}},
	{name: "signature-trusted-publisher", weight: 40, effect: effectAnchor, eval: func(e *env) (string, bool) {
		if !e.validSignature() {
			return "", false
		}
		sf := e.s.Signature
		switch {
		case e.publisher != nil && (!e.publisherNeedsMicrosoftRoot() || e.microsoftRoot()):
			return fmt.Sprintf("validly signed by %s, a trusted publisher (%s), chained to %s", sf.SignerSubject, e.publisher.Note, e.rootName()), true
		case e.microsoftSigned():
			return fmt.Sprintf("validly signed by %s, chained to %s: Microsoft's own code-signing hierarchy", sf.SignerSubject, e.rootName()), true
		}
		return "", false
	}},
	{name: "signature-valid", weight: 15, eval: func(e *env) (string, bool) {
		if e.validSignature() && !e.trustedPublisher() {
			return fmt.Sprintf("validly signed by %s, chained to %s, but not a publisher the knowledge base trusts", e.s.Signature.SignerSubject, e.rootName()), true
		}
		return "", false
	}},
	{name: "signature-untrusted", weight: -10, eval: func(e *env) (string, bool) {
		sf := e.s.Signature
		if sf.Present && sf.IntegrityOK && !sf.ChainVerified && sf.ChainProblem != ChainExpired && sf.ChainProblem != ChainNoRoots {
			return fmt.Sprintf("signed by %s, but the signature is not trusted: %s", sf.SignerSubject, e.chainReason()), true
		}
		return "", false
	}},
	{name: "signature-unchecked", weight: 0, eval: func(e *env) (string, bool) {
		sf := e.s.Signature
		if sf.Present && sf.IntegrityOK && sf.ChainProblem == ChainNoRoots {
			return fmt.Sprintf("signed by %s, with the signature intact, but %s", sf.SignerSubject, e.chainReason()), true
		}
		return "", false
	}},
	{name: "signature-expired", weight: 0, eval: func(e *env) (string, bool) {
		sf := e.s.Signature
		if sf.Present && sf.IntegrityOK && !sf.ChainVerified && sf.ChainProblem == ChainExpired {
			return fmt.Sprintf("signed by %s, whose chain reaches a trusted root, but not valid now: %s", sf.SignerSubject, e.chainReason()), true
		}
		return "", false
	}},
	{name: "signature-invalid", weight: -40, eval: func(e *env) (string, bool) {
		if e.s.Signature.Present && !e.s.Signature.IntegrityOK {
			return "the embedded signature does not match the file: it was modified after signing, or the signature is broken", true
		}
		return "", false
	}},
	{name: "catalog-signed", weight: 30, effect: effectAnchor, eval: func(e *env) (string, bool) {
		for _, c := range e.catalogs {
			if c.Signer != "" {
				return fmt.Sprintf("its authentihash is a member of the signed catalog %s (signer %s)", c.Catalog, c.Signer), true
			}
		}
		return "", false
	}},
	{name: "catalog-unverified", weight: 5, eval: func(e *env) (string, bool) {
		for _, c := range e.catalogs {
			if c.Signer == "" {
				return fmt.Sprintf("its authentihash is listed in the catalog %s, whose signature was not verified", c.Catalog), true
			}
		}
		return "", false
	}},
	{name: "system-file-in-place", weight: 10, eval: func(e *env) (string, bool) {
		if e.systemFileInPlace() && (len(e.catalogs) > 0 || e.microsoftSigned()) {
			return fmt.Sprintf("a Windows system file in its typical path %s, signed by Microsoft", e.obs.Path), true
		}
		return "", false
	}},
	{name: "prevalent", weight: 10, eval: func(e *env) (string, bool) {
		t := e.obs.Telemetry
		if t != nil && t.Published && t.Participants >= e.pol.PrevalentAt {
			return fmt.Sprintf("seen on %d unique machines", t.Participants), true
		}
		return "", false
	}},
	{name: "vouched-publisher", weight: 0, eval: func(e *env) (string, bool) {
		pub := e.claimedPublisher()
		if pub == "" || !e.validSignature() || subjectIs(e.s.Signature.SignerSubject, pub) {
			return "", false
		}
		if v := vouches(e.s.Signature.SignerSubject, e.s.Signature.ChainRoot); v != nil {
			return fmt.Sprintf("its version information names %q, and its signer %s vouches for that: it %s", e.s.Claims.CompanyName, v.CommonName, v.Why), true
		}
		return "", false
	}},
	{name: "spoof-publisher", weight: -50, effect: effectSpoof, eval: func(e *env) (string, bool) {
		pub := e.claimedPublisher()
		if pub == "" || e.backedBy(pub) {
			return "", false
		}
		against := e.evidenceAgainst(pub)
		if against == "" {
			return "", false // nothing could be checked: unverifiable-claim says so
		}
		return fmt.Sprintf("its version information claims %q, but %s", e.s.Claims.CompanyName, against), true
	}},
	{name: "unverifiable-claim", weight: 0, eval: func(e *env) (string, bool) {
		if pub := e.claimedPublisher(); pub != "" && !e.backedBy(pub) && e.evidenceAgainst(pub) == "" {
			return fmt.Sprintf("its version information claims %q, which nothing here can confirm or refute: %s", e.s.Claims.CompanyName, e.howToSettle()), true
		}
		if e.systemName() && !e.systemBacked() && e.evidenceAgainst("Microsoft") == "" && e.claimedPublisher() == "" {
			return fmt.Sprintf("%s is the name of a Windows system file, which nothing here can confirm or refute: %s", e.s.Name, e.howToSettle()), true
		}
		return "", false
	}},
	{name: "spoof-system-name", weight: -40, effect: effectSpoof, eval: func(e *env) (string, bool) {
		if e.paths == nil || !e.paths.System || e.obs.Path == "" || len(e.paths.Paths) == 0 || e.paths.Typical(e.obs.Path) {
			return "", false
		}
		return fmt.Sprintf("%s is the name of a Windows system file, found at %s instead of %s", e.s.Name, e.obs.Path, e.paths.Paths[0].Path), true
	}},
	{name: "spoof-system-name-unsigned", weight: -30, effect: effectSpoof, eval: func(e *env) (string, bool) {
		if !e.systemName() || e.systemBacked() {
			return "", false
		}
		against := e.evidenceAgainst("Microsoft")
		if against == "" {
			return "", false
		}
		return fmt.Sprintf("%s is the name of a Windows system file, but %s", e.s.Name, against), true
	}},
	{name: "packed", weight: -15, eval: func(e *env) (string, bool) {
		if e.s.Packed && e.s.Installer == "" {
			return fmt.Sprintf("packed or protected (%s): its code cannot be inspected as it is", strings.Join(e.s.Packers, ", ")), true
		}
		return "", false
	}},
	{name: "high-entropy", weight: -10, eval: func(e *env) (string, bool) {
		if e.executable() && e.s.Entropy >= e.pol.HighEntropy && e.s.Installer == "" && !e.s.Packed {
			return fmt.Sprintf("whole-file entropy %.2f bits per byte: compressed or encrypted content", e.s.Entropy), true
		}
		return "", false
	}},
	{name: "risky-behaviors", weight: -15, eval: func(e *env) (string, bool) {
		var hits []string
		for _, b := range e.s.Behaviors {
			if riskyBehaviors[b] {
				hits = append(hits, b)
			}
		}
		if len(hits) == 0 {
			return "", false
		}
		return "imports show " + strings.Join(hits, ", "), true
	}},
	{name: "anomalies", weight: -10, eval: func(e *env) (string, bool) {
		// Kinds of fault, not lines: a file with 7 sections past its end
		// has one kind of fault, said seven times.
		var kinds []string
		seen := map[string]bool{}
		for _, id := range e.s.Anomalies {
			if !seen[id] {
				seen[id] = true
				kinds = append(kinds, id)
			}
		}
		if len(kinds) >= 3 {
			return fmt.Sprintf("%d kinds of structural anomaly: %s", len(kinds), strings.Join(kinds, ", ")), true
		}
		return "", false
	}},
	{name: "unsigned", weight: 0, eval: func(e *env) (string, bool) {
		if e.s.Signature.Present || len(e.catalogs) > 0 || !e.executable() {
			return "", false
		}
		if n := e.obs.CatalogsSearched; n > 0 {
			return fmt.Sprintf("no embedded signature, and in none of the %d catalogs searched", n), true
		}
		return "no embedded signature; catalog status unknown: no catalogs available", true
	}},
}

// riskyBehaviors are the behaviour ids that lower trust.
var riskyBehaviors = map[string]bool{
	"process-injection": true, "keylogging": true, "anti-debug": true,
	"driver-load": true, "input-hook": true,
}

// executable reports whether the subject is a PE image (any kind but
// not-pe; a hand-built Subject without a kind counts as one).
func (e *env) executable() bool {
	return e.s.Kind != "not-pe"
}

func (e *env) validSignature() bool {
	sf := e.s.Signature
	return sf.Present && sf.IntegrityOK && sf.ChainVerified
}

// microsoftRoot reports a verified chain that ends in one of Microsoft's
// roots.
func (e *env) microsoftRoot() bool {
	return e.validSignature() && subjectIs(e.s.Signature.ChainRoot, "Microsoft")
}

// microsoftSigned reports a valid signature by Microsoft: the signer's
// organisation is Microsoft and the chain ends in a Microsoft root. (When
// the root is not known, as in a caller-built Subject, the signer alone
// decides.)
func (e *env) microsoftSigned() bool {
	if !e.validSignature() || !subjectIs(e.s.Signature.SignerSubject, "Microsoft") {
		return false
	}
	return e.s.Signature.ChainRoot == "" || e.microsoftRoot()
}

// publisherNeedsMicrosoftRoot: the knowledge base's Microsoft publisher
// rows are names only, valid only under a Microsoft root.
func (e *env) publisherNeedsMicrosoftRoot() bool {
	return e.s.Signature.ChainRoot != "" && subjectIs(e.s.Signature.SignerSubject, "Microsoft")
}

// trustedPublisher reports that signature-trusted-publisher fires.
func (e *env) trustedPublisher() bool {
	if !e.validSignature() {
		return false
	}
	return (e.publisher != nil && (!e.publisherNeedsMicrosoftRoot() || e.microsoftRoot())) || e.microsoftSigned()
}

// rootName names the root a verified chain ends in.
func (e *env) rootName() string {
	if r := e.s.Signature.ChainRoot; r != "" {
		if cn := dnField(r, "cn"); cn != "" {
			return cn
		}
		return r
	}
	return "a trusted root"
}

// chainReason is why a present, intact signature is not trusted.
func (e *env) chainReason() string {
	sf := e.s.Signature
	if sf.ChainError != "" {
		return sf.ChainError
	}
	switch sf.ChainProblem {
	case ChainNoRoots:
		return "no trust anchors were given, so no chain can be checked"
	case ChainExpired:
		return "its certificate had expired when it was checked, and no trusted timestamp shows it was signed in time"
	case ChainUsage:
		return "a certificate in its chain does not allow code signing"
	}
	return "its chain does not reach a trusted root"
}

// systemName reports a name the knowledge base marks as a Windows system
// file.
func (e *env) systemName() bool { return e.paths != nil && e.paths.System }

// systemBacked reports Microsoft's backing of a system file: a catalog
// entry, Microsoft's valid signature (or a voucher's), or a known-good
// record.
func (e *env) systemBacked() bool {
	return len(e.catalogs) > 0 || e.microsoftSigned() || e.vouched() || e.trust(TrustGood) != nil
}

// vouched reports a valid signature by one of Vouchers.
func (e *env) vouched() bool {
	return e.validSignature() && vouches(e.s.Signature.SignerSubject, e.s.Signature.ChainRoot) != nil
}

// evidenceAgainst returns why the file's own evidence contradicts a claim
// of publisher pub, or "" when it contradicts nothing (it may still be
// unbacked: unsigned with no catalogs to look in). Evidence is a
// signature that is present but does not vouch for pub (broken, not
// chained to a trusted root, or by another publisher) or the file's
// absence from the catalogs that were searched.
func (e *env) evidenceAgainst(pub string) string {
	sf := e.s.Signature
	switch {
	case sf.Present && !sf.IntegrityOK:
		return "its embedded signature is broken, so it vouches for nothing"
	case sf.Present && !sf.ChainVerified && sf.ChainProblem == ChainNoRoots:
		// Nothing to check a chain against: fall through to the catalogs.
	case sf.Present && !sf.ChainVerified && sf.ChainProblem == ChainExpired && (subjectIs(sf.SignerSubject, pub) || vouches(sf.SignerSubject, sf.ChainRoot) != nil):
		// The claimed publisher's own certificate (or a voucher's), out
		// of date: not proof, but not contrary evidence either.
	case sf.Present && !sf.ChainVerified:
		return fmt.Sprintf("its signer %s is not trusted (%s)", sf.SignerSubject, e.chainReason())
	case sf.Present:
		return fmt.Sprintf("it is signed by %s, which is not %s and does not vouch for others' code", sf.SignerSubject, pub)
	}
	if n := e.obs.CatalogsSearched; n > 0 && len(e.catalogs) == 0 && e.trust(TrustGood) == nil {
		return fmt.Sprintf("it has no valid signature by %s and is in none of the %d catalogs searched", pub, n)
	}
	return ""
}

// howToSettle says what would decide an unbacked claim.
func (e *env) howToSettle() string {
	what := []string{}
	switch sf := e.s.Signature; {
	case !sf.Present:
		what = append(what, "the file has no embedded signature")
	case sf.ChainProblem == ChainExpired:
		what = append(what, "its signature is intact but out of date, with no timestamp")
	case sf.ChainProblem == ChainNoRoots:
		what = append(what, "no trust anchors were given to check its signature")
	}
	if e.obs.CatalogsSearched == 0 {
		what = append(what, "no Windows catalogs were available (analyse it inside a Windows tree with its System32\\CatRoot, or give the catalogs)")
	}
	what = append(what, "no knowledge-base record backs it (a knowledge base that lists the file, or its host path, would settle it)")
	return strings.Join(what, "; ")
}

// systemFileInPlace reports a system file name at one of its typical paths.
func (e *env) systemFileInPlace() bool {
	return e.paths != nil && e.paths.System && e.obs.Path != "" && e.paths.Typical(e.obs.Path)
}

// claimedPublisher returns the well-known publisher CompanyName claims, or
// "".
func (e *env) claimedPublisher() string {
	c := strings.ToLower(strings.TrimSpace(e.s.Claims.CompanyName))
	for _, p := range wellKnownPublishers {
		if strings.HasPrefix(c, strings.ToLower(p)) {
			return p
		}
	}
	return ""
}

// backedBy reports whether something other than the file's own claim
// vouches for publisher pub.
func (e *env) backedBy(pub string) bool {
	if e.validSignature() && subjectIs(e.s.Signature.SignerSubject, pub) && (pub != "Microsoft" || e.microsoftSigned()) {
		return true
	}
	if e.vouched() {
		return true
	}
	for _, c := range e.catalogs {
		if c.Signer != "" && (subjectIs(c.Signer, pub) || vouches(c.Signer, "Microsoft") != nil) {
			return true
		}
	}
	if r := e.trust(TrustGood); r != nil {
		return true
	}
	return false
}

// subjectIs reports whether a certificate subject (a DN or a bare name)
// belongs to publisher pub: its CN or O starts with pub.
func subjectIs(subject, pub string) bool {
	pub = strings.ToLower(pub)
	for _, part := range splitDN(subject) {
		part = strings.ToLower(strings.TrimSpace(part))
		for _, k := range []string{"cn=", "o="} {
			if strings.HasPrefix(part, k) && strings.HasPrefix(strings.TrimPrefix(part, k), pub) {
				return true
			}
		}
		if !strings.Contains(part, "=") && strings.HasPrefix(part, pub) {
			return true
		}
	}
	return false
}

// identified reports a signature that proves who signed the file: valid,
// or intact with a chain that reaches a trusted root and is only out of
// date (ChainExpired is set only after that was checked).
func (e *env) identified() bool {
	sf := e.s.Signature
	return e.validSignature() || (sf.Present && sf.IntegrityOK && sf.ChainProblem == ChainExpired)
}
