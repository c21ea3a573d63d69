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
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/filerep/filerep"
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
	roots := fl.String("roots", "", "PEM file of root certificates that signatures must chain to (default: none; never the system store)")
	lang := fl.String("lang", "", "UI language for the localized fields of MUI files, e.g. fr-FR (default: the file's fallback language)")
	fl.Usage = func() {
		fmt.Fprintln(stderr, "usage: report [-json] [-fast] [-lang TAG] [-roots PEM] [-timeout D] FILE...")
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
	if *roots != "" {
		pem, err := os.ReadFile(*roots)
		if err != nil {
			fmt.Fprintln(stderr, "report:", err)
			return 2
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			fmt.Fprintf(stderr, "report: %s holds no PEM certificate\n", *roots)
			return 2
		}
		opts = append(opts, filerep.WithRoots(pool))
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

// unreadable reports whether err means the path itself could not be read,
// as opposed to a file that was read but is not a (valid) PE.
func unreadable(err error) bool {
	var pe *fs.PathError
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) ||
		errors.Is(err, filerep.ErrNotRegular) || errors.As(err, &pe)
}
