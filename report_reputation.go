package filerep

// This file holds the report's shapes of what package reputation answers:
// the verdict and what the knowledge base knows of the file's name.
// convert_reputation.go copies reputation's results into these types, so
// that the report's JSON is defined here.

// Level is a verdict's answer to "should I block it?".
type Level string

// Levels, from most to least trusted; the values are those of
// reputation.Level. Each has a fixed sentence, Verdict.Summary.
const (
	LevelSafe       Level = "safe"
	LevelLikelySafe Level = "likely_safe"
	LevelUnknown    Level = "unknown"
	LevelSuspicious Level = "suspicious"
	LevelMalicious  Level = "malicious"
)

// Verdict is the answer to "should I block it?", with its score and every
// reason behind it.
type Verdict struct {
	Level   Level           `json:"level"`
	Score   int             `json:"score"` // 0 (block) … 100 (safe)
	Summary string          `json:"summary"`
	Reasons []VerdictReason `json:"reasons"`
	// Statement is the strongest evidence line when there is one, e.g.
	// "This is a Windows system installed file with Windows File
	// Protection (WFP) enabled."
	Statement string `json:"statement,omitempty"`
}

// VerdictReason is one signal that fired, with its weight on the score.
type VerdictReason struct {
	Signal string `json:"signal"`
	Weight int    `json:"weight"`
	Detail string `json:"detail"`
}

// AdditionalVersion is another known version of a file of the same name,
// from the knowledge base.
type AdditionalVersion struct {
	Name    string `json:"name"`              // normalized file name
	Version string `json:"version"`           // file version as recorded
	Product string `json:"product,omitempty"` // product name
	SHA256  string `json:"sha256,omitempty"`  // lower-case hex; empty when unknown
	Source  string `json:"source,omitempty"`  // where the record came from
}

// Relationships are the processes known to start a file of a name and the
// modules it loads, from the knowledge base.
type Relationships struct {
	Name    string   `json:"name"`              // normalized file name
	Parents []string `json:"parents,omitempty"` // processes that start it
	Modules []string `json:"modules,omitempty"` // modules it loads
}
