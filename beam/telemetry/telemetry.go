// Package telemetry is the crowd-telemetry pipeline on Apache Beam: JSON
// Lines samples (shared/docs/telemetry.md) in, one summary per file out,
// equal byte for byte to examples/telemetry -json on the same samples
// however the input is split into files, shards and bundles.
//
// The flow:
//
//	textio (any Beam file system: local, gs://, s3://)
//	  → Parse: decode each line with stats' decoder, check it, key it by file
//	  → CombinePerKey(CombineFn): stats.Aggregator per key; partial
//	    aggregators are combined on each worker before the shuffle and
//	    merged after it, moving as stats' binary state
//	  → ExtractOutput: the summary of the fully merged state; the privacy
//	    threshold (unique participants, counted by digest) applies only there
//	  → JSON Lines
//
// Rejected samples are never dropped silently: each one is counted under
// its reason in the Beam counter "rejected_<reason>" of namespace
// [Namespace], written to the rejected output with its input file, reason
// and the line itself, and, when its file key could be read, counted in
// that file's summary as examples/telemetry counts it.
//
// What differs from one process: stats.ReadJSONL skips a UTF-8 byte order
// mark only before a file's first line; here a byte order mark at the start
// of any line is skipped (textio does not say which line is the first).
package telemetry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/textio"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/filerep/filerep/beam/jsonl"
	"github.com/filerep/filerep/stats"
)

// Namespace is the namespace of the pipeline's Beam metrics: "lines"
// (non-blank lines read), "accepted" and "rejected_<reason>" (reason as
// stats.RejectReason.String names it, such as rejected_malformed_json).
const Namespace = "filerep.telemetry"

var (
	linesCounter    = beam.NewCounter(Namespace, "lines")
	acceptedCounter = beam.NewCounter(Namespace, "accepted")
	rejectCounters  = map[stats.RejectReason]beam.Counter{}
)

func init() {
	for r := stats.RejectMalformedJSON; r <= stats.RejectTooLarge; r++ {
		rejectCounters[r] = beam.NewCounter(Namespace, "rejected_"+r.String())
	}
	register.DoFn5x1[context.Context, string, string, func(string, Input), func(jsonl.Line), error](&ParseFn{})
	register.Emitter2[string, Input]()
	register.Emitter1[jsonl.Line]()
	register.Function3x0(flattenLines)
}

// Pipeline adds the telemetry pipeline to s: it reads every file matching
// each glob, aggregates the samples and returns the summaries and the
// rejected samples, both PCollections of jsonl.Line (see [Rejected] for the
// latter's records). Write them with jsonl.Write.
func Pipeline(s beam.Scope, globs []string, st Settings) (summaries, rejected beam.PCollection) {
	s = s.Scope("telemetry")
	var reads []beam.PCollection
	for _, g := range globs {
		reads = append(reads, textio.ReadWithFilename(s, g))
	}
	return Summarize(s, beam.Flatten(s, reads...), st)
}

// Summarize aggregates lines, a PCollection of KV<input name, line>, into
// summaries; see [Pipeline].
func Summarize(s beam.Scope, lines beam.PCollection, st Settings) (summaries, rejected beam.PCollection) {
	keyed, rejected := beam.ParDo2(s, &ParseFn{}, lines)
	combined := beam.CombinePerKey(s, &CombineFn{Settings: st}, keyed)
	summaries = beam.ParDo(s, flattenLines, combined)
	return summaries, rejected
}

// flattenLines emits each summary of one key.
func flattenLines(_ string, lines []jsonl.Line, emit func(jsonl.Line)) {
	for _, l := range lines {
		emit(l)
	}
}

// Rejected is one record of the rejected output. It holds the sample's
// line, and so a participant identifier: keep it private, like the state.
type Rejected struct {
	Input  string `json:"input"` // the file the line came from
	Reason string `json:"reason"`
	Field  string `json:"field,omitempty"`
	Msg    string `json:"msg,omitempty"`
	Line   string `json:"line"`
}

// ParseFn decodes one line with stats' decoder (the one stats.ReadJSONL
// uses), checks the sample and keys it by file: "s:" and the lower-case
// sha256, or "n:" and the ASCII-lower-case file name for samples without a
// sha256, which is how stats groups samples. It emits keyed Inputs to its
// first output and rejected samples (as [Rejected] JSON) to its second.
type ParseFn struct {
	feed *lineFeed
	dec  *stats.Decoder
}

// lineFeed is an io.Reader that serves one line at a time to a
// long-lived stats.Decoder: the line, a newline, then io.EOF until the
// next line is set.
type lineFeed struct {
	line string
	nl   bool
}

func (r *lineFeed) Read(p []byte) (int, error) {
	if r.line == "" && !r.nl {
		return 0, io.EOF
	}
	n := copy(p, r.line)
	r.line = r.line[n:]
	if r.line == "" && r.nl && n < len(p) {
		p[n] = '\n'
		n++
		r.nl = false
	}
	return n, nil
}

// Setup makes the decoder, once per DoFn instance.
func (f *ParseFn) Setup() {
	f.feed = &lineFeed{}
	f.dec = stats.NewDecoder(f.feed)
}

// ProcessElement parses one line of the input file named input.
func (f *ParseFn) ProcessElement(ctx context.Context, input, line string, emit func(string, Input), reject func(jsonl.Line)) error {
	line = strings.TrimPrefix(line, "\ufeff")
	f.feed.line, f.feed.nl = line, true
	var s stats.Sample
	err := f.dec.Next(&s)
	if errors.Is(err, io.EOF) {
		return nil // a blank line
	}
	linesCounter.Inc(ctx, 1)
	var rej *stats.RejectError
	if err != nil && !errors.As(err, &rej) {
		return fmt.Errorf("telemetry: %s: %w", input, err)
	}
	if f.feed.line != "" || f.feed.nl {
		return fmt.Errorf("telemetry: %s: the decoder did not consume the line", input)
	}
	key := fileKey(&s.File)
	if rej != nil {
		// The decoder rejected the line: the combiner reads the line
		// itself again, so that the file's count is exact.
		if key != "" {
			emit(key, Input{Line: line})
		}
		return f.rejected(ctx, input, line, rej, reject)
	}
	if err := s.Validate(); err != nil {
		if !errors.As(err, &rej) {
			return fmt.Errorf("telemetry: %s: %w", input, err)
		}
		if key != "" {
			emit(key, Input{Sample: s}) // Add rejects it again and counts it for its file
		}
		return f.rejected(ctx, input, line, rej, reject)
	}
	acceptedCounter.Inc(ctx, 1)
	emit(key, Input{Sample: s})
	return nil
}

// rejected counts a rejection and writes its record.
func (f *ParseFn) rejected(ctx context.Context, input, line string, rej *stats.RejectError, reject func(jsonl.Line)) error {
	if c, ok := rejectCounters[rej.Reason]; ok {
		c.Inc(ctx, 1)
	}
	b, err := json.Marshal(Rejected{Input: input, Reason: rej.Reason.String(), Field: rej.Field, Msg: rej.Msg, Line: line})
	if err != nil {
		return fmt.Errorf("telemetry: %w", err)
	}
	reject(jsonl.Line{Key: input + "\x00" + line, Text: string(b)})
	return nil
}

// fileKey returns the key under which stats would group a sample of ref:
// its sha256 (either case) or, without one, its file name (ASCII case
// aside). A key that stats would not accept only costs a group that ends
// with no summary; two samples of one stats group always get one key.
func fileKey(ref *stats.FileRef) string {
	if ref.SHA256 != "" {
		return "s:" + strings.ToLower(ref.SHA256)
	}
	if n := ref.EffectiveName(); n != "" {
		return "n:" + asciiLower(n)
	}
	return ""
}
