// Command gen writes the inputs that simtest specs name, for record.sh:
//
//	go run ./hash/internal/simtest/gen -o DIR SPEC...
//
// writes each to DIR, named after its spec with ':' as '_'.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/filerep/filerep/hash/internal/simtest"
)

func main() {
	out := flag.String("o", ".", "directory to write to")
	flag.Parse()
	for _, spec := range flag.Args() {
		r, _, err := simtest.Open(spec)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		f, err := os.Create(filepath.Join(*out, strings.ReplaceAll(spec, ":", "_")))
		if err == nil {
			_, err = io.Copy(f, r)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
