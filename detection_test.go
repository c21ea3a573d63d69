package filerep

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/filerep/filerep/internal/testutil"
	"github.com/filerep/filerep/pe/detect"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// examplePacker is a rule of a caller's own: a packer known by the
// section nasm-odd.exe has.
var examplePacker = detect.Rule{
	ID: "packer/example-entry", Kind: detect.RulePacker, Name: "ExamplePack",
	Needs: detect.Needs{All: []detect.Need{{Kind: detect.NeedSection, Value: "$entry!!"}}},
	Match: func(x *detect.Facts) (detect.Finding, bool) {
		s, ok := x.Section("$entry!!")
		if !ok {
			return detect.Finding{}, false
		}
		return detect.Finding{Evidence: []detect.Evidence{{Kind: "section", Value: s.Name, Offset: s.RawOffset}}}, true
	},
}

func TestWithRules(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(testutil.RepoRoot(), "testdata", "pe", "nasm-odd.exe"))
	require.NoError(t, err)
	ctx := context.Background()

	rep, _ := AnalyzeBytes(ctx, "nasm-odd.exe", b)
	require.NotNil(t, rep.DNA)
	require.Len(t, rep.DNA.Packers, 1)
	assert.Equal(t, "packer/generic", rep.DNA.Packers[0].RuleID)

	a, err := New(WithRules(append(detect.DefaultRules(), examplePacker)...))
	require.NoError(t, err)
	rep, _ = a.AnalyzeBytes(ctx, "nasm-odd.exe", b)
	require.NotNil(t, rep.DNA)
	require.Len(t, rep.DNA.Packers, 1, "the named packer suppresses the generic one")
	p := rep.DNA.Packers[0]
	assert.Equal(t, "packer/example-entry", p.RuleID)
	assert.Equal(t, "ExamplePack", p.Name)
	assert.Equal(t, "section $entry!! at 0x400", p.Evidence[0].String())
	assert.Equal(t, detect.RulesVersion, rep.DNA.RulesVersion)

	// Only the caller's rule: no compiler rule runs.
	rep, _ = AnalyzeBytes(ctx, "nasm-odd.exe", b, WithRules(examplePacker))
	require.NotNil(t, rep.DNA)
	require.Len(t, rep.DNA.Packers, 1)
	assert.Equal(t, "packer/example-entry", rep.DNA.Packers[0].RuleID)
	assert.Nil(t, rep.DNA.Compiler)

	// No rules given: the defaults.
	rep2, _ := AnalyzeBytes(ctx, "nasm-odd.exe", b, WithRules())
	rep1, _ := AnalyzeBytes(ctx, "nasm-odd.exe", b)
	assert.Equal(t, rep1.DNA, rep2.DNA)
}

func TestWithRulesRefusesBadSets(t *testing.T) {
	dup := detect.DefaultRules()
	dup = append(dup, dup[0])
	noMatch := examplePacker
	noMatch.Match = nil
	noID := examplePacker
	noID.ID = ""
	for name, rules := range map[string][]detect.Rule{
		"duplicate ID": dup, "nil Match": {noMatch}, "no ID": {noID},
	} {
		_, err := New(WithRules(rules...))
		assert.ErrorIs(t, err, ErrOptions, name)
		_, err = AnalyzeBytes(context.Background(), "x", []byte("MZ"), WithRules(rules...))
		assert.ErrorIs(t, err, ErrOptions, name)
	}
}
