package stats

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testSHA = "9d39af972785e49f0dd12c4baef39a79cd69f098886bf152af1b7cce2e902115"

func newAgg(t testing.TB, opts ...Option) *Aggregator {
	t.Helper()
	a, err := NewAggregator(opts...)
	require.NoError(t, err)
	return a
}

func sample(p string, opts ...func(*Sample)) *Sample {
	s := &Sample{Participant: p, File: FileRef{SHA256: testSHA, Name: "alg.exe"}}
	for _, o := range opts {
		o(s)
	}
	return s
}

func withMetric(k Metric, v float64) func(*Sample) { return func(s *Sample) { s.Metrics.Set(k, v) } }

func withOS(os string) func(*Sample) { return func(s *Sample) { s.Machine.OS = os } }

func summaryOf(t testing.TB, a *Aggregator) *Summary {
	t.Helper()
	s, ok := a.Summary(testSHA)
	require.True(t, ok)
	return s
}

func TestEveryParticipantWeighsTheSame(t *testing.T) {
	a := newAgg(t, WithMinParticipants(2))
	for _, v := range []float64{1, 2, 3, 6} { // participant A: mean 3
		require.NoError(t, a.Add(sample("A", withMetric(Threads, v))))
	}
	require.NoError(t, a.Add(sample("B", withMetric(Threads, 11)))) // B: 11
	s := summaryOf(t, a)
	got, ok := s.ResourceUtilization.Get(Threads)
	require.True(t, ok)
	assert.Equal(t, 7.0, got) // (3+11)/2, not (1+2+3+6+11)/5
	assert.Equal(t, int64(2), s.Participants)
	assert.Equal(t, int64(5), s.Samples)
}

func TestAbsentMetricsAreUnknownNotZero(t *testing.T) {
	a := newAgg(t, WithMinParticipants(2))
	require.NoError(t, a.Add(sample("A", withMetric(Handles, 10))))
	require.NoError(t, a.Add(sample("A")))                          // no handles: does not pull A's mean down
	require.NoError(t, a.Add(sample("B", withMetric(Handles, 20)))) // B: 20
	require.NoError(t, a.Add(sample("C")))                          // C never reports handles
	s := summaryOf(t, a)
	got, _ := s.ResourceUtilization.Get(Handles)
	assert.Equal(t, 15.0, got)
	_, ok := s.ResourceUtilization.Get(Threads)
	assert.False(t, ok, "a metric nobody reported is absent")
}

func TestThresholdAppliesToEveryFigure(t *testing.T) {
	a := newAgg(t, WithMinParticipants(3))
	for i := 0; i < 3; i++ {
		s := sample(fmt.Sprint("p", i), withMetric(Threads, 4))
		if i < 2 { // handles, OS and a module: only 2 participants
			s.Metrics.Set(Handles, 9)
			s.Machine.OS = "Windows 10"
			s.Modules = []Module{{Name: "x.dll"}}
		}
		require.NoError(t, a.Add(s))
	}
	s := summaryOf(t, a)
	require.True(t, s.Published)
	assert.True(t, s.ResourceUtilization.Has(Threads))
	assert.False(t, s.ResourceUtilization.Has(Handles))
	assert.Nil(t, s.Distribution)
	assert.Empty(t, s.Modules)

	// One participant fewer: nothing but counts.
	b := newAgg(t, WithMinParticipants(4))
	require.NoError(t, b.Merge(a))
	s = summaryOf(t, b)
	assert.False(t, s.Published)
	assert.Nil(t, s.ResourceUtilization)
	assert.Equal(t, FileID{SHA256: testSHA}, s.File, "an unpublished summary withholds the name")
}

// TestThresholdCountsUniqueParticipantsAcrossShards: two shards of 150
// with 100 in common are 200 participants, not 300.
func TestThresholdCountsUniqueParticipantsAcrossShards(t *testing.T) {
	x, y := newAgg(t, WithMinParticipants(201)), newAgg(t, WithMinParticipants(201))
	for i := 0; i < 150; i++ {
		require.NoError(t, x.Add(sample(fmt.Sprint("p", i), withMetric(Threads, 1))))
		require.NoError(t, y.Add(sample(fmt.Sprint("p", i+50), withMetric(Threads, 3))))
	}
	require.NoError(t, x.Merge(y))
	s := summaryOf(t, x)
	assert.Equal(t, int64(200), s.Participants)
	assert.False(t, s.Published, "200 unique participants are below 201")

	z := newAgg(t, WithMinParticipants(200))
	require.NoError(t, z.Merge(x))
	s = summaryOf(t, z)
	require.True(t, s.Published)
	// 50 participants at 1, 50 at 3, 100 with both (mean 2): mean 2.
	got, _ := s.ResourceUtilization.Get(Threads)
	assert.Equal(t, 2.0, got)
}

func TestModesAndTies(t *testing.T) {
	a := newAgg(t, WithMinParticipants(1), WithPropertyMinShare(0))
	// A: Windows 10 twice, Windows 7 once → Windows 10. B: tie → smaller string.
	for _, os := range []string{"Windows 10", "Windows 7", "Windows 10"} {
		require.NoError(t, a.Add(sample("A", withOS(os))))
	}
	for _, os := range []string{"Windows 8", "Windows 7"} {
		require.NoError(t, a.Add(sample("B", withOS(os))))
	}
	require.NoError(t, a.Add(sample("C", withOS("Windows 7"))))
	s := summaryOf(t, a)
	require.NotNil(t, s.Distribution)
	assert.Equal(t, []Entry{
		{Value: "Windows 7", Share: 2.0 / 3, Participants: 2},
		{Value: "Windows 10", Share: 1.0 / 3, Participants: 1},
	}, s.Distribution.OS)
	assert.Equal(t, int64(3), s.Distribution.Known.OS)
}

func TestRareValuesFoldIntoOther(t *testing.T) {
	a := newAgg(t, WithMinParticipants(100))
	// 1000 participants: the default needs ⌈0.25% × 1000⌉ = 3 holders.
	for i := 0; i < 1000; i++ {
		m := "Dell"
		switch {
		case i < 2:
			m = "Rare" // 2 holders: folds
		case i < 5:
			m = "Kept" // 3 holders: listed
		case i < 6:
			m = OtherValue // an input value "Other" joins the bucket
		}
		require.NoError(t, a.Add(sample(fmt.Sprint("p", i), func(s *Sample) { s.Machine.Manufacturer = m })))
	}
	s := summaryOf(t, a)
	assert.Equal(t, []Entry{
		{Value: "Dell", Share: 0.994, Participants: 994},
		{Value: "Kept", Share: 0.003, Participants: 3},
		{Value: "Other", Share: 0.003, Participants: 3, Other: true},
	}, s.Distribution.Manufacturer)

	// k-anonymity with k = 5 folds "Kept" too.
	b := newAgg(t, WithMinParticipants(100), WithRareValues(5, 0))
	require.NoError(t, b.Merge(a))
	s = summaryOf(t, b)
	assert.Equal(t, int64(6), s.Distribution.Manufacturer[1].Participants)
	assert.True(t, s.Distribution.Manufacturer[1].Other)
}

func TestCountries(t *testing.T) {
	a := newAgg(t, WithMinParticipants(1))
	for i, c := range []string{"us", "US", "fr", "ZZ", "zz", ""} {
		require.NoError(t, a.Add(sample(fmt.Sprint("p", i), func(s *Sample) { s.Machine.Country = c })))
	}
	s := summaryOf(t, a)
	assert.Equal(t, int64(3), s.Distribution.Known.Country, "ZZ and empty are unknown")
	assert.Equal(t, []Entry{
		{Value: "United States", Code: "US", Share: 2.0 / 3, Participants: 2},
		{Value: "France", Code: "FR", Share: 1.0 / 3, Participants: 1},
	}, s.Distribution.Country)
	require.Error(t, a.Add(sample("x", func(s *Sample) { s.Machine.Country = "USA" })))
}

func TestPropertiesAndLocalizedStrings(t *testing.T) {
	a := newAgg(t, WithMinParticipants(10))
	for i := 0; i < 20; i++ {
		s := sample(fmt.Sprint("p", i))
		s.File.Path = `C:\Windows\System32\alg.exe`
		s.Process = Process{IntegrityLevel: "System", CommandLine: fmt.Sprintf(`alg.exe /user%d`, i),
			Service: Service{Name: "ALG", DisplayName: "ALG service", Description: "Gateway"}}
		s.Machine.Locale = "en-US"
		if i%4 == 0 {
			s.Machine.Locale = "fr-FR"
			s.Process.Service.DisplayName = "Service ALG"
			s.File.Path = `D:\alg.exe`
		}
		require.NoError(t, a.Add(s))
	}
	s := summaryOf(t, a)
	assert.Equal(t, &Mode{Value: `C:\Windows\System32\alg.exe`, Share: 0.75, Participants: 15}, s.TypicalPath)
	assert.Equal(t, &Mode{Value: "System", Share: 1, Participants: 20}, s.Process.IntegrityLevel)
	assert.Nil(t, s.Process.CommandLine, "unique command lines (5% each) are not published")
	assert.Equal(t, map[string]Mode{
		"en-US": {Value: "ALG service", Share: 1, Participants: 15},
		"fr-FR": {Value: "Service ALG", Share: 1, Participants: 5},
	}, s.Process.Service.DisplayName)
	assert.Equal(t, map[string]Mode{
		"en-US": {Value: "Gateway", Share: 1, Participants: 15},
		"fr-FR": {Value: "Gateway", Share: 1, Participants: 5},
	}, s.Process.Service.Description)
}

func TestModules(t *testing.T) {
	a := newAgg(t, WithMinParticipants(2))
	mod := func(name string, total, mem float64) Module {
		m := Module{Name: name}
		m.Metrics.Set(ModTotalCPUPct, total)
		m.Metrics.Set(ModMemoryBytes, mem)
		return m
	}
	// A lists ntdll twice in one sample (added up) and with other case.
	require.NoError(t, a.Add(sample("A", func(s *Sample) {
		s.Modules = []Module{mod("ntdll.dll", 1, 100), mod("NTDLL.DLL", 1, 100), mod("alg.exe", 5, 10)}
	})))
	require.NoError(t, a.Add(sample("A", func(s *Sample) { s.Modules = []Module{mod("ntdll.dll", 4, 400)} })))
	require.NoError(t, a.Add(sample("B", func(s *Sample) { s.Modules = []Module{mod("ntdll.dll", 1, 0)} })))
	s := summaryOf(t, a)
	// A: ntdll (2+4)/2 = 3; B: 1 → 2. Memory: A (200+400)/2 = 300, B 0 → 150.
	want := ModuleSummary{Name: "ntdll.dll", Participants: 2}
	want.Metrics.Set(ModTotalCPUPct, 2)
	want.Metrics.Set(ModMemoryBytes, 150)
	assert.Equal(t, []ModuleSummary{want}, s.Modules, "alg.exe has one participant: left out")
}

func TestRejectionsAreCountedPerFile(t *testing.T) {
	a := newAgg(t, WithMinParticipants(1))
	require.NoError(t, a.Add(sample("A")))
	err := a.Add(sample("", withMetric(Threads, 1)))
	var re *RejectError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, RejectMissingParticipant, re.Reason)
	assert.ErrorIs(t, err, ErrRejected)
	require.Error(t, a.Add(sample("A", withMetric(Threads, math.NaN()))))
	require.Error(t, a.Add(sample("A", withMetric(Threads, math.Inf(1)))))
	require.Error(t, a.Add(&Sample{Participant: "A"}))                              // no file: not attributable
	require.Error(t, a.Add(&Sample{Participant: "A", File: FileRef{SHA256: "zz"}})) // bad key: not attributable
	s := summaryOf(t, a)
	assert.Equal(t, map[RejectReason]int64{RejectMissingParticipant: 1, RejectInvalidNumber: 2}, s.Rejected)
	assert.Equal(t, map[RejectReason]int64{RejectMissingParticipant: 1, RejectInvalidNumber: 2,
		RejectMissingFile: 1, RejectInvalidValue: 1}, a.Rejected())
	assert.Equal(t, int64(1), a.Samples())
}

func TestZeroValueAndOptions(t *testing.T) {
	var a Aggregator
	assert.Equal(t, DefaultMinParticipants, a.MinParticipants())
	_, ok := a.Summary(testSHA)
	assert.False(t, ok)
	assert.Empty(t, a.Summaries())
	b, err := a.MarshalBinary()
	require.NoError(t, err)
	require.NoError(t, new(Aggregator).UnmarshalBinary(b))

	for _, o := range []Option{WithMinParticipants(0), WithRareValues(0, 0), WithRareValues(1, 1),
		WithRareValues(1, math.NaN()), WithPropertyMinShare(-0.1), WithPropertyMinShare(1.5)} {
		_, err := NewAggregator(o)
		assert.Error(t, err)
	}
}

func TestSummaryLookup(t *testing.T) {
	a := newAgg(t, WithMinParticipants(1))
	require.NoError(t, a.Add(sample("A")))
	_, ok := a.Summary(strings.ToUpper(testSHA))
	assert.True(t, ok)
	_, ok = a.Summary("nope")
	assert.False(t, ok)
	r, ok := a.NameSummary("ALG.EXE")
	require.True(t, ok)
	assert.Equal(t, "alg.exe", r.File.Name)
	assert.Equal(t, []Version{{SHA256: testSHA, Participants: 1}}, r.Versions)
}

func TestMergeErrors(t *testing.T) {
	a := newAgg(t)
	require.ErrorIs(t, a.Merge(a), ErrSelfMerge)

	require.NoError(t, a.Add(sample("A")))
	b := newAgg(t)
	require.NoError(t, b.Add(sample("A")))
	f := b.bySHA[a.lastSHA]
	f.at(0).n = MaxSamplesPerParticipant // as if b held 2^31 samples of A
	before := summaryOf(t, a)
	require.ErrorIs(t, a.Merge(b), ErrOverflow)
	assert.Equal(t, before, summaryOf(t, a), "a failed merge changes nothing")
}

// TestSumsStayExactPastOverflow adds enough near-limit values to spill
// past 96 bits, and checks the mean and a marshal round trip.
func TestSumsStayExactPastOverflow(t *testing.T) {
	a := newAgg(t, WithMinParticipants(1))
	const n = 1 << 17 // 2^17 × 2^80 > 2^96
	s := sample("A", withMetric(CPUTotalPct, 100*MaxCPUs))
	for i := 0; i < n; i++ {
		require.NoError(t, a.Add(s))
	}
	p := a.bySHA[a.lastSHA].at(0)
	require.NotZero(t, p.topOf(uint32(CPUTotalPct)), "the sum spilled past 96 bits")
	got, _ := summaryOf(t, a).ResourceUtilization.Get(CPUTotalPct)
	assert.Equal(t, float64(100*MaxCPUs), got)

	blob, err := a.MarshalBinary()
	require.NoError(t, err)
	var b Aggregator
	require.NoError(t, b.UnmarshalBinary(blob))
	c := newAgg(t, WithMinParticipants(1))
	require.NoError(t, c.Merge(&b))
	require.NoError(t, c.Merge(a))
	got, _ = summaryOf(t, c).ResourceUtilization.Get(CPUTotalPct)
	assert.Equal(t, float64(100*MaxCPUs), got)
}

// TestMergeEqualsSinglePass is the property test: for random corpora,
// random splits into shards, random orders within shards, random merge
// trees (some through MarshalBinary), the summaries equal those of one
// aggregator over everything, exactly.
func TestMergeEqualsSinglePass(t *testing.T) {
	trials := 12
	if testing.Short() {
		trials = 4
	}
	opts := []Option{WithMinParticipants(30), WithRareValues(2, 0.02)}
	for seed := uint64(1); seed <= 3; seed++ {
		c := genCorpus(seed+100, 5, 160, 4, 30)
		whole := newAgg(t, opts...)
		_, err := ReadJSONL(context.Background(), strings.NewReader(strings.Join(c.lines, "\n")), whole)
		require.NoError(t, err)
		want, wantRoll, wantRej := whole.Summaries(), whole.NameSummaries(), whole.Rejected()
		require.NotEmpty(t, want)

		r := rand.New(rand.NewPCG(seed, 7))
		for trial := 0; trial < trials; trial++ {
			k := 1 + r.IntN(7)
			shards := make([][]string, k)
			for _, l := range c.lines {
				i := r.IntN(k)
				shards[i] = append(shards[i], l)
			}
			var aggs []*Aggregator
			for _, sh := range shards {
				r.Shuffle(len(sh), func(i, j int) { sh[i], sh[j] = sh[j], sh[i] })
				a := newAgg(t, opts...)
				_, err := ReadJSONL(context.Background(), strings.NewReader(strings.Join(sh, "\n")), a)
				require.NoError(t, err)
				aggs = append(aggs, a)
			}
			for len(aggs) > 1 {
				i, j := r.IntN(len(aggs)), r.IntN(len(aggs)-1)
				if j >= i {
					j++
				}
				src := aggs[j]
				if r.IntN(2) == 0 { // through the wire
					blob, err := src.MarshalBinary()
					require.NoError(t, err)
					src = newAgg(t, opts...)
					require.NoError(t, src.UnmarshalBinary(blob))
				}
				require.NoError(t, aggs[i].Merge(src))
				aggs = append(aggs[:j], aggs[j+1:]...)
			}
			got := aggs[0]
			require.Equal(t, want, got.Summaries(), "seed %d trial %d (%d shards)", seed, trial, k)
			require.Equal(t, wantRoll, got.NameSummaries())
			require.Equal(t, wantRej, got.Rejected())
			require.Equal(t, whole.Samples(), got.Samples())
		}
	}
}

func TestErrorsPrint(t *testing.T) {
	e := &RejectError{Reason: RejectMalformedJSON, Line: 7, Offset: 3, Msg: "bad literal"}
	assert.Equal(t, "stats: rejected sample at line 7, byte 4: malformed_json: bad literal", e.Error())
	e = &RejectError{Reason: RejectNegativeNumber, Field: "cpu.total_pct", Msg: "-1"}
	assert.Equal(t, "stats: rejected sample: negative_number (cpu.total_pct): -1", e.Error())
	assert.True(t, errors.Is(e, ErrRejected))
	for r := RejectReason(1); r < numReasons; r++ {
		b, err := r.MarshalText()
		require.NoError(t, err)
		var back RejectReason
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, r, back)
	}
	_, err := RejectReason(0).MarshalText()
	assert.Error(t, err)
	assert.Error(t, new(RejectReason).UnmarshalText([]byte("nope")))
	assert.Equal(t, "reason(99)", RejectReason(99).String())
}
