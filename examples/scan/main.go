// Command scan analyses every regular file under the given folders and
// writes one JSON report per line (JSON Lines) to stdout or -o FILE. Run
// it with -h for the manual.
//
//	go run ./examples/scan [-o reports.jsonl [-resume]] [-workers N] [-ordered] DIR...
//
// It does not follow symbolic links. A walk ahead of the work counts the
// files and bytes; on a terminal, stderr shows files done of that total,
// bytes, rate, time left and failures (never when the JSON goes to the
// same terminal). A closing summary counts the files, what was skipped
// and why (FIFO, socket, device, symlink, unreadable). Ctrl-C stops it
// promptly with exit status 130 and leaves a complete, valid JSONL of the
// files done; -resume then skips the files already in the output.
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
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/filerep/filerep"
	"github.com/filerep/filerep/hash"
	"github.com/filerep/filerep/internal/cli"
	"github.com/filerep/filerep/internal/textsafe"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// manual is scan's -h text.
var manual = cli.Manual{
	Synopsis: `usage: scan [-o OUT.jsonl [-resume]] [-workers N] [-ordered] [-fast]
            [-hashes LIST|default|all] [-q] DIR...`,
	About: `Analyses every regular file under each DIR (a FILE works too) and writes one
filerep report per line (JSON Lines, docs/report.md) to stdout or -o. Symbolic
links are not followed; FIFOs, sockets, devices and symlinks are skipped and
counted. On a terminal, stderr shows the progress: files done of the total a
quick walk ahead has found, bytes, rate, time left and failures. A summary
closes the run (files, PE and not PE, failures, what was skipped and why).`,
	After: `Output: JSON Lines, one report object a line, e.g.
  {"schema":"filerep/v1","file":{"name":"a.dll","path":"w/a.dll","size":59392,"kind":"dll"},…}
  A file that could not be read has kind "unreadable" and is named on stderr.
-resume reads an existing -o file (the same JSON Lines), drops a last line
cut short, skips the files it already holds and appends the others.

Examples:
  scan -o reports.jsonl /mnt/c/Windows/System32
  scan -o reports.jsonl -resume /mnt/c/Windows/System32    # after Ctrl-C
  scan -fast -hashes sha256 -q ~/Downloads | jq -r '.file.path + " " + .verdict.level'

` + cli.ExitCodesHelp,
}

// options are scan's flags.
type options struct {
	out, hashes                  string
	resume, ordered, fast, quiet bool
	workers                      int
}

// newFlags returns scan's flag set, bound to o.
func newFlags(o *options) *flag.FlagSet {
	fl := flag.NewFlagSet("scan", flag.ContinueOnError)
	fl.StringVar(&o.out, "o", "", "write JSON Lines to this `file` instead of stdout")
	fl.BoolVar(&o.resume, "resume", false, "with -o: skip the files already in the output and append")
	fl.IntVar(&o.workers, "workers", 0, "files analysed at once (default: the number of CPUs)")
	fl.BoolVar(&o.ordered, "ordered", false, "write reports in walk order")
	fl.BoolVar(&o.fast, "fast", false, "parse only headers and sections")
	fl.BoolVar(&o.quiet, "q", false, "no progress and no summary (failures are still named)")
	fl.StringVar(&o.hashes, "hashes", "default", "digests to compute: a comma-separated list of md5, sha1, sha256, blake3, ssdeep, tlsh; default (the first four) or all")
	return fl
}

// prog is the prefix of every stderr line.
const prog = "scan"

// summary is what the closing lines report.
type summary struct {
	Files, PE, NotPE, Failed, Resumed int
	Bytes                             int64
	Wall                              time.Duration
	Skipped                           map[string]int
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var o options
	fl := newFlags(&o)
	if code, ok := cli.Parse(fl, args, manual, stdout, stderr); !ok {
		return code
	}
	usage := func(format string, a ...any) int {
		return cli.UsageError(stderr, prog, manual, textsafe.String(fmt.Sprintf(format, a...)))
	}
	digests, err := hash.ParseDigests(o.hashes)
	if err != nil {
		return usage("-hashes: %v", err)
	}
	switch {
	case fl.NArg() == 0:
		return usage("no DIR given")
	case o.resume && o.out == "":
		return usage("-resume needs -o FILE")
	case o.workers < 0:
		return usage("-workers %d: want 0 (the number of CPUs) or more", o.workers)
	}

	done := map[string]bool{}
	w := stdout
	if o.out != "" {
		flags := os.O_CREATE | os.O_WRONLY | os.O_TRUNC
		if o.resume {
			if done, err = readDone(o.out); err != nil {
				return usage("-o: %v", err)
			}
			flags = os.O_CREATE | os.O_WRONLY | os.O_APPEND
		}
		f, err := os.OpenFile(o.out, flags, 0o644)
		if err != nil {
			return usage("-o: %v", err)
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	defer bw.Flush()

	// The progress line is drawn on stderr when it is a terminal, unless
	// the JSON goes to the same screen.
	var (
		bar   *progress
		sayMu sync.Mutex // the walk reports from its own goroutine
	)
	say := func(format string, a ...any) {
		sayMu.Lock()
		defer sayMu.Unlock()
		if bar != nil {
			bar.printf(format, a...)
			return
		}
		fmt.Fprintf(stderr, format, a...)
	}
	var walkFailed atomic.Int64
	wk := startWalk(ctx, fl.Args(), func(p string, err error) {
		walkFailed.Add(1)
		say("%s: %s\n", prog, textsafe.String(err.Error())) // paths may hold terminal controls
	})
	if !o.quiet && cli.IsTerminal(stderr) && (o.out != "" || !cli.IsTerminal(stdout)) {
		sayMu.Lock()
		bar = startProgress(stderr, wk, 200*time.Millisecond)
		sayMu.Unlock()
	}
	sum := summary{}
	todo := func(yield func(string) bool) {
		for p := range wk.files {
			if done[p] {
				sum.Resumed++
				continue
			}
			if !yield(p) {
				return
			}
		}
	}

	opts := []filerep.Option{filerep.WithOrdered(o.ordered), filerep.WithFast(o.fast), filerep.WithHashes(digests)}
	if o.workers > 0 {
		opts = append(opts, filerep.WithWorkers(o.workers))
	}
	start := time.Now()
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for r := range filerep.AnalyzeAll(ctx, todo, opts...) {
		if ctx.Err() != nil && errors.Is(r.Err, context.Canceled) {
			continue // cut short by Ctrl-C: not a result, left for -resume
		}
		if err := enc.Encode(r.Report); err != nil { // one whole line per report
			say("%s: writing: %s\n", prog, textsafe.String(err.Error()))
			return cli.ExitFailed
		}
		rep := r.Report
		sum.Files++
		sum.Bytes += rep.File.Size
		bad := rep.File.Kind == filerep.KindUnreadable || rep.File.Partial
		switch {
		case bad:
			sum.Failed++
			say("%s: %s: %s\n", prog, textsafe.String(rep.File.Path), textsafe.String(strings.Join(rep.Errors, "; ")))
		case rep.File.Kind == filerep.KindNotPE:
			sum.NotPE++
		default:
			sum.PE++
		}
		if bar != nil {
			bar.add(rep.File.Size, bad)
		}
	}
	flushErr := bw.Flush()
	sum.Wall = time.Since(start)
	wk.wait() // ends soon after ctx does
	sum.Skipped = wk.skips()
	if bar != nil {
		bar.stop()
	}
	if flushErr != nil {
		fmt.Fprintf(stderr, "%s: writing: %s\n", prog, textsafe.String(flushErr.Error()))
		return cli.ExitFailed
	}
	if !o.quiet {
		fmt.Fprintln(stderr, sum.String())
	}
	switch {
	case ctx.Err() != nil:
		fmt.Fprintf(stderr, "%s: interrupted; the output holds every file done (run again with -o and -resume to go on)\n", prog)
		return cli.ExitInterrupted
	case walkFailed.Load() > 0 || sum.Failed > 0:
		return cli.ExitFailed
	}
	return cli.ExitOK
}

// String is the closing summary: "scan: 5 files (4 PE, 1 not PE, 0
// failed), 1.2 MB in 3ms: 1700.0 files/s, 410.2 MB/s; skipped 2: 1
// FIFO, 1 symlink".
func (s summary) String() string {
	mb := float64(s.Bytes) / 1e6
	secs := max(s.Wall.Seconds(), 1e-9)
	line := fmt.Sprintf("%s: %d files (%d PE, %d not PE, %d failed), %.1f MB in %v: %.1f files/s, %.1f MB/s",
		prog, s.Files, s.PE, s.NotPE, s.Failed, mb, s.Wall.Round(time.Millisecond), float64(s.Files)/secs, mb/secs)
	var parts []string
	n := 0
	for r, c := range s.Skipped {
		parts = append(parts, fmt.Sprintf("%d %s", c, r))
		n += c
	}
	slices.Sort(parts)
	if n > 0 {
		line += fmt.Sprintf("; skipped %d: %s", n, strings.Join(parts, ", "))
	} else {
		line += "; skipped 0"
	}
	if s.Resumed > 0 {
		line += fmt.Sprintf("; %d already in the output", s.Resumed)
	}
	return line
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
