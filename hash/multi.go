package hash

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	stdhash "hash"

	"github.com/zeebo/blake3"

	"github.com/filerep/filerep/hash/ssdeep"
	"github.com/filerep/filerep/hash/tlsh"
)

// hashers holds one running state of each hash function.
type hashers struct {
	md5    stdhash.Hash
	sha1   stdhash.Hash
	sha256 stdhash.Hash
	blake3 *blake3.Hasher
	// The similarity digests, written only when asked for; dirty says
	// which have been since the last reset.
	// Padding keeps the per-byte writes of one goroutine off the cache
	// lines another writes to (TLSH's bucket counts, a histogram).
	_      [64]byte
	ssdeep ssdeep.Hash
	_      [64]byte
	tlsh   tlsh.Hash
	dirty  Digests
	_      [64]byte
	// out receives each digest in turn. It lives on the heap with the
	// hashers, so that passing it to Sum through an interface costs no
	// allocation.
	out [32]byte
}

func newHashers() *hashers {
	h := new(hashers)
	h.init()
	return h
}

func (h *hashers) init() {
	h.md5 = md5.New()
	h.sha1 = sha1.New()
	h.sha256 = sha256.New()
	h.blake3 = blake3.New()
	h.ssdeep.Reset()
}

func (h *hashers) reset() {
	h.md5.Reset()
	h.sha1.Reset()
	h.sha256.Reset()
	h.blake3.Reset()
	if h.dirty&DigestSSDEEP != 0 {
		h.ssdeep.Reset()
	}
	if h.dirty&DigestTLSH != 0 {
		h.tlsh.Reset()
	}
	h.dirty = 0
}

// write feeds p to the hashers of which, one after the other: callers
// pass pieces of at most chunkSize bytes so that p stays in cache for all.
func (h *hashers) write(p []byte, which Digests) {
	if which&DigestMD5 != 0 {
		h.md5.Write(p)
	}
	if which&DigestSHA1 != 0 {
		h.sha1.Write(p)
	}
	if which&DigestSHA256 != 0 {
		h.sha256.Write(p)
	}
	if which&DigestBLAKE3 != 0 {
		h.blake3.Write(p)
	}
	if which&SimilarityDigests != 0 {
		h.writeSimilarity(p, which)
	}
}

func (h *hashers) writeSimilarity(p []byte, which Digests) {
	if which&DigestSSDEEP != 0 {
		h.ssdeep.Write(p)
	}
	if which&DigestTLSH != 0 {
		h.tlsh.Write(p)
	}
	h.dirty |= which & SimilarityDigests
}

// sum stores the digests of which in s without changing the hashers'
// state; the others stay as they are (zero).
func (h *hashers) sum(s *Sums, which Digests) {
	if which&DigestMD5 != 0 {
		copy(s.MD5[:], h.md5.Sum(h.out[:0]))
	}
	if which&DigestSHA1 != 0 {
		copy(s.SHA1[:], h.sha1.Sum(h.out[:0]))
	}
	if which&DigestSHA256 != 0 {
		copy(s.SHA256[:], h.sha256.Sum(h.out[:0]))
	}
	if which&DigestBLAKE3 != 0 {
		copy(s.BLAKE3[:], h.blake3.Sum(h.out[:0]))
	}
	if which&SimilarityDigests != 0 {
		h.sumSimilarity(s, which)
	}
}

func (h *hashers) sumSimilarity(s *Sums, which Digests) {
	if which&DigestSSDEEP != 0 {
		s.SSDEEP, s.SSDEEPErr = h.ssdeep.Digest()
	}
	if which&DigestTLSH != 0 {
		s.TLSH, s.TLSHErr = h.tlsh.Digest()
	}
}

// Multi is an [io.Writer] that feeds everything written to it to MD5,
// SHA-1, SHA-256, BLAKE3 and a byte [Histogram] at once. Like a [hash.Hash]
// it never fails, and [Multi.Sums] reads the result without changing the
// state, so writing may go on after it.
//
// A Multi hashes on the calling goroutine; large writes are fed to the
// hashers in cache-sized pieces. For a whole input at hand, [Sum] and
// [SumReader] are faster on several cores. Create a Multi with [New]; the
// zero value is not usable. A Multi is not safe for concurrent use.
//
// [hash.Hash]: https://pkg.go.dev/hash#Hash
type Multi struct {
	h    hashers
	hist Histogram
	size int64
}

// New returns a Multi ready for writing. It allocates about 12 KiB, most
// of it BLAKE3's buffer.
func New() *Multi {
	m := new(Multi)
	m.h.init()
	return m
}

// Write feeds p to every hasher and to the histogram. It always returns
// len(p), nil.
func (m *Multi) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		c := p[:min(len(p), chunkSize)]
		m.h.write(c, AllDigests)
		m.hist.Add(c)
		p = p[len(c):]
	}
	m.size += int64(n)
	return n, nil
}

// Sums returns the digests, size and histogram of everything written since
// New or the last Reset. It does not change the state of m, and does not
// allocate.
func (m *Multi) Sums() Sums {
	s := Sums{Size: m.size, Histogram: m.hist}
	m.h.sum(&s, AllDigests)
	return s
}

// Reset forgets everything written, making m as New returned it.
func (m *Multi) Reset() {
	m.h.reset()
	m.hist = Histogram{}
	m.size = 0
}
