package detect

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
)

// Pattern is a byte signature in the small syntax Detect It Easy and PEiD
// use (formats.md §6), compiled once:
//
//	60BE          two hex digits are one literal byte (spaces are ignored)
//	.. or ??      any one byte
//	'UPX!'        quoted text: its bytes, literally
//	$$$$$$$$      a rel32 jump or call operand: matching continues at the
//	              target (the position after the operand plus its value)
//	$$            the same for a rel8 operand
//
// A Pattern is safe for concurrent use.
type Pattern struct {
	src   string
	items []patItem
	// anchor is the rarest literal byte before the first jump (byteRank)
	// and its index in items, used to find candidates quickly; -1 when
	// there is no literal before a jump.
	anchor    int
	anchorVal byte
}

type patOp uint8

const (
	patByte  patOp = iota // literal byte
	patAny                // any byte
	patRel32              // follow a rel32 operand
	patRel8               // follow a rel8 operand
)

type patItem struct {
	op  patOp
	val byte
}

// maxPatternJumps bounds how many relative jumps one match may follow.
const maxPatternJumps = 8

// CompilePattern parses a pattern. It fails on odd hex digits, unknown
// characters and an empty pattern.
func CompilePattern(src string) (*Pattern, error) {
	p := &Pattern{src: src, anchor: -1}
	s := src
	for len(s) > 0 {
		c := s[0]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			s = s[1:]
		case c == '\'':
			end := strings.IndexByte(s[1:], '\'')
			if end < 0 {
				return nil, fmt.Errorf("detect: pattern %q: unterminated quote", src)
			}
			for i := 0; i < end; i++ {
				p.items = append(p.items, patItem{op: patByte, val: s[1+i]})
			}
			s = s[end+2:]
		case strings.HasPrefix(s, "$$$$$$$$"):
			p.items = append(p.items, patItem{op: patRel32})
			s = s[8:]
		case strings.HasPrefix(s, "$$"):
			p.items = append(p.items, patItem{op: patRel8})
			s = s[2:]
		case strings.HasPrefix(s, "..") || strings.HasPrefix(s, "??"):
			p.items = append(p.items, patItem{op: patAny})
			s = s[2:]
		default:
			if len(s) < 2 {
				return nil, fmt.Errorf("detect: pattern %q: odd number of hex digits", src)
			}
			hi, ok1 := unhex(s[0])
			lo, ok2 := unhex(s[1])
			if !ok1 || !ok2 {
				return nil, fmt.Errorf("detect: pattern %q: bad character %q", src, s[:2])
			}
			p.items = append(p.items, patItem{op: patByte, val: hi<<4 | lo})
			s = s[2:]
		}
	}
	if len(p.items) == 0 {
		return nil, fmt.Errorf("detect: empty pattern")
	}
	// Anchor on the rarest literal byte before the first jump (up to
	// there, item i is at offset i of a match).
	for i, it := range p.items {
		if it.op == patRel32 || it.op == patRel8 {
			break // positions after a jump are not fixed
		}
		if it.op == patByte && (p.anchor < 0 || byteRank[it.val] < byteRank[p.anchorVal]) {
			p.anchor, p.anchorVal = i, it.val
		}
	}
	return p, nil
}

// MustPattern is CompilePattern for patterns written in the source; it
// panics on a syntax error, which the package's tests catch.
func MustPattern(src string) *Pattern {
	p, err := CompilePattern(src)
	if err != nil {
		panic(err)
	}
	return p
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// String returns the pattern as written.
func (p *Pattern) String() string { return p.src }

// MatchAt reports whether the pattern matches b at index off. Jumps are
// followed only inside b.
func (p *Pattern) MatchAt(b []byte, off int) bool {
	if off < 0 {
		return false
	}
	pos, jumps := off, 0
	for _, it := range p.items {
		switch it.op {
		case patByte:
			if pos >= len(b) || b[pos] != it.val {
				return false
			}
			pos++
		case patAny:
			if pos >= len(b) {
				return false
			}
			pos++
		case patRel32:
			if pos+4 > len(b) || jumps >= maxPatternJumps {
				return false
			}
			rel := int64(int32(binary.LittleEndian.Uint32(b[pos:])))
			next := int64(pos) + 4 + rel
			if next < 0 || next >= int64(len(b)) {
				return false
			}
			pos, jumps = int(next), jumps+1
		case patRel8:
			if pos+1 > len(b) || jumps >= maxPatternJumps {
				return false
			}
			next := pos + 1 + int(int8(b[pos]))
			if next < 0 || next >= len(b) {
				return false
			}
			pos, jumps = next, jumps+1
		}
	}
	return true
}

// Index returns the first index in b where the pattern matches, or -1.
func (p *Pattern) Index(b []byte) int {
	if p.anchor < 0 {
		for i := range b {
			if p.MatchAt(b, i) {
				return i
			}
		}
		return -1
	}
	from := p.anchor
	for from < len(b) {
		j := bytes.IndexByte(b[from:], p.anchorVal)
		if j < 0 {
			return -1
		}
		start := from + j - p.anchor
		if p.MatchAt(b, start) {
			return start
		}
		from += j + 1
	}
	return -1
}
