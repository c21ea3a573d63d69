package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/filerep/filerep/reputation"
	"github.com/filerep/filerep/reputation/store"
)

// The hashes of the empty input: real, well known, and handy in hash lists.
const (
	emptyMD5    = "d41d8cd98f00b204e9800998ecf8427e"
	emptySHA1   = "da39a3ee5e6b4b0d3255bfef95601890afd80709"
	emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)

// The seed page's alg.exe.
const (
	algMD5    = "18a54e132947cd98fea9accc57f98f13"
	algSHA1   = "ef85636e8d5bb35bcbdc453fdd49a91b89ac2c74"
	algSHA256 = "9d39af972785e49f0dd12c4baef39a79cd69f098886bf152af1b7cce2e902115"
)

// kbs returns a fresh MemKB and a fresh Store, so that each importer test
// runs on both.
func kbs(t *testing.T) map[string]reputation.ReadWriter {
	s, _ := newStore(t)
	return map[string]reputation.ReadWriter{"mem": reputation.NewMemKB(), "store": s}
}

func TestImportHashList(t *testing.T) {
	list := "\uFEFF# known-bad samples\r\n" + // 1
		emptyMD5 + "  empty.txt\r\n" + // 2
		strings.ToUpper(emptySHA1) + "\n" + // 3
		emptySHA256 + " *empty file.bin\n" + // 4
		"\n" + // 5
		"not-a-hash\n" + // 6
		"12345 short.exe\n" + // 7
		"   # indented comment\n" + // 8
		emptyMD5 + "\tTabbed.txt\n" + // 9: replaces line 2 (same hash and source)
		emptySHA256 + "0 one digit too many\n" + // 10
		emptyMD5 + " bad \xff name" // 11, no final newline
	for kind, kb := range kbs(t) {
		t.Run(kind, func(t *testing.T) {
			ctx := context.Background()
			var progress []int64
			res, err := store.ImportHashList(ctx, kb, strings.NewReader(list), reputation.TrustBad,
				store.WithBatchSize(2), store.WithProgress(func(r store.ImportResult) {
					progress = append(progress, r.Imported)
				}))
			require.NoError(t, err)
			assert.Equal(t, int64(4), res.Imported)
			assert.Equal(t, int64(3), res.Skipped)
			assert.Equal(t, int64(4), res.BadCount)
			assert.Equal(t, int64(2), res.Batches)
			assert.Equal(t, []int64{2, 4}, progress)
			var lines []int64
			for _, b := range res.Bad {
				lines = append(lines, b.Line)
			}
			assert.Equal(t, []int64{6, 7, 10, 11}, lines)
			assert.Equal(t, "not-a-hash", res.Bad[0].Text)
			assert.Contains(t, res.Bad[0].Reason, "bad hash")
			assert.Contains(t, res.Bad[3].Reason, "UTF-8")

			got, err := kb.Files(ctx, emptyMD5)
			require.NoError(t, err)
			assert.Equal(t, []reputation.FileRecord{{MD5: emptyMD5, Name: "Tabbed.txt", Source: "hashlist", Trust: reputation.TrustBad}}, got)
			got, err = kb.Files(ctx, emptySHA1)
			require.NoError(t, err)
			assert.Equal(t, []reputation.FileRecord{{SHA1: emptySHA1, Source: "hashlist", Trust: reputation.TrustBad}}, got)
			got, err = kb.Files(ctx, emptySHA256)
			require.NoError(t, err)
			assert.Equal(t, "empty file.bin", got[0].Name)
		})
	}
}

func TestImportHashListOptions(t *testing.T) {
	ctx := context.Background()
	kb := reputation.NewMemKB()
	_, err := store.ImportHashList(ctx, kb, strings.NewReader(""), 0)
	assert.ErrorIs(t, err, reputation.ErrInvalidRecord)
	_, err = store.ImportHashList(ctx, kb, strings.NewReader(""), reputation.TrustGood, store.WithBatchSize(0))
	assert.Error(t, err)
	_, err = store.ImportHashList(ctx, kb, strings.NewReader(""), reputation.TrustGood, store.WithSource(" "))
	assert.Error(t, err)
	_, err = store.ImportHashList(ctx, kb, strings.NewReader(""), reputation.TrustGood, store.WithMaxBadLines(-1))
	assert.Error(t, err)
	_, err = store.ImportHashList(ctx, kb, strings.NewReader(""), reputation.TrustGood, store.WithTrust(7))
	assert.Error(t, err)

	// Source, the bad-line cap, and a line too long to keep.
	list := "x\ny\n" + strings.Repeat("a", 70000) + "\n" + emptySHA1 + " after\n"
	res, err := store.ImportHashList(ctx, kb, strings.NewReader(list), reputation.TrustGood,
		store.WithSource("vendor-list"), store.WithMaxBadLines(1))
	require.NoError(t, err)
	assert.Equal(t, int64(3), res.BadCount)
	require.Len(t, res.Bad, 1)
	assert.Equal(t, int64(1), res.Imported)
	got, err := kb.Files(ctx, emptySHA1)
	require.NoError(t, err)
	assert.Equal(t, "vendor-list", got[0].Source)
	assert.Equal(t, "after", got[0].Name)

	// The too-long line is reported with its number and a short excerpt.
	res, err = store.ImportHashList(ctx, kb, strings.NewReader(list), reputation.TrustGood)
	require.NoError(t, err)
	require.Len(t, res.Bad, 3)
	assert.Equal(t, int64(3), res.Bad[2].Line)
	assert.Contains(t, res.Bad[2].Reason, "longer than")
	assert.Len(t, res.Bad[2].Text, 120)
}

// failingReader returns its data, then an error.
type failingReader struct {
	data []byte
	err  error
}

func (r *failingReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestImportStopsOnError(t *testing.T) {
	ctx := context.Background()
	var list strings.Builder
	for i := range 25 {
		fmt.Fprintln(&list, testHash(fmt.Sprint("stop-", i)))
	}
	boom := errors.New("disk gone")
	kb := reputation.NewMemKB()
	res, err := store.ImportHashList(ctx, kb, &failingReader{data: []byte(list.String()), err: boom},
		reputation.TrustKnown, store.WithBatchSize(10))
	assert.ErrorIs(t, err, boom)
	// Two full batches were committed before the reader failed; the
	// third, unfinished, was not.
	assert.Equal(t, int64(20), res.Imported)
	st, err := kb.Stats(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(20), st.Files)

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = store.ImportHashList(cctx, kb, strings.NewReader(list.String()), reputation.TrustKnown)
	assert.ErrorIs(t, err, context.Canceled)
}

func TestParseHashLine(t *testing.T) {
	for _, c := range []struct {
		in   string
		want store.HashLine
		ok   bool
		bad  bool
	}{
		{in: "", ok: false},
		{in: "   ", ok: false},
		{in: "# x", ok: false},
		{in: "\uFEFF#x", ok: false},
		{in: emptyMD5, want: store.HashLine{Alg: reputation.MD5, Hash: emptyMD5}, ok: true},
		{in: " " + strings.ToUpper(emptySHA256) + "\t a b.exe \r", want: store.HashLine{Alg: reputation.SHA256, Hash: emptySHA256, Name: "a b.exe"}, ok: true},
		{in: emptySHA1 + " *x.bin", want: store.HashLine{Alg: reputation.SHA1, Hash: emptySHA1, Name: "x.bin"}, ok: true},
		{in: emptySHA1 + " # not a comment", want: store.HashLine{Alg: reputation.SHA1, Hash: emptySHA1, Name: "# not a comment"}, ok: true},
		{in: emptySHA1 + ",x.bin", bad: true},
		{in: "SHA256 (x) = " + emptySHA256, bad: true},
		{in: strings.Repeat("g", 32), bad: true},
	} {
		got, ok, err := store.ParseHashLine(c.in)
		if c.bad {
			assert.Error(t, err, c.in)
			continue
		}
		require.NoError(t, err, c.in)
		assert.Equal(t, c.ok, ok, c.in)
		assert.Equal(t, c.want, got, c.in)
	}
}

// algReport is a FileReport line as examples/report -json writes it, with
// keys the importer ignores.
const algReport = `{"schema":"filerep/v1","file":{"name":"alg.exe","path":"C:\\Windows\\System32\\alg.exe","size":59392,"kind":"exe"},` +
	`"hashes":{"md5":"` + algMD5 + `","sha1":"` + algSHA1 + `","sha256":"` + algSHA256 + `","blake3":"","imphash":""},` +
	`"version_info":{"company_name":"Microsoft Corporation","file_description":"Application Layer Gateway Service",` +
	`"product_name":"Microsoft® Windows® Operating System","file_version":"6.1.7600.16385 (win7_rtm.090713-1255)",` +
	`"tables":[{"lang_codepage":"040904b0","strings":{"CompanyName":"Microsoft Corporation"}}]},` +
	`"dna":{"machine":"x86","entropy":6.353134},"sections":[{"name":".text"}],"anomalies":["x: y"]}`

func TestImportReports(t *testing.T) {
	lines := []string{
		algReport, // 1
		strings.Replace(algReport, `C:\\Windows\\System32\\alg.exe`, `/mnt/c/Windows/System32/alg.exe`, 1),         // 2: not a Windows path
		`{"schema":"filerep/v1","file":{"name":"gone.exe","path":"C:\\gone.exe"},"errors":["open: no such file"]}`, // 3: no hashes
		`not json`, // 4
		`{"file":{"name":"x.exe"},"hashes":{"sha256":"xyz"}}`, // 5
		``, // 6
		`{"file":{"path":"D:\\Tools\\Tool.EXE"},"hashes":{"md5":"` + emptyMD5 + `","sha256":"` + emptySHA256 + `"}}`,                     // 7: no version info, name from path
		strings.Replace(algReport, `C:\\Windows\\System32\\alg.exe`, `c:/windows/system32/ALG.EXE`, 1),                                   // 8: same path, other spelling
		`{"file":{"name":"v.exe","path":"relative\\v.exe"},"hashes":{"sha1":"` + emptySHA1 + `"},"version_info":{"file_version":"1.0"}}`, // 9: version without sha256
	}
	for kind, kb := range kbs(t) {
		t.Run(kind, func(t *testing.T) {
			ctx := context.Background()
			res, err := store.ImportReports(ctx, kb, strings.NewReader(strings.Join(lines, "\n")+"\n"), store.WithBatchSize(3))
			require.NoError(t, err)
			assert.Equal(t, int64(5), res.Imported)
			assert.Equal(t, int64(2), res.Skipped)
			assert.Equal(t, int64(2), res.BadCount)
			require.Len(t, res.Bad, 2)
			assert.Equal(t, int64(4), res.Bad[0].Line)
			assert.Equal(t, int64(5), res.Bad[1].Line)
			assert.Contains(t, res.Bad[0].Reason, "not a JSON report")
			assert.Contains(t, res.Bad[1].Reason, "bad hash")

			got, err := kb.Files(ctx, algSHA1)
			require.NoError(t, err)
			assert.Equal(t, []reputation.FileRecord{{
				MD5: algMD5, SHA1: algSHA1, SHA256: algSHA256, Name: "alg.exe",
				Product: "Microsoft® Windows® Operating System", Version: "6.1.7600.16385 (win7_rtm.090713-1255)",
				Publisher: "Microsoft Corporation", Source: "report", Trust: reputation.TrustKnown,
			}}, got)
			tp, err := kb.TypicalPaths(ctx, "ALG.EXE")
			require.NoError(t, err)
			assert.Equal(t, []reputation.PathCount{{Path: `C:\Windows\System32\alg.exe`, Count: 2, Share: 1}}, tp.Paths)
			assert.False(t, tp.System, "a report does not make a system file")
			vs, err := kb.Versions(ctx, "alg.exe")
			require.NoError(t, err)
			assert.Equal(t, []reputation.VersionRecord{{Name: "alg.exe", Version: "6.1.7600.16385 (win7_rtm.090713-1255)",
				Product: "Microsoft® Windows® Operating System", SHA256: algSHA256, Source: "report"}}, vs)

			got, err = kb.Files(ctx, emptySHA256)
			require.NoError(t, err)
			assert.Equal(t, "Tool.EXE", got[0].Name)
			tp, err = kb.TypicalPaths(ctx, "tool.exe")
			require.NoError(t, err)
			assert.Equal(t, `D:\Tools\Tool.EXE`, tp.Paths[0].Path)
			_, err = kb.Versions(ctx, "v.exe")
			assert.ErrorIs(t, err, reputation.ErrNotFound)
			_, err = kb.TypicalPaths(ctx, "v.exe")
			assert.ErrorIs(t, err, reputation.ErrNotFound)
		})
	}
}
