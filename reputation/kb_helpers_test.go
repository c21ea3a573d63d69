package reputation_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/filerep/filerep/reputation"
)

// The hashes of the empty input: real, well known, and handy in tests.
const (
	emptyMD5    = "d41d8cd98f00b204e9800998ecf8427e"
	emptySHA1   = "da39a3ee5e6b4b0d3255bfef95601890afd80709"
	emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)

func TestNormalizeHash(t *testing.T) {
	for _, c := range []struct {
		in   string
		alg  reputation.HashAlg
		want string
	}{
		{emptyMD5, reputation.MD5, emptyMD5},
		{" " + strings.ToUpper(emptySHA1) + "\n", reputation.SHA1, emptySHA1},
		{emptySHA256, reputation.SHA256, emptySHA256},
	} {
		alg, h, err := reputation.NormalizeHash(c.in)
		require.NoError(t, err)
		assert.Equal(t, c.alg, alg)
		assert.Equal(t, c.want, h)
		assert.Equal(t, len(h)/2, alg.Size())
	}
	for _, bad := range []string{"", "0", emptyMD5[:31], emptyMD5 + "0", "0x" + emptyMD5[2:], strings.Replace(emptySHA1, "a", "-", 1), emptyMD5[:16] + " " + emptyMD5[17:]} {
		_, _, err := reputation.NormalizeHash(bad)
		assert.ErrorIs(t, err, reputation.ErrBadHash, bad)
	}
	assert.Equal(t, "sha256", reputation.SHA256.String())
	assert.Equal(t, "HashAlg(9)", reputation.HashAlg(9).String())
	assert.Zero(t, reputation.HashAlg(9).Size())
}

func TestTrust(t *testing.T) {
	for s, want := range map[string]reputation.Trust{
		"known": reputation.TrustKnown, "known-good": reputation.TrustGood, "Good": reputation.TrustGood,
		" known-bad ": reputation.TrustBad, "bad": reputation.TrustBad,
	} {
		got, err := reputation.ParseTrust(s)
		require.NoError(t, err, s)
		assert.Equal(t, want, got)
	}
	_, err := reputation.ParseTrust("trusted")
	assert.ErrorIs(t, err, reputation.ErrInvalidRecord)
	assert.Equal(t, "known-bad", reputation.TrustBad.String())
	assert.Equal(t, "Trust(0)", reputation.Trust(0).String())

	b, err := json.Marshal(reputation.FileRecord{MD5: emptyMD5, Source: "s", Trust: reputation.TrustGood})
	require.NoError(t, err)
	assert.JSONEq(t, `{"md5":"`+emptyMD5+`","source":"s","trust":"known-good"}`, string(b))
	var r reputation.FileRecord
	require.NoError(t, json.Unmarshal(b, &r))
	assert.Equal(t, reputation.TrustGood, r.Trust)
	_, err = json.Marshal(reputation.FileRecord{Trust: 0})
	assert.ErrorIs(t, err, reputation.ErrInvalidRecord)
	assert.ErrorIs(t, json.Unmarshal([]byte(`{"trust":"maybe"}`), &r), reputation.ErrInvalidRecord)
}

func TestNormalizeName(t *testing.T) {
	for in, want := range map[string]string{
		"alg.exe":                      "alg.exe",
		`C:\Windows\System32\ALG.EXE`:  "alg.exe",
		"/mnt/c/Windows/explorer.exe ": "explorer.exe",
		"  Notepad.EXE":                "notepad.exe",
		`C:\dir\`:                      "",
		"":                             "",
	} {
		assert.Equal(t, want, reputation.NormalizeName(in), in)
	}
}

func TestNormalizePath(t *testing.T) {
	for in, want := range map[string]string{
		`C:\Windows\System32\alg.exe`:       `c:\windows\system32\alg.exe`,
		`c:/windows/system32/ALG.EXE`:       `c:\windows\system32\alg.exe`,
		`%SystemRoot%\System32\alg.exe`:     `c:\windows\system32\alg.exe`,
		`%windir%\explorer.exe`:             `c:\windows\explorer.exe`,
		`\SystemRoot\System32\smss.exe`:     `c:\windows\system32\smss.exe`,
		`\\?\C:\Windows\System32\lsass.exe`: `c:\windows\system32\lsass.exe`,
		`\??\C:\Windows\System32\csrss.exe`: `c:\windows\system32\csrss.exe`,
		`C:\Windows\Sysnative\alg.exe`:      `c:\windows\system32\alg.exe`,
		`C:\Windows\SysWOW64\cmd.exe`:       `c:\windows\syswow64\cmd.exe`,
		`C:\Windows\\System32\\\alg.exe\`:   `c:\windows\system32\alg.exe`,
		`\\server\share\x.exe`:              `\\server\share\x.exe`,
		`\\\server\\share`:                  `\\server\share`,
		`\\?\UNC\server\share\x.exe`:        `\\server\share\x.exe`,
		`%ProgramFiles%\App\a.exe`:          `c:\program files\app\a.exe`,
		`%ProgramFiles(x86)%\App\a.exe`:     `c:\program files (x86)\app\a.exe`,
		`%SystemRootX%\a.exe`:               `%systemrootx%\a.exe`,
		`C:\Windows\SysnativeX\a.exe`:       `c:\windows\sysnativex\a.exe`,
		"":                                  "",
		`\`:                                 "",
	} {
		assert.Equal(t, want, reputation.NormalizePath(in), in)
	}
}

func TestIsWindowsPath(t *testing.T) {
	for p, want := range map[string]bool{
		`C:\Windows\alg.exe`: true, `d:/x.exe`: true, `\\server\share\x`: true, `\\?\C:\x`: true,
		`%SystemRoot%\x.exe`: true, `%windir%`: true,
		`/mnt/c/Windows/alg.exe`: false, `alg.exe`: false, `relative\x.exe`: false, `C:x.exe`: false,
		`%notclosed\x`: false, `%%\x`: false, `1:\x`: false, "": false, `\\`: false,
	} {
		assert.Equal(t, want, reputation.IsWindowsPath(p), p)
	}
}

func TestSubjectCommonName(t *testing.T) {
	for in, want := range map[string]string{
		"Microsoft Windows":          "Microsoft Windows",
		"  Microsoft   Corporation ": "Microsoft Corporation",
		"CN=Microsoft Windows,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US":    "Microsoft Windows",
		"C=US, S=Washington, L=Redmond, O=Microsoft Corporation, CN=Microsoft Windows": "Microsoft Windows",
		`CN="Example, Inc.",O=Example`: "Example, Inc.",
		`CN=Example\, Inc.,O=Example`:  "Example, Inc.",
		"cn=lower case":                "lower case",
		"2.5.4.3=By OID,O=x":           "By OID",
		"O=No Common Name,C=US":        "O=No Common Name,C=US",
		"Example, Inc.":                "Example, Inc.",
		"A=B=C":                        "A=B=C",
	} {
		assert.Equal(t, want, reputation.SubjectCommonName(in), in)
	}
}

func TestCompareVersions(t *testing.T) {
	ordered := []string{"", "1", "1.0", "1.0.beta", "1.0.1", "1.2", "1.10", "6.1.7600.16385",
		"6.1.7600.16385 (win7_rtm.090713-1255)", "6.1.7601.17514", "10.0.19041.1"}
	for i := range ordered {
		for j := range ordered {
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			assert.Equal(t, want, reputation.CompareVersions(ordered[i], ordered[j]), "%q vs %q", ordered[i], ordered[j])
		}
	}
	assert.Zero(t, reputation.CompareVersions("1.0-RC", "1.0.rc"))
	assert.Equal(t, 1, reputation.CompareVersions("99999999999999999999999", "1"), "huge numbers compare as text, not crash")
}
