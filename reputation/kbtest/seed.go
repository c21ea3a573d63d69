package kbtest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/filerep/filerep/reputation"
)

// The seed page's alg.exe, which the seed records.
const (
	algMD5    = "18a54e132947cd98fea9accc57f98f13"
	algSHA1   = "ef85636e8d5bb35bcbdc453fdd49a91b89ac2c74"
	algSHA256 = "9d39af972785e49f0dd12c4baef39a79cd69f098886bf152af1b7cce2e902115"
)

// CheckSeed checks what the seed embedded in package reputation
// ([reputation.Seed]) must provide, on any knowledge base seeded with it:
// the alg.exe record of the seed page, the typical paths and relationships
// of well-known Windows system files, and the two Microsoft publishers by
// subject only.
func CheckSeed(t *testing.T, kb reputation.KnowledgeBase) {
	t.Helper()
	ctx := context.Background()
	for _, h := range []string{algMD5, algSHA1, algSHA256} {
		got, err := kb.Files(ctx, h)
		require.NoError(t, err)
		assert.Equal(t, []reputation.FileRecord{{
			MD5: algMD5, SHA1: algSHA1, SHA256: algSHA256, Name: "alg.exe",
			Product: "Microsoft® Windows® Operating System", Version: "6.1.7600.16385 (win7_rtm.090713-1255)",
			Publisher: "Microsoft Corporation", Source: "seed", Trust: reputation.TrustGood,
		}}, got)
	}
	tp, err := kb.TypicalPaths(ctx, "ALG.exe")
	require.NoError(t, err)
	assert.True(t, tp.System)
	assert.Equal(t, []reputation.PathCount{{Path: `C:\Windows\System32\alg.exe`}}, tp.Paths)
	assert.True(t, tp.Typical(`%windir%\system32\alg.exe`))
	assert.False(t, tp.Typical(`C:\Users\Public\alg.exe`))

	rel, err := kb.Relationships(ctx, "alg.exe")
	require.NoError(t, err)
	assert.Equal(t, []string{"services.exe"}, rel.Parents)
	assert.Contains(t, rel.Modules, "sechost.dll")

	vs, err := kb.Versions(ctx, "alg.exe")
	require.NoError(t, err)
	require.Len(t, vs, 1)
	assert.Equal(t, algSHA256, vs[0].SHA256)
	assert.Equal(t, "6.1.7600.16385 (win7_rtm.090713-1255)", vs[0].Version)

	for name, path := range map[string]string{
		"svchost.exe":  `C:\Windows\System32\svchost.exe`,
		"services.exe": `C:\Windows\System32\services.exe`,
		"lsass.exe":    `C:\Windows\System32\lsass.exe`,
		"csrss.exe":    `C:\Windows\System32\csrss.exe`,
		"winlogon.exe": `C:\Windows\System32\winlogon.exe`,
		"explorer.exe": `C:\Windows\explorer.exe`,
		"smss.exe":     `C:\Windows\System32\smss.exe`,
		"spoolsv.exe":  `C:\Windows\System32\spoolsv.exe`,
		"taskhost.exe": `C:\Windows\System32\taskhost.exe`,
	} {
		tp, err := kb.TypicalPaths(ctx, name)
		require.NoError(t, err, name)
		assert.True(t, tp.System, name)
		assert.True(t, tp.Typical(path), name)
		assert.False(t, tp.Typical(`C:\Users\x\AppData\Local\Temp\`+name), name)
	}

	for _, subj := range []string{"Microsoft Windows", "Microsoft Corporation", "CN=Microsoft Windows, O=Microsoft Corporation, L=Redmond, S=Washington, C=US"} {
		p, err := kb.Publisher(ctx, subj, "")
		require.NoError(t, err, subj)
		assert.Empty(t, p.Thumbprint, "the seed pins no thumbprints")
		assert.NotEmpty(t, p.Note)
	}
	_, err = kb.Publisher(ctx, "Microsoft Windows Hardware Compatibility Publisher Spoof", "")
	assert.ErrorIs(t, err, reputation.ErrNotFound)
}
