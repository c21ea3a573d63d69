// Package stats aggregates crowd telemetry about files into summaries that
// respect a privacy threshold: the lower half of a file-reputation page
// (Resource utilization, Process properties, Threads, Distribution by OS,
// country and PC manufacturer). The sample and summary formats are those of
// shared/docs/telemetry.md.
//
// # Flow
//
//	agg, _ := stats.NewAggregator()               // or var agg stats.Aggregator
//	stats.ReadJSONL(ctx, r, agg)                   // or agg.Add(&sample) per sample
//	s, ok := agg.Summary(sha256)                   // or agg.Summaries(), agg.NameSummary(name)
//	stats.WriteText(w, s, stats.WithProduct(desc)) // or json.Marshal(s)
//
// examples/telemetry is a command around this; [Synthesize] and
// [AlgExeProfile] make samples to try it on.
//
// # What a summary means
//
// Samples are grouped per file sha256 (samples with only a name form a
// group per lower-cased name); [Aggregator.NameSummary] rolls the groups of
// one file name up across versions. Every participant weighs the same: a
// participant's samples for a file are combined first (the mean of each
// metric over the samples that have it), then averaged across the
// participants that have it. Categorical values are taken per participant
// too: a participant's OS, country, manufacturer, path and process
// properties are the values seen in most of their samples, ties going to
// the smaller string. A distribution gives, per value, the share of
// participants with that value among those whose value is known; each
// dimension has its own denominator ([Known]). Process properties and the
// typical path give the most common value with its share. A service's
// display name and description are kept per locale. Modules (threads by
// module) are averaged per module name, ignoring ASCII case, over the
// participants that list the module.
//
// # Privacy
//
// The rules, with their defaults ([NewAggregator] options change them):
//
//   - Nothing about a file is published until MinParticipants (200) unique
//     participants reported it: an unpublished [Summary] has counts only.
//   - No single figure rests on fewer participants either: a metric, a
//     module, a distribution dimension or a process property known for
//     fewer than MinParticipants participants is left out.
//   - Rare values fold into "Other": a distribution value held by fewer
//     than max(k, ⌈share × known⌉) participants, with k = 1 and share =
//     0.25% by default, is counted in a last "Other" entry. The defaults
//     reproduce the seed page (which lists single participants at 0.50% of
//     200 and 0.37% of 271), while in a larger crowd a value needs more
//     holders: 25 of 10,000. [WithRareValues](5, 0) gives k-anonymity
//     with k = 5 instead. Locales of localized strings are filtered the
//     same way.
//   - A property's most common value is published only when at least 10%
//     of the participants who report the property share it
//     ([WithPropertyMinShare]): free text such as a command line or a path
//     can name a user, and is only shown when it is typical.
//   - A participant is a person's machine, not a spelling of its
//     identifier: identifiers are compared without surrounding white
//     space and without regard to case (Unicode simple case folding, as
//     strings.EqualFold), so "p-0", "P-0" and "p-0 " are one participant.
//     telemetry.md defines the identifier as opaque and stable per
//     machine; a producer whose identifiers differ only in case (hex or
//     GUID ids printed upper-case by one agent, lower-case by another) must
//     not let one machine count twice towards the threshold. An
//     identifier of white space alone is a missing participant.
//   - The threshold counts unique participants across everything merged: a
//     state keeps a 128-bit digest of each participant identifier per
//     file, so two shards of 150 participants with 100 in common count 200,
//     not 300, and shards below the threshold cannot be merged past it by
//     double counting. The state itself is not anonymous (per-participant
//     sums under hashed identifiers): keep state blobs private, publish
//     summaries.
//
// # Rejected samples
//
// A sample that breaks telemetry.md is rejected with a [RejectReason] and
// counted (in the file's summary when its file key is valid, and always in
// [Aggregator.Rejected]); nothing is dropped silently and nothing stops the
// run unless [WithStrict] asks. Rules: a participant and a file key
// (sha256 or name) are required; numbers must be finite and not negative;
// CPU percentages are per logical CPU, so they may not exceed 100 ×
// machine.cpus (or 100 × [MaxCPUs] when the sample does not say), and
// kernel time may not exceed 60,000 ms/min per CPU; other metrics have
// generous fixed bounds (1 PiB for bytes); unknown or duplicate keys, wrong
// JSON types, malformed lines (reported with their line number), invalid
// UTF-8 and oversized lines, strings or module lists are rejected. See
// limits.go for every bound.
//
// # Text output
//
// Sample strings (OS, manufacturer, process and service properties, module
// names) are the crowd's, not ours: [WriteText] prints their control
// characters, bidi overrides and invalid UTF-8 escaped ("\x1b", "\u202e")
// so that a sample cannot rewrite a terminal or forge a table row. A
// [Summary], and so its JSON form, keeps the original strings.
//
// # Exact merging
//
// An [Aggregator] keeps sums, not averages (style.md pattern 12): per
// (file, participant) the sample count, a fixed-point integer sum of every
// metric (value × 2^k, k chosen per unit so that one sample fits 80 bits,
// in 96-bit sums that spill into an overflow word and so stay exact), and
// per-value counts of every categorical field. Integer addition is
// associative and commutative, so adding samples in any order, or adding
// them to several aggregators and merging those ([Aggregator.Merge]) in
// any order, yields the same state; summaries are computed from that state
// by iterating participants in the order of their digests, so they are
// equal too, bit for bit. The state marshals to a versioned, checksummed
// binary form ([Aggregator.MarshalBinary]). Fixed point costs less than
// 1e-9 of a byte and 1e-19 of a percent per value.
//
// # Running sharded
//
// The aggregator maps directly onto a distributed engine's combiner. With
// Apache Beam's Go SDK, a CombineFn over samples keyed by file looks like:
//
//	CreateAccumulator()           → new(stats.Aggregator)
//	AddInput(a, sample)           → a.Add(&sample); return a
//	MergeAccumulators(a, b)       → a.Merge(b); return a
//	ExtractOutput(a)              → a.Summaries()[0]
//	accumulator coder             → MarshalBinary / UnmarshalBinary
//
// Read the JSON Lines with a text source, decode each line (for instance
// with [Sample.UnmarshalJSON], counting failures in a side output), key
// each sample by its file sha256, and apply the CombineFn with
// beam.CombinePerKey. The engine combines partial aggregators on each
// worker before the shuffle and merges them after it, in whatever order
// and grouping it likes, and the summary is the same as a single pass.
// Because a participant's samples may land on different workers, the
// shuffle must be by file, not by participant; the participant digests
// travel in the accumulators so that the threshold counts unique
// participants. For the name roll-up, key by lower-cased file name
// instead. The adapter belongs in its own module under examples/ so that
// library users do not inherit the engine's dependencies. Without an
// engine, the same pattern runs on one machine: examples/telemetry reads
// files in parallel into one aggregator each and merges them, and its -save
// and -load flags move states between machines.
//
// # Cost
//
// On one core of the development machine (a shared 2-vCPU AMD EPYC),
// [Aggregator.Add] takes 0.6–1 µs for a returning participant and does not
// allocate; a new participant costs about 3 µs. A participant of one file
// costs about 310 bytes plus 72 per module listed: a million participants
// of alg.exe (three modules) hold about 520 MiB. [ReadJSONL] decodes with
// a hand-written parser that allocates nothing per line, at about 330 MB/s
// (encoding/json into a reused struct: 30–55 MB/s), and aggregation adds
// about 20–25% to that. See bench_test.go.
package stats
