// Command simsum prints the ssdeep or TLSH digests of files the way
// Debian's ssdeep and tlsh print them, for bench.sh to time against those
// tools and to diff with their output:
//
//	simsum -a ssdeep|tlsh FILE|DIR...
//
// Directories are walked (regular files and links to them, in lexical
// order). ssdeep
// lines are digest,"path" after ssdeep's header line; tlsh lines are the
// 70-digit digest, a tab and the path, or nothing for a file without a
// digest.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/filerep/filerep/hash/ssdeep"
	"github.com/filerep/filerep/hash/tlsh"
)

func main() {
	algo := flag.String("a", "ssdeep", "ssdeep or tlsh")
	flag.Parse()
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	if *algo == "ssdeep" {
		fmt.Fprintln(w, "ssdeep,1.1--blocksize:hash:hash,filename")
	}
	status := 0
	one := func(path string) {
		f, err := os.Open(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			status = 1
			return
		}
		defer f.Close()
		switch *algo {
		case "ssdeep":
			d, err := ssdeep.SumReader(f)
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				status = 1
				return
			}
			fmt.Fprintf(w, "%s,\"%s\"\n", d, path)
		default:
			d, err := tlsh.SumReader(f)
			if err != nil {
				return
			}
			fmt.Fprintf(w, "%s\t%s\n", d.Hex(), path)
		}
	}
	for _, arg := range flag.Args() {
		err := filepath.WalkDir(arg, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			// Regular files, and symbolic links to them (as ssdeep -r
			// and tlsh -r take them).
			if d.Type().IsRegular() {
				one(path)
			} else if d.Type()&fs.ModeSymlink != 0 {
				if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() {
					one(path)
				}
			}
			return nil
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			status = 1
		}
	}
	w.Flush()
	os.Exit(status)
}
