package filerep

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/filerep/filerep/internal/testutil"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/require"
)

// reportSchema compiles docs/filerep-v1.schema.json, the contract's
// machine-readable form, written by hand from docs/report.md (not
// generated from the Go types it checks).
func reportSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	path := filepath.Join(testutil.RepoRoot(), "docs", "filerep-v1.schema.json")
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	require.NoError(t, c.AddResource(path, doc))
	s, err := c.Compile(path)
	require.NoError(t, err)
	return s
}

// validateReport checks one report's JSON against the schema.
func validateReport(t *testing.T, s *jsonschema.Schema, name string, b []byte) {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	require.NoError(t, err, name)
	if err := s.Validate(v); err != nil {
		t.Errorf("%s does not match the schema: %v", name, err)
	}
}

// TestSchemaGolden: every golden report matches the schema.
func TestSchemaGolden(t *testing.T) {
	s := reportSchema(t)
	n := 0
	err := filepath.WalkDir(filepath.Join(testutil.RepoRoot(), "testdata", "golden"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
			return err
		}
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		validateReport(t, s, p, b)
		n++
		return nil
	})
	require.NoError(t, err)
	require.Greater(t, n, 20)
}

// TestSchemaCorpus: the report of every committed sample, every corkami
// file (FILEREP_CORPUS) and the saferwall/pe test files matches the
// schema, whatever the file did to the parser.
func TestSchemaCorpus(t *testing.T) {
	s := reportSchema(t)
	var files []string
	add := func(dir string) {
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if e.Type().IsRegular() && !strings.HasSuffix(e.Name(), ".7z") && !strings.HasSuffix(e.Name(), ".b64") {
				files = append(files, filepath.Join(dir, e.Name()))
			}
		}
	}
	add(filepath.Join(testutil.RepoRoot(), "testdata", "pe"))
	if c := os.Getenv("FILEREP_CORPUS"); c != "" {
		add(filepath.Join(c, "corkami"))
	}
	if out, err := goListDir("github.com/saferwall/pe"); err == nil {
		add(filepath.Join(out, "test"))
	}
	a, err := New(WithRoots(testRoots(t)))
	require.NoError(t, err)
	for _, f := range files {
		rep, _ := a.Analyze(context.Background(), f)
		b, err := json.Marshal(rep)
		require.NoError(t, err)
		validateReport(t, s, f, b)
	}
	t.Logf("%d reports checked", len(files))
}
