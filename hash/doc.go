// Package hash computes the digests and the byte entropy of a file in one
// pass: MD5, SHA-1, SHA-256, BLAKE3 and a byte [Histogram], from a []byte
// ([Sum], [SumContext]), from an [io.Reader] ([SumReader]) or as an
// [io.Writer] ([Multi]). It knows nothing of PE; [Entropy] is there for
// per-section entropy.
//
// Digests are fixed-size arrays ([MD5], [SHA1], [SHA256], [BLAKE3]) whose
// text form is lower-case hex, so they work as JSON values and map keys.
//
// # One pass
//
// The input is cut into chunks of 256 KiB, a multiple of every hasher's
// 64-byte block, and each chunk goes through the four hash functions and
// the histogram while it is still in cache: the input comes from memory
// once. Hashing a large buffer with each function in turn reads it from
// memory five times; on the 2-core machine we measure on, that ran at about
// 400 MB/s against 520–540 MB/s for the chunked pass on two cores.
//
// # Concurrency
//
// Each hash function is a chain (chunk i+1 needs the state after chunk i),
// so one input's hashing can only be spread by giving the functions to
// different goroutines. MD5 is the slowest by far (about 650–700 MB/s on
// one core, against 1.5 GB/s for SHA-1 and SHA-256, 2 GB/s for the
// histogram and 3 GB/s for BLAKE3): it is about 40% of the work, so on two
// cores the best possible is about 0.85 times the speed of MD5 alone.
//
// [Sum] and [SumReader] turn each chunk into five tasks (four hashes and the
// histogram, which any goroutine can count into a histogram of its own) and
// let up to four goroutines, never more than GOMAXPROCS, share them: a free
// goroutine takes, among the tasks it can run now, the one on the oldest
// chunk, the slowest first, with at most four chunks in flight. On two
// cores this settles into one goroutine running MD5 nearly all the time and
// the other SHA-1, SHA-256 and the rest, the histogram and BLAKE3 of a
// chunk going to whichever is free first, which keeps both busy (the idle
// time we measured was under 0.1%). It was as fast as the best fixed split
// (MD5 and BLAKE3 on one goroutine, the rest on the other), faster than
// MD5 alone against the rest (which leaves the MD5 goroutine waiting), and
// unlike a fixed split it adapts to other machines' speeds and to a core
// taken by another process. For streams, reading the next chunk is one more
// task, done ahead while the hashers work.
//
// Small inputs (under 256 KiB) and every input when GOMAXPROCS is 1 are
// hashed serially on the calling goroutine: there, goroutines cost more
// than they give. A [Multi] always hashes on the calling goroutine, which
// also suits a program that already keeps every core busy with files of
// its own.
//
// # Cost
//
// Sum of a small input does not allocate; hasher states and stream buffers
// (at most 1 MiB per concurrent call) come from sync.Pools. Every function
// and method is safe for concurrent use except the methods of a [Multi] or
// [Histogram] value on that one value.
package hash
