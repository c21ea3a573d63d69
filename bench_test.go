package filerep

import (
	"context"
	"crypto/md5"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/filerep/filerep/internal/testutil"
)

// BenchmarkAnalyzeSamples analyses every committed sample per iteration.
func BenchmarkAnalyzeSamples(b *testing.B) {
	samples := testutil.Samples(b)
	var total int64
	for _, s := range samples {
		st, err := os.Stat(s.Path)
		if err != nil {
			b.Fatal(err)
		}
		total += st.Size()
	}
	b.SetBytes(total)
	b.ResetTimer()
	for b.Loop() {
		for _, s := range samples {
			_, _ = Analyze(context.Background(), s.Path)
		}
	}
}

// largeOverlayPE writes a real PE (the NSIS sample) followed by size bytes
// of random overlay, the shape of big installers.
func largeOverlayPE(b *testing.B, size int) string {
	b.Helper()
	head, err := os.ReadFile(filepath.Join(testutil.RepoRoot(), "testdata", "pe", "nsis-installer.exe"))
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, len(head)+size)
	copy(buf, head)
	r := rand.NewChaCha8([32]byte{1})
	_, _ = r.Read(buf[len(head):])
	p := filepath.Join(b.TempDir(), "large.exe")
	if err := os.WriteFile(p, buf, 0o644); err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkAnalyzeLargeOverlay: the whole report of a 256 MiB PE next to
// MD5 alone over the same file read the same way (the md5sum baseline).
func BenchmarkAnalyzeLargeOverlay(b *testing.B) {
	p := largeOverlayPE(b, 256<<20)
	st, _ := os.Stat(p)
	b.Run("Analyze", func(b *testing.B) {
		b.SetBytes(st.Size())
		for b.Loop() {
			if _, err := Analyze(context.Background(), p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Streaming", func(b *testing.B) {
		b.SetBytes(st.Size())
		for b.Loop() {
			if _, err := Analyze(context.Background(), p, WithMaxInMemory(64<<20)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("MD5only", func(b *testing.B) {
		b.SetBytes(st.Size())
		buf := make([]byte, 1<<20)
		for b.Loop() {
			f, err := os.Open(p)
			if err != nil {
				b.Fatal(err)
			}
			h := md5.New()
			for {
				n, err := f.Read(buf)
				h.Write(buf[:n])
				if err != nil {
					break
				}
			}
			f.Close()
			h.Sum(nil)
		}
	})
}
