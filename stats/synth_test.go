package stats

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/golden")

func algAggregator(t testing.TB, p Profile, seed uint64, opts ...Option) *Aggregator {
	t.Helper()
	seq, err := Synthesize(p, seed)
	require.NoError(t, err)
	a := newAgg(t, opts...)
	for s := range seq {
		require.NoError(t, a.Add(s))
	}
	return a
}

func algText(t testing.TB, a *Aggregator) string {
	t.Helper()
	s, ok := a.Summary(AlgExeSHA256)
	require.True(t, ok)
	var b bytes.Buffer
	require.NoError(t, WriteText(&b, s, WithProduct("Application Layer Gateway Service"), WithLocale("fr-FR")))
	return b.String()
}

// pageRows returns the "| a | b |" rows of the seed page's lower half,
// without the page's empty bar-chart cell.
func pageRows(t testing.TB) []string {
	b, err := os.ReadFile(filepath.Join("testdata", "alg.exe-page-lower.txt"))
	require.NoError(t, err)
	var rows []string
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		if !strings.HasPrefix(l, "|") {
			continue
		}
		l = strings.TrimSuffix(l, "|  |")
		l = strings.TrimSuffix(l, "| ")
		l = strings.TrimSpace(l)
		if !strings.HasSuffix(l, "|") {
			l += " |"
		}
		rows = append(rows, l)
	}
	return rows
}

// TestAlgExePage checks that samples generated from AlgExeProfile give
// the seed page's figures: every row of its lower half, with three
// documented differences.
func TestAlgExePage(t *testing.T) {
	a := algAggregator(t, AlgExeProfile(), 1)
	text := algText(t, a)
	got := map[string]bool{}
	for _, l := range strings.Split(text, "\n") {
		got[l] = true
	}
	for _, row := range pageRows(t) {
		switch {
		case row == "| Integrety level: | System |":
			row = "| Integrity level: | System |" // the page's typo
		case strings.HasPrefix(row, "| Parent process:"):
			row = "| Parent process: | services.exe |" // the parent's description comes from a knowledge base
		}
		assert.True(t, got[row], "page row missing: %s", row)
	}
	for _, l := range []string{
		"(Note: statistics below are averages based on a minimum sample size of 200 unique participants)",
		"United States installs about 49.75% of Application Layer Gateway Service.",
		"| alg.exe (main module) |",
	} {
		assert.Contains(t, text, l+"\n")
	}

	// The shares exactly, from the summary itself.
	s, _ := a.Summary(AlgExeSHA256)
	shares := func(es []Entry) map[string]string {
		m := map[string]string{}
		for _, e := range es {
			m[e.Value] = fmt.Sprintf("%.2f%%", e.Share*100)
		}
		return m
	}
	assert.Equal(t, map[string]string{
		"Windows 7 Home Premium": "58.50%", "Windows 7 Ultimate": "23.50%", "Windows 7 Professional": "9.00%",
		"Windows Vista Home Premium": "3.50%", "Windows 7 Home Basic": "2.50%", "Windows 7 Starter": "1.00%",
		"Windows Seven Black Edition": "0.50%", "Windows Vista Home Basic": "0.50%",
		"Windows 8 Enterprise Evaluation": "0.50%", "Windows 8 Pro": "0.50%",
	}, shares(s.Distribution.OS))
	assert.Equal(t, map[string]string{
		"Dell": "26.57%", "Hewlett-Packard": "17.71%", "Toshiba": "14.76%", "ASUS": "13.28%", "Acer": "10.70%",
		"Sony": "3.69%", "GIGABYTE": "2.95%", "Lenovo": "2.95%", "Samsung": "2.58%", "MSI": "1.48%",
		"Alienware": "0.74%", "Medion": "0.74%", "Intel": "0.74%", "Gateway": "0.74%", "Sahara": "0.37%",
	}, shares(s.Distribution.Manufacturer))
	assert.Equal(t, "49.75%", shares(s.Distribution.Country)["United States"])
	assert.Equal(t, Known{OS: 200, Country: 400, Manufacturer: 271}, s.Distribution.Known)
	for _, e := range append(s.Distribution.OS, s.Distribution.Manufacturer...) {
		assert.False(t, e.Other, "folding must not hide the page's values")
	}
	total, _ := s.ResourceUtilization.Get(CPUTotalPct)
	assert.InDelta(t, 0.00038821, total, 5e-9*0.00038821)

	golden := filepath.Join("testdata", "golden", "alg.exe.txt")
	if *update {
		require.NoError(t, os.WriteFile(golden, []byte(text), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run go test ./stats -update to create it")
	assert.Equal(t, string(want), text)
}

// TestAlgExeProfileScalesAndSeeds: the page does not depend on the seed or
// on the crowd's size, and a seed always gives the same samples.
func TestAlgExeProfileScalesAndSeeds(t *testing.T) {
	// Only the last line (sample counts) may differ.
	cut := func(s string) string { return s[:strings.LastIndex(s, "(Telemetry")] }
	want := cut(algText(t, algAggregator(t, AlgExeProfile(), 1)))
	for _, seed := range []uint64{2, 99} {
		assert.Equal(t, want, cut(algText(t, algAggregator(t, AlgExeProfile(), seed))), "seed %d", seed)
	}
	assert.Equal(t, want, cut(algText(t, algAggregator(t, AlgExeProfile().Scale(5), 3))))

	lines := func(seed uint64) string {
		seq, err := Synthesize(AlgExeProfile(), seed)
		require.NoError(t, err)
		var b []byte
		for s := range seq {
			b = s.AppendJSON(b)
			b = append(b, '\n')
		}
		return string(b)
	}
	assert.Equal(t, lines(7), lines(7))
	assert.NotEqual(t, lines(7), lines(8))
}

func TestSynthesizeChecksProfile(t *testing.T) {
	for _, mut := range []func(*Profile){
		func(p *Profile) { p.Participants = 0 },
		func(p *Profile) { p.File = FileRef{} },
		func(p *Profile) { p.MaxSamples = 0; p.MinSamples = 3 },
		func(p *Profile) { p.Spread = 1 },
		func(p *Profile) { p.OS = append(p.OS, ValueCount{"x", 1000}) },
		func(p *Profile) { p.OS = append(p.OS, ValueCount{"", 1}) },
		func(p *Profile) { p.Modules[0].Participants = 401 },
	} {
		p := AlgExeProfile()
		mut(&p)
		_, err := Synthesize(p, 1)
		assert.Error(t, err)
	}
	// Stopping early works.
	seq, err := Synthesize(AlgExeProfile(), 1)
	require.NoError(t, err)
	n := 0
	for range seq {
		n++
		if n == 10 {
			break
		}
	}
	assert.Equal(t, 10, n)
}
