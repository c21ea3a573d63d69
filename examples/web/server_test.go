package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/filerep/filerep"
	"github.com/filerep/filerep/internal/testutil"
	"github.com/filerep/filerep/reputation"
	"github.com/filerep/filerep/stats"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// algSHA256 is the seed page's alg.exe.
const algSHA256 = stats.AlgExeSHA256

// fixture is a server over a seeded in-memory knowledge base and the
// generated alg.exe telemetry.
type fixture struct {
	srv *Server
	ts  *httptest.Server
	kb  *reputation.MemKB
	tmp string
}

// algTelemetry aggregates the samples that reproduce the seed page.
func algTelemetry(t testing.TB) *stats.Aggregator {
	t.Helper()
	agg, err := stats.NewAggregator()
	require.NoError(t, err)
	seq, err := stats.Synthesize(stats.AlgExeProfile(), 1)
	require.NoError(t, err)
	for s := range seq {
		require.NoError(t, agg.Add(s))
	}
	return agg
}

// newFixture starts a test server; change adjusts its Config.
func newFixture(t testing.TB, agg *stats.Aggregator, change func(*Config)) *fixture {
	t.Helper()
	ctx := context.Background()
	kb := reputation.NewMemKB()
	require.NoError(t, reputation.Seed(ctx, kb))
	opts := []filerep.Option{filerep.WithKnowledgeBase(kb), filerep.WithRoots()}
	if agg != nil {
		opts = append(opts, filerep.WithTelemetrySource(func(sha256, name string) *stats.Summary {
			if s, ok := agg.Summary(sha256); ok {
				return s
			}
			return nil
		}))
	}
	an, err := filerep.New(opts...)
	require.NoError(t, err)
	tmp := t.TempDir()
	cfg := Config{KB: kb, Telemetry: agg, TempDir: tmp, Workers: 2}
	if change != nil {
		change(&cfg)
	}
	srv, err := NewServer(an, cfg)
	require.NoError(t, err)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &fixture{srv: srv, ts: ts, kb: kb, tmp: tmp}
}

// noRedirect is a client that shows redirects instead of following them.
var noRedirect = &http.Client{
	Timeout:       time.Minute,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// get fetches path and returns the response and its body.
func (f *fixture) get(t testing.TB, path string) (*http.Response, string) {
	t.Helper()
	return f.do(t, http.MethodGet, path, "", nil)
}

// do sends one request and reads the whole answer.
func (f *fixture) do(t testing.TB, method, path, contentType string, body io.Reader) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, f.ts.URL+path, body)
	require.NoError(t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := noRedirect.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b)
}

// multipartBody builds a form with one file field.
func multipartBody(t testing.TB, field, name string, data []byte) (string, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile(field, name)
	require.NoError(t, err)
	_, err = fw.Write(data)
	require.NoError(t, err)
	require.NoError(t, mw.Close())
	return mw.FormDataContentType(), &buf
}

// sample reads a committed sample binary.
func sample(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testutil.RepoRoot(), "testdata", rel))
	require.NoError(t, err)
	return b
}

// assertHeaders checks the security headers every answer carries.
func assertHeaders(t *testing.T, resp *http.Response) {
	t.Helper()
	csp := resp.Header.Get("Content-Security-Policy")
	assert.Contains(t, csp, "default-src 'none'")
	assert.NotContains(t, csp, "script-src")
	assert.NotContains(t, csp, "unsafe-inline")
	assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
}

func TestHome(t *testing.T) {
	f := newFixture(t, nil, nil)
	resp, body := f.get(t, "/")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assertHeaders(t, resp)
	assert.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
	assert.Contains(t, body, `action="/search"`)
	assert.Contains(t, body, `action="/upload" method="post" enctype="multipart/form-data"`)
	assert.Contains(t, body, `name="file" type="file"`)
	assert.NotContains(t, strings.ToLower(body), "<script")

	resp, body = f.get(t, "/static/style.css")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, resp.Header.Get("Content-Type"), "text/css")
	assert.Contains(t, body, ".bar")
}

func TestSeedPage(t *testing.T) {
	f := newFixture(t, algTelemetry(t), nil)
	resp, body := f.get(t, "/file/"+strings.ToUpper(algSHA256))
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assertHeaders(t, resp)
	for _, want := range []string{
		"Should I block it?", "No, this file is 100% safe to run.",
		"Additional versions", "Relationships", "services.exe", "sechost.dll",
		"Details", "Digital DNA", "Behaviors", "Resource utilization",
		"Process properties", "Threads", "Distribution by Windows OS",
		"Distribution by country", "Distribution by PC manufacturer",
		"18a54e132947cd98fea9accc57f98f13", "6.1.7600.16385 (win7_rtm.090713-1255)",
		`C:\Windows\System32\alg.exe`, "0.00038821%", "114,980 ms/min", "1.23 MB", "3,065/min",
		"30 Bytes/sec", "LOCAL SERVICE", "Win32OwnProcess",
		"58.50%", "23.50%", "26.57%", "0.37%",
		"United States installs about 49.75% of alg.exe.",
	} {
		assert.Contains(t, body, want)
	}
	// One bar per value: 10 OS, 15 manufacturers, as on the seed page.
	assert.Equal(t, 10, strings.Count(section(body, "chart-os"), `class="bar`))
	assert.Equal(t, 15, strings.Count(section(body, "chart-manufacturer"), `class="bar`))
	assert.Positive(t, strings.Count(section(body, "chart-country"), `class="bar`))
}

// section returns the part of an HTML page from the element with id
// until the end of its figure.
func section(body, id string) string {
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		return ""
	}
	rest := body[i:]
	if j := strings.Index(rest, "</figure>"); j >= 0 {
		return rest[:j]
	}
	return rest
}

func TestNotFound(t *testing.T) {
	f := newFixture(t, nil, nil)
	for _, path := range []string{
		"/file/" + strings.Repeat("0", 64), // well-formed, unknown
		"/file/not-a-hash",
		"/file/18a54e132947cd98fea9accc57f98f13", // an MD5 does not address a page
		"/no/such/page",
		"/file/..%2f..%2fetc%2fpasswd",
	} {
		resp, body := f.get(t, path)
		assert.Equal(t, http.StatusNotFound, resp.StatusCode, path)
		assert.Contains(t, body, "404 Not Found", path)
		assertHeaders(t, resp)
	}
	resp, body := f.get(t, "/api/v1/files/"+strings.Repeat("a", 64))
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.Equal(t, "application/json; charset=utf-8", resp.Header.Get("Content-Type"))
	assert.JSONEq(t, `{"error":"unknown file","status":404}`, body)
}

func TestMethodNotAllowed(t *testing.T) {
	f := newFixture(t, nil, nil)
	for _, c := range []struct{ method, path, allow string }{
		{http.MethodPost, "/", "GET, HEAD"},
		{http.MethodPost, "/file/" + algSHA256, "GET, HEAD"},
		{http.MethodDelete, "/search?q=x", "GET, HEAD"},
		{http.MethodGet, "/upload", "POST"},
		{http.MethodGet, "/api/v1/analyze", "POST"},
		{http.MethodPut, "/api/v1/files/" + algSHA256, "GET, HEAD"},
	} {
		resp, body := f.do(t, c.method, c.path, "", nil)
		assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode, c.method+" "+c.path)
		assert.Equal(t, c.allow, resp.Header.Get("Allow"), c.path)
		if strings.HasPrefix(c.path, "/api/") {
			assert.Contains(t, body, `"status":405`)
		} else {
			assert.Contains(t, body, "405 Method Not Allowed")
		}
	}
}

func TestSearch(t *testing.T) {
	f := newFixture(t, algTelemetry(t), nil)
	for _, q := range []string{algSHA256, "18A54E132947CD98FEA9ACCC57F98F13", "ef85636e8d5bb35bcbdc453fdd49a91b89ac2c74", "ALG.EXE"} {
		resp, body := f.get(t, "/search?q="+url.QueryEscape(q))
		require.Equal(t, http.StatusOK, resp.StatusCode, q)
		assert.Contains(t, body, `href="/file/`+algSHA256+`"`, q)
	}
	resp, body := f.get(t, "/search?q=nothing-like-this.exe")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "0 results")

	resp, _ = f.get(t, "/search")
	assert.Equal(t, http.StatusOK, resp.StatusCode)

	resp, body = f.get(t, "/search?q="+strings.Repeat("x", maxQuery+1))
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, "400 Bad Request")
}

func TestUploadStoresAndRedirects(t *testing.T) {
	f := newFixture(t, nil, nil)
	data := sample(t, "pe/mingw-service-x86.exe")
	ct, body := multipartBody(t, "file", `C:\evil\..\mingw-service-x86.exe`, data)
	resp, _ := f.do(t, http.MethodPost, "/upload", ct, body)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	loc := resp.Header.Get("Location")
	require.True(t, strings.HasPrefix(loc, "/file/"), loc)
	sha := strings.TrimPrefix(loc, "/file/")

	resp, page := f.get(t, loc)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, page, "mingw-service-x86.exe")
	assert.Contains(t, page, "Section entropy")
	assert.Contains(t, page, "Digital DNA")
	assert.NotContains(t, page, `evil`)

	// The report went into the knowledge base.
	recs, err := f.kb.Files(context.Background(), sha)
	require.NoError(t, err)
	require.NotEmpty(t, recs)
	assert.Equal(t, "report", recs[0].Source)

	// Found by name and by publisher (the version info's company).
	company := f.srv.reports.match(1, func(*filerep.FileReport) bool { return true })[0].VersionInfo.CompanyName
	require.NotEmpty(t, company)
	for _, q := range []string{"mingw-service-x86.exe", strings.ToUpper(company[:6])} {
		_, res := f.get(t, "/search?q="+url.QueryEscape(q))
		assert.Contains(t, res, `href="/file/`+sha+`"`, q)
	}
	// The upload's temporary file is gone.
	left, err := os.ReadDir(f.tmp)
	require.NoError(t, err)
	assert.Empty(t, left)
}

func TestAPI(t *testing.T) {
	f := newFixture(t, algTelemetry(t), nil)
	schema := reportSchema(t)

	resp, body := f.get(t, "/api/v1/files/"+algSHA256)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assertHeaders(t, resp)
	assert.Equal(t, "application/json; charset=utf-8", resp.Header.Get("Content-Type"))
	validate(t, schema, body)
	var rep filerep.FileReport
	require.NoError(t, json.Unmarshal([]byte(body), &rep))
	assert.Equal(t, filerep.Schema, rep.Schema)
	require.NotNil(t, rep.Verdict)
	assert.Equal(t, filerep.LevelSafe, rep.Verdict.Level)
	require.NotNil(t, rep.Telemetry)
	assert.EqualValues(t, 400, rep.Telemetry.Participants)
	assert.Equal(t, "alg.exe", rep.File.Name)
	assert.Contains(t, rep.Errors, notAnalysed)

	data := sample(t, "pe/mingw-console-x64.exe")
	ct, mb := multipartBody(t, "file", "mingw-console-x64.exe", data)
	resp, body = f.do(t, http.MethodPost, "/api/v1/analyze", ct, mb)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	validate(t, schema, body)
	require.NoError(t, json.Unmarshal([]byte(body), &rep))
	assert.Equal(t, "mingw-console-x64.exe", rep.File.Name)
	assert.Empty(t, rep.File.Path, "the temporary path is not shown")
	assert.NotNil(t, rep.DNA)
	assert.Equal(t, "/api/v1/files/"+rep.Hashes.SHA256, resp.Header.Get("Location"))

	resp, body = f.get(t, "/api/v1/files/"+rep.Hashes.SHA256)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	validate(t, schema, body)
}

// reportSchema compiles docs/filerep-v1.schema.json.
func reportSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	path := filepath.Join(testutil.RepoRoot(), "docs", "filerep-v1.schema.json")
	fh, err := os.Open(path)
	require.NoError(t, err)
	defer fh.Close()
	doc, err := jsonschema.UnmarshalJSON(fh)
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	require.NoError(t, c.AddResource(path, doc))
	s, err := c.Compile(path)
	require.NoError(t, err)
	return s
}

// validate checks a JSON answer against the filerep/v1 schema.
func validate(t *testing.T, s *jsonschema.Schema, body string) {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(body))
	require.NoError(t, err)
	assert.NoError(t, s.Validate(v))
}

func TestUploadErrors(t *testing.T) {
	f := newFixture(t, nil, func(c *Config) { c.MaxUpload = 4096 })
	big := bytes.Repeat([]byte("MZ"), 8192)

	t.Run("oversize", func(t *testing.T) {
		for _, path := range []string{"/upload", "/api/v1/analyze"} {
			ct, body := multipartBody(t, "file", "big.exe", big)
			resp, text := f.do(t, http.MethodPost, path, ct, body)
			assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode, path)
			assert.Contains(t, text, "413")
		}
	})
	t.Run("oversize, no Content-Length", func(t *testing.T) {
		// A chunked body passes the early check; the stream cap catches it.
		ct, body := multipartBody(t, "file", "big.exe", big)
		resp, _ := f.do(t, http.MethodPost, "/upload", ct, io.MultiReader(body))
		assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
	})
	t.Run("file just over the cap", func(t *testing.T) {
		ct, body := multipartBody(t, "file", "big.exe", big[:4097])
		resp, _ := f.do(t, http.MethodPost, "/api/v1/analyze", ct, io.MultiReader(body))
		assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
	})
	t.Run("malformed multipart", func(t *testing.T) {
		for _, c := range []struct{ ct, body string }{
			{"multipart/form-data; boundary=XYZ", "this is not multipart at all"},
			{"multipart/form-data; boundary=XYZ", "--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.exe\"\r\n\r\nMZ truncated"},
			{"multipart/form-data", "--\r\n"},
			{"application/octet-stream", "MZ"},
			{"", ""},
		} {
			for _, path := range []string{"/upload", "/api/v1/analyze"} {
				resp, text := f.do(t, http.MethodPost, path, c.ct, strings.NewReader(c.body))
				assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "%s %q", path, c.body)
				assert.Contains(t, text, "400", path)
			}
		}
	})
	t.Run("no file field", func(t *testing.T) {
		ct, body := multipartBody(t, "other", "a.exe", []byte("MZ"))
		resp, text := f.do(t, http.MethodPost, "/api/v1/analyze", ct, body)
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
		assert.Contains(t, text, `multipart field \"file\"`)
	})
	t.Run("not a PE is still a report", func(t *testing.T) {
		ct, body := multipartBody(t, "file", "notes.txt", []byte("hello"))
		resp, text := f.do(t, http.MethodPost, "/api/v1/analyze", ct, body)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Contains(t, text, `"kind":"not-pe"`)
	})
	left, err := os.ReadDir(f.tmp)
	require.NoError(t, err)
	assert.Empty(t, left, "temporary files are removed")
}

func TestBusy(t *testing.T) {
	f := newFixture(t, nil, func(c *Config) { c.Workers = 1 })
	f.srv.slots <- struct{}{} // the one worker is busy
	data := sample(t, "pe/nasm-tiny.exe")
	for _, path := range []string{"/upload", "/api/v1/analyze"} {
		ct, body := multipartBody(t, "file", "nasm-tiny.exe", data)
		resp, text := f.do(t, http.MethodPost, path, ct, body)
		assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, path)
		assert.Equal(t, "2", resp.Header.Get("Retry-After"))
		assert.Contains(t, text, "503")
	}
	// Pages do not need a worker.
	resp, _ := f.get(t, "/")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	<-f.srv.slots
	ct, body := multipartBody(t, "file", "nasm-tiny.exe", data)
	resp, _ = f.do(t, http.MethodPost, "/api/v1/analyze", ct, body)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
}

func TestAnalyzeTimeout(t *testing.T) {
	f := newFixture(t, nil, func(c *Config) { c.AnalyzeTimeout = time.Nanosecond })
	ct, body := multipartBody(t, "file", "a.exe", sample(t, "pe/mingw-console-x64.exe"))
	resp, _ := f.do(t, http.MethodPost, "/api/v1/analyze", ct, body)
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
}

func TestEscapeJSONControls(t *testing.T) {
	in, err := json.Marshal(map[string]string{"k": "a\u202eb\u0085c\u2066é<"})
	require.NoError(t, err)
	out := escapeJSONControls(in)
	assert.Equal(t, `{"k":"a\u202eb\u0085c\u2066é\u003c"}`, string(out))
	var back map[string]string
	require.NoError(t, json.Unmarshal(out, &back))
	assert.Equal(t, "a\u202eb\u0085c\u2066é<", back["k"])
}

func TestRunServesAndShutsDown(t *testing.T) {
	dir := t.TempDir()
	samples := filepath.Join(dir, "alg.jsonl")
	fh, err := os.Create(samples)
	require.NoError(t, err)
	seq, err := stats.Synthesize(stats.AlgExeProfile(), 1)
	require.NoError(t, err)
	var line []byte
	for s := range seq {
		line = append(s.AppendJSON(line[:0]), '\n')
		_, err := fh.Write(line)
		require.NoError(t, err)
	}
	require.NoError(t, fh.Close())

	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan int, 1)
	var stderr bytes.Buffer
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-kb", filepath.Join(dir, "kb.sqlite"), "-telemetry", samples}, &stderr, ready)
	}()
	var addr string
	select {
	case addr = <-ready:
	case code := <-done:
		t.Fatalf("run exited %d: %s", code, stderr.String())
	case <-time.After(time.Minute):
		t.Fatal("server did not start")
	}
	resp, err := http.Get("http://" + addr + "/file/" + algSHA256)
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(b), "58.50%")
	cancel()
	select {
	case code := <-done:
		assert.Equal(t, 0, code, stderr.String())
	case <-time.After(time.Minute):
		t.Fatal("no graceful shutdown")
	}
}
