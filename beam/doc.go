// Package filerepbeam runs filerep at scale on Apache Beam. It is its own
// module (github.com/filerep/filerep/beam) so that users of the SDK do not
// inherit Beam's dependencies: the core module's packages import nothing
// from here, which TestCoreModuleHasNoBeam checks.
//
// Packages:
//   - telemetry: crowd telemetry samples to per-file summaries, equal to
//     examples/telemetry -json on the same input.
//   - scan: files (any Beam file system) to filerep reports, equal to
//     examples/scan's.
//   - jsonl: sharded JSON Lines output through Beam's file systems.
//
// The command cmd/filerep-beam runs either pipeline with Beam's runner
// flags; the repository's README ("Scaling out") shows how.
package filerepbeam
