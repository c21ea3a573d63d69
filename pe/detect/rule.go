package detect

import (
	"fmt"
	"strings"
)

// RuleKind says what a detection rule names: a compiler (and with it the
// code language), a packer or protector, or an installer.
type RuleKind string

// Rule kinds. They are part of the JSON (Finding.Kind).
const (
	RuleCompiler  RuleKind = "compiler"
	RulePacker    RuleKind = "packer"
	RuleInstaller RuleKind = "installer"
)

// Rule is one row of a detection table (rules_compilers.go,
// rules_packers.go, rules_installers.go). Adding a packer is adding a row.
//
// A rule reads only the [Facts] of a file; it never reads the file again.
type Rule struct {
	// ID is stable and part of the JSON, e.g. "packer/upx". Never change
	// it; add a new row instead.
	ID string
	// Kind is what the rule names: a compiler, a packer or an installer.
	Kind RuleKind
	// Name is what the finding reports, e.g. "UPX" or "Microsoft Visual
	// C++". Match may give a more precise name (Themida vs WinLicense).
	Name string
	// Language is, for compiler rules, the report's code_language value
	// (report.md vocabulary) that a match stands for.
	Language string
	// Needs are cheap preconditions checked before Match; a rule whose
	// Needs fail does not run.
	Needs Needs
	// Match decides and returns the finding with its version, confidence
	// and evidence; Run fills RuleID, Kind, Language and (when empty)
	// Name.
	Match func(*Facts) (Finding, bool)
	// Examples name the samples the rule must fire on: a file under
	// testdata/pe (without ".b64"), or "synthetic:<name>" for a minimal PE
	// that the tests build because no real one can be produced here.
	Examples []string
	// Source says where the rule's facts come from (formats.md section,
	// Detect It Easy rule name, specification).
	Source string
}

// NeedKind is what a [Need] tests.
type NeedKind uint8

// Need kinds.
const (
	NeedSection  NeedKind = iota + 1 // a section with exactly this name
	NeedDLL                          // an imported (or delay-loaded) DLL, case-insensitive
	NeedOverlay                      // data after the last section
	NeedCLR                          // a CLR (.NET) header
	NeedRich                         // a Rich header
	NeedNoRich                       // no Rich header
	NeedResource                     // a resource whose type is this name or "#id"
	NeedHeader                       // these bytes in the headers (before the first section's data)
)

// Need is one cheap precondition of a [Rule].
type Need struct {
	Kind  NeedKind // what is tested
	Value string   // the section, DLL, resource type or header bytes, when Kind needs one
}

// Need constructors, for the rule tables.
func needSection(name string) Need { return Need{NeedSection, name} }
func needDLL(name string) Need     { return Need{NeedDLL, strings.ToLower(name)} }
func needHeader(s string) Need     { return Need{NeedHeader, s} }
func needResource(t string) Need   { return Need{NeedResource, t} }

var (
	needOverlay = Need{Kind: NeedOverlay}
	needCLR     = Need{Kind: NeedCLR}
	needRich    = Need{Kind: NeedRich}
	needNoRich  = Need{Kind: NeedNoRich}
)

// String describes the need, e.g. "section UPX0".
func (n Need) String() string {
	switch n.Kind {
	case NeedSection:
		return "section " + n.Value
	case NeedDLL:
		return "import " + n.Value
	case NeedOverlay:
		return "overlay"
	case NeedCLR:
		return "CLR header"
	case NeedRich:
		return "Rich header"
	case NeedNoRich:
		return "no Rich header"
	case NeedResource:
		return "resource type " + n.Value
	case NeedHeader:
		return fmt.Sprintf("header bytes %q", n.Value)
	}
	return "?"
}

// Needs are a rule's preconditions: every one of All, and at least one of
// Any when Any is not empty.
type Needs struct {
	All []Need // every one must hold
	Any []Need // when not empty, at least one must hold
}

// Confidence is how sure a finding is, from 1 to 100. Run names a code
// language only from a compiler finding of at least [ConfidenceMedium]:
// a wrong name is worse than none.
type Confidence int

// Confidence levels used by the rules.
const (
	ConfidenceLow    Confidence = 40 // a hint: reported as a finding, never as the code language
	ConfidenceMedium Confidence = 60 // enough to name a code language
	ConfidenceHigh   Confidence = 85 // a structure with internal checks, or several independent facts
	ConfidenceSure   Confidence = 95 // a checked structure that names the tool (Go build info, UPX header checksum, NSIS firstheader)
)

// Evidence is one fact that made a rule fire: what matched and where.
//
// In JSON an Evidence is its String form, as report.md's evidence arrays
// are lists of strings.
type Evidence struct {
	// Kind is what was matched: "section", "import", "delay-import",
	// "rich", "entry-point", "string", "overlay", "resource", "header",
	// "clr", "go-buildinfo", "version-info", "manifest", "entropy",
	// "linker", "imports".
	Kind string
	// Value is what was found, e.g. a section name, "kernel32.dll!LoadLibraryA"
	// or the matched text.
	Value string
	// Offset is the file offset of the match, or -1 when the evidence has
	// no single place.
	Offset int64
}

// String returns the evidence as one line: an import as "dll!function"
// (report.md's behaviour evidence), anything else as "kind value", with
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

// UnmarshalText keeps the text as Value, with no kind and no offset, so
// that a marshalled Result reads back.
func (e *Evidence) UnmarshalText(b []byte) error {
	*e = Evidence{Value: string(b), Offset: -1}
	return nil
}

// ev builds an Evidence.
func ev(kind string, off int64, format string, args ...any) Evidence {
	return Evidence{Kind: kind, Value: sprintf(format, args...), Offset: off}
}

// Finding is what a rule reports: the tool, its version when the file
// says it, how sure the rule is, and the evidence.
//
// Its JSON is report.md's packer / compiler object ({name, version,
// evidence}) with the rule ID, kind, language and confidence added.
type Finding struct {
	RuleID     string     `json:"rule_id"`            // the rule that fired, e.g. "packer/upx"
	Kind       RuleKind   `json:"kind"`               // compiler, packer or installer
	Name       string     `json:"name"`               // the tool, e.g. "UPX", "Microsoft Visual C++"
	Language   string     `json:"language,omitempty"` // compiler findings: the code language
	Version    string     `json:"version,omitempty"`  // when the file says it, e.g. "3.94", "Visual Studio 2019"
	Confidence Confidence `json:"confidence"`         // 1–100
	Evidence   []Evidence `json:"evidence"`           // what matched, and where
}

// BehaviorRule is one row of the behaviours-from-imports table
// (rules_behaviors.go).
type BehaviorRule struct {
	// ID is stable and part of the JSON, e.g. "service".
	ID string
	// Description is the sentence the report shows.
	Description string
	// Groups must all be satisfied: each needs at least Min of its APIs
	// among the file's imports and delay imports.
	Groups []APIGroup
	// Common marks behaviours that ordinary language runtimes show on
	// their own (the x86 MinGW and MSVC runtimes resolve APIs
	// dynamically); a verdict should not count them as suspicious.
	Common bool
	// Examples are samples the row must fire on, as in [Rule].
	Examples []string
}

// APIGroup is a set of APIs of which at least Min must be imported.
//
// An API is a function name without its A/W suffix or Ex suffix
// ("CreateProcess" matches CreateProcessA, CreateProcessW,
// CreateProcessExW…), optionally with a DLL: "ws2_32.dll!connect" matches
// only that DLL's connect. Matching ignores case.
type APIGroup struct {
	APIs []string // function names, optionally "dll!name"
	Min  int      // how many of them must be imported (at least 1)
}

// Behavior is a behaviour the imports show, with the imports that show it.
// Its JSON is report.md's behaviors entry ({id, description, evidence}).
type Behavior struct {
	ID          string     `json:"id"`               // the row's ID, e.g. "service"
	Description string     `json:"description"`      // e.g. "Runs as a Windows service"
	Common      bool       `json:"common,omitempty"` // ordinary runtimes show it too (BehaviorRule.Common)
	Evidence    []Evidence `json:"evidence"`         // the imports, as "dll!Function"
}

// Suppress is one row of the conflict table (rules_suppress.go), settled
// after every rule ran: the finding Drop is removed when a finding matching
// any of IfAny is present. IDs may end in "*" to match a prefix
// ("packer/*"); a row never lets a finding suppress itself.
type Suppress struct {
	Drop  string   // the rule whose finding is removed (an ID or a prefix with "*")
	IfAny []string // the findings that remove it
	Why   string   // the reason, recorded in Result.Suppressed
}

// Suppression records a finding that a [Suppress] row removed.
type Suppression struct {
	RuleID string `json:"rule_id"` // the finding removed
	By     string `json:"by"`      // the finding that removed it
	Why    string `json:"why"`     // the row's reason
}

// Result is what [Run] found: the Digital DNA fields of report.md
// (code_language, compiler, packed, packers, installer) and the behaviours.
//
// Installer is a Finding; report.md's dna.installer is its Name.
type Result struct {
	CodeLanguage string     `json:"code_language"`       // report.md vocabulary; "Unknown" when evidence is thin
	Compiler     *Finding   `json:"compiler,omitempty"`  // the compiler finding the code language comes from
	Packed       bool       `json:"packed"`              // a packer or protector was found
	Packers      []Finding  `json:"packers,omitempty"`   // named ones, or one "generic" when none is named
	Installer    *Finding   `json:"installer,omitempty"` // the most confident installer finding
	Behaviors    []Behavior `json:"behaviors,omitempty"` // sorted by ID
	// Findings is every finding that survived the conflict table, sorted
	// by kind, then name, then rule ID: weaker compiler candidates and
	// further installers included.
	Findings []Finding `json:"findings,omitempty"`
	// Suppressed lists the findings the conflict table removed, and why.
	Suppressed []Suppression `json:"suppressed,omitempty"`
	// Errors lists rules that failed on this file (a recovered panic);
	// the other findings stand.
	Errors []string `json:"errors,omitempty"`
	// RulesVersion is [RulesVersion]: the version of the default tables,
	// also when Run was given rules of its own.
	RulesVersion string `json:"rules_version"`
}
