// Package reputation turns a file report and a knowledge base into a
// verdict: should this file be blocked?
//
// The verdict logic (Evaluate and its signals) reads a [KnowledgeBase];
// this overview describes the knowledge base.
//
// # Knowledge base
//
// A [KnowledgeBase] answers what is known about a file beyond its bytes:
//
//   - known files: MD5, SHA-1 or SHA-256 → name, product, version,
//     publisher, source ("nsrl", "hashlist", "catalog", "report", "seed")
//     and [Trust] (known-good, known-bad, or merely known), one
//     [FileRecord] per file and source ([KnowledgeBase.Files]);
//   - typical paths of a file name, with counts and shares, and whether
//     the name is a Windows system file ([KnowledgeBase.TypicalPaths]) —
//     the verdict flags a system file name found outside its typical
//     paths;
//   - additional versions of a file name ([KnowledgeBase.Versions]);
//   - relationships: the processes that start a file name and the modules
//     it loads ([KnowledgeBase.Relationships]);
//   - trusted publishers, by certificate subject common name or by SHA-256
//     thumbprint ([KnowledgeBase.Publisher]);
//   - catalog members: authentihashes listed by a signed catalog
//     ([KnowledgeBase.CatalogMembers]).
//
// Every lookup returns an error wrapping [ErrNotFound] when nothing is
// known. Names, paths, hashes and subjects are compared in one normalized
// form ([NormalizeName], [NormalizePath], [NormalizeHash],
// [SubjectCommonName]), so that "C:/WINDOWS/system32/ALG.EXE" and
// "%SystemRoot%\System32\alg.exe" are the same path.
//
// A knowledge base records claims, and says where each came from: a
// subject name in the publisher list means nothing unless the certificate
// chain was verified to a trusted root, and a report's company name is
// what the file says about itself (design.md, principle 4).
//
// The write side is [Writer]: [Writer.Update] runs a function in one
// transaction, whose [Tx] puts records; everything commits together or not
// at all. Importers use it in batches: [ImportNSRL] (the NSRL RDS v3
// SQLite database), [ImportHashList] (one hash per line) and
// [ImportReports] (JSON Lines of filerep reports, for versions and
// paths). Each streams its input, commits every [WithBatchSize] lines,
// and returns an [ImportResult] with the bad lines and their numbers.
//
// Two implementations pass the same conformance suite,
// github.com/filerep/filerep/reputation/kbtest: [MemKB], in memory, for
// tests and small users; and [Store], an SQLite database file. [Default]
// opens the default Store in the user cache directory, creating it on
// first use and seeding it ([Seed]) from data embedded in the binary
// (data/seed.json): the two Microsoft signing subjects, the typical paths
// and parents of well-known Windows system files, and the alg.exe record
// of the seed page. The seed holds no hash or thumbprint that is not on
// the seed page.
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
// more than the engine. BenchmarkStore1M (kb_bench_test.go) repeats the
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
// [ErrForeign] (random bytes, text, an SQLite database of another
// schema), [ErrCorrupt] (our marks, damaged content) or [ErrSchemaVersion]
// (newer schema). Damage found later surfaces as [ErrCorrupt] from the
// lookup that met it; [Store.Check] verifies every page. Each
// [Store.Update] is one BEGIN IMMEDIATE transaction committed with
// synchronous=FULL, so a writer killed at any moment leaves every
// committed batch and a usable file; the tests kill a writer process
// mid-import to show it.
//
// Tables: file (id, k256/k1/k5 = first 8 bytes of each hash as an integer,
// sha256/sha1/md5 blobs, source, trust, name, product, version,
// publisher; an index on each k column), name (name, system), path (name,
// normalized key, display path, count), version, relation (name, kind
// parent|module, other), publisher (key "t:<thumbprint>" or
// "s:<lower-cased subject>"), catalog_member (hash, catalog, signer).
package reputation
