package main

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/filerep/filerep/reputation"
	"github.com/filerep/filerep/reputation/store"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dirNames lists the names in dir.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	slices.Sort(names)
	return names
}

// readOnlyCommands are the commands that only look.
var readOnlyCommands = [][]string{
	{"stats"}, {"hash", algMD5}, {"name", "alg.exe"}, {"publisher", "CN=Microsoft Windows, O=Microsoft Corporation"},
}

// TestReadOnlyCommandsLeaveNoFiles: lookups leave no -wal or -shm file
// beside the knowledge base, whole or damaged.
func TestReadOnlyCommandsLeaveNoFiles(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "kb.sqlite")
	code, _, _ := kb(t, "", "-db", db, "create")
	require.Equal(t, 0, code)
	require.Equal(t, []string{"kb.sqlite"}, dirNames(t, dir), "create checkpoints and removes its WAL")
	for _, args := range readOnlyCommands {
		code, _, errs := kb(t, "", append([]string{"-db", db}, args...)...)
		assert.Equal(t, 0, code, "%q: %s", args, errs)
		assert.Equal(t, []string{"kb.sqlite"}, dirNames(t, dir), "after %q", args)
	}

	// Damage the second half of the file.
	b, err := os.ReadFile(db)
	require.NoError(t, err)
	for i := len(b) / 2; i < len(b); i++ {
		b[i] = 0xff
	}
	require.NoError(t, os.WriteFile(db, b, 0o644))
	for _, args := range readOnlyCommands {
		kb(t, "", append([]string{"-db", db}, args...)...)
		assert.Equal(t, []string{"kb.sqlite"}, dirNames(t, dir), "damaged, after %q", args)
	}
	after, err := os.ReadFile(db)
	require.NoError(t, err)
	assert.Equal(t, b, after, "the file is not modified")
}

// TestReadOnlyCommandsSeeWriter: while a writer has the knowledge base
// open (its -wal file exists), lookups read through the WAL and see what
// it committed.
func TestReadOnlyCommandsSeeWriter(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "kb.sqlite")
	code, _, _ := kb(t, "", "-db", db, "create", "-empty")
	require.Equal(t, 0, code)
	w, err := store.Open(db)
	require.NoError(t, err)
	defer w.Close()
	require.NoError(t, w.Update(t.Context(), func(tx reputation.Tx) error {
		return tx.PutFile(reputation.FileRecord{MD5: emptyMD5, Name: "written.exe", Source: "test", Trust: reputation.TrustBad})
	}))
	require.Contains(t, dirNames(t, dir), "kb.sqlite-wal")
	code, out, errs := kb(t, "", "-db", db, "hash", emptyMD5)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "written.exe")
}

// TestTextEscapesImportedStrings: names imported from a hash list are
// printed with their terminal controls escaped; -json keeps them.
func TestTextEscapesImportedStrings(t *testing.T) {
	db := filepath.Join(t.TempDir(), "kb.sqlite")
	code, _, _ := kb(t, "", "-db", db, "create", "-empty")
	require.Equal(t, 0, code)
	code, _, errs := kb(t, emptyMD5+" evil\x1b[2J\x07\u202eexe.txt\n", "-db", db, "import", "hashlist", "-")
	require.Equal(t, 0, code, errs)
	code, out, _ := kb(t, "", "-db", db, "hash", emptyMD5)
	require.Equal(t, 0, code)
	assert.Contains(t, out, `evil\x1b[2J\x07\u202eexe.txt`)
	assert.NotContains(t, out, "\x1b")
	assert.NotContains(t, out, "\u202e")
	_, out, _ = kb(t, "", "-db", db, "-json", "hash", emptyMD5)
	assert.Contains(t, out, `evil\u001b[2J\u0007`+"\u202e"+`exe.txt`)
}
