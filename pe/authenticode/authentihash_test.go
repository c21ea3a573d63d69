package authenticode

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Authentihashes printed by `osslsigncode verify` ("Current message
// digest"), recorded in testdata/README.md §8.
const (
	consoleSHA256  = "bb2f1c77a7d08b0c2ecdcb4b55b8c811ff314d66a4be97c24e0866bfde81f1b7"
	consoleSHA1    = "6870210cdd40a69ab04126276bbe2c47af6e49f8"
	tamperedSHA256 = "d90babbddb81f7cd923f3a3b0f5deb8542d285b7c21f2478e0346e6312969556"
)

func TestAuthentihashSamples(t *testing.T) {
	tests := []struct {
		name         string
		sha256, sha1 string
	}{
		// Signing adds only skipped bytes (checksum, directory entry,
		// table), so the unsigned input has the signed file's hash.
		{"mingw-console-x64.exe", consoleSHA256, consoleSHA1},
		{"signed-mingw-console-x64.exe", consoleSHA256, consoleSHA1},
		{"signed-nested-mingw-console-x64.exe", consoleSHA256, consoleSHA1},
		{"signed-ts-mingw-console-x64.exe", consoleSHA256, consoleSHA1},
		{"signed-tampered-mingw-console-x64.exe", tamperedSHA256, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := readSample(t, tt.name)
			l := mustLayout(t, b)
			d, err := AuthentihashSHA256(b, l)
			require.NoError(t, err)
			assert.Equal(t, tt.sha256, hex.EncodeToString(d))
			if tt.sha1 != "" {
				d, err := AuthentihashSHA1(b, l)
				require.NoError(t, err)
				assert.Equal(t, tt.sha1, hex.EncodeToString(d))
			}
		})
	}
}

// TestAuthentihashExcludesFields changes each skipped range and one hashed
// byte, and checks which changes move the digest.
func TestAuthentihashExcludesFields(t *testing.T) {
	orig := readSample(t, "signed-mingw-console-x64.exe")
	l := mustLayout(t, orig)
	want, err := AuthentihashSHA256(orig, l)
	require.NoError(t, err)

	flip := func(off int64) []byte {
		b := bytes.Clone(orig)
		b[off] ^= 0xff
		return b
	}
	for _, off := range []int64{l.ChecksumOffset(), l.ChecksumOffset() + 3, l.SecurityEntryOffset(),
		l.SecurityEntryOffset() + 7, int64(l.CertTableOffset), int64(l.CertTableOffset+l.CertTableSize) - 1} {
		d, err := AuthentihashSHA256(flip(off), l)
		require.NoError(t, err)
		assert.Equal(t, want, d, "byte 0x%x must not be hashed", off)
	}
	for _, off := range []int64{0, l.ChecksumOffset() - 1, l.ChecksumOffset() + 4, l.SecurityEntryOffset() - 1,
		l.SecurityEntryOffset() + 8, int64(l.CertTableOffset) - 1} {
		d, err := AuthentihashSHA256(flip(off), l)
		require.NoError(t, err)
		assert.NotEqual(t, want, d, "byte 0x%x must be hashed", off)
	}

	// Data after the certificate table is hashed.
	after := append(bytes.Clone(orig), "trailing data"...)
	sig, err := Parse(after, l)
	require.NoError(t, err)
	assert.EqualValues(t, len("trailing data"), sig.DataAfterTable)
	assert.False(t, sig.Signatures[0].DigestMatches)
	d, err := AuthentihashSHA256(after, l)
	require.NoError(t, err)
	assert.NotEqual(t, want, d)
	h := sha256.New()
	h.Write(orig[:l.ChecksumOffset()])
	h.Write(orig[l.ChecksumOffset()+4 : l.SecurityEntryOffset()])
	h.Write(orig[l.SecurityEntryOffset()+8 : l.CertTableOffset])
	h.Write([]byte("trailing data"))
	assert.Equal(t, h.Sum(nil), d)

	// FileSize limits the hash to a prefix.
	l2 := l
	l2.FileSize = int64(len(orig))
	d, err = AuthentihashSHA256(after, l2)
	require.NoError(t, err)
	assert.Equal(t, want, d)
}

func TestAuthentihashPE32(t *testing.T) {
	b := readSample(t, "mingw-console-x86.exe")
	l := mustLayout(t, b)
	require.False(t, l.PE32Plus)
	assert.Equal(t, l.NTHeaderOffset+24+96+32, l.SecurityEntryOffset())
	d, err := AuthentihashSHA256(b, l)
	require.NoError(t, err)
	h := sha256.New()
	h.Write(b[:l.ChecksumOffset()])
	h.Write(b[l.ChecksumOffset()+4 : l.SecurityEntryOffset()])
	h.Write(b[l.SecurityEntryOffset()+8:])
	assert.Equal(t, h.Sum(nil), d)
}

func TestAuthentihashNoSecurityEntry(t *testing.T) {
	b := readSample(t, "mingw-console-x64.exe")
	l := mustLayout(t, b)
	l.NoSecurityEntry = true
	d, err := AuthentihashSHA256(b, l)
	require.NoError(t, err)
	h := sha256.New()
	h.Write(b[:l.ChecksumOffset()])
	h.Write(b[l.ChecksumOffset()+4:])
	assert.Equal(t, h.Sum(nil), d)
	_, err = AuthentihashSHA256(b[:l.ChecksumOffset()+3], l)
	assert.ErrorIs(t, err, ErrTruncated)
}

func TestAuthentihashBadLayouts(t *testing.T) {
	b := readSample(t, "signed-mingw-console-x64.exe")
	good := mustLayout(t, b)
	size := int64(len(b))
	tests := []struct {
		name       string
		edit       func(l *Layout)
		sentinel   error
		wantDigest bool // digest returned along with the error
	}{
		{"negative e_lfanew", func(l *Layout) { l.NTHeaderOffset = -8 }, ErrMalformed, false},
		{"e_lfanew past the end", func(l *Layout) { l.NTHeaderOffset = size - 100 }, ErrTruncated, false},
		{"huge e_lfanew", func(l *Layout) { l.NTHeaderOffset = 1 << 62 }, ErrMalformed, false},
		{"overflowing e_lfanew", func(l *Layout) { l.NTHeaderOffset = 1<<63 - 10 }, ErrMalformed, false},
		{"no security entry but a table", func(l *Layout) { l.NoSecurityEntry = true }, ErrMalformed, false},
		{"file size too large", func(l *Layout) { l.FileSize = size + 1 }, ErrTruncated, false},
		{"negative file size", func(l *Layout) { l.FileSize = -1 }, ErrMalformed, false},
		{"table in the headers", func(l *Layout) { l.CertTableOffset = 0x100 }, ErrMalformed, true},
		{"table offset zero", func(l *Layout) { l.CertTableOffset = 0 }, ErrMalformed, true},
		{"table size zero", func(l *Layout) { l.CertTableSize = 0 }, ErrMalformed, true},
		{"table past the end", func(l *Layout) { l.CertTableOffset = uint32(size) + 8 }, ErrTruncated, true},
		{"table runs past the end", func(l *Layout) { l.CertTableSize = 0xffffffff }, ErrTruncated, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := good
			tt.edit(&l)
			d, err := AuthentihashSHA256(b, l)
			require.Error(t, err)
			assert.ErrorIs(t, err, tt.sentinel)
			var fe *FormatError
			assert.True(t, errors.As(err, &fe), "%T", err)
			if tt.wantDigest {
				assert.Len(t, d, sha256.Size)
			} else {
				assert.Nil(t, d)
			}
		})
	}

	// A table clamped at the end of the file skips what is there.
	l := good
	l.CertTableSize = 0xffffffff
	d, _ := AuthentihashSHA256(b, l)
	want, _ := AuthentihashSHA256(b, good)
	assert.Equal(t, want, d)

	// Tiny inputs.
	for n := 0; n < 0x200; n += 7 {
		_, err := AuthentihashSHA256(b[:n], good)
		assert.ErrorIs(t, err, ErrTruncated)
	}
}

// TestAuthentihashOsslsigncode signs PE32 and PE32+ samples of several
// shapes (overlay, odd size, .NET, Go) with osslsigncode and checks that
// the digest osslsigncode embedded is the authentihash computed here.
func TestAuthentihashOsslsigncode(t *testing.T) {
	tool, err := exec.LookPath("osslsigncode")
	if err != nil {
		t.Skip("osslsigncode not installed")
	}
	if testing.Short() {
		t.Skip("runs osslsigncode")
	}
	dir := t.TempDir()
	re := regexp.MustCompile(`Current message digest\s*:\s*([0-9A-F]+)`)
	for _, name := range []string{"mingw-console-x86.exe", "nasm-tiny.exe", "nasm-odd.exe", "nsis-installer.exe",
		"dotnet-cs.dll", "mingw-dll-x64.dll", "go-386.exe"} {
		for _, h := range []string{"sha1", "sha256"} {
			t.Run(name+"/"+h, func(t *testing.T) {
				out := filepath.Join(dir, h+"-"+name)
				cmd := exec.Command(tool, "sign", "-certs", filepath.Join(pkiDir, "codesign-chain.pem"),
					"-key", filepath.Join(pkiDir, "codesign.key"), "-h", h, "-time", "1780272000",
					"-in", filepath.Join(samplesDir, name), "-out", out)
				msg, err := cmd.CombinedOutput()
				require.NoError(t, err, "%s", msg)
				msg, _ = exec.Command(tool, "verify", "-CAfile", filepath.Join(pkiDir, "root-ca.pem"), "-in", out).CombinedOutput()
				m := re.FindSubmatch(msg)
				require.NotNil(t, m, "%s", msg)

				b, err := os.ReadFile(out)
				require.NoError(t, err)
				sig, err := Parse(b, mustLayout(t, b))
				require.NoError(t, err)
				require.Len(t, sig.Signatures, 1)
				s := sig.Signatures[0]
				assert.Equal(t, strings.ToLower(string(m[1])), hex.EncodeToString(s.FileDigest))
				assert.True(t, s.DigestMatches)
				assert.Equal(t, h, s.DigestAlgorithm)
			})
		}
	}
}

// BenchmarkAuthentihash measures SHA-256 authentihash throughput on a PE
// header followed by random bytes and a certificate table.
func BenchmarkAuthentihash(b *testing.B) {
	hdr := readSample(b, "signed-mingw-console-x64.exe")[:0x400]
	for _, size := range []int{1 << 20, 8 << 20} {
		buf := make([]byte, size)
		copy(buf, hdr)
		_, _ = rand.Read(buf[len(hdr):])
		l := mustLayout(b, buf)
		l.CertTableOffset = uint32(size - 4096)
		l.CertTableSize = 4096
		binary.LittleEndian.PutUint32(buf[l.SecurityEntryOffset():], l.CertTableOffset)
		b.Run(fmt.Sprintf("%dMiB", size>>20), func(b *testing.B) {
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := AuthentihashSHA256(buf, l); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
