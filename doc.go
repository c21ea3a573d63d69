// Package filerep answers "should I block this file?" for Windows PE files
// (exe, dll, sys, efi, mui) with a typed [FileReport].
//
// The work flows one way:
//
//	path, io.ReaderAt or []byte
//	   │  read once into a buffer the package owns (reused across files)
//	   ├── hash.Sum       MD5, SHA-1, SHA-256, BLAKE3 and byte entropy, one pass
//	   └── pe.Parse       headers, sections (with entropy), imports, resources, CLR
//	         └── detect.Run   compiler, packers, installer, behaviours (WithRules)
//	   ▼
//	FileReport  →  JSON (report.md's contract) or text ([FileReport.WriteText])
//
// Hashing and parsing run concurrently over the same bytes. Files above
// [WithMaxInMemory] are hashed as a stream and only their headers parsed.
//
// Bad input is the normal case: a file that is not a PE, truncated or
// hostile still gets a report with what could be read, its anomalies and its
// errors; nothing panics, and a context deadline bounds the wait.
//
// Every type of a FileReport is defined in this package, so the JSON
// contract (docs/report.md) is this package's: the results of pe,
// pe/detect, reputation and stats are copied into the report's own types
// (convert*.go), and [VerdictFrom] and [TelemetryFrom] do the same for
// programs that hold a reputation.Verdict or a stats.Summary themselves.
// Options still take those packages' types as inputs ([WithLimits],
// [WithTelemetry]).
//
// Strings in a report come from the file (version strings, section names,
// signer subjects, paths), the knowledge base or the crowd, so they may
// hold terminal escapes, line breaks or bidi overrides. The text output
// ([FileReport.WriteText]) prints every such character escaped ("\x1b",
// "\x0a", "\u202e", and invalid UTF-8 as "\xff"); the JSON output keeps
// the original strings, which encoding/json escapes as JSON requires.
//
// Packages: [github.com/filerep/filerep/hash] (digests and entropy),
// [github.com/filerep/filerep/pe] (PE decoding: our own bounded readers,
// with github.com/saferwall/pe for debug, TLS and CLR metadata),
// [github.com/filerep/filerep/pe/detect] (compilers, packers, installers
// and behaviours, as rows of rules with evidence),
// [github.com/filerep/filerep/reputation] (verdicts),
// [github.com/filerep/filerep/stats] (crowd telemetry). The program
// examples/report prints a report for each file named on its command line.
package filerep
