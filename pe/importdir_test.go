package pe

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/filerep/filerep/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestImportsSamples compares the import directory of every committed
// sample with what pefile read (testdata/pefile-facts.json: DLL → names,
// "ordN" for an import by ordinal) and with pefile's imphash.
func TestImportsSamples(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(testutil.RepoRoot(), "testdata", "pefile-facts.json"))
	require.NoError(t, err)
	var facts struct {
		Samples map[string]struct {
			Imports map[string][]string `json:"imports"`
			Imphash string              `json:"imphash"`
		} `json:"samples"`
	}
	require.NoError(t, json.Unmarshal(raw, &facts))
	samples := testutil.Samples(t)
	require.Len(t, samples, len(facts.Samples))
	for _, s := range samples {
		t.Run(s.Rel, func(t *testing.T) {
			want, ok := facts.Samples["pe/"+s.Rel+".b64"]
			if !ok {
				want, ok = facts.Samples["pe/"+s.Rel]
			}
			require.True(t, ok, "no facts for %s", s.Rel)
			b, err := os.ReadFile(s.Path)
			require.NoError(t, err)
			f := parseOK(t, s.Rel, b)
			got := map[string][]string{}
			for _, imp := range f.Imports {
				names := []string{}
				for _, fn := range imp.Functions {
					if fn.ByOrdinal {
						assert.Equal(t, "#"+strconv.Itoa(int(fn.Ordinal)), fn.Name)
						names = append(names, ordinalName(imp.DLL, fn.Ordinal))
					} else {
						names = append(names, fn.Name)
					}
				}
				got[imp.DLL] = names
			}
			assert.Equal(t, want.Imports, got)
			assert.Equal(t, want.Imphash, f.Imphash())
			assert.Empty(t, f.DelayImports)
			assert.False(t, f.IsDriver)
			for _, a := range f.Anomalies {
				assert.NotContains(t, a.ID, "import", "%s", a)
				assert.NotContains(t, a.ID, "thunk", "%s", a)
			}
		})
	}
}

// idataRVA is where impImage places the section built by the tests.
const idataRVA = 0x2000

// idata lays out the bytes of the ".idata" section of a synthetic image.
type idata struct {
	b    []byte
	is64 bool
}

func (d *idata) grow(end int) {
	if end > len(d.b) {
		d.b = append(d.b, make([]byte, end-len(d.b))...)
	}
}

// rva returns the RVA of offset off in the section.
func (d *idata) rva(off int) uint32 { return idataRVA + uint32(off) }

func (d *idata) u32(off int, v uint32) {
	d.grow(off + 4)
	binary.LittleEndian.PutUint32(d.b[off:], v)
}

// thunk writes entry i of the thunk table at off.
func (d *idata) thunk(off, i int, v uint64) {
	if d.is64 {
		d.grow(off + 8*i + 8)
		binary.LittleEndian.PutUint64(d.b[off+8*i:], v)
		return
	}
	d.u32(off+4*i, uint32(v))
}

// str writes s and a NUL at off and returns its RVA.
func (d *idata) str(off int, s string) uint32 {
	d.grow(off + len(s) + 1)
	copy(d.b[off:], s)
	return d.rva(off)
}

// hintName writes an IMAGE_IMPORT_BY_NAME at off and returns its RVA.
func (d *idata) hintName(off int, name string) uint32 {
	d.str(off+2, name)
	return d.rva(off)
}

// desc writes an import descriptor at off.
func (d *idata) desc(off int, oft, name, ft uint32) {
	d.u32(off, oft)
	d.u32(off+12, name)
	d.u32(off+16, ft)
}

// delayDesc writes a delay-load descriptor at off.
func (d *idata) delayDesc(off int, attrs, name, iat, int_ uint32) {
	d.u32(off, attrs)
	d.u32(off+4, name)
	d.u32(off+12, iat)
	d.u32(off+16, int_)
	d.grow(off + 32)
}

// impImage returns a synthetic image whose second section, at RVA
// idataRVA, holds d's bytes, with the import (1) and delay-import (13)
// directories given. Subsystem 3 (console) unless set.
func impImage(t testing.TB, d *idata, imp, delay uint32, mod func(p *synthPE)) []byte {
	t.Helper()
	p := newSynth()
	p.is64 = d.is64
	if d.is64 {
		p.imageBase = 0x140000000
	}
	p.sections = append(p.sections, synthSection{name: ".idata", chars: 0xC0000040, data: d.b})
	p.header = func(out []byte) {
		oh := int(binary.LittleEndian.Uint32(out[0x3c:])) + 24
		dd := oh + 96
		if d.is64 {
			dd = oh + 112
		}
		le32(out, dd+8, imp)
		le32(out, dd+12, 40)
		le32(out, dd+13*8, delay)
		le32(out, dd+13*8+4, 64)
	}
	if mod != nil {
		mod(p)
	}
	b := p.build()
	f := parseOK(t, "synthetic", b)
	require.GreaterOrEqual(t, len(f.Sections), 2)
	require.EqualValues(t, idataRVA, f.Sections[1].VirtualAddress)
	return b
}

func byName(names ...string) []ImportFunction {
	out := []ImportFunction{}
	for _, n := range names {
		out = append(out, ImportFunction{Name: n})
	}
	return out
}

func TestImportsSynthetic(t *testing.T) {
	tests := []struct {
		name  string
		is64  bool
		build func(d *idata) (imp, delay uint32)
		mod   func(p *synthPE)

		imports, delay []Import
		driver         bool
		anomalies      []string // IDs that must be present
		noAnomalies    []string // IDs that must be absent
	}{
		{
			name: "PE32 by name and by ordinal",
			build: func(d *idata) (uint32, uint32) {
				d.desc(0, d.rva(0x40), d.str(0x100, "KERNEL32.dll"), d.rva(0x60))
				for _, tbl := range []int{0x40, 0x60} {
					d.thunk(tbl, 0, uint64(d.hintName(0x120, "ExitProcess")))
					d.thunk(tbl, 1, 0x80000010)
				}
				return d.rva(0), 0
			},
			imports: []Import{{DLL: "KERNEL32.dll", Functions: []ImportFunction{{Name: "ExitProcess"}, {Name: "#16", Ordinal: 16, ByOrdinal: true}}}},
		},
		{
			name: "PE32+ by ordinal uses bit 63, not bit 31",
			is64: true,
			build: func(d *idata) (uint32, uint32) {
				d.desc(0, d.rva(0x40), d.str(0x100, "WS2_32.dll"), d.rva(0x80))
				d.thunk(0x40, 0, 1<<63|115)
				d.thunk(0x40, 1, uint64(d.hintName(0x120, "send")))
				d.thunk(0x40, 2, 1<<63|0x1_0000_0005) // only the low 16 bits count
				return d.rva(0), 0
			},
			imports: []Import{{DLL: "WS2_32.dll", Functions: []ImportFunction{
				{Name: "#115", Ordinal: 115, ByOrdinal: true}, {Name: "send"}, {Name: "#5", Ordinal: 5, ByOrdinal: true},
			}}},
		},
		{
			name: "the address table is used when there is no lookup table",
			build: func(d *idata) (uint32, uint32) {
				d.desc(0, 0, d.str(0x100, "msvcrt.dll"), d.rva(0x60))
				d.thunk(0x60, 0, uint64(d.hintName(0x120, "printf")))
				return d.rva(0), 0
			},
			imports: []Import{{DLL: "msvcrt.dll", Functions: byName("printf")}},
		},
		{
			name: "the lookup table wins over a bound address table",
			build: func(d *idata) (uint32, uint32) {
				d.desc(0, d.rva(0x40), d.str(0x100, "msvcrt.dll"), d.rva(0x60))
				d.thunk(0x40, 0, uint64(d.hintName(0x120, "printf")))
				d.thunk(0x60, 0, 0x77001234) // a bound address
				return d.rva(0), 0
			},
			imports: []Import{{DLL: "msvcrt.dll", Functions: byName("printf")}},
		},
		{
			name: "a zeroed descriptor ends the directory",
			build: func(d *idata) (uint32, uint32) {
				d.desc(0, d.rva(0x80), d.str(0x100, "a.dll"), d.rva(0x80))
				// descriptor 1 (0x14) is zero; descriptor 2 is never read
				d.desc(0x28, d.rva(0x80), d.str(0x110, "b.dll"), d.rva(0x80))
				d.thunk(0x80, 0, uint64(d.hintName(0x120, "f")))
				return d.rva(0), 0
			},
			imports: []Import{{DLL: "a.dll", Functions: byName("f")}},
		},
		{
			name: "descriptor outside the file",
			build: func(d *idata) (uint32, uint32) {
				d.str(0, "x")
				return 0x7fff0000, 0x7fff0000
			},
		},
		{
			name: "descriptor cut by the end of the file",
			build: func(d *idata) (uint32, uint32) {
				d.b = make([]byte, 0x200)
				return d.rva(0x200 - 8), 0 // 8 of 20 bytes in the file
			},
		},
		{
			name: "a thunk table running off the end of the file is dropped and ends the directory",
			build: func(d *idata) (uint32, uint32) {
				d.desc(0, d.rva(0x80), d.str(0x100, "a.dll"), d.rva(0x80))
				d.thunk(0x80, 0, uint64(d.hintName(0x120, "f")))
				d.desc(0x14, d.rva(0x1f8), d.str(0x110, "b.dll"), 0)
				d.b = d.b[:0x200]
				d.thunk(0x1f8, 0, uint64(d.rva(0x120)))
				d.thunk(0x1f8, 1, uint64(d.rva(0x120))) // no terminator: the table runs off the end
				d.desc(0x28, d.rva(0x80), d.str(0x130, "c.dll"), d.rva(0x80))
				return d.rva(0), 0
			},
			imports: []Import{{DLL: "a.dll", Functions: byName("f")}},
		},
		{
			name: "a table running into its descriptor stops there",
			build: func(d *idata) (uint32, uint32) {
				// table at 0x00, descriptor at 0x10: its first field
				// points back at the table
				for i := range 4 {
					d.thunk(0, i, uint64(d.hintName(0x100+0x10*i, "f"+string(rune('a'+i)))))
				}
				d.desc(0x10, d.rva(0), d.str(0x200, "a.dll"), d.rva(0))
				return d.rva(0x10), 0
			},
			imports: []Import{{DLL: "a.dll", Functions: byName("fa", "fb", "fc", "fd")}},
		},
		{
			name: "an entry pointing back into its table ends it",
			build: func(d *idata) (uint32, uint32) {
				d.desc(0, d.rva(0x40), d.str(0x100, "a.dll"), 0)
				d.thunk(0x40, 0, uint64(d.hintName(0x120, "f")))
				d.thunk(0x40, 1, uint64(d.rva(0x40)))
				d.thunk(0x40, 2, uint64(d.hintName(0x130, "g")))
				return d.rva(0), 0
			},
			imports: []Import{{DLL: "a.dll", Functions: byName("f")}},
		},
		{
			name: "repeated thunks raise an anomaly and are still read",
			build: func(d *idata) (uint32, uint32) {
				d.desc(0, d.rva(0x40), d.str(0x30, "a.dll"), 0)
				for i := range 20 {
					d.thunk(0x40, i, uint64(d.hintName(0x100, "f")))
				}
				return d.rva(0), 0
			},
			imports:   []Import{{DLL: "a.dll", Functions: byName(strings.Split(strings.Repeat("f,", 20), ",")[:20]...)}},
			anomalies: []string{anoImportRepeated},
		},
		{
			name: "fourteen repeats are not enough",
			build: func(d *idata) (uint32, uint32) {
				d.desc(0, d.rva(0x40), d.str(0x30, "a.dll"), 0)
				for i := range 15 {
					d.thunk(0x40, i, uint64(d.hintName(0x100, "f")))
				}
				return d.rva(0), 0
			},
			imports:     []Import{{DLL: "a.dll", Functions: byName(strings.Split(strings.Repeat("f,", 15), ",")[:15]...)}},
			noAnomalies: []string{anoImportRepeated},
		},
		{
			name: "name RVAs spread over more than 128 MiB",
			build: func(d *idata) (uint32, uint32) {
				d.desc(0, d.rva(0x40), d.str(0x30, "a.dll"), 0)
				d.thunk(0x40, 0, uint64(d.hintName(0x100, "f")))
				d.thunk(0x40, 1, 0x7000000|0x10000000)
				d.thunk(0x40, 2, uint64(d.hintName(0x110, "g")))
				return d.rva(0), 0
			},
			// the far entry reads no name: kept with an empty one
			imports:   []Import{{DLL: "a.dll", Functions: []ImportFunction{{Name: "f"}, {}, {Name: "g"}}}},
			anomalies: []string{anoImportSpread, anoImportNoNameNoOrdinal},
		},
		{
			name: "ordinal beyond 16 bits",
			build: func(d *idata) (uint32, uint32) {
				d.desc(0, d.rva(0x40), d.str(0x30, "a.dll"), 0)
				d.thunk(0x40, 0, 0x80120007)
				return d.rva(0), 0
			},
			imports:   []Import{{DLL: "a.dll", Functions: []ImportFunction{{Name: "#7", Ordinal: 7, ByOrdinal: true}}}},
			anomalies: []string{anoImportOrdinalRange},
		},
		{
			name: "invalid function names are dropped, an invalid DLL name drops the DLL",
			build: func(d *idata) (uint32, uint32) {
				d.desc(0, d.rva(0x80), d.str(0x100, "a.dll"), 0)
				d.thunk(0x80, 0, uint64(d.hintName(0x120, "bad name")))
				d.thunk(0x80, 1, uint64(d.hintName(0x130, "?good@@YAXXZ")))
				d.thunk(0x80, 2, uint64(d.hintName(0x150, "caf\xc3\xa9")))
				d.desc(0x14, d.rva(0xa0), d.str(0x110, "b\x01.dll"), 0)
				d.thunk(0xa0, 0, uint64(d.hintName(0x160, "g")))
				d.desc(0x28, d.rva(0xa0), d.str(0x170, "sub\\c.dll"), 0)
				return d.rva(0), 0
			},
			imports: []Import{{DLL: "a.dll", Functions: byName("?good@@YAXXZ")}, {DLL: "sub\\c.dll", Functions: byName("g")}},
		},
		{
			name: "names are capped at 0x200 bytes",
			build: func(d *idata) (uint32, uint32) {
				d.desc(0, d.rva(0x40), d.str(0x800, strings.Repeat("D", 0x300)), 0)
				d.thunk(0x40, 0, uint64(d.hintName(0x100, strings.Repeat("F", 0x300))))
				return d.rva(0), 0
			},
			imports: []Import{{DLL: strings.Repeat("D", 0x200), Functions: byName(strings.Repeat("F", 0x200))}},
		},
		{
			name: "a name stops at the end of its section's raw data",
			build: func(d *idata) (uint32, uint32) {
				d.desc(0, d.rva(0x40), d.str(0x30, "a.dll"), 0)
				d.thunk(0x40, 0, uint64(d.hintName(0x1f8, "abcdefgh")))
				d.b = d.b[:0x200] // the raw data ends after "abcdef"
				return d.rva(0), 0
			},
			mod: func(p *synthPE) {
				p.sections = append(p.sections, synthSection{name: ".z", chars: 0x40000040, data: []byte("XYZ")})
			},
			imports: []Import{{DLL: "a.dll", Functions: byName("abcdef")}},
		},
		{
			name: "an import by name with an empty name",
			build: func(d *idata) (uint32, uint32) {
				d.desc(0, d.rva(0x40), d.str(0x30, "a.dll"), 0)
				d.thunk(0x40, 0, uint64(d.hintName(0x100, "")))
				return d.rva(0), 0
			},
			imports:   []Import{{DLL: "a.dll", Functions: []ImportFunction{{}}}},
			anomalies: []string{anoImportNoNameNoOrdinal},
		},
		{
			name: "a descriptor with two empty tables ends the directory",
			build: func(d *idata) (uint32, uint32) {
				d.desc(0, d.rva(0x80), d.str(0x100, "a.dll"), 0)
				d.thunk(0x80, 0, uint64(d.hintName(0x120, "f")))
				d.desc(0x14, d.rva(0x90), d.str(0x110, "b.dll"), d.rva(0x90)) // zero thunk at 0x90
				d.desc(0x28, d.rva(0x80), d.str(0x130, "c.dll"), 0)
				d.grow(0x100)
				return d.rva(0), 0
			},
			imports: []Import{{DLL: "a.dll", Functions: byName("f")}},
		},
		{
			name: "more than 1000 leading invalid names abandon the directory",
			build: func(d *idata) (uint32, uint32) {
				d.desc(0, d.rva(0x40), d.str(0x2000, "a.dll"), 0)
				d.desc(0x14, d.rva(0x40), d.str(0x2010, "b.dll"), 0)
				bad := d.hintName(0x3000, "no way")
				for i := range 1100 {
					d.thunk(0x40, i, uint64(bad))
				}
				return d.rva(0), 0
			},
			anomalies: []string{anoImportRepeated},
		},
		{
			name: "new-style delay descriptor, PE32",
			build: func(d *idata) (uint32, uint32) {
				d.delayDesc(0, 1, d.str(0x100, "USER32.dll"), d.rva(0x60), d.rva(0x40))
				d.thunk(0x40, 0, uint64(d.hintName(0x120, "MessageBoxA")))
				d.thunk(0x40, 1, 0x80000002)
				d.thunk(0x60, 0, 0x401000) // the address table holds stubs
				d.thunk(0x60, 1, 0x401010)
				return 0, d.rva(0)
			},
			delay: []Import{{DLL: "USER32.dll", Functions: []ImportFunction{{Name: "MessageBoxA"}, {Name: "#2", Ordinal: 2, ByOrdinal: true}}}},
		},
		{
			name: "old-style delay descriptor holds VAs",
			build: func(d *idata) (uint32, uint32) {
				const base = 0x400000
				d.delayDesc(0, 0, base+d.str(0x100, "USER32.dll"), base+d.rva(0x60), base+d.rva(0x40))
				d.thunk(0x40, 0, uint64(base+d.hintName(0x120, "MessageBoxA")))
				d.thunk(0x40, 1, 0x80000002)
				return 0, d.rva(0)
			},
			delay: []Import{{DLL: "USER32.dll", Functions: []ImportFunction{{Name: "MessageBoxA"}, {Name: "#2", Ordinal: 2, ByOrdinal: true}}}},
		},
		{
			name: "old-style delay descriptor in PE32+",
			is64: true,
			build: func(d *idata) (uint32, uint32) {
				const base = 0x140000000
				d.delayDesc(0, 0, uint32(base+uint64(d.str(0x100, "USER32.dll"))), uint32(base+uint64(d.rva(0x60))), uint32(base+uint64(d.rva(0x40))))
				d.thunk(0x40, 0, base+uint64(d.hintName(0x120, "MessageBoxA")))
				return 0, d.rva(0)
			},
			delay: []Import{{DLL: "USER32.dll", Functions: byName("MessageBoxA")}},
		},
		{
			name: "new-style delay descriptor, PE32+, with imports",
			is64: true,
			build: func(d *idata) (uint32, uint32) {
				d.desc(0, d.rva(0x80), d.str(0x100, "KERNEL32.dll"), 0)
				d.thunk(0x80, 0, uint64(d.hintName(0x120, "ExitProcess")))
				d.delayDesc(0x40, 1, d.str(0x140, "COMDLG32.dll"), 0, d.rva(0xa0))
				d.thunk(0xa0, 0, uint64(d.hintName(0x160, "GetOpenFileNameW")))
				d.thunk(0xa0, 1, 1<<63|7)
				return d.rva(0), d.rva(0x40)
			},
			imports: []Import{{DLL: "KERNEL32.dll", Functions: byName("ExitProcess")}},
			delay:   []Import{{DLL: "COMDLG32.dll", Functions: []ImportFunction{{Name: "GetOpenFileNameW"}, {Name: "#7", Ordinal: 7, ByOrdinal: true}}}},
		},
		{
			name: "a PE32+ name RVA outside the file gives an empty name",
			is64: true,
			build: func(d *idata) (uint32, uint32) {
				d.desc(0, d.rva(0x40), d.str(0x30, "a.dll"), 0)
				d.thunk(0x40, 0, 0x7fff0000)
				return d.rva(0), 0
			},
			imports:   []Import{{DLL: "a.dll", Functions: []ImportFunction{{}}}},
			anomalies: []string{anoImportNoNameNoOrdinal},
		},
		{
			name: "imports from the kernel make a driver",
			build: func(d *idata) (uint32, uint32) {
				d.desc(0, d.rva(0x40), d.str(0x100, "NTOSKRNL.EXE"), 0)
				d.thunk(0x40, 0, uint64(d.hintName(0x120, "IoCreateDevice")))
				return d.rva(0), 0
			},
			imports: []Import{{DLL: "NTOSKRNL.EXE", Functions: byName("IoCreateDevice")}},
			driver:  true,
		},
		{
			name: "a native image with an INIT section is a driver",
			build: func(d *idata) (uint32, uint32) {
				d.desc(0, d.rva(0x40), d.str(0x100, "a.dll"), 0)
				d.thunk(0x40, 0, uint64(d.hintName(0x120, "f")))
				return d.rva(0), 0
			},
			mod: func(p *synthPE) {
				p.subsystem = 1
				p.sections = append(p.sections, synthSection{name: "INIT", chars: 0x60000020, data: []byte{1}})
			},
			imports: []Import{{DLL: "a.dll", Functions: byName("f")}},
			driver:  true,
		},
		{
			// saferwall/pe tested the subsystem's bits, and console (3)
			// has the bit of native (1): it called this one a driver.
			name: "a console image with a PAGE section is not",
			build: func(d *idata) (uint32, uint32) {
				d.desc(0, d.rva(0x40), d.str(0x100, "a.dll"), 0)
				d.thunk(0x40, 0, uint64(d.hintName(0x120, "f")))
				return d.rva(0), 0
			},
			mod: func(p *synthPE) {
				p.sections = append(p.sections, synthSection{name: "PAGE", chars: 0x60000020, data: []byte{1}})
			},
			imports: []Import{{DLL: "a.dll", Functions: byName("f")}},
		},
		{
			name: "a GUI image with a PAGE section is not",
			build: func(d *idata) (uint32, uint32) {
				d.desc(0, d.rva(0x40), d.str(0x100, "a.dll"), 0)
				d.thunk(0x40, 0, uint64(d.hintName(0x120, "f")))
				return d.rva(0), 0
			},
			mod: func(p *synthPE) {
				p.subsystem = 2
				p.sections = append(p.sections, synthSection{name: "PAGE", chars: 0x60000020, data: []byte{1}})
			},
			imports: []Import{{DLL: "a.dll", Functions: byName("f")}},
		},
		{
			name: "a native image without imports is not",
			build: func(d *idata) (uint32, uint32) {
				d.str(0, "x")
				return 0, 0
			},
			mod: func(p *synthPE) {
				p.subsystem = 1
				p.sections = append(p.sections, synthSection{name: "INIT", chars: 0x60000020, data: []byte{1}})
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &idata{is64: tt.is64}
			imp, delay := tt.build(d)
			b := impImage(t, d, imp, delay, tt.mod)
			f, err := Parse(context.Background(), b)
			require.NoError(t, err)
			assert.Equal(t, tt.imports, f.Imports, "imports")
			assert.Equal(t, tt.delay, f.DelayImports, "delay imports")
			assert.Equal(t, tt.driver, f.IsDriver, "IsDriver")
			if tt.driver {
				assert.Equal(t, KindDriver, f.Kind)
			}
			ids := anomalyIDs(f)
			for _, id := range tt.anomalies {
				assert.Contains(t, ids, id)
			}
			for _, id := range tt.noAnomalies {
				assert.NotContains(t, ids, id)
			}
			assert.NotContains(t, ids, anoImportsTruncated)
		})
	}
}

// TestImportsAbsurd checks the caps: a table longer than the function cap,
// and many descriptors sharing one long table, stop at the caps with an
// anomaly.
func TestImportsAbsurd(t *testing.T) {
	t.Run("one long table", func(t *testing.T) {
		d := &idata{}
		d.desc(0, d.rva(0x100), d.str(0x30, "a.dll"), d.rva(0x100))
		name := d.hintName(0x40, "f")
		n := DefaultLimits().MaxImportFunctions + 100
		for i := range n {
			d.thunk(0x100, i, uint64(name))
		}
		b := impImage(t, d, d.rva(0), 0, nil)
		f := parseOK(t, "long table", b)
		require.Len(t, f.Imports, 1)
		assert.Len(t, f.Imports[0].Functions, DefaultLimits().MaxImportFunctions)
		assert.Contains(t, anomalyIDs(f), anoImportsTruncated)
		assert.Contains(t, anomalyIDs(f), anoImportRepeated)
	})
	t.Run("many descriptors sharing a table", func(t *testing.T) {
		d := &idata{}
		const descs, per = 1000, 1000 // 2 million thunk reads without the cap
		tbl, name := 20*descs+64, 20*descs+32
		d.str(name, "a.dll")
		for i := range per {
			d.thunk(tbl, i, uint64(d.hintName(tbl+4*per+8+8*i, "f"+strconv.Itoa(i))))
		}
		for i := range descs {
			d.desc(20*i, d.rva(tbl), d.rva(name), d.rva(tbl))
		}
		b := impImage(t, d, d.rva(0), 0, nil)
		f := parseOK(t, "shared table", b)
		n := 0
		for _, imp := range f.Imports {
			n += len(imp.Functions)
		}
		assert.LessOrEqual(t, n, DefaultLimits().MaxImportFunctions)
		assert.Less(t, len(f.Imports), descs)
		assert.Contains(t, anomalyIDs(f), anoImportsTruncated)
	})
}
