// Package simtest makes the generated inputs and reads the recorded
// reference output that the tests of packages ssdeep and tlsh check
// against. record.sh, beside this file, records that output from Debian's
// ssdeep and tlsh tools.
package simtest

import (
	"bufio"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Open returns a stream of the input that spec names, and its size.
//
//	zero:N          N zero bytes
//	byte:B:N        N bytes of value B
//	rand:SEED:N     N pseudo-random bytes (splitmix64 from SEED)
//	alpha:SEED:K:N  N pseudo-random bytes drawn from the K values 0..K-1
//	text:SEED:N     N bytes of pseudo-random words and line breaks
//	few:SEED:N:M    N bytes drawn from 0..2, then M pseudo-random bytes
//	                (for inputs just below and above TLSH's variety rule)
//	magic:SEED:N:K  rand:SEED:N with K copies of magicWindow spread over it
//	                (K ≤ 1024): each ends a piece for every ssdeep block size
//	mut:SEED:N:E    rand:SEED:N with E edits (replace, insert or delete a
//	                short run) drawn from SEED+1; N at most 64 MiB
func Open(spec string) (io.Reader, int64, error) {
	f := strings.Split(spec, ":")
	num := func(s string) (uint64, error) { return strconv.ParseUint(s, 10, 64) }
	bad := fmt.Errorf("simtest: bad spec %q", spec)
	args := make([]uint64, len(f)-1)
	for i, s := range f[1:] {
		v, err := num(s)
		if err != nil {
			return nil, 0, bad
		}
		args[i] = v
	}
	switch {
	case f[0] == "zero" && len(args) == 1:
		return &gen{n: int64(args[0]), next: func(*uint64) byte { return 0 }}, int64(args[0]), nil
	case f[0] == "byte" && len(args) == 2 && args[0] < 256:
		b := byte(args[0])
		return &gen{n: int64(args[1]), next: func(*uint64) byte { return b }}, int64(args[1]), nil
	case f[0] == "rand" && len(args) == 2:
		return newRand(args[0], int64(args[1])), int64(args[1]), nil
	case f[0] == "alpha" && len(args) == 3 && args[1] > 0 && args[1] <= 256:
		k := args[1]
		s := args[0]
		return &gen{n: int64(args[2]), state: s, next: func(st *uint64) byte { return byte(splitmix(st) % k) }}, int64(args[2]), nil
	case f[0] == "text" && len(args) == 2:
		return &gen{n: int64(args[1]), next: textGen(args[0])}, int64(args[1]), nil
	case f[0] == "few" && len(args) == 3:
		few := &gen{n: int64(args[1]), state: args[0], next: func(st *uint64) byte { return byte(splitmix(st) % 3) }}
		return io.MultiReader(few, newRand(args[0], int64(args[2]))), int64(args[1] + args[2]), nil
	case f[0] == "magic" && len(args) == 3 && args[1] <= 64<<20 && args[2] <= 1024:
		b, _ := Bytes(fmt.Sprintf("rand:%d:%d", args[0], args[1]))
		k := int(args[2])
		var out []byte
		for i := range k + 1 {
			out = append(out, b[len(b)*i/(k+1):len(b)*(i+1)/(k+1)]...)
			if i < k {
				out = append(out, magicWindow[:]...)
			}
		}
		return strings.NewReader(string(out)), int64(len(out)), nil
	case f[0] == "mut" && len(args) == 3 && args[1] <= 64<<20:
		b := mutate(args[0], int(args[1]), int(args[2]))
		return strings.NewReader(string(b)), int64(len(b)), nil
	}
	return nil, 0, bad
}

// Bytes returns the whole input that spec names.
func Bytes(spec string) ([]byte, error) {
	r, n, err := Open(spec)
	if err != nil {
		return nil, err
	}
	b := make([]byte, n)
	_, err = io.ReadFull(r, b)
	return b, err
}

// magicWindow is 7 bytes after which ssdeep's rolling hash is 0xBFFFFFFF,
// -1 modulo every block size up to 3·2^30: a piece ends for all 31 block
// sizes at once, the largest ones included.
var magicWindow = [7]byte{0x62, 0x19, 0xdf, 0x19, 0xdc, 0x1f, 0x26}

func splitmix(s *uint64) uint64 {
	*s += 0x9e3779b97f4a7c15
	z := *s
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// gen yields n bytes from next.
type gen struct {
	n     int64
	state uint64
	next  func(*uint64) byte
}

func (g *gen) Read(p []byte) (int, error) {
	if g.n == 0 {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), g.n)]
	for i := range p {
		p[i] = g.next(&g.state)
	}
	g.n -= int64(len(p))
	return len(p), nil
}

// randReader yields n bytes of splitmix64 output, 8 at a time.
type randReader struct {
	n     int64
	state uint64
	buf   [8]byte
	have  int
}

func newRand(seed uint64, n int64) *randReader { return &randReader{n: n, state: seed} }

func (r *randReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), r.n)]
	for i := range p {
		if r.have == 0 {
			v := splitmix(&r.state)
			for j := range 8 {
				r.buf[j] = byte(v >> (8 * j))
			}
			r.have = 8
		}
		p[i] = r.buf[8-r.have]
		r.have--
	}
	r.n -= int64(len(p))
	return len(p), nil
}

var words = strings.Fields("the of and to in is was that for on are with as he it his by at from this be or which an not have had were but all")

// textGen returns a generator of words separated by spaces and line
// breaks.
func textGen(seed uint64) func(*uint64) byte {
	var w string
	st := seed
	return func(*uint64) byte {
		if w == "" {
			v := splitmix(&st)
			w = words[v%uint64(len(words))]
			if v>>32%7 == 0 {
				w += "\n"
			} else {
				w += " "
			}
		}
		c := w[0]
		w = w[1:]
		return c
	}
}

func mutate(seed uint64, n, edits int) []byte {
	b, _ := Bytes(fmt.Sprintf("rand:%d:%d", seed, n))
	st := seed + 1
	for range edits {
		if len(b) == 0 {
			break
		}
		at := int(splitmix(&st) % uint64(len(b)))
		run := 1 + int(splitmix(&st)%16)
		switch splitmix(&st) % 3 {
		case 0: // replace
			for i := at; i < min(len(b), at+run); i++ {
				b[i] = byte(splitmix(&st))
			}
		case 1: // insert
			ins := make([]byte, run)
			for i := range ins {
				ins[i] = byte(splitmix(&st))
			}
			b = append(b[:at], append(ins, b[at:]...)...)
		default: // delete
			b = append(b[:at], b[min(len(b), at+run):]...)
		}
	}
	return b
}

// Sample returns the bytes of a committed sample, path relative to the
// repository's testdata/pe, decoding the base64 of a .b64 file.
func Sample(root, rel string) ([]byte, error) {
	b, err := os.ReadFile(filepath.Join(root, "testdata", "pe", filepath.FromSlash(rel)))
	if err != nil || !strings.HasSuffix(rel, ".b64") {
		return b, err
	}
	return base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(b)), ""))
}

// Record is one line of a recorded table: tab-separated fields.
type Record struct {
	Line   int
	Fields []string
}

// ReadTable reads a tab-separated table, skipping blank lines and lines
// starting with '#'.
func ReadTable(path string) ([]Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Record
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		out = append(out, Record{Line: n, Fields: strings.Split(line, "\t")})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, errors.New("simtest: empty table " + path)
	}
	return out, nil
}
