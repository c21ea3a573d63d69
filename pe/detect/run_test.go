package detect

import (
	"context"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDefaultsAreFreshCopies: changing what DefaultRules, DefaultSuppress
// or DefaultBehaviors returned changes neither the tables nor the next
// copy.
func TestDefaultsAreFreshCopies(t *testing.T) {
	r := DefaultRules()
	require.NotEmpty(t, r)
	id := r[0].ID
	r[0].ID = "changed"
	for i := range r {
		if len(r[i].Needs.All) > 0 {
			r[i].Needs.All[0].Value = "changed"
		}
		if len(r[i].Examples) > 0 {
			r[i].Examples[0] = "changed"
		}
	}
	again := DefaultRules()
	assert.Equal(t, id, again[0].ID)
	for _, x := range again {
		assert.NotContains(t, x.Examples, "changed", x.ID)
		for _, n := range x.Needs.All {
			assert.NotEqual(t, "changed", n.Value, x.ID)
		}
	}

	s := DefaultSuppress()
	s[0].IfAny[0] = "changed"
	assert.NotEqual(t, "changed", DefaultSuppress()[0].IfAny[0])

	b := DefaultBehaviors()
	b[0].Groups[0].APIs[0] = "changed"
	assert.NotEqual(t, "changed", DefaultBehaviors()[0].Groups[0].APIs[0])
	assert.NotEqual(t, "changed", behaviorRules[0].Groups[0].APIs[0])
}

func TestValidate(t *testing.T) {
	require.NoError(t, Validate(DefaultRules()))
	require.NoError(t, Validate(nil))
	ok := Rule{ID: "packer/x", Kind: RulePacker, Match: func(*Facts) (Finding, bool) { return Finding{}, false }}
	for name, rules := range map[string][]Rule{
		"no ID":     {func() Rule { r := ok; r.ID = ""; return r }()},
		"bad kind":  {func() Rule { r := ok; r.Kind = "linker"; return r }()},
		"no Match":  {func() Rule { r := ok; r.Match = nil; return r }()},
		"duplicate": {ok, ok},
	} {
		assert.Error(t, Validate(rules), name)
	}
}

// TestRunRuleSets: the default rules given as a fresh copy, a reordered
// copy, or with a rule added give what they should, whatever rule set ran
// before (the skip plan is reused by IDs only).
func TestRunRuleSets(t *testing.T) {
	samples := sampleBytes(t)
	f := parseOK(t, "nasm-odd.exe", samples["nasm-odd.exe"])
	ctx := context.Background()
	want := runDefault(f)

	rev := DefaultRules()
	slices.Reverse(rev)
	got, err := Run(ctx, f, rev)
	require.NoError(t, err)
	assert.Equal(t, want.Findings, got.Findings)

	extra := append(DefaultRules(), Rule{ID: "packer/test-odd", Kind: RulePacker, Name: "Odd",
		Needs: Needs{All: []Need{{NeedSection, "$entry!!"}}},
		Match: func(*Facts) (Finding, bool) { return Finding{}, true }})
	for range 2 {
		got, err = Run(ctx, f, extra)
		require.NoError(t, err)
		require.Len(t, got.Packers, 1)
		assert.Equal(t, "packer/test-odd", got.Packers[0].RuleID)
		assert.Equal(t, ConfidenceMedium, got.Packers[0].Confidence)
		assert.Equal(t, want, runDefault(f))
	}

	got, err = Run(ctx, f, nil)
	require.NoError(t, err)
	assert.Empty(t, got.Findings)
	assert.Equal(t, Unknown, got.CodeLanguage)
	assert.Equal(t, want.Behaviors, got.Behaviors)
}

// TestRunCancelled: a done context stops Run before any rule, with an
// error wrapping the context's, and a Result all the same.
func TestRunCancelled(t *testing.T) {
	samples := sampleBytes(t)
	f := parseOK(t, "go-amd64.exe", samples["go-amd64.exe"])
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	d, err := Run(ctx, f, DefaultRules())
	require.ErrorIs(t, err, context.Canceled)
	require.NotNil(t, d)
	assert.Equal(t, Unknown, d.CodeLanguage)
	assert.Empty(t, d.Findings)

	// Cancelled by a rule while the rules run: the rules before it stand.
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	stop := Rule{ID: "compiler/test-stop", Kind: RuleCompiler, Match: func(*Facts) (Finding, bool) { cancel(); return Finding{}, true }}
	d, err = Run(ctx, f, append([]Rule{stop}, DefaultRules()...))
	require.ErrorIs(t, err, context.Canceled)
	require.Len(t, d.Findings, 1)
	assert.Equal(t, "compiler/test-stop", d.Findings[0].RuleID)
}
