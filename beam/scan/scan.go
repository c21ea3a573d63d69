// Package scan is the file-scan pipeline on Apache Beam: file paths or
// globs in, one filerep report per file out as JSON Lines, the reports
// examples/scan writes.
//
// The flow:
//
//	fileio.MatchAll (globs on any Beam file system) → fileio.ReadMatches
//	  → Analyze: one filerep.Analyzer per DoFn instance, built in Setup
//	  → jsonl.Line (the report's JSON, keyed by path)
//
// A local file (a path without a scheme) is analysed by
// filerep.Analyzer.Analyze, the same call examples/scan makes: its report
// is examples/scan's, including MUI satellites found beside it, the Windows
// tree it lies in, and hashes streamed above the in-memory cap. A file on
// another file system (gs://, s3://, memfs://) is read whole through Beam's
// file system when it is at most Config.MaxInMemory bytes and analysed
// in memory (no satellites, no Windows tree); a larger one gets a report
// whose error wraps [ErrTooLarge]. A file that cannot be read gets its
// report with the error, as examples/scan gives one; nothing is dropped.
//
// Counters in namespace [Namespace]: "files", "pe", "not_pe", "errors"
// (reports with an error other than not-PE), "bytes".
package scan

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/fileio"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/filerep/filerep"
	"github.com/filerep/filerep/beam/jsonl"
	"github.com/filerep/filerep/hash"
	"github.com/filerep/filerep/pe"
)

// Namespace is the namespace of the pipeline's Beam counters.
const Namespace = "filerep.scan"

// ErrTooLarge is wrapped by the error of a report for a file on a remote
// file system that is over Config.MaxInMemory bytes.
var ErrTooLarge = errors.New("scan: file over the in-memory cap on a remote file system")

var (
	filesCounter  = beam.NewCounter(Namespace, "files")
	peCounter     = beam.NewCounter(Namespace, "pe")
	notPECounter  = beam.NewCounter(Namespace, "not_pe")
	errorsCounter = beam.NewCounter(Namespace, "errors")
	bytesCounter  = beam.NewCounter(Namespace, "bytes")
)

func init() {
	register.DoFn3x1[context.Context, fileio.ReadableFile, func(jsonl.Line), error](&AnalyzeFn{})
	register.Emitter1[jsonl.Line]()
}

// Config holds the analysis settings, the same for every file.
type Config struct {
	// MaxInMemory is filerep.WithMaxInMemory; 0 means
	// filerep.DefaultMaxInMemory. It also caps what is read from a remote
	// file system.
	MaxInMemory int64 `json:"max_in_memory"`
	// Hashes lists the digests to compute, as hash.ParseDigests reads it
	// ("md5,sha256", "default", "all"); empty means "default", as
	// examples/scan's -hashes.
	Hashes string `json:"hashes"`
	// Fast parses only headers and sections (filerep.WithFast).
	Fast bool `json:"fast"`
}

// Pipeline adds the scan to s: every file matching each glob is analysed
// and its report returned as a jsonl.Line keyed by path. Directories
// matched by a glob are skipped (a tree is walked by [DirGlobs]); compressed files are read as they are.
func Pipeline(s beam.Scope, globs []string, cfg Config) beam.PCollection {
	s = s.Scope("scan")
	patterns := beam.CreateList(s, globs)
	matches := fileio.MatchAll(s, patterns, fileio.MatchEmptyAllowIfWildcard())
	files := fileio.ReadMatches(s, matches, fileio.ReadUncompressed(), fileio.ReadDirectorySkip())
	return beam.ParDo(s, &AnalyzeFn{Config: cfg}, files)
}

// DirGlobs returns, for local folders, one glob per folder under each
// (the folder itself included) that matches the files in it: a tree for
// a Beam file system, whose globs do not recurse. It does not follow
// symbolic links to folders. Arguments that are not local folders are
// returned as they are.
func DirGlobs(args []string) ([]string, error) {
	var globs []string
	for _, a := range args {
		st, err := os.Stat(a)
		if strings.Contains(a, "://") || err != nil || !st.IsDir() {
			globs = append(globs, a)
			continue
		}
		err = filepath.WalkDir(a, func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				globs = append(globs, filepath.Join(escapeGlob(p), "*"))
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("scan: %w", err)
		}
	}
	return globs, nil
}

// escapeGlob escapes the characters filepath.Match treats specially.
func escapeGlob(p string) string {
	var b strings.Builder
	for _, c := range p {
		if strings.ContainsRune(`*?[\`, c) {
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// AnalyzeFn reports on one file. Its Analyzer is built once per DoFn
// instance, in Setup, and shared by the files it processes.
type AnalyzeFn struct {
	Config Config `json:"config"`

	a *filerep.Analyzer
}

// Setup builds the Analyzer from the Config.
func (f *AnalyzeFn) Setup() error {
	spec := f.Config.Hashes
	if spec == "" {
		spec = "default"
	}
	digests, err := hash.ParseDigests(spec)
	if err != nil {
		return fmt.Errorf("scan: hashes: %w", err)
	}
	opts := []filerep.Option{filerep.WithHashes(digests), filerep.WithFast(f.Config.Fast)}
	if f.Config.MaxInMemory > 0 {
		opts = append(opts, filerep.WithMaxInMemory(f.Config.MaxInMemory))
	}
	f.a, err = filerep.New(opts...)
	if err != nil {
		return fmt.Errorf("scan: %w", err)
	}
	return nil
}

func (f *AnalyzeFn) maxInMemory() int64 {
	if f.Config.MaxInMemory > 0 {
		return f.Config.MaxInMemory
	}
	return filerep.DefaultMaxInMemory
}

// ProcessElement analyses one file and emits its report.
func (f *AnalyzeFn) ProcessElement(ctx context.Context, file fileio.ReadableFile, emit func(jsonl.Line)) error {
	path := file.Metadata.Path
	local := !strings.Contains(path, "://")
	if local {
		// A glob's matches include folders, which fileio.ReadMatches
		// recognises only by a trailing slash; a tree is walked by
		// DirGlobs instead.
		if st, err := os.Stat(path); err == nil && st.IsDir() {
			return nil
		}
	}
	var rep *filerep.FileReport
	var err error
	switch {
	case local:
		rep, err = f.a.Analyze(ctx, path)
	case file.Metadata.Size > f.maxInMemory():
		rep, err = f.a.AnalyzeReaderAt(ctx, path, errReaderAt{fmt.Errorf("%w: %d bytes, cap %d", ErrTooLarge, file.Metadata.Size, f.maxInMemory())}, file.Metadata.Size)
	default:
		var b []byte
		if b, err = file.Read(ctx); err != nil {
			rep, err = f.a.AnalyzeReaderAt(ctx, path, errReaderAt{fmt.Errorf("scan: %w", err)}, file.Metadata.Size)
		} else {
			rep, err = f.a.AnalyzeBytes(ctx, path, b)
		}
	}
	if ctx.Err() != nil {
		return fmt.Errorf("scan: %s: %w", path, ctx.Err()) // the bundle is retried or the job ends
	}
	filesCounter.Inc(ctx, 1)
	bytesCounter.Inc(ctx, rep.File.Size)
	if rep.File.Kind == filerep.KindNotPE {
		notPECounter.Inc(ctx, 1)
	} else {
		peCounter.Inc(ctx, 1)
	}
	if err != nil && !errors.Is(err, pe.ErrNotPE) {
		errorsCounter.Inc(ctx, 1)
	}
	text, jerr := reportJSON(rep)
	if jerr != nil {
		return fmt.Errorf("scan: %s: %w", path, jerr)
	}
	emit(jsonl.Line{Key: path, Text: text})
	return nil
}

// reportJSON encodes a report as examples/scan does (no HTML escaping),
// without the newline.
func reportJSON(rep *filerep.FileReport) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(rep); err != nil {
		return "", err
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}

// errReaderAt fails every read with its error, so that the Analyzer makes
// the report of a file that could not be read.
type errReaderAt struct{ err error }

func (r errReaderAt) ReadAt([]byte, int64) (int, error) { return 0, r.err }
