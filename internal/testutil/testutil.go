// Package testutil holds what the project's tests share: where the
// repository, its samples and the outside corpus are, and golden files.
// Only tests import it.
package testutil

import (
	"bytes"
	"encoding/base64"
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Update is the -update flag: rewrite golden files instead of comparing.
var Update = flag.Bool("update", false, "rewrite golden files")

// RepoRoot returns the repository's root directory (where go.mod is).
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// CorpusEnv names the environment variable that points at the test corpora
// kept outside the repository (../shared/corpus; .ci/run sets it).
const CorpusEnv = "FILEREP_CORPUS"

// CorpusFiles returns the regular files under $FILEREP_CORPUS/sub. When
// the variable is unset it falls back to ../shared/corpus beside the
// repository, and skips the test when that is absent too. When the
// variable is set but the folder holds no file, the test fails: CI must not
// pass by testing nothing.
func CorpusFiles(t testing.TB, sub string) []string {
	t.Helper()
	dir, set := os.LookupEnv(CorpusEnv)
	if !set || dir == "" {
		dir = filepath.Join(RepoRoot(), "..", "shared", "corpus")
		if _, err := os.Stat(dir); err != nil {
			t.Skipf("no corpus: set %s", CorpusEnv)
		}
	}
	files := regularFiles(t, filepath.Join(dir, sub))
	if len(files) == 0 {
		t.Fatalf("%s=%s: no files under %s", CorpusEnv, dir, sub)
	}
	return files
}

// Sample is one committed sample binary.
type Sample struct {
	Rel  string // path below testdata/pe, slash-separated, without ".b64"
	Path string // a file holding the sample's bytes
}

// Samples returns the committed sample binaries under testdata/pe. Those
// stored base64-encoded (name.b64, for samples that antivirus tools may
// flag, such as packed ones) are decoded into a temporary directory.
func Samples(t testing.TB) []Sample {
	t.Helper()
	dir := filepath.Join(RepoRoot(), "testdata", "pe")
	files := regularFiles(t, dir)
	require.NotEmpty(t, files, "no samples under testdata/pe")
	var out []Sample
	var tmp string
	for _, p := range files {
		rel, err := filepath.Rel(dir, p)
		require.NoError(t, err)
		rel = filepath.ToSlash(rel)
		if strings.HasSuffix(rel, ".md") || strings.HasSuffix(rel, ".txt") {
			continue
		}
		if strings.HasSuffix(rel, ".b64") {
			enc, err := os.ReadFile(p)
			require.NoError(t, err)
			b, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(enc)), ""))
			require.NoError(t, err, p)
			if tmp == "" {
				tmp = t.TempDir()
			}
			rel = strings.TrimSuffix(rel, ".b64")
			p = filepath.Join(tmp, strings.ReplaceAll(rel, "/", "_"))
			require.NoError(t, os.WriteFile(p, b, 0o644))
		}
		out = append(out, Sample{Rel: rel, Path: p})
	}
	return out
}

// MaxFuzzSeed is the size above which FuzzSeeds leaves a file out:
// mutating megabyte inputs costs the fuzzer more than it finds (with the
// 1–3 MB Go samples among the seeds, FuzzParse ran a few executions a
// second).
const MaxFuzzSeed = 64 << 10

// FuzzSeeds returns the contents of the committed samples and, when
// $FILEREP_CORPUS is set, of the corkami corpus, leaving out files larger
// than MaxFuzzSeed.
func FuzzSeeds(t testing.TB) [][]byte {
	t.Helper()
	var out [][]byte
	add := func(p string) {
		if fi, err := os.Stat(p); err != nil || fi.Size() > MaxFuzzSeed {
			return
		}
		if b, err := os.ReadFile(p); err == nil {
			out = append(out, b)
		}
	}
	for _, s := range Samples(t) {
		add(s.Path)
	}
	if os.Getenv(CorpusEnv) != "" {
		for _, p := range CorpusFiles(t, "corkami") {
			add(p)
		}
	}
	return out
}

func regularFiles(t testing.TB, dir string) []string {
	var out []string
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			out = append(out, p)
		}
		return nil
	})
	sort.Strings(out)
	return out
}

// Golden compares got with the golden file at path, or rewrites the file
// when -update is given.
func Golden(t testing.TB, path string, got []byte) {
	t.Helper()
	if *Update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "missing golden file; run go test -update")
	if !bytes.Equal(want, got) {
		require.Equal(t, string(want), string(got), "golden %s differs; review and run go test -update", path)
	}
}

// CaptureStdout runs fn with os.Stdout redirected to a pipe and returns
// what was written to it.
func CaptureStdout(t testing.TB, fn func()) []byte {
	t.Helper()
	r, w, err := os.Pipe()
	require.NoError(t, err)
	old := os.Stdout
	os.Stdout = w
	done := make(chan []byte)
	go func() {
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(r)
		done <- buf.Bytes()
	}()
	defer func() { os.Stdout = old }()
	fn()
	os.Stdout = old
	w.Close()
	return <-done
}
