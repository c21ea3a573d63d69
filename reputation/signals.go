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
	{name: "signature-trusted-publisher", weight: 40, effect: effectAnchor, eval: func(e *env) (string, bool) {
		if e.validSignature() && e.publisher != nil {
			return fmt.Sprintf("validly signed by %s, a trusted publisher (%s), chained to the supplied roots", e.s.Signature.SignerSubject, e.publisher.Note), true
		}
		return "", false
	}},
	{name: "signature-valid", weight: 15, eval: func(e *env) (string, bool) {
		if e.validSignature() && e.publisher == nil {
			return fmt.Sprintf("validly signed by %s, chained to the supplied roots, but not a publisher the knowledge base trusts", e.s.Signature.SignerSubject), true
		}
		return "", false
	}},
	{name: "signature-untrusted", weight: -10, eval: func(e *env) (string, bool) {
		sf := e.s.Signature
		if sf.Present && sf.IntegrityOK && !sf.ChainVerified {
			return fmt.Sprintf("signed by %s, but the chain does not reach a supplied root", sf.SignerSubject), true
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
	{name: "spoof-publisher", weight: -50, effect: effectSpoof, eval: func(e *env) (string, bool) {
		pub := e.claimedPublisher()
		if pub == "" || e.backedBy(pub) {
			return "", false
		}
		return fmt.Sprintf("its version information claims %q but nothing backs it: no valid signature by %s, no signed catalog, no known-good record", e.s.Claims.CompanyName, pub), true
	}},
	{name: "spoof-system-name", weight: -40, effect: effectSpoof, eval: func(e *env) (string, bool) {
		if e.paths == nil || !e.paths.System || e.obs.Path == "" || len(e.paths.Paths) == 0 || e.paths.Typical(e.obs.Path) {
			return "", false
		}
		return fmt.Sprintf("%s is the name of a Windows system file, found at %s instead of %s", e.s.Name, e.obs.Path, e.paths.Paths[0].Path), true
	}},
	{name: "spoof-system-name-unsigned", weight: -30, effect: effectSpoof, eval: func(e *env) (string, bool) {
		if e.paths == nil || !e.paths.System || len(e.catalogs) > 0 || e.microsoftSigned() || e.trust(TrustGood) != nil {
			return "", false
		}
		return fmt.Sprintf("%s is the name of a Windows system file, but this copy has neither Microsoft's signature nor a catalog entry", e.s.Name), true
	}},
	{name: "packed", weight: -15, eval: func(e *env) (string, bool) {
		if e.s.Packed && e.s.Installer == "" {
			return fmt.Sprintf("packed or protected (%s): its code cannot be inspected as it is", strings.Join(e.s.Packers, ", ")), true
		}
		return "", false
	}},
	{name: "high-entropy", weight: -10, eval: func(e *env) (string, bool) {
		if e.s.Entropy >= e.pol.HighEntropy && e.s.Installer == "" && !e.s.Packed {
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
		if len(e.s.Anomalies) >= 3 {
			return fmt.Sprintf("%d structural anomalies", len(e.s.Anomalies)), true
		}
		return "", false
	}},
	{name: "unsigned", weight: 0, eval: func(e *env) (string, bool) {
		if !e.s.Signature.Present && len(e.catalogs) == 0 {
			return "no embedded signature; catalog status unknown", true
		}
		return "", false
	}},
}

// riskyBehaviors are the behaviour ids that lower trust.
var riskyBehaviors = map[string]bool{
	"process-injection": true, "keylogging": true, "anti-debug": true,
	"driver-load": true, "input-hook": true,
}

func (e *env) validSignature() bool {
	sf := e.s.Signature
	return sf.Present && sf.IntegrityOK && sf.ChainVerified
}

// microsoftSigned reports a valid, chained signature whose signer is
// Microsoft.
func (e *env) microsoftSigned() bool {
	return e.validSignature() && subjectIs(e.s.Signature.SignerSubject, "Microsoft")
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
	if e.validSignature() && subjectIs(e.s.Signature.SignerSubject, pub) {
		return true
	}
	for _, c := range e.catalogs {
		if c.Signer != "" && subjectIs(c.Signer, pub) {
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
	for _, part := range strings.Split(subject, ",") {
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
