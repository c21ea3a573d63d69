package store_test

import (
	"context"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/filerep/filerep/reputation"
	"github.com/filerep/filerep/reputation/store"
)

const b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

// similarRecord is benchRecord with made-up similarity digests: ssdeep
// block sizes of files from 3 KB to 3 MB (3·2^4 … 3·2^14), hashes of
// random base64 characters, and random TLSH bodies. Like digests of
// unrelated files, they rarely match; what a lookup costs is reading and
// comparing them.
func similarRecord(i int) reputation.FileRecord {
	r := benchRecord(i)
	rng := rand.New(rand.NewPCG(uint64(i), 7))
	str := func(n int) string {
		b := make([]byte, n)
		for j := range b {
			b[j] = b64[rng.IntN(64)]
		}
		return string(b)
	}
	r.SSDeep = fmt.Sprintf("%d:%s:%s", 3<<(4+rng.IntN(11)), str(40+rng.IntN(25)), str(20+rng.IntN(13)))
	var t [35]byte
	for j := range t {
		t[j] = byte(rng.Uint32())
	}
	r.TLSH = "T1" + hex.EncodeToString(t[:])
	return r
}

// BenchmarkSimilar100k looks up files similar to one of 100,000 records
// that all have both digests: a Store (index on the ssdeep block size, a
// scan for TLSH) and a MemKB (a scan).
func BenchmarkSimilar100k(b *testing.B) {
	const n = 100_000
	ctx := context.Background()
	s, err := store.Create(filepath.Join(b.TempDir(), "kb.sqlite"), store.WithCacheSize(64))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	m := reputation.NewMemKB()
	for _, w := range []reputation.Writer{s, m} {
		for lo := 0; lo < n; lo += 10000 {
			err := w.Update(ctx, func(tx reputation.Tx) error {
				for i := lo; i < lo+10000; i++ {
					if err := tx.PutFile(similarRecord(i)); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	q := similarRecord(n / 2)
	for _, kb := range []struct {
		name string
		idx  reputation.SimilarityIndex
	}{{"store", s}, {"mem", m}} {
		for _, c := range []struct{ name, ss, tl string }{{"ssdeep", q.SSDeep, ""}, {"tlsh", "", q.TLSH}, {"both", q.SSDeep, q.TLSH}} {
			b.Run(kb.name+"/"+c.name, func(b *testing.B) {
				for b.Loop() {
					got, err := kb.idx.Similar(ctx, c.ss, c.tl, "", 10)
					if err != nil || got[0].Record.SHA256 != q.SHA256 {
						b.Fatal(err, got)
					}
				}
			})
		}
	}
}
