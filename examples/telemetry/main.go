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
// -show of them) and counted in the summaries. A progress line is shown on
// standard error while reading when it is a terminal.
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

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("telemetry", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.BoolVar(&o.json, "json", false, "print one summary per line as JSON instead of text")
	fs.BoolVar(&o.rollup, "rollup", false, "summarize per file name across versions (sha256s) instead of per sha256")
	fs.IntVar(&o.min, "min", stats.DefaultMinParticipants, "privacy threshold: unique participants needed to publish anything")
	fs.BoolVar(&o.strict, "strict", false, "stop at the first rejected sample")
	fs.IntVar(&o.jobs, "j", runtime.GOMAXPROCS(0), "files read in parallel")
	fs.IntVar(&o.show, "show", 10, "rejected samples to report on standard error")
	fs.BoolVar(&o.progress, "progress", true, "show progress on standard error when it is a terminal")
	fs.StringVar(&o.product, "product", "", "product name for the country sentence (default: the file name)")
	fs.StringVar(&o.locale, "locale", "", "locale of the service strings to show (default: the most reported)")
	fs.StringVar(&o.save, "save", "", "write the aggregated state (binary) to this file")
	fs.Var(&o.load, "load", "merge an aggregated state written by -save (repeatable)")
	fs.BoolVar(&o.generate, "generate", false, "write synthetic samples reproducing the seed page's alg.exe as JSON Lines, and exit")
	fs.IntVar(&o.scale, "scale", 1, "with -generate: multiply the participants (400) by this")
	fs.Uint64Var(&o.seed, "seed", 1, "with -generate: random seed")
	fs.IntVar(&o.bad, "bad", 0, "with -generate: also write this many bad lines, to see rejections")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: telemetry [flags] [FILE.jsonl ...]\n       telemetry -generate [-scale K] [-seed S] [-bad N]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if o.generate {
		if err := generate(stdout, o); err != nil {
			fmt.Fprintln(stderr, "telemetry:", err)
			return 1
		}
		return 0
	}
	agg, err := aggregate(ctx, fs.Args(), stdin, stderr, o)
	if err != nil {
		fmt.Fprintln(stderr, "telemetry:", err)
		return 1
	}
	if err := output(stdout, agg, o); err != nil {
		fmt.Fprintln(stderr, "telemetry:", err)
		return 1
	}
	return 0
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
func aggregate(ctx context.Context, files []string, stdin io.Reader, stderr io.Writer, o options) (*stats.Aggregator, error) {
	newAgg := func() (*stats.Aggregator, error) { return stats.NewAggregator(stats.WithMinParticipants(o.min)) }
	total, err := newAgg()
	if err != nil {
		return nil, err
	}
	for _, path := range o.load {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		shard, _ := newAgg()
		if err := shard.UnmarshalBinary(b); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if err := total.Merge(shard); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
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
					prog.printf("%s: %v\n", label, e)
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
		title := s.File.Name
		if title == "" {
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
			fmt.Fprintf(bw, "| Typical file path: | %s |\n", s.TypicalPath.Value)
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
