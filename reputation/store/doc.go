// Package store keeps a filerep knowledge base in an SQLite database file
// and fills it: [Store] implements [reputation.KnowledgeBase] and
// [reputation.Writer] through the cgo-free modernc.org/sqlite, [Default]
// opens the cached default knowledge base built from the seed embedded in
// package reputation, and the importers read NIST's NSRL RDS v3
// ([ImportNSRL]), plain hash lists ([ImportHashList], [ParseHashLine]) and
// JSON Lines of filerep reports ([ImportReports]) into any
// [reputation.Writer], a [reputation.MemKB] as well as a Store.
//
// The verdict logic and the knowledge-base interfaces are in package
// github.com/filerep/filerep/reputation, which links no database; import
// this package only where the SQLite file or an importer is needed, as
// examples/kb and examples/report do. The root package filerep does not
// import it: pass a Store to filerep.WithKnowledgeBase.
//
// # Importers
//
// Each importer streams its input, commits every [WithBatchSize] lines (or
// rows) in one [reputation.Writer.Update] transaction, and returns an
// [ImportResult] with the bad lines and their numbers; a committed batch
// survives a crash of the importer. ImportNSRL reads SQLite too, so it
// lives here with the Store.
//
// # The default knowledge base
//
// [Default] opens the database at [DefaultPath] (filerep/kb-v1.sqlite in
// the user cache directory), creating it on first use and seeding it with
// [reputation.Seed]; a file that recorded an older seed gets the new one.
// Several processes may start at once: the first to link its private file
// into place wins.
//
// # Why SQLite
//
// The store had to be a real database file that many readers share, that
// loses nothing committed when a writer is killed, and that tells a
// damaged or foreign file apart with a clear error. Both candidates, SQLite
// through the cgo-free modernc.org/sqlite and go.etcd.io/bbolt, can do
// that; we measured them with the same layout (records appended by id,
// three indexes from an 8-byte hash prefix to the id), one million records
// of three hashes, transactions of 50,000, on the 2-core development
// machine while other work ran on it (so ±30%):
//
//	                                        SQLite (modernc)   bbolt 1.5
//	import, random hashes                   20,000 rec/s       7,200 rec/s
//	file size after import                  208 MiB            417 MiB
//	point lookups by SHA-256, 1 goroutine   23,000–60,000/s    200,000/s
//	cold open + first lookup                2–9 ms             0.2 ms
//	binary size added (database/sql stub)   +7.3 MB            +0.7 MB
//	page overwritten with garbage           SQLITE_CORRUPT     panic in the reader
//	second process while one writes         reads (WAL)        waits (file lock)
//
// A first layout with 32-byte blob keys and 10,000 records per
// transaction imported at 3,600 rec/s into SQLite (259 MiB) and 8,800
// rec/s into bbolt (492 MiB): with random keys every transaction rewrites
// pages all over each index, so small index entries and big batches matter
// more than the engine. BenchmarkStore1M (bench_test.go) repeats the
// SQLite measurement.
//
// We chose SQLite. bbolt's lookups are several times faster, but tens of
// thousands per second is far more than a verdict needs (a handful per
// file, next to milliseconds of parsing). SQLite imports faster and
// stores smaller; it lets examples/report read the knowledge base while
// examples/kb imports into it, where bbolt's exclusive file lock would make
// one wait; it reports a damaged page as an error rather than a panic in
// memory-mapped code; and the NSRL RDS v3 is itself an SQLite database,
// so modernc.org/sqlite is needed anyway: SQLite for the store adds no
// second dependency, while bbolt would add its own 0.7 MB to SQLite's
// 7.3 MB. The file can also be inspected with the sqlite3 shell.
//
// # The Store file
//
// The file is SQLite 3 in WAL mode, its header marked with application_id
// "fRKB" (0x66524B42) and user_version [SchemaVersion]; a meta table
// repeats format and schema and records the seed version. [Open] checks
// the SQLite magic, then these marks and the tables, and fails with
// [reputation.ErrForeign] (random bytes, text, an SQLite database of another
// schema), [reputation.ErrCorrupt] (our marks, damaged content) or [reputation.ErrSchemaVersion]
// (newer schema). Damage found later surfaces as [reputation.ErrCorrupt] from the
// lookup that met it; [Store.Check] verifies every page. Each
// [Store.Update] is one BEGIN IMMEDIATE transaction committed with
// synchronous=FULL, so a writer killed at any moment leaves every
// committed batch and a usable file; the tests kill a writer process
// mid-import to show it.
//
// A file of an older schema is upgraded in place when it is opened
// read-write, and read as it is when opened read-only (see
// [SchemaVersion]); the default knowledge base keeps its file name across
// upgrades.
//
// Tables: file (id, k256/k1/k5 = first 8 bytes of each hash as an integer,
// sha256/sha1/md5 blobs, source, trust, name, product, version,
// publisher, and since schema 2 the similarity digests ssdeep, ssdeep_bs
// (its block size) and tlsh; an index on each k column, and partial
// indexes on (ssdeep_bs, ssdeep) and on tlsh), name (name, system), path (name,
// normalized key, display path, count), version, relation (name, kind
// parent|module, other), publisher (key "t:<thumbprint>" or
// "s:<lower-cased subject>"), catalog_member (hash, catalog, signer).
//
// # Similar files
//
// [Store.Similar] ([reputation.SimilarityIndex]) compares digests in Go,
// reading from the two partial indexes only the ssdeep digests of the
// three comparable block sizes and every TLSH digest, so a lookup costs
// in proportion to the records that have digests (records without them,
// such as an NSRL import, cost nothing). BenchmarkSimilar100k measures
// 100,000 records with both digests, on the 2-core development machine
// with other work running (±30%): 95 ms a lookup by TLSH, 175 ms by
// ssdeep, 250 ms by both; a MemKB takes 57, 210 and 235 ms. Most of the
// ssdeep time is ssdeep.Compare on the candidates of a comparable block
// size (about 7 µs each); TLSH distances cost under 1 µs. That suits
// knowledge bases of up to some hundred thousand digests; beyond,
// an index of digest n-grams would pick candidates instead of a scan.
package store
