package pe

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/filerep/filerep/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rsrcTree assembles a raw resource section: each node is placed at its
// offset, so tests can point entries anywhere, including at themselves.
type rsrcTree struct{ b []byte }

func (t *rsrcTree) grow(n int) {
	if len(t.b) < n {
		t.b = append(t.b, make([]byte, n-len(t.b))...)
	}
}

// dir writes a directory header at off declaring named+ids entries, and
// the given entries (name field, data field) after it.
func (t *rsrcTree) dir(off int, named, ids uint16, entries ...[2]uint32) {
	t.grow(off + 16 + 8*len(entries))
	binary.LittleEndian.PutUint16(t.b[off+12:], named)
	binary.LittleEndian.PutUint16(t.b[off+14:], ids)
	for i, e := range entries {
		binary.LittleEndian.PutUint32(t.b[off+16+8*i:], e[0])
		binary.LittleEndian.PutUint32(t.b[off+20+8*i:], e[1])
	}
}

// leaf writes a data entry at off.
func (t *rsrcTree) leaf(off int, rva, size, codepage uint32) {
	t.grow(off + 16)
	binary.LittleEndian.PutUint32(t.b[off:], rva)
	binary.LittleEndian.PutUint32(t.b[off+4:], size)
	binary.LittleEndian.PutUint32(t.b[off+8:], codepage)
}

// str writes a length-prefixed UTF-16LE string at off.
func (t *rsrcTree) str(off int, units ...uint16) {
	t.grow(off + 2 + 2*len(units))
	binary.LittleEndian.PutUint16(t.b[off:], uint16(len(units)))
	for i, u := range units {
		binary.LittleEndian.PutUint16(t.b[off+2+2*i:], u)
	}
}

const dirBit = 0x80000000

// rsrcImage builds a 32-bit image whose second section (RVA 0x2000) holds
// tree and is the resource directory; dirSize overrides the directory's
// size when not zero. cut trims the file's end.
func rsrcImage(t *testing.T, tree []byte, cut int) *File {
	t.Helper()
	p := newSynth()
	p.sections = append(p.sections, synthSection{name: ".rsrc", chars: 0x40000040, data: tree})
	p.header = func(h []byte) {
		lfanew := int(binary.LittleEndian.Uint32(h[0x3c:]))
		dd := lfanew + 24 + 96
		le32(h, dd+16, 0x2000)
		le32(h, dd+20, uint32(len(tree)))
	}
	b := p.build()
	b = b[:len(b)-cut]
	f, _ := Parse(context.Background(), b)
	require.NotNil(t, f)
	return f
}

func anomalyIDs(f *File) []string {
	var ids []string
	for _, a := range f.Anomalies {
		ids = append(ids, a.ID)
	}
	return ids
}

// TestResourceTreeSamples compares the resource leaves of every committed
// sample with pefile's reading of the same file (testdata/pefile-facts.json):
// type, name, language and size, in file order.
func TestResourceTreeSamples(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(testutil.RepoRoot(), "testdata", "pefile-facts.json"))
	require.NoError(t, err)
	var facts struct {
		Samples map[string]struct {
			Resources []struct {
				Type string `json:"type"`
				Name any    `json:"name"`
				Lang string `json:"lang"`
				Size uint32 `json:"size"`
			} `json:"resources"`
		} `json:"samples"`
	}
	require.NoError(t, json.Unmarshal(raw, &facts))
	rtNames := map[uint32]string{3: "RT_ICON", 5: "RT_DIALOG", RT_STRING: "RT_STRING", RT_MESSAGETABLE: "RT_MESSAGETABLE",
		14: "RT_GROUP_ICON", RT_VERSION: "RT_VERSION", RT_MANIFEST: "RT_MANIFEST"}
	leaves := 0
	for _, s := range testutil.Samples(t) {
		want, ok := facts.Samples["pe/"+s.Rel+".b64"]
		if !ok {
			want, ok = facts.Samples["pe/"+s.Rel]
		}
		require.True(t, ok, "no facts for %s", s.Rel)
		b, err := os.ReadFile(s.Path)
		require.NoError(t, err)
		f := parseOK(t, s.Rel, b)
		var got, exp []string
		for _, r := range f.Resources {
			typ := r.Type.Name
			if typ == "" {
				typ = rtNames[r.Type.ID]
			}
			got = append(got, fmt.Sprintf("%s/%s/0x%04x/%d", typ, r.Name, r.Lang, r.Size))
		}
		for _, r := range want.Resources {
			name := fmt.Sprint(r.Name)
			if _, isNum := r.Name.(float64); isNum {
				name = "#" + name
			}
			exp = append(exp, fmt.Sprintf("%s/%s/%s/%d", r.Type, name, r.Lang, r.Size))
		}
		assert.Equal(t, exp, got, s.Rel)
		leaves += len(got)
	}
	assert.Greater(t, leaves, 20, "the samples hold resources of several types")
}

func TestResourceTreeRoundTrip(t *testing.T) {
	// Built by the synthetic image writer: named and numbered types and
	// names, a non-ASCII name (a CJK ideograph and a surrogate pair).
	p := newSynth()
	p.resources = []synthRes{
		{typ: ResourceID{Name: "MUI"}, name: ResourceID{ID: 1}, data: []byte("mui")},
		{typ: ResourceID{ID: RT_VERSION}, name: ResourceID{ID: 1}, data: []byte("version")},
		{typ: ResourceID{ID: 10}, name: ResourceID{Name: "Données名😀"}, data: []byte("x")},
	}
	f, err := Parse(context.Background(), p.build())
	require.NoError(t, err)
	require.Len(t, f.Resources, 3)
	got := map[string]Resource{}
	for _, r := range f.Resources {
		got[r.Type.String()+"/"+r.Name.String()] = r
		assert.Equal(t, uint16(0x409), r.Lang)
	}
	require.Contains(t, got, "MUI/#1")
	require.Contains(t, got, "#16/#1")
	require.Contains(t, got, "#10/Données名😀")
	assert.Equal(t, uint32(3), got["MUI/#1"].Size)
	assert.Equal(t, uint32(7), got["#16/#1"].Size)
	data, ok := f.rvaSlice(got["#16/#1"].RVA, 7)
	require.True(t, ok)
	assert.Equal(t, "version", string(data))
	assert.True(t, f.hasResourceType("MUI"))
}

func TestResourceTreeHostile(t *testing.T) {
	tests := []struct {
		name      string
		build     func(tr *rsrcTree)
		cut       int
		leaves    int
		anomalies []string
	}{
		{
			name: "type entry points at the root",
			build: func(tr *rsrcTree) {
				tr.dir(0, 0, 1, [2]uint32{16, dirBit | 0})
			},
			anomalies: []string{"pe/resource-loop"},
		},
		{
			name: "language directory points back at its name directory",
			build: func(tr *rsrcTree) {
				tr.dir(0, 0, 1, [2]uint32{16, dirBit | 0x20})
				tr.dir(0x20, 0, 1, [2]uint32{1, dirBit | 0x40})
				tr.dir(0x40, 0, 2, [2]uint32{0x409, 0x80}, [2]uint32{0x407, dirBit | 0x40})
				tr.leaf(0x80, 0x2100, 4, 1200)
			},
			leaves: 1, // the directory below the language level is ignored
		},
		{
			name: "two types share one name directory",
			build: func(tr *rsrcTree) {
				tr.dir(0, 0, 2, [2]uint32{3, dirBit | 0x30}, [2]uint32{14, dirBit | 0x30})
				tr.dir(0x30, 0, 1, [2]uint32{1, dirBit | 0x50})
				tr.dir(0x50, 0, 1, [2]uint32{0x409, 0x70})
				tr.leaf(0x70, 0x2100, 4, 0)
			},
			leaves:    1,
			anomalies: []string{"pe/resource-loop"},
		},
		{
			name: "absurd entry count",
			build: func(tr *rsrcTree) {
				tr.dir(0, 0xffff, 0xffff)
			},
			anomalies: []string{"pe/resource-absurd"},
		},
		{
			name: "zeroed entry ends the directory",
			build: func(tr *rsrcTree) {
				tr.dir(0, 0, 3, [2]uint32{3, dirBit | 0x30}, [2]uint32{0, 0}, [2]uint32{14, dirBit | 0x30})
				tr.dir(0x30, 0, 1, [2]uint32{1, dirBit | 0x50})
				tr.dir(0x50, 0, 1, [2]uint32{0x409, 0x70})
				tr.leaf(0x70, 0x2100, 4, 0)
			},
			leaves: 1,
		},
		{
			name: "data entry outside the file",
			build: func(tr *rsrcTree) {
				tr.dir(0, 0, 1, [2]uint32{3, dirBit | 0x30})
				tr.dir(0x30, 0, 1, [2]uint32{1, dirBit | 0x50})
				tr.dir(0x50, 0, 1, [2]uint32{0x409, 0x7ffffff0})
			},
			leaves:    1,
			anomalies: []string{"pe/resource-unreadable"},
		},
		{
			name: "name string outside the file",
			build: func(tr *rsrcTree) {
				tr.dir(0, 1, 0, [2]uint32{dirBit | 0x7fff0000, dirBit | 0x30})
				tr.dir(0x30, 0, 1, [2]uint32{1, dirBit | 0x50})
				tr.dir(0x50, 0, 1, [2]uint32{0x409, 0x70})
				tr.leaf(0x70, 0x2100, 4, 0)
			},
			leaves: 1,
		},
		{
			name: "directory cut by the end of the file",
			build: func(tr *rsrcTree) {
				tr.grow(0x200)
				// 40 declared entries at 0x1c0: the file ends after 3 of
				// them (0x1d0 + 3×8 = 0x1e8; the section is 0x200 long).
				tr.dir(0, 0, 1, [2]uint32{3, dirBit | 0x1c0})
				tr.dir(0x1c0, 0, 40, [2]uint32{1, dirBit | 0x30}, [2]uint32{2, dirBit | 0x50}, [2]uint32{3, dirBit | 0x70})
				tr.dir(0x30, 0, 1, [2]uint32{0x409, 0x90})
				tr.dir(0x50, 0, 1, [2]uint32{0x409, 0x90})
				tr.dir(0x70, 0, 1, [2]uint32{0x409, 0x90})
				tr.leaf(0x90, 0x2100, 4, 0)
			},
			cut:       0x200 - 0x1e8,
			leaves:    3,
			anomalies: []string{"pe/resource-truncated"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := &rsrcTree{}
			tc.build(tr)
			f := rsrcImage(t, tr.b, tc.cut)
			assert.Len(t, f.Resources, tc.leaves)
			ids := anomalyIDs(f)
			for _, id := range tc.anomalies {
				assert.Contains(t, ids, id)
			}
			for _, id := range ids {
				if strings.HasPrefix(id, "pe/resource-") {
					assert.Contains(t, tc.anomalies, id, "unexpected anomaly")
				}
			}
		})
	}
}

func TestResourceTreeFanOutIsBounded(t *testing.T) {
	// 4096 types × 4096 names, every name entry pointing at the same
	// language directory: a naive walk reads 16M leaves. Each directory is
	// walked once, so the tree gives one leaf.
	tr := &rsrcTree{}
	const n = 0x1000
	types := make([][2]uint32, n)
	for i := range types {
		types[i] = [2]uint32{uint32(i + 1), dirBit | 0x8010}
	}
	tr.dir(0, 0, n, types...)
	names := make([][2]uint32, n)
	for i := range names {
		names[i] = [2]uint32{uint32(i + 1), dirBit | 0x10020}
	}
	tr.dir(0x8010, 0, n, names...)
	tr.dir(0x10020, 0, 1, [2]uint32{0x409, 0x10040})
	tr.leaf(0x10040, 0x2100, 4, 0)
	f := rsrcImage(t, tr.b, 0)
	assert.Len(t, f.Resources, 1)
	assert.Contains(t, anomalyIDs(f), "pe/resource-loop")
}

func BenchmarkResourceTree(b *testing.B) {
	samples := benchSamples(b)
	var files []*File
	for _, s := range samples {
		if f, _ := Parse(context.Background(), s); f != nil && len(f.Resources) > 0 {
			files = append(files, f)
		}
	}
	if len(files) == 0 {
		b.Skip("no sample with resources")
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		f := files[i%len(files)]
		f.parseResourceTree(&anomalies{})
	}
}
