package pe

import (
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/filerep/filerep/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// synthDebug is one debug directory entry of a synthetic image.
type synthDebug struct {
	typ   uint32
	size  uint32 // SizeOfData as written
	data  []byte
	atEnd bool // place the data at the very end of the file
}

// rsdsRecord returns a CodeView RSDS record naming pdb.
func rsdsRecord(pdb string) []byte {
	b := []byte("RSDS")
	b = append(b, 0x78, 0x56, 0x34, 0x12, 0x34, 0x12, 0x78, 0x56, 1, 2, 3, 4, 5, 6, 7, 8) // GUID
	b = append(b, 7, 0, 0, 0)                                                             // age
	return append(b, pdb+"\x00"...)
}

// debugImage builds a 32-bit image whose .rdata section holds a debug
// directory with the given entries, followed by their data and pad bytes
// of padAfter (which sets the file size).
func debugImage(padAfter int, entries ...synthDebug) []byte {
	blob := make([]byte, debugEntrySize*len(entries))
	offs := make([]int, len(entries))
	for i, e := range entries {
		offs[i] = len(blob)
		if !e.atEnd {
			blob = append(blob, e.data...)
			blob = append(blob, make([]byte, alignUp(len(blob), 4)-len(blob))...)
		}
	}
	blob = append(blob, make([]byte, padAfter)...)
	p := newSynth()
	p.sections = append(p.sections, synthSection{name: ".rdata", chars: 0x40000040, data: blob})
	p.header = func(out []byte) {
		oh := int(binary.LittleEndian.Uint32(out[0x3c:])) + 24
		sec := oh + 224 + 40 // the second section header
		va := binary.LittleEndian.Uint32(out[sec+12:])
		raw := binary.LittleEndian.Uint32(out[sec+20:])
		le32(out, oh+96+8*IMAGE_DIRECTORY_ENTRY_DEBUG, va)
		le32(out, oh+96+8*IMAGE_DIRECTORY_ENTRY_DEBUG+4, uint32(debugEntrySize*len(entries)))
		for i, e := range entries {
			at := offs[i]
			if e.atEnd {
				at = len(out) - int(raw) - len(e.data)
				copy(out[int(raw)+at:], e.data)
			}
			d := int(raw) + debugEntrySize*i
			le32(out, d+4, 0x5f5e1000+uint32(i)) // TimeDateStamp
			le32(out, d+debugTypeField, e.typ)
			le32(out, d+debugSizeField, e.size)
			le32(out, d+20, va+uint32(at))
			le32(out, d+debugPointerField, raw+uint32(at))
		}
	}
	return p.build()
}

// parseAllocs parses b and returns the File, the error and the bytes
// allocated meanwhile (garbage included).
func parseAllocs(t *testing.T, b []byte) (*File, error, uint64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f, err := Parse(ctx, b)
	runtime.ReadMemStats(&after)
	require.NotNil(t, f, "%v", err)
	return f, err, after.TotalAlloc - before.TotalAlloc
}

// allocBound is the bound on what one parse may allocate.
func allocBound(b []byte) uint64 { return 32*uint64(len(b)) + 8<<20 }

// TestDebugEntrySizes: a debug entry whose SizeOfData is below its type's
// fixed header, past the end of the file, or whose records the parser
// would read past the end, is listed without being decoded, with a stable
// anomaly, and costs no more than the file's size in memory. Before the
// fix the RSDS cases allocated 4 GiB each, the POGO ones read to the end
// of the file or panicked.
func TestDebugEntrySizes(t *testing.T) {
	good := rsdsRecord(`C:\build\good.pdb`)
	pogo := append([]byte("\x00UGP"), make([]byte, 64)...)
	nb10 := append([]byte("NB10"), make([]byte, 12)...)
	nb10 = append(nb10, "old.pdb\x00"...)
	cases := []struct {
		name   string
		bad    synthDebug
		anomID string
	}{
		{"rsds size 0", synthDebug{typ: 2, size: 0, data: rsdsRecord("x.pdb")}, AnoDebugEntryTooSmall},
		{"rsds size 8", synthDebug{typ: 2, size: 8, data: rsdsRecord("x.pdb")}, AnoDebugEntryTooSmall},
		{"rsds size 24", synthDebug{typ: 2, size: 24, data: rsdsRecord("x.pdb")}, AnoDebugEntryTooSmall},
		{"nb10 size 8", synthDebug{typ: 2, size: 8, data: nb10}, AnoDebugEntryTooSmall},
		{"nb10 size 16", synthDebug{typ: 2, size: 16, data: nb10}, AnoDebugEntryTooSmall},
		{"pogo size 0", synthDebug{typ: 13, size: 0, data: pogo}, AnoDebugEntryTooSmall},
		{"pogo size 3", synthDebug{typ: 13, size: 3, data: pogo}, AnoDebugEntryTooSmall},
		{"pogo at the end", synthDebug{typ: 13, size: 20, data: []byte("\x00UGP\x00\x10\x00\x00\x10\x00\x00\x00.text\x00\x00\x00"), atEnd: true}, AnoDebugEntryPastEOF},
		{"rsds past the end", synthDebug{typ: 2, size: 0x7fffffff, data: rsdsRecord("x.pdb")}, AnoDebugEntryPastEOF},
		{"fpo past the end", synthDebug{typ: 3, size: 0xffffffff, data: make([]byte, 32)}, AnoDebugEntryPastEOF},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := debugImage(256,
				synthDebug{typ: 2, size: uint32(len(good)), data: good},
				c.bad)
			f, err, allocated := parseAllocs(t, b)
			require.NoError(t, err)
			assert.LessOrEqual(t, allocated, allocBound(b), "allocated %d bytes for a %d-byte file", allocated, len(b))
			assert.Contains(t, anomalyIDs(f), c.anomID)
			require.Len(t, f.Debug, 2, "both entries listed")
			assert.Equal(t, `C:\build\good.pdb`, f.Debug[0].PDBPath, "the sane entry is still decoded")
			want := map[uint32]string{2: "CodeView", 3: "FPO", 13: "POGO"}[c.bad.typ]
			assert.Equal(t, want, f.Debug[1].Type, "the hidden entry keeps its type")
			assert.Empty(t, f.Debug[1].PDBPath)
			assert.Equal(t, uint32(0x5f5e1001), f.Debug[1].TimeDateStamp)
		})
	}
}

// TestDebugEntrySizesSane: entries of the minimum sizes are decoded and
// raise no anomaly.
func TestDebugEntrySizesSane(t *testing.T) {
	b := debugImage(256,
		synthDebug{typ: 2, size: cvRSDSMinSize, data: rsdsRecord("")},
		synthDebug{typ: 2, size: 30, data: rsdsRecord("x.pdb")},
		synthDebug{typ: 13, size: 4, data: []byte("\x00UGP")},
		synthDebug{typ: 13, size: 20, data: []byte("\x00UGP\x00\x10\x00\x00\x10\x00\x00\x00.text\x00\x00\x00")},
		synthDebug{typ: 3, size: 16, data: make([]byte, 16)},
	)
	f, err, _ := parseAllocs(t, b)
	require.NoError(t, err)
	assert.Empty(t, f.Anomalies)
	require.Len(t, f.Debug, 5)
	assert.Equal(t, "x.pdb", f.Debug[1].PDBPath)
	assert.Equal(t, []string{"CodeView", "CodeView", "POGO", "POGO", "FPO"},
		[]string{f.Debug[0].Type, f.Debug[1].Type, f.Debug[2].Type, f.Debug[3].Type, f.Debug[4].Type})
}

// TestDebugEntriesClaimingTheFile: 64 POGO entries that each claim the
// whole of a 1 MiB section made the parser build 64 lists of 87,000
// records (about 300 MiB); the entries beyond the file's size in all are
// not decoded.
func TestDebugEntriesClaimingTheFile(t *testing.T) {
	const n, size = 64, 1 << 20
	data := append([]byte("\x00UGP"), make([]byte, size)...)
	entries := []synthDebug{{typ: 13, size: size, data: data}}
	for range n - 1 {
		entries = append(entries, synthDebug{typ: 13, size: size})
	}
	b := debugImage(256, entries...)
	// Every entry points at the first one's data.
	raw := binary.LittleEndian.Uint32(b[debugOffsetOfFirstEntry(b)+debugPointerField:])
	for i := 1; i < n; i++ {
		le32(b, debugOffsetOfFirstEntry(b)+debugEntrySize*i+debugPointerField, raw)
	}
	f, err, allocated := parseAllocs(t, b)
	require.NoError(t, err)
	assert.LessOrEqual(t, allocated, allocBound(b), "allocated %d bytes for a %d-byte file", allocated, len(b))
	assert.Contains(t, anomalyIDs(f), AnoDebugDataRepeated)
	assert.Len(t, f.Debug, n)
}

// debugOffsetOfFirstEntry returns the file offset of debugImage's first
// debug entry (the start of its second section's raw data).
func debugOffsetOfFirstEntry(b []byte) int {
	sec := int(binary.LittleEndian.Uint32(b[0x3c:])) + 24 + 224 + 40
	return int(binary.LittleEndian.Uint32(b[sec+20:]))
}

// TestDebugCorkamiUnderflow is the reproduction: corkami's
// debug.exe with its CodeView entry's SizeOfData (file offset 0x290)
// changed from 0x28 to 0x08 allocated 4.29 GB per parse.
func TestDebugCorkamiUnderflow(t *testing.T) {
	var path string
	for _, p := range testutil.CorpusFiles(t, "corkami") {
		if filepath.Base(p) == "debug.exe" {
			path = p
		}
	}
	if path == "" {
		t.Skip("no corkami debug.exe")
	}
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, byte(0x28), b[0x290])
	b[0x290] = 0x08
	f, _, allocated := parseAllocs(t, b)
	assert.LessOrEqual(t, allocated, allocBound(b), "allocated %d bytes for a %d-byte file", allocated, len(b))
	assert.Contains(t, anomalyIDs(f), AnoDebugEntryTooSmall)
	require.Len(t, f.Debug, 1)
	assert.Equal(t, "CodeView", f.Debug[0].Type)
}
