package main

import (
	"fmt"
	"strings"
)

// The marks mode on one of the repository's samples: a hand-made nasm PE
// (testdata/pe/nasm-tiny.exe) carries no Rich header, no compiler string and
// a single import.
func Example_marks() {
	_, note, _ := strings.Cut(marks("../../testdata/pe/nasm-tiny.exe"), "\t")
	fmt.Println(strings.Contains(note, "no Rich header"), strings.HasSuffix(note, "strings: none"))
	// Output: true true
}
