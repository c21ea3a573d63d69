package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/filerep/filerep/reputation"
)

// SchemaVersion is the knowledge-base schema this package writes and
// reads. It is stored in the SQLite header's user_version field; a file
// with a higher number is refused with [reputation.ErrSchemaVersion].
//
// Version 2 added the similarity digests of file records (columns ssdeep,
// ssdeep_bs and tlsh). [Open] and [Default] upgrade a version-1 file in
// place when they open it read-write, in one transaction that adds the
// columns (empty for the records already there) and records the new
// version; opened read-only, a version-1 file is read as it is, its
// records without similarity digests. An upgraded file is refused by a
// filerep that only knows version 1.
const SchemaVersion = 2

// applicationID marks an SQLite file as a filerep knowledge base: "fRKB",
// in the header's application_id field (bytes 68–71).
const applicationID = 0x66524B42

// boltMagic is the magic number in the meta page of a bbolt (and BoltDB)
// file, little-endian at offset 16 on the usual platforms; Open names such
// a file in its error.
const boltMagic = 0xED0CDAED

// sqliteMagic opens every SQLite 3 database file.
const sqliteMagic = "SQLite format 3\x00"

// schemaV1 creates every table. Each file record keeps its three hashes as
// blobs and, for lookups, the first 8 bytes of each as an integer: the
// integer indexes are a third the size of blob indexes, which is what keeps
// bulk imports of random hashes fast (see doc.go). Records are appended by
// rowid, so the big table grows at its end.
const schemaV1 = `
CREATE TABLE meta(
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE file(
	id        INTEGER PRIMARY KEY,
	k256      INTEGER,
	k1        INTEGER,
	k5        INTEGER,
	sha256    BLOB,
	sha1      BLOB,
	md5       BLOB,
	source    TEXT NOT NULL,
	trust     INTEGER NOT NULL CHECK (trust BETWEEN 1 AND 3),
	name      TEXT NOT NULL,
	product   TEXT NOT NULL,
	version   TEXT NOT NULL,
	publisher TEXT NOT NULL
);
CREATE INDEX file_k256 ON file(k256) WHERE k256 IS NOT NULL;
CREATE INDEX file_k1 ON file(k1) WHERE k1 IS NOT NULL;
CREATE INDEX file_k5 ON file(k5) WHERE k5 IS NOT NULL;
CREATE TABLE name(
	name   TEXT PRIMARY KEY,
	system INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TABLE path(
	name  TEXT NOT NULL,
	key   TEXT NOT NULL,
	path  TEXT NOT NULL,
	count INTEGER NOT NULL,
	PRIMARY KEY (name, key)
) WITHOUT ROWID;
CREATE TABLE version(
	name    TEXT NOT NULL,
	version TEXT NOT NULL,
	sha256  TEXT NOT NULL,
	product TEXT NOT NULL,
	source  TEXT NOT NULL,
	PRIMARY KEY (name, version, sha256)
) WITHOUT ROWID;
CREATE TABLE relation(
	name  TEXT NOT NULL,
	kind  TEXT NOT NULL CHECK (kind IN ('parent', 'module')),
	other TEXT NOT NULL,
	PRIMARY KEY (name, kind, other)
) WITHOUT ROWID;
CREATE TABLE publisher(
	key        TEXT PRIMARY KEY,
	subject    TEXT NOT NULL,
	thumbprint TEXT NOT NULL,
	note       TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE catalog_member(
	hash    BLOB NOT NULL,
	catalog TEXT NOT NULL,
	signer  TEXT NOT NULL,
	PRIMARY KEY (hash, catalog)
) WITHOUT ROWID;
`

// migrateV2 turns a version-1 schema into version 2: the similarity
// digests of a file record, ssdeep's in its text form with its block size
// apart and TLSH's in its "T1" text form. The two partial indexes hold
// only the records with a digest, and cover what [Store.Similar] scans:
// the ssdeep digests of the comparable block sizes, every TLSH digest.
// ADD COLUMN changes only the schema, not the rows, and the indexes are
// empty on an old file, so the upgrade takes the same time on a file of
// any size. A new file gets schemaV1 and then this, as an old file does.
const migrateV2 = `
ALTER TABLE file ADD COLUMN ssdeep TEXT;
ALTER TABLE file ADD COLUMN ssdeep_bs INTEGER;
ALTER TABLE file ADD COLUMN tlsh TEXT;
CREATE INDEX file_ssdeep ON file(ssdeep_bs, ssdeep) WHERE ssdeep_bs IS NOT NULL;
CREATE INDEX file_tlsh ON file(tlsh) WHERE tlsh IS NOT NULL;
`

// schemaTables are the tables a knowledge base must have.
var schemaTables = []string{"meta", "file", "name", "path", "version", "relation", "publisher", "catalog_member"}

// Store is a [reputation.KnowledgeBase] and [reputation.Writer] kept in an SQLite database file
// (through modernc.org/sqlite, which needs no cgo). See the package
// documentation for why SQLite and for the file's layout.
//
// A Store is safe for concurrent use. Readers never wait for a writer: the
// database runs in WAL mode, so other processes may read the file while one
// writes it. Writes of one Store are serialized; each [Store.Update] is one
// SQLite transaction, committed with synchronous=FULL, so a writer that is
// killed loses only the transaction it had not committed.
type Store struct {
	db       *sql.DB
	path     string
	readOnly bool
	schema   int64 // the file's schema version: SchemaVersion, or 1 for an old file opened read-only
	closed   atomic.Bool
	wmu      sync.Mutex // serializes Update

	stmts sync.Map // query text → *sql.Stmt
}

var _ reputation.ReadWriter = (*Store)(nil)

// Option configures [Open], [Create] and [Default].
type Option func(*storeConfig) error

type storeConfig struct {
	readOnly    bool
	immutable   bool
	busyTimeout time.Duration
	cacheMiB    int
	path        string
}

// WithReadOnly opens the store read-only: every Update fails with
// [reputation.ErrReadOnly], and the file is never modified. The default is
// read-write. [Create] rejects it.
func WithReadOnly() Option {
	return func(c *storeConfig) error { c.readOnly = true; return nil }
}

// WithImmutable opens the store read-only as an immutable file (SQLite's
// immutable=1): without locks and without creating the -wal and -shm
// files that a read-only open of a WAL database otherwise leaves beside
// it, so that a lookup leaves the file's directory as it was, even when
// the file is damaged. It is only for a file that no process writes while
// it is open and that has no -wal file: committed changes still in a -wal
// file are not seen, and a writer's checkpoint could change pages under a
// read. examples/kb uses it for its lookups when neither file exists.
// It implies [WithReadOnly].
func WithImmutable() Option {
	return func(c *storeConfig) error { c.readOnly, c.immutable = true, true; return nil }
}

// WithBusyTimeout sets how long a write waits for another process that
// holds the database's write lock before failing. The default is 10s; d
// must not be negative.
func WithBusyTimeout(d time.Duration) Option {
	return func(c *storeConfig) error {
		if d < 0 {
			return fmt.Errorf("store: negative busy timeout %v", d)
		}
		c.busyTimeout = d
		return nil
	}
}

// WithCacheSize sets SQLite's page cache per connection, in MiB. The
// default is 16 MiB; bulk imports of millions of hashes run several times
// faster with 128 MiB or more. mib must be between 1 and 65536.
func WithCacheSize(mib int) Option {
	return func(c *storeConfig) error {
		if mib < 1 || mib > 65536 {
			return fmt.Errorf("store: cache size %d MiB out of range 1–65536", mib)
		}
		c.cacheMiB = mib
		return nil
	}
}

// WithPath makes [Default] use the database file at path instead of
// [DefaultPath]. Only Default accepts it; [Open] and [Create] take their
// path as an argument and reject this option.
func WithPath(path string) Option {
	return func(c *storeConfig) error {
		if path == "" {
			return errors.New("store: empty knowledge-base path")
		}
		c.path = path
		return nil
	}
}

func makeStoreConfig(opts []Option) (storeConfig, error) {
	c := storeConfig{busyTimeout: 10 * time.Second, cacheMiB: 16}
	for _, o := range opts {
		if err := o(&c); err != nil {
			return c, err
		}
	}
	return c, nil
}

// dsn builds the modernc.org/sqlite data source name for path. mode is
// "ro", "rw" (the file must exist) or "rwc".
func (c storeConfig) dsn(path, mode string) string {
	var b strings.Builder
	b.WriteString("file:")
	// A URI path uses forward slashes; a Windows drive letter needs the
	// empty authority form, file:///C:/….
	path = filepath.ToSlash(path)
	if filepath.VolumeName(path) != "" {
		b.WriteString("///")
	}
	for _, r := range path {
		switch r {
		case '?', '#', '%':
			fmt.Fprintf(&b, "%%%02X", r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteString("?mode=" + mode)
	fmt.Fprintf(&b, "&_pragma=busy_timeout(%d)", c.busyTimeout.Milliseconds())
	fmt.Fprintf(&b, "&_pragma=cache_size(%d)", -c.cacheMiB*1024)
	b.WriteString("&_pragma=synchronous(FULL)&_pragma=foreign_keys(0)&_pragma=trusted_schema(0)")
	if mode == "ro" {
		if c.immutable {
			b.WriteString("&immutable=1")
		}
		b.WriteString("&_pragma=query_only(1)")
	} else {
		b.WriteString("&_txlock=immediate")
	}
	return b.String()
}

// Create creates a new, empty knowledge base at path (schema only, no seed;
// see [Default] and [reputation.Seed]). It fails with an error wrapping [reputation.ErrExist] if
// the file exists.
func Create(path string, opts ...Option) (*Store, error) {
	c, err := makeStoreConfig(opts)
	if err != nil {
		return nil, err
	}
	if c.readOnly {
		return nil, errors.New("store: Create cannot open read-only")
	}
	if c.path != "" {
		return nil, errors.New("store: WithPath is for Default; Create takes the path as its argument")
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("store: create %s: %w", path, reputation.ErrExist)
		}
		return nil, fmt.Errorf("store: create %s: %w", path, err)
	}
	f.Close()
	s, err := initStore(path, c)
	if err != nil {
		os.Remove(path)
		return nil, err
	}
	return s, nil
}

// initStore writes the schema into the empty file at path.
func initStore(path string, c storeConfig) (*Store, error) {
	db, err := sql.Open("sqlite", c.dsn(path, "rw"))
	if err != nil {
		return nil, fmt.Errorf("store: create %s: %w", path, err)
	}
	ctx := context.Background()
	err = func() error {
		// journal_mode and the header fields are set outside the
		// transaction; the schema and meta rows commit together, and
		// user_version is written last, so a file without it is not
		// mistaken for a finished knowledge base.
		if _, err := db.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id = %d", applicationID)); err != nil {
			return err
		}
		var mode string
		if err := db.QueryRowContext(ctx, "PRAGMA journal_mode = WAL").Scan(&mode); err != nil {
			return err
		}
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		if _, err := tx.ExecContext(ctx, schemaV1+migrateV2); err != nil {
			return err
		}
		for k, v := range map[string]string{
			"format":  "filerep-kb",
			"schema":  strconv.Itoa(SchemaVersion),
			"created": time.Now().UTC().Format(time.RFC3339),
			"seed":    "0",
		} {
			if _, err := tx.ExecContext(ctx, "INSERT INTO meta(key, value) VALUES (?, ?)", k, v); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", SchemaVersion)); err != nil {
			return err
		}
		return tx.Commit()
	}()
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("store: create %s: %w", path, err)
	}
	return &Store{db: db, path: path, schema: SchemaVersion}, nil
}

// Open opens the knowledge base at path. The error wraps [fs.ErrNotExist]
// when there is no file, [reputation.ErrForeign] when the file is not a filerep
// knowledge base (random bytes, text, an SQLite database of another
// schema), [reputation.ErrCorrupt] when it is one but is damaged, and
// [reputation.ErrSchemaVersion] when a newer filerep wrote it.
//
// Open reads the header and the schema, not every page: [Store.Check]
// verifies the whole file, and damage found later by a lookup is reported
// with [reputation.ErrCorrupt] too.
func Open(path string, opts ...Option) (*Store, error) {
	c, err := makeStoreConfig(opts)
	if err != nil {
		return nil, err
	}
	if c.path != "" {
		return nil, errors.New("store: WithPath is for Default; Open takes the path as its argument")
	}
	return openStore(path, c)
}

func openStore(path string, c storeConfig) (*Store, error) {
	if err := readHeader(path); err != nil {
		return nil, err
	}
	mode := "rw"
	if c.readOnly {
		mode = "ro"
	}
	db, err := sql.Open("sqlite", c.dsn(path, mode))
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	s := &Store{db: db, path: path, readOnly: c.readOnly}
	if err := s.checkSchema(); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// readHeader checks that the file at path starts with the SQLite magic.
// The rest of the header is read through SQLite: in WAL mode the newest
// header may still be in the -wal file.
func readHeader(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("store: open knowledge base: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("store: open knowledge base: %w", err)
	}
	if st.IsDir() {
		return fmt.Errorf("store: open %s: %w: a directory", path, reputation.ErrForeign)
	}
	var b [100]byte
	n, err := io.ReadFull(f, b[:])
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return fmt.Errorf("store: open knowledge base: %w", err)
	}
	if n < len(b) || !bytes.Equal(b[:16], []byte(sqliteMagic)) {
		if n == 0 {
			return fmt.Errorf("store: open %s: %w: empty file", path, reputation.ErrForeign)
		}
		what := "no SQLite header at offset 0"
		if n >= 20 && binary.LittleEndian.Uint32(b[16:20]) == boltMagic {
			what = "a bbolt database"
		}
		return fmt.Errorf("store: open %s: %w: not an SQLite database (%s)", path, reputation.ErrForeign, what)
	}
	return nil
}

// checkSchema decides whether the open database is a knowledge base this
// package can read.
func (s *Store) checkSchema() error {
	ctx := context.Background()
	// Reading the schema table makes SQLite parse the header and the
	// first pages: garbage behind a valid magic shows up here.
	rows, err := s.db.QueryContext(ctx, "SELECT name FROM sqlite_schema WHERE type = 'table'")
	if err != nil {
		return s.openErr(err)
	}
	tables := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return s.openErr(err)
		}
		tables[n] = true
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return s.openErr(err)
	}
	rows.Close()
	var appID, userVersion int64
	if err := s.db.QueryRowContext(ctx, "SELECT application_id, user_version FROM pragma_application_id, pragma_user_version").Scan(&appID, &userVersion); err != nil {
		return s.openErr(err)
	}
	if appID != applicationID {
		what := "an SQLite database of another application"
		if appID == 0 {
			what = "an SQLite database without the filerep application id"
		}
		return fmt.Errorf("store: open %s: %w: %s (%d tables)", s.path, reputation.ErrForeign, what, len(tables))
	}
	if userVersion > SchemaVersion {
		return fmt.Errorf("store: open %s: %w: schema %d, this filerep reads up to %d", s.path, reputation.ErrSchemaVersion, userVersion, SchemaVersion)
	}
	if userVersion == 0 {
		return fmt.Errorf("store: open %s: %w: schema version not recorded (creation did not finish)", s.path, reputation.ErrCorrupt)
	}
	for _, t := range schemaTables {
		if !tables[t] {
			return fmt.Errorf("store: open %s: %w: table %s missing", s.path, reputation.ErrCorrupt, t)
		}
	}
	var format, schema string
	err = s.db.QueryRowContext(ctx, "SELECT (SELECT value FROM meta WHERE key = 'format'), (SELECT value FROM meta WHERE key = 'schema')").Scan(&format, &schema)
	if err != nil {
		return s.openErr(err)
	}
	if format != "filerep-kb" || schema != strconv.Itoa(int(userVersion)) {
		return fmt.Errorf("store: open %s: %w: meta says format %q schema %q, header says schema %d", s.path, reputation.ErrCorrupt, format, schema, userVersion)
	}
	s.schema = userVersion
	if userVersion < SchemaVersion && !s.readOnly {
		if err := s.migrate(ctx); err != nil {
			return err
		}
	}
	if !s.readOnly {
		var mode string
		if err := s.db.QueryRowContext(ctx, "PRAGMA journal_mode = WAL").Scan(&mode); err != nil {
			return s.openErr(err)
		}
	}
	return nil
}

// migrate upgrades the schema of a file opened read-write to
// SchemaVersion in one transaction (BEGIN IMMEDIATE, so that two
// processes opening the same old file do not both upgrade it: the second
// waits for the first, then finds the new version and does nothing).
func (s *Store) migrate(ctx context.Context) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.openErr(err)
	}
	defer tx.Rollback()
	var v int64
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return s.openErr(err)
	}
	if v < 2 {
		if _, err := tx.ExecContext(ctx, migrateV2); err != nil {
			return fmt.Errorf("store: upgrade %s to schema 2: %w", s.path, wrapSQLite(err))
		}
	}
	if v < SchemaVersion {
		if _, err := tx.ExecContext(ctx, "UPDATE meta SET value = ? WHERE key = 'schema'", strconv.Itoa(SchemaVersion)); err != nil {
			return s.openErr(err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", SchemaVersion)); err != nil {
			return s.openErr(err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: upgrade %s: %w", s.path, wrapSQLite(err))
	}
	s.schema = SchemaVersion
	return nil
}

// openErr wraps an error met while opening.
func (s *Store) openErr(err error) error {
	return fmt.Errorf("store: open %s: %w", s.path, wrapSQLite(err))
}

// wrapSQLite maps SQLite result codes to the package's sentinels, keeping
// the original error in the chain. It is for databases whose SQLite magic
// has been checked (see readHeader).
func wrapSQLite(err error) error {
	if err == nil {
		return nil
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
			// Open has already seen the SQLite magic, so "not a
			// database" here means a damaged header or page.
			return fmt.Errorf("%w: %w", reputation.ErrCorrupt, err)
		case sqlite3.SQLITE_READONLY:
			return fmt.Errorf("%w: %w", reputation.ErrReadOnly, err)
		}
	}
	return err
}

// Path returns the file the store was opened from.
func (s *Store) Path() string { return s.path }

// ReadOnly reports whether the store was opened with [WithReadOnly].
func (s *Store) ReadOnly() bool { return s.readOnly }

// Close closes the database. Lookups and updates after Close fail with
// [reputation.ErrClosed]. Closing twice returns nil.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	s.stmts.Range(func(_, v any) bool {
		v.(*sql.Stmt).Close()
		return true
	})
	return s.db.Close()
}

// Meta returns the store's metadata: "format" (filerep-kb), "schema",
// "created" (RFC 3339) and "seed" (the version of the embedded seed last
// applied, 0 for none).
func (s *Store) Meta(ctx context.Context) (map[string]string, error) {
	if s.closed.Load() {
		return nil, reputation.ErrClosed
	}
	rows, err := s.db.QueryContext(ctx, "SELECT key, value FROM meta")
	if err != nil {
		return nil, wrapSQLite(err)
	}
	defer rows.Close()
	m := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, wrapSQLite(err)
		}
		m[k] = v
	}
	return m, wrapSQLite(rows.Err())
}

// Check verifies every page of the database (SQLite's quick_check); its
// cost grows with the file. A damaged file gives an error wrapping
// [reputation.ErrCorrupt].
func (s *Store) Check(ctx context.Context) error {
	if s.closed.Load() {
		return reputation.ErrClosed
	}
	rows, err := s.db.QueryContext(ctx, "PRAGMA quick_check")
	if err != nil {
		return wrapSQLite(err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var m string
		if err := rows.Scan(&m); err != nil {
			return wrapSQLite(err)
		}
		if m != "ok" && len(problems) < 5 {
			problems = append(problems, m)
		}
	}
	if err := rows.Err(); err != nil {
		return wrapSQLite(err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("store: check %s: %w: %s", s.path, reputation.ErrCorrupt, strings.Join(problems, "; "))
	}
	return nil
}

// Stats counts the records of each kind. It scans the tables, so its cost
// grows with the store.
func (s *Store) Stats(ctx context.Context) (reputation.Stats, error) {
	var st reputation.Stats
	if s.closed.Load() {
		return st, reputation.ErrClosed
	}
	err := s.db.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM file),
		(SELECT count(*) FROM name),
		(SELECT count(*) FROM path),
		(SELECT count(*) FROM version),
		(SELECT count(*) FROM relation),
		(SELECT count(*) FROM publisher),
		(SELECT count(*) FROM catalog_member)`).Scan(
		&st.Files, &st.Names, &st.Paths, &st.Versions, &st.Relations, &st.Publishers, &st.CatalogMembers)
	return st, wrapSQLite(err)
}

// stmt returns a prepared statement for a read query, preparing it once.
func (s *Store) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	if v, ok := s.stmts.Load(q); ok {
		return v.(*sql.Stmt), nil
	}
	st, err := s.db.PrepareContext(ctx, q)
	if err != nil {
		return nil, wrapSQLite(err)
	}
	if v, loaded := s.stmts.LoadOrStore(q, st); loaded {
		st.Close()
		return v.(*sql.Stmt), nil
	}
	return st, nil
}

// query runs a read query and calls scan for each row.
func (s *Store) query(ctx context.Context, q string, scan func(*sql.Rows) error, args ...any) error {
	if s.closed.Load() {
		return reputation.ErrClosed
	}
	st, err := s.stmt(ctx, q)
	if err != nil {
		return err
	}
	rows, err := st.QueryContext(ctx, args...)
	if err != nil {
		return wrapSQLite(err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return wrapSQLite(err)
		}
	}
	return wrapSQLite(rows.Err())
}

// prefix returns the first 8 bytes of a digest as the signed integer the
// k256, k1 and k5 columns hold.
func prefix(b []byte) int64 { return int64(binary.BigEndian.Uint64(b[:8])) }

// hashColumns names the index and blob columns of each algorithm.
var hashColumns = map[reputation.HashAlg][2]string{
	reputation.SHA256: {"k256", "sha256"},
	reputation.SHA1:   {"k1", "sha1"},
	reputation.MD5:    {"k5", "md5"},
}

// fileColumns are the columns scanFile reads; a version-1 file opened
// read-only has no similarity digests, and reads NULL for them.
func (s *Store) fileColumns() string {
	const v1 = "sha256, sha1, md5, source, trust, name, product, version, publisher"
	if s.schema < 2 {
		return v1 + ", NULL, NULL"
	}
	return v1 + ", ssdeep, tlsh"
}

func scanFile(rows *sql.Rows) (reputation.FileRecord, error) {
	var r reputation.FileRecord
	var s256, s1, m5 []byte
	var trust int64
	var ss, tl sql.NullString
	if err := rows.Scan(&s256, &s1, &m5, &r.Source, &trust, &r.Name, &r.Product, &r.Version, &r.Publisher, &ss, &tl); err != nil {
		return r, err
	}
	r.SHA256, r.SHA1, r.MD5 = hexOf(s256), hexOf(s1), hexOf(m5)
	r.Trust = reputation.Trust(trust)
	r.SSDeep, r.TLSH = ss.String, tl.String
	return r, nil
}

func hexOf(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return hex.EncodeToString(b)
}

// Files implements [reputation.KnowledgeBase].
func (s *Store) Files(ctx context.Context, hash string) ([]reputation.FileRecord, error) {
	alg, h, err := reputation.NormalizeHash(hash)
	if err != nil {
		return nil, err
	}
	b := hashBytes(h)
	col := hashColumns[alg]
	var out []reputation.FileRecord
	err = s.query(ctx, "SELECT "+s.fileColumns()+" FROM file WHERE "+col[0]+" = ? AND "+col[1]+" = ?", func(rows *sql.Rows) error {
		r, err := scanFile(rows)
		out = append(out, r)
		return err
	}, prefix(b), b)
	return finishList(out, err, reputation.SortFiles, "file", h)
}

// TypicalPaths implements [reputation.KnowledgeBase].
func (s *Store) TypicalPaths(ctx context.Context, name string) (reputation.TypicalPaths, error) {
	n := reputation.NormalizeName(name)
	out := reputation.TypicalPaths{Name: n}
	found := false
	err := s.query(ctx, "SELECT system FROM name WHERE name = ?", func(rows *sql.Rows) error {
		found = true
		return rows.Scan(&out.System)
	}, n)
	if err != nil {
		return reputation.TypicalPaths{}, err
	}
	if !found {
		return reputation.TypicalPaths{}, notFound("name", n)
	}
	err = s.query(ctx, "SELECT path, count FROM path WHERE name = ?", func(rows *sql.Rows) error {
		var p reputation.PathCount
		err := rows.Scan(&p.Path, &p.Count)
		out.Paths = append(out.Paths, p)
		return err
	}, n)
	if err != nil {
		return reputation.TypicalPaths{}, err
	}
	reputation.SortPaths(out.Paths)
	return out, nil
}

// Versions implements [reputation.KnowledgeBase].
func (s *Store) Versions(ctx context.Context, name string) ([]reputation.VersionRecord, error) {
	n := reputation.NormalizeName(name)
	var out []reputation.VersionRecord
	err := s.query(ctx, "SELECT version, sha256, product, source FROM version WHERE name = ?", func(rows *sql.Rows) error {
		v := reputation.VersionRecord{Name: n}
		err := rows.Scan(&v.Version, &v.SHA256, &v.Product, &v.Source)
		out = append(out, v)
		return err
	}, n)
	return finishList(out, err, reputation.SortVersions, "versions of", n)
}

// Relationships implements [reputation.KnowledgeBase].
func (s *Store) Relationships(ctx context.Context, name string) (reputation.Relationships, error) {
	n := reputation.NormalizeName(name)
	out := reputation.Relationships{Name: n}
	err := s.query(ctx, "SELECT kind, other FROM relation WHERE name = ? ORDER BY kind, other", func(rows *sql.Rows) error {
		var kind, other string
		if err := rows.Scan(&kind, &other); err != nil {
			return err
		}
		if kind == "parent" {
			out.Parents = append(out.Parents, other)
		} else {
			out.Modules = append(out.Modules, other)
		}
		return nil
	}, n)
	if err != nil {
		return reputation.Relationships{}, err
	}
	if len(out.Parents)+len(out.Modules) == 0 {
		return reputation.Relationships{}, notFound("relationships of", n)
	}
	return out, nil
}

// publisherKey is the primary key of a publisher row.
func publisherKey(subjLower, thumb string) string {
	if thumb != "" {
		return "t:" + thumb
	}
	return "s:" + subjLower
}

// Publisher implements [reputation.KnowledgeBase].
func (s *Store) Publisher(ctx context.Context, subject, thumbprint string) (reputation.Publisher, error) {
	thumb, subj, err := publisherKeys(subject, thumbprint)
	if err != nil {
		return reputation.Publisher{}, err
	}
	var keys []string
	if thumb != "" {
		keys = append(keys, publisherKey("", thumb))
	}
	if subj != "" {
		keys = append(keys, publisherKey(subj, ""))
	}
	for _, k := range keys {
		var p reputation.Publisher
		found := false
		err := s.query(ctx, "SELECT subject, thumbprint, note FROM publisher WHERE key = ?", func(rows *sql.Rows) error {
			found = true
			return rows.Scan(&p.Subject, &p.Thumbprint, &p.Note)
		}, k)
		if err != nil {
			return reputation.Publisher{}, err
		}
		if found {
			return p, nil
		}
	}
	return reputation.Publisher{}, notFound("publisher", strings.TrimSpace(subject+" "+thumbprint))
}

// CatalogMembers implements [reputation.KnowledgeBase].
func (s *Store) CatalogMembers(ctx context.Context, authentihash string) ([]reputation.CatalogMember, error) {
	_, h, err := reputation.NormalizeHash(authentihash)
	if err != nil {
		return nil, err
	}
	var out []reputation.CatalogMember
	err = s.query(ctx, "SELECT catalog, signer FROM catalog_member WHERE hash = ?", func(rows *sql.Rows) error {
		m := reputation.CatalogMember{Hash: h}
		err := rows.Scan(&m.Catalog, &m.Signer)
		out = append(out, m)
		return err
	}, hashBytes(h))
	return finishList(out, err, reputation.SortCatalogMembers, "catalog member", h)
}

// Update implements [reputation.Writer]: fn runs inside one SQLite transaction
// (BEGIN IMMEDIATE), which commits when fn returns nil and rolls back when
// it returns an error or panics (the panic goes on after the rollback).
// Updates of one Store run one at a time, so fn must not call Update on
// the same Store; an update waits up to the busy timeout for a writer in
// another process.
func (s *Store) Update(ctx context.Context, fn func(reputation.Tx) error) (err error) {
	if s.closed.Load() {
		return reputation.ErrClosed
	}
	if s.readOnly {
		return fmt.Errorf("store: update %s: %w", s.path, reputation.ErrReadOnly)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	sqlTx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: update %s: %w", s.path, wrapSQLite(err))
	}
	tx := &storeTx{s: s, ctx: ctx, tx: sqlTx, stmts: map[string]*sql.Stmt{}}
	committed := false
	defer func() {
		tx.done = true
		for _, st := range tx.stmts {
			st.Close()
		}
		if !committed {
			sqlTx.Rollback()
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("store: commit %s: %w", s.path, wrapSQLite(err))
	}
	committed = true
	return nil
}

// storeTx is the Tx of a Store: statements are prepared once per
// transaction.
type storeTx struct {
	s     *Store
	ctx   context.Context
	tx    *sql.Tx
	stmts map[string]*sql.Stmt
	done  bool
}

func (tx *storeTx) exec(q string, args ...any) (sql.Result, error) {
	if tx.done {
		return nil, errors.New("store: Tx used after its Update returned")
	}
	st := tx.stmts[q]
	if st == nil {
		var err error
		st, err = tx.tx.PrepareContext(tx.ctx, q)
		if err != nil {
			return nil, wrapSQLite(err)
		}
		tx.stmts[q] = st
	}
	res, err := st.ExecContext(tx.ctx, args...)
	return res, wrapSQLite(err)
}

// nullable returns the blob of a hash, or nil (SQL NULL) when it is empty.
func nullable(h string) any {
	if h == "" {
		return nil
	}
	return hashBytes(h)
}

func nullablePrefix(h string) any {
	if h == "" {
		return nil
	}
	return prefix(hashBytes(h))
}

func (tx *storeTx) PutFile(r reputation.FileRecord) error {
	r, err := r.Normalize()
	if err != nil {
		return err
	}
	// Find the record of the same file and source: match the strongest
	// hash, and require the stronger ones to be absent.
	var where string
	var key string
	switch {
	case r.SHA256 != "":
		where, key = "k256 = ? AND sha256 = ?", r.SHA256
	case r.SHA1 != "":
		where, key = "k1 = ? AND sha1 = ? AND sha256 IS NULL", r.SHA1
	default:
		where, key = "k5 = ? AND md5 = ? AND sha1 IS NULL AND sha256 IS NULL", r.MD5
	}
	kb := hashBytes(key)
	args := []any{
		nullablePrefix(r.SHA256), nullablePrefix(r.SHA1), nullablePrefix(r.MD5),
		nullable(r.SHA256), nullable(r.SHA1), nullable(r.MD5),
		r.Source, int64(r.Trust), r.Name, r.Product, r.Version, r.Publisher,
		nullableText(r.SSDeep), ssdeepBlockSize(r.SSDeep), nullableText(r.TLSH),
	}
	res, err := tx.exec(`UPDATE file SET k256 = ?, k1 = ?, k5 = ?, sha256 = ?, sha1 = ?, md5 = ?,
		source = ?, trust = ?, name = ?, product = ?, version = ?, publisher = ?,
		ssdeep = ?, ssdeep_bs = ?, tlsh = ?
		WHERE `+where+` AND source = ?`, append(args, prefix(kb), kb, r.Source)...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err == nil && n > 0 {
		return nil
	}
	_, err = tx.exec(`INSERT INTO file(k256, k1, k5, sha256, sha1, md5, source, trust, name, product, version, publisher,
		ssdeep, ssdeep_bs, tlsh)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...)
	return err
}

func (tx *storeTx) ensureName(n string) error {
	_, err := tx.exec("INSERT INTO name(name) VALUES (?) ON CONFLICT(name) DO NOTHING", n)
	return err
}

func (tx *storeTx) AddPath(name, path string, count int64) error {
	n, err := checkName("path", name)
	if err != nil {
		return err
	}
	path, key, err := checkPath(path, count)
	if err != nil {
		return err
	}
	if err := tx.ensureName(n); err != nil {
		return err
	}
	_, err = tx.exec(`INSERT INTO path(name, key, path, count) VALUES (?, ?, ?, ?)
		ON CONFLICT(name, key) DO UPDATE SET count = count + excluded.count`, n, key, path, count)
	return err
}

func (tx *storeTx) SetSystem(name string, system bool) error {
	n, err := checkName("system", name)
	if err != nil {
		return err
	}
	_, err = tx.exec(`INSERT INTO name(name, system) VALUES (?, ?)
		ON CONFLICT(name) DO UPDATE SET system = excluded.system`, n, system)
	return err
}

func (tx *storeTx) PutVersion(v reputation.VersionRecord) error {
	v, err := v.Normalize()
	if err != nil {
		return err
	}
	_, err = tx.exec(`INSERT INTO version(name, version, sha256, product, source) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT(name, version, sha256) DO UPDATE SET product = excluded.product, source = excluded.source`,
		v.Name, v.Version, v.SHA256, v.Product, v.Source)
	return err
}

func (tx *storeTx) AddParent(name, parent string) error { return tx.relate(name, "parent", parent) }

func (tx *storeTx) AddModule(name, module string) error { return tx.relate(name, "module", module) }

func (tx *storeTx) relate(name, kind, other string) error {
	n, err := checkName("relationship", name)
	if err != nil {
		return err
	}
	o, err := checkName("relationship", other)
	if err != nil {
		return err
	}
	_, err = tx.exec("INSERT INTO relation(name, kind, other) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", n, kind, o)
	return err
}

func (tx *storeTx) PutPublisher(p reputation.Publisher) error {
	p, err := p.Normalize()
	if err != nil {
		return err
	}
	_, err = tx.exec(`INSERT INTO publisher(key, subject, thumbprint, note) VALUES (?, ?, ?, ?)
		ON CONFLICT(key) DO UPDATE SET subject = excluded.subject, note = excluded.note`,
		publisherKey(strings.ToLower(p.Subject), p.Thumbprint), p.Subject, p.Thumbprint, p.Note)
	return err
}

func (tx *storeTx) PutCatalogMember(m reputation.CatalogMember) error {
	m, err := m.Normalize()
	if err != nil {
		return err
	}
	_, err = tx.exec(`INSERT INTO catalog_member(hash, catalog, signer) VALUES (?, ?, ?)
		ON CONFLICT(hash, catalog) DO UPDATE SET signer = excluded.signer`, hashBytes(m.Hash), m.Catalog, m.Signer)
	return err
}

// setMeta writes a meta row inside the transaction.
func (tx *storeTx) setMeta(key, value string) error {
	_, err := tx.exec("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", key, value)
	return err
}

// defaultFile is the default knowledge base's file name. It names the
// first schema and stays when a newer schema upgrades the file in place
// (see [SchemaVersion]), so that what a user imported into the default
// knowledge base is kept; it would change only for a schema that cannot
// be reached from the old one.
const defaultFile = "kb-v1.sqlite"

// DefaultPath returns where [Default] keeps its database unless [WithPath]
// says otherwise: filerep/kb-v1.sqlite under [os.UserCacheDir], upgraded
// in place to newer schemas.
func DefaultPath() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("store: default knowledge base: %w", err)
	}
	return filepath.Join(dir, "filerep", defaultFile), nil
}
