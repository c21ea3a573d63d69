package hash

import (
	"encoding/binary"
	"math"
)

// Histogram counts how often each byte value occurs. Entry i is the number
// of bytes equal to i. The zero value is an empty histogram; histograms of
// parts of an input, merged in any order, equal the histogram of the whole.
type Histogram [256]uint64

// smallAdd is the length under which Add counts straight into the
// histogram: below it, clearing the extra tables costs more than the stalls
// they avoid.
const smallAdd = 256

// Add counts the bytes of b. It does not allocate.
//
// A single table of counters is slow on runs of one byte value (zeros
// padding a PE section, for instance): each increment must wait for the
// store of the previous one to the same counter. Add spreads consecutive
// bytes over four tables (the histogram itself and three on the stack) and
// sums them at the end, so runs cost no more than random data.
func (h *Histogram) Add(b []byte) {
	if len(b) < smallAdd {
		for _, c := range b {
			h[c]++
		}
		return
	}
	var t1, t2, t3 [256]uint64
	for len(b) >= 8 {
		v := binary.LittleEndian.Uint64(b)
		h[byte(v)]++
		t1[byte(v>>8)]++
		t2[byte(v>>16)]++
		t3[byte(v>>24)]++
		h[byte(v>>32)]++
		t1[byte(v>>40)]++
		t2[byte(v>>48)]++
		t3[byte(v>>56)]++
		b = b[8:]
	}
	for _, c := range b {
		h[c]++
	}
	for i := range h {
		h[i] += t1[i] + t2[i] + t3[i]
	}
}

// Write is Add as an [io.Writer]: it counts p and never fails, so a
// Histogram can sit beside hashers in an [io.MultiWriter].
func (h *Histogram) Write(p []byte) (int, error) {
	h.Add(p)
	return len(p), nil
}

// Merge adds the counts of o to h.
func (h *Histogram) Merge(o *Histogram) {
	for i := range h {
		h[i] += o[i]
	}
}

// Total returns the number of bytes counted.
func (h *Histogram) Total() uint64 {
	var n uint64
	for _, c := range h {
		n += c
	}
	return n
}

// Entropy returns the Shannon entropy of the counted bytes in bits per
// byte: 0 when every byte has the same value (or nothing was counted), 8
// when all 256 values occur equally often. Packed or encrypted data is
// typically above 7.2, code around 6, text around 4.5.
func (h *Histogram) Entropy() float64 {
	n := h.Total()
	if n == 0 {
		return 0
	}
	total := float64(n)
	var e float64
	for _, c := range h {
		if c == 0 {
			continue
		}
		p := float64(c) / total
		e -= p * math.Log2(p)
	}
	// Rounding can push the sum a hair past its bounds.
	return min(max(e, 0), 8)
}

// Entropy returns the Shannon entropy of b in bits per byte (0..8), 0 for
// an empty b. It does not allocate; use it per PE section.
func Entropy(b []byte) float64 {
	var h Histogram
	h.Add(b)
	return h.Entropy()
}
