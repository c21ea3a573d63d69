// Package hash computes the digests and the byte entropy of a file in one
// pass: MD5, SHA-1, SHA-256, BLAKE3 and a byte histogram.
package hash
