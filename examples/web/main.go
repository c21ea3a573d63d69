// Command web serves the seed page — "Should I block it?" for one file —
// in a browser, with a JSON API beside it: the showcase of the filerep SDK
// and a starting point to copy.
//
// Usage:
//
//	web [-addr 127.0.0.1:8080] [-kb FILE|none] [-roots PEM|none] [-catalogs DIR]
//	    [-telemetry SAMPLES.jsonl|STATE] [-max-upload BYTES] [-workers N]
//
// Routes:
//
//	GET  /                        search box and upload form
//	GET  /file/{sha256}           the seed page of one file
//	GET  /search?q=               by MD5, SHA-1, SHA-256, file name or publisher
//	POST /upload                  multipart field "file": analyse, store, redirect
//	GET  /api/v1/files/{sha256}   the report as filerep/v1 JSON
//	POST /api/v1/analyze          multipart field "file" → the report as JSON
//
// Every string from a file, the knowledge base or the telemetry is
// escaped; the pages carry no script (the charts are server-side SVG) and
// a Content-Security-Policy that allows none. Uploads are streamed to a
// temporary file under a size cap and removed after analysis; analyses
// run under a timeout, at most -workers at once, and a full server answers
// 503 instead of queueing.
package main

import (
	"bufio"
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"github.com/filerep/filerep"
	"github.com/filerep/filerep/reputation"
	"github.com/filerep/filerep/reputation/store"
	"github.com/filerep/filerep/stats"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stderr, nil))
}

// run parses the flags, serves until ctx is done, then shuts down
// gracefully. ready, when not nil, receives the listening address.
func run(ctx context.Context, args []string, stderr io.Writer, ready chan<- string) int {
	fl := flag.NewFlagSet("web", flag.ContinueOnError)
	fl.SetOutput(stderr)
	addr := fl.String("addr", "127.0.0.1:8080", "address to listen on")
	kbPath := fl.String("kb", "", "knowledge base file, opened read-write so that uploads are recorded (default: the embedded default in the user cache; \"none\": an in-memory one holding the seed)")
	rootsPath := fl.String("roots", "", "PEM file of root certificates replacing the embedded trust anchors (\"none\": no anchors)")
	catalogs := fl.String("catalogs", "", "folder of Windows catalog files (.cat) to look files up in")
	telemetry := fl.String("telemetry", "", "crowd telemetry: JSON Lines of samples, or an aggregator state written by telemetry -save")
	maxUpload := fl.Int64("max-upload", 256<<20, "largest file accepted for analysis, in bytes")
	workers := fl.Int("workers", runtime.GOMAXPROCS(0), "analyses run at once; more requests get 503")
	timeout := fl.Duration("timeout", time.Minute, "time limit of one analysis")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if fl.NArg() > 0 || *maxUpload < 1 || *workers < 1 {
		fmt.Fprintln(stderr, "usage: web [-addr HOST:PORT] [-kb FILE|none] [-roots PEM|none] [-catalogs DIR] [-telemetry FILE] [-max-upload BYTES] [-workers N]")
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))

	opts := []filerep.Option{filerep.WithWorkers(*workers)}
	switch *rootsPath {
	case "":
	case "none":
		opts = append(opts, filerep.WithRoots())
	default:
		certs, err := readPEMCertificates(*rootsPath)
		if err != nil {
			fmt.Fprintln(stderr, "web:", err)
			return 2
		}
		opts = append(opts, filerep.WithRoots(certs...))
	}
	if *catalogs != "" {
		opts = append(opts, filerep.WithCatalogDir(*catalogs))
	}
	kb, closeKB, err := openKB(ctx, *kbPath)
	if err != nil {
		fmt.Fprintln(stderr, "web: knowledge base:", err)
		return 1
	}
	defer closeKB()
	opts = append(opts, filerep.WithKnowledgeBase(kb))
	var agg *stats.Aggregator
	if *telemetry != "" {
		agg, err = loadTelemetry(ctx, *telemetry)
		if err != nil {
			fmt.Fprintln(stderr, "web: telemetry:", err)
			return 1
		}
		opts = append(opts, filerep.WithTelemetrySource(func(sha256, name string) *stats.Summary {
			if s, ok := agg.Summary(sha256); ok {
				return s
			}
			if s, ok := agg.NameSummary(name); ok {
				return s
			}
			return nil
		}))
	}
	an, err := filerep.New(opts...)
	if err != nil {
		fmt.Fprintln(stderr, "web:", err)
		return 2
	}
	srv, err := NewServer(an, Config{
		KB: kb, Telemetry: agg, MaxUpload: *maxUpload, Workers: *workers,
		AnalyzeTimeout: *timeout, Log: log,
	})
	if err != nil {
		fmt.Fprintln(stderr, "web:", err)
		return 1
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(stderr, "web:", err)
		return 1
	}
	hs := newHTTPServer(srv)
	log.Info("serving", "url", "http://"+ln.Addr().String()+"/")
	if ready != nil {
		ready <- ln.Addr().String()
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		fmt.Fprintln(stderr, "web:", err)
		return 1
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		fmt.Fprintln(stderr, "web: shutdown:", err)
		return 1
	}
	return 0
}

// newHTTPServer sets the timeouts a server facing the internet needs.
// Whole-request read and write timeouts are left to the handlers: an
// upload of the largest size may take minutes (the upload handler sets
// its own read deadline), a page takes milliseconds.
func newHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
}

// openKB opens the knowledge base the -kb flag names, read-write.
func openKB(ctx context.Context, path string) (reputation.KnowledgeBase, func(), error) {
	switch path {
	case "none":
		kb := reputation.NewMemKB()
		if err := reputation.Seed(ctx, kb); err != nil {
			return nil, nil, fmt.Errorf("seed: %w", err)
		}
		return kb, func() {}, nil
	case "":
		st, err := store.Default()
		if err != nil {
			return nil, nil, fmt.Errorf("default knowledge base: %w", err)
		}
		return st, func() { st.Close() }, nil
	}
	st, err := store.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		st, err = store.Create(path)
		if err == nil {
			err = reputation.Seed(ctx, st)
		}
	}
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return st, func() { st.Close() }, nil
}

// loadTelemetry reads JSON Lines of samples, or an aggregator state
// written by examples/telemetry -save, told apart by the first byte.
func loadTelemetry(ctx context.Context, path string) (*stats.Aggregator, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	agg, err := stats.NewAggregator()
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(f, 64<<10)
	first, err := br.Peek(1)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(first) == 1 && first[0] != '{' && first[0] != ' ' && first[0] != '\n' && first[0] != '\r' && first[0] != '\t' {
		b, err := io.ReadAll(br)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if err := agg.UnmarshalBinary(b); err != nil {
			return nil, fmt.Errorf("%s: not JSON Lines, nor an aggregator state: %w", path, err)
		}
		return agg, nil
	}
	if _, err := stats.ReadJSONL(ctx, br, agg); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return agg, nil
}

// readPEMCertificates reads every certificate of a PEM file.
func readPEMCertificates(path string) ([]*x509.Certificate, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var certs []*x509.Certificate
	for {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			break
		}
		if blk.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, fmt.Errorf("%s holds no PEM certificate", path)
	}
	return certs, nil
}
