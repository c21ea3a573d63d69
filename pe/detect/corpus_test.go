package detect

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/filerep/filerep/pe"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dotnetSourceLangs are the source languages of .NET assemblies: for them ".NET"
// (the language unknown) is a miss, not a wrong name.
var dotnetSourceLangs = map[string]bool{"C#": true, "Visual Basic .NET": true, "F#": true, "C++/CLI": true}

// corpusEntry is one line of testdata/corpus.tsv.
type corpusEntry struct{ path, lang, how string }

// readCorpus reads testdata/corpus.tsv (path, expected code language, how
// the toolchain is known).
func readCorpus(tb testing.TB) []corpusEntry {
	tb.Helper()
	fh, err := os.Open(filepath.Join("testdata", "corpus.tsv"))
	require.NoError(tb, err)
	defer fh.Close()
	var out []corpusEntry
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		require.Len(tb, cols, 3, line)
		out = append(out, corpusEntry{cols[0], cols[1], cols[2]})
	}
	require.NoError(tb, sc.Err())
	return out
}

// TestRealCorpus runs the default rules over real PE files that are not in
// the repository (testdata/corpus.tsv lists them with the code language
// their toolchain is known to give, and how that is known). Files absent
// on this machine are skipped. It checks issue 15's bar: no wrong code
// language, no unpacked file called packed, and at least 97% of the files
// with code named.
func TestRealCorpus(t *testing.T) {
	total, right := 0, 0
	var misses []string
	for _, e := range readCorpus(t) {
		path, wantLang := e.path, e.lang
		b, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		f, _ := pe.Parse(ctx, b)
		cancel()
		require.NotNil(t, f, path)
		d := runDefault(f)
		assert.False(t, d.Packed, "%s: not packed, but %+v", path, d.Packers)
		if wantLang == "-" {
			continue
		}
		total++
		switch {
		case d.CodeLanguage == wantLang:
			right++
		case d.CodeLanguage == Unknown, d.CodeLanguage == ".NET" && dotnetSourceLangs[wantLang]:
			// ".NET" for a C# assembly is the language left unknown, as
			// the rules must when the metadata shows no compiler's names.
			misses = append(misses, path)
		default:
			t.Errorf("%s: wrong code language %q, want %q", path, d.CodeLanguage, wantLang)
		}
	}
	if total == 0 {
		t.Skip("none of the corpus files is on this machine")
	}
	t.Logf("code language right on %d of %d files (%.1f%%); unnamed: %v", right, total, 100*float64(right)/float64(total), misses)
	assert.GreaterOrEqual(t, float64(right)/float64(total), 0.97)
}
