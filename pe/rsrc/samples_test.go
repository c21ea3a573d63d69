package rsrc

// Conformance against the project's sample binaries (testdata/pe, built by
// testdata/build.sh with windres, windmc, mcs, NSIS and UPX) and the facts
// testdata/src/check/pefacts.py recorded for them (testdata/pefile-facts.json:
// pefile's fixed file info plus pefacts' own decoding of version tables, the
// MUI config, string and message tables). The resources are pulled out by a
// minimal PE resource walker below, test-only. Skips when the samples are
// absent.

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testdataDir = "../../testdata"

// peResource is one leaf of a PE resource tree.
type peResource struct {
	typ  string // "16", or a name such as "MUI"
	name string // "1", or a name
	lang uint16
	data []byte
}

// sampleResources returns the resources of type typ ("16", "MUI", …) of
// every sample under testdata/pe, or nothing when the samples are absent.
// Fuzz targets use them as seeds.
func sampleResources(tb testing.TB, typ string) []peResource {
	var out []peResource
	_ = filepath.WalkDir(filepath.Join(testdataDir, "pe"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(testdataDir, p)
		img, err := loadSample(rel)
		if err != nil {
			return nil // e.g. being rewritten by build.sh: seeds are optional
		}
		res, err := peResources(img)
		if err != nil {
			return nil
		}
		for _, r := range res {
			if r.typ == typ {
				out = append(out, r)
			}
		}
		return nil
	})
	return out
}

// loadSample returns a sample's bytes, decoding .b64 files.
func loadSample(rel string) ([]byte, error) {
	b, err := os.ReadFile(filepath.Join(testdataDir, rel))
	if err == nil && strings.HasSuffix(rel, ".b64") {
		b, err = base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(b)), ""))
	}
	return b, err
}

func readSample(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := loadSample(rel)
	require.NoError(t, err)
	return b
}

// peResources walks the resource directory of a PE image (type → name →
// language). It is deliberately small and strict: it serves the tests.
func peResources(img []byte) ([]peResource, error) {
	le := binary.LittleEndian
	if len(img) < 0x40 || img[0] != 'M' || img[1] != 'Z' {
		return nil, fmt.Errorf("not MZ")
	}
	pe := int(le.Uint32(img[0x3C:]))
	if pe < 0 || pe+24 > len(img) || string(img[pe:pe+4]) != "PE\x00\x00" {
		return nil, fmt.Errorf("no PE header")
	}
	nsect := int(le.Uint16(img[pe+6:]))
	optSize := int(le.Uint16(img[pe+20:]))
	opt := pe + 24
	if opt+optSize > len(img) || optSize < 2 {
		return nil, fmt.Errorf("short optional header")
	}
	var dd int
	switch le.Uint16(img[opt:]) {
	case 0x10B:
		dd = opt + 96
	case 0x20B:
		dd = opt + 112
	default:
		return nil, fmt.Errorf("bad magic")
	}
	if dd+3*8 > opt+optSize {
		return nil, nil
	}
	rsrcRVA, rsrcSize := le.Uint32(img[dd+16:]), le.Uint32(img[dd+20:])
	if rsrcRVA == 0 || rsrcSize == 0 {
		return nil, nil
	}
	sect := opt + optSize
	toOff := func(rva uint32) (int, bool) {
		for i := 0; i < nsect; i++ {
			s := sect + 40*i
			if s+40 > len(img) {
				break
			}
			vsz, va := le.Uint32(img[s+8:]), le.Uint32(img[s+12:])
			rawSz, raw := le.Uint32(img[s+16:]), le.Uint32(img[s+20:])
			if rva >= va && rva < va+max(vsz, rawSz) {
				off := int(raw) + int(rva-va)
				return off, off < len(img)
			}
		}
		return 0, false
	}
	base, ok := toOff(rsrcRVA)
	if !ok {
		return nil, fmt.Errorf("resource RVA not mapped")
	}
	at := func(off int, n int) ([]byte, bool) {
		if off < 0 || n < 0 || off+n > len(img) {
			return nil, false
		}
		return img[off : off+n], true
	}
	nameOf := func(v uint32) string {
		if v&0x80000000 == 0 {
			return strconv.Itoa(int(v & 0xFFFF))
		}
		h, ok := at(base+int(v&0x7FFFFFFF), 2)
		if !ok {
			return "?"
		}
		s, ok := at(base+int(v&0x7FFFFFFF)+2, 2*int(le.Uint16(h)))
		if !ok {
			return "?"
		}
		return utf16Units(s)
	}
	type entry struct{ name, off uint32 }
	dir := func(off int) []entry {
		h, ok := at(base+off, 16)
		if !ok {
			return nil
		}
		n := int(le.Uint16(h[12:])) + int(le.Uint16(h[14:]))
		var out []entry
		for i := 0; i < n && i < 4096; i++ {
			e, ok := at(base+off+16+8*i, 8)
			if !ok {
				break
			}
			out = append(out, entry{le.Uint32(e), le.Uint32(e[4:])})
		}
		return out
	}
	var res []peResource
	for _, te := range dir(0) {
		if te.off&0x80000000 == 0 {
			continue
		}
		for _, ne := range dir(int(te.off & 0x7FFFFFFF)) {
			if ne.off&0x80000000 == 0 {
				continue
			}
			for _, lg := range dir(int(ne.off & 0x7FFFFFFF)) {
				if lg.off&0x80000000 != 0 {
					continue
				}
				de, ok := at(base+int(lg.off), 16)
				if !ok {
					continue
				}
				doff, ok := toOff(le.Uint32(de))
				if !ok {
					continue
				}
				data, ok := at(doff, int(le.Uint32(de[4:])))
				if !ok {
					continue
				}
				res = append(res, peResource{typ: nameOf(te.name), name: nameOf(ne.name), lang: uint16(lg.name), data: data})
			}
		}
	}
	return res, nil
}

// sampleFacts is the part of testdata/pefile-facts.json these tests use.
type sampleFacts struct {
	FixedFileInfo *struct {
		FileVersion    string `json:"file_version"`
		ProductVersion string `json:"product_version"`
		Flags          string `json:"flags"`
		OS             string `json:"os"`
		Type           uint32 `json:"type"`
	} `json:"fixed_file_info"`
	Own struct {
		Version map[string]struct {
			Tables []struct {
				Key     string      `json:"key"`
				Entries [][2]string `json:"entries"`
			} `json:"tables"`
			Translations []string `json:"translations"`
		} `json:"version"`
		MUI map[string]struct {
			Checksum                 string   `json:"checksum"`
			ServiceChecksum          string   `json:"service_checksum"`
			FileType                 string   `json:"file_type"`
			Language                 string   `json:"language"`
			Length                   uint32   `json:"length"`
			MainIDTypes              []uint32 `json:"main_id_types"`
			MainNameTypes            []string `json:"main_name_types"`
			MUIIDTypes               []uint32 `json:"mui_id_types"`
			MUINameTypes             []string `json:"mui_name_types"`
			PathType                 uint32   `json:"path_type"`
			SystemAttributes         string   `json:"system_attributes"`
			UltimateFallbackLanguage string   `json:"ultimate_fallback_language"`
			UltimateFallbackLocation uint32   `json:"ultimate_fallback_location"`
			Version                  string   `json:"version"`
		} `json:"mui"`
		Strings  map[string]map[string]string `json:"strings"`
		Messages map[string]map[string]struct {
			Flags uint16 `json:"flags"`
			Text  string `json:"text"`
		} `json:"messages"`
	} `json:"own"`
}

func loadFacts(t *testing.T) map[string]sampleFacts {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(testdataDir, "pefile-facts.json"))
	if os.IsNotExist(err) {
		t.Skip("testdata/pefile-facts.json not present")
	}
	require.NoError(t, err)
	var f struct {
		Samples map[string]sampleFacts `json:"samples"`
	}
	require.NoError(t, json.Unmarshal(raw, &f))
	return f.Samples
}

func hex32(v uint32) string { return fmt.Sprintf("%#x", v) }

func langKey(l uint16) string { return fmt.Sprintf("0x%04x", l) }

// TestSamplesAgainstFacts decodes every resource of every sample and
// compares with pefile-facts.json.
func TestSamplesAgainstFacts(t *testing.T) {
	facts := loadFacts(t)
	require.NotEmpty(t, facts)
	for rel, want := range facts {
		t.Run(rel, func(t *testing.T) {
			if _, err := os.Stat(filepath.Join(testdataDir, rel)); err != nil {
				t.Skip("sample not present")
			}
			res, err := peResources(readSample(t, rel))
			require.NoError(t, err)
			firstVersion := true
			seen := map[string]map[string]bool{} // kind → languages decoded
			mark := func(kind, lang string) {
				if seen[kind] == nil {
					seen[kind] = map[string]bool{}
				}
				seen[kind][lang] = true
			}
			for _, r := range res {
				key := langKey(r.lang)
				switch r.typ {
				case "16":
					mark("version", key)
					v, err := ParseVersionInfo(r.data)
					require.NoError(t, err)
					assert.Empty(t, v.Anomalies, "anomalies: %v", v.Anomalies)
					if firstVersion && want.FixedFileInfo != nil {
						firstVersion = false
						require.NotNil(t, v.Fixed)
						assert.Equal(t, want.FixedFileInfo.FileVersion, v.Fixed.FileVersion)
						assert.Equal(t, want.FixedFileInfo.ProductVersion, v.Fixed.ProductVersion)
						assert.Equal(t, want.FixedFileInfo.Flags, hex32(v.Fixed.Flags))
						assert.Equal(t, want.FixedFileInfo.OS, hex32(v.Fixed.OS))
						assert.Equal(t, want.FixedFileInfo.Type, v.Fixed.Type)
					}
					wv, ok := want.Own.Version[key]
					if !ok {
						continue
					}
					require.Len(t, v.Tables, len(wv.Tables))
					for i, wt := range wv.Tables {
						assert.Equal(t, strings.ToLower(wt.Key), v.Tables[i].LangCodepage)
						var got [][2]string
						for _, p := range v.Tables[i].Strings {
							got = append(got, [2]string{p.Key, p.Value})
						}
						assert.Equal(t, wt.Entries, got)
					}
					var tr []string
					for _, x := range v.Translations {
						tr = append(tr, x.LangCodepage())
					}
					assert.Equal(t, wv.Translations, tr)
				case "MUI":
					mark("mui", key)
					m, err := ParseMUI(r.data)
					require.NoError(t, err)
					assert.Empty(t, m.Anomalies)
					wm := want.Own.MUI[key]
					assert.Equal(t, wm.Checksum, m.Checksum)
					assert.Equal(t, wm.ServiceChecksum, m.ServiceChecksum)
					assert.Equal(t, wm.FileType, hex32(m.FileTypeID))
					assert.Equal(t, wm.Language, m.Language)
					assert.Equal(t, wm.UltimateFallbackLanguage, m.FallbackLanguage)
					assert.Equal(t, wm.UltimateFallbackLocation, m.FallbackLocationID)
					assert.Equal(t, wm.Length, m.Length)
					assert.Equal(t, wm.PathType, m.PathType)
					assert.Equal(t, wm.SystemAttributes, hex32(m.SystemAttributes))
					assert.Equal(t, wm.Version, fmt.Sprintf("%08x", m.Version))
					assert.Equal(t, wm.MainIDTypes, m.MainTypeIDs)
					assert.Equal(t, wm.MainNameTypes, m.MainTypeNames)
					assert.Equal(t, wm.MUIIDTypes, m.MUITypeIDs)
					assert.Equal(t, wm.MUINameTypes, m.MUITypeNames)
				case "6":
					mark("strings", key)
					id, err := strconv.Atoi(r.name)
					require.NoError(t, err)
					entries, err := ParseStringBlock(r.data, uint32(id))
					require.NoError(t, err)
					ws := want.Own.Strings[key]
					for _, e := range entries {
						assert.Equal(t, ws[strconv.Itoa(int(e.ID))], e.Value, "string %d", e.ID)
					}
				case "11":
					mark("messages", key)
					msgs, err := ParseMessageTable(r.data)
					require.NoError(t, err)
					wm := want.Own.Messages[key]
					require.Len(t, msgs, len(wm))
					for _, m := range msgs {
						w, ok := wm[fmt.Sprintf("0x%08x", m.ID)]
						require.True(t, ok, "message %#x", m.ID)
						assert.Equal(t, w.Flags, m.Flags)
						assert.Equal(t, w.Text, m.Text)
					}
				}
			}
			// Every language the facts decoded was found and decoded here.
			langs := func(m any) []string {
				var out []string
				switch m := m.(type) {
				case map[string]bool:
					for k := range m {
						out = append(out, k)
					}
				default:
					raw, _ := json.Marshal(m)
					var generic map[string]json.RawMessage
					_ = json.Unmarshal(raw, &generic)
					for k := range generic {
						out = append(out, k)
					}
				}
				sort.Strings(out)
				return out
			}
			assert.Equal(t, langs(want.Own.Version), langs(seen["version"]), "version languages")
			assert.Equal(t, langs(want.Own.MUI), langs(seen["mui"]), "mui languages")
			assert.Equal(t, langs(want.Own.Strings), langs(seen["strings"]), "string languages")
			assert.Equal(t, langs(want.Own.Messages), langs(seen["messages"]), "message languages")
		})
	}
}

// TestSampleMUIPairs checks what issue 5 needs from the MUI samples: an LN
// file and its satellites carry the same checksums (de-DE was built for
// version 1.1 and must not match), and each satellite's language matches
// its folder.
func TestSampleMUIPairs(t *testing.T) {
	lnPath := filepath.Join(testdataDir, "pe/mui/app.exe")
	if _, err := os.Stat(lnPath); err != nil {
		t.Skip("MUI samples not present")
	}
	muiOf := func(rel string) *MUIConfig {
		res, err := peResources(readSample(t, rel))
		require.NoError(t, err)
		for _, r := range res {
			if r.typ == "MUI" && r.name == "1" {
				m, err := ParseMUI(r.data)
				require.NoError(t, err)
				return m
			}
		}
		t.Fatalf("%s: no MUI resource", rel)
		return nil
	}
	ln := muiOf("pe/mui/app.exe")
	assert.True(t, ln.IsLanguageNeutral())
	assert.Equal(t, "en-US", ln.FallbackLanguage)
	assert.Equal(t, MUIFallbackExternal, ln.FallbackLocation)
	for _, lang := range []string{"en-US", "fr-FR", "ja-JP", "de-DE"} {
		rel := "pe/mui/" + strings.ReplaceAll(SatellitePath("app.exe", lang), `\`, "/")
		if _, err := os.Stat(filepath.Join(testdataDir, rel)); err != nil {
			continue
		}
		sat := muiOf(rel)
		assert.False(t, sat.IsLanguageNeutral(), lang)
		assert.Equal(t, lang, sat.Language)
		same := sat.Checksum == ln.Checksum && sat.ServiceChecksum == ln.ServiceChecksum
		assert.Equal(t, lang != "de-DE", same, "%s checksums", lang)
	}
}

// TestSampleIndirectString resolves "@%SystemRoot%\app.exe,-112" against
// the sample tree the way issue 5 describes: expand, split into block and
// slot, walk the fallback chain to a satellite, decode its RT_STRING.
func TestSampleIndirectString(t *testing.T) {
	root := filepath.Join(testdataDir, "pe/mui")
	if _, err := os.Stat(filepath.Join(root, "app.exe")); err != nil {
		t.Skip("MUI samples not present")
	}
	resolve := func(ref, want string) (string, string) {
		r, err := ParseIndirectString(ref)
		require.NoError(t, err)
		p, err := r.Expand(map[string]string{"SystemRoot": root})
		require.NoError(t, err)
		dir, name := filepath.Split(strings.ReplaceAll(p, `\`, "/"))
		block, _ := r.StringBlock()
		for _, lang := range FallbackChain(want, "en-US") {
			b, err := os.ReadFile(filepath.Join(dir, strings.ReplaceAll(SatellitePath(name, lang), `\`, "/")))
			if err != nil {
				continue
			}
			res, err := peResources(b)
			require.NoError(t, err)
			for _, rs := range res {
				if rs.typ == "6" && rs.name == strconv.Itoa(int(block)) {
					entries, err := ParseStringBlock(rs.data, block)
					require.NoError(t, err)
					for _, e := range entries {
						if e.ID == uint32(r.ID) {
							return lang, e.Value
						}
					}
				}
			}
		}
		return "", ""
	}
	lang, s := resolve(`@%SystemRoot%\app.exe,-112`, "fr-FR")
	assert.Equal(t, "fr-FR", lang)
	assert.Equal(t, "Service de la passerelle de la couche Application", s)
	lang, s = resolve(`@%SystemRoot%\app.exe,-112`, "fr-CA") // fr-CA → fr → en-US
	assert.Equal(t, "en-US", lang)
	assert.NotEmpty(t, s)
	lang, s = resolve(`@%SystemRoot%\app.exe,-200`, "ja-JP")
	assert.Equal(t, "ja-JP", lang)
	assert.Equal(t, "笑顔 😀", s)
}

// TestSampleTruncation cuts every version resource of the samples at
// every length: no panic, and a truncation error for each proper prefix
// of the declared length.
func TestSampleTruncation(t *testing.T) {
	rel := "pe/mingw-console-x64.exe"
	if _, err := os.Stat(filepath.Join(testdataDir, rel)); err != nil {
		t.Skip("sample not present")
	}
	res, err := peResources(readSample(t, rel))
	require.NoError(t, err)
	for _, r := range res {
		if r.typ != "16" {
			continue
		}
		declared := int(binary.LittleEndian.Uint16(r.data))
		for n := 0; n <= len(r.data); n++ {
			v, err := ParseVersionInfo(bytes.Clone(r.data[:n]))
			if n < declared {
				require.ErrorIs(t, err, ErrTruncated, "prefix %d", n)
			}
			if n >= vsNodeHeader {
				require.NotNil(t, v)
			}
		}
	}
}
