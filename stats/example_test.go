package stats_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/filerep/filerep/stats"
)

const sha = "9d39af972785e49f0dd12c4baef39a79cd69f098886bf152af1b7cce2e902115"

func threadsSample(participant string, threads float64) *stats.Sample {
	s := &stats.Sample{Participant: participant, File: stats.FileRef{SHA256: sha, Name: "alg.exe"}}
	s.Metrics.Set(stats.Threads, threads)
	return s
}

// Each participant weighs the same: p1's two samples are averaged first.
func ExampleAggregator() {
	agg, _ := stats.NewAggregator(stats.WithMinParticipants(3))
	agg.Add(threadsSample("p1", 2))
	agg.Add(threadsSample("p1", 4)) // p1: 3
	agg.Add(threadsSample("p2", 6))
	agg.Add(threadsSample("p3", 9))

	s, _ := agg.Summary(sha)
	threads, _ := s.ResourceUtilization.Get(stats.Threads)
	fmt.Println(s.Participants, "participants,", s.Samples, "samples, published:", s.Published)
	fmt.Println("threads:", threads)
	// Output:
	// 3 participants, 4 samples, published: true
	// threads: 6
}

// Shards merge exactly, and a participant in two shards counts once: two
// shards of two participants each, below a threshold of 3, give 3.
func ExampleAggregator_Merge() {
	a, _ := stats.NewAggregator(stats.WithMinParticipants(3))
	b, _ := stats.NewAggregator(stats.WithMinParticipants(3))
	a.Add(threadsSample("p1", 2))
	a.Add(threadsSample("p2", 4))
	b.Add(threadsSample("p2", 6)) // p2 again, in the other shard
	b.Add(threadsSample("p3", 8))

	sa, _ := a.Summary(sha)
	fmt.Println("shard a published:", sa.Published)

	// Ship b's state to a (as a worker would), and merge.
	blob, _ := b.MarshalBinary()
	var wire stats.Aggregator
	if err := wire.UnmarshalBinary(blob); err != nil {
		panic(err)
	}
	a.Merge(&wire)
	s, _ := a.Summary(sha)
	threads, _ := s.ResourceUtilization.Get(stats.Threads)
	fmt.Println(s.Participants, "participants, published:", s.Published, "threads:", threads)
	// Output:
	// shard a published: false
	// 3 participants, published: true threads: 5
}

// Bad lines are counted with their reason and line number, not lost.
func ExampleReadJSONL() {
	in := `{"participant":"p1","file":{"name":"alg.exe"},"threads":4}
{"participant":"p2","file":{"name":"alg.exe"},"threads":-4}
{"participant":"p3","file":{"name":"alg.exe"},"threads":4,"colour":"red"}
not json
`
	var agg stats.Aggregator
	st, err := stats.ReadJSONL(context.Background(), strings.NewReader(in), &agg,
		stats.WithRejectHandler(func(e *stats.RejectError) { fmt.Println(e) }))
	fmt.Println(st.Accepted, "accepted,", st.Rejected, "rejected, error:", err)
	// Output:
	// stats: rejected sample at line 2: negative_number (threads): -4
	// stats: rejected sample at line 3: unknown_field (colour)
	// stats: rejected sample at line 4, byte 1: malformed_json: want a JSON object
	// 1 accepted, 3 rejected, error: <nil>
}

// Synthetic samples reproduce the seed page; WriteText lays a summary out
// like it.
func ExampleWriteText() {
	samples, _ := stats.Synthesize(stats.AlgExeProfile(), 1)
	var agg stats.Aggregator
	for s := range samples {
		agg.Add(s)
	}
	s, _ := agg.Summary(stats.AlgExeSHA256)
	var b bytes.Buffer
	stats.WriteText(&b, s, stats.WithProduct("Application Layer Gateway Service"), stats.WithLocale("fr-FR"))

	sc := bufio.NewScanner(&b)
	for sc.Scan() {
		l := sc.Text()
		if strings.HasPrefix(l, "(Note") || strings.Contains(l, "Total CPU") ||
			strings.Contains(l, "Private memory") || strings.Contains(l, "installs about") ||
			strings.HasPrefix(l, "| Dell") || strings.Contains(l, "Display name") {
			fmt.Println(l)
		}
	}
	// Output:
	// (Note: statistics below are averages based on a minimum sample size of 200 unique participants)
	// | Total CPU: | 0.00038821% |
	// | Private memory: | 1.23 MB |
	// | Display name: | Service de la passerelle de la couche Application |
	// | Total CPU: | 0.00058049% |
	// | Total CPU: | 0.00037677% |
	// | Total CPU: | 0.00016251% |
	// United States installs about 49.75% of Application Layer Gateway Service.
	// | Dell | 26.57% |
}
