package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/term"
)

// progress draws one status line on a terminal (stderr): files done of
// the total the walk has found ("≥" while it is still walking), bytes done
// of the total, the rate, the time left and the failures so far. It
// redraws every interval from its own goroutine and erases itself on stop,
// so that the summary (and any message) starts on a clean line.
type progress struct {
	w        io.Writer
	width    int // the terminal's columns, 0 when unknown
	walk     *walk
	start    time.Time
	files    atomic.Int64
	bytes    atomic.Int64
	failed   atomic.Int64
	mu       sync.Mutex // serialises drawing and messages
	drawn    bool
	stopOnce sync.Once
	quit     chan struct{}
	finished chan struct{}
}

// startProgress starts drawing on w every interval.
func startProgress(w io.Writer, wk *walk, interval time.Duration) *progress {
	p := &progress{w: w, walk: wk, start: time.Now(), quit: make(chan struct{}), finished: make(chan struct{})}
	if f, ok := w.(*os.File); ok {
		if cols, _, err := term.GetSize(int(f.Fd())); err == nil {
			p.width = cols
		}
	}
	go func() {
		defer close(p.finished)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-p.quit:
				return
			case <-t.C:
				p.draw()
			}
		}
	}()
	return p
}

// add counts one file done of size bytes, failed or not.
func (p *progress) add(size int64, failed bool) {
	p.files.Add(1)
	p.bytes.Add(size)
	if failed {
		p.failed.Add(1)
	}
}

func (p *progress) draw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	total, totalBytes, walked := p.walk.totals()
	line := statusLine(p.files.Load(), p.bytes.Load(), p.failed.Load(), int64(total), totalBytes, walked, time.Since(p.start))
	if r := []rune(line); p.width > 1 && len(r) >= p.width {
		line = string(r[:p.width-1]) // a wrapped line could not be erased
	}
	fmt.Fprint(p.w, "\r\033[K"+line)
	p.drawn = true
}

// printf prints a message line on a clean line; the status line is drawn
// again at the next tick.
func (p *progress) printf(format string, a ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.w, "\r\033[K")
		p.drawn = false
	}
	fmt.Fprintf(p.w, format, a...)
}

// stop stops drawing and erases the status line.
func (p *progress) stop() {
	p.stopOnce.Do(func() {
		close(p.quit)
		<-p.finished
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.drawn {
			fmt.Fprint(p.w, "\r\033[K")
			p.drawn = false
		}
	})
}

// minRateTime is how long the scan must have run before a rate and a time
// left are shown: over the first instants they mean nothing (a first tick
// once showed 38 GB/s).
const minRateTime = time.Second

// statusLine formats the status: "scanning 120/≥800 files, 35.2/≥210.0 MB,
// 48.1 MB/s, ETA 0:04, 1 failed".
func statusLine(files, bytes, failed, totalFiles, totalBytes int64, walked bool, elapsed time.Duration) string {
	atLeast := "≥"
	if walked {
		atLeast = ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "scanning %s/%s%s files, %.1f/%s%.1f MB", groupInt(files), atLeast, groupInt(totalFiles),
		float64(bytes)/1e6, atLeast, float64(totalBytes)/1e6)
	if elapsed >= minRateTime && bytes > 0 {
		rate := float64(bytes) / elapsed.Seconds()
		fmt.Fprintf(&b, ", %.1f MB/s", rate/1e6)
		if walked {
			left := time.Duration(float64(max(totalBytes-bytes, 0)) / rate * float64(time.Second))
			fmt.Fprintf(&b, ", ETA %s", clock(left))
		} else {
			b.WriteString(", ETA after the walk")
		}
	}
	if failed > 0 {
		fmt.Fprintf(&b, ", %d failed", failed)
	}
	return b.String()
}

// clock formats d as m:ss, or h:mm:ss from an hour up.
func clock(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// groupInt writes n with commas between groups of three digits.
func groupInt(n int64) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 && s[i-1] != '-' {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
