package authenticode

import (
	"encoding/binary"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// samplesDir holds the repository's sample binaries (testdata/README.md).
var samplesDir = filepath.Join("..", "..", "testdata", "pe")

// pkiDir holds the test PKI the signed samples were made with.
var pkiDir = filepath.Join("..", "..", "testdata", "pki")

// readSample returns a sample's bytes.
func readSample(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(samplesDir, name))
	require.NoError(t, err)
	return b
}

// readPEM returns the bytes of the first PEM block of the file at path.
func readPEM(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	blk, _ := pem.Decode(b)
	require.NotNil(t, blk, "no PEM block in %s", path)
	return blk.Bytes
}

// layoutOf is a tiny PE header reader: e_lfanew at 0x3c, the optional
// header magic at NT+24, data directory 4. ok is false when b is too short
// or not a PE.
func layoutOf(b []byte) (Layout, bool) {
	if len(b) < 0x40 || b[0] != 'M' || b[1] != 'Z' {
		return Layout{}, false
	}
	nt := int64(binary.LittleEndian.Uint32(b[0x3c:]))
	if nt+24+2 > int64(len(b)) || string(b[nt:nt+4]) != "PE\x00\x00" {
		return Layout{}, false
	}
	l := Layout{NTHeaderOffset: nt}
	switch binary.LittleEndian.Uint16(b[nt+24:]) {
	case 0x10b:
	case 0x20b:
		l.PE32Plus = true
	default:
		return Layout{}, false
	}
	sec := l.SecurityEntryOffset()
	if sec+8 > int64(len(b)) {
		return Layout{}, false
	}
	l.CertTableOffset = binary.LittleEndian.Uint32(b[sec:])
	l.CertTableSize = binary.LittleEndian.Uint32(b[sec+4:])
	return l, true
}

// mustLayout is layoutOf for well-formed samples.
func mustLayout(t testing.TB, b []byte) Layout {
	t.Helper()
	l, ok := layoutOf(b)
	require.True(t, ok, "not a PE")
	return l
}
