// Command telemetry aggregates crowd telemetry samples (JSON Lines, see
// shared/docs/telemetry.md) into per-file summaries that respect a privacy
// threshold, and prints them as text laid out like the lower half of a
// file-reputation page, or as JSON Lines.
//
// Usage:
//
//	telemetry [flags] [FILE.jsonl ...]     # no FILE, or "-": standard input
//	telemetry -generate [-scale K] [-seed S] [-bad N] > samples.jsonl
//
// Examples:
//
//	go run ./examples/telemetry -generate | go run ./examples/telemetry -product "Application Layer Gateway Service"
//	go run ./examples/telemetry -json samples.jsonl
//	go run ./examples/telemetry -save shard1.state part1.jsonl    # on one machine
//	go run ./examples/telemetry -load shard1.state -load shard2.state   # merge shards
//
// Files are read in parallel (one aggregator each, merged at the end), which
// gives the same summaries as reading them one after another. Rejected
// samples are reported on standard error with their line numbers (the first
// -show of them), counted by reason on standard error and in the summaries;
// a run where no sample was accepted exits 1. A progress line is shown on
// standard error while reading when it is a terminal. Exit codes: 0, 1
// (an input could not be read, or no sample was accepted), 2 (usage,
// found before any work), 130 (Ctrl-C). Run it with -h for the manual.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/filerep/filerep/internal/cli"
	"github.com/filerep/filerep/internal/textsafe"
	"github.com/filerep/filerep/stats"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// loads collects repeated -load flags.
type loads []string

// String implements flag.Value.
func (l *loads) String() string { return strings.Join(*l, ",") }

// Set implements flag.Value.
func (l *loads) Set(v string) error { *l = append(*l, v); return nil }

type options struct {
	json, rollup, strict, progress, generate bool
	min, jobs, show, scale, bad              int
	seed                                     uint64
	product, locale, save                    string
	load                                     loads
}

// manual is telemetry's -h text.
var manual = cli.Manual{
	Synopsis: `usage: telemetry [-json] [-rollup] [-min N] [-strict] [-j N] [-show N] [-progress]
                 [-product NAME] [-locale TAG] [-save STATE] [-load STATE]... [SAMPLES.jsonl ...]
       telemetry -generate [-scale K] [-seed S] [-bad N] > SAMPLES.jsonl`,
	About: `Aggregates crowd telemetry samples into one summary per file (per sha256, or
per name with -rollup) under a privacy threshold, and prints them as text laid
out like the seed page's lower half, or as JSON Lines. Reads standard input
when no file (or "-") is given.`,
	After: `Input: JSON Lines, one sample object a line (docs/telemetry.md), e.g.
  {"participant":"p-7f3a","file":{"sha256":"9d39…","name":"alg.exe",
   "path":"C:\\Windows\\System32\\alg.exe"},"machine":{"os":"Windows 7 Home Premium",
   "country":"US","manufacturer":"Dell","locale":"fr-FR"},"cpu":{"total_pct":0.00039},
   "threads":4,"handles":96,"process":{"parent":"services.exe"}}
  "participant" and a file key (sha256 or name) are required; unknown fields,
  NaN/Inf/negative numbers and percentages over 100 per core are rejected,
  each counted by reason on stderr. If no sample is accepted, the exit status
  is 1.
State (-save, -load): the aggregator's binary state, merged exactly.

Examples:
  telemetry -generate > samples.jsonl
  telemetry -product "Application Layer Gateway Service" -locale fr-FR samples.jsonl
  telemetry -json -rollup samples.jsonl
  telemetry -save shard1.state part1.jsonl; telemetry -load shard1.state -load shard2.state

` + cli.ExitCodesHelp,
}

// newFlags returns telemetry's flag set, bound to o.
func newFlags(o *options) *flag.FlagSet {
	fs := flag.NewFlagSet("telemetry", flag.ContinueOnError)
	fs.BoolVar(&o.json, "json", false, "print one summary per line as JSON instead of text")
	fs.BoolVar(&o.rollup, "rollup", false, "summarize per file name across versions (sha256s) instead of per sha256")
	fs.IntVar(&o.min, "min", stats.DefaultMinParticipants, "privacy threshold: unique participants needed to publish anything")
	fs.BoolVar(&o.strict, "strict", false, "stop at the first rejected sample (exit 1)")
	fs.IntVar(&o.jobs, "j", runtime.GOMAXPROCS(0), "files read in parallel")
	fs.IntVar(&o.show, "show", 10, "rejected samples to report on standard error, with their line numbers")
	fs.BoolVar(&o.progress, "progress", true, "show progress on standard error when it is a terminal")
	fs.StringVar(&o.product, "product", "", "product `name` for the country sentence (default: the file name)")
	fs.StringVar(&o.locale, "locale", "", "`locale` of the service strings to show, e.g. fr-FR (default: the most reported)")
	fs.StringVar(&o.save, "save", "", "write the aggregated state (binary) to this `file`")
	fs.Var(&o.load, "load", "merge an aggregated state written by -save (repeatable)")
	fs.BoolVar(&o.generate, "generate", false, "write synthetic samples reproducing the seed page's alg.exe as JSON Lines, and exit")
	fs.IntVar(&o.scale, "scale", 1, "with -generate: multiply the participants (400) by this")
	fs.Uint64Var(&o.seed, "seed", 1, "with -generate: random seed")
	fs.IntVar(&o.bad, "bad", 0, "with -generate: also write this many bad lines, to see rejections")
	return fs
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var o options
	fs := newFlags(&o)
	if code, ok := cli.Parse(fs, args, manual, stdout, stderr); !ok {
		return code
	}
	usage := func(format string, a ...any) int {
		return cli.UsageError(stderr, "telemetry", manual, textsafe.String(fmt.Sprintf(format, a...)))
	}
	switch {
	case o.generate && o.scale < 1:
		return usage("-scale %d: want at least 1", o.scale)
	case o.generate && fs.NArg() > 0:
		return usage("-generate reads no file")
	case o.min < 1:
		return usage("-min %d: want at least 1", o.min)
	case o.jobs < 1:
		return usage("-j %d: want at least 1", o.jobs)
	case o.show < 0:
		return usage("-show %d: want 0 or more", o.show)
	}
	if o.generate {
		if err := generate(stdout, o); err != nil {
			fmt.Fprintln(stderr, "telemetry:", textsafe.String(err.Error()))
			return cli.ExitFailed
		}
		return cli.ExitOK
	}
	// The states to merge are flags' files: read and checked before any work.
	states := make([][]byte, len(o.load))
	for i, path := range o.load {
		b, err := os.ReadFile(path)
		if err == nil {
			shard, _ := stats.NewAggregator(stats.WithMinParticipants(o.min))
			if uerr := shard.UnmarshalBinary(b); uerr != nil {
				err = fmt.Errorf("%s: %w", path, uerr)
			}
		}
		if err != nil {
			return usage("-load: %v", err)
		}
		states[i] = b
	}
	agg, err := aggregate(ctx, fs.Args(), states, stdin, stderr, o)
	switch {
	case ctx.Err() != nil:
		fmt.Fprintln(stderr, "telemetry: interrupted; nothing written")
		return cli.ExitInterrupted
	case err != nil:
		fmt.Fprintln(stderr, "telemetry:", textsafe.String(err.Error()))
		return cli.ExitFailed
	}
	if err := output(stdout, agg, o); err != nil {
		fmt.Fprintln(stderr, "telemetry:", textsafe.String(err.Error()))
		return cli.ExitFailed
	}
	if agg.Samples() == 0 && len(o.load) == 0 {
		var rejected int64
		for _, n := range agg.Rejected() {
			rejected += n
		}
		if rejected > 0 {
			fmt.Fprintf(stderr, "telemetry: every one of the %d samples was rejected; nothing to summarize\n", rejected)
		} else {
			fmt.Fprintln(stderr, "telemetry: no sample read; nothing to summarize")
		}
		return cli.ExitFailed
	}
	return cli.ExitOK
}

// generate writes the alg.exe profile's samples, and optionally bad lines.
func generate(w io.Writer, o options) error {
	if o.scale < 1 {
		return fmt.Errorf("-scale %d: want at least 1", o.scale)
	}
	seq, err := stats.Synthesize(stats.AlgExeProfile().Scale(o.scale), o.seed)
	if err != nil {
		return err
	}
	bad := []string{
		`{"participant": "p-bad", "file": {"sha256": "` + stats.AlgExeSHA256 + `"}, "cpu": {"total_pct": -1}}`,
		`{"file": {"sha256": "` + stats.AlgExeSHA256 + `"}, "threads": 4}`,
		`{"participant": "p-bad", "file": {"name": "alg.exe"}, "colour": "blue"}`,
		`{"participant": "p-bad", "file": {"sha256": "` + stats.AlgExeSHA256 + `"}, "cpu": {"total_pct": 250}, "machine": {"cpus": 2}}`,
		`{"participant": "p-bad", "file": `,
	}
	bw := bufio.NewWriterSize(w, 256<<10)
	var b []byte
	n := 0
	for s := range seq {
		b = s.AppendJSON(b[:0])
		b = append(b, '\n')
		if _, err := bw.Write(b); err != nil {
			return err
		}
		if n < o.bad && n%97 == 0 {
			fmt.Fprintln(bw, bad[(n/97)%len(bad)])
			o.bad--
		}
		n++
	}
	for ; o.bad > 0; o.bad-- {
		fmt.Fprintln(bw, bad[o.bad%len(bad)])
	}
	return bw.Flush()
}

// aggregate reads every input (and state) into one aggregator.
func aggregate(ctx context.Context, files []string, states [][]byte, stdin io.Reader, stderr io.Writer, o options) (*stats.Aggregator, error) {
	newAgg := func() (*stats.Aggregator, error) { return stats.NewAggregator(stats.WithMinParticipants(o.min)) }
	total, err := newAgg()
	if err != nil {
		return nil, err
	}
	for i, b := range states {
		shard, _ := newAgg()
		if err := shard.UnmarshalBinary(b); err != nil {
			return nil, fmt.Errorf("%s: %w", o.load[i], err)
		}
		if err := total.Merge(shard); err != nil {
			return nil, fmt.Errorf("%s: %w", o.load[i], err)
		}
	}
	if len(files) == 0 && len(o.load) == 0 {
		files = []string{"-"}
	}

	prog := newProgress(stderr, o.progress)
	var shown atomic.Int64
	readOne := func(name string, agg *stats.Aggregator) error {
		var r io.Reader = stdin
		if name != "-" {
			f, err := os.Open(name)
			if err != nil {
				return err
			}
			defer f.Close()
			r = f
		}
		label := name
		if name == "-" {
			label = "stdin"
		}
		opts := []stats.ReadOption{
			stats.WithRejectHandler(func(e *stats.RejectError) {
				if shown.Add(1) <= int64(o.show) {
					prog.printf("%s: %s\n", textsafe.String(label), textsafe.String(e.Error()))
				}
			}),
			stats.WithProgress(prog.update(label)),
		}
		if o.strict {
			opts = append(opts, stats.WithStrict())
		}
		_, err := stats.ReadJSONL(ctx, r, agg, opts...)
		if err != nil {
			return fmt.Errorf("%s: %w", label, err)
		}
		return nil
	}

	jobs := max(1, min(o.jobs, len(files)))
	aggs := make([]*stats.Aggregator, len(files))
	errs := make([]error, len(files))
	sem := make(chan struct{}, jobs)
	var wg sync.WaitGroup
	for i, name := range files {
		aggs[i], _ = newAgg()
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			errs[i] = readOne(name, aggs[i])
		}()
	}
	wg.Wait()
	prog.done()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	for _, a := range aggs {
		if err := total.Merge(a); err != nil {
			return nil, err
		}
	}
	if n := shown.Load(); n > int64(o.show) {
		fmt.Fprintf(stderr, "telemetry: %d more rejected samples not shown\n", n-int64(o.show))
	}
	if rej := total.Rejected(); len(rej) > 0 {
		var parts []string
		var sum int64
		for r, n := range rej {
			parts = append(parts, fmt.Sprintf("%s %d", r, n))
			sum += n
		}
		slices.Sort(parts)
		fmt.Fprintf(stderr, "telemetry: %d samples accepted, %d rejected (%s)\n", total.Samples(), sum, strings.Join(parts, ", "))
	}
	if o.save != "" {
		b, err := total.MarshalBinary()
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(o.save, b, 0o644); err != nil {
			return nil, err
		}
	}
	return total, nil
}

func output(w io.Writer, agg *stats.Aggregator, o options) error {
	sums := agg.Summaries()
	if o.rollup {
		sums = agg.NameSummaries()
	}
	bw := bufio.NewWriter(w)
	if o.json {
		enc := json.NewEncoder(bw)
		enc.SetEscapeHTML(false)
		for _, s := range sums {
			if err := enc.Encode(s); err != nil {
				return err
			}
		}
		return bw.Flush()
	}
	for i, s := range sums {
		if i > 0 {
			fmt.Fprintln(bw)
		}
		title := textsafe.String(s.File.Name) // names come from the samples
		if s.File.Name == "" {
			title = "(name withheld)"
		}
		if s.File.SHA256 != "" {
			title += "  sha256 " + s.File.SHA256
		}
		for _, v := range s.Versions {
			title += fmt.Sprintf("\n   version %s (%d participants)", v.SHA256, v.Participants)
		}
		if s.UnpublishedVersions > 0 {
			title += fmt.Sprintf("\n   and %d unpublished versions", s.UnpublishedVersions)
		}
		fmt.Fprintf(bw, "== %s\n", title)
		if s.TypicalPath != nil {
			fmt.Fprintf(bw, "| Typical file path: | %s |\n", textsafe.String(s.TypicalPath.Value))
		}
		var topts []stats.TextOption
		if o.product != "" {
			topts = append(topts, stats.WithProduct(o.product))
		}
		if o.locale != "" {
			topts = append(topts, stats.WithLocale(o.locale))
		}
		if err := stats.WriteText(bw, s, topts...); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// progress prints a rate-limited status line on a terminal.
type progress struct {
	w       io.Writer
	on      bool
	mu      sync.Mutex
	last    time.Time
	start   time.Time
	byLabel map[string]stats.ReadStats
	drawn   bool
}

func newProgress(w io.Writer, want bool) *progress {
	on := false
	if f, ok := w.(*os.File); ok && want {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			on = true
		}
	}
	return &progress{w: w, on: on, start: time.Now(), byLabel: map[string]stats.ReadStats{}}
}

func (p *progress) update(label string) func(stats.ReadStats) {
	return func(st stats.ReadStats) {
		if !p.on {
			return
		}
		p.mu.Lock()
		defer p.mu.Unlock()
		p.byLabel[label] = st
		if time.Since(p.last) < 200*time.Millisecond {
			return
		}
		p.last = time.Now()
		var t stats.ReadStats
		for _, s := range p.byLabel {
			t.Lines += s.Lines
			t.Bytes += s.Bytes
			t.Rejected += s.Rejected
		}
		secs := time.Since(p.start).Seconds()
		fmt.Fprintf(p.w, "\r%d lines, %.1f MB (%.1f MB/s), %d rejected ", t.Lines, float64(t.Bytes)/1e6, float64(t.Bytes)/1e6/max(secs, 1e-9), t.Rejected)
		p.drawn = true
	}
}

// clear erases the status line; p.mu must be held.
func (p *progress) clear() {
	if p.on && p.drawn {
		fmt.Fprint(p.w, "\r\033[K")
		p.drawn = false
	}
}

// printf prints a message line, erasing the status line first.
func (p *progress) printf(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
	fmt.Fprintf(p.w, format, args...)
}

func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
}
