//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package filerep

import (
	"context"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/filerep/filerep/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mkfifo makes a named pipe in a temporary directory. Its cleanup opens
// the write end without blocking, which releases a reader stuck in open.
func mkfifo(t *testing.T, dir string) string {
	t.Helper()
	p := filepath.Join(dir, "pipe.exe")
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	t.Cleanup(func() { unblockFIFO(p) })
	return p
}

func unblockFIFO(p string) {
	if f, err := os.OpenFile(p, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
		f.Close()
	}
}

// within runs fn and fails the test if it has not returned after d; a
// FIFO left blocking is released so that the goroutine can end.
func within(t *testing.T, d time.Duration, fifo string, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); fn() }()
	select {
	case <-done:
	case <-time.After(d):
		unblockFIFO(fifo)
		<-done
		t.Fatalf("did not return within %v", d)
	}
}

// TestAnalyzeFIFO: a named pipe is refused before it is opened (opening
// one for reading blocks until a writer comes).
func TestAnalyzeFIFO(t *testing.T) {
	p := mkfifo(t, t.TempDir())
	var (
		rep *FileReport
		err error
	)
	within(t, 5*time.Second, p, func() { rep, err = Analyze(context.Background(), p) })
	require.ErrorIs(t, err, ErrNotRegular)
	var ft *NotRegularError
	require.ErrorAs(t, err, &ft)
	assert.Equal(t, fs.ModeNamedPipe, ft.Mode.Type())
	assert.Equal(t, p, ft.Path)
	assert.Empty(t, rep.Hashes.MD5)
	assert.Equal(t, "pipe.exe", rep.File.Name)
}

// TestAnalyzeAllFIFODeadline: a batch with a FIFO among its paths ends by
// its deadline, with the FIFO's result saying why it was not read.
func TestAnalyzeAllFIFODeadline(t *testing.T) {
	dir := t.TempDir()
	fifo := mkfifo(t, dir)
	paths := []string{testutil.Samples(t)[0].Path, fifo, testutil.Samples(t)[1].Path}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var got []Result
	within(t, 5*time.Second, fifo, func() {
		for r := range AnalyzeAll(ctx, slices.Values(paths), WithWorkers(2), WithOrdered(true)) {
			got = append(got, r)
		}
	})
	require.Len(t, got, 3)
	assert.NoError(t, got[0].Err)
	assert.ErrorIs(t, got[1].Err, ErrNotRegular)
	assert.NoError(t, got[2].Err)

	// WalkFiles leaves the FIFO out of a tree.
	for p := range WalkFiles([]string{dir}, nil) {
		t.Errorf("WalkFiles yielded %s", p)
	}
}

// TestAnalyzeSocketAndDevice: sockets and devices are not files either.
func TestAnalyzeSocketAndDevice(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "s.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Skipf("unix socket: %v", err)
	}
	defer l.Close()
	_, err = Analyze(context.Background(), sock)
	assert.ErrorIs(t, err, ErrNotRegular)
	var ft *NotRegularError
	require.ErrorAs(t, err, &ft)
	assert.Equal(t, fs.ModeSocket, ft.Mode.Type())

	if _, err := os.Stat("/dev/null"); err == nil {
		_, err = Analyze(context.Background(), "/dev/null")
		require.ErrorAs(t, err, &ft)
		assert.NotZero(t, ft.Mode&fs.ModeDevice)
	}
	_, err = Analyze(context.Background(), t.TempDir())
	require.ErrorAs(t, err, &ft)
	assert.True(t, ft.Mode.IsDir())
}

// TestAnalyzeSymlinkToFile: a symbolic link to a regular file is followed.
func TestAnalyzeSymlinkToFile(t *testing.T) {
	target := testutil.Samples(t)[0].Path
	link := filepath.Join(t.TempDir(), "link.exe")
	require.NoError(t, os.Symlink(target, link))
	a, err1 := Analyze(context.Background(), target)
	b, err2 := Analyze(context.Background(), link)
	assert.Equal(t, err1 == nil, err2 == nil)
	assert.Equal(t, a.Hashes, b.Hashes)
}

// TestAnalyzeProcFile: files under /proc report size 0 but hold data; the
// report says so instead of giving an empty file's hashes.
func TestAnalyzeProcFile(t *testing.T) {
	const p = "/proc/self/status"
	st, err := os.Stat(p)
	if err != nil || st.Size() != 0 {
		t.Skip("no /proc/self/status of size 0 here")
	}
	rep, err := Analyze(context.Background(), p)
	require.ErrorIs(t, err, ErrSizeUnknown)
	assert.Empty(t, rep.Hashes.MD5, "not the hashes of an empty file")
	assert.Contains(t, err.Error(), "size 0")
}
