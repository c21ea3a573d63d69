package ssdeep

// Compare returns how similar the inputs of a and b are, from 0 to 100, as
// ssdeep's fuzzy_compare does (the number `ssdeep -d` prints). Digests
// whose block sizes are neither equal nor a factor of two apart score 0;
// equal digests score 100, whatever their length.
func Compare(a, b Digest) int {
	bs1, bs2 := a.BlockSize, b.BlockSize
	if bs1 != bs2 && (bs1 > ^uint64(0)/2 || bs1*2 != bs2) && (bs1%2 == 1 || bs1/2 != bs2) {
		return 0
	}
	var bufs [4][SpamSumLength]byte
	a1 := elimSeq(bufs[0][:0], a.Hash1)
	a2 := elimSeq(bufs[1][:0], a.Hash2)
	b1 := elimSeq(bufs[2][:0], b.Hash1)
	b2 := elimSeq(bufs[3][:0], b.Hash2)
	if bs1 == bs2 && string(a1) == string(b1) && string(a2) == string(b2) {
		return 100
	}
	switch {
	case bs1 == bs2:
		return max(scoreStrings(a1, b1, bs1), scoreStrings(a2, b2, bs1*2))
	case bs1*2 == bs2:
		return scoreStrings(b1, a2, bs2)
	default:
		return scoreStrings(a1, b2, bs1)
	}
}

// elimSeq appends s to dst with every run of more than three equal
// characters cut to three.
func elimSeq(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if i >= 3 && s[i] == s[i-1] && s[i] == s[i-2] && s[i] == s[i-3] {
			continue
		}
		dst = append(dst, s[i])
	}
	return dst
}

// scoreStrings scores two digest strings computed with block size bs.
func scoreStrings(s1, s2 []byte, bs uint64) int {
	if len(s1) > SpamSumLength || len(s2) > SpamSumLength {
		return 0
	}
	if !commonSubstring(s1, s2) {
		return 0
	}
	d := uint64(editDistance(s1, s2))
	d = d * SpamSumLength / uint64(len(s1)+len(s2))
	d = 100 * d / SpamSumLength
	if d >= 100 {
		return 0
	}
	score := 100 - d
	// Small block sizes: a short digest cannot claim a high match.
	if bs >= (99+rollingWindow)/rollingWindow*MinBlockSize {
		return int(score)
	}
	if lim := bs / MinBlockSize * uint64(min(len(s1), len(s2))); score > lim {
		score = lim
	}
	return int(score)
}

// commonSubstring reports whether s1 and s2 share rollingWindow
// consecutive characters.
func commonSubstring(s1, s2 []byte) bool {
	if len(s1) < rollingWindow || len(s2) < rollingWindow {
		return false
	}
	for i := 0; i+rollingWindow <= len(s1); i++ {
		w := string(s1[i : i+rollingWindow])
		for j := 0; j+rollingWindow <= len(s2); j++ {
			if string(s2[j:j+rollingWindow]) == w {
				return true
			}
		}
	}
	return false
}

// editDistance is the edit distance of s1 and s2 with insertions and
// deletions costing 1 and substitutions 2.
func editDistance(s1, s2 []byte) int {
	var rows [2][SpamSumLength + 1]int
	prev, cur := rows[0][:len(s2)+1], rows[1][:len(s2)+1]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(s1); i++ {
		cur[0] = i
		for j := 1; j <= len(s2); j++ {
			sub := prev[j-1]
			if s1[i-1] != s2[j-1] {
				sub += 2
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, sub)
		}
		prev, cur = cur, prev
	}
	return prev[len(s2)]
}
