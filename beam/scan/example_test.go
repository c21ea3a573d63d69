package scan_test

import (
	"fmt"

	"github.com/filerep/filerep/beam/scan"
)

// A local tree becomes one glob per folder; other arguments stay as they are.
func ExampleDirGlobs() {
	globs, err := scan.DirGlobs([]string{"../../testdata/pe/mui", "gs://bucket/pe/*.dll"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, g := range globs {
		fmt.Println(g)
	}
	// Output:
	// ../../testdata/pe/mui/*
	// ../../testdata/pe/mui/de-DE/*
	// ../../testdata/pe/mui/en-US/*
	// ../../testdata/pe/mui/fr-FR/*
	// ../../testdata/pe/mui/ja-JP/*
	// gs://bucket/pe/*.dll
}
