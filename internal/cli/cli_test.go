package cli

import (
	"bytes"
	"flag"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestReadmeFlags(t *testing.T) {
	readme := "| program | what |\n|---|---|\n" +
		"| `examples/kb [-db FILE] import nsrl\\|hashlist [-batch N] FILE\\|-` | x |\n" +
		"| `examples/kb [-db FILE] [-json] hash HASH...` | y |\n" +
		"| `examples/scan [-o OUT.jsonl [-resume]] [-hashes LIST\\|all] DIR...` | z |\n"
	kb := ReadmeUsages(readme, "examples/kb")
	assert.Len(t, kb, 2)
	assert.Equal(t, []string{"-batch", "-db", "-json"}, ReadmeFlags(kb...))
	assert.Equal(t, []string{"-hashes", "-o", "-resume"}, ReadmeFlags(ReadmeUsages(readme, "examples/scan")...))
}

func TestParseHelpAndErrors(t *testing.T) {
	m := Manual{Synopsis: "usage: x [-v] FILE", About: "Does x.", After: "Examples:\n  x a"}
	newFS := func() *flag.FlagSet {
		fs := flag.NewFlagSet("x", flag.ContinueOnError)
		fs.Bool("v", false, "verbose")
		return fs
	}
	var out, errb bytes.Buffer
	code, ok := Parse(newFS(), []string{"-h"}, m, &out, &errb)
	assert.Equal(t, ExitOK, code)
	assert.False(t, ok)
	assert.Contains(t, out.String(), "usage: x [-v] FILE\n\nDoes x.\n\nFlags:\n  -v\tverbose\n\nExamples:")
	assert.Empty(t, errb.String())

	out.Reset()
	code, ok = Parse(newFS(), []string{"-nope"}, m, &out, &errb)
	assert.Equal(t, ExitUsage, code)
	assert.False(t, ok)
	assert.Empty(t, out.String())
	assert.Contains(t, errb.String(), "flag provided but not defined: -nope")
	assert.Contains(t, errb.String(), "Run 'x -h' for the manual.")

	code, ok = Parse(newFS(), []string{"-v", "a"}, m, &out, &errb)
	assert.True(t, ok)
	assert.Equal(t, 0, code)
}
