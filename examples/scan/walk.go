package main

import (
	"context"
	"io/fs"
	"path/filepath"
	"sync"
)

// Skip reasons, as the summary names them.
const (
	skipFIFO       = "FIFO"
	skipSocket     = "socket"
	skipDevice     = "device"
	skipSymlink    = "symlink"
	skipOther      = "other non-regular"
	skipUnreadable = "unreadable"
)

// skipReason names why a walked entry of type t is not a file to
// analyse, or "" for a regular file or a directory.
func skipReason(t fs.FileMode) string {
	switch {
	case t.IsRegular() || t.IsDir():
		return ""
	case t&fs.ModeSymlink != 0:
		return skipSymlink
	case t&fs.ModeNamedPipe != 0:
		return skipFIFO
	case t&fs.ModeSocket != 0:
		return skipSocket
	case t&fs.ModeDevice != 0 || t&fs.ModeCharDevice != 0:
		return skipDevice
	}
	return skipOther
}

// walk is one walk of the trees, done ahead of the analysis in its own
// goroutine: it queues the regular files (with their sizes, for the
// progress totals) and counts what it skips and why. The analysis takes
// the paths in walk order with files, which waits for the walk when it
// is ahead of it.
type walk struct {
	mu      sync.Mutex
	cond    *sync.Cond
	paths   []string
	bytes   int64
	done    bool
	skipped map[string]int
	// onSkip is called, outside the lock, for an entry skipped as
	// unreadable, with the error.
	onSkip func(path string, err error)
}

// startWalk walks roots in a new goroutine until it ends or ctx is done.
// Symbolic links are not followed (they are skipped as such).
func startWalk(ctx context.Context, roots []string, onSkip func(string, error)) *walk {
	w := &walk{skipped: map[string]int{}, onSkip: onSkip}
	w.cond = sync.NewCond(&w.mu)
	go func() {
		defer func() {
			w.mu.Lock()
			w.done = true
			w.mu.Unlock()
			w.cond.Broadcast()
		}()
		for _, root := range roots {
			err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
				if ctx.Err() != nil {
					return fs.SkipAll
				}
				if err != nil {
					w.skip(skipUnreadable)
					w.onSkip(p, err)
					if d != nil && d.IsDir() {
						return fs.SkipDir
					}
					return nil
				}
				if r := skipReason(d.Type()); r != "" {
					w.skip(r)
					return nil
				}
				if d.IsDir() {
					return nil
				}
				var size int64
				if info, err := d.Info(); err == nil {
					size = info.Size()
				}
				w.mu.Lock()
				w.paths = append(w.paths, p)
				w.bytes += size
				w.mu.Unlock()
				w.cond.Broadcast()
				return nil
			})
			if err != nil {
				return
			}
		}
	}()
	return w
}

func (w *walk) skip(reason string) {
	w.mu.Lock()
	w.skipped[reason]++
	w.mu.Unlock()
}

// files yields the queued paths in walk order, waiting for the walk when
// the analysis has caught up with it.
func (w *walk) files(yield func(string) bool) {
	for i := 0; ; i++ {
		w.mu.Lock()
		for i >= len(w.paths) && !w.done {
			w.cond.Wait()
		}
		if i >= len(w.paths) {
			w.mu.Unlock()
			return
		}
		p := w.paths[i]
		w.mu.Unlock()
		if !yield(p) {
			return
		}
	}
}

// totals returns the files and bytes found so far, and whether the walk
// has ended (then they are the totals).
func (w *walk) totals() (files int, bytes int64, done bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.paths), w.bytes, w.done
}

// wait waits for the walk to end.
func (w *walk) wait() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for !w.done {
		w.cond.Wait()
	}
}

// skips returns a copy of the skip counts by reason.
func (w *walk) skips() map[string]int {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make(map[string]int, len(w.skipped))
	for k, v := range w.skipped {
		out[k] = v
	}
	return out
}
