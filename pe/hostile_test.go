package pe

import (
	"context"
	"encoding/binary"
	"testing"
	"time"

	"github.com/filerep/filerep/hash"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sectionsClaimingTheFile builds an image of size bytes whose n sections
// each claim the whole file as their raw data (issue 13: 4,096 such
// sections made the per-section histograms cost sections × size).
func sectionsClaimingTheFile(n, size int) []byte {
	p := newSynth()
	p.sections = nil
	for range n {
		p.sections = append(p.sections, synthSection{name: ".x", chars: 0x40000040, data: []byte{1}})
	}
	var total int
	p.header = func(out []byte) {
		total = max(len(out), size)
		st := int(binary.LittleEndian.Uint32(out[0x3c:])) + 24 + 224
		for i := range n {
			le32(out, st+40*i+16, uint32(total)) // SizeOfRawData
			le32(out, st+40*i+20, 0)             // PointerToRawData
		}
	}
	b := p.build()
	return append(b, randomBytes(max(0, size-len(b)), 13)...)
}

// expiringCtx is a context whose deadline passes after a number of Err
// calls: it stops a parse midway without depending on timing.
type expiringCtx struct {
	context.Context
	calls, after int
}

func (c *expiringCtx) Err() error {
	if c.calls++; c.calls > c.after {
		return context.DeadlineExceeded
	}
	return nil
}

// TestSectionsClaimingTheFile: 4,096 sections that each claim an 8 MiB
// file are counted once (8 MiB, not 32 GiB: about 17 s here before the
// fix), within a generous bound, with the same entropy as a direct count.
func TestSectionsClaimingTheFile(t *testing.T) {
	const n, size = 4096, 8 << 20
	b := sectionsClaimingTheFile(n, size)
	require.Len(t, b, size)

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	start := time.Now()
	f, err := Parse(ctx, b)
	elapsed := time.Since(start)
	require.NotNil(t, f, "%v", err)
	assert.NoError(t, ctx.Err())
	// The fixed parse takes tens of milliseconds; the bound is only there
	// to tell bounded work from sections × size.
	assert.Less(t, elapsed, 10*time.Second)
	require.Len(t, f.Sections, n)
	var direct hash.Histogram
	direct.Add(b)
	assert.Equal(t, direct, f.Histogram)
	for i := range f.Sections {
		if f.Sections[i].Entropy != direct.Entropy() {
			assert.Equal(t, direct.Entropy(), f.Sections[i].Entropy, "section %d", i)
			break
		}
	}
}

// TestParseStopsAtItsDeadline: a deadline that passes while the sections
// are counted ends Parse with an error wrapping context.DeadlineExceeded.
// Before the fix the histograms never looked at the context and Parse
// returned the File and no error.
func TestParseStopsAtItsDeadline(t *testing.T) {
	b := sectionsClaimingTheFile(4096, 8<<20)
	for _, after := range []int{1, 2, 3, 5} {
		ctx := &expiringCtx{Context: context.Background(), after: after}
		f, err := Parse(ctx, b)
		require.ErrorIs(t, err, context.DeadlineExceeded, "deadline after %d checks", after)
		// The headers and sections read before the deadline are kept.
		require.ErrorIs(t, err, ErrPartial)
		require.True(t, f != nil, "deadline after %d checks: no File", after)
		assert.Len(t, f.Sections, 4096)
		assert.Less(t, ctx.calls, after+16, "checks went on after the deadline")
	}
	// Deadlines that pass later, in the directories' readers, too.
	b = debugImage(4096, synthDebug{typ: 2, size: 30, data: rsdsRecord("x.pdb")})
	var finished bool
	for after := 1; !finished; after++ {
		require.Less(t, after, 1000, "Parse never finished")
		ctx := &expiringCtx{Context: context.Background(), after: after}
		f, err := Parse(ctx, b)
		if ctx.calls <= after {
			finished = true
			require.NoError(t, err)
			continue
		}
		require.ErrorIs(t, err, context.DeadlineExceeded, "deadline after %d checks", after)
		require.ErrorIs(t, err, ErrPartial)
		require.True(t, f != nil, "deadline after %d checks: no File", after)
		assert.Len(t, f.Sections, 2)
		assert.Equal(t, KindEXE, f.Kind, "deadline after %d checks", after)
	}
}

// TestByteHistogramsCountOnce: the histograms read each byte of the file
// once however many sections claim it, checking the context between
// chunks.
func TestByteHistogramsCountOnce(t *testing.T) {
	b := randomBytes(3<<20, 7)
	h := &Header{FileAlignment: 0x200}
	secs := make([]Section, 300)
	for i := range secs {
		secs[i] = Section{RawOffset: uint32(i * 4096), RawSize: uint32(len(b))}
	}
	ctx := &expiringCtx{Context: context.Background(), after: 1 << 30}
	whole, per, err := byteHistograms(&stopper{ctx: ctx}, b, h, secs)
	require.NoError(t, err)
	calls := ctx.calls
	var direct hash.Histogram
	direct.Add(b)
	assert.Equal(t, direct, whole)
	for i := range secs {
		var want hash.Histogram
		want.Add(b[i*4096:])
		require.Equal(t, want, per[i], "section %d", i)
	}
	// One check per piece between section bounds, and one per MiB.
	assert.LessOrEqual(t, calls, len(secs)+len(b)/stopChunk+1)
	assert.Positive(t, calls)
}
