// Package ssdeep computes and compares ssdeep digests: the
// context-triggered piecewise hashes (CTPH) of Kornblum's 2006 paper
// "Identifying almost identical files using context triggered piecewise
// hashing", in the form ssdeep 2.x prints them, blocksize:hash1:hash2.
//
// The digests are equal byte for byte to those of Debian's ssdeep 2.14.1
// (libfuzzy's fuzzy_hash_buf and fuzzy_hash_stream), and [Compare] returns
// the score of its fuzzy_compare, the number `ssdeep -d` and `ssdeep -x`
// print; the tests check both against output recorded from that tool
// (hash/internal/simtest/record.sh).
//
// # The algorithm
//
// A rolling hash over the last 7 bytes decides where a piece of the input
// ends: at every byte where it is congruent to -1 modulo the block size b.
// Each piece is summarised by 6 bits of an FNV-style hash of its bytes, one
// base64 character. hash1 is the string of those characters for block size
// b, hash2 the same for 2b, cut to 32 characters.
//
// The block size is chosen so that hash1 has between 32 and 64 characters:
// the smallest b = 3·2^k with 64·b at least the input's size, halved while
// hash1 would be shorter than 32 characters. The original spamsum and
// ssdeep before 2.10 hashed the input again after each halving. Like
// libfuzzy since 2.10, this package needs one pass only, whatever the
// input: a [Hash] runs the piece hashes of every candidate block size at
// once, starting a block size's state when the one below it first ends a
// piece, and dropping the smallest once it can no longer be chosen. Inputs
// of any length are therefore streamed without being held in memory and
// without a second read: no input needs one. What the retry rule costs
// instead is per byte: every byte steps the 6-bit piece hash of each live
// block size, twice (hash1's and hash2's cut), where a retrying
// implementation steps one. A Hash keeps those states 8 to a 64-bit word
// and steps a word in a few instructions. On real files 7 to 9 block sizes
// are live (from about the input's size/128 up to about its size), so one
// or two words; inputs that end pieces for many block sizes at once
// (some runs of a single byte value) fall back to a loop over up to four
// words. On one core that makes [Sum] 1.3 to 2 times as fast as ssdeep
// 2.14.1 (hash/internal/simtest/bench.sh). The state is fixed: about 2.3
// KiB, no allocation.
//
// # Comparing
//
// [Compare] scores two digests from 0 (nothing in common) to 100
// (identical), as fuzzy_compare does: only digests whose block sizes are
// equal or differ by a factor of two are comparable; runs of more than three
// equal characters are shortened to three; two strings score only if they
// share a substring of 7 characters; the score is 100 minus their weighted
// edit distance (insertion and deletion 1, substitution 2) scaled by their
// lengths to 0..100, and capped for small block sizes so that short inputs
// cannot claim a high match.
package ssdeep
