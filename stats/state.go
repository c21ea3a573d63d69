package stats

import (
	"encoding/binary"
	"math/bits"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file holds the aggregator's state: integer sums and counts kept per
// (file, participant), so that adding shards in any order gives the same
// state and therefore the same summaries (style.md pattern 12).

// Categorical fields kept per participant. A participant's value for a
// field is the one seen in most of their samples (ties: the smaller string).
const (
	catName = iota // file name as spelled
	catPath
	catOS
	catCountry
	catManufacturer
	catIntegrity
	catPlatform
	catCommandLine
	catOwner
	catParent
	catServiceName
	catServiceType
	catDisplayName // locale + "\x00" + value
	catDescription // locale + "\x00" + value
	numCats
)

// undLocale stands for an unknown locale in localized strings.
const undLocale = "und"

// strTab interns strings: id 0 is "", ids are dense. It is shared by all
// files of an aggregator.
type strTab struct {
	ids  map[string]uint32
	strs []string
}

func (t *strTab) init() {
	if t.ids == nil {
		t.ids = make(map[string]uint32)
		t.strs = append(t.strs[:0], "")
	}
}

// id returns v's id, adding a copy of v if new (v may alias a reused buffer).
func (t *strTab) id(v string) uint32 {
	if v == "" {
		return 0
	}
	if id, ok := t.ids[v]; ok {
		return id
	}
	v = strings.Clone(v)
	id := uint32(len(t.strs))
	t.strs = append(t.strs, v)
	t.ids[v] = id
	return id
}

func (t *strTab) idBytes(v []byte) uint32 {
	if len(v) == 0 {
		return 0
	}
	if id, ok := t.ids[string(v)]; ok {
		return id
	}
	s := string(v)
	id := uint32(len(t.strs))
	t.strs = append(t.strs, s)
	t.ids[s] = id
	return id
}

// profile is the tuple of a participant's categorical values (string ids,
// 0 for unknown) when every one of their samples had the same values.
type profile [numCats]uint32

// profTab interns profiles: most participants of a file share a handful,
// so a participant holds a 4-byte profile id instead of 14 tallies.
type profTab struct {
	ids    map[profile]uint32
	tuples []profile // [0] unused: profile id 0 means "explicit tallies"
}

func (t *profTab) init() {
	if t.ids == nil {
		t.ids = make(map[profile]uint32)
		t.tuples = append(t.tuples[:0], profile{})
	}
}

func (t *profTab) id(p *profile) uint32 {
	if id, ok := t.ids[*p]; ok {
		return id
	}
	id := uint32(len(t.tuples))
	t.tuples = append(t.tuples, *p)
	t.ids[*p] = id
	return id
}

// tally counts how many of a participant's samples had one value.
type tally struct{ id, n uint32 }

// catExtra is a second, third… value of a field for one participant.
type catExtra struct {
	field uint8
	tally
}

// Sums are 96-bit: a low uint64 and a high uint32 kept inline, and bits 96
// and up (reached only past 2^16 samples of near-limit values) in
// partExtra.top.

// modTally holds one participant's sums for one module.
type modTally struct {
	id uint32 // module name, lower-cased, in the string table
	n  uint32 // samples that listed the module
	hi [NumModuleMetrics]uint32
	lo [NumModuleMetrics]uint64
}

// part is one participant's state for one file: the sample count, the
// categorical values (a profile id, or explicit tallies in x), each
// metric's fixed-point sum, and the modules. Rare things live in x.
type part struct {
	n       uint32
	profile uint32
	hi      [NumMetrics]uint32
	lo      [NumMetrics]uint64
	mods    []modTally
	x       *partExtra
}

// Slots number every sum of a participant: metric k is slot k, module i's
// metric k is slot NumMetrics + i*NumModuleMetrics + k.
type partExtra struct {
	top     map[uint32]uint64 // slot → bits 96 and up of the sum
	missing map[uint32]uint32 // slot → samples (of the participant or module) without the metric
	// Explicit tallies, used when profile is 0: the first value of each
	// field in cats, the others in more.
	cats [numCats]tally
	more []catExtra
}

func modSlot(i int, k ModuleMetric) uint32 {
	return uint32(NumMetrics + i*NumModuleMetrics + int(k))
}

func (p *part) extra() *partExtra {
	if p.x == nil {
		p.x = &partExtra{}
	}
	return p.x
}

func (p *part) miss(slot uint32, c uint32) {
	x := p.extra()
	if x.missing == nil {
		x.missing = make(map[uint32]uint32)
	}
	x.missing[slot] += c
}

func (p *part) topOf(slot uint32) uint64 {
	if p.x == nil || p.x.top == nil {
		return 0
	}
	return p.x.top[slot]
}

func (p *part) missingOf(slot uint32) uint32 {
	if p.x == nil || p.x.missing == nil {
		return 0
	}
	return p.x.missing[slot]
}

// add adds the 128-bit value (vhi, vlo) to the sum in (hi, lo) of slot.
func (p *part) add(hi *uint32, lo *uint64, slot uint32, vhi, vlo uint64) {
	var c uint64
	*lo, c = bits.Add64(*lo, vlo, 0)
	if vhi|c == 0 {
		return
	}
	t := uint64(*hi) + vhi + c
	*hi = uint32(t)
	if t>>32 != 0 {
		x := p.extra()
		if x.top == nil {
			x.top = make(map[uint32]uint64)
		}
		x.top[slot] += t >> 32
	}
}

// toFixed converts a validated value (finite, 0 ≤ v ≤ limit) to its
// fixed-point integer, as high and low 64-bit words. Multiplying by a power
// of two is exact; the value is then rounded to the nearest integer.
//
// Below 2^52 it rounds halves up by adding 0.5 and truncating (one
// instruction each, where math.Round takes a dozen); the sum can round up
// a value a hair below one half, which is a deterministic quantization
// like any other. From 2^52 on, every float64 is an integer already.
func toFixed(v, scale float64) (hi, lo uint64) {
	x := v * scale
	switch {
	case x < 0x1p52:
		return 0, uint64(int64(x + 0.5))
	case x < 0x1p64:
		return 0, uint64(x)
	}
	hi = uint64(x * 0x1p-64)
	return hi, uint64(x - float64(hi)*0x1p64) // exact: x has ≤ 53 significant bits
}

// sumFloat returns top·2^96 + hi·2^64 + lo as a float64.
func sumFloat(top uint64, hi uint32, lo uint64) float64 {
	return float64(top)*0x1p96 + float64(hi)*0x1p64 + float64(lo)
}

// mean returns a sum's mean over c samples in the metric's own unit.
func mean(top uint64, hi uint32, lo uint64, c uint32, scale float64) float64 {
	return sumFloat(top, hi, lo) / scale / float64(c)
}

var metricScale = func() (s [NumMetrics]float64) {
	for k := range s {
		s[k] = metricTable[k].unit.scale()
	}
	return
}()

var moduleScale = func() (s [NumModuleMetrics]float64) {
	for k := range s {
		s[k] = moduleMetricTable[k].unit.scale()
	}
	return
}()

// explicit switches p from a profile to explicit tallies, giving each
// profile value the count n (the samples the profile stood for).
func (p *part) explicit(profs *profTab, n uint32) {
	if p.profile == 0 {
		return
	}
	t := &profs.tuples[p.profile]
	x := p.extra()
	for f, id := range t {
		if id != 0 {
			x.cats[f] = tally{id, n}
		}
	}
	p.profile = 0
}

// tallyID counts n more samples with value id for field f, in explicit mode.
func (p *part) tallyID(f int, id, n uint32) {
	x := p.extra()
	t := &x.cats[f]
	if t.n == 0 {
		t.id, t.n = id, n
		return
	}
	if t.id == id {
		t.n += n
		return
	}
	for i := range x.more {
		e := &x.more[i]
		if int(e.field) == f && e.id == id {
			e.n += n
			return
		}
	}
	x.more = append(x.more, catExtra{field: uint8(f), tally: tally{id, n}})
}

// tallies calls fn for every (field, value, count) of the participant.
func (p *part) tallies(profs *profTab, fn func(f int, t tally)) {
	if p.profile != 0 {
		for f, id := range profs.tuples[p.profile] {
			if id != 0 {
				fn(f, tally{id, p.n})
			}
		}
		return
	}
	if p.x == nil {
		return
	}
	for f, t := range p.x.cats {
		if t.n != 0 {
			fn(f, t)
		}
	}
	for _, e := range p.x.more {
		fn(int(e.field), e.tally)
	}
}

// mode returns the participant's value for field f: the most frequent, ties
// broken by the smaller string. ok is false if the field was never known.
func (p *part) mode(f int, profs *profTab, strs []string) (id uint32, ok bool) {
	if p.profile != 0 {
		id = profs.tuples[p.profile][f]
		return id, id != 0
	}
	if p.x == nil {
		return 0, false
	}
	best := p.x.cats[f]
	if best.n == 0 {
		return 0, false
	}
	for _, e := range p.x.more {
		if int(e.field) == f && (e.n > best.n || (e.n == best.n && strs[e.id] < strs[best.id])) {
			best = e.tally
		}
	}
	return best.id, true
}

// normalize turns explicit tallies that amount to a profile (each field
// known in all samples with one value, or in none) into that profile, and
// drops an empty extra.
func (p *part) normalize(profs *profTab) {
	if p.profile != 0 || p.x == nil || len(p.x.more) != 0 {
		return
	}
	var t profile
	for f, c := range p.x.cats {
		if c.n != 0 && c.n != p.n {
			return
		}
		t[f] = c.id
	}
	p.profile = profs.id(&t)
	p.x.cats = [numCats]tally{}
	if p.x.top == nil && p.x.missing == nil {
		p.x = nil
	}
}

// fileState is the state for one file: a sha256 group, or a name group for
// samples that carry no sha256.
type fileState struct {
	sha      [32]byte
	hasSHA   bool
	name     string // name groups: the lower-cased name
	idx      map[[16]byte]uint32
	chunks   [][]part
	samples  uint64
	rejected [numReasons]uint64
}

// chunkSize bounds the parts per chunk, so that growing a file with a
// million participants never copies (or transiently doubles) its state.
const chunkSize = 1024

func newFileState() *fileState {
	return &fileState{idx: make(map[[16]byte]uint32)}
}

func (f *fileState) len() int { return len(f.idx) }

func (f *fileState) at(i uint32) *part {
	return &f.chunks[i/chunkSize][i%chunkSize]
}

// newPart appends a zero part for key and returns it.
func (f *fileState) newPart(key [16]byte) *part {
	i := uint32(len(f.idx))
	switch {
	case len(f.chunks) == 0:
		f.chunks = append(f.chunks, nil) // grows as needed: most files are small
	case len(f.chunks[len(f.chunks)-1]) == chunkSize:
		f.chunks = append(f.chunks, make([]part, 0, chunkSize)) // exact: no slack
	}
	c := &f.chunks[len(f.chunks)-1]
	*c = append(*c, part{})
	f.idx[key] = i
	return &(*c)[len(*c)-1]
}

// participantKey is the participant's identity inside states: a 128-bit
// digest of the identifier in the form participantID gives (see
// digest128). It is the same in every process, version and platform, so
// shards agree.
func participantKey(id string) [16]byte {
	h1, h2 := digest128(participantID(id))
	var k [16]byte
	binary.LittleEndian.PutUint64(k[:8], h1)
	binary.LittleEndian.PutUint64(k[8:], h2)
	return k
}

// Constants of digest128: odd 64-bit numbers with well-mixed bits (the
// golden ratio and other commonly used mixing constants).
const (
	dk1 = 0x9e3779b97f4a7c15
	dk2 = 0xc2b2ae3d27d4eb4f
	dk3 = 0x165667b19e3779f9
	dk4 = 0xd6e8feb86659fd93
)

// mum multiplies two 64-bit words to 128 bits and folds the halves.
func mum(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return hi ^ lo
}

// fmix64 is a 64-bit finalizer: every input bit affects every output bit.
func fmix64(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return x
}

// le64 reads 8 bytes of s, little-endian (the compiler makes it one load).
func le64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// digest128 is a fast 128-bit hash of s: two lanes that absorb 16 bytes
// per step through 64×64→128-bit multiplications, each seeded by the
// length, cross-mixed and finalized. It is not cryptographic and need not
// be: a participant who wants to be counted twice only has to send two
// identifiers, and collisions between honest identifiers have a chance of
// about n²/2^129. It costs ~10 ns for a typical identifier where SHA-256
// costs ~100 ns, a tenth of Add.
func digest128(s string) (uint64, uint64) {
	n := uint64(len(s))
	h1, h2 := n*dk1^dk3, n*dk2^dk4
	for len(s) >= 16 {
		a, b := le64(s), le64(s[8:])
		h1, h2 = mum(h1^a, dk2^b), mum(h2^b, dk4^a)^h1
		s = s[16:]
	}
	var tail [16]byte
	copy(tail[:], s)
	a := binary.LittleEndian.Uint64(tail[:8])
	b := binary.LittleEndian.Uint64(tail[8:])
	h1, h2 = mum(h1^a^dk1, dk2^b), mum(h2^b^dk3, dk4^a)^h1
	return fmix64(h1 ^ h2>>7), fmix64(h2 + h1)
}

// remap maps another aggregator's string and profile ids to the receiver's.
type remap struct {
	strs    []uint32
	profs   []uint32
	srcStrs *strTab
	srcProf *profTab
	dstStrs *strTab
	dstProf *profTab
}

func newRemap(dstStrs *strTab, dstProf *profTab, srcStrs *strTab, srcProf *profTab) *remap {
	return &remap{
		strs: make([]uint32, len(srcStrs.strs)), profs: make([]uint32, len(srcProf.tuples)),
		srcStrs: srcStrs, srcProf: srcProf, dstStrs: dstStrs, dstProf: dstProf,
	}
}

func (r *remap) str(id uint32) uint32 {
	if id == 0 || r.srcStrs == r.dstStrs {
		return id
	}
	if r.strs[id] == 0 {
		r.strs[id] = r.dstStrs.id(r.srcStrs.strs[id])
	}
	return r.strs[id]
}

func (r *remap) prof(id uint32) uint32 {
	if id == 0 || r.srcProf == r.dstProf {
		return id
	}
	if r.profs[id] == 0 {
		t := r.srcProf.tuples[id]
		for f := range t {
			t[f] = r.str(t[f])
		}
		r.profs[id] = r.dstProf.id(&t)
	}
	return r.profs[id]
}

// mergePart adds src into dst (a zero part if new).
func mergePart(dst, src *part, r *remap) {
	old := dst.n
	dst.n += src.n
	for k := range src.lo {
		slot := uint32(k)
		dst.add(&dst.hi[k], &dst.lo[k], slot, uint64(src.hi[k])+src.topOf(slot)<<32, src.lo[k])
		if m := src.missingOf(slot); m != 0 {
			dst.miss(slot, m)
		}
	}
	switch {
	case src.profile != 0 && old == 0:
		dst.profile = r.prof(src.profile)
	case src.profile != 0 && dst.profile == r.prof(src.profile):
	default:
		dst.explicit(r.dstProf, old)
		mergeTallies(dst, src, r)
	}
	// Index dst's modules only for (hostile) participants with many, so
	// that merging stays linear.
	var modIdx map[uint32]int
	if len(src.mods) > 16 {
		modIdx = make(map[uint32]int, len(dst.mods)+len(src.mods))
		for j := range dst.mods {
			modIdx[dst.mods[j].id] = j
		}
	}
	for si := range src.mods {
		sm := &src.mods[si]
		id := r.str(sm.id)
		di := -1
		if modIdx != nil {
			if j, ok := modIdx[id]; ok {
				di = j
			}
		} else {
			for j := range dst.mods {
				if dst.mods[j].id == id {
					di = j
					break
				}
			}
		}
		if di < 0 {
			di = len(dst.mods)
			dst.mods = append(dst.mods, modTally{id: id})
			if modIdx != nil {
				modIdx[id] = di
			}
		}
		dm := &dst.mods[di]
		dm.n += sm.n
		for k := ModuleMetric(0); k < NumModuleMetrics; k++ {
			sslot, dslot := modSlot(si, k), modSlot(di, k)
			dst.add(&dm.hi[k], &dm.lo[k], dslot, uint64(sm.hi[k])+src.topOf(sslot)<<32, sm.lo[k])
			if m := src.missingOf(sslot); m != 0 {
				dst.miss(dslot, m)
			}
		}
	}
}

// mergeTallies adds src's tallies into dst, which is in explicit mode. It
// does what tallyID does, with an index of dst's extra values when src
// has many, so that merging stays linear.
func mergeTallies(dst, src *part, r *remap) {
	if src.x == nil || len(src.x.more) <= 16 {
		src.tallies(r.srcProf, func(f int, t tally) { dst.tallyID(f, r.str(t.id), t.n) })
		return
	}
	x := dst.extra()
	idx := make(map[uint64]int, len(x.more)+len(src.x.more))
	for j, e := range x.more {
		idx[uint64(e.field)<<32|uint64(e.id)] = j
	}
	src.tallies(r.srcProf, func(f int, t tally) {
		id := r.str(t.id)
		c := &x.cats[f]
		switch {
		case c.n == 0:
			*c = tally{id, t.n}
		case c.id == id:
			c.n += t.n
		default:
			k := uint64(f)<<32 | uint64(id)
			if j, ok := idx[k]; ok {
				x.more[j].n += t.n
				return
			}
			idx[k] = len(x.more)
			x.more = append(x.more, catExtra{field: uint8(f), tally: tally{id, t.n}})
		}
	})
}

// mergeFile adds src into dst. The caller has checked sample-count limits.
func mergeFile(dst, src *fileState, r *remap) {
	dst.samples += src.samples
	for i := range src.rejected {
		dst.rejected[i] += src.rejected[i]
	}
	for key, si := range src.idx {
		sp := src.at(si)
		var dp *part
		if di, ok := dst.idx[key]; ok {
			dp = dst.at(di)
		} else {
			dp = dst.newPart(key)
		}
		mergePart(dp, sp, r)
	}
}

// checkMergeFile reports whether adding src into dst keeps every
// participant within MaxSamplesPerParticipant.
func checkMergeFile(dst, src *fileState) bool {
	if dst == nil {
		return true
	}
	for key, si := range src.idx {
		if di, ok := dst.idx[key]; ok {
			if uint64(dst.at(di).n)+uint64(src.at(si).n) > MaxSamplesPerParticipant {
				return false
			}
		}
	}
	return true
}

// share returns n/d, the one way every share is computed.
func share(n, d int64) float64 {
	return float64(n) / float64(d)
}

// participantID returns the form of a participant identifier that
// identity is decided on: without surrounding white space (Unicode), each
// letter case-folded as strings.EqualFold does (Unicode simple folding),
// to lower case. "p-0", "P-0" and " p-0 " are one participant. The usual
// identifier, lower-case ASCII without surrounding space, is returned as it
// is, without allocating.
func participantID(id string) string {
	if id != "" && !isSpaceByte(id[0]) && !isSpaceByte(id[len(id)-1]) {
		plain := true
		for i := 0; i < len(id) && plain; i++ {
			c := id[i]
			plain = c < utf8.RuneSelf && (c < 'A' || c > 'Z')
		}
		if plain {
			return id
		}
	}
	t := strings.TrimSpace(id)
	var b strings.Builder
	b.Grow(len(t))
	for _, r := range t {
		b.WriteRune(foldRune(r))
	}
	return b.String()
}

// isSpaceByte reports whether c may start or end white space that
// strings.TrimSpace removes (any non-ASCII byte may).
func isSpaceByte(c byte) bool {
	return c == ' ' || (c >= '\t' && c <= '\r') || c >= utf8.RuneSelf
}

// foldRune maps r to one representative of its case-folding orbit (the
// runes unicode.SimpleFold cycles through): the lower case of the
// smallest. K, k and U+212A KELVIN SIGN all give k.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return r
	}
	m := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		m = min(m, f)
	}
	return unicode.ToLower(m)
}
