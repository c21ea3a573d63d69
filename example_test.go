package filerep_test

import (
	"context"
	"errors"
	"fmt"
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
