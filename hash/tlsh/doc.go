// Package tlsh computes and compares TLSH digests (Trend Micro's
// locality-sensitive hash: Oliver, Cheng and Chen, "TLSH – A Locality
// Sensitive Hash", 2013), in the standard form: 128 buckets and a one-byte
// checksum, 35 bytes written as 70 hexadecimal digits, with the "T1"
// prefix of TLSH 4 and later ([Digest.String]) or without it, as Debian's
// tlsh 3.4 prints it ([Digest.Hex]).
//
// The digests are equal to those of Debian's libtlsh 3.4.4 (the `tlsh`
// command of the tlsh-tools package), and [Distance] and
// [DistanceNoLength] to its totalDiff with and without the length term
// (`tlsh -c` without and with -xlen); the tests check them against output
// recorded from that tool (hash/internal/simtest/record.sh).
//
// # The algorithm
//
// A window of 5 bytes slides over the input. At each position, six
// triplets of the window's bytes (each including the newest byte) go
// through a Pearson hash into one of 256 buckets; the first 128 count. A
// one-byte checksum chains the Pearson hash of each pair of newest bytes.
// At the end, the quartiles q1 ≤ q2 ≤ q3 of the 128 bucket counts turn
// each bucket into two bits (above q3, above q2, above q1, or not): those
// 32 bytes are the body of the digest. Its header holds the checksum, a
// byte for the input's length on a logarithmic scale, and q1/q3 and q2/q3
// as percentages modulo 16.
//
// A [Hash] streams its input in one pass with a fixed state of about 1
// KiB. On one core [Sum] runs 2.8 to 3.1 times as fast as tlsh 3.4.4
// (hash/internal/simtest/bench.sh): the first two steps of each triplet's
// Pearson hash, which depend only on the newest byte, come from a table.
//
// # Minimum input
//
// libtlsh 3.4.4 gives no digest, and neither does this package, for:
//
//   - inputs shorter than 256 bytes ([MinSize]): [ErrTooShort]. TLSH 4
//     lowered this to 50 bytes; the 3.4 tool, which the digests here are
//     checked against, prints "file too small" below 256, so a 50 to 255
//     byte input gets no digest here either.
//   - inputs whose triplets fill no more than half (64) of the 128
//     buckets: [ErrTooSimple]. All-zero input, or any run of one byte,
//     fills a handful; so do short inputs built from a few values.
//
// Both errors are returned wrapped, with the input's size, and can be told
// apart with errors.Is; both also wrap [ErrNoDigest].
//
// # Distance
//
// [Distance] is 0 for equal digests and grows with the difference: the
// body's buckets count up to 6 each (1 per quartile step, 6 for the
// farthest pair), the header's checksum 1, the quartile ratios and the
// length 12 per step beyond the first. Small distances (tens)
// mean similar inputs; where to cut depends on the false positives a use
// can bear.
// [DistanceNoLength] leaves the length term out.
package tlsh
