package detect

import (
	"context"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/filerep/filerep/internal/testutil"
	"github.com/filerep/filerep/pe"
)

// allTestFiles returns the samples and the synthetic images, parsed.
func allTestFiles(t *testing.T) map[string]*pe.File {
	t.Helper()
	out := map[string]*pe.File{}
	for name, b := range sampleBytes(t) {
		out[name] = parseOK(t, name, b)
	}
	for _, n := range syntheticNames() {
		out["synthetic:"+n] = parseOK(t, n, synthetic[n]())
	}
	return out
}

// TestRulePanicsAnywhere: rules that panic first, in the middle and last,
// and one without Match, each lose their own finding and are reported in
// order; every other rule still runs, so the rest of the result is that
// of the default rules.
func TestRulePanicsAnywhere(t *testing.T) {
	f := parseOK(t, "mingw", sampleBytes(t)["mingw-console-x64.exe"])
	want := runDefault(f)
	boom := func(id string) Rule {
		return Rule{ID: id, Kind: RulePacker, Name: id, Match: func(*Facts) (Finding, bool) { panic(id) }}
	}
	rules := []Rule{boom("packer/p-first")}
	for i, r := range DefaultRules() {
		rules = append(rules, r)
		if i == 10 {
			rules = append(rules, boom("packer/p-middle"), Rule{ID: "packer/p-nil", Kind: RulePacker})
		}
	}
	rules = append(rules, boom("packer/p-last"))
	for range 2 { // the second time with the rule set remembered
		got, err := Run(context.Background(), f, rules)
		require.NoError(t, err)
		require.Len(t, got.Errors, 4)
		assert.Equal(t, "detect: rule packer/p-first panicked: packer/p-first", got.Errors[0])
		assert.Equal(t, "detect: rule packer/p-middle panicked: packer/p-middle", got.Errors[1])
		assert.Equal(t, "detect: rule packer/p-nil panicked: runtime error: invalid memory address or nil pointer dereference", got.Errors[2])
		assert.Equal(t, "detect: rule packer/p-last panicked: packer/p-last", got.Errors[3])
		got.Errors = nil
		assert.Equal(t, want, got)
	}
}

// TestFactsRecycling: Run recycles Facts only for rule sets whose Match
// functions are all the built-in ones; a caller's rule that keeps the
// Facts it was given finds them intact after later runs.
func TestFactsRecycling(t *testing.T) {
	assert.True(t, ruleSetFor(DefaultRules()).builtin)
	assert.True(t, ruleSetFor(allRules()).builtin)

	wrapped := DefaultRules()
	m := wrapped[3].Match
	wrapped[3].Match = func(x *Facts) (Finding, bool) { return m(x) }
	assert.False(t, ruleSetFor(wrapped).builtin, "a Match of the caller's")

	swapped := DefaultRules()
	swapped[1].Match, swapped[2].Match = swapped[2].Match, swapped[1].Match
	assert.False(t, ruleSetFor(swapped).builtin, "built-in Match functions, not in their places")

	assert.False(t, ruleSetFor(append(DefaultRules(), Rule{ID: "packer/x", Kind: RulePacker,
		Match: func(*Facts) (Finding, bool) { return Finding{}, false }})).builtin)
	assert.False(t, ruleSetFor(nil).builtin)

	files := allTestFiles(t)
	f := files["mingw-console-x64.exe"]
	var kept *Facts
	keep := append(DefaultRules(), Rule{ID: "packer/keep", Kind: RulePacker,
		Match: func(x *Facts) (Finding, bool) { kept = x; return Finding{}, false }})
	_, err := Run(context.Background(), f, keep)
	require.NoError(t, err)
	require.NotNil(t, kept)
	want := NewFacts(f)
	for _, g := range files {
		runDefault(g)
	}
	assert.Same(t, f, kept.File)
	assert.Equal(t, want.Sections, kept.Sections)
	assert.Equal(t, want.Imports, kept.Imports)
	assert.Equal(t, want.DLLs(), kept.DLLs())
}

// TestRecycledFactsSameResult: on every sample and synthetic image, in
// turn and twice over, the built-in rules on recycled Facts give what the
// same rules behind Match functions of a caller's (fresh Facts) give.
func TestRecycledFactsSameResult(t *testing.T) {
	fresh := DefaultRules()
	for i := range fresh {
		m := fresh[i].Match
		fresh[i].Match = func(x *Facts) (Finding, bool) { return m(x) }
	}
	files := allTestFiles(t)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	for range 2 {
		for _, n := range names {
			want, err := Run(context.Background(), files[n], fresh)
			require.NoError(t, err)
			assert.Equal(t, want, runDefault(files[n]), n)
		}
	}
}

// TestASCIILower: asciiLower changes A–Z only, at every position and
// length, as the byte-at-a-time loop does.
func TestASCIILower(t *testing.T) {
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, in := range [][]byte{nil, []byte("A"), []byte("CreateProcessW"), all, slices.Concat(all[1:], all)} {
		for lo := 0; lo < min(len(in), 9); lo++ {
			checkLower(t, in[lo:])
		}
	}
	for range 1000 {
		b := make([]byte, rng.IntN(40))
		for i := range b {
			const alphabet = "AZaz@[`{\x80\xc1\xdbM"
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		checkLower(t, b)
	}
}

func checkLower(t *testing.T, in []byte) {
	t.Helper()
	want := slices.Clone(in)
	for i, c := range want {
		if c >= 'A' && c <= 'Z' {
			want[i] = c + 'a' - 'A'
		}
	}
	got := slices.Clone(in)
	asciiLower(got)
	require.Equal(t, want, got, "%q", in)
}

// TestNeedsOnlySkipMisses: a rule whose Needs fail would not have fired
// anyway, on every sample, synthetic image and corkami file: Needs make
// Run cheaper, never different.
func TestNeedsOnlySkipMisses(t *testing.T) {
	files := allTestFiles(t)
	for _, p := range corpusFilesIfAny(t) {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		if f, _ := pe.Parse(context.Background(), b); f != nil {
			files[p] = f
		}
	}
	skipped := 0
	for name, f := range files {
		for _, r := range allRules() {
			x := NewFacts(f)
			if x.needsHold(r.Needs) {
				continue
			}
			skipped++
			func() {
				defer func() { _ = recover() }() // a panic is no finding either
				_, ok := r.Match(x)
				assert.False(t, ok, "%s fires on %s although its needs fail", r.ID, name)
			}()
		}
	}
	t.Logf("%d files, %d rule evaluations skipped by Needs", len(files), skipped)
}

// corpusFilesIfAny returns the corkami corpus files, or none when the
// corpus is absent.
func corpusFilesIfAny(t *testing.T) []string {
	dir := filepath.Join(testutil.RepoRoot(), "..", "shared", "corpus", "corkami")
	if d, ok := os.LookupEnv(testutil.CorpusEnv); ok && d != "" {
		dir = filepath.Join(d, "corkami")
	}
	var out []string
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// TestImportFacts: the imports' lower-case names and the DLL list are
// what lower-casing each name on its own gives, across the import and
// delay-import tables, whatever the case of the DLL names.
func TestImportFacts(t *testing.T) {
	f := &pe.File{
		Imports: []pe.Import{
			{DLL: "KERNEL32.dll", Functions: []pe.ImportFunction{{Name: "CreateProcessW"}, {Name: "GetProcAddress"}, {Ordinal: 7, ByOrdinal: true}}},
			{DLL: "Empty.DLL"},
			{DLL: "kernel32.DLL", Functions: []pe.ImportFunction{{Name: "RegCreateKeyExA"}, {Name: "ÜberA"}, {Name: "W"}}},
			{DLL: "\u212Aernel32.dll", Functions: []pe.ImportFunction{{Name: "X"}}},
		},
		DelayImports: []pe.Import{
			{DLL: "Kernel32.Dll", Functions: []pe.ImportFunction{{Name: "Sleep"}}},
			{DLL: "USER32.dll", Functions: []pe.ImportFunction{{Name: "MessageBoxW"}}},
		},
	}
	for range 2 { // fresh and recycled
		x := getFacts(f)
		var want []ImportFact
		var dlls []string
		for k, imps := range [][]pe.Import{f.Imports, f.DelayImports} {
			for _, imp := range imps {
				dll := strings.ToLower(imp.DLL)
				if !slices.Contains(dlls, dll) {
					dlls = append(dlls, dll)
				}
				for _, fn := range imp.Functions {
					i := ImportFact{DLL: dll, Name: fn.Name, Ordinal: fn.Ordinal, Delay: k == 1}
					if fn.ByOrdinal {
						i.Name = ""
					}
					i.Lower = strings.Map(func(r rune) rune {
						if r >= 'A' && r <= 'Z' {
							return r + 'a' - 'A'
						}
						return r
					}, stripAW(i.Name))
					want = append(want, i)
				}
			}
		}
		assert.Equal(t, want, x.Imports)
		assert.Equal(t, dlls, x.DLLs())
		assert.True(t, x.HasDLL("KERNEL32.DLL"))
		assert.True(t, x.HasDLL("empty.dll"))
		putFacts(x)
	}
}

// TestGCCVersion: gccVersion without maps picks what the map version
// (kept here as the reference) picks, ties and repeats included.
func TestGCCVersion(t *testing.T) {
	ref := func(ids []gccIdent) (string, []Evidence) {
		count := map[string]int{}
		best := ""
		var out []Evidence
		seen := map[string]bool{}
		for _, id := range ids {
			if id.version != "" {
				count[id.version]++
				if best == "" || count[id.version] > count[best] {
					best = id.version
				}
			}
			if !seen[id.text] && len(out) < 4 {
				seen[id.text] = true
				out = append(out, ev("string", id.off, "%q", id.text))
			}
		}
		return best, out
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 5000 {
		ids := make([]gccIdent, rng.IntN(10))
		for i := range ids {
			v := []string{"", "12", "13", "12.2", "9"}[rng.IntN(5)]
			ids[i] = gccIdent{off: int64(i), text: "GCC: (GNU) " + v + []string{"", " a", " b"}[rng.IntN(3)], version: v}
		}
		wv, we := ref(ids)
		gv, ge := gccVersion(ids)
		require.Equal(t, wv, gv, "%v", ids)
		require.Equal(t, we, ge, "%v", ids)
	}
}

// TestResourceTypeID: the short way agrees with strconv.ParseUint.
func TestResourceTypeID(t *testing.T) {
	for _, typ := range []string{"#10", "#24", "#0", "#007", "#", "10", "#1a", "#-1", "#+1", "#999999999", "#4294967295", "#4294967296", "#12345678901", "DATA", "#1_0", "# 1"} {
		n, err := strconv.ParseUint(strings.TrimPrefix(typ, "#"), 10, 32)
		wantOK := err == nil && strings.HasPrefix(typ, "#")
		id, ok := resourceTypeID(typ)
		require.Equal(t, wantOK, ok, typ)
		if ok {
			require.Equal(t, uint32(n), id, typ)
		}
	}
}

// TestStructuralSignalGate: where mayHaveStructuralSignal says no,
// genericSignals finds no structural signal (so the generic rule, which
// needs one, would not fire), on every sample, synthetic image and corkami
// file.
func TestStructuralSignalGate(t *testing.T) {
	files := allTestFiles(t)
	for _, p := range corpusFilesIfAny(t) {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		if f, _ := pe.Parse(context.Background(), b); f != nil {
			files[p] = f
		}
	}
	gated := 0
	for name, f := range files {
		x := NewFacts(f)
		if mayHaveStructuralSignal(x) {
			continue
		}
		gated++
		_, structural := genericSignals(x)
		assert.Empty(t, structural, name)
	}
	t.Logf("%d of %d files answered by the gate", gated, len(files))
}
