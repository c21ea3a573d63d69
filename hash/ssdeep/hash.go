package ssdeep

import (
	"encoding/binary"
	"fmt"
)

// The piece hash is FNV-1 cut to the 6 bits its base64 character is
// taken from: h' = (h·0x01000193 ^ c) mod 64 = (h·19 ^ c) mod 64, since
// the low bits of a product and of an exclusive or depend only on the low
// bits of their operands. A Hash keeps the 6-bit states of all block sizes
// as bytes of uint64 words, 8 to a word, and steps a whole word at once:
// h·19 = h·16 + h·2 + h, each term taken mod 64 within its byte so that
// nothing carries into the next byte.
const (
	lanes  = 0x0101010101010101
	mask03 = 0x03 * lanes
	mask3E = 0x3E * lanes
	mask3F = 0x3F * lanes
	// hashInit6 is hashInit mod 64 in every byte.
	hashInit6 = hashInit & 63
	lastLane  = numBlockHashes // the lane of lastH
	// numLanes leaves room to load 16 lanes from any live block size.
	numLanes = numBlockHashes + 16
)

// step feeds the byte whose low 6 bits are repeated in every byte of cb
// to the 8 piece hashes in w.
func step(w, cb uint64) uint64 {
	return ((w&mask03)<<4+(w<<1)&mask3E+w)&mask3F ^ cb
}

// blockHash is the state of the digests for one block size; its piece
// hashes are lanes of Hash.h and Hash.half.
type blockHash struct {
	halfDigest byte // the last character of hash2 when it is cut to 32, or 0
	dlen       int  // characters in digest, not counting a pending last one
	digest     [SpamSumLength]byte
}

// Hash computes an ssdeep digest of everything written to it, in one
// pass. It implements [io.Writer]; Write never fails. The zero Hash is not
// ready: make one with [New], or call Reset. A Hash is about 2.3 KiB and
// does not allocate. It is not safe for concurrent use.
//
// [io.Writer]: https://pkg.go.dev/io#Writer
type Hash struct {
	// The rolling hash over the last rollingWindow bytes.
	// win holds the last 8 bytes, the newest in the low byte; the one
	// leaving the window is at bits 48-55.
	win        uint64
	h1, h2, h3 uint32

	// Lane i (byte i) of h holds the piece hash of block size 3·2^i since
	// its last piece ended; of half, the same while hash1 is under 32
	// characters, then of everything since the 31st piece. Lane 31 of h
	// holds lastH: the piece hash of block size 3·2^31 once block size
	// 3·2^30 has ended a piece (needLast). Write steps them 8 at a time,
	// loaded as little-endian words from the first live block size on.
	h, half  [numLanes]byte
	bh       [numBlockHashes]blockHash
	bhStart  int // block sizes below bhStart can no longer be chosen
	bhEnd    int // block sizes from bhEnd up have not ended a piece yet
	total    uint64
	needLast bool
}

func (s *Hash) lane(w *[numLanes]byte, i int) byte { return w[i] }

func (s *Hash) setLane(w *[numLanes]byte, i int, v byte) { w[i] = v }

// New returns a Hash ready for writing.
func New() *Hash {
	h := new(Hash)
	h.Reset()
	return h
}

// Reset forgets everything written.
func (s *Hash) Reset() {
	*s = Hash{bhEnd: 1}
	s.setLane(&s.h, 0, hashInit6)
	s.setLane(&s.half, 0, hashInit6)
}

// Size returns the number of bytes written since the last Reset.
func (s *Hash) Size() int64 { return int64(s.total) }

// Write adds p to the input. It always returns len(p), nil.
func (s *Hash) Write(p []byte) (int, error) {
	s.total += uint64(len(p))
	n := len(p)
	for len(p) > 0 {
		switch live := s.bhEnd - s.bhStart; {
		case s.needLast || live > 16:
			p = p[s.writeSlow(p):]
		case live <= 8:
			p = p[s.writeFast1(p):]
		default:
			p = p[s.writeFast(p):]
		}
	}
	return n, nil
}

// writeFast1 hashes p while the live block sizes fit in one word of
// lanes (8), and returns how many bytes it took: all of p, or up to a byte
// that ends a piece, after which they may not.
func (s *Hash) writeFast1(p []byte) int {
	h1, h2, h3, win := s.h1, s.h2, s.h3, s.win
	w := s.bhStart
	a := binary.LittleEndian.Uint64(s.h[w:])
	ha := binary.LittleEndian.Uint64(s.half[w:])
	low := uint64(1)<<s.bhStart - 1
	for i, c := range p {
		h2 = h2 - h1 + rollingWindow*uint32(c)
		h1 = h1 + uint32(c) - uint32(byte(win>>((rollingWindow-1)*8)))
		win = win<<8 | uint64(c)
		h3 = h3<<5 ^ uint32(c)

		cb := uint64(c&63) * lanes
		a, ha = step(a, cb), step(ha, cb)

		r1 := uint64(h1+h2+h3) + 1
		if r1&low != 0 || r1%3 != 0 {
			continue
		}
		s.h1, s.h2, s.h3, s.win = h1, h2, h3, win
		binary.LittleEndian.PutUint64(s.h[w:], a)
		binary.LittleEndian.PutUint64(s.half[w:], ha)
		s.pieceEnds(r1 - 1)
		return i + 1
	}
	s.h1, s.h2, s.h3, s.win = h1, h2, h3, win
	binary.LittleEndian.PutUint64(s.h[w:], a)
	binary.LittleEndian.PutUint64(s.half[w:], ha)
	return len(p)
}

// writeFast is writeFast1 for up to 16 live block sizes, in two words.
func (s *Hash) writeFast(p []byte) int {
	h1, h2, h3, win := s.h1, s.h2, s.h3, s.win
	w := s.bhStart
	a, b := binary.LittleEndian.Uint64(s.h[w:]), binary.LittleEndian.Uint64(s.h[w+8:])
	ha, hb := binary.LittleEndian.Uint64(s.half[w:]), binary.LittleEndian.Uint64(s.half[w+8:])
	// A piece ends for block size bs = 3·2^k where the rolling hash r is
	// bs-1 modulo bs, that is where r+1 is a multiple of 3 and of 2^k;
	// it can end for 3·2^(k+1) only where it ends for 3·2^k.
	low := uint64(1)<<s.bhStart - 1
	for i, c := range p {
		h2 = h2 - h1 + rollingWindow*uint32(c)
		h1 = h1 + uint32(c) - uint32(byte(win>>((rollingWindow-1)*8)))
		win = win<<8 | uint64(c)
		h3 = h3<<5 ^ uint32(c)

		cb := uint64(c&63) * lanes
		a, b = step(a, cb), step(b, cb)
		ha, hb = step(ha, cb), step(hb, cb)

		r1 := uint64(h1+h2+h3) + 1
		if r1&low != 0 || r1%3 != 0 {
			continue
		}
		s.h1, s.h2, s.h3, s.win = h1, h2, h3, win
		s.storeWords(w, a, b, ha, hb)
		s.pieceEnds(r1 - 1)
		return i + 1
	}
	s.h1, s.h2, s.h3, s.win = h1, h2, h3, win
	s.storeWords(w, a, b, ha, hb)
	return len(p)
}

func (s *Hash) storeWords(w int, a, b, ha, hb uint64) {
	binary.LittleEndian.PutUint64(s.h[w:], a)
	binary.LittleEndian.PutUint64(s.h[w+8:], b)
	binary.LittleEndian.PutUint64(s.half[w:], ha)
	binary.LittleEndian.PutUint64(s.half[w+8:], hb)
}

// writeSlow hashes p, stepping every word of live lanes in memory; for
// inputs that keep more block sizes live than writeFast handles (long runs
// of one byte value can), and once lastH is needed. It returns after the first byte that ends a
// piece.
func (s *Hash) writeSlow(p []byte) int {
	for i, c := range p {
		s.h2 = s.h2 - s.h1 + rollingWindow*uint32(c)
		s.h1 = s.h1 + uint32(c) - uint32(byte(s.win>>((rollingWindow-1)*8)))
		s.win = s.win<<8 | uint64(c)
		s.h3 = s.h3<<5 ^ uint32(c)
		cb := uint64(c&63) * lanes
		hi := s.bhEnd - 1
		if s.needLast {
			hi = lastLane
		}
		for w := s.bhStart; w <= hi; w += 8 {
			binary.LittleEndian.PutUint64(s.h[w:], step(binary.LittleEndian.Uint64(s.h[w:]), cb))
			binary.LittleEndian.PutUint64(s.half[w:], step(binary.LittleEndian.Uint64(s.half[w:]), cb))
		}
		r1 := uint64(s.h1+s.h2+s.h3) + 1
		if r1&(1<<s.bhStart-1) != 0 || r1%3 != 0 {
			continue
		}
		s.pieceEnds(r1 - 1)
		return i + 1
	}
	return len(p)
}

// pieceEnds ends a piece for every live block size bs with r ≡ -1 mod bs.
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
		b.digest[b.dlen] = b64[s.lane(&s.h, i)]
		b.halfDigest = b64[s.lane(&s.half, i)]
		if b.dlen < SpamSumLength-1 {
			b.dlen++
			s.setLane(&s.h, i, hashInit6)
			if b.dlen < SpamSumLength/2 {
				s.setLane(&s.half, i, hashInit6)
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
	last := s.bhEnd - 1
	if s.bhEnd < numBlockHashes {
		s.setLane(&s.h, s.bhEnd, s.lane(&s.h, last))
		s.setLane(&s.half, s.bhEnd, s.lane(&s.half, last))
		s.bh[s.bhEnd].dlen, s.bh[s.bhEnd].halfDigest = 0, 0
		s.bhEnd++
	} else if !s.needLast {
		s.needLast = true
		s.setLane(&s.h, lastLane, s.lane(&s.h, last))
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
		h1 = append(h1, b64[s.lane(&s.h, bi)])
	} else if b.dlen == SpamSumLength-1 && b.digest[b.dlen] != 0 {
		h1 = append(h1, b.digest[b.dlen])
	}
	d := Digest{BlockSize: uint64(MinBlockSize) << bi, Hash1: string(h1)}

	h2 := buf[len(h1):len(h1)]
	if bi < s.bhEnd-1 {
		n := &s.bh[bi+1]
		h2 = append(h2, n.digest[:min(n.dlen, SpamSumLength/2-1)]...)
		if roll != 0 {
			h2 = append(h2, b64[s.lane(&s.half, bi+1)])
		} else if n.halfDigest != 0 {
			h2 = append(h2, n.halfDigest)
		}
	} else if roll != 0 {
		// No piece has ended for twice the block size: hash2 is the hash of
		// the whole input, as for the block size itself.
		if bi == 0 {
			h2 = append(h2, b64[s.lane(&s.h, bi)])
		} else {
			h2 = append(h2, b64[s.lane(&s.h, lastLane)])
		}
	}
	d.Hash2 = string(h2)
	return d, nil
}
