package main

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chromium finds a headless-capable Chromium: $FILEREP_CHROMIUM, else
// Debian's chromium on PATH.
func chromium() string {
	if p := os.Getenv("FILEREP_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// newBrowser starts headless Chromium, or skips the test without one
// (fails instead when FILEREP_BROWSER_TEST=1, as .ci/run sets it).
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path := chromium()
	if path == "" {
		if os.Getenv("FILEREP_BROWSER_TEST") == "1" {
			t.Fatal("FILEREP_BROWSER_TEST=1 but no Chromium was found (set FILEREP_CHROMIUM or install Debian's chromium)")
		}
		t.Skip("headless Chromium not found: install Debian's chromium (apt-get install chromium) or set FILEREP_CHROMIUM=/path/to/chromium; .ci/run does it and runs this test")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1100, 900),
		chromedp.NoSandbox, // CI runs as root, where Chromium's sandbox cannot start
		chromedp.DisableGPU,
		chromedp.Flag("lang", "en-US"),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	_, err := chromedp.Run(ctx, chromedp.Title()) // starts the browser
	require.NoError(t, err, "starting %s", path)
	return ctx
}

// browse runs one browser action and returns its value.
func browse[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	require.NoError(t, err)
	return v
}

// watch counts the page's JavaScript dialogs (alert, confirm…) and
// uncaught exceptions from now on.
func watch(t *testing.T, ctx context.Context) (dialogs, exceptions *atomic.Int32) {
	t.Helper()
	dialogs, exceptions = new(atomic.Int32), new(atomic.Int32)
	require.NoError(t, chromedp.Listen(ctx, func(ev any) {
		switch ev.(type) {
		case *page.EventJavascriptDialogOpening:
			dialogs.Add(1)
		case *runtime.EventExceptionThrown:
			exceptions.Add(1)
		}
	}))
	return dialogs, exceptions
}

// TestBrowserSeedPage loads the generated alg.exe's page with telemetry in
// headless Chromium and checks what a person sees; the screenshot is
// written to the test's temporary folder (or $FILEREP_SCREENSHOT_DIR).
func TestBrowserSeedPage(t *testing.T) {
	ctx := newBrowser(t)
	f := newFixture(t, algTelemetry(t), nil)
	sum, ok := f.srv.cfg.Telemetry.Summary(algSHA256)
	require.True(t, ok)

	dialogs, exceptions := watch(t, ctx)
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(f.ts.URL+"/file/"+algSHA256),
		chromedp.WaitVisible(chromedp.ID("verdict-summary")),
	))
	title := browse(t, ctx, chromedp.Title())
	verdict := browse(t, ctx, chromedp.Text(chromedp.ID("verdict-summary")))
	headings := browse(t, ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("h2")).map(e => e.textContent.trim())`))
	osValues := browse(t, ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#chart-os text.value")).map(e => e.textContent)`))
	osBars := browse(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("#chart-os rect.bar").length`))
	mfValues := browse(t, ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#chart-manufacturer text.value")).map(e => e.textContent)`))
	mfBars := browse(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("#chart-manufacturer rect.bar").length`))
	countryBars := browse(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("#chart-country rect.bar").length`))
	sectionCharts := browse(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("#chart-sections").length`))
	barWidth := browse(t, ctx, chromedp.Evaluate[float64](`document.querySelector("#chart-os rect.bar").getBoundingClientRect().width`))
	barFill := browse(t, ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("#chart-os rect.bar")).fill`))
	png := browse(t, ctx, chromedp.FullScreenshot(100))

	dir := os.Getenv("FILEREP_SCREENSHOT_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	shot := filepath.Join(dir, "alg.exe-page.png")
	require.NoError(t, os.WriteFile(shot, png, 0o644))
	t.Logf("screenshot of /file/%s: %s (%d bytes)", algSHA256, shot, len(png))

	assert.Equal(t, "alg.exe · filerep", title)
	assert.Equal(t, "No, this file is 100% safe to run.", verdict)
	for _, h := range []string{
		"Should I block it?", "Additional versions", "Relationships", "Details",
		"Digital DNA", "Behaviors", "Resource utilization", "Process properties",
		"Threads", "Distribution by Windows OS", "Distribution by country",
		"Distribution by PC manufacturer",
	} {
		assert.Contains(t, headings, h)
	}
	// The seed page's percentages, one bar each.
	assert.Equal(t, []string{"58.50%", "23.50%", "9.00%", "3.50%", "2.50%", "1.00%", "0.50%", "0.50%", "0.50%", "0.50%"}, osValues)
	assert.Equal(t, []string{"26.57%", "17.71%", "14.76%", "13.28%", "10.70%", "3.69%", "2.95%", "2.95%", "2.58%", "1.48%",
		"0.74%", "0.74%", "0.74%", "0.74%", "0.37%"}, mfValues)
	assert.Equal(t, 10, osBars)
	assert.Equal(t, 15, mfBars)
	assert.Equal(t, len(sum.Distribution.Country), countryBars)
	assert.Equal(t, 0, sectionCharts, "no section chart without the file")
	// 58.50% of the 300-unit bar at the page's scale: drawn, not empty.
	assert.InDelta(t, 0.585*barMaxWidth, barWidth, 20)
	assert.Equal(t, "rgb(47, 109, 181)", barFill, "the stylesheet applies under the CSP")
	assert.Zero(t, dialogs.Load())
	assert.Zero(t, exceptions.Load())
}

// TestBrowserHostilePage loads the hostile sample's page: no script runs,
// no element of the attacker's exists, and its strings read as text.
func TestBrowserHostilePage(t *testing.T) {
	ctx := newBrowser(t)
	f := newFixture(t, hostileTelemetry(t), nil)
	ct, body := multipartBody(t, "file", "hostile-strings.exe", sample(t, "hostile/hostile-strings.exe"))
	resp, _ := f.do(t, http.MethodPost, "/upload", ct, body)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)

	dialogs, exceptions := watch(t, ctx)
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(f.ts.URL+"/file/"+hostileSHA256),
		chromedp.WaitVisible(chromedp.ID("verdict-summary")),
		chromedp.Sleep(200*time.Millisecond), // give a stray handler time to fire
	))
	foreign := browse(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("script, img, iframe, object, embed, [onload], [onerror]").length`))
	labels := browse(t, ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#chart-sections text.label")).map(e => e.textContent)`))
	publisher := browse(t, ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("table.rows tr")).find(r => r.querySelector("th").textContent === "Publisher:").querySelector("td").textContent`))
	assert.Zero(t, foreign, "elements from the file's strings")
	assert.Contains(t, labels, "<script> (r--)")
	assert.Contains(t, labels, `"><img (r--)`)
	assert.Contains(t, labels, "</svg> (r--)")
	assert.Equal(t, hostileCompany, publisher)
	assert.Zero(t, dialogs.Load(), "alert() ran")
	assert.Zero(t, exceptions.Load())
	for _, l := range labels {
		assert.False(t, strings.ContainsRune(l, '\u202e'), "raw RLO in %q", l)
	}
}
