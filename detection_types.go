package filerep

import "fmt"

// This file holds the report's shapes of a detection result: package
// github.com/filerep/filerep/pe/detect finds compilers, packers,
// installers and behaviours, and detection.go copies its results into
// these types, so that the report's JSON is defined here, not by the
// detection engine's types.

// Evidence is the report's copy of detect.Evidence: one fact that made a
// rule fire, and where. In JSON it is its String form.
type Evidence struct {
	Kind   string // what was matched: "section", "import", "overlay"…
	Value  string // what was found
	Offset int64  // file offset, -1 when the evidence has no single place
}

// String returns the evidence as one line, as detect.Evidence.String
// does: an import as "dll!function", anything else as "kind value", with
// " at 0x…" when it has an offset.
func (e Evidence) String() string {
	var s string
	switch e.Kind {
	case "import", "":
		s = e.Value
	case "delay-import":
		s = e.Value + " (delay-load)"
	default:
		s = e.Kind + " " + e.Value
	}
	if e.Offset >= 0 {
		s += fmt.Sprintf(" at 0x%x", e.Offset)
	}
	return s
}

// MarshalText returns String.
func (e Evidence) MarshalText() ([]byte, error) { return []byte(e.String()), nil }

// UnmarshalText keeps the text as Value, with no kind and no offset.
func (e *Evidence) UnmarshalText(b []byte) error {
	*e = Evidence{Value: string(b), Offset: -1}
	return nil
}

// Finding is the report's copy of detect.Finding: a compiler, packer or
// installer a rule named, with its evidence. Its JSON is the same.
type Finding struct {
	RuleID     string     `json:"rule_id"`            // the rule that fired, e.g. "packer/upx"
	Kind       string     `json:"kind"`               // compiler, packer or installer
	Name       string     `json:"name"`               // the tool, e.g. "UPX", "Microsoft Visual C++"
	Language   string     `json:"language,omitempty"` // compiler findings: the code language
	Version    string     `json:"version,omitempty"`  // when the file says it
	Confidence int        `json:"confidence"`         // 1–100
	Evidence   []Evidence `json:"evidence"`           // what matched, and where
}

// Behavior is the report's copy of detect.Behavior: a behaviour the
// imports show, with the imports that show it. Its JSON is the same.
type Behavior struct {
	ID          string     `json:"id"`               // e.g. "service"
	Description string     `json:"description"`      // e.g. "Runs as a Windows service"
	Common      bool       `json:"common,omitempty"` // ordinary runtimes show it too
	Evidence    []Evidence `json:"evidence"`         // the imports, as "dll!Function"
}
