package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/filerep/filerep/reputation"
)

// NIST's NSRL Reference Data Set, version 3, ships as an SQLite database;
// ImportNSRL reads these parts of the schema.sql that comes with it:
//
//	FILE(sha256, sha1, md5, crc32, file_name, file_size, package_id)  hashes in upper-case hex
//	PKG(package_id, name, version, operating_system_id, manufacturer_id, language, application_type)
//	MFG(manufacturer_id, name)
//
// (OS and VERSION are not needed.) The primary key of FILE starts with
// sha256, so reading FILE in sha256 order walks that index without sorting,
// brings the copies of one file (the same file in many packages) together,
// and appends to the knowledge base's hash index in order.
//
// That holds while every sha256 is written as the RDS writes it, in
// upper-case hex: then the order of the text is the order of the hashes,
// and rows of one file are neighbours. A row written otherwise (lower or
// mixed case, surrounding white space) sorts elsewhere as text, and the
// rows of one file would not meet: the later one would replace the
// earlier. So a database with such rows, or without the index, is read in
// the order of the normalised hash (a sort) instead.

// nsrlPackage is what a FILE row needs from PKG and MFG.
type nsrlPackage struct {
	name, version, publisher string
}

// ImportNSRL imports the NSRL RDS v3 SQLite database at path into w, one
// [reputation.FileRecord] per distinct file (source "nsrl", trust [reputation.TrustKnown] unless
// [WithTrust]): its three hashes, its file name, and the name, version and
// manufacturer of the first package (by package_id order) that lists it.
// Rows whose hashes are malformed are bad, reported by row number; further
// rows of a file already imported are skipped. Rows are read in the order
// of their sha256, compared as hashes (case and surrounding white space
// ignored, as [reputation.NormalizeHash] does), so the row imported for a file is the
// first of its rows in that order (ties: by the sha256 as written, then
// sha1, md5, file name and package), whatever the spelling of the others.
//
// The NSRL file is opened read-only. A file that is not SQLite, or lacks
// the FILE table and its columns, gives an error wrapping [reputation.ErrForeign]; a
// damaged one, an error wrapping [reputation.ErrCorrupt] (after the batches counted in
// the result).
// Streaming, batching and errors are as for [ImportHashList].
func ImportNSRL(ctx context.Context, w reputation.Writer, path string, opts ...ImportOption) (ImportResult, error) {
	cfg, err := makeImportConfig("nsrl", opts)
	if err != nil {
		return ImportResult{}, err
	}
	if err := readHeader(path); err != nil {
		return ImportResult{}, fmt.Errorf("store: nsrl: %w", err)
	}
	c := storeConfig{busyTimeout: 0, cacheMiB: 16}
	db, err := sql.Open("sqlite", c.dsn(path, "ro"))
	if err != nil {
		return ImportResult{}, fmt.Errorf("store: nsrl: %w", err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	// fail wraps an error of the RDS; damage shows as ErrCorrupt.
	fail := func(err error) error { return fmt.Errorf("store: nsrl %s: %w", path, wrapSQLite(err)) }
	cols, err := nsrlColumns(ctx, db)
	if err != nil {
		return ImportResult{}, fail(err)
	}
	for _, need := range []string{"sha256", "sha1", "md5", "file_name", "package_id"} {
		if !cols["FILE"][need] {
			return ImportResult{}, fmt.Errorf("store: nsrl %s: %w: not an RDS v3 database (FILE.%s missing)", path, reputation.ErrForeign, need)
		}
	}
	pkgs, err := nsrlPackages(ctx, db, cols)
	if err != nil {
		return ImportResult{}, fail(err)
	}

	q, err := nsrlQuery(ctx, db)
	if err != nil {
		return ImportResult{}, fail(err)
	}
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return ImportResult{}, fail(err)
	}
	defer rows.Close()

	b := &batcher{ctx: ctx, w: w, cfg: cfg}
	var row int64
	var last string // normalised sha256 of the previous good row
	for rows.Next() {
		row++
		var s256, s1, m5, name sql.NullString
		var pkg sql.NullInt64
		if err := rows.Scan(&s256, &s1, &m5, &name, &pkg); err != nil {
			b.bad(row, nil, err.Error())
			continue
		}
		rec := reputation.FileRecord{
			SHA256: s256.String, SHA1: s1.String, MD5: m5.String,
			Name: name.String, Source: cfg.source, Trust: cfg.trust,
		}
		if p, ok := pkgs[pkg.Int64]; ok && pkg.Valid {
			rec.Product, rec.Version, rec.Publisher = p.name, p.version, p.publisher
		}
		if !s256.Valid || s256.String == "" {
			b.bad(row, nsrlText(s256, s1, m5, name), "row without sha256")
			continue
		}
		rec, err := rec.Normalize()
		if err != nil {
			b.bad(row, nsrlText(s256, s1, m5, name), err.Error())
			continue
		}
		if rec.SHA256 == last {
			b.res.Skipped++
			continue
		}
		last = rec.SHA256
		if err := b.add(func(tx reputation.Tx) error { return tx.PutFile(rec) }); err != nil {
			return b.res, err
		}
	}
	if err := rows.Err(); err != nil {
		return b.res, fail(fmt.Errorf("row %d: %w", row+1, err))
	}
	return b.res, b.flush()
}

// nsrlText renders a bad FILE row for its BadLine.
func nsrlText(s256, s1, m5, name sql.NullString) []byte {
	return []byte(strings.Join([]string{s256.String, s1.String, m5.String, name.String}, ","))
}

// nsrlColumns lists the columns of FILE, PKG and MFG, by table.
func nsrlColumns(ctx context.Context, db *sql.DB) (map[string]map[string]bool, error) {
	out := map[string]map[string]bool{}
	for _, t := range []string{"FILE", "PKG", "MFG"} {
		rows, err := db.QueryContext(ctx, "SELECT name FROM pragma_table_info(?)", t)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				rows.Close()
				return nil, err
			}
			if out[t] == nil {
				out[t] = map[string]bool{}
			}
			out[t][strings.ToLower(n)] = true
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// nsrlPackages loads PKG joined with MFG, keeping the first row of each
// package_id. Either table may be missing, and rows that do not scan (a
// package_id that is not a number) are left out; files of such packages
// carry no product or publisher.
func nsrlPackages(ctx context.Context, db *sql.DB, cols map[string]map[string]bool) (map[int64]nsrlPackage, error) {
	pkgs := map[int64]nsrlPackage{}
	pc := cols["PKG"]
	if !pc["package_id"] || !pc["name"] {
		return pkgs, nil
	}
	mfg := map[int64]string{}
	if mc := cols["MFG"]; mc["manufacturer_id"] && mc["name"] {
		rows, err := db.QueryContext(ctx, "SELECT manufacturer_id, name FROM MFG")
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id sql.NullInt64
			var n sql.NullString
			if err := rows.Scan(&id, &n); err != nil || !id.Valid {
				continue
			}
			mfg[id.Int64] = n.String
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, err
		}
	}
	version, mfgID := "''", "NULL"
	if pc["version"] {
		version = "version"
	}
	if pc["manufacturer_id"] {
		mfgID = "manufacturer_id"
	}
	rows, err := db.QueryContext(ctx, "SELECT package_id, name, "+version+", "+mfgID+" FROM PKG ORDER BY package_id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, m sql.NullInt64
		var n, v sql.NullString
		if err := rows.Scan(&id, &n, &v, &m); err != nil || !id.Valid {
			continue
		}
		if _, seen := pkgs[id.Int64]; seen {
			continue
		}
		p := nsrlPackage{name: n.String, version: v.String}
		if m.Valid {
			p.publisher = mfg[m.Int64]
		}
		pkgs[id.Int64] = p
	}
	return pkgs, rows.Err()
}

// nsrlSpace lists, for SQLite's trim(), the characters strings.TrimSpace
// removes (Unicode White_Space), so that the sort key below trims what
// NormalizeHash trims.
const nsrlSpace = "char(9, 10, 11, 12, 13, 32, 133, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8232, 8233, 8239, 8287, 12288)"

// nsrlQuery returns the query that reads FILE with the rows of each file
// together, in the order of the normalised sha256: by the index when every
// sha256 is upper-case hex and the index exists, else by a sort on the
// normalised text (upper-case, trimmed: for a valid hash that is the
// hash's order and identity; malformed rows are bad whatever their place).
func nsrlQuery(ctx context.Context, db *sql.DB) (string, error) {
	const q = "SELECT sha256, sha1, md5, file_name, package_id FROM FILE"
	indexed, err := nsrlOrderedScan(ctx, db, q+" ORDER BY sha256")
	if err != nil {
		return "", err
	}
	if indexed {
		var respelled bool
		// Any character but upper-case hex digits.
		if err := db.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM FILE WHERE sha256 GLOB '*[^0-9A-F]*')").Scan(&respelled); err != nil {
			return "", err
		}
		if !respelled {
			return q + " ORDER BY sha256", nil
		}
	}
	return q + " ORDER BY upper(trim(sha256, " + nsrlSpace + ")), sha256, sha1, md5, file_name, package_id", nil
}

// nsrlOrderedScan reports whether SQLite can run q (which ends in ORDER BY
// sha256) by walking an index rather than sorting the whole table in a
// temporary B-tree.
func nsrlOrderedScan(ctx context.Context, db *sql.DB, q string) (bool, error) {
	rows, err := db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	ordered := true
	for rows.Next() {
		var id, parent, notused int64
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			return false, err
		}
		if strings.Contains(detail, "TEMP B-TREE") {
			ordered = false
		}
	}
	return ordered, rows.Err()
}
