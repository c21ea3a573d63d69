// Command kb creates, fills and queries a filerep knowledge base.
//
//	go run ./examples/kb [-db FILE] [-json] COMMAND [ARGS]
//
// Commands:
//
//	create [-empty]                  create FILE (given by -db), seeded unless -empty
//	import nsrl RDS.db               import an NSRL RDS v3 SQLite database
//	import hashlist [-trust T] [-source S] FILE|-
//	                                 import a hash list (one hash per line, optional
//	                                 name after it); T is known, known-good or
//	                                 known-bad (default known-bad)
//	import reports FILE|-            import JSON Lines of filerep reports
//	                                 (go run ./examples/report -json …)
//	hash HASH...                     known-file records of MD5, SHA-1 or SHA-256 hashes
//	name NAME...                     typical paths, versions and relationships
//	publisher SUBJECT [THUMBPRINT]   the trusted-publisher record that matches
//	similar [-limit N] HASH | -ssdeep D [-tlsh D]
//	                                 known files similar to a known file (by its
//	                                 hash) or to ssdeep and TLSH digests
//	stats                            record counts and metadata
//
// Without -db the default knowledge base is used, created and seeded in
// the user cache directory on first use. Imports take -batch N (rows per
// transaction, default 10000) and -cache MiB (SQLite page cache, default
// 256; large NSRL imports want it). The exit code is 2 for a usage error
// (found before any work), 1 for an error or a lookup that found nothing,
// 130 after Ctrl-C, 0 otherwise. "kb -h" and "kb import -h" print the
// manuals, with the formats import reads.
package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/filerep/filerep/internal/cli"
	"github.com/filerep/filerep/internal/textsafe"
	"github.com/filerep/filerep/reputation"
	"github.com/filerep/filerep/reputation/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// app carries the global flags and output streams.
type app struct {
	db     string
	asJSON bool
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// safe escapes terminal controls in strings from the knowledge base
// (imported names, paths, products) before they are printed as text; the
// -json output keeps them as they are.
var safe = textsafe.String

// errUsage marks usage errors (exit code 2).
var errUsage = errors.New("usage")

// errMissing marks lookups that found nothing (exit code 1, no message).
var errMissing = errors.New("not found")

// manual is kb's -h text.
var manual = cli.Manual{
	Synopsis: `usage: kb [-db FILE] [-json] COMMAND [ARGS]
  kb [-db FILE] create [-empty]
  kb [-db FILE] import nsrl|hashlist|reports [-batch N] [-cache MiB] [-source S] [-trust T] FILE|-
  kb [-db FILE] [-json] hash HASH... | name NAME... | publisher SUBJECT [THUMBPRINT] | stats
  kb [-db FILE] [-json] similar [-limit N] [-ssdeep DIGEST] [-tlsh DIGEST] [HASH]`,
	About: `Creates, fills and queries a filerep knowledge base (package reputation/store,
SQLite). Without -db, the default one in the user cache directory is used,
created and seeded on first use.

Commands:
  create [-empty]                create FILE (given by -db), seeded unless -empty
  import nsrl RDS.db             import an NSRL RDS v3 SQLite database
  import hashlist FILE|-         import a hash list (format below)
  import reports FILE|-          import JSON Lines of filerep reports
  hash HASH...                   known-file records of MD5, SHA-1 or SHA-256 hashes
  name NAME...                   typical paths, versions and relationships of file names
  publisher SUBJECT [THUMBPRINT] the trusted-publisher record that matches
  similar HASH                   known files similar to the known file HASH, by
                                 the ssdeep and TLSH digests recorded for it
  similar -ssdeep D -tlsh D      known files similar to these digests (either)
  stats                          record counts and metadata`,
	After: importFormats + "\n" + similarText + `
Examples:
  kb -db kb.sqlite create
  kb -db kb.sqlite import nsrl RDS_2024.03.1_modern_minimal.db
  sha256sum *.exe | kb -db kb.sqlite import hashlist -trust known-good -source mine -
  report -json -kb none *.dll | kb -db kb.sqlite import reports -
  kb -db kb.sqlite hash 18a54e132947cd98fea9accc57f98f13
  report -json -hashes all -kb none *.exe | kb -db kb.sqlite import reports -
  kb -db kb.sqlite similar 9d39af972785e49f0dd12c4baef39a79cd69f098886bf152af1b7cce2e902115
  kb -db kb.sqlite similar -tlsh T1D6134B4BB3E754FCE197C2B449F717729832FC220576AA6E07A4D2752E20C509B3DA36
  kb name alg.exe

Exit status: 0 all good; 1 an error, or a lookup that found nothing; 2 usage
error (bad command or flag, a -db file that is missing, or one that exists for
create), found before any work; 130 interrupted (Ctrl-C): an import keeps the
batches committed so far.`,
}

// importFormats describes what import reads; it is in both manuals.
const importFormats = `Import formats:
  nsrl      an NSRL RDS v3 SQLite database (the FILE table: sha256, sha1, md5,
            file_name, package): e.g. RDS_2024.03.1_modern_minimal.db.
  hashlist  text, one hash a line: 32, 40 or 64 hex digits (MD5, SHA-1,
            SHA-256), optionally followed by white space and a file name
            running to the end of the line (sha256sum output works; its '*'
            is dropped). Blank lines and lines starting with '#' are skipped:
              # known-bad samples
              d41d8cd98f00b204e9800998ecf8427e evil.exe
              9d39af972785e49f0dd12c4baef39a79cd69f098886bf152af1b7cce2e902115 *alg.exe
  reports   JSON Lines of filerep reports (report -json, scan), one a line:
              {"schema":"filerep/v1","file":{"name":"alg.exe","path":"C:\\Windows\\System32\\alg.exe",…},
               "hashes":{"md5":"…","sha256":"…",…},"version_info":{…},…}
            each gives a known file, a version, and a sighting of its path.
  Bad lines are counted and the first ones listed with their line numbers.
`

// importManual is "kb import -h".
var importManual = cli.Manual{
	Synopsis: `usage: kb [-db FILE] import nsrl|hashlist|reports [-batch N] [-cache MiB] [-source S] [-trust T] FILE|-`,
	About:    `Imports records into the knowledge base; "-" reads standard input (hashlist, reports).`,
	After:    importFormats,
}

// createManual is "kb create -h".
var createManual = cli.Manual{
	Synopsis: `usage: kb -db FILE create [-empty]`,
	About:    `Creates a new knowledge base at FILE (it must not exist), seeded with the embedded seed unless -empty.`,
}

// similarAbout explains what similar finds; it is in both manuals.
const similarAbout = `similar: a known file is similar when its ssdeep score against the
query is at least ` + "%d" + ` (0-100) or its TLSH distance at most ` + "%d" + `
(reputation.SimilarSSDeepScore, reputation.SimilarTLSHDistance), most similar
first. The digests are those report -hashes all prints (hashes.ssdeep,
hashes.tlsh); import reports stores them. Given a HASH (MD5, SHA-1 or SHA-256
of a known file) the digests recorded for it are used and the file itself is
left out; -ssdeep and -tlsh give digests directly (TLSH with or without T1).
Each line: ssdeep score and TLSH distance ("-" when not compared), trust,
source, name, SHA-256.
`

// similarManual is "kb similar -h".
var similarManual = cli.Manual{
	Synopsis: `usage: kb [-db FILE] [-json] similar [-limit N] [-ssdeep DIGEST] [-tlsh DIGEST] [HASH]`,
	About:    similarText,
}

// similarText is similarAbout with the thresholds.
var similarText = fmt.Sprintf(similarAbout, reputation.SimilarSSDeepScore, reputation.SimilarTLSHDistance)

// similarOptions are the flags of kb similar.
type similarOptions struct {
	limit      int
	ssdeep, tl string
}

// newSimilarFlags returns kb similar's flag set, bound to o.
func newSimilarFlags(o *similarOptions) *flag.FlagSet {
	fl := flag.NewFlagSet("kb similar", flag.ContinueOnError)
	fl.IntVar(&o.limit, "limit", 20, "at most `N` files (0: all)")
	fl.StringVar(&o.ssdeep, "ssdeep", "", "ssdeep `digest` (blocksize:hash1:hash2) to compare with")
	fl.StringVar(&o.tl, "tlsh", "", "TLSH `digest` (T1 and 70 hex digits, or the 70 digits) to compare with")
	return fl
}

// newFlags returns kb's global flag set, bound to a.
func newFlags(a *app) *flag.FlagSet {
	fl := flag.NewFlagSet("kb", flag.ContinueOnError)
	fl.StringVar(&a.db, "db", "", "knowledge-base `file` (default: the default knowledge base in the user cache directory)")
	fl.BoolVar(&a.asJSON, "json", false, "print query results as JSON")
	return fl
}

// importOptions are the flags of kb import.
type importOptions struct {
	batch, cache   int
	source, trustS string
}

// newImportFlags returns kb import's flag set, bound to o.
func newImportFlags(o *importOptions) *flag.FlagSet {
	fl := flag.NewFlagSet("kb import", flag.ContinueOnError)
	fl.IntVar(&o.batch, "batch", 10000, "rows per transaction")
	fl.IntVar(&o.cache, "cache", 256, "SQLite page cache in `MiB` (bigger imports faster)")
	fl.StringVar(&o.source, "source", "", "source recorded with each file (default: nsrl, hashlist or report)")
	fl.StringVar(&o.trustS, "trust", "", "trust of imported files: known, known-good or known-bad (hashlist default known-bad; others known)")
	return fl
}

// newCreateFlags returns kb create's flag set.
func newCreateFlags(empty *bool) *flag.FlagSet {
	fl := flag.NewFlagSet("kb create", flag.ContinueOnError)
	fl.BoolVar(empty, "empty", false, "do not seed the new knowledge base")
	return fl
}

// errHelp marks a -h that printed a manual (exit 0).
var errHelp = errors.New("help printed")

// commands are kb's commands, as the usage error lists them.
var commands = []string{"create", "import", "hash", "name", "publisher", "similar", "stats"}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr}
	fl := newFlags(a)
	if code, ok := cli.Parse(fl, args, manual, stdout, stderr); !ok {
		return code
	}
	if fl.NArg() == 0 {
		return cli.UsageError(stderr, "kb", manual, "no COMMAND given (commands: "+strings.Join(commands, ", ")+")")
	}
	cmd, rest := fl.Arg(0), fl.Args()[1:]
	var err error
	if !slices.Contains(commands, cmd) {
		err = fmt.Errorf("%w: unknown command %q (commands: %s)", errUsage, cmd, strings.Join(commands, ", "))
	} else if cmd != "create" && a.db != "" && !(len(rest) > 0 && (rest[0] == "-h" || rest[0] == "-help")) {
		// A -db that names nothing is a usage error, found before any work.
		if _, serr := os.Stat(a.db); serr != nil {
			err = fmt.Errorf("%w: -db: %w (create it with: kb -db FILE create)", errUsage, serr)
		}
	}
	if err == nil {
		switch cmd {
		case "create":
			err = a.create(ctx, rest)
		case "import":
			err = a.importCmd(ctx, rest)
		case "hash":
			err = a.hash(ctx, rest)
		case "name":
			err = a.name(ctx, rest)
		case "publisher":
			err = a.publisher(ctx, rest)
		case "similar":
			err = a.similar(ctx, rest)
		case "stats":
			err = a.stats(ctx, rest)
		}
	}
	switch {
	case err == nil:
		return cli.ExitOK
	case errors.Is(err, errHelp):
		return cli.ExitOK
	case ctx.Err() != nil:
		fmt.Fprintln(stderr, "kb: interrupted:", safe(err.Error()))
		return cli.ExitInterrupted
	case errors.Is(err, errUsage):
		return cli.UsageError(stderr, "kb", manual, safe(strings.TrimPrefix(err.Error(), errUsage.Error()+": ")))
	case errors.Is(err, errMissing):
		return cli.ExitFailed
	default:
		fmt.Fprintln(stderr, "kb:", safe(err.Error()))
		return cli.ExitFailed
	}
}

// parseSub parses a command's flags: -h prints its manual on stdout.
func (a *app) parseSub(fl *flag.FlagSet, args []string, m cli.Manual) error {
	fl.SetOutput(a.stderr)
	fl.Usage = func() {}
	err := fl.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		m.Write(a.stdout, fl)
		return errHelp
	}
	if err != nil {
		return fmt.Errorf("%w: %s: %w", errUsage, fl.Name(), err)
	}
	return nil
}

// open opens the knowledge base named by -db, or the default one.
//
// A lookup (readOnly) must leave the knowledge base's directory as it
// was, even when the file is damaged: a read-only open of a WAL database
// creates -wal and -shm files that only a writer removes. So when neither
// exists (no process has the file open for writing, and no committed
// change waits in a -wal file) the file is opened immutable, which
// creates neither; else read-only through the existing WAL, so that a
// writer's commits are seen.
func (a *app) open(readOnly bool, opts ...store.Option) (*store.Store, error) {
	path := a.db
	if path == "" {
		p, err := store.DefaultPath()
		if err != nil {
			return nil, err
		}
		path = p
	}
	if readOnly {
		if exists(path) && !exists(path+"-wal") && !exists(path+"-shm") {
			opts = append(opts, store.WithImmutable())
		} else {
			opts = append(opts, store.WithReadOnly())
		}
	}
	if a.db == "" {
		return store.Default(opts...)
	}
	return store.Open(a.db, opts...)
}

// exists reports whether something is at path (an error other than "not
// there" counts as there, which keeps the cautious read-only open).
func exists(path string) bool {
	_, err := os.Lstat(path)
	return !errors.Is(err, fs.ErrNotExist)
}

func (a *app) create(ctx context.Context, args []string) error {
	var empty bool
	fl := newCreateFlags(&empty)
	if err := a.parseSub(fl, args, createManual); err != nil {
		return err
	}
	if fl.NArg() != 0 {
		return fmt.Errorf("%w: create takes no argument: create [-empty]", errUsage)
	}
	if a.db == "" {
		return fmt.Errorf("%w: create needs -db FILE", errUsage)
	}
	if _, err := os.Lstat(a.db); err == nil {
		return fmt.Errorf("%w: -db %s already exists", errUsage, a.db)
	}
	s, err := store.Create(a.db)
	if err != nil {
		return err
	}
	defer s.Close()
	if !empty {
		if err := reputation.Seed(ctx, s); err != nil {
			return err
		}
	}
	fmt.Fprintln(a.stdout, "created", a.db)
	return nil
}

func (a *app) importCmd(ctx context.Context, args []string) error {
	var io_ importOptions
	fl := newImportFlags(&io_)
	if len(args) == 0 {
		return fmt.Errorf("%w: import needs a kind: import nsrl|hashlist|reports [FLAGS] FILE", errUsage)
	}
	kind := args[0]
	if kind == "-h" || kind == "-help" || kind == "--help" {
		return a.parseSub(fl, args, importManual)
	}
	if kind != "nsrl" && kind != "hashlist" && kind != "reports" {
		return fmt.Errorf("%w: unknown import kind %q (kinds: nsrl, hashlist, reports)", errUsage, kind)
	}
	if err := a.parseSub(fl, args[1:], importManual); err != nil {
		return err
	}
	if fl.NArg() != 1 {
		return fmt.Errorf("%w: import %s [-batch N] [-cache MiB] [-source S] [-trust T] FILE", errUsage, kind)
	}
	batch, cache, source, trustS := &io_.batch, &io_.cache, &io_.source, &io_.trustS
	if *batch < 1 {
		return fmt.Errorf("%w: -batch must be at least 1", errUsage)
	}
	if arg := fl.Arg(0); arg != "-" || kind == "nsrl" {
		if _, err := os.Stat(arg); err != nil {
			return fmt.Errorf("%w: import %s: %w", errUsage, kind, err)
		}
	}
	opts := []store.ImportOption{store.WithBatchSize(*batch), store.WithProgress(func(r store.ImportResult) {
		fmt.Fprintf(a.stderr, "\rimported %d", r.Imported)
	})}
	if *source != "" {
		opts = append(opts, store.WithSource(*source))
	}
	trust := reputation.TrustBad
	if *trustS != "" {
		t, err := reputation.ParseTrust(*trustS)
		if err != nil {
			return fmt.Errorf("%w: %w", errUsage, err)
		}
		trust = t
		opts = append(opts, store.WithTrust(t))
	}

	if *cache < 1 {
		return fmt.Errorf("%w: -cache must be at least 1", errUsage)
	}
	s, err := a.open(false, store.WithCacheSize(*cache))
	if err != nil {
		return err
	}
	defer s.Close()
	arg := fl.Arg(0)
	var res store.ImportResult
	switch kind {
	case "nsrl":
		res, err = store.ImportNSRL(ctx, s, arg, opts...)
	default:
		var r io.Reader = a.stdin
		if arg != "-" {
			f, err := os.Open(arg)
			if err != nil {
				return err
			}
			defer f.Close()
			r = f
		}
		if kind == "hashlist" {
			res, err = store.ImportHashList(ctx, s, r, trust, opts...)
		} else {
			res, err = store.ImportReports(ctx, s, r, opts...)
		}
	}
	if res.Batches > 0 {
		fmt.Fprintln(a.stderr)
	}
	fmt.Fprintf(a.stdout, "imported %d, skipped %d, bad %d, in %d transactions\n", res.Imported, res.Skipped, res.BadCount, res.Batches)
	for _, b := range res.Bad {
		fmt.Fprintf(a.stdout, "  line %d: %s: %q\n", b.Line, safe(b.Reason), b.Text)
	}
	if n := res.BadCount - int64(len(res.Bad)); n > 0 {
		fmt.Fprintf(a.stdout, "  … and %d more bad lines\n", n)
	}
	return err
}

func (a *app) printJSON(v any) {
	enc := json.NewEncoder(a.stdout)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

func (a *app) hash(ctx context.Context, hashes []string) error {
	if len(hashes) == 0 {
		return fmt.Errorf("%w: hash HASH...", errUsage)
	}
	s, err := a.open(true)
	if err != nil {
		return err
	}
	defer s.Close()
	missing := false
	for _, h := range hashes {
		recs, err := s.Files(ctx, h)
		if errors.Is(err, reputation.ErrNotFound) {
			missing = true
			if a.asJSON {
				a.printJSON(map[string]any{"hash": h, "files": []reputation.FileRecord{}})
			} else {
				fmt.Fprintf(a.stdout, "%s: not found\n", safe(h))
			}
			continue
		}
		if err != nil {
			return err
		}
		if a.asJSON {
			a.printJSON(map[string]any{"hash": h, "files": recs})
			continue
		}
		fmt.Fprintf(a.stdout, "%s:\n", safe(h))
		for _, r := range recs {
			fmt.Fprintf(a.stdout, "  %-10s %-8s %s", r.Trust, safe(r.Source), safe(r.Name))
			for _, f := range []struct{ k, v string }{{"product", r.Product}, {"version", r.Version}, {"publisher", r.Publisher}} {
				if f.v != "" {
					fmt.Fprintf(a.stdout, "  %s: %s", f.k, safe(f.v))
				}
			}
			fmt.Fprintln(a.stdout)
		}
	}
	if missing {
		return errMissing
	}
	return nil
}

// nameInfo is everything the knowledge base knows about a file name.
type nameInfo struct {
	Name          string                     `json:"name"`
	TypicalPaths  *reputation.TypicalPaths   `json:"typical_paths,omitempty"`
	Versions      []reputation.VersionRecord `json:"versions,omitempty"`
	Relationships *reputation.Relationships  `json:"relationships,omitempty"`
}

// empty reports whether the knowledge base knows nothing about the name.
func (info nameInfo) empty() bool {
	return info.TypicalPaths == nil && info.Versions == nil && info.Relationships == nil
}

func (a *app) name(ctx context.Context, names []string) error {
	if len(names) == 0 {
		return fmt.Errorf("%w: name NAME...", errUsage)
	}
	s, err := a.open(true)
	if err != nil {
		return err
	}
	defer s.Close()
	missing := false
	for _, n := range names {
		info := nameInfo{Name: reputation.NormalizeName(n)}
		tp, err := s.TypicalPaths(ctx, n)
		if err == nil {
			info.TypicalPaths = &tp
		} else if !errors.Is(err, reputation.ErrNotFound) {
			return err
		}
		info.Versions, err = s.Versions(ctx, n)
		if err != nil && !errors.Is(err, reputation.ErrNotFound) {
			return err
		}
		rel, err := s.Relationships(ctx, n)
		if err == nil {
			info.Relationships = &rel
		} else if !errors.Is(err, reputation.ErrNotFound) {
			return err
		}
		if info.empty() {
			missing = true
		}
		if a.asJSON {
			a.printJSON(info)
			continue
		}
		a.printName(info)
	}
	if missing {
		return errMissing
	}
	return nil
}

func (a *app) printName(info nameInfo) {
	w := a.stdout
	fmt.Fprintf(w, "%s:\n", safe(info.Name))
	if info.empty() {
		fmt.Fprintln(w, "  not found")
		return
	}
	if tp := info.TypicalPaths; tp != nil {
		if tp.System {
			fmt.Fprintln(w, "  Windows system file")
		}
		fmt.Fprintln(w, "  Typical paths:")
		for _, p := range tp.Paths {
			if p.Count > 0 {
				fmt.Fprintf(w, "    %s  (%d, %.1f%%)\n", safe(p.Path), p.Count, 100*p.Share)
			} else {
				fmt.Fprintf(w, "    %s\n", safe(p.Path))
			}
		}
	}
	if len(info.Versions) > 0 {
		fmt.Fprintln(w, "  Versions:")
		for _, v := range info.Versions {
			fmt.Fprintf(w, "    %s", safe(v.Version))
			if v.Product != "" {
				fmt.Fprintf(w, "  %s", safe(v.Product))
			}
			if v.SHA256 != "" {
				fmt.Fprintf(w, "  sha256 %s", safe(v.SHA256))
			}
			fmt.Fprintln(w)
		}
	}
	if r := info.Relationships; r != nil {
		if len(r.Parents) > 0 {
			fmt.Fprintf(w, "  Parent processes: %s\n", textsafe.Join(r.Parents, ", "))
		}
		if len(r.Modules) > 0 {
			fmt.Fprintf(w, "  Modules: %s\n", textsafe.Join(r.Modules, ", "))
		}
	}
}

func (a *app) publisher(ctx context.Context, args []string) error {
	if len(args) < 1 || len(args) > 2 {
		return fmt.Errorf("%w: publisher SUBJECT [THUMBPRINT]", errUsage)
	}
	thumb := ""
	if len(args) == 2 {
		thumb = args[1]
	}
	s, err := a.open(true)
	if err != nil {
		return err
	}
	defer s.Close()
	p, err := s.Publisher(ctx, args[0], thumb)
	if errors.Is(err, reputation.ErrNotFound) {
		fmt.Fprintln(a.stdout, "not a trusted publisher")
		return errMissing
	}
	if err != nil {
		return err
	}
	if a.asJSON {
		a.printJSON(p)
		return nil
	}
	by := "subject " + p.Subject
	if p.Thumbprint != "" {
		by = "thumbprint " + p.Thumbprint
	}
	fmt.Fprintf(a.stdout, "trusted by %s: %s\n", safe(by), safe(p.Note))
	return nil
}

func (a *app) stats(ctx context.Context, args []string) error {
	if len(args) != 0 {
		return fmt.Errorf("%w: stats", errUsage)
	}
	s, err := a.open(true)
	if err != nil {
		return err
	}
	defer s.Close()
	st, err := s.Stats(ctx)
	if err != nil {
		return err
	}
	meta, err := s.Meta(ctx)
	if err != nil {
		return err
	}
	if a.asJSON {
		a.printJSON(map[string]any{"path": s.Path(), "meta": meta, "stats": st})
		return nil
	}
	fmt.Fprintf(a.stdout, "%s (schema %s, seed %s, created %s)\n", s.Path(), meta["schema"], meta["seed"], meta["created"])
	fmt.Fprintf(a.stdout, "files %d, names %d, paths %d, versions %d, relations %d, publishers %d, catalog members %d\n",
		st.Files, st.Names, st.Paths, st.Versions, st.Relations, st.Publishers, st.CatalogMembers)
	return nil
}

// similarResult is kb similar's -json output.
type similarResult struct {
	Query   similarQuery             `json:"query"`
	Similar []reputation.SimilarFile `json:"similar"`
}

// similarQuery is what kb similar compared with.
type similarQuery struct {
	Hash   string `json:"hash,omitempty"`   // the known file asked about
	SHA256 string `json:"sha256,omitempty"` // its SHA-256, left out of the results
	SSDeep string `json:"ssdeep,omitempty"`
	TLSH   string `json:"tlsh,omitempty"`
}

func (a *app) similar(ctx context.Context, args []string) error {
	var o similarOptions
	fl := newSimilarFlags(&o)
	if err := a.parseSub(fl, args, similarManual); err != nil {
		return err
	}
	byDigest := o.ssdeep != "" || o.tl != ""
	if fl.NArg() > 1 || (fl.NArg() == 1) == byDigest {
		return fmt.Errorf("%w: similar [-limit N] HASH, or similar [-limit N] -ssdeep DIGEST and/or -tlsh DIGEST", errUsage)
	}
	if o.limit < 0 {
		return fmt.Errorf("%w: -limit must not be negative", errUsage)
	}
	q := similarQuery{SSDeep: o.ssdeep, TLSH: o.tl}
	if byDigest {
		// Check the digests before opening anything: a bad one is a
		// usage error.
		if _, err := reputation.NewSimilarMatcher(o.ssdeep, o.tl, ""); err != nil {
			return fmt.Errorf("%w: %w", errUsage, err)
		}
	} else if _, _, err := reputation.NormalizeHash(fl.Arg(0)); err != nil {
		return fmt.Errorf("%w: similar: %w", errUsage, err)
	}
	s, err := a.open(true)
	if err != nil {
		return err
	}
	defer s.Close()
	if !byDigest {
		q.Hash = fl.Arg(0)
		recs, err := s.Files(ctx, q.Hash)
		if errors.Is(err, reputation.ErrNotFound) {
			return a.similarMissing(q, "not a known file")
		}
		if err != nil {
			return err
		}
		for _, r := range recs {
			q.SHA256 = cmp.Or(q.SHA256, r.SHA256)
			q.SSDeep = cmp.Or(q.SSDeep, r.SSDeep)
			q.TLSH = cmp.Or(q.TLSH, r.TLSH)
		}
		if q.SSDeep == "" && q.TLSH == "" {
			return a.similarMissing(q, "no ssdeep or TLSH digest recorded for it (import reports made with -hashes all)")
		}
	}
	found, err := s.Similar(ctx, q.SSDeep, q.TLSH, q.SHA256, o.limit)
	if errors.Is(err, reputation.ErrNotFound) {
		return a.similarMissing(q, "no similar file")
	}
	if err != nil {
		return err
	}
	if a.asJSON {
		a.printJSON(similarResult{Query: q, Similar: found})
		return nil
	}
	fmt.Fprintf(a.stdout, "%s:\n", safe(q.label()))
	for _, f := range found {
		r := f.Record
		fmt.Fprintf(a.stdout, "  ssdeep %3s  tlsh %4s  %-10s %-8s %s  sha256 %s\n",
			measure(f.SSDeepScore), measure(f.TLSHDistance), r.Trust, safe(r.Source), safe(r.Name), safe(cmp.Or(r.SHA256, r.SHA1, r.MD5)))
	}
	return nil
}

// similarMissing reports a similar lookup that found nothing.
func (a *app) similarMissing(q similarQuery, why string) error {
	if a.asJSON {
		a.printJSON(similarResult{Query: q, Similar: []reputation.SimilarFile{}})
	} else {
		fmt.Fprintf(a.stdout, "%s: %s\n", safe(q.label()), why)
	}
	return errMissing
}

// label names the query in text output.
func (q similarQuery) label() string {
	if q.Hash != "" {
		return q.Hash
	}
	return strings.TrimSpace(q.SSDeep + " " + q.TLSH)
}

// measure prints a similarity measure, "-" when it was not compared.
func measure(v int) string {
	if v < 0 {
		return "-"
	}
	return strconv.Itoa(v)
}
