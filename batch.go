package filerep

import (
	"context"
	"fmt"
	"io/fs"
	"iter"
	"path/filepath"
	"runtime"
	"sync"
)

// Result is the outcome of one file of a batch.
type Result struct {
	Index  int         // position of the path in the input sequence
	Path   string      // as given
	Report *FileReport // never nil
	Err    error       // the error Analyze returned, if any
}

// WithWorkers sets how many files a batch analyses at once. Default:
// runtime.GOMAXPROCS(0). Memory is bounded by workers × the in-memory cap
// ([WithMaxInMemory]).
func WithWorkers(n int) Option {
	return func(c *config) error {
		c.batchSetting()
		if n < 1 {
			return fmt.Errorf("%w: WithWorkers(%d): must be at least 1", ErrOptions, n)
		}
		c.workers = n
		return nil
	}
}

// WithOrdered makes a batch yield results in input order. Default: in the
// order files finish, which keeps every worker busy.
func WithOrdered(ordered bool) Option {
	return func(c *config) error { c.batchSetting(); c.ordered = ordered; return nil }
}

// AnalyzeAll analyses every path of paths with a pool of workers and
// yields one Result per path. Errors of a file are in its Result and never
// stop the batch. When ctx is cancelled the batch stops promptly: files
// being analysed finish with ctx's error, later ones are not started, and
// the sequence ends after yielding what was done. Breaking out of the loop
// stops the batch the same way.
//
// Read buffers are pooled across files, so a batch allocates about one
// buffer per worker.
func AnalyzeAll(ctx context.Context, paths iter.Seq[string], opts ...Option) iter.Seq[Result] {
	c, err := makeConfig(opts)
	if err != nil {
		return func(yield func(Result) bool) {
			yield(Result{Index: -1, Report: newReport(""), Err: err})
		}
	}
	return analyzeAll(ctx, paths, &c)
}

// analyzeAll runs the batch with one configuration, built once: each file
// gets its own copy of it.
func analyzeAll(ctx context.Context, paths iter.Seq[string], shared *config) iter.Seq[Result] {
	return func(yield func(Result) bool) {
		c := *shared
		workers := c.workers
		if workers < 1 {
			workers = runtime.GOMAXPROCS(0)
		}
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()

		type job struct {
			i int
			p string
		}
		jobs := make(chan job)
		results := make(chan Result, workers)
		// window bounds the files started but not yet yielded, so that
		// ordered output cannot buffer without limit behind a slow file.
		window := make(chan struct{}, 4*workers)

		go func() {
			defer close(jobs)
			i := 0
			for p := range paths {
				select {
				case window <- struct{}{}:
				case <-ctx.Done():
					return
				}
				select {
				case jobs <- job{i, p}:
				case <-ctx.Done():
					return
				}
				i++
			}
		}()
		var wg sync.WaitGroup
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := range jobs {
					fc := c
					rep, err := analyzePath(ctx, newReport(j.p), j.p, &fc)
					results <- Result{Index: j.i, Path: j.p, Report: rep, Err: err}
				}
			}()
		}
		go func() { wg.Wait(); close(results) }()
		defer func() {
			cancel()
			for range results { // let the workers finish and exit
			}
		}()

		next := 0
		pending := map[int]Result{}
		for r := range results {
			if !c.ordered {
				<-window
				if !yield(r) {
					return
				}
				continue
			}
			pending[r.Index] = r
			for {
				q, ok := pending[next]
				if !ok {
					break
				}
				delete(pending, next)
				next++
				<-window
				if !yield(q) {
					return
				}
			}
		}
		if c.ordered && len(pending) > 0 {
			// Cancelled with gaps: yield what was done, in order.
			for i := next; len(pending) > 0; i++ {
				if q, ok := pending[i]; ok {
					delete(pending, i)
					if !yield(q) {
						return
					}
				}
			}
		}
	}
}

// WalkFiles yields the regular files under each root, in lexical order.
// It does not follow symbolic links (so link loops cannot trap it), skips
// devices, pipes and sockets, and reports a directory it cannot read
// through onErr (nil: ignore) and goes on.
func WalkFiles(roots []string, onErr func(path string, err error)) iter.Seq[string] {
	return func(yield func(string) bool) {
		for _, root := range roots {
			stop := false
			_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
				if err != nil {
					if onErr != nil {
						onErr(p, err)
					}
					if d != nil && d.IsDir() {
						return fs.SkipDir
					}
					return nil
				}
				if !d.Type().IsRegular() {
					return nil
				}
				if !yield(p) {
					stop = true
					return fs.SkipAll
				}
				return nil
			})
			if stop {
				return
			}
		}
	}
}
