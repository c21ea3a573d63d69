package stats

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// algSamples returns the samples of AlgExeProfile().Scale(k), copied.
// cpuClock reports CPU time per operation next to wall time: on a shared
// machine the wall clock measures the neighbours too.
type cpuClock struct{ start int64 }

func startCPU(b *testing.B) *cpuClock {
	b.ResetTimer()
	return &cpuClock{cpuNanos()}
}

func (c *cpuClock) report(b *testing.B, ops int) {
	if c.start == 0 || ops == 0 {
		return
	}
	cpu := float64(cpuNanos()-c.start) / float64(ops)
	b.ReportMetric(cpu, "cpu-ns/op")
}

func algSamples(tb testing.TB, k int) []Sample {
	seq, err := Synthesize(AlgExeProfile().Scale(k), 1)
	require.NoError(tb, err)
	var out []Sample
	for s := range seq {
		out = append(out, s.Clone())
	}
	return out
}

func algJSONL(tb testing.TB, k int) []byte {
	var b []byte
	for _, s := range algSamples(tb, k) {
		b = s.AppendJSON(b)
		b = append(b, '\n')
	}
	return b
}

// BenchmarkAdd measures Add on one core for returning participants (the
// steady state: every participant already has state for the file). As in
// ReadJSONL, the sample is hot in cache (a few hundred alg.exe templates,
// whose participant is set per call) while the state may not be: it holds
// 1,000 or 100,000 participants.
func BenchmarkAdd(b *testing.B) {
	for _, people := range []int{1000, 100_000} {
		b.Run(strconv.Itoa(people)+"participants", func(b *testing.B) {
			templates := algSamples(b, 1)[:400]
			ids := make([]string, people)
			var a Aggregator
			for i := range ids {
				ids[i] = "participant-" + strconv.Itoa(i)
				s := &templates[i%len(templates)]
				s.Participant = ids[i]
				require.NoError(b, a.Add(s))
			}
			b.ReportAllocs()
			clk := startCPU(b)
			for i := 0; i < b.N; i++ {
				// Participant i%people always pairs with the same template.
				p := i % people
				s := &templates[p%len(templates)]
				s.Participant = ids[p]
				if err := a.Add(s); err != nil {
					b.Fatal(err)
				}
			}
			clk.report(b, b.N)
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "samples/s")
		})
	}
}

// BenchmarkAddNewParticipant measures Add when every sample brings a new
// participant (the insert path), and the memory each one costs.
func BenchmarkAddNewParticipant(b *testing.B) {
	templates := algSamples(b, 1)[:400]
	ids := make([]string, b.N)
	for i := range ids {
		ids[i] = "participant-" + strconv.Itoa(i)
	}
	var a Aggregator
	before := heapInUse()
	b.ReportAllocs()
	clk := startCPU(b)
	for i := 0; i < b.N; i++ {
		s := &templates[i%len(templates)]
		s.Participant = ids[i]
		if err := a.Add(s); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	clk.report(b, b.N)
	if b.N >= 10000 {
		ids = nil
		b.ReportMetric(float64(heapInUse()-before)/float64(b.N), "B/participant")
	}
	runtime.KeepAlive(&a)
}

func heapInUse() int64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

// BenchmarkMemoryPerParticipant reports the bytes one (file, participant)
// costs, with the alg.exe profile's three modules and without modules.
func BenchmarkMemoryPerParticipant(b *testing.B) {
	for _, tc := range []struct {
		name    string
		modules bool
	}{{"3modules", true}, {"nomodules", false}} {
		b.Run(tc.name, func(b *testing.B) {
			templates := algSamples(b, 1)[:400]
			if !tc.modules {
				for i := range templates {
					templates[i].Modules = nil
				}
			}
			const n = 200_000
			var per float64
			for i := 0; i < b.N; i++ {
				per = float64(participantsHeap(b, templates, n)) / n
			}
			b.ReportMetric(per, "B/participant")
		})
	}
}

// participantsHeap adds n participants (one sample each) for one file and
// returns the heap they hold.
func participantsHeap(tb testing.TB, templates []Sample, n int) int64 {
	before := heapInUse()
	a := new(Aggregator)
	buf := make([]byte, 0, 32)
	for i := 0; i < n; i++ {
		s := &templates[i%len(templates)]
		buf = strconv.AppendInt(append(buf[:0], "participant-"...), int64(i), 10)
		s.Participant = string(buf)
		if err := a.Add(s); err != nil {
			tb.Fatal(err)
		}
	}
	used := heapInUse() - before
	runtime.KeepAlive(a)
	return used
}

// TestMillionParticipantsFitInMemory adds one million participants of one
// file and checks that the state stays well under 1 GiB.
func TestMillionParticipantsFitInMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("adds a million participants")
	}
	templates := algSamples(t, 1)[:400]
	start := time.Now()
	used := participantsHeap(t, templates, 1_000_000)
	t.Logf("1M participants: %d MiB heap (%.0f B/participant), %v", used>>20, float64(used)/1e6, time.Since(start))
	require.Less(t, used, int64(600<<20), "1M participants must fit well under 1 GiB")
}

// BenchmarkReadJSONL measures JSON Lines end to end (decode + validate +
// aggregate), next to decoding alone with this package's decoder and with
// encoding/json, on the same bytes.
func BenchmarkReadJSONL(b *testing.B) {
	data := algJSONL(b, 3) // ~5,300 lines
	b.Run("aggregate", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		clk := startCPU(b)
		defer clk.report(b, b.N)
		for i := 0; i < b.N; i++ {
			var a Aggregator
			if _, err := ReadJSONL(context.Background(), bytes.NewReader(data), &a); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decode-only", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		clk := startCPU(b)
		defer clk.report(b, b.N)
		for i := 0; i < b.N; i++ {
			d := NewDecoder(bytes.NewReader(data))
			for {
				rej, err := d.next()
				if err == io.EOF {
					break
				}
				if err != nil || rej != nil {
					b.Fatal(err, rej)
				}
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		clk := startCPU(b)
		defer clk.report(b, b.N)
		for i := 0; i < b.N; i++ {
			d := json.NewDecoder(bytes.NewReader(data))
			d.DisallowUnknownFields()
			var s jsonSample
			for {
				s.Modules = s.Modules[:0]
				if err := d.Decode(&s); err == io.EOF {
					break
				} else if err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

// BenchmarkReadJSONLOverhead alternates decoding alone and reading into an
// aggregator, pass by pass, so that both see the same machine load, and
// reports what aggregation adds to decoding (the target is under 25%).
// The minimum pass of each is used: it is the one least disturbed.
func BenchmarkReadJSONLOverhead(b *testing.B) {
	data := algJSONL(b, 3)
	decode := func() {
		d := NewDecoder(bytes.NewReader(data))
		for {
			rej, err := d.next()
			if err == io.EOF {
				return
			}
			if err != nil || rej != nil {
				b.Fatal(err, rej)
			}
		}
	}
	aggregate := func() {
		var a Aggregator
		if _, err := ReadJSONL(context.Background(), bytes.NewReader(data), &a); err != nil {
			b.Fatal(err)
		}
	}
	minDec, minAgg := int64(math.MaxInt64), int64(math.MaxInt64)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := cpuNanos()
		decode()
		t1 := cpuNanos()
		aggregate()
		t2 := cpuNanos()
		minDec, minAgg = min(minDec, t1-t0), min(minAgg, t2-t1)
	}
	if minDec > 0 {
		b.ReportMetric(float64(len(data))/float64(minDec)*1e3, "decode-MB/s")
		b.ReportMetric(float64(len(data))/float64(minAgg)*1e3, "aggregate-MB/s")
		b.ReportMetric(100*float64(minAgg-minDec)/float64(minDec), "overhead-%")
	}
}

// jsonSample mirrors the sample for encoding/json (pointers tell absent
// from zero, as the package's decoder does).
type jsonSample struct {
	Participant string    `json:"participant"`
	ObservedAt  time.Time `json:"observed_at"`
	File        struct {
		SHA256 string `json:"sha256"`
		Name   string `json:"name"`
		Path   string `json:"path"`
	} `json:"file"`
	Machine struct {
		OS           string `json:"os"`
		Country      string `json:"country"`
		Manufacturer string `json:"manufacturer"`
		Locale       string `json:"locale"`
		CPUs         *int   `json:"cpus"`
	} `json:"machine"`
	CPU     map[string]*float64 `json:"cpu"`
	Memory  map[string]*float64 `json:"memory"`
	IO      map[string]*float64 `json:"io"`
	Threads *float64            `json:"threads"`
	Handles *float64            `json:"handles"`
	Process struct {
		IntegrityLevel string `json:"integrity_level"`
		Platform       string `json:"platform"`
		CommandLine    string `json:"command_line"`
		Owner          string `json:"owner"`
		Parent         string `json:"parent"`
		Service        struct {
			Name        string `json:"name"`
			DisplayName string `json:"display_name"`
			Description string `json:"description"`
			Type        string `json:"type"`
		} `json:"service"`
	} `json:"process"`
	Modules []struct {
		Name         string   `json:"name"`
		TotalCPUPct  *float64 `json:"total_cpu_pct"`
		KernelCPUPct *float64 `json:"kernel_cpu_pct"`
		UserCPUPct   *float64 `json:"user_cpu_pct"`
		CyclesPerSec *float64 `json:"cycles_per_sec"`
		MemoryBytes  *float64 `json:"memory_bytes"`
	} `json:"modules"`
}

// BenchmarkMerge merges two states of 20,000 participants each, half shared.
func BenchmarkMerge(b *testing.B) {
	samples := algSamples(b, 100)[:80_000]
	x, y := new(Aggregator), new(Aggregator)
	for i := range samples {
		if i%2 == 0 {
			require.NoError(b, x.Add(&samples[i]))
		} else {
			require.NoError(b, y.Add(&samples[i]))
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		z := new(Aggregator)
		require.NoError(b, z.Merge(x))
		require.NoError(b, z.Merge(y))
	}
}

// BenchmarkSummary computes the summary of a file with 100,000 participants.
func BenchmarkSummary(b *testing.B) {
	templates := algSamples(b, 1)[:400]
	var a Aggregator
	for i := 0; i < 100_000; i++ {
		s := &templates[i%len(templates)]
		s.Participant = "p" + strconv.Itoa(i)
		require.NoError(b, a.Add(s))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, ok := a.Summary(AlgExeSHA256); !ok {
			b.Fatal("no summary")
		}
	}
}

// BenchmarkMarshalBinary encodes and decodes a state of 100,000 participants.
func BenchmarkMarshalBinary(b *testing.B) {
	templates := algSamples(b, 1)[:400]
	var a Aggregator
	for i := 0; i < 100_000; i++ {
		s := &templates[i%len(templates)]
		s.Participant = "p" + strconv.Itoa(i)
		require.NoError(b, a.Add(s))
	}
	blob, err := a.MarshalBinary()
	require.NoError(b, err)
	b.SetBytes(int64(len(blob)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		blob, _ := a.MarshalBinary()
		var c Aggregator
		if err := c.UnmarshalBinary(blob); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAddManyModules: one participant whose every sample lists
// MaxModules modules never seen before (a hostile or broken client). The
// cost per module must stay flat as the participant's list grows; a
// scan of that list for each module made 40 such samples take 6.9 s.
func BenchmarkAddManyModules(b *testing.B) {
	base := algSamples(b, 1)[0]
	base.Participant = "many-modules"
	var a Aggregator
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		s := base.Clone()
		s.Modules = make([]Module, MaxModules)
		for j := range s.Modules {
			s.Modules[j].Name = "m" + strconv.Itoa(i*MaxModules+j) + ".dll"
		}
		if err := a.Add(&s); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*MaxModules), "ns/module")
}
