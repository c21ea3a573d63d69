// Command filerep-beam runs filerep's pipelines on Apache Beam: the crowd
// telemetry aggregation (the same summaries as examples/telemetry -json)
// or the file scan (the same reports as examples/scan), on any runner.
//
// Usage:
//
//	filerep-beam -pipeline telemetry -input 'samples/*.jsonl' -output out/summaries [-shards N] [-min 200] [Beam flags]
//	filerep-beam -pipeline scan -input DIR|GLOB [-input …] -output out/reports [-shards N] [-hashes LIST] [-fast] [Beam flags]
//
// Inputs and outputs are paths on any file system Beam knows (local,
// gs://, s3://). Outputs are JSON Lines shards, PREFIX-00000-of-0000N.jsonl;
// the telemetry pipeline also writes its rejected samples to
// PREFIX-rejected-…, and sorts each shard so that with -shards 1 its
// output is examples/telemetry -json's, byte for byte. The scan takes
// local folders whole (walking them), or globs.
//
// Beam's own flags choose the runner: by default --runner=prism, which
// runs the pipeline in this process. --runner=flink or spark with
// --endpoint=HOST:PORT (a job server) and --environment_type=DOCKER,
// or --runner=dataflow with --project, --region, --staging_location and
// --temp_location, run it on a cluster; see the README's "Scaling out".
// At the end the pipeline's counters are printed on standard error.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"slices"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/metrics"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/s3"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"
	"github.com/filerep/filerep/beam/jsonl"
	"github.com/filerep/filerep/beam/scan"
	"github.com/filerep/filerep/beam/telemetry"
	"github.com/filerep/filerep/stats"
)

// inputs collects repeated -input flags.
type inputs []string

// String implements flag.Value.
func (l *inputs) String() string { return strings.Join(*l, ",") }

// Set implements flag.Value.
func (l *inputs) Set(v string) error { *l = append(*l, v); return nil }

var (
	pipeline    = flag.String("pipeline", "", "telemetry or scan")
	output      = flag.String("output", "", "output prefix: shards are PREFIX-00000-of-0000N.jsonl")
	shards      = flag.Int("shards", 1, "output shards")
	minPart     = flag.Int("min", stats.DefaultMinParticipants, "telemetry: privacy threshold, unique participants needed to publish anything")
	splitBytes  = flag.Int64("split-bytes", telemetry.DefaultSplitBytes, "telemetry: input files are read in byte ranges of this size")
	hashes      = flag.String("hashes", "default", "scan: digests to compute, a comma-separated list of md5, sha1, sha256, blake3, ssdeep, tlsh; default (the first four) or all")
	fast        = flag.Bool("fast", false, "scan: parse only headers and sections")
	maxInMemory = flag.Int64("max-in-memory", 0, "scan: bytes read into memory per file (0: filerep's default, 512 MiB)")
	cpuProfile  = flag.String("cpuprofile", "", "write a CPU profile of this process (with Prism: the runner and the workers) to this file")
	input       inputs
)

func main() {
	flag.Var(&input, "input", "input file, glob or (scan) local folder; repeatable")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: filerep-beam -pipeline telemetry|scan -input PATH|GLOB... -output PREFIX [-shards N] [flags] [Beam flags such as --runner]")
		flag.PrintDefaults()
	}
	flag.Parse()
	beam.Init() // a worker started by a runner stops here and serves

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "filerep-beam: -cpuprofile:", err)
			os.Exit(1)
		}
		defer f.Close()
		defer pprof.StopCPUProfile()
	}
	err := run(ctx, os.Stderr)
	pprof.StopCPUProfile()
	if err != nil {
		fmt.Fprintln(os.Stderr, "filerep-beam:", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

func run(ctx context.Context, stderr io.Writer) error {
	if len(input) == 0 || *output == "" {
		return fmt.Errorf("%w: -input and -output are required", errUsage)
	}
	p, s := beam.NewPipelineWithRoot()
	var namespace string
	switch *pipeline {
	case "telemetry":
		st := telemetry.DefaultSettings()
		st.MinParticipants = *minPart
		st.SplitBytes = *splitBytes
		if st.MinParticipants < 1 {
			return fmt.Errorf("%w: -min %d, want at least 1", errUsage, st.MinParticipants)
		}
		sums, rejected := telemetry.Pipeline(s, input, st)
		jsonl.Write(s, *output, *shards, true, sums)
		jsonl.Write(s, *output+"-rejected", 1, true, rejected)
		namespace = telemetry.Namespace
	case "scan":
		globs, err := scan.DirGlobs(input)
		if err != nil {
			return err
		}
		jsonl.Write(s, *output, *shards, false, scan.Pipeline(s, globs, scan.Config{MaxInMemory: *maxInMemory, Hashes: *hashes, Fast: *fast}))
		namespace = scan.Namespace
	default:
		return fmt.Errorf("%w: -pipeline %q, want telemetry or scan", errUsage, *pipeline)
	}
	res, err := beamx.RunWithMetrics(ctx, p)
	if err != nil {
		return fmt.Errorf("run: %w", err)
	}
	if res != nil {
		printCounters(stderr, namespace, res.Metrics())
	}
	return nil
}

// printCounters prints the pipeline's counters, one per line.
func printCounters(w io.Writer, namespace string, m metrics.Results) {
	sums := map[string]int64{}
	for _, c := range m.Query(func(r metrics.SingleResult) bool { return r.Namespace() == namespace }).Counters() {
		sums[c.Name()] += c.Result()
	}
	names := make([]string, 0, len(sums))
	for n := range sums {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		fmt.Fprintf(w, "%s.%s: %d\n", namespace, n, sums[n])
	}
}
