package ssdeep

import "fmt"

// sumTable[h<<6|c] is the low 6 bits of (h*hashPrime)^c for a 6-bit
// state h and the low 6 bits c of a byte: the piece hash keeps only the
// bits its base64 character is taken from, and the low bits of a product
// and of an exclusive or depend only on the low bits of their operands.
var sumTable = func() (t [64 * 64]byte) {
	for h := range uint32(64) {
		for c := range uint32(64) {
			t[h<<6|c] = byte(((h * hashPrime) ^ c) & 63)
		}
	}
	return t
}()

// blockHash is the state of the piece hashes for one block size.
type blockHash struct {
	h, halfh   byte // 6-bit piece hashes: of the current piece, and of everything after the 31st
	halfDigest byte // the last character of hash2 when it is cut to 32, or 0
	dlen       int  // characters in digest, not counting a pending last one
	digest     [SpamSumLength]byte
}

// Hash computes an ssdeep digest of everything written to it, in one
// pass. It implements [io.Writer]; Write never fails. The zero Hash is not
// ready: make one with [New], or call Reset. A Hash is about 2.3 KiB and
// does not allocate after that. It is not safe for concurrent use.
//
// [io.Writer]: https://pkg.go.dev/io#Writer
type Hash struct {
	// The rolling hash over the last rollingWindow bytes.
	window     [rollingWindow]byte
	wi         int // where the next byte goes in window
	h1, h2, h3 uint32

	bh       [numBlockHashes]blockHash
	bhStart  int // block sizes below bhStart can no longer be chosen
	bhEnd    int // block sizes from bhEnd up have not ended a piece yet
	total    uint64
	lastH    byte // piece hash of block size 3·2^31, once bhEnd is numBlockHashes
	needLast bool
}

// New returns a Hash ready for writing.
func New() *Hash {
	h := new(Hash)
	h.Reset()
	return h
}

// Reset forgets everything written.
func (s *Hash) Reset() {
	*s = Hash{bhEnd: 1}
	s.bh[0].h = hashInit & 63
	s.bh[0].halfh = hashInit & 63
}

// Size returns the number of bytes written since the last Reset.
func (s *Hash) Size() int64 { return int64(s.total) }

// Write adds p to the input. It always returns len(p), nil.
func (s *Hash) Write(p []byte) (int, error) {
	s.total += uint64(len(p))
	// The state lives in locals for the loop; they go back to s whenever
	// a piece ends (rare: at most one byte in three) and at the end.
	h1, h2, h3, wi := s.h1, s.h2, s.h3, s.wi
	for _, c := range p {
		// Rolling hash.
		h2 = h2 - h1 + rollingWindow*uint32(c)
		h1 = h1 + uint32(c) - uint32(s.window[wi])
		s.window[wi] = c
		if wi++; wi == rollingWindow {
			wi = 0
		}
		h3 = h3<<5 ^ uint32(c)

		// Piece hashes of every live block size.
		lo := uint(c & 63)
		for i := s.bhStart; i < s.bhEnd; i++ {
			b := &s.bh[i]
			b.h = sumTable[uint(b.h)<<6|lo]
			b.halfh = sumTable[uint(b.halfh)<<6|lo]
		}
		if s.needLast {
			s.lastH = sumTable[uint(s.lastH)<<6|lo]
		}

		// A piece ends for block size b where the rolling hash is b-1
		// modulo b; b = 3·2^i, so it can end for 3·2^(i+1) only where it
		// ends for 3·2^i.
		r := uint64(h1 + h2 + h3)
		if r%(MinBlockSize<<s.bhStart) != MinBlockSize<<s.bhStart-1 {
			continue
		}
		s.pieceEnds(r)
	}
	s.h1, s.h2, s.h3, s.wi = h1, h2, h3, wi
	return len(p), nil
}

// pieceEnds ends a piece for every live block size b with r ≡ -1 mod b.
func (s *Hash) pieceEnds(r uint64) {
	for i := s.bhStart; i < s.bhEnd; i++ {
		bs := uint64(MinBlockSize) << i
		if r%bs != bs-1 {
			break
		}
		b := &s.bh[i]
		if b.dlen == 0 {
			// The largest block size ends its first piece: start the next
			// one, with the same piece hash so far.
			s.fork()
		}
		b.digest[b.dlen] = b64[b.h]
		b.halfDigest = b64[b.halfh]
		if b.dlen < SpamSumLength-1 {
			b.dlen++
			b.h = hashInit & 63
			if b.dlen < SpamSumLength/2 {
				b.halfh = hashInit & 63
				b.halfDigest = 0
			}
		} else {
			// digest is full: its last character keeps being replaced.
			s.reduce()
		}
	}
}

// fork starts the block size after the largest live one.
func (s *Hash) fork() {
	last := &s.bh[s.bhEnd-1]
	if s.bhEnd < numBlockHashes {
		n := &s.bh[s.bhEnd]
		n.h, n.halfh = last.h, last.halfh
		n.dlen, n.halfDigest = 0, 0
		s.bhEnd++
	} else if !s.needLast {
		s.needLast = true
		s.lastH = last.h
	}
}

// reduce stops the smallest live block size once it can no longer be
// chosen: the input is already too long for it, and the next block size's
// hash1 is long enough to be chosen instead.
func (s *Hash) reduce() {
	if s.bhEnd-s.bhStart < 2 {
		return
	}
	if uint64(MinBlockSize)<<s.bhStart*SpamSumLength >= s.total {
		return
	}
	if s.bh[s.bhStart+1].dlen < SpamSumLength/2 {
		return
	}
	s.bhStart++
}

// maxTotal is the largest input a digest can summarise.
const maxTotal = uint64(MinBlockSize) << (numBlockHashes - 1) * SpamSumLength

// Digest returns the digest of everything written since the last Reset.
// It does not change the state, so writing may go on after it. It fails
// only for inputs over 192 GiB, with an error wrapping [ErrTooLarge].
func (s *Hash) Digest() (Digest, error) {
	if s.total > maxTotal {
		return Digest{}, fmt.Errorf("%w: %d bytes, at most %d", ErrTooLarge, s.total, maxTotal)
	}
	// The smallest block size the length allows, then a smaller one
	// while its hash1 would be shorter than 32 characters.
	bi := s.bhStart
	for uint64(MinBlockSize)<<bi*SpamSumLength < s.total {
		bi++
	}
	for bi >= s.bhEnd {
		bi--
	}
	for bi > s.bhStart && s.bh[bi].dlen < SpamSumLength/2 {
		bi--
	}
	roll := s.h1 + s.h2 + s.h3

	var buf [2*SpamSumLength + 2]byte
	b := &s.bh[bi]
	h1 := append(buf[:0], b.digest[:b.dlen]...)
	if roll != 0 {
		// The piece the input ends in.
		h1 = append(h1, b64[b.h])
	} else if b.dlen == SpamSumLength-1 && b.digest[b.dlen] != 0 {
		h1 = append(h1, b.digest[b.dlen])
	}
	d := Digest{BlockSize: uint64(MinBlockSize) << bi, Hash1: string(h1)}

	h2 := buf[len(h1):len(h1)]
	if bi < s.bhEnd-1 {
		n := &s.bh[bi+1]
		h2 = append(h2, n.digest[:min(n.dlen, SpamSumLength/2-1)]...)
		if roll != 0 {
			h2 = append(h2, b64[n.halfh])
		} else if n.halfDigest != 0 {
			h2 = append(h2, n.halfDigest)
		}
	} else if roll != 0 {
		// No piece has ended for twice the block size: hash2 is the hash of
		// the whole input, as for the block size itself.
		if bi == 0 {
			h2 = append(h2, b64[b.h])
		} else {
			h2 = append(h2, b64[s.lastH])
		}
	}
	d.Hash2 = string(h2)
	return d, nil
}
