package filerep

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The expected values below come from pefile (testdata/pefile-facts.json,
// written by testdata/src/check/pefacts.py, or pefile run here on Wine's
// kernel32.dll), not from this package: which tables exist, their
// strings, the resource languages and their order. The choice of the
// primary table follows the rule in package rsrc's documentation.

// versionFacts is the part of pefile-facts.json these tests read.
type versionFacts struct {
	Resources []struct {
		Type string `json:"type"`
		Lang string `json:"lang"`
	} `json:"resources"`
	PefileStringTables []struct {
		Key     string      `json:"key"`
		Entries [][2]string `json:"entries"`
	} `json:"pefile_string_tables"`
}

func loadVersionFacts(t *testing.T, sample string) versionFacts {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "pefile-facts.json"))
	require.NoError(t, err)
	var all struct {
		Samples map[string]json.RawMessage `json:"samples"`
	}
	require.NoError(t, json.Unmarshal(b, &all))
	raw, ok := all.Samples[sample]
	require.True(t, ok, "%s not in pefile-facts.json", sample)
	var f versionFacts
	require.NoError(t, json.Unmarshal(raw, &f))
	return f
}

// entries returns a table's strings as pefile's key/value pairs.
func entries(tb map[string]string, keys []string) [][2]string {
	out := make([][2]string, 0, len(keys))
	for _, k := range keys {
		out = append(out, [2]string{k, tb[k]})
	}
	return out
}

func TestVersionLanguagesSample(t *testing.T) {
	const sample = "pe/version-langs.dll"
	facts := loadVersionFacts(t, sample)
	var langs []uint16 // the RT_VERSION resource languages, in directory order
	for _, r := range facts.Resources {
		if r.Type == "RT_VERSION" {
			id, err := strconv.ParseUint(r.Lang, 0, 16)
			require.NoError(t, err)
			langs = append(langs, uint16(id))
		}
	}
	require.Equal(t, []uint16{0x0401, 0x0409, 0x040C}, langs)
	require.Len(t, facts.PefileStringTables, 3)
	// pefile's primary table is the first one: Arabic.
	require.Equal(t, "040104b0", facts.PefileStringTables[0].Key)

	product := func(i int) string {
		for _, e := range facts.PefileStringTables[i].Entries {
			if e[0] == "ProductName" {
				return e[1]
			}
		}
		return ""
	}
	for _, tc := range []struct {
		lang    string
		primary int // index in pefile's tables (one per resource here)
		fixed   string
	}{
		{"", 1, "1.0.9.0"},      // en-US
		{"en-US", 1, "1.0.9.0"}, // en-US
		{"fr-FR", 2, "1.0.12.0"},
		{"fr-CA", 2, "1.0.12.0"}, // French with SUBLANG_DEFAULT
		{"ar-SA", 0, "1.0.1.0"},
		{"ar-EG", 0, "1.0.1.0"},  // Arabic with SUBLANG_DEFAULT is ar-SA
		{"de-DE", 1, "1.0.9.0"},  // no German: en-US
		{"xx-XX", 1, "1.0.9.0"},  // unknown: as none
		{"ja-JP", 1, "1.0.9.0"},  // no Japanese: en-US
		{"fr-fr", 2, "1.0.12.0"}, // case-insensitive
	} {
		t.Run("lang="+tc.lang, func(t *testing.T) {
			rep, err := Analyze(context.Background(), filepath.Join("testdata", sample),
				WithLanguage(tc.lang), WithKnowledgeBase(nil))
			require.NoError(t, err)
			vi := rep.VersionInfo
			require.NotNil(t, vi)
			require.Len(t, vi.Tables, len(facts.PefileStringTables))
			for i, want := range facts.PefileStringTables {
				got := vi.Tables[i]
				assert.Equal(t, want.Key, got.LangCodepage)
				assert.Equal(t, langs[i], got.ResourceLangID)
				keys := make([]string, 0, len(got.Strings))
				m := map[string]string{}
				for _, s := range got.Strings {
					keys = append(keys, s.Key)
					m[s.Key] = s.Value
				}
				assert.Equal(t, want.Entries, entries(m, keys))
			}
			assert.Equal(t, tc.primary, vi.PrimaryTable)
			assert.Equal(t, product(tc.primary), vi.ProductName)
			assert.Equal(t, tc.fixed, vi.FixedFileVersion)
			// The two resources not chosen, in directory order.
			require.Len(t, vi.OtherLanguages, 2)
			var other []uint16
			for _, o := range vi.OtherLanguages {
				other = append(other, o.LangID)
			}
			var want []uint16
			for i, l := range langs {
				if i != tc.primary {
					want = append(want, l)
				}
			}
			assert.Equal(t, want, other)
		})
	}
}

// wineKernel32 returns the path of Wine's kernel32.dll (Debian's libwine:
// usr/lib/x86_64-linux-gnu/wine/x86_64-windows/kernel32.dll) named by
// FILEREP_WINE_KERNEL32, or skips the test.
func wineKernel32(t *testing.T) string {
	p := os.Getenv("FILEREP_WINE_KERNEL32")
	if p == "" {
		t.Skip("FILEREP_WINE_KERNEL32 not set (Wine's kernel32.dll from Debian's libwine)")
	}
	_, err := os.Stat(p)
	require.NoError(t, err, "FILEREP_WINE_KERNEL32")
	return p
}

// pefileTablesScript prints, one JSON object a line, each RT_VERSION
// resource's language (pefile's resource walk) and each StringTable pefile
// decodes, in order.
const pefileTablesScript = `
import json, sys, pefile
pe = pefile.PE(sys.argv[1])
langs = []
for t in pe.DIRECTORY_ENTRY_RESOURCE.entries:
    if t.id == 16:
        for n in t.directory.entries:
            langs += [l.id for l in n.directory.entries]
tables = []
for fi in pe.FileInfo:
    for e in fi:
        if e.Key == b"StringFileInfo":
            for st in e.StringTable:
                tables.append({"key": st.LangID.decode(), "product": st.entries.get(b"ProductName", b"").decode("utf-8")})
print(json.dumps({"langs": langs, "tables": tables}, ensure_ascii=False))
`

func TestVersionLanguagesWineKernel32(t *testing.T) {
	path := wineKernel32(t)
	if err := exec.Command("/usr/bin/python3", "-c", "import pefile").Run(); err != nil {
		t.Skip("python3-pefile not installed")
	}
	out, err := exec.Command("/usr/bin/python3", "-c", pefileTablesScript, path).Output()
	require.NoError(t, err)
	var want struct {
		Langs  []uint16 `json:"langs"`
		Tables []struct {
			Key     string `json:"key"`
			Product string `json:"product"`
		} `json:"tables"`
	}
	require.NoError(t, json.Unmarshal(out, &want))
	// Wine 8.0: 36 RT_VERSION resources of one table each, Arabic first.
	require.Len(t, want.Tables, 36)
	require.Len(t, want.Langs, 36)
	require.Equal(t, "واين", want.Tables[0].Product)

	rep, err := Analyze(context.Background(), path, WithKnowledgeBase(nil))
	require.NoError(t, err)
	vi := rep.VersionInfo
	require.NotNil(t, vi)
	require.Len(t, vi.Tables, len(want.Tables))
	for i, w := range want.Tables {
		assert.Equal(t, w.Key, vi.Tables[i].LangCodepage, "table %d", i)
		assert.Equal(t, want.Langs[i], vi.Tables[i].ResourceLangID, "table %d", i)
		p, _ := vi.Tables[i].Get("ProductName")
		assert.Equal(t, w.Product, p, "table %d", i)
	}
	assert.Equal(t, "Wine", vi.ProductName)
	require.GreaterOrEqual(t, vi.PrimaryTable, 0)
	assert.Equal(t, uint16(0x0409), vi.Tables[vi.PrimaryTable].ResourceLangID)
	assert.Len(t, vi.OtherLanguages, 35)

	// Other UI languages pick their own resource.
	for lang, wantLang := range map[string]uint16{"ar-SA": 0x0001, "hu-HU": 0x000E, "pt-BR": 0x0416, "en-GB": 0x0009} {
		rep, err := Analyze(context.Background(), path, WithLanguage(lang), WithKnowledgeBase(nil))
		require.NoError(t, err)
		vi := rep.VersionInfo
		require.GreaterOrEqual(t, vi.PrimaryTable, 0)
		assert.Equal(t, wantLang, vi.Tables[vi.PrimaryTable].ResourceLangID, lang)
		p, _ := vi.Tables[vi.PrimaryTable].Get("ProductName")
		assert.Equal(t, p, vi.ProductName, lang)
		assert.True(t, strings.HasPrefix(vi.ProductName, "Wine") || lang == "ar-SA", "%s: %q", lang, vi.ProductName)
	}
}
