package store_test

import (
	"context"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/filerep/filerep/reputation"
	"github.com/filerep/filerep/reputation/store"
)

// benchRecord derives a record with three hashes from i: test data, not a
// file's hashes.
func benchRecord(i int) reputation.FileRecord {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(i))
	m, s1, s256 := md5.Sum(b[:]), sha1.Sum(b[:]), sha256.Sum256(b[:])
	return reputation.FileRecord{
		MD5: hex.EncodeToString(m[:]), SHA1: hex.EncodeToString(s1[:]), SHA256: hex.EncodeToString(s256[:]),
		Name: fmt.Sprintf("file%d.dll", i), Product: fmt.Sprint("Product ", i%1000), Version: fmt.Sprint("1.0.", i%100),
		Publisher: fmt.Sprint("Vendor ", i%500), Source: "bench", Trust: reputation.TrustKnown,
	}
}

// fill writes records [from, to) in batches.
func fill(tb testing.TB, w reputation.Writer, from, to, batch int) {
	tb.Helper()
	for lo := from; lo < to; lo += batch {
		err := w.Update(context.Background(), func(tx reputation.Tx) error {
			for i := lo; i < min(lo+batch, to); i++ {
				if err := tx.PutFile(benchRecord(i)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
}

func benchKBs(b *testing.B, n int) map[string]reputation.ReadWriter {
	s, err := store.Create(filepath.Join(b.TempDir(), "kb.sqlite"), store.WithCacheSize(64))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	m := reputation.NewMemKB()
	fill(b, s, 0, n, 10000)
	fill(b, m, 0, n, 10000)
	return map[string]reputation.ReadWriter{"mem": m, "store": s}
}

// BenchmarkFiles measures point lookups, half hits and half misses, by
// SHA-256 and by MD5, alone and from parallel goroutines.
func BenchmarkFiles(b *testing.B) {
	const n = 50000
	kbs := benchKBs(b, n)
	for _, kind := range []string{"mem", "store"} {
		kb := kbs[kind]
		ctx := context.Background()
		for _, alg := range []string{"sha256", "md5"} {
			keys := make([]string, 2*n) // keys[n:] are misses
			for i := range keys {
				r := benchRecord(i)
				keys[i] = r.SHA256
				if alg == "md5" {
					keys[i] = r.MD5
				}
			}
			key := func(i int) string { return keys[i%len(keys)] }
			b.Run(kind+"/"+alg, func(b *testing.B) {
				i := 0
				for b.Loop() {
					kb.Files(ctx, key(i))
					i++
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
			})
			b.Run(kind+"/"+alg+"/parallel", func(b *testing.B) {
				b.RunParallel(func(pb *testing.PB) {
					i := 0
					for pb.Next() {
						kb.Files(ctx, key(i))
						i += 7
					}
				})
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
			})
		}
	}
}

// BenchmarkImportHashList measures the import rate of a hash list of
// SHA-256 values into a store that grows with each iteration.
func BenchmarkImportHashList(b *testing.B) {
	const per = 10000
	for _, kind := range []string{"mem", "store"} {
		b.Run(kind, func(b *testing.B) {
			var kb reputation.Writer = reputation.NewMemKB()
			if kind == "store" {
				s, err := store.Create(filepath.Join(b.TempDir(), "kb.sqlite"), store.WithCacheSize(64))
				if err != nil {
					b.Fatal(err)
				}
				defer s.Close()
				kb = s
			}
			it := 0
			for b.Loop() {
				b.StopTimer()
				var list strings.Builder
				for i := range per {
					fmt.Fprintf(&list, "%s file%d.exe\n", benchRecord(it*per+i).SHA256, i)
				}
				it++
				b.StartTimer()
				if _, err := store.ImportHashList(context.Background(), kb, strings.NewReader(list.String()), reputation.TrustBad); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*per)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

// BenchmarkImportNSRL measures the NSRL importer on a generated RDS v3
// database of 100,000 files.
func BenchmarkImportNSRL(b *testing.B) {
	const n = 100000
	files := make([]nsrlFile, n)
	for i := range files {
		r := benchRecord(i)
		files[i] = nsrlFile{strings.ToUpper(r.SHA256), strings.ToUpper(r.SHA1), strings.ToUpper(r.MD5), r.Name, 1 + i%2}
	}
	rds := newNSRL(b, files, true)
	for b.Loop() {
		b.StopTimer()
		s, err := store.Create(filepath.Join(b.TempDir(), "kb.sqlite"), store.WithCacheSize(128))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res, err := store.ImportNSRL(context.Background(), s, rds, store.WithBatchSize(50000))
		if err != nil || res.Imported != n {
			b.Fatal(res, err)
		}
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkStore1M is the measurement behind the choice of SQLite (doc.go):
// one million records with three hashes each, imported in transactions of
// 50,000, then the file size, a cold open with its first lookup, and point
// lookups. It takes about a minute; run it with
//
//	go test -run '^$' -bench Store1M -benchtime 1x ./reputation/
func BenchmarkStore1M(b *testing.B) {
	if testing.Short() {
		b.Skip("imports a million records")
	}
	const n, batch = 1_000_000, 50_000
	for b.Loop() {
		path := filepath.Join(b.TempDir(), "kb.sqlite")
		s, err := store.Create(path, store.WithCacheSize(128))
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		fill(b, s, 0, n, batch)
		imp := time.Since(start)
		s.Close()
		st, err := os.Stat(path)
		if err != nil {
			b.Fatal(err)
		}

		start = time.Now()
		ro, err := store.Open(path, store.WithReadOnly())
		if err != nil {
			b.Fatal(err)
		}
		if _, err := ro.Files(context.Background(), benchRecord(5).SHA256); err != nil {
			b.Fatal(err)
		}
		cold := time.Since(start)

		const lookups = 100000
		start = time.Now()
		for i := range lookups {
			ro.Files(context.Background(), benchRecord(i*7919%(2*n)).SHA256)
		}
		look := time.Since(start)
		ro.Close()

		b.ReportMetric(float64(n)/imp.Seconds(), "import-records/s")
		b.ReportMetric(float64(st.Size())/(1<<20), "file-MiB")
		b.ReportMetric(float64(cold.Microseconds())/1000, "cold-open-ms")
		b.ReportMetric(lookups/look.Seconds(), "lookups/s")
	}
}
