// Command report prints a file-reputation report for each PE file named on
// its command line: text laid out like a reputation web page, or with -json
// one JSON object per line (JSON Lines) in the order of the arguments.
//
//	go run ./examples/report [-json] [-lang fr-FR] [-timeout 30s] FILE...
//
// A file that cannot be analysed still gets its report, with its errors.
// The exit code is 2 for a usage error, 1 when some path could not be
// read, and 0 otherwise (a file that is not a PE is not a failure).
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
	"time"

	"github.com/filerep/filerep"
	"github.com/filerep/filerep/reputation"
	"github.com/filerep/filerep/reputation/store"
	"github.com/filerep/filerep/stats"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("report", flag.ContinueOnError)
	fl.SetOutput(stderr)
	asJSON := fl.Bool("json", false, "print one JSON report per line")
	timeout := fl.Duration("timeout", 30*time.Second, "time allowed per file")
	fast := fl.Bool("fast", false, "parse only headers and sections")
	roots := fl.String("roots", "", "PEM file of root certificates that replace the embedded trust anchors (\"none\": no anchors; never the system store)")
	kbPath := fl.String("kb", "", "knowledge base file (default: the embedded default, created in the user cache on first use; \"none\" for none)")
	catalogs := fl.String("catalogs", "", "folder of Windows catalog files (.cat, e.g. a copy of System32\\CatRoot) to look files up in (default: the CatRoot of the Windows tree a file lies in)")
	hostPath := fl.String("host-path", "", "the file's path on its Windows host, e.g. C:\\Windows\\System32\\alg.exe (typical-path signals)")
	telemetry := fl.String("telemetry", "", "JSON Lines of telemetry samples (telemetry.md): shows each file's crowd statistics")
	lang := fl.String("lang", "", "UI language for the localized fields of MUI files, e.g. fr-FR (default: the file's fallback language)")
	fl.Usage = func() {
		fmt.Fprintln(stderr, "usage: report [-json] [-fast] [-lang TAG] [-roots PEM] [-kb FILE|none] [-catalogs DIR] [-host-path WINPATH] [-telemetry SAMPLES.jsonl] [-timeout D] FILE...")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if fl.NArg() == 0 {
		fl.Usage()
		return 2
	}
	opts := []filerep.Option{filerep.WithFast(*fast), filerep.WithLanguage(*lang)}
	switch *roots {
	case "":
	case "none":
		opts = append(opts, filerep.WithRoots())
	default:
		certs, err := readPEMCertificates(*roots)
		if err != nil {
			fmt.Fprintln(stderr, "report:", err)
			return 2
		}
		opts = append(opts, filerep.WithRoots(certs...))
	}
	kb, closeKB, err := openKB(*kbPath)
	if err != nil {
		fmt.Fprintln(stderr, "report:", err)
		return 2
	}
	defer closeKB()
	if *catalogs != "" {
		opts = append(opts, filerep.WithCatalogDir(*catalogs))
	}
	if kb != nil {
		opts = append(opts, filerep.WithKnowledgeBase(kb))
	}
	if *hostPath != "" {
		opts = append(opts, filerep.WithHostPath(*hostPath))
	}
	if *telemetry != "" {
		src, err := loadTelemetry(*telemetry)
		if err != nil {
			fmt.Fprintln(stderr, "report:", err)
			return 2
		}
		opts = append(opts, filerep.WithTelemetrySource(src))
	}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	code := 0
	for i, path := range fl.Args() {
		ctx, cancel := context.WithTimeout(context.Background(), *timeout)
		rep, err := filerep.Analyze(ctx, path, opts...)
		cancel()
		if unreadable(err) {
			code = 1
		}
		if *asJSON {
			if err := enc.Encode(rep); err != nil {
				fmt.Fprintln(stderr, "report:", err)
				return 1
			}
			continue
		}
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		if err := rep.WriteText(stdout); err != nil {
			fmt.Fprintln(stderr, "report:", err)
			return 1
		}
	}
	return code
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

// unreadable reports whether err means the path itself could not be read,
// as opposed to a file that was read but is not a (valid) PE.
func unreadable(err error) bool {
	var pe *fs.PathError
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) ||
		errors.Is(err, filerep.ErrNotRegular) || errors.As(err, &pe)
}

// loadTelemetry aggregates a JSON Lines file of samples and returns the
// lookup Analyze uses: the file's own summary by SHA-256, else the
// roll-up of its name across versions.
func loadTelemetry(name string) (func(sha256, name string) *stats.Summary, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	agg, err := stats.NewAggregator()
	if err != nil {
		return nil, err
	}
	if _, err := stats.ReadJSONL(context.Background(), f, agg); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
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

// openKB opens the knowledge base the flags name: "" the embedded default
// (created on first use), "none" none, else an existing file.
func openKB(path string) (reputation.KnowledgeBase, func(), error) {
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
			fmt.Fprintf(os.Stderr, "report: no default knowledge base (%v); going on without one\n", err)
			return nil, func() {}, nil
		}
	default:
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
