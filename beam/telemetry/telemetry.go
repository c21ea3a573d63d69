// Package telemetry is the crowd-telemetry pipeline on Apache Beam: JSON
// Lines samples (shared/docs/telemetry.md) in, one summary per file out,
// equal byte for byte to examples/telemetry -json on the same samples
// however the input is split into files, shards and bundles.
//
// The flow:
//
//	fileio.MatchAll (any Beam file system: local, gs://, s3://)
//	  → byte ranges of the files, reshuffled
//	  → ReadFn: read each range's lines, decode each with stats' decoder,
//	    check it, key it by file
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
package telemetry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
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
	register.Emitter2[string, Input]()
	register.Emitter1[jsonl.Line]()
	register.Function3x0(flattenLines)
}

// Pipeline adds the telemetry pipeline to s: it reads every file matching
// each glob (any Beam file system), aggregates the samples and returns the
// summaries and the rejected samples, both PCollections of jsonl.Line (see
// [Rejected] for the latter's records). Write them with jsonl.Write.
func Pipeline(s beam.Scope, globs []string, st Settings) (summaries, rejected beam.PCollection) {
	s = s.Scope("telemetry")
	ranges := readRanges(s, globs, st.SplitBytes)
	keyed, rejected := beam.ParDo2(s, &ReadFn{}, ranges)
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
	Input  string `json:"input"`  // the file the line came from
	Offset int64  `json:"offset"` // where the line starts in it
	Reason string `json:"reason"`
	Field  string `json:"field,omitempty"`
	Msg    string `json:"msg,omitempty"`
	Line   string `json:"line"`
}

// parser decodes lines with one long-lived stats.Decoder.
type parser struct {
	feed *lineFeed
	dec  *stats.Decoder
}

// lineFeed is an io.Reader that serves one line at a time to a
// long-lived stats.Decoder: the line, a newline, then io.EOF until the
// next line is set.
type lineFeed struct {
	line []byte
	nl   bool
}

func (r *lineFeed) Read(p []byte) (int, error) {
	if len(r.line) == 0 && !r.nl {
		return 0, io.EOF
	}
	n := copy(p, r.line)
	r.line = r.line[n:]
	if len(r.line) == 0 && r.nl && n < len(p) {
		p[n] = '\n'
		n++
		r.nl = false
	}
	return n, nil
}

// init makes the decoder and has it read a blank first line: the decoder
// skips a byte order mark on its first line only, and its first line is
// not the first of a file (ReadFn skips that one's mark itself).
func (f *parser) init() {
	f.feed = &lineFeed{nl: true}
	f.dec = stats.NewDecoder(f.feed)
	var s stats.Sample
	_ = f.dec.Next(&s) // io.EOF after the blank line
}

// parse parses one line, found at offset in the input file.
func (f *parser) parse(ctx context.Context, input string, offset int64, line []byte, emit func(string, Input), reject func(jsonl.Line)) error {
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
	if len(f.feed.line) != 0 || f.feed.nl {
		return fmt.Errorf("telemetry: %s at %d: the decoder did not consume the line", input, offset)
	}
	key := fileKey(&s.File)
	if rej != nil {
		// The decoder rejected the line: the combiner reads the line
		// itself again, so that the file's count is exact.
		if key != "" {
			emit(key, Input{Line: string(line)})
		}
		return rejected(ctx, input, offset, line, rej, reject)
	}
	if err := s.Validate(); err != nil {
		if !errors.As(err, &rej) {
			return fmt.Errorf("telemetry: %s: %w", input, err)
		}
		if key != "" {
			emit(key, Input{Sample: s}) // Add rejects it again and counts it for its file
		}
		return rejected(ctx, input, offset, line, rej, reject)
	}
	acceptedCounter.Inc(ctx, 1)
	emit(key, Input{Sample: s})
	return nil
}

// rejected counts a rejection and writes its record.
func rejected(ctx context.Context, input string, offset int64, line []byte, rej *stats.RejectError, reject func(jsonl.Line)) error {
	if c, ok := rejectCounters[rej.Reason]; ok {
		c.Inc(ctx, 1)
	}
	b, err := json.Marshal(Rejected{Input: input, Offset: offset, Reason: rej.Reason.String(), Field: rej.Field, Msg: rej.Msg, Line: string(line)})
	if err != nil {
		return fmt.Errorf("telemetry: %w", err)
	}
	reject(jsonl.Line{Key: fmt.Sprintf("%s\x00%020d", input, offset), Text: string(b)})
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
