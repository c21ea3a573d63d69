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
//     ([KnowledgeBase.CatalogMembers]);
//   - files similar to a file, by the ssdeep and TLSH digests that file
//     records may carry: an optional interface, [SimilarityIndex], that
//     MemKB, Layered and the SQLite store implement ([FindSimilar] asks any
//     knowledge base), with the thresholds [SimilarSSDeepScore] and
//     [SimilarTLSHDistance].
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
// at all. [Seed] writes the seed embedded in the binary (data/seed.json)
// through any Writer: the two Microsoft signing subjects, the typical
// paths and parents of well-known Windows system files, and the alg.exe
// record of the seed page; it holds no hash or thumbprint that is not on
// the seed page. [IndexCatalogs] reads a tree of signed catalogs (such as
// a Windows tree's System32\CatRoot), verifies them and records their
// members through a Writer; the root package uses it to index the CatRoot
// of the Windows tree a file lives in.
//
// [MemKB] keeps a knowledge base in memory, for tests and small users;
// [Layered] asks several in turn (a catalog index in front of a stored
// knowledge base, say). Both,
// and any implementation a user writes, pass the conformance suite in
// github.com/filerep/filerep/reputation/kbtest. An implementation checks
// records with the Normalize methods ([FileRecord.Normalize], …) and
// orders results with [SortFiles], [SortPaths], [SortVersions] and
// [SortCatalogMembers], and a [SimilarityIndex] decides and orders with a
// [SimilarMatcher], so that it answers as MemKB does.
//
// # What is not here: storage
//
// This package links no database. The SQLite knowledge base (Store, the
// cached default knowledge base built from the seed) and the importers
// (NSRL RDS v3, hash lists, JSON Lines of reports) are in
// github.com/filerep/filerep/reputation/store, which only the programs
// that use them import: a program that analyses files with a MemKB, with
// no knowledge base, or with one a caller passes in does not carry
// SQLite (about 7 MB). Everything above, [IndexCatalogs] included, is pure
// Go.
package reputation
