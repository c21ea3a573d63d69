package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Load test sizes: bounded in count and time, on loopback only
// (httptest listens on 127.0.0.1).
const (
	loadUploads   = 200 // concurrent small uploads
	loadViews     = 2000
	viewClients   = 32
	loadHeapSlack = 16 << 20 // heap allowed above the baseline afterwards
)

// TestLoad sends 200 concurrent uploads and 2,000 page views to a server
// with two analysis slots: the only error allowed is 503 from a full
// server, and the heap goes back to its baseline afterwards. It logs the
// latency percentiles.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load test skipped with -short")
	}
	f := newFixture(t, algTelemetry(t), func(c *Config) {
		c.Workers = 2
		c.MaxReports = 32
	})
	tiny := sample(t, "pe/nasm-tiny.exe")
	tr := &http.Transport{MaxIdleConnsPerHost: loadUploads, MaxConnsPerHost: loadUploads + viewClients}
	client := &http.Client{Transport: tr, Timeout: time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	t.Cleanup(tr.CloseIdleConnections)

	// Warm up (templates, the knowledge base, the first analysis), then
	// take the baseline.
	warm := func() {
		for _, p := range []string{"/", "/file/" + algSHA256, "/search?q=alg.exe"} {
			resp, err := client.Get(f.ts.URL + p)
			require.NoError(t, err)
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
	warm()
	tr.CloseIdleConnections()
	base := heapAfterGC()

	type result struct {
		code int
		d    time.Duration
		err  error
	}
	uploads := make([]result, loadUploads)
	views := make([]result, loadViews)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range loadUploads {
		// Each upload is a distinct file: the sample with a numbered overlay.
		data := append(slices.Clone(tiny), fmt.Sprintf("upload %d", i)...)
		ct, body := multipartBody(t, "file", fmt.Sprintf("tiny-%d.exe", i), data)
		wg.Go(func() {
			<-start
			t0 := time.Now()
			req, _ := http.NewRequest(http.MethodPost, f.ts.URL+"/upload", bytes.NewReader(body.Bytes()))
			req.Header.Set("Content-Type", ct)
			resp, err := client.Do(req)
			if err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				uploads[i] = result{code: resp.StatusCode, d: time.Since(t0)}
				return
			}
			uploads[i] = result{err: err, d: time.Since(t0)}
		})
	}
	paths := []string{"/file/" + algSHA256, "/", "/search?q=alg.exe", "/api/v1/files/" + algSHA256}
	next := make(chan int)
	for range viewClients {
		wg.Go(func() {
			<-start
			for i := range next {
				t0 := time.Now()
				resp, err := client.Get(f.ts.URL + paths[i%len(paths)])
				if err != nil {
					views[i] = result{err: err, d: time.Since(t0)}
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				views[i] = result{code: resp.StatusCode, d: time.Since(t0)}
			}
		})
	}
	t0 := time.Now()
	close(start)
	for i := range loadViews {
		next <- i
	}
	close(next)
	wg.Wait()
	elapsed := time.Since(t0)

	count := map[int]int{}
	var upD, upOK, viewD []time.Duration
	for _, r := range uploads {
		require.NoError(t, r.err)
		count[r.code]++
		assert.Contains(t, []int{http.StatusSeeOther, http.StatusServiceUnavailable}, r.code)
		upD = append(upD, r.d)
		if r.code == http.StatusSeeOther {
			upOK = append(upOK, r.d)
		}
	}
	for _, r := range views {
		require.NoError(t, r.err)
		assert.Equal(t, http.StatusOK, r.code, "page views need no analysis slot")
		viewD = append(viewD, r.d)
	}
	assert.Positive(t, count[http.StatusSeeOther], "some uploads were analysed")

	tr.CloseIdleConnections()
	f.ts.CloseClientConnections()
	after := heapAfterGC()
	t.Logf("load: %d uploads (%d analysed, %d answered 503) and %d page views in %v",
		loadUploads, count[http.StatusSeeOther], count[http.StatusServiceUnavailable], loadViews, elapsed.Round(time.Millisecond))
	t.Logf("uploads, all:      %s", percentiles(upD))
	t.Logf("uploads, analysed: %s", percentiles(upOK))
	t.Logf("page views:        %s", percentiles(viewD))
	t.Logf("heap: %.1f MiB before, %.1f MiB after (limit +%d MiB)", mib(base), mib(after), loadHeapSlack>>20)
	assert.LessOrEqual(t, after, base+loadHeapSlack, "heap back to its baseline")
}

// heapAfterGC returns the live heap after two collections.
func heapAfterGC() uint64 {
	var ms runtime.MemStats
	for range 2 {
		runtime.GC()
	}
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

func mib(n uint64) float64 { return float64(n) / (1 << 20) }

// percentiles formats p50, p90, p99 and the maximum of ds.
func percentiles(ds []time.Duration) string {
	if len(ds) == 0 {
		return "none"
	}
	slices.Sort(ds)
	at := func(p float64) time.Duration { return ds[min(len(ds)-1, int(p*float64(len(ds))))] }
	return fmt.Sprintf("p50 %v  p90 %v  p99 %v  max %v  (n=%d)",
		at(0.50).Round(time.Microsecond*10), at(0.90).Round(time.Microsecond*10),
		at(0.99).Round(time.Microsecond*10), ds[len(ds)-1].Round(time.Microsecond*10), len(ds))
}
