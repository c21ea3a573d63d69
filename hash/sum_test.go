package hash

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSumKnownAnswers(t *testing.T) {
	for _, n := range testSizes {
		b := randomBytes(n, uint64(n))
		want := reference(b)
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			assert.Equal(t, want, Sum(b), "Sum")

			got, err := SumContext(t.Context(), b)
			require.NoError(t, err)
			assert.Equal(t, want, got, "SumContext")

			got, err = SumReader(t.Context(), bytes.NewReader(b))
			require.NoError(t, err)
			assert.Equal(t, want, got, "SumReader")

			readers := map[string]io.Reader{
				"half":    iotest.HalfReader(bytes.NewReader(b)),
				"dataerr": iotest.DataErrReader(bytes.NewReader(b)),
			}
			if n <= 1<<20 {
				readers["onebyte"] = iotest.OneByteReader(bytes.NewReader(b))
			}
			for name, r := range readers {
				got, err = SumReader(t.Context(), r)
				require.NoError(t, err, name)
				assert.Equal(t, want, got, "SumReader %s", name)
			}
		})
	}
}

func TestSumNotModified(t *testing.T) {
	b := randomBytes(1<<20, 8)
	c := bytes.Clone(b)
	Sum(b)
	assert.Equal(t, c, b)
}

// plans run the engine in every shape it can take, whatever the number of
// CPUs: tiny chunks so that a small input makes many of them, windows from
// lockstep (1) to wide, one to four goroutines, and fixed splits of the
// tasks between goroutines.
func plans() map[string]plan {
	const all = 1<<numTasks - 1
	md5Only := uint8(1<<taskMD5 | 1<<taskRead)
	rest := uint8(all &^ (1 << taskMD5))
	ps := map[string]plan{}
	for _, chunk := range []int{64, 192, 4096} {
		for _, window := range []int{1, 2, 3, maxWindow} {
			for workers := 1; workers <= maxWorkers; workers++ {
				name := fmt.Sprintf("chunk=%d/window=%d/workers=%d", chunk, window, workers)
				ps[name] = plan{chunk: chunk, window: window, workers: workers, digests: AllDigests}
			}
			ps[fmt.Sprintf("chunk=%d/window=%d/md5|rest", chunk, window)] = plan{
				chunk: chunk, window: window, workers: 2, allow: []uint8{md5Only, rest}, digests: AllDigests,
			}
		}
	}
	return ps
}

func TestEnginePlans(t *testing.T) {
	inputs := [][]byte{nil, randomBytes(1, 9), randomBytes(64, 10), randomBytes(1000, 11), randomBytes(20_000, 12)}
	for name, p := range plans() {
		// Every other plan also leaves the histogram out.
		p.noHist = len(name)%2 == 0
		if p.noHist {
			name += "/nohist"
		}
		t.Run(name, func(t *testing.T) {
			for _, b := range inputs {
				want := reference(b)
				if p.noHist {
					want.Histogram = Histogram{}
				}
				got, err := sum(t.Context(), b, p)
				require.NoError(t, err)
				require.Equal(t, want, got, "sum, %d bytes", len(b))

				got, err = sumReader(t.Context(), bytes.NewReader(b), p)
				require.NoError(t, err)
				require.Equal(t, want, got, "sumReader, %d bytes", len(b))

				got, err = sumReader(t.Context(), iotest.HalfReader(bytes.NewReader(b)), p)
				require.NoError(t, err)
				require.Equal(t, want, got, "sumReader half, %d bytes", len(b))
			}
		})
	}
}

// defaultPlanFor is the default plan with the given number of goroutines,
// so that tests exercise both paths on any machine.
func defaultPlanFor(workers int) plan {
	p := defaultPlan()
	p.workers = workers
	return p
}

func TestSumLarge(t *testing.T) {
	b := randomBytes(5<<20+3, 13)
	want := reference(b)
	for _, workers := range []int{1, 2, 3} {
		p := defaultPlanFor(workers)
		got, err := sum(t.Context(), b, p)
		require.NoError(t, err)
		assert.Equal(t, want, got, "sum, workers=%d", workers)
		got, err = sumReader(t.Context(), iotest.HalfReader(bytes.NewReader(b)), p)
		require.NoError(t, err)
		assert.Equal(t, want, got, "sumReader, workers=%d", workers)
	}
}

// countdownCtx is a context that reports itself canceled from the n-th
// call of Err on, so a test can cancel deterministically halfway through.
type countdownCtx struct {
	context.Context
	n     atomic.Int64
	calls atomic.Int64
}

func newCountdownCtx(n int64) *countdownCtx {
	c := &countdownCtx{Context: context.Background()}
	c.n.Store(n)
	return c
}

func (c *countdownCtx) Err() error {
	c.calls.Add(1)
	if c.n.Add(-1) <= 0 {
		return context.Canceled
	}
	return nil
}

func TestSumContextCanceled(t *testing.T) {
	b := randomBytes(2<<20, 14)

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := SumContext(ctx, b)
	require.ErrorIs(t, err, context.Canceled)
	_, err = SumReader(ctx, bytes.NewReader(b))
	require.ErrorIs(t, err, context.Canceled)

	// Canceled halfway: both paths notice between chunks.
	for _, workers := range []int{1, 2} {
		ctx := newCountdownCtx(4)
		s, err := sum(ctx, b, defaultPlanFor(workers))
		require.ErrorIs(t, err, context.Canceled, "workers=%d", workers)
		assert.Zero(t, s, "no partial result")
		assert.Less(t, ctx.calls.Load(), int64(len(b)/chunkSize*tasksPerChunk), "stopped early")

		ctx = newCountdownCtx(4)
		_, err = sumReader(ctx, bytes.NewReader(b), defaultPlanFor(workers))
		require.ErrorIs(t, err, context.Canceled, "reader, workers=%d", workers)
	}

	// The cause travels along.
	cause := errors.New("operator gave up")
	cctx, ccancel := context.WithCancelCause(t.Context())
	ccancel(cause)
	_, err = SumContext(cctx, b)
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorIs(t, err, cause)
}

// endless yields pseudo-random bytes forever and cancels a context once it
// has given more than after bytes, counting what it gives from then on.
type endless struct {
	after  int64
	cancel context.CancelFunc
	read   int64
	extra  int64
}

func (r *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r.read + int64(i)*31)
	}
	if r.read > r.after {
		r.cancel()
		r.extra += int64(len(p))
	}
	r.read += int64(len(p))
	return len(p), nil
}

func TestSumReaderCancelPrompt(t *testing.T) {
	for _, workers := range []int{1, 2, 4} {
		ctx, cancel := context.WithCancel(t.Context())
		r := &endless{after: 3 << 20, cancel: cancel}
		_, err := sumReader(ctx, r, defaultPlanFor(workers))
		require.ErrorIs(t, err, context.Canceled, "workers=%d", workers)
		// The read that cancels is the last one.
		assert.LessOrEqual(t, r.extra, int64(chunkSize), "workers=%d read on after cancel", workers)
		cancel()
	}
}

var errBoom = errors.New("disk on fire")

// failing yields n good bytes, then fails with err.
type failing struct {
	r   io.Reader
	err error
}

func (f *failing) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		return n, f.err
	}
	return n, err
}

func TestSumReaderError(t *testing.T) {
	for _, n := range []int{0, 100, chunkSize, 3*chunkSize + 5, 3 << 20} {
		b := randomBytes(n, uint64(n))
		for _, workers := range []int{1, 2} {
			p := defaultPlanFor(workers)
			s, err := sumReader(t.Context(), &failing{bytes.NewReader(b), errBoom}, p)
			require.ErrorIs(t, err, errBoom, "n=%d workers=%d", n, workers)
			assert.Zero(t, s)
			assert.Contains(t, err.Error(), "hash: reading input")

			_, err = sumReader(t.Context(), iotest.TimeoutReader(iotest.HalfReader(bytes.NewReader(b))), p)
			if n > 1 {
				require.ErrorIs(t, err, iotest.ErrTimeout, "n=%d workers=%d", n, workers)
			}
		}
	}
	_, err := SumReader(t.Context(), iotest.ErrReader(errBoom))
	require.ErrorIs(t, err, errBoom)
}

// The pools hand out hashers and buffers again: a failed or canceled call
// must not leave state behind for the next one.
func TestReuseAfterFailure(t *testing.T) {
	b := randomBytes(2<<20, 15)
	want := reference(b)
	for range 3 {
		_, err := sumReader(t.Context(), &failing{bytes.NewReader(b), errBoom}, defaultPlanFor(2))
		require.ErrorIs(t, err, errBoom)
		_, err = sum(newCountdownCtx(3), b, defaultPlanFor(2))
		require.ErrorIs(t, err, context.Canceled)
		got, err := sumReader(t.Context(), bytes.NewReader(b), defaultPlanFor(2))
		require.NoError(t, err)
		require.Equal(t, want, got)
		require.Equal(t, want, Sum(b))
	}
}

func TestSumAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under the race detector")
	}
	b := randomBytes(4096, 16)
	Sum(b) // fill the pool
	assert.Zero(t, testing.AllocsPerRun(100, func() { Sum(b) }), "Sum 4 KiB")
	ctx := t.Context()
	assert.Zero(t, testing.AllocsPerRun(100, func() { _, _ = SumContext(ctx, b) }), "SumContext 4 KiB")
	r := bytes.NewReader(b)
	assert.Zero(t, testing.AllocsPerRun(100, func() {
		r.Reset(b)
		_, _ = SumReader(ctx, r)
	}), "SumReader 4 KiB")
}

func TestSumsEntropy(t *testing.T) {
	b := randomBytes(70_000, 17)
	s := Sum(b)
	assert.InDelta(t, naiveEntropy(b), s.Entropy(), 1e-9)
	assert.Equal(t, Entropy(b), s.Entropy())
}

// panicky panics on its second Read.
type panicky struct{ reads int }

func (p *panicky) Read(b []byte) (int, error) {
	p.reads++
	if p.reads > 1 {
		panic("reader broke")
	}
	return len(b), nil
}

// A reader's panic reaches the caller of SumReader, whichever goroutine
// was reading, instead of crashing the program from a goroutine of ours.
func TestSumReaderPanic(t *testing.T) {
	for _, workers := range []int{1, 2, 4} {
		require.PanicsWithValue(t, "reader broke", func() {
			_, _ = sumReader(t.Context(), &panicky{}, defaultPlanFor(workers))
		}, "workers=%d", workers)
	}
	// The pooled state is fine afterwards.
	b := randomBytes(3<<20, 23)
	got, err := sumReader(t.Context(), bytes.NewReader(b), defaultPlanFor(2))
	require.NoError(t, err)
	require.Equal(t, reference(b), got)
}

func TestSumDigestsContext(t *testing.T) {
	for _, n := range []int{0, 1, 65, parallelMin - 1, parallelMin, 3<<20 + 7} {
		b := randomBytes(n, uint64(n)+100)
		want := reference(b)
		want.Histogram = Histogram{}
		got, err := SumDigestsContext(t.Context(), b)
		require.NoError(t, err)
		assert.Equal(t, want, got, "n=%d", n)
		assert.Zero(t, got.Entropy())
	}
	_, err := SumDigestsContext(newCountdownCtx(3), randomBytes(2<<20, 24))
	require.ErrorIs(t, err, context.Canceled)
}
