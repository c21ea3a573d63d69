// Package hash computes the digests and the byte entropy of a file in one
// pass: MD5, SHA-1, SHA-256, BLAKE3 and a byte [Histogram], from a []byte
// ([Sum], [SumContext]; [SumDigestsContext] leaves the histogram out), from
// an [io.Reader] ([SumReader]) or as an [io.Writer] ([Multi]). It knows
// nothing of PE; [Entropy] and [Histogram] are there for per-section
// entropy.
//
// Digests are fixed-size arrays ([MD5], [SHA1], [SHA256], [BLAKE3]) whose
// text form is lower-case hex, so they work as JSON values and map keys.
//
// # One pass
//
// The input is cut into chunks of 256 KiB, a multiple of every hasher's
// 64-byte block, and each chunk goes through the four hash functions and
// the histogram while it is still in cache, so the input comes from memory
// once. On our 2-core test machine, two goroutines each running their
// functions over a whole 256 MiB input reached 515–530 MB/s, against
// 545–565 MB/s for the chunked pass.
//
// # Concurrency
//
// Each hash function is a chain (chunk i+1 needs the state after chunk i),
// so the hashing of one input can only be spread by giving the functions to
// different goroutines. MD5 is the slowest by far: on one core about
// 650 MB/s, against 1.5–1.6 GB/s for SHA-1 and SHA-256, 2.2 GB/s for the
// histogram and 3.3 GB/s for BLAKE3. It is 40% of the work, so on two cores
// the best possible is about 0.85 times the speed of MD5 alone.
//
// [Sum] and [SumReader] turn each chunk into five tasks (four hashes and the
// histogram, which any goroutine can count into a histogram of its own) and
// let up to four goroutines, never more than GOMAXPROCS, share them: a free
// goroutine takes, among the tasks it can run now, the one on the oldest
// chunk, the slowest first, with at most four chunks in flight. On two
// cores this settles into one goroutine running MD5 nearly all the time and
// the other SHA-1, SHA-256 and the rest, the histogram and BLAKE3 of a
// chunk going to whichever is free first; the goroutines were idle less
// than 0.1% of the time. Sum of 256 MiB ran at 0.80–0.87 times MD5 alone.
// That matched the best fixed splits (MD5 with BLAKE3, or with the
// histogram, on one goroutine and the rest on the other), beat MD5 alone
// against the rest (about 0.7 times MD5: that goroutine has more work than
// MD5's, which waits for it) and, unlike a fixed split, needs no retuning
// for machines whose hashers run at other relative speeds. For streams,
// reading the next chunk is one more task, done ahead while the hashers
// work. When another process keeps one of two cores busy, Sum falls to
// about the speed of one goroutine (270 MB/s here), not below it.
//
// Small inputs (under 256 KiB) and every input when GOMAXPROCS is 1 are
// hashed serially on the calling goroutine: there, goroutines cost more
// than they give. A [Multi] always hashes on the calling goroutine, which
// also suits a program that already keeps every core busy with files of
// its own.
//
// # Similarity digests
//
// ssdeep and TLSH (packages [github.com/filerep/filerep/hash/ssdeep] and
// [github.com/filerep/filerep/hash/tlsh]) join the same pass when asked
// for: [SumSome] or [SumReaderSome] with [DigestSSDEEP] and [DigestTLSH]
// (together [SimilarityDigests]; [EveryDigest] is everything) fill
// Sums.SSDEEP and Sums.TLSH, each as one more task per chunk. They are
// opt-in because they cost more than the other four together: on one core
// ssdeep runs at about 250 MB/s and TLSH at about 260 MB/s, against 650
// for MD5. On our 2-core machine, with the cores free, SumSome with every
// digest ran at 130 MB/s against 485 MB/s for Sum (3.7 times the time),
// and faster than Sum followed by ssdeep and TLSH on the same bytes (85
// MB/s). The default functions never run them and are as fast as before.
//
// # Cost
//
// Sum of a small input does not allocate; hasher states and stream buffers
// (1 MiB per concurrent SumReader call) come from sync.Pools. Every
// function and method is safe for concurrent use, except the methods of
// one [Multi] or [Histogram] value.
package hash
