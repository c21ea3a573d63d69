package filerep

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/filerep/filerep/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// shortReaderAt holds data but is analysed with a larger size, as a file
// that shrank while it was read. It follows io.ReaderAt's contract
// (n < len(p) comes with io.EOF) unless nilErr is set, and then returns
// short reads without an error, as a broken reader would. eofAtEnd
// returns io.EOF with a full read that reaches the end, which the
// contract allows.
type shortReaderAt struct {
	data     []byte
	nilErr   bool
	eofAtEnd bool
}

func (r shortReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off >= int64(len(r.data)) {
		if r.nilErr {
			return 0, nil
		}
		return 0, io.EOF
	}
	n := copy(p, r.data[off:])
	switch {
	case n < len(p) && !r.nilErr:
		return n, io.EOF
	case n == len(p) && r.eofAtEnd && off+int64(n) == int64(len(r.data)):
		return n, io.EOF
	}
	return n, nil
}

// readPaths are the ways analyzeReaderAt reads a file, with the options
// (and first-read size) that select each for shortReadFile's data.
func readPaths(t *testing.T, imageEnd int64) []struct {
	name string
	opts []Option
	head int64
} {
	require.Greater(t, imageEnd, int64(8192))
	return []struct {
		name string
		opts []Option
		head int64
	}{
		{"whole", nil, 4 << 20},
		{"streamed, image in the first read", []Option{WithStreamAbove(4096)}, 4 << 20},
		{"streamed, image past the first read", []Option{WithStreamAbove(4096)}, 1024},
		{"head only", []Option{WithStreamAbove(4096), WithMaxInMemory(4096)}, 1024},
	}
}

// shortReadFile is a PE with an overlay: nsis-installer.exe and 512 KiB
// more, so that the streamed hashes run over several chunks.
func shortReadFile(t *testing.T) (b []byte, imageEnd int64) {
	b, err := os.ReadFile(filepath.Join(testutil.RepoRoot(), "testdata", "pe", "nsis-installer.exe"))
	require.NoError(t, err)
	extra := make([]byte, 512<<10)
	_, _ = rand.NewChaCha8([32]byte{4}).Read(extra)
	b = append(b, extra...)
	full, err := AnalyzeBytes(context.Background(), "nsis-installer.exe", b)
	require.NoError(t, err)
	require.NotNil(t, full.PE.Overlay)
	return b, full.PE.Overlay.Offset
}

func analyzeShort(t *testing.T, r io.ReaderAt, size int64, opts []Option, head int64) (*FileReport, error) {
	t.Helper()
	c, err := makeConfig(opts)
	require.NoError(t, err)
	c.headBytes = head
	rep := newReport("shrinking.exe")
	return analyzeReaderAt(context.Background(), rep, r, size, &c)
}

// TestAnalyzeShortRead: a file that holds fewer bytes than its size (it
// shrank while read, or a reader lied) is an error on every read path,
// and no hashes are reported for bytes that were never read.
func TestAnalyzeShortRead(t *testing.T) {
	b, imageEnd := shortReadFile(t)
	size := int64(len(b))
	for _, p := range readPaths(t, imageEnd) {
		for _, held := range []int64{0, 512, 4000, imageEnd - 100, imageEnd + 1000, size - 1} {
			for _, nilErr := range []bool{false, true} {
				name := fmt.Sprintf("%s/holds %d of %d/nil error %v", p.name, held, size, nilErr)
				rep, err := analyzeShort(t, shortReaderAt{data: b[:held], nilErr: nilErr}, size, p.opts, p.head)
				require.Error(t, err, name)
				assert.ErrorIs(t, err, ErrShortRead, name)
				assert.ErrorIs(t, err, io.ErrUnexpectedEOF, name)
				assert.Empty(t, rep.Hashes.SHA256, "%s: hashes of bytes never read", name)
				assert.NotEmpty(t, rep.Errors, name)
			}
		}
		// A reader that claims twice what it holds ("claims 200 MiB,
		// holds 100 MiB").
		rep, err := analyzeShort(t, shortReaderAt{data: b}, 2*size, p.opts, p.head)
		assert.ErrorIs(t, err, ErrShortRead, p.name)
		assert.Empty(t, rep.Hashes.SHA256, p.name)
		var se *ShortReadError
		require.ErrorAs(t, err, &se, p.name)
		assert.Equal(t, 2*size, se.Size, p.name)
	}
}

// TestAnalyzeFullReadWithEOF: io.ReaderAt may return io.EOF with a read
// that fills the buffer at the end of the input; that is not an error.
func TestAnalyzeFullReadWithEOF(t *testing.T) {
	b, imageEnd := shortReadFile(t)
	want := sha256.Sum256(b)
	for _, p := range readPaths(t, imageEnd) {
		rep, err := analyzeShort(t, shortReaderAt{data: b, eofAtEnd: true}, int64(len(b)), p.opts, p.head)
		if err != nil {
			assert.NotErrorIs(t, err, ErrShortRead, p.name)
			assert.NotErrorIs(t, err, io.EOF, p.name)
		}
		assert.Equal(t, hexOf(want[:]), rep.Hashes.SHA256, p.name)
	}
}

// TestAnalyzeReaderAtShrunk is the case through the public API:
// a streamed file (above WithStreamAbove) that holds half its size.
func TestAnalyzeReaderAtShrunk(t *testing.T) {
	b, _ := shortReadFile(t)
	rep, err := AnalyzeReaderAt(context.Background(), "half.exe", shortReaderAt{data: b[:len(b)/2]}, int64(len(b)), WithStreamAbove(4096))
	require.ErrorIs(t, err, ErrShortRead)
	assert.Empty(t, rep.Hashes.SHA256)
	assert.Contains(t, err.Error(), fmt.Sprintf("of the %d", len(b)))
}

// TestAnalyzeImagePastEndMessage: a streamed file whose last section
// claims far more than the file holds is not "above the in-memory cap";
// the error says what was compared.
func TestAnalyzeImagePastEndMessage(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(testutil.RepoRoot(), "testdata", "pe", "nsis-installer.exe"))
	require.NoError(t, err)
	// The last section header's SizeOfRawData claims ~496 MiB.
	lfanew := int(binary.LittleEndian.Uint32(b[0x3c:]))
	nsec := int(binary.LittleEndian.Uint16(b[lfanew+6:]))
	optSize := int(binary.LittleEndian.Uint16(b[lfanew+20:]))
	last := lfanew + 24 + optSize + 40*(nsec-1)
	binary.LittleEndian.PutUint32(b[last+16:], 496<<20)
	rep, err := AnalyzeReaderAt(context.Background(), "claims.exe", bytes.NewReader(b), int64(len(b)), WithStreamAbove(4096))
	require.Error(t, err)
	msg := err.Error()
	assert.NotContains(t, msg, "above the in-memory cap", "the file is far below the cap")
	assert.Contains(t, msg, fmt.Sprintf("past the end of the file (%d bytes)", len(b)))
	assert.Contains(t, msg, "only the headers were parsed")
	want := sha256.Sum256(b)
	assert.Equal(t, hexOf(want[:]), rep.Hashes.SHA256, "the hashes are still right")

	// Above the cap, the message names the image size and the cap.
	_, err = AnalyzeReaderAt(context.Background(), "go.exe", bytes.NewReader(mustRead(t, "go-amd64.exe")), 1490432,
		WithStreamAbove(4096), WithMaxInMemory(64<<10))
	require.Error(t, err)
	assert.Regexp(t, `PE image of \d+ bytes is above the in-memory cap of 65536`, err.Error())
}

func mustRead(t *testing.T, name string) []byte {
	b, err := os.ReadFile(filepath.Join(testutil.RepoRoot(), "testdata", "pe", name))
	require.NoError(t, err)
	return b
}
