package filerep

import (
	"context"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/filerep/filerep/pe/authenticode/roots"
	"github.com/filerep/filerep/reputation"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// saferwallTestDir returns the test/ folder of the saferwall/pe module in
// the module cache: real Windows binaries, Microsoft-signed and others,
// that are not in this repository. The test is skipped without it.
func saferwallTestDir(t *testing.T) string {
	t.Helper()
	out, err := goListDir("github.com/saferwall/pe")
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	dir := filepath.Join(out, "test")
	if _, err := os.Stat(filepath.Join(dir, "kernel32.dll")); err != nil {
		t.Skipf("no saferwall/pe test files: %v", err)
	}
	return dir
}

// goListDir returns the folder of module mod in the module cache.
func goListDir(mod string) (string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", mod).Output()
	return strings.TrimSpace(string(out)), err
}

// TestGenuineSoftwareVerdicts runs the defaults (the embedded trust
// anchors, no flags) over real signed and unsigned Windows files, with no
// knowledge base and with a freshly seeded one, and checks what a user
// meets first: Microsoft-signed Windows files are safe or likely safe,
// validly signed third-party software is never suspicious, a tampered file
// is never safe, and an unsigned file claiming Microsoft with no catalogs
// to look in is unknown.
func TestGenuineSoftwareVerdicts(t *testing.T) {
	dir := saferwallTestDir(t)
	good := []Level{LevelSafe, LevelLikelySafe}
	notBad := []Level{LevelSafe, LevelLikelySafe, LevelUnknown}
	tests := []struct {
		file     string
		levels   []Level
		verified bool   // the embedded signature verifies
		at       string // VerifiedAt: the timestamp's time for an expired signer
	}{
		// Microsoft-signed (kernel32, acpi, WdBoot, SgrmEnclave and
		// amdxata under Root Certificate Authority 2010; pwsh and
		// mscorlib under 2011; WdfCoInstaller under the 2001 SHA-1
		// root). amdxata.sys was written by AMD: "Microsoft Windows"
		// vouches for it.
		{"kernel32.dll", good, true, ""},
		{"acpi.sys", good, true, ""},
		{"WdBoot.sys", good, true, ""},
		{"SgrmEnclave_secure.dll", good, true, ""},
		{"amdxata.sys", good, true, ""},
		{"pwsh.exe", good, true, ""},
		{"mscorlib.dll", good, true, ""},
		{"WdfCoInstaller01011.dll", good, true, ""},
		{"mfc140u.dll", good, true, ""},
		// Third-party, validly signed, certificates long expired: checked
		// at their timestamps.
		{"putty.exe", notBad, true, "2019-09-22T09:32:50Z"},
		{"brave.exe", notBad, true, "2020-04-11T10:33:32Z"},
		{"liblzo2-2.dll", notBad, true, ""},
		// Unsigned files that claim Microsoft or AMD: nothing here can
		// check the claim.
		{"D2D1Debug2.dll", []Level{LevelUnknown}, false, ""},
		{"amdi2c.sys", []Level{LevelUnknown}, false, ""},
		{"mfc40u.dll", []Level{LevelUnknown}, false, ""},
		// PuTTY with bytes changed after signing.
		{"putty_modified.exe", []Level{LevelSuspicious}, false, ""},
	}
	seeded := reputation.NewMemKB()
	require.NoError(t, reputation.Seed(context.Background(), seeded))
	for _, kb := range []struct {
		name string
		opts []Option
	}{{"no knowledge base", nil}, {"seeded knowledge base", []Option{WithKnowledgeBase(seeded)}}} {
		for _, tt := range tests {
			t.Run(kb.name+"/"+tt.file, func(t *testing.T) {
				rep, err := Analyze(context.Background(), filepath.Join(dir, tt.file), kb.opts...)
				require.NoError(t, err)
				require.NotNil(t, rep.Verdict)
				assert.Contains(t, tt.levels, rep.Verdict.Level, "%+v", rep.Verdict.Reasons)
				require.NotNil(t, rep.Signature)
				assert.Equal(t, tt.verified, rep.Signature.Verified, "%v", rep.Signature.Errors)
				if tt.at != "" {
					assert.Equal(t, tt.at, rep.Signature.VerifiedAt)
					assert.True(t, rep.Signature.TimestampTrusted)
				}
			})
		}
	}
}

// TestGenuineSoftwareWithoutAnchors: with no trust anchors (report -roots
// none) nothing verifies, and a Microsoft-signed file is unknown, not
// suspicious: the chain cannot be checked, which contradicts nothing.
func TestGenuineSoftwareWithoutAnchors(t *testing.T) {
	dir := saferwallTestDir(t)
	for _, f := range []string{"kernel32.dll", "amdxata.sys", "pwsh.exe"} {
		rep, err := Analyze(context.Background(), filepath.Join(dir, f), WithRoots())
		require.NoError(t, err)
		assert.False(t, rep.Signature.Verified)
		assert.Equal(t, LevelUnknown, rep.Verdict.Level, "%s: %+v", f, rep.Verdict.Reasons)
		assert.Contains(t, reasonDetails(rep), "no trust anchors were given")
	}
}

// TestGenuineEFIVerdicts: UEFI images signed under Microsoft's UEFI CA
// (shim) verify with the defaults, through the UEFI db authorities of the
// bundle. Real images are read from FILEREP_REALPE (a folder; .ci/run
// extracts Debian's shim-signed there) and skipped without it.
func TestGenuineEFIVerdicts(t *testing.T) {
	dir := os.Getenv("FILEREP_REALPE")
	if dir == "" {
		t.Skip("FILEREP_REALPE not set")
	}
	var files []string
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".efi.signed") {
			files = append(files, p)
		}
		return nil
	})
	if len(files) == 0 {
		t.Skipf("no *.efi.signed under %s", dir)
	}
	for _, f := range files {
		rep, err := Analyze(context.Background(), f)
		require.NoError(t, err)
		assert.Equal(t, "efi", string(rep.File.Kind), f)
		assert.True(t, rep.Signature.Verified, "%s: %v", f, rep.Signature.Errors)
		assert.Contains(t, rep.Signature.Root, "UEFI CA", f)
		assert.Contains(t, []Level{LevelSafe, LevelLikelySafe}, rep.Verdict.Level, "%s: %+v", f, rep.Verdict.Reasons)
		// The same image is not trusted by the Windows anchors alone.
		rep, err = Analyze(context.Background(), f, WithTrustAnchors(windowsOnly(t)))
		require.NoError(t, err)
		assert.False(t, rep.Signature.Verified, f)
	}
}

// windowsOnly is the default bundle without its UEFI db authorities.
func windowsOnly(t *testing.T) *roots.Bundle {
	t.Helper()
	var rows []roots.Row
	var pemData []byte
	for _, a := range roots.Default().Anchors() {
		if a.Purposes == roots.UEFI {
			continue
		}
		rows = append(rows, a.Row)
		pemData = append(pemData, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: a.Certificate.Raw})...)
	}
	b, err := roots.Load("test", pemData, rows)
	require.NoError(t, err)
	return b
}

// TestGenuineLegacyMicrosoftSignature: electron-winstaller's signtool.exe
// (npm, from FILEREP_REALPE) is a Windows 7-era Microsoft tool: its
// certificate expired in 2011, its PKCS#9 timestamp says 2010-03-19, and
// its SHA-1 chain ends in Microsoft Root Authority (1997), a root with no
// basicConstraints. It verifies at its timestamp and is not suspicious.
func TestGenuineLegacyMicrosoftSignature(t *testing.T) {
	dir := os.Getenv("FILEREP_REALPE")
	f := filepath.Join(dir, "npm", "electron-winstaller", "package", "vendor", "signtool.exe")
	if _, err := os.Stat(f); dir == "" || err != nil {
		t.Skip("no electron-winstaller signtool.exe under FILEREP_REALPE")
	}
	rep, err := Analyze(context.Background(), f)
	require.NoError(t, err)
	assert.True(t, rep.Signature.Verified, "%v", rep.Signature.Errors)
	assert.Equal(t, "2010-03-19T17:49:35Z", rep.Signature.VerifiedAt)
	assert.True(t, rep.Signature.TimestampTrusted)
	assert.Contains(t, rep.Signature.Root, "CN=Microsoft Root Authority")
	assert.Contains(t, []Level{LevelSafe, LevelLikelySafe}, rep.Verdict.Level, "%+v", rep.Verdict.Reasons)
}
