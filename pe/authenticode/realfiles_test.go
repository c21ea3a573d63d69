package authenticode_test

import (
	"crypto/x509"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/filerep/filerep/pe/authenticode"
	"github.com/filerep/filerep/pe/authenticode/roots"
)

// saferwallTestDir returns the test folder of the saferwall/pe module in
// the module cache (real signed Windows files that are not in this
// repository), or skips.
func saferwallTestDir(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		t.Skipf("go env GOMODCACHE: %v", err)
	}
	matches, _ := filepath.Glob(filepath.Join(strings.TrimSpace(string(out)), "github.com", "saferwall", "pe@*", "test"))
	if len(matches) == 0 {
		t.Skip("the saferwall/pe module's test folder is not in the module cache")
	}
	return matches[len(matches)-1]
}

// peLayout reads the few header values Parse needs.
func peLayout(t *testing.T, b []byte) authenticode.Layout {
	t.Helper()
	require.True(t, len(b) > 0x40 && b[0] == 'M' && b[1] == 'Z')
	nt := int64(binary.LittleEndian.Uint32(b[0x3c:]))
	require.Less(t, nt+26, int64(len(b)))
	l := authenticode.Layout{NTHeaderOffset: nt, PE32Plus: binary.LittleEndian.Uint16(b[nt+24:]) == 0x20b}
	sec := l.SecurityEntryOffset()
	l.CertTableOffset = binary.LittleEndian.Uint32(b[sec:])
	l.CertTableSize = binary.LittleEndian.Uint32(b[sec+4:])
	return l
}

// TestRealFilesDefaultRoots verifies real signed files with the default
// roots at the current time: Microsoft's at today's date or their
// timestamp's, PuTTY (certificate expired 2021-11-08, PKCS#9 timestamp
// 2019 chaining to Thawte Timestamping CA) and Brave (certificate expired
// 2020-07-16, PKCS#9 timestamp 2020-04 by DigiCert) at their timestamps.
func TestRealFilesDefaultRoots(t *testing.T) {
	dir := saferwallTestDir(t)
	tests := []struct {
		file string
		at   time.Time // the timestamp the chain is checked at
		kind authenticode.TimeSource
	}{
		{"kernel32.dll", time.Date(2021, 11, 2, 6, 43, 45, 13e6, time.UTC), authenticode.TimeSourceRFC3161},
		{"acpi.sys", time.Date(2019, 3, 18, 22, 46, 40, 329e6, time.UTC), authenticode.TimeSourceRFC3161},
		{"WdBoot.sys", time.Date(2019, 6, 21, 19, 46, 25, 801e6, time.UTC), authenticode.TimeSourceRFC3161},
		{"pwsh.exe", time.Date(2023, 4, 12, 18, 7, 4, 865e6, time.UTC), authenticode.TimeSourceRFC3161},
		{"mscorlib.dll", time.Date(2020, 10, 19, 19, 8, 41, 922e6, time.UTC), authenticode.TimeSourceRFC3161},
		{"SgrmEnclave_secure.dll", time.Date(2019, 5, 22, 5, 0, 0, 10e6, time.UTC), authenticode.TimeSourceRFC3161},
		{"amdxata.sys", time.Date(2019, 3, 19, 2, 30, 41, 781e6, time.UTC), authenticode.TimeSourceRFC3161},
		{"putty.exe", time.Date(2019, 9, 22, 9, 32, 50, 0, time.UTC), authenticode.TimeSourcePKCS9},
		{"brave.exe", time.Date(2020, 4, 11, 10, 33, 32, 0, time.UTC), authenticode.TimeSourcePKCS9},
	}
	opts := roots.Default().VerifyOptions()
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(dir, tt.file))
			if os.IsNotExist(err) {
				t.Skip("not in this version of the module")
			}
			require.NoError(t, err)
			sig, err := authenticode.Parse(b, peLayout(t, b))
			require.NoError(t, err)
			res, err := sig.Verify(opts)
			require.NoError(t, err)
			v := res.Signatures[0]
			assert.True(t, v.Verified)
			assert.True(t, v.UsedTimestamp)
			assert.Equal(t, tt.at, v.VerifiedAt)
			require.NotEmpty(t, v.Timestamps)
			assert.True(t, v.Timestamps[0].Trusted)
			assert.Equal(t, tt.kind, v.Timestamps[0].Kind)
			t.Logf("%s: verified at %s, chain to %q", tt.file, v.VerifiedAt.Format(time.RFC3339), v.Chain[len(v.Chain)-1].Subject.CommonName)

			// Without the timestamp's grace (checked today, expired
			// leaf), it fails with the reason said.
			if v.Chain[0].NotAfter.Before(time.Now()) {
				o := opts
				o.TimestampRoots, o.TimestampLegacyRoots = x509EmptyPool(), nil
				_, err := sig.Verify(o)
				require.Error(t, err)
				assert.ErrorIs(t, err, authenticode.ErrExpiredNoTimestamp)
			}
		})
	}
}

func x509EmptyPool() *x509.CertPool { return x509.NewCertPool() }
