package main

import (
	"bytes"
	"container/list"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"mime/multipart"
	"net/http"
	"os"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/filerep/filerep"
	"github.com/filerep/filerep/reputation"
	"github.com/filerep/filerep/reputation/store"
	"github.com/filerep/filerep/stats"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Config holds what a Server needs besides its Analyzer.
type Config struct {
	// KB is the knowledge base pages read from and uploads are recorded
	// in; nil means none. When it also implements reputation.Writer,
	// every analysed upload is imported into it (store.ImportReports).
	KB reputation.KnowledgeBase
	// Telemetry is the crowd telemetry; nil means none.
	Telemetry *stats.Aggregator
	// MaxUpload caps an uploaded file's size in bytes.
	MaxUpload int64
	// Workers is how many analyses run at once; a request beyond them is
	// answered 503 at once rather than queued.
	Workers int
	// AnalyzeTimeout bounds one analysis.
	AnalyzeTimeout time.Duration
	// UploadTimeout bounds reading one upload's body.
	UploadTimeout time.Duration
	// MaxReports is how many analysed reports are kept in memory.
	MaxReports int
	// TempDir is where uploads are spooled ("" means os.TempDir()).
	TempDir string
	// Log receives one line per failed request; nil discards.
	Log *slog.Logger
}

// Server serves the pages and the JSON API. It is an http.Handler.
type Server struct {
	an      *filerep.Analyzer
	cfg     Config
	writer  reputation.Writer
	tmpl    *template.Template
	mux     *http.ServeMux
	slots   chan struct{}
	reports *reportCache
}

// multipartOverhead is what a multipart body may hold beyond the file:
// boundaries, part headers and small fields.
const multipartOverhead = 64 << 10

// NewServer builds a Server around an Analyzer.
func NewServer(an *filerep.Analyzer, cfg Config) (*Server, error) {
	if an == nil {
		return nil, errors.New("web: nil Analyzer")
	}
	if cfg.MaxUpload <= 0 {
		cfg.MaxUpload = 256 << 20
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 2
	}
	if cfg.AnalyzeTimeout <= 0 {
		cfg.AnalyzeTimeout = time.Minute
	}
	if cfg.UploadTimeout <= 0 {
		cfg.UploadTimeout = 10 * time.Minute
	}
	if cfg.MaxReports <= 0 {
		cfg.MaxReports = 4096
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	tmpl, err := template.New("").Funcs(templateFuncs).ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	s := &Server{
		an:      an,
		cfg:     cfg,
		tmpl:    tmpl,
		mux:     http.NewServeMux(),
		slots:   make(chan struct{}, cfg.Workers),
		reports: newReportCache(cfg.MaxReports),
	}
	if w, ok := cfg.KB.(reputation.Writer); ok {
		s.writer = w
	}
	static, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, fmt.Errorf("web: static: %w", err)
	}
	s.mux.Handle("/static/", methods(s, http.StripPrefix("/static/", http.FileServerFS(static)), http.MethodGet, http.MethodHead))
	s.mux.Handle("/{$}", methods(s, http.HandlerFunc(s.home), http.MethodGet, http.MethodHead))
	s.mux.Handle("/file/{sha256}", methods(s, http.HandlerFunc(s.filePage), http.MethodGet, http.MethodHead))
	s.mux.Handle("/search", methods(s, http.HandlerFunc(s.search), http.MethodGet, http.MethodHead))
	s.mux.Handle("/upload", methods(s, http.HandlerFunc(s.upload), http.MethodPost))
	s.mux.Handle("/api/v1/files/{sha256}", methods(s, http.HandlerFunc(s.apiFile), http.MethodGet, http.MethodHead))
	s.mux.Handle("/api/v1/analyze", methods(s, http.HandlerFunc(s.apiAnalyze), http.MethodPost))
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, http.StatusNotFound, "There is no page at this address.", nil)
	})
	return s, nil
}

// ServeHTTP sets the security headers and dispatches the request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	// No script at all: every picture is server-side SVG.
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	s.mux.ServeHTTP(w, r)
}

// methods answers 405 with an Allow header, as an error page, to any
// method not listed.
func methods(s *Server, h http.Handler, allowed ...string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, m := range allowed {
			if r.Method == m {
				h.ServeHTTP(w, r)
				return
			}
		}
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		s.fail(w, r, http.StatusMethodNotAllowed, "This address does not take a "+r.Method+" request.", nil)
	})
}

// wantsJSON reports whether r is an API request, whose errors are JSON.
func wantsJSON(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// fail writes an error page (or a JSON error under /api/) and logs err.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, code int, msg string, err error) {
	if err != nil {
		s.cfg.Log.Warn("request failed", "method", r.Method, "path", r.URL.Path, "status", code, "err", err)
	}
	if code == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "2")
	}
	if wantsJSON(r) {
		writeJSON(w, code, map[string]any{"error": msg, "status": code})
		return
	}
	s.render(w, code, "error", errorPage{Status: code, StatusText: http.StatusText(code), Message: msg})
}

// render executes a page template into a buffer first, so that a
// template error gives a clean 500 instead of half a page.
func (s *Server) render(w http.ResponseWriter, code int, name string, data any) {
	var buf bytes.Buffer
	if err := s.tmpl.ExecuteTemplate(&buf, name, data); err != nil {
		s.cfg.Log.Error("template", "name", name, "err", err)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, "internal error\n")
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(code)
	w.Write(buf.Bytes())
}

// home is the search box and the upload form.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	s.render(w, http.StatusOK, "home", homePage{MaxUpload: filerep.HumanSize(s.cfg.MaxUpload), Recent: s.reports.recent(10)})
}

// sha256Param reads the {sha256} path value: 64 hex digits, lower-cased.
func sha256Param(r *http.Request) (string, bool) {
	alg, h, err := reputation.NormalizeHash(r.PathValue("sha256"))
	return h, err == nil && alg == reputation.SHA256
}

// filePage is the seed page of one file.
func (s *Server) filePage(w http.ResponseWriter, r *http.Request) {
	sha, ok := sha256Param(r)
	if !ok {
		s.fail(w, r, http.StatusNotFound, "A file page is addressed by a SHA-256: 64 hexadecimal digits.", nil)
		return
	}
	rep, err := s.lookup(r.Context(), sha)
	if errors.Is(err, reputation.ErrNotFound) {
		s.fail(w, r, http.StatusNotFound, "Nothing is known about this file. Upload it to analyse it.", nil)
		return
	}
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, "The knowledge base could not be read.", err)
		return
	}
	s.render(w, http.StatusOK, "file", buildFilePage(rep))
}

// apiFile is GET /api/v1/files/{sha256}: the report as filerep/v1.
func (s *Server) apiFile(w http.ResponseWriter, r *http.Request) {
	sha, ok := sha256Param(r)
	if !ok {
		s.fail(w, r, http.StatusNotFound, "files are addressed by SHA-256 (64 hexadecimal digits)", nil)
		return
	}
	rep, err := s.lookup(r.Context(), sha)
	if errors.Is(err, reputation.ErrNotFound) {
		s.fail(w, r, http.StatusNotFound, "unknown file", nil)
		return
	}
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, "knowledge base error", err)
		return
	}
	writeJSON(w, http.StatusOK, rep.FileReport)
}

// upload is the form's POST: analyse, store, redirect to the file's page.
func (s *Server) upload(w http.ResponseWriter, r *http.Request) {
	rep, code, msg, err := s.analyzeUpload(w, r)
	if code != 0 {
		s.fail(w, r, code, msg, err)
		return
	}
	http.Redirect(w, r, "/file/"+rep.Hashes.SHA256, http.StatusSeeOther)
}

// apiAnalyze is POST /api/v1/analyze: multipart field "file" → report.
func (s *Server) apiAnalyze(w http.ResponseWriter, r *http.Request) {
	rep, code, msg, err := s.analyzeUpload(w, r)
	if code != 0 {
		s.fail(w, r, code, msg, err)
		return
	}
	w.Header().Set("Location", "/api/v1/files/"+rep.Hashes.SHA256)
	writeJSON(w, http.StatusOK, rep)
}

// errTooLarge marks an upload over the size cap.
var errTooLarge = errors.New("upload too large")

// analyzeUpload streams the multipart field "file" to a temporary file
// under the size cap, analyses it under the timeout and one of the
// worker slots, stores the report and returns it. On failure it returns
// the status code and message for the client (code 0 means success).
func (s *Server) analyzeUpload(w http.ResponseWriter, r *http.Request) (*filerep.FileReport, int, string, error) {
	// A full server says so at once instead of queueing: the slot is
	// taken before the body is read, so it also bounds disk use.
	select {
	case s.slots <- struct{}{}:
		defer func() { <-s.slots }()
	default:
		return nil, http.StatusServiceUnavailable, "The server is busy analysing other files. Try again in a moment.", nil
	}
	if r.ContentLength > s.cfg.MaxUpload+multipartOverhead {
		return nil, http.StatusRequestEntityTooLarge, "The file is larger than " + filerep.HumanSize(s.cfg.MaxUpload) + ".", nil
	}
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Now().Add(s.cfg.UploadTimeout)) // not every writer supports it
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxUpload+multipartOverhead)

	f, name, size, err := s.spool(r)
	if f != nil {
		defer func() {
			f.Close()
			os.Remove(f.Name())
		}()
	}
	var mbe *http.MaxBytesError
	switch {
	case errors.Is(err, errTooLarge) || errors.As(err, &mbe):
		return nil, http.StatusRequestEntityTooLarge, "The file is larger than " + filerep.HumanSize(s.cfg.MaxUpload) + ".", err
	case errors.Is(err, errNoFile):
		return nil, http.StatusBadRequest, "The form has no file: send it in the multipart field \"file\".", err
	case errors.Is(err, errBadMultipart):
		return nil, http.StatusBadRequest, "The request is not a well-formed multipart/form-data upload.", err
	case err != nil:
		return nil, http.StatusInternalServerError, "The upload could not be stored.", err
	}

	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.AnalyzeTimeout)
	defer cancel()
	rep, err := s.an.AnalyzeReaderAt(ctx, name, f, size, filerep.WithoutSatellites())
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return nil, http.StatusServiceUnavailable, "The analysis took too long.", err
	case errors.Is(err, context.Canceled):
		return nil, http.StatusServiceUnavailable, "The request was cancelled.", err
	case rep == nil || rep.Hashes.SHA256 == "":
		return nil, http.StatusUnprocessableEntity, "The file could not be read.", err
	}
	// Other errors (not a PE, a partial parse) are part of the report.
	// The upload's temporary path is nobody's business.
	rep.File.Path = ""
	s.reports.put(rep)
	if err := s.record(ctx, rep); err != nil {
		s.cfg.Log.Warn("knowledge base: report not recorded", "sha256", rep.Hashes.SHA256, "err", err)
	}
	return rep, 0, "", nil
}

// errNoFile and errBadMultipart classify upload failures.
var (
	errNoFile       = errors.New("no file field")
	errBadMultipart = errors.New("malformed multipart body")
)

// spool copies the multipart field "file" into a new temporary file and
// returns it with the uploaded file's base name and size. The name only
// labels the report; no path from the request reaches the file system.
func (s *Server) spool(r *http.Request) (*os.File, string, int64, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, "", 0, fmt.Errorf("%w: %w", errBadMultipart, err)
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, "", 0, errNoFile
		}
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, "", 0, err
		}
		if err != nil {
			return nil, "", 0, fmt.Errorf("%w: %w", errBadMultipart, err)
		}
		if part.FormName() != "file" {
			// Skip other fields; their bytes count towards the body cap.
			if _, err := io.Copy(io.Discard, part); err != nil {
				return nil, "", 0, classifyCopy(err)
			}
			continue
		}
		f, err := os.CreateTemp(s.cfg.TempDir, "filerep-upload-*")
		if err != nil {
			return nil, "", 0, fmt.Errorf("temporary file: %w", err)
		}
		n, err := io.Copy(f, io.LimitReader(part, s.cfg.MaxUpload+1))
		if err != nil {
			return f, "", 0, classifyCopy(err)
		}
		if n > s.cfg.MaxUpload {
			return f, "", 0, errTooLarge
		}
		return f, uploadName(part), n, nil
	}
}

// classifyCopy keeps the body cap's error and marks others as malformed.
func classifyCopy(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return err
	}
	return fmt.Errorf("%w: %w", errBadMultipart, err)
}

// uploadName is the base name of the part's file name, trimmed to 255
// bytes of valid UTF-8; "upload" when there is none.
func uploadName(p *multipart.Part) string {
	name := p.FileName() // already the base name, per mime/multipart
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.ToValidUTF8(strings.TrimSpace(name), "\uFFFD")
	for len(name) > 255 {
		_, n := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-n]
	}
	if name == "" || name == "." || name == "/" {
		return "upload"
	}
	return name
}

// record imports the report into the knowledge base, when it is writable.
func (s *Server) record(ctx context.Context, rep *filerep.FileReport) error {
	if s.writer == nil {
		return nil
	}
	b, err := json.Marshal(rep)
	if err != nil {
		return fmt.Errorf("marshal report: %w", err)
	}
	if _, err := store.ImportReports(ctx, s.writer, bytes.NewReader(b)); err != nil {
		return fmt.Errorf("import report: %w", err)
	}
	return nil
}

// writeJSON writes v as JSON. Besides encoding/json's escapes of <, >
// and &, bidi controls and C1 controls are written as \u escapes: the
// decoded strings are the file's own, the bytes on the wire are inert.
func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		code = http.StatusInternalServerError
		b = []byte(`{"error":"internal error","status":500}`)
	}
	b = escapeJSONControls(b)
	b = append(b, '\n')
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(code)
	w.Write(b)
}

// escapeJSONControls rewrites every bidi formatting character and C1
// control in JSON text as a \uXXXX escape. Outside strings JSON holds only
// ASCII, so the rewrite keeps the JSON valid and its values equal.
func escapeJSONControls(b []byte) []byte {
	if !bytes.ContainsFunc(b, needsJSONEscape) {
		return b
	}
	out := make([]byte, 0, len(b)+64)
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if needsJSONEscape(r) && n > 1 {
			out = fmt.Appendf(out, `\u%04x`, r)
		} else {
			out = append(out, b[:n]...)
		}
		b = b[n:]
	}
	return out
}

// needsJSONEscape reports the runes escapeJSONControls rewrites.
func needsJSONEscape(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f, // C1 controls
		r == 0x061c,              // Arabic letter mark
		r == 0x200e, r == 0x200f, // LRM, RLM
		r >= 0x202a && r <= 0x202e, // LRE, RLE, PDF, LRO, RLO
		r >= 0x2066 && r <= 0x2069, // LRI, RLI, FSI, PDI
		r == 0xfeff:                // BOM / zero-width no-break space
		return true
	}
	return false
}

// reportCache keeps the most recently analysed reports by SHA-256.
type reportCache struct {
	mu    sync.Mutex
	max   int
	order *list.List               // of *filerep.FileReport, most recent first
	bySHA map[string]*list.Element // sha256 → element
}

func newReportCache(max int) *reportCache {
	return &reportCache{max: max, order: list.New(), bySHA: make(map[string]*list.Element)}
}

// put adds or refreshes rep, evicting the oldest past the cap.
func (c *reportCache) put(rep *filerep.FileReport) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.bySHA[rep.Hashes.SHA256]; ok {
		e.Value = rep
		c.order.MoveToFront(e)
		return
	}
	c.bySHA[rep.Hashes.SHA256] = c.order.PushFront(rep)
	for c.order.Len() > c.max {
		old := c.order.Remove(c.order.Back()).(*filerep.FileReport)
		delete(c.bySHA, old.Hashes.SHA256)
	}
}

// get returns the report of sha256, if kept.
func (c *reportCache) get(sha256 string) (*filerep.FileReport, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.bySHA[sha256]; ok {
		return e.Value.(*filerep.FileReport), true
	}
	return nil, false
}

// match returns up to limit kept reports for which keep is true.
func (c *reportCache) match(limit int, keep func(*filerep.FileReport) bool) []*filerep.FileReport {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []*filerep.FileReport
	for e := c.order.Front(); e != nil && len(out) < limit; e = e.Next() {
		if rep := e.Value.(*filerep.FileReport); keep(rep) {
			out = append(out, rep)
		}
	}
	return out
}

// recent returns links to the n most recent reports.
func (c *reportCache) recent(n int) []searchResult {
	var out []searchResult
	for _, rep := range c.match(n, func(*filerep.FileReport) bool { return true }) {
		out = append(out, resultOf(rep))
	}
	return out
}
