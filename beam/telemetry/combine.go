package telemetry

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/filerep/filerep/beam/jsonl"
	"github.com/filerep/filerep/stats"
)

// Settings are the aggregator's privacy options (see the stats package):
// they travel with every accumulator, so that an accumulator decoded on
// another worker summarizes with the same threshold.
type Settings struct {
	// MinParticipants is the privacy threshold (stats.WithMinParticipants).
	MinParticipants int `json:"min_participants"`
	// RareMinParticipants and RareMinShare fold rare distribution values
	// into "Other" (stats.WithRareValues).
	RareMinParticipants int     `json:"rare_min_participants"`
	RareMinShare        float64 `json:"rare_min_share"`
	// PropertyMinShare is the share a property's most common value needs
	// (stats.WithPropertyMinShare).
	PropertyMinShare float64 `json:"property_min_share"`
	// SplitBytes is the size of the byte ranges the input files are read
	// in (0: DefaultSplitBytes). Each range's partial aggregate holds
	// every participant seen in it, so fewer, larger ranges move less
	// state through the shuffle, and more ranges keep more workers busy.
	SplitBytes int64 `json:"split_bytes"`
}

// DefaultSettings returns the stats package's defaults, which
// examples/telemetry uses too.
func DefaultSettings() Settings {
	return Settings{
		MinParticipants:     stats.DefaultMinParticipants,
		RareMinParticipants: stats.DefaultRareMinParticipants,
		RareMinShare:        stats.DefaultRareMinShare,
		PropertyMinShare:    stats.DefaultPropertyMinShare,
	}
}

// newAggregator returns an empty aggregator with the settings.
func (st Settings) newAggregator() (*stats.Aggregator, error) {
	a, err := stats.NewAggregator(
		stats.WithMinParticipants(st.MinParticipants),
		stats.WithRareValues(st.RareMinParticipants, st.RareMinShare),
		stats.WithPropertyMinShare(st.PropertyMinShare))
	if err != nil {
		return nil, fmt.Errorf("telemetry: %w", err)
	}
	return a, nil
}

// Input is what reaches the combiner for one line: the decoded sample, or
// the line itself when the decoder rejected it (the combiner reads it again
// with stats.ReadJSONL, which counts the rejection for the line's file
// exactly as a single-process read does).
type Input struct {
	Sample stats.Sample
	Line   string
}

// Accumulator is the combiner's state for one key: a stats.Aggregator and
// the settings it was made with. Its Beam coder is the aggregator's binary
// state behind a small header that carries the settings.
type Accumulator struct {
	Settings Settings
	Agg      *stats.Aggregator
}

// accMagic starts every encoded Accumulator (format version 1).
var accMagic = []byte("FRBA\x01")

// encodeAccumulator is the Accumulator's Beam coder: magic, settings,
// then stats' MarshalBinary.
func encodeAccumulator(a Accumulator) ([]byte, error) {
	if a.Agg == nil {
		var err error
		if a.Agg, err = a.Settings.newAggregator(); err != nil {
			return nil, err
		}
	}
	state, err := a.Agg.MarshalBinary()
	if err != nil {
		return nil, fmt.Errorf("telemetry: encode accumulator: %w", err)
	}
	b := make([]byte, 0, len(accMagic)+4*binary.MaxVarintLen64+len(state))
	b = append(b, accMagic...)
	b = binary.AppendUvarint(b, uint64(a.Settings.MinParticipants))
	b = binary.AppendUvarint(b, uint64(a.Settings.RareMinParticipants))
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(a.Settings.RareMinShare))
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(a.Settings.PropertyMinShare))
	return append(b, state...), nil
}

// errAccumulator means an encoded Accumulator is not one.
var errAccumulator = errors.New("telemetry: corrupt accumulator")

// decodeAccumulator reads what encodeAccumulator writes.
func decodeAccumulator(b []byte) (Accumulator, error) {
	var a Accumulator
	if !bytes.HasPrefix(b, accMagic) {
		return a, errAccumulator
	}
	b = b[len(accMagic):]
	min, n := binary.Uvarint(b)
	if n <= 0 || min > math.MaxInt32 {
		return a, errAccumulator
	}
	b = b[n:]
	rare, n := binary.Uvarint(b)
	if n <= 0 || rare > math.MaxInt32 || len(b[n:]) < 16 {
		return a, errAccumulator
	}
	b = b[n:]
	a.Settings = Settings{
		MinParticipants:     int(min),
		RareMinParticipants: int(rare),
		RareMinShare:        math.Float64frombits(binary.LittleEndian.Uint64(b)),
		PropertyMinShare:    math.Float64frombits(binary.LittleEndian.Uint64(b[8:])),
	}
	agg, err := a.Settings.newAggregator()
	if err != nil {
		return a, fmt.Errorf("%w: %w", errAccumulator, err)
	}
	if err := agg.UnmarshalBinary(b[16:]); err != nil {
		return a, fmt.Errorf("telemetry: decode accumulator: %w", err)
	}
	a.Agg = agg
	return a, nil
}

// encodeInput and decodeInput are Input's Beam coder. Inputs normally pass
// from the parsing step to the combiner's first stage in memory (the
// runner fuses them); the coder is used only when a runner does not.
func encodeInput(in Input) []byte {
	if in.Line != "" {
		return append([]byte{'L'}, in.Line...)
	}
	return in.Sample.AppendJSON([]byte{'S'})
}

func decodeInput(b []byte) (Input, error) {
	var in Input
	if len(b) == 0 {
		return in, errors.New("telemetry: empty input encoding")
	}
	switch b[0] {
	case 'L':
		in.Line = string(b[1:])
		return in, nil
	case 'S':
		// A sample encoded here decoded before: it decodes again.
		if err := in.Sample.UnmarshalJSON(b[1:]); err != nil {
			return in, fmt.Errorf("telemetry: decode input: %w", err)
		}
		return in, nil
	}
	return in, fmt.Errorf("telemetry: input encoding tag %q", b[0])
}

func init() {
	beam.RegisterCoder(reflect.TypeOf(Accumulator{}), encodeAccumulator, decodeAccumulator)
	beam.RegisterCoder(reflect.TypeOf(Input{}), encodeInput, decodeInput)
	register.Combiner3[Accumulator, Input, []jsonl.Line](&CombineFn{})
}

// CombineFn aggregates one file's samples into its summary. It maps
// stats' exact, mergeable aggregator onto Beam's combiner: create an empty
// aggregator, add samples, merge aggregators (the smaller into the larger)
// in whatever grouping the runner chooses, and extract the summary from
// the fully merged state, where the privacy threshold is applied. The
// output is the JSON of each summary the state holds: one per key, none
// when every sample of the key was rejected without a valid file key.
type CombineFn struct {
	Settings Settings `json:"settings"`
}

// CreateAccumulator returns an empty aggregator with the settings.
func (f *CombineFn) CreateAccumulator() (Accumulator, error) {
	agg, err := f.Settings.newAggregator()
	return Accumulator{Settings: f.Settings, Agg: agg}, err
}

// AddInput adds one sample (or counts one rejected line).
func (f *CombineFn) AddInput(a Accumulator, in Input) (Accumulator, error) {
	if in.Line != "" {
		// Rare: a line the decoder rejected. ReadJSONL counts it, for its
		// file when the file key could be read, as examples/telemetry does.
		if _, err := stats.ReadJSONL(context.Background(), strings.NewReader(in.Line), a.Agg); err != nil {
			return a, fmt.Errorf("telemetry: add: %w", err)
		}
		return a, nil
	}
	var rej *stats.RejectError
	if err := a.Agg.Add(&in.Sample); err != nil && !errors.As(err, &rej) {
		return a, fmt.Errorf("telemetry: add: %w", err)
	}
	return a, nil
}

// MergeAccumulators merges the smaller state into the larger one and
// returns the larger: the result is the same either way (integer sums),
// and copying the smaller is cheaper.
func (f *CombineFn) MergeAccumulators(a, b Accumulator) (Accumulator, error) {
	if a.Agg == nil || a.Agg == b.Agg {
		return b, nil
	}
	if b.Agg == nil {
		return a, nil
	}
	if a.Agg.Samples() < b.Agg.Samples() {
		a, b = b, a
	}
	if err := a.Agg.Merge(b.Agg); err != nil {
		return a, fmt.Errorf("telemetry: merge: %w", err)
	}
	return a, nil
}

// ExtractOutput returns the summaries of the merged state as JSON Lines,
// each keyed so that sorting by key gives stats.Aggregator.Summaries's
// order (sha256 groups by sha256, then name groups by name).
func (f *CombineFn) ExtractOutput(a Accumulator) ([]jsonl.Line, error) {
	if a.Agg == nil {
		return nil, nil
	}
	sums := a.Agg.Summaries()
	out := make([]jsonl.Line, 0, len(sums))
	for _, s := range sums {
		text, err := summaryJSON(s)
		if err != nil {
			return nil, err
		}
		out = append(out, jsonl.Line{Key: summaryOrder(s), Text: text})
	}
	return out, nil
}

// summaryJSON encodes s as examples/telemetry -json does (no HTML
// escaping), without the newline.
func summaryJSON(s *stats.Summary) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return "", fmt.Errorf("telemetry: encode summary: %w", err)
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}

// summaryOrder is the sort key that puts summaries in the order of
// stats.Aggregator.Summaries.
func summaryOrder(s *stats.Summary) string {
	if s.File.SHA256 != "" {
		return "0" + strings.ToLower(s.File.SHA256)
	}
	return "1" + asciiLower(s.File.Name)
}

// asciiLower lower-cases ASCII letters only, as stats does for file names.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
