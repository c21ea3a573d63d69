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
//	stats                            record counts and metadata
//
// Without -db the default knowledge base is used, created and seeded in
// the user cache directory on first use. Imports take -batch N (rows per
// transaction, default 10000) and -cache MiB (SQLite page cache, default
// 256; large NSRL imports want it). The exit code is 2 for a usage error, 1 for
// an error or a lookup that found nothing, 0 otherwise.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"

	"github.com/filerep/filerep/internal/textsafe"
	"github.com/filerep/filerep/reputation"
	"github.com/filerep/filerep/reputation/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
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

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("kb", flag.ContinueOnError)
	fl.SetOutput(stderr)
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr}
	fl.StringVar(&a.db, "db", "", "knowledge-base file (default: the default knowledge base in the user cache directory)")
	fl.BoolVar(&a.asJSON, "json", false, "print query results as JSON")
	fl.Usage = func() {
		fmt.Fprintln(stderr, "usage: kb [-db FILE] [-json] create|import|hash|name|publisher|stats [ARGS]")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if fl.NArg() == 0 {
		fl.Usage()
		return 2
	}
	var err error
	cmd, rest := fl.Arg(0), fl.Args()[1:]
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
	case "stats":
		err = a.stats(ctx, rest)
	default:
		err = fmt.Errorf("%w: unknown command %q", errUsage, cmd)
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintln(stderr, "kb:", safe(err.Error()))
		fl.Usage()
		return 2
	case errors.Is(err, errMissing):
		return 1
	default:
		fmt.Fprintln(stderr, "kb:", safe(err.Error()))
		return 1
	}
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
	fl := flag.NewFlagSet("create", flag.ContinueOnError)
	fl.SetOutput(a.stderr)
	empty := fl.Bool("empty", false, "do not seed the new knowledge base")
	if err := fl.Parse(args); err != nil || fl.NArg() != 0 {
		return fmt.Errorf("%w: create [-empty]", errUsage)
	}
	if a.db == "" {
		return fmt.Errorf("%w: create needs -db FILE", errUsage)
	}
	s, err := store.Create(a.db)
	if err != nil {
		return err
	}
	defer s.Close()
	if !*empty {
		if err := reputation.Seed(ctx, s); err != nil {
			return err
		}
	}
	fmt.Fprintln(a.stdout, "created", a.db)
	return nil
}

func (a *app) importCmd(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: import nsrl|hashlist|reports [FLAGS] FILE", errUsage)
	}
	kind := args[0]
	if kind != "nsrl" && kind != "hashlist" && kind != "reports" {
		return fmt.Errorf("%w: unknown import kind %q", errUsage, kind)
	}
	fl := flag.NewFlagSet("import "+kind, flag.ContinueOnError)
	fl.SetOutput(a.stderr)
	batch := fl.Int("batch", 10000, "rows per transaction")
	cache := fl.Int("cache", 256, "SQLite page cache in MiB (bigger imports faster)")
	source := fl.String("source", "", "source recorded with each file (default: nsrl, hashlist or report)")
	trustS := fl.String("trust", "", "trust of imported files: known, known-good or known-bad (hashlist default known-bad; others known)")
	if err := fl.Parse(args[1:]); err != nil || fl.NArg() != 1 {
		return fmt.Errorf("%w: import %s [-batch N] [-source S] [-trust T] FILE", errUsage, kind)
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
