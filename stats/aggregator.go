package stats

import (
	"fmt"
	"strings"
)

// Default privacy settings. See the package documentation for the rules.
const (
	// DefaultMinParticipants is the number of unique participants below
	// which nothing about a file is published, and below which no single
	// figure (a metric, a distribution, a property, a module) is published.
	DefaultMinParticipants = 200
	// DefaultRareMinParticipants and DefaultRareMinShare: a distribution
	// value held by fewer participants than either bound folds into "Other".
	// The defaults reproduce the seed page, which lists values held by a
	// single participant among 200 (0.50%) or 271 (0.37%).
	DefaultRareMinParticipants = 1
	DefaultRareMinShare        = 0.0025
	// DefaultPropertyMinShare is the share of participants that a process
	// property's (or the typical path's) most common value needs before it
	// is published: free text such as a command line can name a user, and a
	// value held by under 10% of participants is not "typical" anyway.
	DefaultPropertyMinShare = 0.10
)

type config struct {
	set                 bool
	minParticipants     int
	rareMinParticipants int
	rareMinShare        float64
	propMinShare        float64
}

func defaultConfig() config {
	return config{
		set:                 true,
		minParticipants:     DefaultMinParticipants,
		rareMinParticipants: DefaultRareMinParticipants,
		rareMinShare:        DefaultRareMinShare,
		propMinShare:        DefaultPropertyMinShare,
	}
}

// Option configures an [Aggregator]. An option with a bad value makes
// [NewAggregator] fail.
type Option func(*config) error

// WithMinParticipants sets the privacy threshold: the unique participants a
// file, and each published figure about it, needs. Default
// [DefaultMinParticipants] (200); n must be at least 1.
func WithMinParticipants(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return fmt.Errorf("stats: min participants %d, want at least 1", n)
		}
		c.minParticipants = n
		return nil
	}
}

// WithRareValues sets when a distribution value folds into "Other": when it
// is held by fewer than minParticipants participants or by less than
// minShare of the participants whose value is known. Defaults
// [DefaultRareMinParticipants] (1) and [DefaultRareMinShare] (0.25%). For
// k-anonymity with k = 5, pass (5, 0).
func WithRareValues(minParticipants int, minShare float64) Option {
	return func(c *config) error {
		if minParticipants < 1 {
			return fmt.Errorf("stats: rare-value participants %d, want at least 1", minParticipants)
		}
		if !(minShare >= 0 && minShare < 1) {
			return fmt.Errorf("stats: rare-value share %v, want 0 ≤ share < 1", minShare)
		}
		c.rareMinParticipants, c.rareMinShare = minParticipants, minShare
		return nil
	}
}

// WithPropertyMinShare sets the share of participants with a known value
// that a process property's most common value needs to be published.
// Default [DefaultPropertyMinShare] (10%).
func WithPropertyMinShare(share float64) Option {
	return func(c *config) error {
		if !(share >= 0 && share <= 1) {
			return fmt.Errorf("stats: property share %v, want 0 ≤ share ≤ 1", share)
		}
		c.propMinShare = share
		return nil
	}
}

// Aggregator turns samples into per-file summaries. The zero value is ready
// to use with the default options; [NewAggregator] sets others.
//
// An Aggregator keeps, per (file, participant), integer fixed-point sums of
// every metric and counts of every categorical value: about 310 bytes plus
// 72 per module (see the package documentation for measurements).
// Merging, marshalling and summarizing are exact functions of that state.
//
// An Aggregator is not safe for concurrent use; give each goroutine its own
// and [Aggregator.Merge] them.
type Aggregator struct {
	conf     config
	strs     strTab
	profs    profTab
	bySHA    map[[32]byte]*fileState
	byName   map[string]*fileState
	rejected [numReasons]uint64
	samples  uint64

	last    *fileState
	lastSHA [32]byte
	scratch []byte
	catBuf  []byte
	seen    []modSeen
	modIdx  map[uint32]int  // module id → index in one participant's mods (indexModules)
	lastID  [numCats]uint32 // per field, the id last interned (a cache)
	lastPro uint32          // the profile last interned (a cache)
	lastHex string          // a.last's sha256 as given (a cache)
	limCPUs int             // the CPU count lim is for (a cache)
	lim     *[len(units)]float64
	vals    [numCats]string
}

// modIndexAbove is the module count of a participant above which Add
// finds modules through an index rather than by scanning the list.
const modIndexAbove = 32

// indexModules fills a.modIdx with p's modules.
func (a *Aggregator) indexModules(p *part) {
	if a.modIdx == nil {
		a.modIdx = make(map[uint32]int, len(p.mods))
	}
	clear(a.modIdx)
	for j, m := range p.mods {
		a.modIdx[m.id] = j
	}
}

type modSeen struct {
	id  uint32
	idx int
	has uint8
}

// NewAggregator returns an Aggregator with the options applied over the
// defaults.
func NewAggregator(opts ...Option) (*Aggregator, error) {
	a := &Aggregator{conf: defaultConfig()}
	for _, o := range opts {
		if err := o(&a.conf); err != nil {
			return nil, err
		}
	}
	return a, nil
}

func (a *Aggregator) cfg() config {
	if !a.conf.set {
		return defaultConfig()
	}
	return a.conf
}

// MinParticipants returns the privacy threshold in force.
func (a *Aggregator) MinParticipants() int { return a.cfg().minParticipants }

func (a *Aggregator) init() {
	if a.bySHA == nil {
		a.bySHA = make(map[[32]byte]*fileState)
		a.byName = make(map[string]*fileState)
		a.strs.init()
		a.profs.init()
	}
}

// Add validates s and, if it is valid, adds it to the file's state. A
// rejected sample is counted under its reason (for its file too, when its
// file key is valid) and Add returns the [*RejectError]; that error never
// means the aggregator is unusable. Add keeps no reference to s or its
// strings. Adding a sample whose participant already has samples for the
// file does not allocate unless it brings a new value or module.
func (a *Aggregator) Add(s *Sample) error {
	if e := a.add(s); e != nil {
		return e
	}
	return nil
}

func (a *Aggregator) add(s *Sample) *RejectError {
	shaKnown := s.File.SHA256 != "" && a.last != nil && s.File.SHA256 == a.lastHex
	if s.Machine.CPUs != a.limCPUs || a.lim == nil {
		a.limCPUs, a.lim = s.Machine.CPUs, limitsFor(s.Machine.CPUs)
	}
	if e := s.validateCore(shaKnown, a.lim); e != nil {
		a.rejectSample(e, s)
		return e
	}
	a.init()
	f := a.file(&s.File)
	key := participantKey(s.Participant)
	i, ok := f.idx[key]
	var p *part
	if ok {
		p = f.at(i)
		if p.n >= MaxSamplesPerParticipant {
			e := reject(RejectTooLarge, "participant", fmt.Sprintf("over %d samples for one file", MaxSamplesPerParticipant))
			a.rejected[e.Reason]++
			f.rejected[e.Reason]++
			return e
		}
	}
	// Which values equal the participant's profile: those were checked
	// when they came in, and when all are equal there is nothing to count.
	// For a new participant, values equal to the ones last interned are
	// known to be valid too.
	const allCats = 1<<numCats - 1
	var same uint32
	switch {
	case p == nil:
		same = a.sameAsProfile(s, (*profile)(&a.lastID))
	case p.profile != 0:
		same = a.sameAsProfile(s, &a.profs.tuples[p.profile])
	}
	count := p == nil || same != allCats
	var vals *[numCats]string
	if count {
		if same != allCats {
			if e := s.validateText(same); e != nil {
				a.rejectSample(e, s)
				return e
			}
		}
		vals = a.catValues(s)
	}
	if !ok {
		p = f.newPart(key)
	}
	p.n++
	f.samples++
	a.samples++

	// Metrics.
	m := &s.Metrics
	for k := 0; k < NumMetrics; k++ {
		if m.has&(1<<k) == 0 {
			p.miss(uint32(k), 1)
			continue
		}
		vhi, vlo := toFixed(m.v[k], metricScale[k])
		p.add(&p.hi[k], &p.lo[k], uint32(k), vhi, vlo)
	}

	if count {
		a.addCats(p, vals, !ok)
	}

	// Modules: entries with the same name (ignoring ASCII case) add up.
	a.seen = a.seen[:0]
	indexed := false // a.modIdx holds p's modules
	for i := range s.Modules {
		md := &s.Modules[i]
		// The participant's modules first (most samples list the same
		// modules in the same order), then the table.
		mi, id, interned := -1, uint32(0), false
		switch {
		case i < len(p.mods) && equalFoldASCII(md.Name, a.strs.strs[p.mods[i].id]):
			mi, id = i, p.mods[i].id
		case len(p.mods) > modIndexAbove:
			// A participant with many modules: look the name up in an
			// index of them, built once per sample, instead of scanning
			// the list for every module (quadratic for a hostile one).
			a.scratch = appendLower(a.scratch[:0], md.Name)
			id, interned = a.strs.idBytes(a.scratch), true
			if !indexed {
				a.indexModules(p)
				indexed = true
			}
			if j, ok := a.modIdx[id]; ok {
				mi = j
			}
		default:
			for j := range p.mods {
				if equalFoldASCII(md.Name, a.strs.strs[p.mods[j].id]) {
					mi, id = j, p.mods[j].id
					break
				}
			}
		}
		if mi < 0 && !interned {
			a.scratch = appendLower(a.scratch[:0], md.Name)
			id = a.strs.idBytes(a.scratch)
		}
		si := -1
		for j := range a.seen {
			if a.seen[j].id == id {
				si = j
				break
			}
		}
		if si >= 0 {
			mi = a.seen[si].idx
			a.seen[si].has |= md.Metrics.has
		} else {
			if mi < 0 {
				if p.mods == nil { // size for the sample's modules at once
					p.mods = make([]modTally, 0, len(s.Modules))
				}
				mi = len(p.mods)
				p.mods = append(p.mods, modTally{id: id})
				if indexed {
					a.modIdx[id] = mi
				}
			}
			p.mods[mi].n++
			a.seen = append(a.seen, modSeen{id: id, idx: mi, has: md.Metrics.has})
		}
		mt := &p.mods[mi]
		for k := ModuleMetric(0); k < NumModuleMetrics; k++ {
			if md.Metrics.has&(1<<k) != 0 {
				vhi, vlo := toFixed(md.Metrics.v[k], moduleScale[k])
				p.add(&mt.hi[k], &mt.lo[k], modSlot(mi, k), vhi, vlo)
			}
		}
	}
	for _, sn := range a.seen {
		if sn.has != 1<<NumModuleMetrics-1 {
			for k := ModuleMetric(0); k < NumModuleMetrics; k++ {
				if sn.has&(1<<k) == 0 {
					p.miss(modSlot(sn.idx, k), 1)
				}
			}
		}
	}
	return nil
}

// sameAsProfile returns the fields (bit 1<<cat) whose value in s equals
// the profile's, without building the values catValues builds.
func (a *Aggregator) sameAsProfile(s *Sample, t *profile) uint32 {
	strs := a.strs.strs
	var m uint32
	eq := func(c int, v string) {
		if strs[t[c]] == v {
			m |= 1 << c
		}
	}
	pr := &s.Process
	eq(catName, s.File.EffectiveName())
	eq(catPath, s.File.Path)
	eq(catOS, s.Machine.OS)
	eq(catManufacturer, s.Machine.Manufacturer)
	eq(catIntegrity, pr.IntegrityLevel)
	eq(catPlatform, pr.Platform)
	eq(catCommandLine, pr.CommandLine)
	eq(catOwner, pr.Owner)
	eq(catParent, pr.Parent)
	eq(catServiceName, pr.Service.Name)
	eq(catServiceType, pr.Service.Type)
	var cc [2]byte
	n := 0
	if c := s.Machine.Country; c != "" && !(c[0]|0x20 == 'z' && c[1]|0x20 == 'z') {
		cc, n = [2]byte{c[0] &^ 0x20, c[1] &^ 0x20}, 2
	}
	if strs[t[catCountry]] == string(cc[:n]) {
		m |= 1 << catCountry
	}
	loc := s.Machine.Locale
	if loc == "" {
		loc = undLocale
	}
	eqLoc := func(c int, v string) {
		w := strs[t[c]]
		if v == "" {
			if w == "" {
				m |= 1 << c
			}
			return
		}
		if len(w) == len(loc)+1+len(v) && w[len(loc)] == 0 && w[:len(loc)] == loc && w[len(loc)+1:] == v {
			m |= 1 << c
		}
	}
	eqLoc(catDisplayName, pr.Service.DisplayName)
	eqLoc(catDescription, pr.Service.Description)
	return m
}

// catValues returns the sample's categorical values, indexed by field.
// Built values (country, localized strings) live in a.catBuf until the
// next call; interning copies them.
func (a *Aggregator) catValues(s *Sample) *[numCats]string {
	vals := &a.vals
	vals[catName] = s.File.EffectiveName()
	vals[catPath] = s.File.Path
	vals[catOS] = s.Machine.OS
	vals[catManufacturer] = s.Machine.Manufacturer
	pr := &s.Process
	vals[catIntegrity] = pr.IntegrityLevel
	vals[catPlatform] = pr.Platform
	vals[catCommandLine] = pr.CommandLine
	vals[catOwner] = pr.Owner
	vals[catParent] = pr.Parent
	vals[catServiceName] = pr.Service.Name
	vals[catServiceType] = pr.Service.Type
	b := a.catBuf[:0]
	if c := s.Machine.Country; c != "" && !(c[0]|0x20 == 'z' && c[1]|0x20 == 'z') {
		b = append(b, c[0]&^0x20, c[1]&^0x20) // upper-case ASCII
	}
	nc := len(b)
	loc := s.Machine.Locale
	if loc == "" {
		loc = undLocale
	}
	if pr.Service.DisplayName != "" {
		b = append(append(append(b, loc...), 0), pr.Service.DisplayName...)
	}
	nd := len(b)
	if pr.Service.Description != "" {
		b = append(append(append(b, loc...), 0), pr.Service.Description...)
	}
	a.catBuf = b
	vals[catCountry] = bstr(b[:nc])
	vals[catDisplayName] = bstr(b[nc:nd])
	vals[catDescription] = bstr(b[nd:])
	return vals
}

// addCats counts the sample's categorical values. A participant whose
// samples all agree keeps a profile id; the first disagreement switches it
// to explicit tallies.
func (a *Aggregator) addCats(p *part, vals *[numCats]string, fresh bool) {
	strs := a.strs.strs
	if fresh {
		var t profile
		for f, v := range vals {
			if v == "" {
				continue
			}
			if id := a.lastID[f]; strs[id] == v {
				t[f] = id
			} else {
				t[f] = a.strs.id(v)
				a.lastID[f] = t[f]
				strs = a.strs.strs
			}
		}
		if a.lastPro != 0 && a.profs.tuples[a.lastPro] == t {
			p.profile = a.lastPro
		} else {
			p.profile = a.profs.id(&t)
			a.lastPro = p.profile
		}
		return
	}
	if p.profile != 0 { // the caller found a value that differs
		p.explicit(&a.profs, p.n-1)
	}
	for f, v := range vals {
		if v == "" {
			continue
		}
		if t := &p.extra().cats[f]; t.n != 0 && strs[t.id] == v {
			t.n++
			continue
		}
		p.tallyID(f, a.strs.id(v), 1)
		strs = a.strs.strs
	}
}

// equalFoldASCII reports whether s equals lower (already lower-cased by
// appendLower) when s's ASCII letters are lower-cased.
func equalFoldASCII(s, lower string) bool {
	if s == lower {
		return true
	}
	if len(s) != len(lower) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// appendLower appends s with ASCII letters lower-cased; other bytes are
// kept, so that the result is a deterministic key on every platform.
func appendLower(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return b
}

// file returns the state for a validated file reference, creating it.
func (a *Aggregator) file(ref *FileRef) *fileState {
	if ref.SHA256 != "" {
		if a.last != nil && ref.SHA256 == a.lastHex {
			return a.last
		}
		k, _ := parseSHA256(ref.SHA256)
		if a.last != nil && k == a.lastSHA {
			a.lastHex = strings.Clone(ref.SHA256)
			return a.last
		}
		f := a.bySHA[k]
		if f == nil {
			f = newFileState()
			f.sha, f.hasSHA = k, true
			a.bySHA[k] = f
		}
		a.last, a.lastSHA, a.lastHex = f, k, strings.Clone(ref.SHA256)
		return f
	}
	a.scratch = appendLower(a.scratch[:0], ref.EffectiveName())
	f := a.byName[string(a.scratch)]
	if f == nil {
		f = newFileState()
		f.name = string(a.scratch)
		a.byName[f.name] = f
	}
	return f
}

// rejectSample counts a rejection, for the sample's file as well when the
// file key itself is valid.
func (a *Aggregator) rejectSample(e *RejectError, s *Sample) {
	a.rejected[e.Reason]++
	if s == nil {
		return
	}
	ref := &s.File
	if ref.SHA256 != "" {
		if _, ok := parseSHA256(ref.SHA256); !ok {
			return
		}
	} else if n := ref.EffectiveName(); n == "" || checkString(ref.Name, "") != nil || checkString(ref.Path, "") != nil {
		return
	}
	a.init()
	a.file(ref).rejected[e.Reason]++
}

// Samples returns the number of accepted samples.
func (a *Aggregator) Samples() int64 { return int64(a.samples) }

// Rejected returns the number of rejected samples by reason, including
// those that could not be attributed to a file (such as malformed lines).
func (a *Aggregator) Rejected() map[RejectReason]int64 {
	m := make(map[RejectReason]int64)
	for r, n := range a.rejected {
		if n != 0 {
			m[RejectReason(r)] = int64(n)
		}
	}
	return m
}

// Files returns the number of files (sha256 groups, and name groups for
// samples without a sha256) the aggregator holds state for.
func (a *Aggregator) Files() int { return len(a.bySHA) + len(a.byName) }

// Merge adds the state of b into a, as if every sample added to b had been
// added to a (in any order: the result is the same). A participant who
// appears in both counts once. b is not changed. Merge fails, leaving a
// unchanged, if b is a or if a participant would pass
// [MaxSamplesPerParticipant]. a keeps its own options.
func (a *Aggregator) Merge(b *Aggregator) error {
	if a == b {
		return ErrSelfMerge
	}
	if b.bySHA == nil && b.samples == 0 {
		for r, n := range b.rejected {
			a.rejected[r] += n
		}
		return nil
	}
	for k, bf := range b.bySHA {
		if !checkMergeFile(a.bySHA[k], bf) {
			return ErrOverflow
		}
	}
	for k, bf := range b.byName {
		if !checkMergeFile(a.byName[k], bf) {
			return ErrOverflow
		}
	}
	a.init()
	remap := newRemap(&a.strs, &a.profs, &b.strs, &b.profs)
	for k, bf := range b.bySHA {
		af := a.bySHA[k]
		if af == nil {
			af = newFileState()
			af.sha, af.hasSHA = k, true
			a.bySHA[k] = af
		}
		mergeFile(af, bf, remap)
	}
	for k, bf := range b.byName {
		af := a.byName[k]
		if af == nil {
			af = newFileState()
			af.name = k
			a.byName[k] = af
		}
		mergeFile(af, bf, remap)
	}
	for r, n := range b.rejected {
		a.rejected[r] += n
	}
	a.samples += b.samples
	return nil
}

// Reset drops all state and keeps the options.
func (a *Aggregator) Reset() {
	*a = Aggregator{conf: a.conf}
}

// splitLocalized splits a localized tally value into locale and text.
func splitLocalized(v string) (locale, text string) {
	if l, t, ok := strings.Cut(v, "\x00"); ok {
		return l, t
	}
	return undLocale, v
}
