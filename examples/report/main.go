// Command report prints a file-reputation report for each file named on
// its command line: text laid out like the seed reputation page, or with
// -json one JSON object per line (JSON Lines) in the order of the
// arguments. Run it with -h for the manual.
//
//	go run ./examples/report [-json] [-lang fr-FR] [-telemetry SAMPLES.jsonl] FILE...
//
// A file that cannot be analysed still gets its report (kind
// "unreadable", or "partial" when its time ran out) and is named on
// stderr with the reason. The exit code is 0 when every file was
// analysed, 1 when some could not be, 2 for a usage error (found before
// any work), 130 after Ctrl-C.
package main

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/filerep/filerep"
	"github.com/filerep/filerep/hash"
	"github.com/filerep/filerep/internal/cli"
	"github.com/filerep/filerep/internal/textsafe"
	"github.com/filerep/filerep/reputation"
	"github.com/filerep/filerep/reputation/store"
	"github.com/filerep/filerep/stats"
	"golang.org/x/text/language"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// manual is report's -h text.
var manual = cli.Manual{
	Synopsis: `usage: report [-json] [-fast] [-hashes LIST|default|all] [-timeout D] [-lang TAG]
              [-roots PEM|none] [-kb FILE|none] [-catalogs DIR] [-host-path WINPATH]
              [-telemetry SAMPLES.jsonl] FILE...`,
	About: `Prints a reputation report for each FILE (exe, dll, sys, efi, mui; any other
file gets its hashes and a verdict saying it is not a Windows executable):
the file's name and hashes, "Should I block it?" with the reasons, what it is,
Details, Digital DNA, Behaviors, the crowd statistics when -telemetry is
given, then its signature, sections and more details. With several files,
each report starts with a "==> FILE <==" line. With -json, one report per line
(JSON Lines, the contract of docs/report.md).`,
	After: `Inputs:
  FILE            any file; a directory, FIFO, socket or device is refused
                  (exit 1) without being opened.
  -roots PEM      PEM certificates ("-----BEGIN CERTIFICATE-----" blocks),
                  e.g. -roots /etc/ssl/my-roots.pem; "none" leaves no anchors.
  -kb FILE        a knowledge base made by examples/kb (SQLite), e.g.
                  -kb kb.sqlite; "none" for none. Default: the seeded one in
                  the user cache directory.
  -catalogs DIR   a folder of Windows catalogs (*.cat, searched recursively),
                  e.g. -catalogs /mnt/c/Windows/System32/CatRoot. It must
                  exist; one holding no .cat file is warned about.
  -telemetry F    telemetry samples as JSON Lines, one JSON object a line
                  (docs/telemetry.md in the shared docs), e.g.
                  {"participant":"p-1","file":{"sha256":"9d39…","name":"alg.exe",
                   "path":"C:\\Windows\\System32\\alg.exe"},"machine":{"os":"Windows 7"}}
                  Make some with: go run ./examples/telemetry -generate > s.jsonl
                  Rejected lines are counted by reason on stderr; a file with
                  no accepted sample is a usage error. A FILE no sample
                  matches (by sha256, then by name) is warned about.
  -lang TAG       a BCP 47 tag such as fr-FR: a tag that does not parse is a
                  usage error; one the file has no localization for (no .mui
                  satellite, version table or telemetry string) is warned about.
  -hashes LIST    md5,sha1,sha256,blake3,ssdeep,tlsh (comma-separated), default
                  (the first four) or all (every digest, ssdeep and TLSH included).

Examples:
  report testdata/pe/mingw-service-x86.exe
  report -json -kb none /mnt/c/Windows/System32/*.dll > reports.jsonl
  report -lang fr-FR -telemetry samples.jsonl alg.exe
  report -catalogs CatRoot -host-path 'C:\Windows\System32\alg.exe' alg.exe

` + cli.ExitCodesHelp,
}

// options are report's flags.
type options struct {
	json, fast                    bool
	timeout                       time.Duration
	hashes, roots, kb, catalogs   string
	hostPath, telemetry, language string
}

// newFlags returns report's flag set, bound to o.
func newFlags(o *options) *flag.FlagSet {
	fl := flag.NewFlagSet("report", flag.ContinueOnError)
	fl.BoolVar(&o.json, "json", false, "print one JSON report per line (JSON Lines) instead of text")
	fl.BoolVar(&o.fast, "fast", false, "parse only headers and sections")
	fl.StringVar(&o.hashes, "hashes", "default", "digests to compute: a comma-separated list of md5, sha1, sha256, blake3, ssdeep, tlsh; default (the first four) or all")
	fl.DurationVar(&o.timeout, "timeout", 30*time.Second, "time allowed per file (e.g. 500ms, 1m); a file that runs out gets a partial report and exit status 1")
	fl.StringVar(&o.roots, "roots", "", "PEM `file` of root certificates that replace the embedded trust anchors (\"none\": no anchors; never the system store)")
	fl.StringVar(&o.kb, "kb", "", "knowledge base `file` (default: the seeded one in the user cache, created on first use; \"none\" for none)")
	fl.StringVar(&o.catalogs, "catalogs", "", "`folder` of Windows catalog files (.cat, e.g. a copy of System32\\CatRoot) to look files up in (default: the CatRoot of the Windows tree a file lies in)")
	fl.StringVar(&o.hostPath, "host-path", "", "the file's `path` on its Windows host, e.g. C:\\Windows\\System32\\alg.exe (typical-path signals; one FILE only)")
	fl.StringVar(&o.telemetry, "telemetry", "", "JSON Lines `file` of telemetry samples: shows each file's crowd statistics")
	fl.StringVar(&o.language, "lang", "", "UI `language` (BCP 47, e.g. fr-FR) for the localized strings: MUI satellites, version tables, service names (default: the file's fallback language)")
	return fl
}

// prog is the prefix of every stderr line.
const prog = "report"

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var o options
	fl := newFlags(&o)
	if code, ok := cli.Parse(fl, args, manual, stdout, stderr); !ok {
		return code
	}
	files := fl.Args()
	usage := func(format string, a ...any) int {
		return cli.UsageError(stderr, prog, manual, textsafe.String(fmt.Sprintf(format, a...)))
	}
	if len(files) == 0 {
		return usage("no FILE given")
	}
	if o.hostPath != "" && len(files) > 1 {
		return usage("-host-path names the host path of one file; %d files given", len(files))
	}
	if o.timeout <= 0 {
		return usage("-timeout %v: want a positive duration", o.timeout)
	}
	warn := func(format string, a ...any) {
		fmt.Fprintf(stderr, "%s: warning: %s\n", prog, textsafe.String(fmt.Sprintf(format, a...)))
	}

	// Every flag is checked, and its file read, before any work.
	digests, err := hash.ParseDigests(o.hashes)
	if err != nil {
		return usage("-hashes: %v", err)
	}
	opts := []filerep.Option{filerep.WithFast(o.fast), filerep.WithHashes(digests)}
	if o.language != "" {
		tag, err := language.Parse(o.language)
		if err != nil {
			return usage("-lang %q: %v", o.language, err)
		}
		o.language = tag.String()
		opts = append(opts, filerep.WithLanguage(o.language))
	}
	switch o.roots {
	case "":
	case "none":
		opts = append(opts, filerep.WithRoots())
	default:
		certs, err := readPEMCertificates(o.roots)
		if err != nil {
			return usage("-roots: %v", err)
		}
		opts = append(opts, filerep.WithRoots(certs...))
	}
	catFiles := 0
	if o.catalogs != "" {
		if catFiles, err = countCatalogs(o.catalogs); err != nil {
			return usage("-catalogs: %v", err)
		}
		if catFiles == 0 {
			warn("-catalogs %s holds no catalog (.cat) file: no file will be found in it", o.catalogs)
		}
		opts = append(opts, filerep.WithCatalogDir(o.catalogs))
	}
	var telemetryOf func(sha256, name string) *stats.Summary
	if o.telemetry != "" {
		telemetryOf, err = loadTelemetry(ctx, o.telemetry, stderr)
		if err != nil {
			return usage("-telemetry: %v", err)
		}
		opts = append(opts, filerep.WithTelemetrySource(telemetryOf))
	}
	kb, closeKB, err := openKB(o.kb, warn)
	if err != nil {
		return usage("-kb: %v", err)
	}
	defer closeKB()
	if kb != nil {
		opts = append(opts, filerep.WithKnowledgeBase(kb))
	}
	a, err := filerep.New(opts...)
	if err != nil {
		return usage("%v", err)
	}
	var fileOpts []filerep.Option
	if o.hostPath != "" {
		fileOpts = append(fileOpts, filerep.WithHostPath(o.hostPath))
	}

	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	var textOpts []filerep.TextOption
	if o.language != "" {
		textOpts = append(textOpts, filerep.TextLanguage(o.language))
	}
	code := cli.ExitOK
	catalogsSeen := false
	for i, path := range files {
		if ctx.Err() != nil {
			fmt.Fprintf(stderr, "%s: interrupted; %d of %d files reported\n", prog, i, len(files))
			return cli.ExitInterrupted
		}
		fctx, cancel := context.WithTimeout(ctx, o.timeout)
		rep, err := a.Analyze(fctx, path, fileOpts...)
		cancel()
		if ctx.Err() != nil {
			// Cut short by Ctrl-C: not a result; what was written is whole.
			fmt.Fprintf(stderr, "%s: interrupted; %d of %d files reported\n", prog, i, len(files))
			return cli.ExitInterrupted
		}
		if why := failure(rep, err, o.timeout); why != "" {
			fmt.Fprintf(stderr, "%s: %s: %s\n", prog, textsafe.String(path), textsafe.String(why))
			code = cli.ExitFailed
		} else {
			for _, w := range inputWarnings(rep, &o) {
				warn("%s: %s", path, w)
			}
		}
		if rep.Signature != nil && rep.Signature.CatalogsSearched > 0 {
			catalogsSeen = true
		}
		if o.json {
			if err := enc.Encode(rep); err != nil {
				fmt.Fprintf(stderr, "%s: writing: %v\n", prog, err)
				return cli.ExitFailed
			}
			continue
		}
		if len(files) > 1 {
			if i > 0 {
				fmt.Fprintln(stdout)
			}
			fmt.Fprintf(stdout, "==> %s <==\n", textsafe.String(path))
		}
		if err := rep.WriteText(stdout, textOpts...); err != nil {
			fmt.Fprintf(stderr, "%s: writing: %v\n", prog, err)
			return cli.ExitFailed
		}
	}
	if catFiles > 0 && !catalogsSeen {
		warn("-catalogs %s: none of its %d .cat files could be used as a catalog", o.catalogs, catFiles)
	}
	return code
}

// failure says why a file could not be analysed, or "" when it was: a
// path that could not be read or is not a regular file, or a time limit
// that ran out. A file that is not a PE, or a PE with anomalies, is
// analysed.
func failure(rep *filerep.FileReport, err error, timeout time.Duration) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("timed out after %v; the report is partial", timeout)
	case rep.File.Kind == filerep.KindUnreadable:
		var pathErr *fs.PathError
		var nr *filerep.NotRegularError
		switch {
		case errors.As(err, &nr):
			return strings.TrimPrefix(nr.Error(), filerep.ErrNotRegular.Error()+": "+nr.Path+" ")
		case errors.As(err, &pathErr):
			return pathErr.Err.Error()
		}
		return err.Error()
	}
	return ""
}

// inputWarnings lists the inputs that did nothing for this file: telemetry
// with no sample for it, a language it has no localization for.
func inputWarnings(rep *filerep.FileReport, o *options) []string {
	var out []string
	if rep.File.Kind == filerep.KindUnreadable {
		return nil
	}
	if o.telemetry != "" && rep.Telemetry == nil {
		out = append(out, fmt.Sprintf("no telemetry sample in %s matches it (sha256 %s, name %s)", o.telemetry, rep.Hashes.SHA256, rep.File.Name))
	}
	if o.language != "" && !hasLocalization(rep, o.language) {
		out = append(out, fmt.Sprintf("-lang %s: the file has no localization in that language (no .mui satellite, version table or telemetry string); showing its default strings", o.language))
	}
	return out
}

// hasLocalization reports whether anything in the report is in lang (or
// its primary language): the .mui satellite, a version table, or the
// telemetry's localized service strings.
func hasLocalization(rep *filerep.FileReport, lang string) bool {
	base := func(t string) string {
		b, _, _ := strings.Cut(strings.ToLower(t), "-")
		return b
	}
	want := base(lang)
	if l := rep.Localized; l != nil && base(l.Language) == want {
		return true
	}
	if vi := rep.VersionInfo; vi != nil {
		for _, t := range vi.Tables {
			if base(t.Language) == want {
				return true
			}
		}
	}
	if t := rep.Telemetry; t != nil && t.Process != nil && t.Process.Service != nil {
		for _, m := range []map[string]filerep.TelemetryMode{t.Process.Service.DisplayName, t.Process.Service.Description} {
			for l := range m {
				if base(l) == want {
					return true
				}
			}
		}
	}
	return false
}

// countCatalogs checks that dir is a folder and counts the .cat files
// under it, as the catalog index will read them.
func countCatalogs(dir string) (int, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return 0, err
	}
	if !st.IsDir() {
		return 0, fmt.Errorf("%s is not a folder", dir)
	}
	n := 0
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() && strings.EqualFold(filepath.Ext(p), ".cat") {
			n++
		}
		return nil
	})
	return n, err
}

// readPEMCertificates reads every certificate of a PEM file.
func readPEMCertificates(name string) ([]*x509.Certificate, error) {
	pemBytes, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var certs []*x509.Certificate
	for rest := pemBytes; len(rest) > 0; {
		var blk *pem.Block
		blk, rest = decodePEM(rest)
		if blk == nil {
			break
		}
		cert, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		certs = append(certs, cert)
	}
	if len(certs) == 0 {
		return nil, fmt.Errorf("%s holds no PEM certificate", name)
	}
	return certs, nil
}

// loadTelemetry aggregates a JSON Lines file of samples and returns the
// lookup Analyze uses: the file's own summary by SHA-256, else the
// roll-up of its name across versions. Rejected lines are counted by
// reason on stderr; a file with no accepted sample is an error.
func loadTelemetry(ctx context.Context, name string, stderr io.Writer) (func(sha256, name string) *stats.Summary, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && !st.Mode().IsRegular() && st.Mode()&fs.ModeNamedPipe == 0 {
		return nil, fmt.Errorf("%s is not a regular file", name)
	}
	agg, err := stats.NewAggregator()
	if err != nil {
		return nil, err
	}
	rs, err := stats.ReadJSONL(ctx, f, agg)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if rs.Rejected > 0 {
		fmt.Fprintf(stderr, "%s: warning: -telemetry %s: %d samples accepted, %d rejected (%s)\n",
			prog, textsafe.String(name), rs.Accepted, rs.Rejected, rejectReasons(agg.Rejected()))
	}
	if rs.Accepted == 0 {
		return nil, fmt.Errorf("%s holds no telemetry sample (%d lines, none accepted): want JSON Lines of samples", name, rs.Lines)
	}
	return func(sha256, fileName string) *stats.Summary {
		if s, ok := agg.Summary(sha256); ok {
			return s
		}
		if s, ok := agg.NameSummary(fileName); ok {
			return s
		}
		return nil
	}, nil
}

// rejectReasons formats counts by reason: "malformed_json 2, unknown_field 1".
func rejectReasons(m map[stats.RejectReason]int64) string {
	var parts []string
	for r, n := range m {
		parts = append(parts, fmt.Sprintf("%s %d", r, n))
	}
	slices.Sort(parts)
	return strings.Join(parts, ", ")
}

// openKB opens the knowledge base the flags name: "" the embedded default
// (created on first use), "none" none, else an existing file.
func openKB(path string, warn func(string, ...any)) (reputation.KnowledgeBase, func(), error) {
	var st *store.Store
	var err error
	switch path {
	case "none":
		return nil, func() {}, nil
	case "":
		st, err = store.Default()
		if err != nil {
			// The embedded default is a convenience: without a writable
			// cache directory the report goes on without it.
			warn("no default knowledge base (%v); going on without one", err)
			return nil, func() {}, nil
		}
	default:
		if _, err := os.Stat(path); err != nil {
			return nil, nil, err
		}
		st, err = store.Open(path, store.WithReadOnly())
	}
	if err != nil {
		return nil, nil, err
	}
	return st, func() { st.Close() }, nil
}

// decodePEM returns the next CERTIFICATE block of rest and what follows it.
func decodePEM(rest []byte) (*pem.Block, []byte) {
	for {
		blk, r := pem.Decode(rest)
		if blk == nil || blk.Type == "CERTIFICATE" {
			return blk, r
		}
		rest = r
	}
}
