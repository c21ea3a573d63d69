package stats

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"slices"
)

// The state format, version 2 (integers are unsigned LEB128 varints unless
// said otherwise):
//
//	magic "FRSTAT", version byte 2
//	samples, rejected reasons, string table
//	files: kind (1 sha256, 2 name), key, samples, rejected reasons,
//	       participants: key (16 bytes), n,
//	                     NumMetrics sums as (low 64 bits, high bits),
//	                     tallies (field byte, string id, count),
//	                     modules (string id, n, NumModuleMetrics sums),
//	                     missing counts (slot, count)
//	CRC-32C of all the above, 4 bytes little-endian
//
// Rejected reasons are written by name, so that adding a reason does not
// change the format. Version 2 changed no byte of the layout but what a
// participant key digests: the identifier trimmed and case-folded
// (participantID). Version 1 keys digest the identifier as sent, so a
// version-1 state merged with a version-2 one could count a participant
// twice under two spellings; version 1 is refused (re-aggregate its
// samples). The encoding is not canonical: equal states may
// marshal to different bytes (map order); their summaries are equal.

const (
	stateMagic   = "FRSTAT"
	stateVersion = 2
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// MarshalBinary encodes the aggregator's state (not its options) in a
// versioned binary form that [Aggregator.UnmarshalBinary] reads, in any
// process of any version of this package that supports the version. The
// state holds per-participant data (under hashed identifiers): treat it as
// confidential; only summaries are meant to be published.
func (a *Aggregator) MarshalBinary() ([]byte, error) {
	a.init()
	var b []byte
	b = append(b, stateMagic...)
	b = append(b, stateVersion)
	b = binary.AppendUvarint(b, a.samples)
	b = appendRejected(b, &a.rejected)
	b = binary.AppendUvarint(b, uint64(len(a.strs.strs)-1))
	for _, s := range a.strs.strs[1:] {
		b = appendBytes(b, s)
	}
	files := a.sortedFiles()
	b = binary.AppendUvarint(b, uint64(len(files)))
	for _, f := range files {
		if f.hasSHA {
			b = append(b, 1)
			b = append(b, f.sha[:]...)
		} else {
			b = append(b, 2)
			b = appendBytes(b, f.name)
		}
		b = binary.AppendUvarint(b, f.samples)
		b = appendRejected(b, &f.rejected)
		b = binary.AppendUvarint(b, uint64(f.len()))
		for key, i := range f.idx {
			p := f.at(i)
			b = append(b, key[:]...)
			b = binary.AppendUvarint(b, uint64(p.n))
			for k := range p.lo {
				b = binary.AppendUvarint(b, p.lo[k])
				b = binary.AppendUvarint(b, uint64(p.hi[k])|p.topOf(uint32(k))<<32)
			}
			nt := 0
			p.tallies(&a.profs, func(int, tally) { nt++ })
			b = binary.AppendUvarint(b, uint64(nt))
			p.tallies(&a.profs, func(f int, t tally) {
				b = append(b, byte(f))
				b = binary.AppendUvarint(b, uint64(t.id))
				b = binary.AppendUvarint(b, uint64(t.n))
			})
			b = binary.AppendUvarint(b, uint64(len(p.mods)))
			for mi, m := range p.mods {
				b = binary.AppendUvarint(b, uint64(m.id))
				b = binary.AppendUvarint(b, uint64(m.n))
				for k := range m.lo {
					b = binary.AppendUvarint(b, m.lo[k])
					b = binary.AppendUvarint(b, uint64(m.hi[k])|p.topOf(modSlot(mi, ModuleMetric(k)))<<32)
				}
			}
			var miss map[uint32]uint32
			if p.x != nil {
				miss = p.x.missing
			}
			b = binary.AppendUvarint(b, uint64(len(miss)))
			for slot, v := range miss {
				b = binary.AppendUvarint(b, uint64(slot))
				b = binary.AppendUvarint(b, uint64(v))
			}
		}
	}
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli)), nil
}

func appendBytes(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendRejected(b []byte, r *[numReasons]uint64) []byte {
	n := 0
	for _, c := range r {
		if c != 0 {
			n++
		}
	}
	b = binary.AppendUvarint(b, uint64(n))
	for i, c := range r {
		if c != 0 {
			b = appendBytes(b, RejectReason(i).String())
			b = binary.AppendUvarint(b, c)
		}
	}
	return b
}

// stateReader decodes a state body, remembering the first error.
type stateReader struct {
	b   []byte
	i   int
	err error
}

func (r *stateReader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: %s at byte %d", ErrCorruptState, fmt.Sprintf(format, args...), r.i)
	}
}

func (r *stateReader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b[r.i:])
	if n <= 0 {
		r.fail("bad varint")
		return 0
	}
	r.i += n
	return v
}

// count reads an element count; each element takes at least minSize bytes,
// so a count larger than what is left is corrupt (and never allocated for).
func (r *stateReader) count(minSize int) int {
	v := r.uvarint()
	if r.err == nil && v > uint64((len(r.b)-r.i)/minSize) {
		r.fail("count %d larger than the data", v)
		return 0
	}
	return int(v)
}

func (r *stateReader) bytes(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.b)-r.i {
		r.fail("truncated")
		return nil
	}
	v := r.b[r.i : r.i+n]
	r.i += n
	return v
}

func (r *stateReader) str(max int) string {
	n := r.uvarint()
	if r.err == nil && n > uint64(max) {
		r.fail("string of %d bytes", n)
		return ""
	}
	return string(r.bytes(int(n)))
}

func (r *stateReader) u32(max uint64, what string) uint32 {
	v := r.uvarint()
	if r.err == nil && v > max {
		r.fail("%s %d out of range", what, v)
	}
	return uint32(v)
}

// high reads the high part of a sum (bits 64 and up): at most 2^47, since
// 2^31 samples of at most 2^80 units stay below 2^111. Bits 96 and up go
// to the participant's overflow map.
func (r *stateReader) high(p *part, slot uint32) uint32 {
	v := r.uvarint()
	if r.err == nil && v >= 1<<47 {
		r.fail("sum out of range")
		return 0
	}
	if top := v >> 32; top != 0 {
		x := p.extra()
		if x.top == nil {
			x.top = make(map[uint32]uint64)
		}
		x.top[slot] = top
	}
	return uint32(v)
}

func (r *stateReader) rejected(dst *[numReasons]uint64) {
	n := r.count(2)
	for i := 0; i < n && r.err == nil; i++ {
		name := r.str(64)
		c := r.uvarint()
		rr, ok := parseReason(name)
		switch {
		case r.err != nil:
		case !ok:
			r.fail("unknown reject reason %q", name)
		case dst[rr] != 0 || c == 0:
			r.fail("repeated or zero reject reason %q", name)
		default:
			dst[rr] = c
		}
	}
}

// UnmarshalBinary replaces a's state with the one encoded in data, keeping
// a's options. It checks the magic, version, checksum and every invariant
// the aggregator relies on, and returns an error wrapping
// [ErrCorruptState] or [ErrUnsupportedVersion] (leaving a unchanged) when
// data is not an intact state. To combine a blob with existing state,
// unmarshal it into a new Aggregator and [Aggregator.Merge] that.
func (a *Aggregator) UnmarshalBinary(data []byte) error {
	if len(data) < len(stateMagic)+1+4 || string(data[:len(stateMagic)]) != stateMagic {
		return fmt.Errorf("%w: not an aggregator state (bad magic)", ErrCorruptState)
	}
	if v := data[len(stateMagic)]; v != stateVersion {
		return fmt.Errorf("%w: version %d (this package reads %d)", ErrUnsupportedVersion, v, stateVersion)
	}
	body := data[:len(data)-4]
	if crc32.Checksum(body, castagnoli) != binary.LittleEndian.Uint32(data[len(data)-4:]) {
		return fmt.Errorf("%w: checksum mismatch", ErrCorruptState)
	}
	n := &Aggregator{conf: a.conf}
	n.init()
	r := &stateReader{b: body, i: len(stateMagic) + 1}
	n.samples = r.uvarint()
	r.rejected(&n.rejected)
	ns := r.count(2)
	n.strs.strs = make([]string, 1, ns+1)
	for i := 0; i < ns && r.err == nil; i++ {
		s := r.str(MaxStringBytes + 64)
		if r.err != nil {
			break
		}
		if _, dup := n.strs.ids[s]; dup || s == "" {
			r.fail("empty or repeated string")
			break
		}
		n.strs.ids[s] = uint32(len(n.strs.strs))
		n.strs.strs = append(n.strs.strs, s)
	}
	maxID := uint64(len(n.strs.strs) - 1)
	nf := r.count(4)
	var seen seenSet
	var fileSamples uint64
	var fileRejected [numReasons]uint64
	for fi := 0; fi < nf && r.err == nil; fi++ {
		f := newFileState()
		switch kind := r.bytes(1); {
		case r.err != nil:
		case kind[0] == 1:
			copy(f.sha[:], r.bytes(32))
			f.hasSHA = true
			if _, dup := n.bySHA[f.sha]; dup {
				r.fail("repeated file")
			}
			n.bySHA[f.sha] = f
		case kind[0] == 2:
			f.name = r.str(MaxStringBytes)
			if _, dup := n.byName[f.name]; dup || f.name == "" {
				r.fail("empty or repeated file name")
			}
			n.byName[f.name] = f
		default:
			r.fail("bad file kind %d", kind[0])
		}
		f.samples = r.uvarint()
		r.rejected(&f.rejected)
		np := r.count(16 + 1 + NumMetrics + 4)
		var partSamples uint64
		for pi := 0; pi < np && r.err == nil; pi++ {
			var key [16]byte
			copy(key[:], r.bytes(16))
			if _, dup := f.idx[key]; dup && r.err == nil {
				r.fail("repeated participant")
			}
			p := f.newPart(key)
			p.n = r.u32(MaxSamplesPerParticipant, "sample count")
			if r.err == nil && p.n == 0 {
				r.fail("participant without samples")
			}
			partSamples += uint64(p.n)
			for k := range p.lo {
				p.lo[k] = r.uvarint()
				p.hi[k] = r.high(p, uint32(k))
			}
			readTallies(r, p, maxID, &seen)
			if r.err == nil {
				p.normalize(&n.profs)
			}
			nm := r.count(3)
			for mi := 0; mi < nm && r.err == nil; mi++ {
				m := modTally{id: r.u32(maxID, "string id"), n: r.u32(uint64(p.n), "module samples")}
				for k := range m.lo {
					m.lo[k] = r.uvarint()
					m.hi[k] = r.high(p, modSlot(mi, ModuleMetric(k)))
				}
				if r.err == nil && (m.id == 0 || m.n == 0) {
					r.fail("bad module")
				}
				if r.err == nil && seen.repeated(uint64(m.id), mi) {
					r.fail("repeated module")
				}
				p.mods = append(p.mods, m)
			}
			slots := uint64(NumMetrics + len(p.mods)*NumModuleMetrics)
			nmiss := r.count(2)
			for i := 0; i < nmiss && r.err == nil; i++ {
				slot, v := r.u32(slots-1, "slot"), r.uvarint()
				limit := uint64(p.n)
				if slot >= NumMetrics && r.err == nil {
					limit = uint64(p.mods[(slot-NumMetrics)/NumModuleMetrics].n)
				}
				if r.err == nil && (v == 0 || v > limit || p.missingOf(slot) != 0) {
					r.fail("bad missing count")
				}
				p.miss(slot, uint32(v))
			}
		}
		if r.err == nil && partSamples != f.samples {
			r.fail("file sample count %d, participants hold %d", f.samples, partSamples)
		}
		fileSamples += f.samples
		for i, c := range f.rejected {
			fileRejected[i] += c
		}
	}
	if r.err == nil && r.i != len(body) {
		r.fail("%d bytes after the state", len(body)-r.i)
	}
	if r.err == nil && fileSamples != n.samples {
		r.fail("sample count %d, files hold %d", n.samples, fileSamples)
	}
	for i, c := range fileRejected {
		if r.err == nil && c > n.rejected[i] {
			r.fail("file rejections exceed the total")
		}
	}
	if r.err != nil {
		return r.err
	}
	*a = *n
	return nil
}

func readTallies(r *stateReader, p *part, maxID uint64, seen *seenSet) {
	nt := r.count(3)
	var perField [numCats]uint64
	for i := 0; i < nt && r.err == nil; i++ {
		fb := r.bytes(1)
		id := r.u32(maxID, "string id")
		c := r.u32(uint64(p.n), "tally")
		if r.err != nil {
			return
		}
		f := int(fb[0])
		if f >= numCats || id == 0 || c == 0 {
			r.fail("bad tally")
			return
		}
		if seen.repeated(uint64(f)<<32|uint64(id), i) {
			r.fail("repeated tally")
			return
		}
		perField[f] += uint64(c)
		if perField[f] > uint64(p.n) {
			r.fail("tallies exceed the samples")
			return
		}
		// Not a repeat, so no need for tallyID's search (which would make
		// a hostile participant with many values quadratic).
		x := p.extra()
		if x.cats[f].n == 0 {
			x.cats[f] = tally{id, c}
		} else {
			x.more = append(x.more, catExtra{field: uint8(f), tally: tally{id, c}})
		}
	}
}

// seenSet finds repeated keys in one list of a state blob (a
// participant's tallies or modules) in constant time per key, so that a
// hostile blob cannot make UnmarshalBinary quadratic. i is the key's
// index in its list: 0 starts a new list.
type seenSet struct {
	keys []uint64
	m    map[uint64]struct{}
}

// seenLinear is the list length up to which a linear search beats a map.
const seenLinear = 16

func (s *seenSet) repeated(k uint64, i int) bool {
	if i == 0 {
		s.keys = s.keys[:0]
		clear(s.m)
	}
	if i < seenLinear {
		if slices.Contains(s.keys, k) {
			return true
		}
		s.keys = append(s.keys, k)
		return false
	}
	if s.m == nil {
		s.m = make(map[uint64]struct{})
	}
	if i == seenLinear {
		for _, k := range s.keys {
			s.m[k] = struct{}{}
		}
	}
	if _, ok := s.m[k]; ok {
		return true
	}
	s.m[k] = struct{}{}
	return false
}
