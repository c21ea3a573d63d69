package filerepbeam_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"github.com/filerep/filerep/beam/jsonl"
	"github.com/filerep/filerep/beam/telemetry"
	"github.com/filerep/filerep/stats"
)

// The telemetry pipeline end to end on Prism: samples in two files, the
// summaries in one shard, the rejected line in another.
func Example() {
	dir, err := os.MkdirTemp("", "filerepbeam-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	line := func(participant string) string {
		s := stats.Sample{Participant: participant, File: stats.FileRef{SHA256: stats.AlgExeSHA256, Name: "alg.exe"}}
		s.Metrics.Set(stats.Threads, 4)
		return string(s.AppendJSON(nil)) + "\n"
	}
	_ = os.WriteFile(filepath.Join(dir, "a.jsonl"), []byte(line("p-1")+line("p-2")), 0o644)
	_ = os.WriteFile(filepath.Join(dir, "b.jsonl"), []byte(line("p-3")+`{"participant": "p-4"}`+"\n"), 0o644)

	p, s := beam.NewPipelineWithRoot()
	st := telemetry.DefaultSettings()
	st.MinParticipants = 3
	sums, rejected := telemetry.Pipeline(s, []string{filepath.Join(dir, "*.jsonl")}, st)
	jsonl.Write(s, filepath.Join(dir, "out", "summaries"), 1, true, sums)
	jsonl.Write(s, filepath.Join(dir, "out", "rejected"), 1, true, rejected)
	if err := ptest.Run(p); err != nil {
		fmt.Println(err)
		return
	}
	for _, name := range []string{"summaries", "rejected"} {
		b, _ := os.ReadFile(filepath.Join(dir, "out", jsonl.ShardName(name, 0, 1)))
		fmt.Print(strings.ReplaceAll(string(b), dir, "DIR"))
	}
	// Output:
	// {"file":{"sha256":"9d39af972785e49f0dd12c4baef39a79cd69f098886bf152af1b7cce2e902115","name":"alg.exe"},"participants":3,"samples":3,"published":true,"min_participants":3,"rejected":{},"resource_utilization":{"threads":4}}
	// {"input":"DIR/b.jsonl","offset":136,"reason":"missing_file","field":"file","msg":"need sha256 or name","line":"{\"participant\": \"p-4\"}"}
}
