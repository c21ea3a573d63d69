package telemetry_test

import (
	"encoding/json"
	"fmt"

	"github.com/filerep/filerep/beam/telemetry"
	"github.com/filerep/filerep/stats"
)

// The combiner as a runner drives it: partial aggregates on two workers,
// merged, and the summary of the merged state. "P-1 " is "p-1" again, so
// the file has two participants, enough for a threshold of 2.
func ExampleCombineFn() {
	fn := &telemetry.CombineFn{Settings: telemetry.DefaultSettings()}
	fn.Settings.MinParticipants = 2
	add := func(acc telemetry.Accumulator, participant string, threads float64) telemetry.Accumulator {
		var in telemetry.Input
		in.Sample.Participant = participant
		in.Sample.File = stats.FileRef{SHA256: stats.AlgExeSHA256, Name: "alg.exe"}
		in.Sample.Metrics.Set(stats.Threads, threads)
		acc, _ = fn.AddInput(acc, in)
		return acc
	}
	a, _ := fn.CreateAccumulator()
	a = add(a, "p-1", 4)
	b, _ := fn.CreateAccumulator()
	b = add(b, "P-1 ", 6)
	b = add(b, "p-2", 3)
	merged, _ := fn.MergeAccumulators(a, b)
	out, _ := fn.ExtractOutput(merged)
	var s stats.Summary
	_ = json.Unmarshal([]byte(out[0].Text), &s)
	threads, _ := s.ResourceUtilization.Get(stats.Threads)
	fmt.Println(s.File.Name, s.Participants, s.Samples, s.Published, threads)
	// Output: alg.exe 2 3 true 4
}
