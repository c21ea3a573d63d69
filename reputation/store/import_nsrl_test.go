package store_test

import (
	"context"
	"crypto/md5"
	"crypto/sha1"
	"database/sql"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/filerep/filerep/reputation"
	"github.com/filerep/filerep/reputation/store"
)

// nsrlSchema is the table layout of an NSRL RDS v3 database (its
// schema.sql): FILE's primary key starts with sha256.
const nsrlSchema = `
CREATE TABLE FILE (
 sha256     VARCHAR NOT NULL,
 sha1       VARCHAR NOT NULL,
 md5        VARCHAR NOT NULL,
 crc32      VARCHAR NOT NULL,
 file_name  VARCHAR NOT NULL,
 file_size  INTEGER NOT NULL,
 package_id INTEGER NOT NULL,
 CONSTRAINT PK_FILE__FILE PRIMARY KEY (sha256, sha1, md5, crc32, file_name, file_size, package_id)
);
CREATE TABLE MFG (
 manufacturer_id INTEGER NOT NULL,
 name            VARCHAR NOT NULL,
 CONSTRAINT PK_MFG__MFG_ID PRIMARY KEY (manufacturer_id)
);
CREATE TABLE OS (
 operating_system_id INTEGER NOT NULL,
 name                VARCHAR NOT NULL,
 version             VARCHAR NOT NULL,
 manufacturer_id     INTEGER NOT NULL,
 CONSTRAINT PK_OS__OS_ID PRIMARY KEY (operating_system_id, manufacturer_id)
);
CREATE TABLE PKG (
 package_id          INTEGER NOT NULL,
 name                VARCHAR NOT NULL,
 version             VARCHAR NOT NULL,
 operating_system_id INTEGER NOT NULL,
 manufacturer_id     INTEGER NOT NULL,
 language            VARCHAR NOT NULL,
 application_type    VARCHAR NOT NULL,
 CONSTRAINT PK_PGK__PKG_ID PRIMARY KEY (package_id, operating_system_id, manufacturer_id, language, application_type)
);
CREATE TABLE VERSION (
 version      VARCHAR UNIQUE NOT NULL,
 build_set    VARCHAR NOT NULL,
 build_date   TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL,
 release_date TIMESTAMP NOT NULL,
 description  VARCHAR NOT NULL,
 CONSTRAINT PK_VERSION__VERSION PRIMARY KEY (version)
);
CREATE VIEW DISTINCT_HASH AS SELECT DISTINCT sha256, sha1, md5, crc32 FROM FILE;
`

type nsrlFile struct {
	sha256, sha1, md5, name string
	pkg                     int
}

// nsrlHashes derives a test file's three hashes from a label, upper-case
// as the RDS writes them. They are digests of the label, not of a file.
func nsrlHashes(label string) (string, string, string) {
	m, s := md5.Sum([]byte(label)), sha1.Sum([]byte(label))
	return strings.ToUpper(testHash(label)), strings.ToUpper(hex.EncodeToString(s[:])), strings.ToUpper(hex.EncodeToString(m[:]))
}

func nsrlFixture() []nsrlFile {
	var fs []nsrlFile
	// alg.exe from the seed page, in two packages: one record, from the
	// first package.
	fs = append(fs,
		nsrlFile{strings.ToUpper(algSHA256), strings.ToUpper(algSHA1), strings.ToUpper(algMD5), "alg.exe", 1},
		nsrlFile{strings.ToUpper(algSHA256), strings.ToUpper(algSHA1), strings.ToUpper(algMD5), "ALG.EXE", 2},
	)
	for i := range 40 {
		a, b, c := nsrlHashes(fmt.Sprint("nsrl-", i))
		fs = append(fs, nsrlFile{a, b, c, fmt.Sprintf("file%02d.dll", i), 2})
	}
	a, b, c := nsrlHashes("orphan")
	fs = append(fs, nsrlFile{a, b, c, "orphan.sys", 99}) // no such package
	a, _, c = nsrlHashes("bad")
	fs = append(fs, nsrlFile{a, "NOT-A-SHA1", c, "bad.bin", 1})
	return fs
}

// newNSRL writes an RDS v3 database holding files. Without pk, FILE has no
// primary key, so reading it in sha256 order would need a sort.
func newNSRL(t testing.TB, files []nsrlFile, pk bool) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "RDS_test_modern_minimal.db")
	db, err := sql.Open("sqlite", p)
	require.NoError(t, err)
	defer db.Close()
	schema := nsrlSchema
	if !pk {
		schema = strings.Replace(schema, ",\n CONSTRAINT PK_FILE__FILE PRIMARY KEY (sha256, sha1, md5, crc32, file_name, file_size, package_id)", "", 1)
	}
	_, err = db.Exec(schema)
	require.NoError(t, err)
	tx, err := db.Begin()
	require.NoError(t, err)
	for _, q := range []string{
		`INSERT INTO MFG VALUES (10, 'Microsoft Corporation'), (11, 'Example Software')`,
		`INSERT INTO OS VALUES (1, 'Windows 7', '6.1', 10)`,
		`INSERT INTO PKG VALUES (1, 'Windows 7 Ultimate', '6.1.7600', 1, 10, 'English', 'Operating System')`,
		`INSERT INTO PKG VALUES (1, 'Windows 7 Ultimate', '6.1.7600', 1, 10, 'French', 'Operating System')`,
		`INSERT INTO PKG VALUES (2, 'Example Suite', '2.0', 1, 11, 'English', 'Utility')`,
		`INSERT INTO VERSION VALUES ('2024.12.1', 'Modern Minimal', '2024-12-01', '2024-12-01', 'test set')`,
	} {
		_, err := tx.Exec(q)
		require.NoError(t, err, q)
	}
	st, err := tx.Prepare(`INSERT INTO FILE VALUES (?, ?, ?, '00000000', ?, 1024, ?)`)
	require.NoError(t, err)
	for _, f := range files {
		_, err := st.Exec(f.sha256, f.sha1, f.md5, f.name, f.pkg)
		require.NoError(t, err)
	}
	require.NoError(t, st.Close())
	require.NoError(t, tx.Commit())
	return p
}

func TestImportNSRL(t *testing.T) {
	fx := nsrlFixture()
	for _, pk := range []bool{true, false} {
		path := newNSRL(t, fx, pk)
		for kind, kb := range kbs(t) {
			t.Run(fmt.Sprintf("%s/pk=%v", kind, pk), func(t *testing.T) {
				ctx := context.Background()
				res, err := store.ImportNSRL(ctx, kb, path, store.WithBatchSize(8))
				require.NoError(t, err)
				assert.Equal(t, int64(1), res.BadCount)
				require.Len(t, res.Bad, 1)
				assert.Contains(t, res.Bad[0].Reason, "bad hash")
				assert.Contains(t, res.Bad[0].Text, "NOT-A-SHA1")
				assert.Positive(t, res.Bad[0].Line)
				// Read in sha256 order, with the index or by a sort
				// without it: the second alg.exe row is a duplicate,
				// skipped.
				assert.Equal(t, int64(42), res.Imported)
				assert.Equal(t, int64(1), res.Skipped)
				assert.Equal(t, (res.Imported+7)/8, res.Batches)

				got, err := kb.Files(ctx, algMD5)
				require.NoError(t, err)
				require.Len(t, got, 1)
				// The first copy in sha256 order: same hashes, so by name;
				// "ALG.EXE" sorts before "alg.exe".
				assert.Equal(t, reputation.FileRecord{MD5: algMD5, SHA1: algSHA1, SHA256: algSHA256, Name: "ALG.EXE",
					Product: "Example Suite", Version: "2.0", Publisher: "Example Software", Source: "nsrl", Trust: reputation.TrustKnown}, got[0])
				_, s1, _ := nsrlHashes("nsrl-7")
				got, err = kb.Files(ctx, s1)
				require.NoError(t, err)
				assert.Equal(t, "file07.dll", got[0].Name)
				assert.Equal(t, "Example Suite", got[0].Product)
				assert.Equal(t, "Example Software", got[0].Publisher)

				a, _, _ := nsrlHashes("orphan")
				got, err = kb.Files(ctx, a)
				require.NoError(t, err)
				_, b, c := nsrlHashes("orphan")
				assert.Equal(t, reputation.FileRecord{SHA256: strings.ToLower(a), SHA1: strings.ToLower(b), MD5: strings.ToLower(c),
					Name: "orphan.sys", Source: "nsrl", Trust: reputation.TrustKnown}, got[0])
				a, _, _ = nsrlHashes("bad")
				_, err = kb.Files(ctx, a)
				assert.ErrorIs(t, err, reputation.ErrNotFound)
			})
		}
	}
}

func TestImportNSRLPackages(t *testing.T) {
	// Package 1 has two rows (English, French); the first in key order is
	// used.
	a, b, c := nsrlHashes("pkg1")
	path := newNSRL(t, []nsrlFile{{a, b, c, "p.exe", 1}}, true)
	kb := reputation.NewMemKB()
	_, err := store.ImportNSRL(context.Background(), kb, path, store.WithTrust(reputation.TrustGood), store.WithSource("nsrl-2024.12"))
	require.NoError(t, err)
	got, err := kb.Files(context.Background(), c)
	require.NoError(t, err)
	assert.Equal(t, reputation.FileRecord{SHA256: strings.ToLower(a), SHA1: strings.ToLower(b), MD5: strings.ToLower(c), Name: "p.exe",
		Product: "Windows 7 Ultimate", Version: "6.1.7600", Publisher: "Microsoft Corporation", Source: "nsrl-2024.12", Trust: reputation.TrustGood}, got[0])
}

// Rows of PKG and FILE with values of the wrong type: the FILE row is bad,
// the package row is left out, and the import goes on.
func TestImportNSRLOddRows(t *testing.T) {
	a, b, c := nsrlHashes("odd")
	path := rawSQLite(t,
		"CREATE TABLE FILE(sha256 TEXT, sha1 TEXT, md5 TEXT, file_name TEXT, package_id)",
		"CREATE TABLE PKG(package_id, name TEXT, version TEXT, manufacturer_id)",
		"CREATE TABLE MFG(manufacturer_id, name TEXT)",
		"INSERT INTO MFG VALUES ('ten', 'Nobody'), (10, 'Example Software')",
		"INSERT INTO PKG VALUES ('one', 'Odd', '1', 10), (2, 'Even', '2', 'ten'), (3, 'Three', '3', 10)",
		fmt.Sprintf("INSERT INTO FILE VALUES ('%s', '%s', '%s', 'a.exe', 'one'), ('%s', NULL, NULL, 'b.exe', 3), (NULL, NULL, NULL, 'c.exe', 2)", a, b, c, testHash("odd-b")),
	)
	kb := reputation.NewMemKB()
	res, err := store.ImportNSRL(context.Background(), kb, path)
	require.NoError(t, err)
	assert.Equal(t, int64(1), res.Imported)
	assert.Equal(t, int64(2), res.BadCount)
	got, err := kb.Files(context.Background(), testHash("odd-b"))
	require.NoError(t, err)
	assert.Equal(t, reputation.FileRecord{SHA256: testHash("odd-b"), Name: "b.exe", Product: "Three", Version: "3",
		Publisher: "Example Software", Source: "nsrl", Trust: reputation.TrustKnown}, got[0])
}

func TestImportNSRLForeign(t *testing.T) {
	ctx := context.Background()
	kb := reputation.NewMemKB()
	for what, p := range map[string]string{
		"text":     writeFile(t, "x.txt", []byte("hello\n")),
		"no FILE":  rawSQLite(t, "CREATE TABLE PKG(package_id INTEGER, name TEXT)"),
		"our kb":   func() string { _, p := newStore(t); return p }(),
		"FILE cut": rawSQLite(t, "CREATE TABLE FILE(sha256 TEXT, md5 TEXT)"),
	} {
		_, err := store.ImportNSRL(ctx, kb, p)
		assert.ErrorIs(t, err, reputation.ErrForeign, "%s: %v", what, err)
	}
}

// The knowledge base round-trips an NSRL import: every distinct file of the
// RDS is found by each of its hashes in a reopened store.
func TestNSRLRoundTrip(t *testing.T) {
	fx := nsrlFixture()
	path := newNSRL(t, fx, true)
	s, kbPath := newStore(t)
	ctx := context.Background()
	_, err := store.ImportNSRL(ctx, s, path)
	require.NoError(t, err)
	require.NoError(t, s.Close())
	ro, err := store.Open(kbPath, store.WithReadOnly())
	require.NoError(t, err)
	defer ro.Close()
	for _, f := range fx {
		if f.sha1 == "NOT-A-SHA1" {
			continue
		}
		for _, h := range []string{f.sha256, f.sha1, f.md5} {
			got, err := ro.Files(ctx, h)
			require.NoError(t, err, f.name)
			require.Len(t, got, 1)
			assert.Equal(t, strings.ToLower(f.sha256), got[0].SHA256)
			assert.Equal(t, strings.ToLower(f.sha1), got[0].SHA1)
			assert.Equal(t, strings.ToLower(f.md5), got[0].MD5)
		}
	}
	st, err := ro.Stats(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(42), st.Files)
}

// The same for a hash list.
func TestHashListRoundTrip(t *testing.T) {
	s, kbPath := newStore(t)
	ctx := context.Background()
	var list strings.Builder
	var want []string
	for i := range 300 {
		h := testHash(fmt.Sprint("rt-", i))
		switch i % 3 {
		case 1:
			h = h[:40]
		case 2:
			h = h[:32]
		}
		want = append(want, h)
		fmt.Fprintf(&list, "%s name-%d.exe\n", strings.ToUpper(h), i)
	}
	res, err := store.ImportHashList(ctx, s, strings.NewReader(list.String()), reputation.TrustBad, store.WithBatchSize(64))
	require.NoError(t, err)
	assert.Equal(t, int64(300), res.Imported)
	assert.Equal(t, int64(5), res.Batches)
	require.NoError(t, s.Close())
	ro, err := store.Open(kbPath, store.WithReadOnly())
	require.NoError(t, err)
	defer ro.Close()
	for i, h := range want {
		got, err := ro.Files(ctx, h)
		require.NoError(t, err)
		assert.Equal(t, fmt.Sprintf("name-%d.exe", i), got[0].Name)
		assert.Equal(t, reputation.TrustBad, got[0].Trust)
	}
}

// A damaged RDS gives an error wrapping ErrCorrupt (or, when the damage
// misses what the import reads, a partial result), never a panic or a
// bare SQLite error.
func TestImportNSRLCorrupt(t *testing.T) {
	ctx := context.Background()
	garbage := make([]byte, 16384)
	r := rand.New(rand.NewPCG(9, 10))
	for i := range garbage {
		garbage[i] = byte(r.Uint32())
	}
	copy(garbage, "SQLite format 3\x00")
	_, err := store.ImportNSRL(ctx, reputation.NewMemKB(), writeFile(t, "garbage.db", garbage))
	assert.ErrorIs(t, err, reputation.ErrCorrupt, "%v", err)

	var files []nsrlFile
	for i := range 3000 {
		a, b, c := nsrlHashes(fmt.Sprint("damaged-", i))
		files = append(files, nsrlFile{a, b, c, fmt.Sprintf("file%04d.dll", i), 1})
	}
	pristine, err := os.ReadFile(newNSRL(t, files, true))
	require.NoError(t, err)
	require.Greater(t, len(pristine), 32*4096)
	for _, start := range []int{1, 4, 16} {
		b := append([]byte(nil), pristine...)
		for off := start * 4096; off+4096 <= len(b); off += 7 * 4096 {
			for i := off; i < off+4096; i++ {
				b[i] = byte(r.Uint32())
			}
		}
		kb := reputation.NewMemKB()
		res, err := store.ImportNSRL(ctx, kb, writeFile(t, fmt.Sprintf("damaged-%d.db", start), b))
		if err != nil {
			assert.ErrorIs(t, err, reputation.ErrCorrupt, "damage from page %d: %v", start+1, err)
		}
		st, serr := kb.Stats(ctx)
		require.NoError(t, serr)
		assert.Equal(t, res.Imported, st.Files, "damage from page %d: the result counts what was committed", start+1)
		t.Logf("damage from page %d: %+v, %v", start+1, res, err)
	}
}

// Rows whose sha256 differ only in case or surrounding white space are one
// file: the first row read is imported whole (its SHA-1 and MD5 with it),
// later ones are skipped, with or without FILE's primary key.
func TestImportNSRLHashSpelling(t *testing.T) {
	up, _, _ := nsrlHashes("spelled")
	rows := []nsrlFile{
		{strings.ToLower(up), strings.Repeat("2", 40), strings.Repeat("2", 32), "lower.exe", 2},
		{up, strings.Repeat("1", 40), strings.Repeat("1", 32), "upper.exe", 1},
		{" " + up, strings.Repeat("3", 40), strings.Repeat("3", 32), "space.exe", 2},
		{"\u00a0" + up + "\t", strings.Repeat("4", 40), strings.Repeat("4", 32), "nbsp.exe", 2},
		{up[:60] + strings.ToLower(up[60:]), strings.Repeat("5", 40), strings.Repeat("5", 32), "mixed.exe", 2},
	}
	other, s1, m5 := nsrlHashes("other")
	rows = append(rows, nsrlFile{other, s1, m5, "other.exe", 1}, nsrlFile{strings.ToLower(other), s1, m5, "other-again.exe", 1})
	for _, pk := range []bool{true, false} {
		path := newNSRL(t, rows, pk)
		for kind, kb := range kbs(t) {
			t.Run(fmt.Sprintf("%s/pk=%v", kind, pk), func(t *testing.T) {
				ctx := context.Background()
				res, err := store.ImportNSRL(ctx, kb, path, store.WithBatchSize(2))
				require.NoError(t, err)
				assert.Equal(t, int64(2), res.Imported)
				assert.Equal(t, int64(5), res.Skipped)
				assert.Zero(t, res.BadCount)
				got, err := kb.Files(ctx, up)
				require.NoError(t, err)
				require.Len(t, got, 1)
				// Read in order of the normalised hash, then of the
				// hash as written: the row with the leading space first.
				assert.Equal(t, "space.exe", got[0].Name)
				assert.Equal(t, strings.Repeat("3", 40), got[0].SHA1, "the hashes of the row kept, not of a later one")
				assert.Equal(t, strings.Repeat("3", 32), got[0].MD5)
				for _, later := range []string{"1", "2", "4", "5"} {
					_, err := kb.Files(ctx, strings.Repeat(later, 40))
					assert.ErrorIs(t, err, reputation.ErrNotFound, "SHA-1 of a skipped row")
				}
				got, err = kb.Files(ctx, other)
				require.NoError(t, err)
				assert.Equal(t, "other.exe", got[0].Name)
			})
		}
	}
}
