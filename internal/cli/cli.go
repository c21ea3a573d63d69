// Package cli holds what the example programs share so that they behave
// alike, as Unix tools do: the exit codes, flag parsing with -h as the
// manual on stdout, and the README check that keeps the programs table
// true to the real flag sets.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"
)

// Exit codes, the same in every program and in the README.
const (
	// ExitOK: every input was analysed (a file that is not a PE is not a
	// failure).
	ExitOK = 0
	// ExitFailed: some input could not be analysed (unreadable, not a
	// regular file, timed out), each named on stderr; or, for telemetry,
	// every sample was rejected.
	ExitFailed = 1
	// ExitUsage: a bad flag or argument, or a flag's file that is missing
	// or unusable, found before any work.
	ExitUsage = 2
	// ExitInterrupted: stopped by SIGINT (Ctrl-C) or SIGTERM; what was
	// written is whole lines.
	ExitInterrupted = 130
)

// ExitCodesHelp is the exit-code paragraph of every manual.
const ExitCodesHelp = `Exit status: 0 all good; 1 some input could not be analysed (each named on
stderr with the reason); 2 usage error (bad flag, a flag's file missing or
unusable), found before any work; 130 interrupted (Ctrl-C), output kept whole.`

// Manual is a program's -h text: a synopsis, a description, and sections
// (formats, examples) printed after the flags.
type Manual struct {
	Synopsis string // "usage: report [flags] FILE..." lines
	About    string // what the program does, a paragraph
	After    string // formats, examples, exit status
}

// Write prints the manual with fs's flags between About and After.
func (m Manual) Write(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintln(w, strings.TrimSpace(m.Synopsis))
	if m.About != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(m.About))
	}
	if fs != nil && hasFlags(fs) {
		fmt.Fprintln(w, "\nFlags:")
		out := fs.Output()
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(out)
	}
	if m.After != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(m.After))
	}
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// Parse parses args with fs, whose errors go to stderr. With -h or -help
// it prints the manual on stdout and returns ExitOK and false; with a bad
// flag, the flag package's message and the synopsis go to stderr and it
// returns ExitUsage and false. Else it returns 0 and true: go on.
func Parse(fs *flag.FlagSet, args []string, m Manual, stdout, stderr io.Writer) (code int, ok bool) {
	fs.SetOutput(stderr)
	fs.Usage = func() {}
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		m.Write(stdout, fs)
		return ExitOK, false
	case err != nil:
		UsageError(stderr, fs.Name(), m, "")
		return ExitUsage, false
	}
	return 0, true
}

// UsageError prints "prog: msg" on stderr, or the synopsis when msg is
// empty (the flag package has said what was wrong), then a pointer to -h,
// and returns ExitUsage.
func UsageError(stderr io.Writer, prog string, m Manual, msg string) int {
	if msg != "" {
		fmt.Fprintf(stderr, "%s: %s\n", prog, msg)
	} else {
		fmt.Fprintln(stderr, strings.TrimSpace(m.Synopsis))
	}
	fmt.Fprintf(stderr, "Run '%s -h' for the manual.\n", prog)
	return ExitUsage
}

// IsTerminal reports whether w is a terminal (a character device).
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// FlagNames returns the names of fs's flags, sorted, with a leading dash.
func FlagNames(fs ...*flag.FlagSet) []string {
	seen := map[string]bool{}
	for _, f := range fs {
		f.VisitAll(func(fl *flag.Flag) { seen["-"+fl.Name] = true })
	}
	return sortedKeys(seen)
}

// readmeRow matches a row of the README's programs table whose first cell
// is a command line in backquotes: "| `examples/report [-json] FILE...` |".
var readmeRow = regexp.MustCompile("^\\| `(examples/[a-z]+)([^`]*)`")

// readmeFlag matches a flag in a synopsis: "[-json", "-lang", "|-q".
var readmeFlag = regexp.MustCompile(`(?:^|[\s\[|(])(-[a-z][a-z0-9-]*)`)

// ReadmeUsages returns the synopses (without the program path) of the rows
// of the README's programs table for program ("examples/report"); a
// program may have several rows (one per command).
func ReadmeUsages(readme, program string) []string {
	var out []string
	for _, line := range strings.Split(readme, "\n") {
		m := readmeRow.FindStringSubmatch(line)
		if m != nil && m[1] == program {
			out = append(out, strings.ReplaceAll(m[2], `\|`, "|"))
		}
	}
	return out
}

// ReadmeFlags returns the flags named in the synopses, sorted, with their
// leading dash.
func ReadmeFlags(usages ...string) []string {
	seen := map[string]bool{}
	for _, u := range usages {
		for _, m := range readmeFlag.FindAllStringSubmatch(u, -1) {
			seen[m[1]] = true
		}
	}
	return sortedKeys(seen)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
