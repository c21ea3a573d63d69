package filerep_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/filerep/filerep"
	"github.com/filerep/filerep/pe"
)

// Analyze a file that is not a PE: it still gets its hashes and entropy,
// kind "not-pe", and an error that errors.Is(err, pe.ErrNotPE).
func ExampleAnalyzeBytes() {
	rep, err := filerep.AnalyzeBytes(context.Background(), "readme.txt", []byte("hello, world\n"))
	fmt.Println(rep.File.Kind, rep.Hashes.SHA256[:16], errors.Is(err, pe.ErrNotPE))
	// Output: not-pe 853ff93762a06ddb true
}

// Analyze a committed sample and print its Digital DNA.
func ExampleAnalyze() {
	path := filepath.Join("testdata", "pe", "mingw-console-x64.exe")
	rep, err := filerep.Analyze(context.Background(), path)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rep.File.Kind, rep.DNA.Machine, rep.DNA.Platform, rep.DNA.Subsystem)
	// Output: exe x64 64-bit Windows Console
}

// An Analyzer checks its settings once and shares what they build (trust
// anchors, catalog indexes, knowledge base) across files; each file may add
// its own inputs, such as where it lives on its Windows host.
func ExampleNew() {
	a, err := filerep.New(filerep.WithLanguage("en-US"))
	if err != nil {
		fmt.Println(err)
		return
	}
	rep, err := a.Analyze(context.Background(), filepath.Join("testdata", "pe", "mingw-service-x86.exe"),
		filerep.WithHostPath(`C:\Program Files\Svc\svc.exe`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rep.File.HostPath, rep.Verdict.Level)
	// Output: C:\Program Files\Svc\svc.exe unknown
}

// The README's snippet on a text file: no DNA and no PE block, but a
// verdict (unsigned, nothing claimed: unknown).
func Example_notPE() {
	rep, err := filerep.AnalyzeBytes(context.Background(), "notes.txt", []byte("not a program\n"))
	fmt.Println(errors.Is(err, pe.ErrNotPE), rep.DNA == nil, rep.PE == nil)
	if rep.Verdict != nil {
		fmt.Println(rep.Verdict.Level)
	}
	// Output:
	// true true true
	// unknown
}

// A path that does not exist: the report holds only the name, and no
// verdict.
func Example_missingPath() {
	rep, err := filerep.Analyze(context.Background(), filepath.Join("testdata", "no-such-file.exe"))
	fmt.Println(errors.Is(err, fs.ErrNotExist), rep.File.Name, rep.Verdict == nil, rep.Hashes.SHA256 == "")
	// Output: true no-such-file.exe true true
}
