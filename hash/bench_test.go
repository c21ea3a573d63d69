package hash

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/zeebo/blake3"

	"github.com/filerep/filerep/hash/ssdeep"
	"github.com/filerep/filerep/hash/tlsh"
)

// Benchmarks run only with -bench; the 256 MiB input is made on first use
// and never by the ordinary tests.

type benchSize struct {
	name string
	n    int
}

var (
	size4K   = benchSize{"4KiB", 4 << 10}
	size1M   = benchSize{"1MiB", 1 << 20}
	size256M = benchSize{"256MiB", 256 << 20}
)

var bigInput = sync.OnceValue(func() []byte { return randomBytes(size256M.n, 256) })

func benchInput(n int) []byte {
	return bigInput()[:n]
}

func benchEach(b *testing.B, sizes []benchSize, f func(b *testing.B, data []byte)) {
	for _, s := range sizes {
		b.Run(s.name, func(b *testing.B) {
			data := benchInput(s.n)
			b.SetBytes(int64(len(data)))
			b.ResetTimer()
			f(b, data)
		})
	}
}

var allSizes = []benchSize{size4K, size1M, size256M}

func BenchmarkMD5(b *testing.B) {
	benchEach(b, allSizes, func(b *testing.B, data []byte) {
		for b.Loop() {
			md5.Sum(data)
		}
	})
}

func BenchmarkSHA1(b *testing.B) {
	benchEach(b, allSizes, func(b *testing.B, data []byte) {
		for b.Loop() {
			sha1.Sum(data)
		}
	})
}

func BenchmarkSHA256(b *testing.B) {
	benchEach(b, allSizes, func(b *testing.B, data []byte) {
		for b.Loop() {
			sha256.Sum256(data)
		}
	})
}

func BenchmarkBLAKE3(b *testing.B) {
	benchEach(b, allSizes, func(b *testing.B, data []byte) {
		for b.Loop() {
			blake3.Sum256(data)
		}
	})
}

func BenchmarkHistogram(b *testing.B) {
	benchEach(b, allSizes, func(b *testing.B, data []byte) {
		for b.Loop() {
			var h Histogram
			h.Add(data)
		}
	})
	// Runs of one byte value: what the four tables are for.
	zeros := make([]byte, size1M.n)
	b.Run("1MiB-zeros", func(b *testing.B) {
		b.SetBytes(int64(len(zeros)))
		for b.Loop() {
			var h Histogram
			h.Add(zeros)
		}
	})
}

func BenchmarkSum(b *testing.B) {
	benchEach(b, append([]benchSize{{"64B", 64}}, allSizes...), func(b *testing.B, data []byte) {
		for b.Loop() {
			Sum(data)
		}
	})
}

func BenchmarkSumReader(b *testing.B) {
	benchEach(b, []benchSize{size4K, size1M, size256M}, func(b *testing.B, data []byte) {
		r := bytes.NewReader(data)
		for b.Loop() {
			r.Reset(data)
			if _, err := SumReader(b.Context(), r); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkMulti(b *testing.B) {
	benchEach(b, []benchSize{size4K, size1M}, func(b *testing.B, data []byte) {
		m := New()
		for b.Loop() {
			m.Reset()
			m.Write(data)
			m.Sums()
		}
	})
}

// BenchmarkSumPlans compares ways to spread the work, on one input of
// 256 MiB: the default (any goroutine takes any
// task, oldest chunk first), the window of chunks in flight (1 is
// lockstep), the chunk size, fixed splits of the tasks between two
// goroutines, one goroutine, and each function over the whole input in
// turn.
func BenchmarkSumPlans(b *testing.B) {
	data := benchInput(size256M.n)
	warmUp(data)
	const all = 1<<numTasks - 1
	bit := func(ts ...int) uint8 {
		var m uint8
		for _, t := range ts {
			m |= 1 << t
		}
		return m
	}
	def := defaultPlanFor(2)
	with := func(f func(p *plan)) plan {
		p := def
		f(&p)
		return p
	}
	type alt struct {
		name string
		p    plan
	}
	alts := []alt{
		{"default", def},
		{"serial", defaultPlanFor(1)},
		{"split=md5|rest", with(func(p *plan) {
			p.allow = []uint8{bit(taskMD5, taskRead), all &^ bit(taskMD5)}
		})},
		{"split=md5+blake3|rest", with(func(p *plan) {
			p.allow = []uint8{bit(taskMD5, taskBLAKE3, taskRead), all &^ bit(taskMD5, taskBLAKE3)}
		})},
		{"split=md5+hist|rest", with(func(p *plan) {
			p.allow = []uint8{bit(taskMD5, taskHist, taskRead), all &^ bit(taskMD5)}
		})},
	}
	alts = append(alts, alt{"nohist", with(func(p *plan) { p.noHist = true })})
	for _, w := range []int{1, 2, 4, 8, 16} {
		alts = append(alts, alt{fmt.Sprintf("window=%d", w), with(func(p *plan) { p.window = w })})
	}
	for _, c := range []int{64 << 10, 128 << 10, 512 << 10, 1 << 20} {
		alts = append(alts, alt{fmt.Sprintf("chunk=%dKiB", c>>10), with(func(p *plan) { p.chunk = c })})
	}
	b.Run("unchunked", func(b *testing.B) {
		// Each function over the whole input in turn, on one goroutine.
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			md5.Sum(data)
			sha1.Sum(data)
			sha256.Sum256(data)
			blake3.Sum256(data)
			var h Histogram
			h.Add(data)
		}
	})
	b.Run("unchunked-split=md5+blake3|rest", func(b *testing.B) {
		// Two goroutines, each running its functions over the whole input.
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			var wg sync.WaitGroup
			wg.Go(func() {
				md5.Sum(data)
				blake3.Sum256(data)
			})
			sha1.Sum(data)
			sha256.Sum256(data)
			var h Histogram
			h.Add(data)
			wg.Wait()
		}
	})
	for _, a := range alts {
		b.Run(a.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := sum(b.Context(), data, a.p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkParallelMin finds where concurrency starts to pay: each size
// hashed serially and with two goroutines, with the input cut into four
// chunks (the default) or into whole 256 KiB chunks.
func BenchmarkParallelMin(b *testing.B) {
	for _, n := range []int{32 << 10, 64 << 10, 128 << 10, 256 << 10, 512 << 10, 1 << 20} {
		data := benchInput(n)
		for _, mode := range []struct {
			name string
			p    plan
		}{
			{"serial", defaultPlanFor(1)},
			{"parallel", with2(func(p *plan) { p.parallelMin = 0 })},
			{"parallel-whole-chunks", with2(func(p *plan) { p.parallelMin = 0; p.minChunk = 0 })},
		} {
			b.Run(fmt.Sprintf("%dKiB/%s", n>>10, mode.name), func(b *testing.B) {
				b.SetBytes(int64(n))
				for b.Loop() {
					sum(b.Context(), data, mode.p)
				}
			})
		}
	}
}

func with2(f func(p *plan)) plan {
	p := defaultPlanFor(2)
	f(&p)
	return p
}

// BenchmarkSumVsMD5 times MD5 alone and Sum on the same 256 MiB input,
// alternately in each iteration, so that both see the same load on a
// shared machine. It reports each one's MB/s, their ratio (the target is
// Sum ≥ 0.75 × MD5; about 0.85 is the limit on two cores) and, on Linux,
// how many cores other processes kept busy while Sum ran ("other-cores"):
// Sum needs both cores, so a busy neighbour halves it while MD5, needing
// one, hardly notices.
func BenchmarkSumVsMD5(b *testing.B) {
	data := benchInput(size256M.n)
	warmUp(data)
	var md5Time, sumTime, others time.Duration
	load := true
	for b.Loop() {
		t0 := time.Now()
		md5.Sum(data)
		t1 := time.Now()
		all0, self0, ok0 := cpuTimes()
		Sum(data)
		all1, self1, ok1 := cpuTimes()
		md5Time += t1.Sub(t0)
		sumTime += time.Since(t1)
		load = load && ok0 && ok1
		others += (all1 - all0) - (self1 - self0)
	}
	mb := float64(b.N) * float64(len(data)) / 1e6
	b.ReportMetric(mb/md5Time.Seconds(), "md5-MB/s")
	b.ReportMetric(mb/sumTime.Seconds(), "sum-MB/s")
	b.ReportMetric(md5Time.Seconds()/sumTime.Seconds(), "sum/md5")
	if load {
		b.ReportMetric(max(0, others.Seconds()/sumTime.Seconds()), "other-cores")
	}
	b.ReportMetric(0, "ns/op")
}

// warmUp runs Sum once and collects garbage, so that the first of a series
// of benchmarks does not pay for filling pools or for the input just made.
func warmUp(data []byte) {
	Sum(data)
	runtime.GC()
}

// BenchmarkSumReaderPlans compares windows and chunk sizes for streams:
// the ring of buffers is window × chunk bytes.
func BenchmarkSumReaderPlans(b *testing.B) {
	data := benchInput(size256M.n)
	warmUp(data)
	for _, wc := range []struct{ window, chunk int }{
		{4, 256 << 10}, {8, 128 << 10}, {8, 256 << 10}, {16, 64 << 10}, {4, 1 << 20},
	} {
		p := defaultPlanFor(2)
		p.window, p.chunk = wc.window, wc.chunk
		b.Run(fmt.Sprintf("window=%d/chunk=%dKiB", wc.window, wc.chunk>>10), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			r := bytes.NewReader(data)
			for b.Loop() {
				r.Reset(data)
				if _, err := sumReader(b.Context(), r, p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSumSimilarity measures what the similarity digests cost: the
// default Sum against SumSome with ssdeep and TLSH added, and against the
// two similarity hashes alone on one goroutine after the default Sum (two
// reads), in the same loop on the same 64 MiB.
func BenchmarkSumSimilarity(b *testing.B) {
	data := benchInput(64 << 20)
	warmUp(data)
	ctx := context.Background()
	var plain, every, twoReads time.Duration
	for b.Loop() {
		t0 := time.Now()
		Sum(data)
		t1 := time.Now()
		if _, err := SumSome(ctx, data, EveryDigest, true); err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		Sum(data)
		ssdeep.Sum(data)
		tlsh.Sum(data)
		t3 := time.Now()
		plain += t1.Sub(t0)
		every += t2.Sub(t1)
		twoReads += t3.Sub(t2)
	}
	mb := float64(b.N) * float64(len(data)) / 1e6
	b.ReportMetric(mb/plain.Seconds(), "sum-MB/s")
	b.ReportMetric(mb/every.Seconds(), "every-MB/s")
	b.ReportMetric(mb/twoReads.Seconds(), "separate-MB/s")
	b.ReportMetric(every.Seconds()/plain.Seconds(), "every/sum")
	b.ReportMetric(0, "ns/op")
}
