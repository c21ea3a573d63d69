// Command scan analyses every regular file under the given folders and
// writes one JSON report per line (JSON Lines) to stdout or -o FILE.
//
//	go run ./examples/scan [-o reports.jsonl] [-resume] [-workers N] [-ordered] DIR...
//
// It does not follow symbolic links. On a terminal, stderr shows a
// progress bar with files/s and MB/s; a closing summary follows (files, PE
// and not-PE, errors, wall time, MB/s). Ctrl-C stops it promptly and
// leaves a complete, valid JSONL of the files done; -resume then skips the
// files already in the output.
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
	"syscall"
	"time"

	"github.com/filerep/filerep"
	"github.com/filerep/filerep/hash"
	"github.com/filerep/filerep/internal/textsafe"
	"github.com/filerep/filerep/pe"
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// summary is what the closing line reports.
type summary struct {
	Files, PE, NotPE, Errors, Skipped int
	Bytes                             int64
	Wall                              time.Duration
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("scan", flag.ContinueOnError)
	fl.SetOutput(stderr)
	out := fl.String("o", "", "write JSON Lines to this file instead of stdout")
	resume := fl.Bool("resume", false, "with -o: skip files already in the output and append")
	workers := fl.Int("workers", 0, "files analysed at once (default: the number of CPUs)")
	ordered := fl.Bool("ordered", false, "write reports in walk order")
	fast := fl.Bool("fast", false, "parse only headers and sections")
	quiet := fl.Bool("q", false, "no progress bar and no summary")
	hashes := fl.String("hashes", "all", "digests to compute: a comma-separated list of md5, sha1, sha256, blake3, or all")
	fl.Usage = func() {
		fmt.Fprintln(stderr, "usage: scan [-o FILE [-resume]] [-workers N] [-ordered] [-fast] [-hashes LIST|all] [-q] DIR...")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		return 2
	}
	digests, err := hash.ParseDigests(*hashes)
	if err != nil {
		fmt.Fprintln(stderr, "scan: -hashes:", err)
		return 2
	}
	if fl.NArg() == 0 || (*resume && *out == "") {
		fl.Usage()
		return 2
	}

	done := map[string]bool{}
	w := stdout
	if *out != "" {
		flags := os.O_CREATE | os.O_WRONLY | os.O_TRUNC
		if *resume {
			var err error
			if done, err = readDone(*out); err != nil {
				fmt.Fprintln(stderr, "scan:", textsafe.String(err.Error()))
				return 1
			}
			flags = os.O_CREATE | os.O_WRONLY | os.O_APPEND
		}
		f, err := os.OpenFile(*out, flags, 0o644)
		if err != nil {
			fmt.Fprintln(stderr, "scan:", textsafe.String(err.Error()))
			return 1
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	defer bw.Flush()

	var sum summary
	walkErrs := 0
	paths := filerep.WalkFiles(fl.Args(), func(p string, err error) {
		walkErrs++
		fmt.Fprintln(stderr, "scan:", textsafe.String(err.Error())) // paths may hold terminal controls
	})
	todo := func(yield func(string) bool) {
		for p := range paths {
			if done[p] {
				sum.Skipped++
				continue
			}
			if !yield(p) {
				return
			}
		}
	}

	opts := []filerep.Option{filerep.WithOrdered(*ordered), filerep.WithFast(*fast), filerep.WithHashes(digests)}
	if *workers > 0 {
		opts = append(opts, filerep.WithWorkers(*workers))
	}
	var bar *progressbar.ProgressBar
	if f, ok := stderr.(*os.File); ok && !*quiet && term.IsTerminal(int(f.Fd())) {
		bar = progressbar.NewOptions64(-1,
			progressbar.OptionSetWriter(stderr),
			progressbar.OptionShowBytes(true),
			progressbar.OptionShowCount(),
			progressbar.OptionSetDescription("scanning"),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish())
	}

	start := time.Now()
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for r := range filerep.AnalyzeAll(ctx, todo, opts...) {
		if ctx.Err() != nil && errors.Is(r.Err, context.Canceled) {
			continue // cut short by Ctrl-C: not a result, left for -resume
		}
		if err := enc.Encode(r.Report); err != nil { // one whole line per report
			fmt.Fprintln(stderr, "scan:", textsafe.String(err.Error()))
			return 1
		}
		sum.Files++
		sum.Bytes += r.Report.File.Size
		switch {
		case r.Report.File.Kind == pe.KindNotPE:
			sum.NotPE++
		default:
			sum.PE++
		}
		if r.Err != nil && !errors.Is(r.Err, pe.ErrNotPE) {
			sum.Errors++
		}
		if bar != nil {
			_ = bar.Add64(r.Report.File.Size)
		}
	}
	if err := bw.Flush(); err != nil {
		fmt.Fprintln(stderr, "scan:", textsafe.String(err.Error()))
		return 1
	}
	sum.Wall = time.Since(start)
	if bar != nil {
		_ = bar.Finish()
	}
	if !*quiet {
		mb := float64(sum.Bytes) / 1e6
		fmt.Fprintf(stderr, "scan: %d files (%d PE, %d not PE, %d with errors, %d skipped), %.1f MB in %v: %.1f files/s, %.1f MB/s\n",
			sum.Files, sum.PE, sum.NotPE, sum.Errors, sum.Skipped, mb, sum.Wall.Round(time.Millisecond),
			float64(sum.Files)/sum.Wall.Seconds(), mb/sum.Wall.Seconds())
		if ctx.Err() != nil {
			fmt.Fprintln(stderr, "scan: interrupted; the output holds every file done (use -resume to go on)")
		}
	}
	if walkErrs > 0 {
		return 1
	}
	return 0
}

// readDone returns the paths already reported in a JSONL output. A last
// line cut short (the process was killed mid-write) is dropped from the
// file so that appending keeps it valid.
func readDone(name string) (map[string]bool, error) {
	done := map[string]bool{}
	f, err := os.OpenFile(name, os.O_RDWR, 0)
	if errors.Is(err, os.ErrNotExist) {
		return done, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<16)
	var good int64
	for {
		line, err := r.ReadBytes('\n')
		if len(line) > 0 && line[len(line)-1] == '\n' {
			var rep struct {
				File struct {
					Path string `json:"path"`
				} `json:"file"`
			}
			if json.Unmarshal(line, &rep) == nil && rep.File.Path != "" {
				done[rep.File.Path] = true
			}
			good += int64(len(line))
		}
		if err != nil {
			break
		}
	}
	if st, err := f.Stat(); err == nil && st.Size() > good {
		if err := f.Truncate(good); err != nil {
			return nil, err
		}
	}
	return done, nil
}
