// Command simsum prints the ssdeep or TLSH digests of files the way
// Debian's ssdeep and tlsh print them, for bench.sh to time against those
// tools and to diff with their output:
//
//	simsum -a ssdeep|tlsh FILE|DIR...
//	simsum -x SIGFILE            # every ordered pair of an ssdeep file: A, B, score (ssdeep -a -x)
//	simsum -xref LIST [-xlen]    # every pair of a tlsh list: A, B, distance (tlsh -l LIST -xref)
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
	"strings"

	"github.com/filerep/filerep/hash/ssdeep"
	"github.com/filerep/filerep/hash/tlsh"
)

func main() {
	algo := flag.String("a", "ssdeep", "ssdeep or tlsh")
	sigs := flag.String("x", "", "compare every pair of this ssdeep signature file")
	list := flag.String("xref", "", "compare every pair of this tlsh list (digest TAB name)")
	xlen := flag.Bool("xlen", false, "with -xref: leave the length out")
	flag.Parse()
	if *sigs != "" || *list != "" {
		if err := compareAll(*sigs, *list, *xlen); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
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

// compareAll prints the scores of every pair of an ssdeep signature file
// (ordered, as ssdeep -a -x) or the distances of every pair of a tlsh list
// (i < j, as tlsh -xref), one "A TAB B TAB n" line each.
func compareAll(sigs, list string, xlen bool) error {
	name := sigs
	if name == "" {
		name = list
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	var names []string
	if sigs != "" {
		var ds []ssdeep.Digest
		for _, line := range strings.Split(string(b), "\n") {
			i := strings.Index(line, ",\"")
			if i < 0 || strings.HasPrefix(line, "ssdeep,") {
				continue
			}
			d, err := ssdeep.Parse(line[:i])
			if err != nil {
				return err
			}
			ds = append(ds, d)
			names = append(names, strings.TrimSuffix(line[i+2:], "\""))
		}
		for i := range ds {
			for j := range ds {
				if i != j {
					fmt.Fprintf(w, "%s\t%s\t%d\n", names[i], names[j], ssdeep.Compare(ds[i], ds[j]))
				}
			}
		}
		return nil
	}
	var ds []tlsh.Digest
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 2 {
			continue
		}
		d, err := tlsh.Parse(f[0])
		if err != nil {
			return err
		}
		ds = append(ds, d)
		names = append(names, f[1])
	}
	for i := range ds {
		for j := i + 1; j < len(ds); j++ {
			d := tlsh.Distance(ds[i], ds[j])
			if xlen {
				d = tlsh.DistanceNoLength(ds[i], ds[j])
			}
			fmt.Fprintf(w, "%s\t%s\t%d\n", names[i], names[j], d)
		}
	}
	return nil
}
