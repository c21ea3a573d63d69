package authenticode

import (
	"crypto/sha256"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// signedSamples are the samples whose certificate tables seed the fuzzers.
var signedSamples = []string{
	"signed-mingw-console-x64.exe", "signed-nested-mingw-console-x64.exe",
	"signed-ts-mingw-console-x64.exe", "signed-tampered-mingw-console-x64.exe",
}

// fuzzImage is the part of an unsigned sample that precedes the fuzzed
// certificate table: its headers, enough for the authentihash.
func fuzzImage(f *testing.F) []byte {
	return readSample(f, "mingw-console-x64.exe")[:0x400]
}

// checkFast fails when one input took too long: every loop is bounded.
func checkFast(t *testing.T, start time.Time) {
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("took %v", d)
	}
}

// FuzzParseSignature decodes fuzzed certificate tables appended to a PE
// header, then verifies them.
func FuzzParseSignature(f *testing.F) {
	image := fuzzImage(f)
	for _, name := range signedSamples {
		b := readSample(f, name)
		l := mustLayout(f, b)
		f.Add(b[l.CertTableOffset : l.CertTableOffset+l.CertTableSize])
	}
	f.Add([]byte{})
	f.Add([]byte{8, 0, 0, 0, 0, 2, 2, 0})
	roots := rootPool(f)
	f.Fuzz(func(t *testing.T, table []byte) {
		start := time.Now()

		b := append(append([]byte(nil), image...), table...)
		l, ok := layoutOf(b)
		if !ok {
			t.Fatal("bad image")
		}
		l.CertTableOffset = uint32(len(image))
		l.CertTableSize = uint32(len(table))
		sig, err := Parse(b, l)
		if sig == nil {
			t.Fatal("nil Signature")
		}
		if err == nil && !sig.Signed {
			t.Fatal("no error and not signed")
		}
		if len(sig.Signatures) > MaxSignatures {
			t.Fatalf("%d signatures", len(sig.Signatures))
		}
		res, verr := sig.Verify(VerifyOptions{Roots: roots, CurrentTime: verifyAt})
		if res == nil || (verr == nil) != res.Verified {
			t.Fatalf("Verify: %v, %v", res, verr)
		}
		checkFast(t, start)
	})
}

// FuzzParseCatalog decodes fuzzed catalogs and checks membership and
// trust on what decodes.
func FuzzParseCatalog(f *testing.F) {
	for _, name := range []string{"catalog-sha1.cat", "catalog-sha256.cat"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	b := readSample(f, "signed-ts-mingw-console-x64.exe")
	l := mustLayout(f, b)
	f.Add(b[l.CertTableOffset+8 : l.CertTableOffset+l.CertTableSize])
	roots := rootPool(f)
	probe := make([]byte, 32)
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		c, err := ParseCatalog(data)
		if c == nil {
			if err == nil {
				t.Fatal("nil Catalog without error")
			}
			return
		}
		for _, m := range c.Members {
			if m.Digest != nil && !c.Contains(m.Digest) {
				t.Fatalf("member %x not found", m.Digest)
			}
		}
		c.Contains(probe)
		v, verr := c.Verify(VerifyOptions{Roots: roots, CurrentTime: verifyAt})
		if (verr == nil) != v.Verified {
			t.Fatalf("Verify: %v, %v", v.Verified, verr)
		}
		checkFast(t, start)
	})
}

// FuzzAuthentihash computes authentihashes with fuzzed header values over
// fuzzed bytes: it must never panic, and return a digest whenever it
// returns no error.
func FuzzAuthentihash(f *testing.F) {
	for _, name := range append([]string{"mingw-console-x86.exe", "nasm-tiny.exe"}, signedSamples...) {
		b := readSample(f, name)
		l := mustLayout(f, b)
		f.Add(b, l.NTHeaderOffset, l.PE32Plus, l.CertTableOffset, l.CertTableSize, int64(0))
	}
	f.Add([]byte("MZ"), int64(-1), true, uint32(0xffffffff), uint32(0xffffffff), int64(-5))
	f.Fuzz(func(t *testing.T, b []byte, nt int64, plus bool, off, size uint32, fileSize int64) {
		l := Layout{NTHeaderOffset: nt, PE32Plus: plus, CertTableOffset: off, CertTableSize: size, FileSize: fileSize}
		d, err := Authentihash(b, l, sha256.New)
		if err == nil && len(d) != sha256.Size {
			t.Fatalf("no error and a %d-byte digest", len(d))
		}
		if d != nil && len(d) != sha256.Size {
			t.Fatalf("%d-byte digest", len(d))
		}
	})
}
