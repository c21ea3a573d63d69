package hash

import (
	"context"
	"errors"
	"io"
	"math"
	"sync"
)

// Tasks. Each of the four hash functions is a chain: chunk i+1 can only go
// through it after chunk i, so one goroutine at a time runs it. The
// histogram of a chunk can be counted anywhere, at any time, into the
// counting goroutine's own histogram. Reading the next chunk of a stream is
// a chain too.
const (
	taskMD5 = iota
	taskSHA1
	taskSHA256
	taskBLAKE3
	taskSSDEEP // similarity digests, only when asked for (DigestSSDEEP, DigestTLSH)
	taskTLSH
	numChains // the hash functions are tasks 0..numChains-1
	taskHist  = numChains
	taskRead  = numChains + 1
	numTasks  = numChains + 2
	taskNone  = -1

	tasksPerChunk = numChains + 1 // the digests and a histogram
)

// byCost lists the per-chunk tasks from the slowest to the fastest on the
// machines we measured (ssdeep ~250 MB/s, TLSH ~260, MD5 ~650, SHA-256
// ~1450, SHA-1 ~1550, histogram ~2000, BLAKE3 ~3300): among chunks equally
// far behind, a free goroutine takes the longest task first. ssdeep and
// TLSH are handed out only when asked for.
var byCost = [tasksPerChunk]int{taskSSDEEP, taskTLSH, taskMD5, taskSHA256, taskSHA1, taskHist, taskBLAKE3}

const (
	maxWorkers = 4  // five tasks per chunk, one of them MD5: more cores barely help
	maxWindow  = 16 // chunks in flight, at most
)

// plan says how to hash one input.
type plan struct {
	chunk       int // bytes per chunk, a multiple of 64
	window      int // chunks in flight: read ahead, or handed out, before the oldest is done
	workers     int // goroutines, the caller's included
	parallelMin int // smaller inputs are hashed serially
	minChunk    int // if > 0, Sum cuts an input under window*chunk into window chunks of at least this size
	// noHist leaves the histogram out: only the digests are computed
	// (SumDigestsContext), for callers that count the bytes themselves.
	noHist bool
	// digests are the hash functions to run (SumSome): the others'
	// tasks are never handed out, and their digests stay zero.
	digests Digests
	// allow, when not nil, restricts worker w to the tasks whose bits are
	// set in allow[w] (bit k for task k). The benchmarks use it to compare
	// fixed splits with the default, where any worker takes any task.
	allow []uint8
}

// defaultWindow is the default number of chunks in flight: enough that a
// goroutine finding nothing left on the oldest chunk can start on the next
// ones, few enough that the chunks still sit in the shared cache when the
// slowest hasher (MD5) gets to them.
const defaultWindow = 4

func defaultPlan() plan {
	return plan{
		chunk:       chunkSize,
		window:      defaultWindow,
		workers:     min(usableCPUs(), maxWorkers),
		digests:     AllDigests,
		parallelMin: parallelMin,
		minChunk:    minChunk,
	}
}

// engine hashes one input with several goroutines. The input is a
// sequence of chunks; for each chunk there are five tasks (four hashers and
// the histogram). Goroutines share one queue of tasks guarded by mu: a free
// goroutine takes, among the tasks it may run now, the one on the oldest
// chunk, the slowest first. So they stay on the same few chunks (which stay
// in cache), and neither sits idle while the other has work it could share:
// on two cores one of them ends up running MD5 almost all the time and the
// other everything else, with the histogram balancing the two.
type engine struct {
	mu      sync.Mutex
	cond    sync.Cond
	waiting int // goroutines in cond.Wait

	p    plan
	ctx  context.Context
	h    hashers
	hist [maxWorkers]Histogram // one per goroutine, merged at the end
	wg   sync.WaitGroup

	// Input: either all of it in src, or a stream read into ring.
	src  []byte
	r    io.Reader
	ring []byte           // window slots of chunk bytes, for r
	lens [maxWindow]int   // bytes in each slot of ring
	size int64            // bytes of input so far
	eof  bool             // no chunk beyond total
	err  error            // first error: reading, or ctx
	pend [maxWindow]uint8 // tasks not yet done on the chunk in each slot

	total   int             // chunks in the input, once eof
	avail   int             // chunks 0..avail-1 are in memory
	low     int             // chunks 0..low-1 are done
	next    [numChains]int  // next chunk for each hash function
	busy    [numChains]bool // a goroutine is running that hash function
	histAt  int             // next chunk to count in a histogram
	reading bool            // a goroutine is reading the next chunk

	panicked any // what a task panicked with, if one did
}

// errPanicked stops the other goroutines after a task panicked.
var errPanicked = errors.New("hash: a task panicked")

var enginePool sync.Pool

func getEngine(p plan) *engine {
	e, _ := enginePool.Get().(*engine)
	if e == nil {
		e = new(engine)
		e.cond.L = &e.mu
		e.h.init()
	}
	e.p = p
	// The similarity hashers this run writes to need a reset afterwards
	// (putEngine); the tasks run on several goroutines, so they are
	// marked here, before any starts.
	e.h.dirty |= p.digests & SimilarityDigests
	return e
}

// useRing makes sure e has a ring of buffers for the plan's chunks.
func (e *engine) useRing() {
	if n := e.p.window * e.p.chunk; len(e.ring) < n {
		e.ring = make([]byte, n)
	}
}

func putEngine(e *engine) {
	ring := e.ring
	*e = engine{h: e.h, ring: ring}
	e.cond.L = &e.mu
	e.h.reset()
	enginePool.Put(e)
}

// slot returns ring slot k, a whole chunk long.
func (e *engine) slot(k int) []byte {
	return e.ring[k*e.p.chunk : (k+1)*e.p.chunk : (k+1)*e.p.chunk]
}

// data returns chunk i, which must be in memory.
func (e *engine) data(i int) []byte {
	if e.r == nil {
		return e.src[i*e.p.chunk : min((i+1)*e.p.chunk, len(e.src))]
	}
	k := i % e.p.window
	return e.slot(k)[:e.lens[k]]
}

// publish makes chunk e.avail, read into its slot, n bytes long, available.
// Called with mu held (or before any goroutine starts).
func (e *engine) publish(k, n int) {
	e.lens[k] = n
	e.pend[k] = e.perChunk()
	e.size += int64(n)
	e.avail++
}

// makeAvailable lets chunks of src in, up to a window past the oldest chunk
// not yet done. Called with mu held (or before any goroutine starts).
func (e *engine) makeAvailable() {
	for e.avail < e.total && e.avail < e.low+e.p.window {
		e.pend[e.avail%e.p.window] = e.perChunk()
		e.avail++
	}
}

// run hashes the input with p.workers goroutines, the caller being one.
func (e *engine) run(ctx context.Context) (Sums, error) {
	e.ctx = ctx
	e.wg.Add(e.p.workers - 1)
	for w := 1; w < e.p.workers; w++ {
		go func() {
			defer e.wg.Done()
			e.work(w)
		}()
	}
	e.work(0)
	e.wg.Wait()
	if e.panicked != nil {
		panic(e.panicked)
	}
	if e.err != nil {
		return Sums{}, e.err
	}
	s := Sums{Size: e.size}
	e.h.sum(&s, e.p.digests)
	for w := range e.p.workers {
		s.Histogram.Merge(&e.hist[w])
	}
	return s, nil
}

// work runs tasks until the input is done or an error stops it. A panic
// (from the reader: the hashers do not panic) stops every goroutine and is
// kept for run to raise again on the caller's goroutine, so that it does
// not crash the program from a goroutine the caller cannot guard.
func (e *engine) work(w int) {
	defer func() {
		if v := recover(); v != nil {
			e.mu.Lock()
			if e.panicked == nil {
				e.panicked = v
			}
			if e.err == nil {
				e.err = errPanicked
			}
			e.cond.Broadcast()
			e.mu.Unlock()
		}
	}()
	var allow uint8 = math.MaxUint8
	if e.p.allow != nil {
		allow = e.p.allow[w]
	}
	e.mu.Lock()
	for {
		t, i := e.claim(allow)
		if t == taskNone {
			e.mu.Unlock()
			return
		}
		e.mu.Unlock() // tasks run with mu not held
		var n int
		var err error
		if t == taskRead {
			n, err = io.ReadFull(e.r, e.slot(i%e.p.window))
		} else {
			e.do(w, t, i)
		}
		e.mu.Lock()
		if t == taskRead {
			e.readDone(i, n, err)
		} else {
			e.done(t, i)
		}
		if e.waiting > 0 {
			e.cond.Broadcast()
		}
	}
}

// claim picks the next task for a goroutine allowed the tasks in allow,
// waiting while there is none; taskNone means stop. Called with mu held.
func (e *engine) claim(allow uint8) (task, chunk int) {
	for {
		if e.err == nil {
			e.err = ctxError(e.ctx)
		}
		if e.err != nil || (e.eof && e.low == e.total) {
			return taskNone, 0
		}
		// Reading comes first, so that the hashers never wait for input
		// that could already be there.
		if e.r != nil && allow&(1<<taskRead) != 0 && !e.eof && !e.reading && e.avail < e.low+e.p.window {
			e.reading = true
			return taskRead, e.avail
		}
		task, chunk = taskNone, math.MaxInt
		for _, t := range byCost {
			if allow&(1<<t) == 0 {
				continue
			}
			var i int
			if t == taskHist && e.p.noHist {
				continue
			}
			if t < numChains && e.p.digests&(1<<t) == 0 {
				continue
			}
			if t == taskHist {
				i = e.histAt
			} else if e.busy[t] {
				continue
			} else {
				i = e.next[t]
			}
			if i < e.avail && i < chunk {
				task, chunk = t, i
			}
		}
		if task != taskNone {
			if task == taskHist {
				e.histAt++
			} else {
				e.busy[task] = true
			}
			return task, chunk
		}
		e.waiting++
		e.cond.Wait()
		e.waiting--
	}
}

// do runs task t on chunk i, as goroutine w, with mu not held.
func (e *engine) do(w, t, i int) {
	c := e.data(i)
	switch t {
	case taskMD5:
		e.h.md5.Write(c)
	case taskSHA1:
		e.h.sha1.Write(c)
	case taskSHA256:
		e.h.sha256.Write(c)
	case taskBLAKE3:
		e.h.blake3.Write(c)
	case taskSSDEEP:
		e.h.ssdeep.Write(c)
	case taskTLSH:
		e.h.tlsh.Write(c)
	case taskHist:
		e.hist[w].Add(c)
	}
}

// done records that task t finished chunk i. Called with mu held.
func (e *engine) done(t, i int) {
	if t != taskHist {
		e.busy[t] = false
		e.next[t]++
	}
	e.pend[i%e.p.window]--
	for e.low < e.avail && e.pend[e.low%e.p.window] == 0 {
		e.low++
	}
	if e.r == nil {
		e.makeAvailable()
	}
}

// readDone records the outcome of reading chunk i: n bytes and err, as
// io.ReadFull returned them. Called with mu held.
func (e *engine) readDone(i, n int, err error) {
	e.reading = false
	if n > 0 {
		e.publish(i%e.p.window, n)
	}
	switch err {
	case nil:
	case io.EOF, io.ErrUnexpectedEOF:
		e.eof = true
		e.total = e.avail
	default:
		if e.err == nil {
			e.err = readError(err)
		}
	}
}

// perChunk is the number of tasks each chunk needs done.
func (e *engine) perChunk() uint8 {
	n := e.p.digests.chains()
	if !e.p.noHist {
		n++
	}
	return n
}
