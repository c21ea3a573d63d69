package store_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/filerep/filerep/reputation"
	"github.com/filerep/filerep/reputation/store"
)

var hashListSeeds = []string{
	"",
	"\n",
	"# comment\n" + emptyMD5 + "\n",
	"\uFEFF" + emptySHA1 + "  name with spaces.exe\r\n",
	emptySHA256 + " *bin.dat",
	"not-a-hash\n12345\n",
	strings.ToUpper(emptyMD5) + "\t\t" + "tab.exe\n\n\n",
	emptyMD5 + " \xff\xfe\n",
	"\r\n\r\n" + emptySHA1,
}

func FuzzParseHashLine(f *testing.F) {
	for _, s := range hashListSeeds {
		for _, l := range strings.Split(s, "\n") {
			f.Add(l)
		}
	}
	f.Fuzz(func(t *testing.T, line string) {
		h, ok, err := store.ParseHashLine(line)
		if err != nil {
			require.False(t, ok)
			require.True(t, errors.Is(err, reputation.ErrBadHash) || errors.Is(err, reputation.ErrInvalidRecord), "%v", err)
			return
		}
		trimmed := strings.TrimSpace(strings.TrimPrefix(line, "\uFEFF"))
		if !ok {
			require.True(t, trimmed == "" || trimmed[0] == '#', "%q skipped", line)
			require.Equal(t, store.HashLine{}, h)
			return
		}
		require.Len(t, h.Hash, 2*h.Alg.Size())
		alg, again, err := reputation.NormalizeHash(h.Hash)
		require.NoError(t, err)
		require.Equal(t, h.Alg, alg)
		require.Equal(t, h.Hash, again)
		require.True(t, strings.HasPrefix(strings.ToLower(trimmed), h.Hash))
		require.Equal(t, strings.TrimSpace(h.Name), h.Name)
	})
}

func FuzzImportHashList(f *testing.F) {
	for _, s := range hashListSeeds {
		f.Add([]byte(s))
	}
	f.Add([]byte(strings.Join(hashListSeeds, "\n")))
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx := context.Background()
		kb := reputation.NewMemKB()
		res, err := store.ImportHashList(ctx, kb, bytes.NewReader(data), reputation.TrustBad,
			store.WithBatchSize(3), store.WithMaxBadLines(5))
		require.NoError(t, err)

		lines := bytes.Split(data, []byte("\n"))
		if len(lines[len(lines)-1]) == 0 {
			lines = lines[:len(lines)-1]
		}
		require.Equal(t, int64(len(lines)), res.Imported+res.Skipped+res.BadCount)
		require.LessOrEqual(t, len(res.Bad), 5)
		require.LessOrEqual(t, int64(len(res.Bad)), res.BadCount)
		prev := int64(0)
		for _, b := range res.Bad {
			require.Greater(t, b.Line, prev)
			require.LessOrEqual(t, b.Line, int64(len(lines)))
			require.LessOrEqual(t, len(b.Text), 120)
			require.True(t, utf8.ValidString(b.Text))
			prev = b.Line
		}
		// Every line that parses was imported and can be looked up.
		for _, l := range lines {
			if len(l) > 64<<10 {
				continue
			}
			h, ok, err := store.ParseHashLine(string(bytes.TrimRight(l, "\r")))
			if err != nil || !ok {
				continue
			}
			got, err := kb.Files(ctx, h.Hash)
			require.NoError(t, err, "line %q", l)
			require.Equal(t, reputation.TrustBad, got[0].Trust)
		}
	})
}
