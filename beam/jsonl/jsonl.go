// Package jsonl writes a PCollection of JSON Lines as shards through Beam's
// file systems (local paths, gs://, s3://, whatever the program imports):
// PREFIX-00000-of-00004.jsonl and so on, one line per element.
//
// Each element is a [Line]: the JSON text and a key. The key picks the shard
// (a hash of it) and, when the writer sorts, the order of the lines within
// the shard, so that a run with one shard gives one file in key order: the
// same bytes as a single-process program that prints in that order.
package jsonl

import (
	"bufio"
	"cmp"
	"context"
	"fmt"
	"hash/fnv"
	"slices"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
)

// Line is one JSON Lines record: Text without its newline, and Key, which
// chooses the shard and orders the lines of a sorted shard.
type Line struct {
	Key  string
	Text string
}

func init() {
	register.DoFn2x0[Line, func(int, Line)](&shardFn{})
	register.Emitter2[int, Line]()
	register.DoFn3x1[context.Context, int, func(*Line) bool, error](&writeFn{})
	register.Iter1[Line]()
}

// ShardName returns the name of shard i of n under prefix:
// PREFIX-0000i-of-0000n.jsonl.
func ShardName(prefix string, i, n int) string {
	return fmt.Sprintf("%s-%05d-of-%05d.jsonl", prefix, i, n)
}

// Write writes lines, a PCollection of [Line], to shards files named by
// [ShardName]. With sorted, each shard's lines are written in key order
// (then text order), which holds a whole shard in memory; without it they
// are streamed in the order the runner gives them. A shard that receives
// no line is not written.
func Write(s beam.Scope, prefix string, shards int, sorted bool, lines beam.PCollection) {
	s = s.Scope("jsonl.Write")
	filesystem.ValidateScheme(prefix)
	if shards < 1 {
		shards = 1
	}
	keyed := beam.ParDo(s, &shardFn{Shards: shards}, lines)
	grouped := beam.GroupByKey(s, keyed)
	beam.ParDo0(s, &writeFn{Prefix: prefix, Shards: shards, Sorted: sorted}, grouped)
}

// shardFn keys each line by its shard number.
type shardFn struct {
	Shards int `json:"shards"`
}

// ProcessElement emits (shard, line); the shard is a hash of the key.
func (f *shardFn) ProcessElement(l Line, emit func(int, Line)) {
	h := fnv.New32a()
	h.Write([]byte(l.Key))
	emit(int(h.Sum32()%uint32(f.Shards)), l)
}

// writeFn writes one shard's lines to its file.
type writeFn struct {
	Prefix string `json:"prefix"`
	Shards int    `json:"shards"`
	Sorted bool   `json:"sorted"`
}

// ProcessElement writes the lines of shard i.
func (f *writeFn) ProcessElement(ctx context.Context, i int, lines func(*Line) bool) (err error) {
	name := ShardName(f.Prefix, i, f.Shards)
	fsys, err := filesystem.New(ctx, name)
	if err != nil {
		return fmt.Errorf("jsonl: %s: %w", name, err)
	}
	defer fsys.Close()
	w, err := fsys.OpenWrite(ctx, name)
	if err != nil {
		return fmt.Errorf("jsonl: %s: %w", name, err)
	}
	defer func() {
		if cerr := w.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("jsonl: %s: %w", name, cerr)
		}
	}()
	bw := bufio.NewWriterSize(w, 1<<20)
	put := func(l *Line) error {
		bw.WriteString(l.Text)
		return bw.WriteByte('\n')
	}
	var l Line
	if f.Sorted {
		var all []Line
		for lines(&l) {
			all = append(all, l)
		}
		slices.SortFunc(all, func(a, b Line) int {
			return cmp.Or(cmp.Compare(a.Key, b.Key), cmp.Compare(a.Text, b.Text))
		})
		for i := range all {
			if err := put(&all[i]); err != nil {
				return fmt.Errorf("jsonl: %s: %w", name, err)
			}
		}
	} else {
		for lines(&l) {
			if err := put(&l); err != nil {
				return fmt.Errorf("jsonl: %s: %w", name, err)
			}
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("jsonl: %s: %w", name, err)
	}
	return nil
}
