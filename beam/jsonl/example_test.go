package jsonl_test

import (
	"fmt"

	"github.com/filerep/filerep/beam/jsonl"
)

func ExampleShardName() {
	for i := range 3 {
		fmt.Println(jsonl.ShardName("gs://bucket/out/summaries", i, 3))
	}
	// Output:
	// gs://bucket/out/summaries-00000-of-00003.jsonl
	// gs://bucket/out/summaries-00001-of-00003.jsonl
	// gs://bucket/out/summaries-00002-of-00003.jsonl
}
