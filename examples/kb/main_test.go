package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/filerep/filerep/internal/cli"
	"github.com/filerep/filerep/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// kb runs the command and returns its exit code, stdout and stderr.
func kb(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

const (
	algMD5    = "18a54e132947cd98fea9accc57f98f13"
	algSHA256 = "9d39af972785e49f0dd12c4baef39a79cd69f098886bf152af1b7cce2e902115"
	emptyMD5  = "d41d8cd98f00b204e9800998ecf8427e"
	emptySHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709"
)

func TestCreateImportQuery(t *testing.T) {
	db := filepath.Join(t.TempDir(), "kb.sqlite")
	code, out, _ := kb(t, "", "-db", db, "create")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "created")
	code, _, errs := kb(t, "", "-db", db, "create")
	assert.Equal(t, cli.ExitUsage, code, "an existing -db is a usage error for create, found before any work")
	assert.Contains(t, errs, "already exists")

	// The seed is there.
	code, out, _ = kb(t, "", "-db", db, "hash", strings.ToUpper(algMD5))
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "known-good seed")
	assert.Contains(t, out, "alg.exe")
	code, out, _ = kb(t, "", "-db", db, "name", `C:\Windows\System32\ALG.EXE`)
	require.Equal(t, 0, code)
	assert.Equal(t, `alg.exe:
  Windows system file
  Typical paths:
    C:\Windows\System32\alg.exe
  Versions:
    6.1.7600.16385 (win7_rtm.090713-1255)  Microsoft® Windows® Operating System  sha256 `+algSHA256+`
  Parent processes: services.exe
  Modules: ntdll.dll, sechost.dll
`, out)

	// A hash list from stdin.
	list := "# bad\n" + emptyMD5 + " evil.exe\nnot-a-hash\n"
	code, out, _ = kb(t, list, "-db", db, "import", "hashlist", "-batch", "1", "-")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "imported 1, skipped 1, bad 1, in 1 transactions")
	assert.Contains(t, out, `line 3: reputation: bad hash`)
	code, out, _ = kb(t, "", "-db", db, "-json", "hash", emptyMD5, emptySHA1)
	assert.Equal(t, 1, code, "one of the two is unknown")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 2)
	var got struct {
		Files []struct {
			Name, Trust, Source string
		}
	}
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &got))
	require.Len(t, got.Files, 1)
	assert.Equal(t, "evil.exe", got.Files[0].Name)
	assert.Equal(t, "known-bad", got.Files[0].Trust)

	// Reports from a file.
	reports := filepath.Join(t.TempDir(), "reports.jsonl")
	require.NoError(t, os.WriteFile(reports, []byte(`{"file":{"name":"tool.exe","path":"C:\\Tools\\tool.exe"},"hashes":{"sha1":"`+emptySHA1+`"}}`+"\n"), 0o644))
	code, out, _ = kb(t, "", "-db", db, "import", "reports", reports)
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "imported 1")
	code, out, _ = kb(t, "", "-db", db, "name", "tool.exe")
	require.Equal(t, 0, code)
	assert.Contains(t, out, `C:\Tools\tool.exe  (1, 100.0%)`)

	code, out, _ = kb(t, "", "-db", db, "publisher", "CN=Microsoft Windows, O=Microsoft Corporation")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "trusted by subject Microsoft Windows")
	code, out, _ = kb(t, "", "-db", db, "publisher", "Micros0ft Windows")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "not a trusted publisher")

	code, out, _ = kb(t, "", "-db", db, "stats")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "files 3,")
	code, out, _ = kb(t, "", "-db", db, "name", "nothing-here.exe")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "not found")
}

func TestImportNSRL(t *testing.T) {
	dir := t.TempDir()
	rds := filepath.Join(dir, "rds.db")
	sdb, err := sql.Open("sqlite", rds)
	require.NoError(t, err)
	for _, q := range []string{
		`CREATE TABLE FILE (sha256 VARCHAR NOT NULL, sha1 VARCHAR NOT NULL, md5 VARCHAR NOT NULL, crc32 VARCHAR NOT NULL,
			file_name VARCHAR NOT NULL, file_size INTEGER NOT NULL, package_id INTEGER NOT NULL,
			CONSTRAINT PK_FILE__FILE PRIMARY KEY (sha256, sha1, md5, crc32, file_name, file_size, package_id))`,
		`CREATE TABLE MFG (manufacturer_id INTEGER NOT NULL, name VARCHAR NOT NULL, CONSTRAINT PK_MFG__MFG_ID PRIMARY KEY (manufacturer_id))`,
		`CREATE TABLE PKG (package_id INTEGER NOT NULL, name VARCHAR NOT NULL, version VARCHAR NOT NULL, operating_system_id INTEGER NOT NULL,
			manufacturer_id INTEGER NOT NULL, language VARCHAR NOT NULL, application_type VARCHAR NOT NULL,
			CONSTRAINT PK_PGK__PKG_ID PRIMARY KEY (package_id, operating_system_id, manufacturer_id, language, application_type))`,
		`INSERT INTO MFG VALUES (10, 'Microsoft Corporation')`,
		`INSERT INTO PKG VALUES (1, 'Windows 7 Ultimate', '6.1.7600', 1, 10, 'English', 'Operating System')`,
		`INSERT INTO FILE VALUES ('` + strings.ToUpper(algSHA256) + `', 'EF85636E8D5BB35BCBDC453FDD49A91B89AC2C74', '` + strings.ToUpper(algMD5) + `', '00000000', 'alg.exe', 59392, 1)`,
	} {
		_, err := sdb.Exec(q)
		require.NoError(t, err, q)
	}
	require.NoError(t, sdb.Close())

	db := filepath.Join(dir, "kb.sqlite")
	code, _, _ := kb(t, "", "-db", db, "create", "-empty")
	require.Equal(t, 0, code)
	code, out, errs := kb(t, "", "-db", db, "import", "nsrl", rds)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "imported 1, skipped 0, bad 0")
	code, out, _ = kb(t, "", "-db", db, "hash", algSHA256)
	require.Equal(t, 0, code)
	assert.Contains(t, out, "known      nsrl     alg.exe  product: Windows 7 Ultimate  version: 6.1.7600  publisher: Microsoft Corporation")
}

func TestUsage(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	for _, args := range [][]string{
		{}, {"frobnicate"}, {"create"}, {"-db", "x", "create", "extra"}, {"import"}, {"import", "tape", "x"},
		{"import", "hashlist"}, {"import", "hashlist", "-trust", "maybe", "x"}, {"hash"}, {"name"}, {"publisher"}, {"stats", "x"},
	} {
		code, _, _ := kb(t, "", args...)
		assert.Equal(t, 2, code, "%q", args)
	}
	missing := filepath.Join(t.TempDir(), "missing.sqlite")
	code, _, errs := kb(t, "", "-db", missing, "stats")
	assert.Equal(t, cli.ExitUsage, code, "a -db that names nothing is a usage error")
	assert.Contains(t, errs, "kb: -db: stat "+missing+": no such file or directory")

	code, out, errs := kb(t, "", "query", "x")
	assert.Equal(t, cli.ExitUsage, code)
	assert.Empty(t, out)
	assert.Equal(t, "kb: unknown command \"query\" (commands: create, import, hash, name, publisher, similar, stats)\nRun 'kb -h' for the manual.\n", errs)

	code, _, errs = kb(t, "", "-db", missing, "import", "hashlist", filepath.Join(t.TempDir(), "nope.txt"))
	assert.Equal(t, cli.ExitUsage, code)
	assert.Contains(t, errs, "kb: -db: stat ")
}

// TestHelp: kb -h and kb import -h are the manuals, on stdout, exit 0,
// with every flag, the formats import reads and examples; the README rows
// list exactly the program's flags and commands.
func TestHelp(t *testing.T) {
	code, out, errs := kb(t, "", "-h")
	assert.Equal(t, cli.ExitOK, code)
	assert.Empty(t, errs)
	for _, want := range []string{"Commands:", "hashlist  text, one hash a line", "NSRL RDS v3", "JSON Lines of filerep reports", "Examples:", "130"} {
		assert.Contains(t, out, want)
	}
	code, out, errs = kb(t, "", "import", "-h")
	assert.Equal(t, cli.ExitOK, code)
	assert.Empty(t, errs)
	var io_ importOptions
	for _, f := range cli.FlagNames(newImportFlags(&io_)) {
		assert.Regexp(t, `\n  `+f+`[ \t\n]`, out, "kb import -h lists %s", f)
	}
	assert.Contains(t, out, "# known-bad samples")
	code, out, _ = kb(t, "", "import", "hashlist", "-h")
	assert.Equal(t, cli.ExitOK, code)
	assert.Contains(t, out, "Import formats:")
	code, out, _ = kb(t, "", "create", "-h")
	assert.Equal(t, cli.ExitOK, code)
	assert.Contains(t, out, "-empty")

	b, err := os.ReadFile(filepath.Join(testutil.RepoRoot(), "README.md"))
	require.NoError(t, err)
	usages := cli.ReadmeUsages(string(b), "examples/kb")
	var a app
	var empty bool
	var so similarOptions
	assert.Equal(t, cli.FlagNames(newFlags(&a), newImportFlags(&io_), newCreateFlags(&empty), newSimilarFlags(&so)), cli.ReadmeFlags(usages...))
	all := strings.Join(usages, " ")
	for _, c := range append(append([]string{}, commands...), "nsrl", "hashlist", "reports") {
		assert.Regexp(t, `(^|[\s|])`+c+`([\s|.]|$)`, all, "the README names %s", c)
	}
}

// Without -db the default knowledge base is created in the user cache
// directory.
func TestDefaultKB(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	code, out, _ := kb(t, "", "name", "services.exe")
	require.Equal(t, 0, code)
	assert.Contains(t, out, `C:\Windows\System32\services.exe`)
	assert.Contains(t, out, "Parent processes: wininit.exe")
}
