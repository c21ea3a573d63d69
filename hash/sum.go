package hash

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"

	"github.com/filerep/filerep/hash/ssdeep"
	"github.com/filerep/filerep/hash/tlsh"
)

const (
	// chunkSize is how much input every hasher gets in turn: small enough
	// to stay in a core's L2 cache (512 KiB here) while all five pass over
	// it, large enough that handing chunks between goroutines costs little.
	// It is a multiple of every hasher's block size (64 bytes; BLAKE3 takes
	// whole 8 KiB batches straight from the input when it can).
	chunkSize = 256 << 10

	// parallelMin is the input size from which Sum and SumReader spread the
	// hashers over goroutines. Below it the goroutines cost more than they
	// give.
	parallelMin = 256 << 10

	// minChunk is the smallest chunk Sum cuts an input of less than a
	// window of chunks (1 MiB) into.
	minChunk = 16 << 10
)

// Sums is what one pass over an input yields: its size, four digests and
// its byte histogram, and the similarity digests when asked for
// ([DigestSSDEEP], [DigestTLSH]). It is a plain value (about 2.3 KiB, most
// of it the histogram) that can be copied and compared with ==.
type Sums struct {
	Size      int64     // bytes hashed
	MD5       MD5       // MD5 digest
	SHA1      SHA1      // SHA-1 digest
	SHA256    SHA256    // SHA-256 digest
	BLAKE3    BLAKE3    // BLAKE3 digest, 256 bits
	Histogram Histogram // how often each byte value occurs; see [Sums.Entropy]

	// SSDEEP is the ssdeep digest, when asked for with DigestSSDEEP; zero
	// otherwise, and for inputs over 192 GiB (SSDEEPErr says so).
	SSDEEP    ssdeep.Digest
	SSDEEPErr error
	// TLSH is the TLSH digest, when asked for with DigestTLSH and the
	// input has one. When it has none TLSH is zero and TLSHErr wraps
	// tlsh.ErrTooShort (under 256 bytes) or tlsh.ErrTooSimple (too little
	// variety, such as all zeros); both wrap tlsh.ErrNoDigest.
	TLSH    tlsh.Digest
	TLSHErr error
}

// Entropy returns the Shannon entropy of the input in bits per byte (0..8);
// see [Histogram.Entropy].
func (s *Sums) Entropy() float64 { return s.Histogram.Entropy() }

// Sum hashes b in one pass and returns its size, digests and histogram.
//
// Inputs under 256 KiB, and every input when only one CPU is usable
// (GOMAXPROCS), are hashed on the calling goroutine, without allocating.
// Larger inputs are cut into chunks (256 KiB, a quarter of the input under
// 1 MiB) that goroutines pass through the hashers concurrently; see the
// package documentation. Sum only reads b, and is safe for concurrent use.
func Sum(b []byte) Sums {
	s, _ := sum(context.Background(), b, defaultPlan())
	return s
}

// SumContext is [Sum] that gives up when ctx is done. It checks ctx before
// each chunk (256 KiB), so it stops within a millisecond or so, and then
// returns zero Sums and an error wrapping ctx.Err() (and the cause, when
// one was given; see [context.WithCancelCause]).
func SumContext(ctx context.Context, b []byte) (Sums, error) {
	return sum(ctx, b, defaultPlan())
}

// SumDigestsContext is [SumContext] without the histogram: Sums.Histogram
// stays zero. It is for callers that count the bytes themselves anyway
// (package pe counts each section's bytes for its entropy, and the whole
// file's histogram is the sum of those counts and the gaps between them),
// so that no byte is counted twice.
func SumDigestsContext(ctx context.Context, b []byte) (Sums, error) {
	p := defaultPlan()
	p.noHist = true
	return sum(ctx, b, p)
}

// SumReader hashes everything r yields until io.EOF and returns its size,
// digests and histogram. Memory stays constant: at most 1 MiB of buffers,
// reused across calls. Streams longer than 256 KiB are hashed concurrently
// when more than one CPU is usable, reading ahead while the hashers work.
//
// An error from r other than io.EOF stops the hashing; SumReader then
// returns zero Sums and an error that wraps the reader's. It checks ctx
// between reads and returns an error wrapping ctx.Err() once ctx is done;
// a Read that blocks cannot be interrupted, though.
//
// r may be read from goroutines other than the caller's, one Read at a
// time. If a Read panics, SumReader panics with the same value on the
// caller's goroutine.
func SumReader(ctx context.Context, r io.Reader) (Sums, error) {
	return sumReader(ctx, r, defaultPlan())
}

// usableCPUs reports how many goroutines can hash at once.
func usableCPUs() int {
	return min(runtime.GOMAXPROCS(0), runtime.NumCPU())
}

func sum(ctx context.Context, b []byte, p plan) (Sums, error) {
	if err := ctxError(ctx); err != nil {
		return Sums{}, err
	}
	if p.workers < 2 || len(b) < p.parallelMin {
		return sumSerial(ctx, b, p.chunk, p.noHist, p.digests)
	}
	if p.noHist && p.digests&EveryDigest == 0 {
		return Sums{Size: int64(len(b))}, nil // nothing to compute
	}
	// An input of less than a window of chunks is cut into smaller chunks,
	// so that every goroutine gets a share of it.
	if p.minChunk > 0 && len(b) < p.window*p.chunk {
		p.chunk = min(p.chunk, max(p.minChunk, (len(b)/p.window+63)&^63))
	}
	e := getEngine(p)
	defer putEngine(e)
	e.src = b
	e.total = (len(b) + p.chunk - 1) / p.chunk
	e.eof = true
	e.size = int64(len(b))
	e.makeAvailable()
	return e.run(ctx)
}

var hashersPool = sync.Pool{New: func() any { return newHashers() }}

// sumSerial hashes b on the calling goroutine, chunk by chunk, each chunk
// through all hashers while it is in cache.
func sumSerial(ctx context.Context, b []byte, chunk int, noHist bool, which Digests) (Sums, error) {
	h := hashersPool.Get().(*hashers)
	defer hashersPool.Put(h)
	h.reset()
	s := Sums{Size: int64(len(b))}
	for first := true; len(b) > 0; first = false {
		if !first {
			if err := ctxError(ctx); err != nil {
				return Sums{}, err
			}
		}
		c := b[:min(len(b), chunk)]
		h.write(c, which)
		if !noHist {
			s.Histogram.Add(c)
		}
		b = b[len(c):]
	}
	h.sum(&s, which)
	return s, nil
}

func sumReader(ctx context.Context, r io.Reader, p plan) (Sums, error) {
	if err := ctxError(ctx); err != nil {
		return Sums{}, err
	}
	e := getEngine(p)
	defer putEngine(e)
	e.useRing()

	// Read the first chunk: a short stream is done with it.
	buf := e.slot(0)
	n, err := io.ReadFull(r, buf)
	switch {
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		return sumSerial(ctx, buf[:n], p.chunk, p.noHist, p.digests)
	case err != nil:
		return Sums{}, readError(err)
	}
	if p.workers < 2 {
		return e.serialReader(ctx, r, n)
	}
	e.r = r
	e.publish(0, n)
	return e.run(ctx)
}

// serialReader hashes the n bytes in slot 0, then the rest of r, on the
// calling goroutine, through a single buffer.
func (e *engine) serialReader(ctx context.Context, r io.Reader, n int) (Sums, error) {
	buf := e.slot(0)
	var s Sums
	for {
		c := buf[:n]
		e.h.write(c, e.p.digests)
		if !e.p.noHist {
			s.Histogram.Add(c)
		}
		s.Size += int64(n)
		if n < len(buf) {
			break
		}
		if err := ctxError(ctx); err != nil {
			return Sums{}, err
		}
		var err error
		n, err = io.ReadFull(r, buf)
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			continue // hash the last n bytes, then stop
		}
		if err != nil {
			return Sums{}, readError(err)
		}
	}
	e.h.sum(&s, e.p.digests)
	return s, nil
}

// ctxError returns nil while ctx is not done, else an error wrapping
// ctx.Err() and, if it differs, context.Cause(ctx).
func ctxError(ctx context.Context) error {
	err := ctx.Err()
	if err == nil {
		return nil
	}
	if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, err) {
		return fmt.Errorf("hash: %w: %w", err, cause)
	}
	return fmt.Errorf("hash: %w", err)
}

func readError(err error) error {
	return fmt.Errorf("hash: reading input: %w", err)
}
