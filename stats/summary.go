package stats

import (
	"bytes"
	"cmp"
	"encoding/hex"
	"encoding/json"
	"math"
	"slices"
	"strings"
	"sync"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Summary is what may be published about one file (or, from
// [Aggregator.NameSummary], about every version of one file name). It
// marshals to telemetry.md's summary JSON. When Published is false, only
// File, Participants, Samples, MinParticipants and Rejected are set.
type Summary struct {
	File FileID `json:"file"`
	// Versions lists, in a name roll-up, the sha256 groups that are
	// published themselves, most participants first.
	Versions []Version `json:"versions,omitempty"`
	// UnpublishedVersions counts the roll-up's sha256 groups below the
	// threshold; they are counted in the figures but not named.
	UnpublishedVersions int `json:"unpublished_versions,omitempty"`
	// Participants is the number of unique participants.
	Participants int64 `json:"participants"`
	// Samples is the number of accepted samples.
	Samples int64 `json:"samples"`
	// Published is false below the privacy threshold.
	Published bool `json:"published"`
	// MinParticipants is the threshold the summary was made with.
	MinParticipants int `json:"min_participants"`
	// Rejected counts the file's rejected samples by reason.
	Rejected map[RejectReason]int64 `json:"rejected"`

	// ResourceUtilization holds, per metric, the mean over participants of
	// each participant's mean. A metric known for fewer than
	// MinParticipants participants is absent.
	ResourceUtilization *Metrics `json:"resource_utilization,omitempty"`
	// TypicalPath is the most common file.path.
	TypicalPath *Mode           `json:"typical_path,omitempty"`
	Process     *ProcessSummary `json:"process,omitempty"`
	// Modules holds per-module averages, highest total CPU first.
	Modules      []ModuleSummary `json:"modules,omitempty"`
	Distribution *Distribution   `json:"distribution,omitempty"`
}

// FileID names the file a summary is about.
type FileID struct {
	SHA256 string `json:"sha256,omitempty"`
	Name   string `json:"name,omitempty"`
}

// Version is one sha256 of a file name, in a roll-up.
type Version struct {
	SHA256       string `json:"sha256"`
	Participants int64  `json:"participants"`
}

// Mode is the most common value of a property, with the share of
// participants (among those for whom the property is known) who have it.
type Mode struct {
	Value        string  `json:"value"`
	Share        float64 `json:"share"`
	Participants int64   `json:"participants"`
}

// ProcessSummary holds the published process properties.
type ProcessSummary struct {
	IntegrityLevel *Mode           `json:"integrity_level,omitempty"`
	Platform       *Mode           `json:"platform,omitempty"`
	CommandLine    *Mode           `json:"command_line,omitempty"`
	Owner          *Mode           `json:"owner,omitempty"`
	Parent         *Mode           `json:"parent,omitempty"`
	Service        *ServiceSummary `json:"service,omitempty"`
}

// ServiceSummary holds the published Windows service properties. The
// localized strings are keyed by BCP 47 locale ("und" when unknown).
type ServiceSummary struct {
	Name        *Mode           `json:"name,omitempty"`
	Type        *Mode           `json:"type,omitempty"`
	DisplayName map[string]Mode `json:"display_name,omitempty"`
	Description map[string]Mode `json:"description,omitempty"`
}

// ModuleSummary holds one module's averages. It marshals flat:
// {"name": …, "participants": …, "total_cpu_pct": …, …}.
type ModuleSummary struct {
	Name         string
	Participants int64
	Metrics      ModuleMetrics
}

// Distribution holds the distributions by OS, country and manufacturer.
// Each is sorted by participants, most first (ties by value), with "Other"
// last; each has its own denominator, in Known.
type Distribution struct {
	OS           []Entry `json:"os,omitempty"`
	Country      []Entry `json:"country,omitempty"`
	Manufacturer []Entry `json:"manufacturer,omitempty"`
	// Known holds each dimension's denominator: the participants for whom
	// the value is known.
	Known Known `json:"known"`
}

// Known holds the denominators of a [Distribution].
type Known struct {
	OS           int64 `json:"os"`
	Country      int64 `json:"country"`
	Manufacturer int64 `json:"manufacturer"`
}

// Entry is one value of a distribution.
type Entry struct {
	// Value is the value as shown: for countries, the English name.
	Value string `json:"value"`
	// Code is the ISO 3166-1 code, for countries.
	Code         string  `json:"code,omitempty"`
	Share        float64 `json:"share"`
	Participants int64   `json:"participants"`
	// Other marks the bucket that rare values fold into.
	Other bool `json:"other,omitempty"`
}

// OtherValue is the value of the bucket that rare distribution values fold
// into. An input value spelled exactly "Other" is counted in it too.
const OtherValue = "Other"

// MarshalJSON writes the module flat, as telemetry.md shows.
func (m ModuleSummary) MarshalJSON() ([]byte, error) {
	name, err := json.Marshal(m.Name)
	if err != nil {
		return nil, err
	}
	b := append([]byte(`{"name":`), name...)
	b = append(b, `,"participants":`...)
	b = appendFloat(b, float64(m.Participants))
	b = m.Metrics.appendMembers(b, false)
	return append(b, '}'), nil
}

// UnmarshalJSON reads what MarshalJSON writes; unknown keys are ignored.
func (m *ModuleSummary) UnmarshalJSON(data []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	*m = ModuleSummary{}
	if r, ok := raw["name"]; ok {
		if err := json.Unmarshal(r, &m.Name); err != nil {
			return err
		}
	}
	if r, ok := raw["participants"]; ok {
		if err := json.Unmarshal(r, &m.Participants); err != nil {
			return err
		}
	}
	return m.Metrics.setFromMap(raw)
}

// Summary returns the summary of the file with the given sha256 (64 hex
// digits, either case), and whether the aggregator has any state for it.
// Its cost is linear in the file's participants (plus a sort of them).
func (a *Aggregator) Summary(sha256 string) (*Summary, bool) {
	k, ok := parseSHA256(sha256)
	if !ok || a.bySHA == nil {
		return nil, false
	}
	f := a.bySHA[k]
	if f == nil {
		return nil, false
	}
	return a.summarize(f, a.cfg()), true
}

// Summaries returns one summary per file state: sha256 groups ordered by
// sha256, then groups of samples without a sha256 ordered by name.
func (a *Aggregator) Summaries() []*Summary {
	cfg := a.cfg()
	var out []*Summary
	for _, f := range a.sortedFiles() {
		out = append(out, a.summarize(f, cfg))
	}
	return out
}

func (a *Aggregator) sortedFiles() []*fileState {
	shas := make([]*fileState, 0, len(a.bySHA))
	for _, f := range a.bySHA {
		shas = append(shas, f)
	}
	slices.SortFunc(shas, func(x, y *fileState) int { return bytes.Compare(x.sha[:], y.sha[:]) })
	names := make([]*fileState, 0, len(a.byName))
	for _, f := range a.byName {
		names = append(names, f)
	}
	slices.SortFunc(names, func(x, y *fileState) int { return strings.Compare(x.name, y.name) })
	return append(shas, names...)
}

// rollups groups every file state by lower-cased file name: a sha256 group
// goes under the name most of its participants used.
func (a *Aggregator) rollups() map[string][]*fileState {
	g := make(map[string][]*fileState)
	for _, f := range a.sortedFiles() {
		key := f.name
		if f.hasSHA {
			counts := make(map[uint32]int64)
			for _, i := range f.idx {
				if id, ok := f.at(i).mode(catName, &a.profs, a.strs.strs); ok {
					counts[id]++
				}
			}
			id, _, ok := topValue(counts, a.strs.strs)
			if !ok {
				continue
			}
			key = string(appendLower(nil, a.strs.strs[id]))
		}
		g[key] = append(g[key], f)
	}
	return g
}

// NameSummary returns the roll-up across versions of the file name (ASCII
// case ignored): every sha256 group whose participants mostly used that
// name, and the samples that carried only the name. A participant who ran
// several versions counts once, with the mean of all their samples.
func (a *Aggregator) NameSummary(name string) (*Summary, bool) {
	groups := a.rollups()[string(appendLower(nil, name))]
	if len(groups) == 0 {
		return nil, false
	}
	return a.summarizeRollup(string(appendLower(nil, name)), groups, a.cfg()), true
}

// NameSummaries returns every name roll-up, ordered by lower-cased name.
func (a *Aggregator) NameSummaries() []*Summary {
	g := a.rollups()
	keys := make([]string, 0, len(g))
	for k := range g {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	cfg := a.cfg()
	out := make([]*Summary, 0, len(keys))
	for _, k := range keys {
		out = append(out, a.summarizeRollup(k, g[k], cfg))
	}
	return out
}

// summarizeRollup summarizes the groups of one lower-cased name as one.
// The roll-up is named by its most common spelling when that is published,
// and by its key otherwise: the caller asked for that name.
func (a *Aggregator) summarizeRollup(key string, groups []*fileState, cfg config) *Summary {
	st := groups[0]
	if len(groups) > 1 {
		st = newFileState()
		ident := newRemap(&a.strs, &a.profs, &a.strs, &a.profs)
		for _, g := range groups {
			mergeFile(st, g, ident)
		}
	}
	s := a.summarize(st, cfg)
	s.File.SHA256 = ""
	if s.File.Name == "" {
		s.File.Name = key
	}
	for _, g := range groups {
		if !g.hasSHA {
			continue
		}
		if n := g.len(); n >= cfg.minParticipants {
			s.Versions = append(s.Versions, Version{SHA256: hex.EncodeToString(g.sha[:]), Participants: int64(n)})
		} else {
			s.UnpublishedVersions++
		}
	}
	slices.SortFunc(s.Versions, func(x, y Version) int {
		return cmp.Or(cmp.Compare(y.Participants, x.Participants), strings.Compare(x.SHA256, y.SHA256))
	})
	return s
}

type keyIdx struct {
	k [16]byte
	i uint32
}

// summarize computes the summary of one state. It iterates participants in
// the order of their keys, so that float sums are the same for every state
// that holds the same participants, however it was built.
func (a *Aggregator) summarize(f *fileState, cfg config) *Summary {
	strs := a.strs.strs
	s := &Summary{
		Participants:    int64(f.len()),
		Samples:         int64(f.samples),
		MinParticipants: cfg.minParticipants,
		Rejected:        make(map[RejectReason]int64),
	}
	for r, n := range f.rejected {
		if n != 0 {
			s.Rejected[RejectReason(r)] = int64(n)
		}
	}
	if f.hasSHA {
		s.File.SHA256 = hex.EncodeToString(f.sha[:])
	}
	if s.Participants < int64(cfg.minParticipants) {
		if !f.hasSHA {
			s.File.Name = f.name
		}
		return s
	}
	s.Published = true
	min := int64(cfg.minParticipants)

	order := make([]keyIdx, 0, f.len())
	for k, i := range f.idx {
		order = append(order, keyIdx{k, i})
	}
	slices.SortFunc(order, func(x, y keyIdx) int { return bytes.Compare(x.k[:], y.k[:]) })

	// Resource utilization: mean over participants of each one's mean.
	var sum [NumMetrics]float64
	var cnt [NumMetrics]int64
	type modAcc struct {
		participants int64
		sum          [NumModuleMetrics]float64
		cnt          [NumModuleMetrics]int64
	}
	mods := make(map[uint32]*modAcc)
	var counts [numCats]map[uint32]int64
	var known [numCats]int64
	for c := range counts {
		counts[c] = make(map[uint32]int64)
	}
	localeKnown := [numCats]map[string]int64{catDisplayName: {}, catDescription: {}}
	var loc []tally
	for _, o := range order {
		p := f.at(o.i)
		for k := 0; k < NumMetrics; k++ {
			slot := uint32(k)
			c := p.n
			var top uint64
			if p.x != nil {
				c -= p.missingOf(slot)
				top = p.topOf(slot)
			}
			if c > 0 {
				sum[k] += mean(top, p.hi[k], p.lo[k], c, metricScale[k])
				cnt[k]++
			}
		}
		for c := 0; c < numCats; c++ {
			if c == catDisplayName || c == catDescription {
				continue
			}
			if id, ok := p.mode(c, &a.profs, strs); ok {
				counts[c][id]++
				known[c]++
			}
		}
		for _, c := range [...]int{catDisplayName, catDescription} {
			loc = p.localizedModes(c, &a.profs, strs, loc[:0])
			if len(loc) > 0 {
				known[c]++
			}
			for _, t := range loc {
				counts[c][t.id]++
				l, _ := splitLocalized(strs[t.id])
				localeKnown[c][l]++
			}
		}
		for mi := range p.mods {
			mt := &p.mods[mi]
			acc := mods[mt.id]
			if acc == nil {
				acc = &modAcc{}
				mods[mt.id] = acc
			}
			acc.participants++
			for k := ModuleMetric(0); k < NumModuleMetrics; k++ {
				slot := modSlot(mi, k)
				if c := mt.n - p.missingOf(slot); c > 0 {
					acc.sum[k] += mean(p.topOf(slot), mt.hi[k], mt.lo[k], c, moduleScale[k])
					acc.cnt[k]++
				}
			}
		}
	}

	ru := &Metrics{}
	for k := Metric(0); k < NumMetrics; k++ {
		if cnt[k] >= min {
			ru.Set(k, sum[k]/float64(cnt[k]))
		}
	}
	if ru.has != 0 {
		s.ResourceUtilization = ru
	}

	prop := func(c int) *Mode {
		if known[c] < min {
			return nil
		}
		id, n, ok := topValue(counts[c], strs)
		if !ok || n < needed(known[c], 1, cfg.propMinShare) {
			return nil
		}
		return &Mode{Value: strs[id], Share: share(n, known[c]), Participants: n}
	}
	if m := prop(catName); m != nil {
		s.File.Name = m.Value
	} else if !f.hasSHA {
		s.File.Name = f.name
	}
	s.TypicalPath = prop(catPath)
	ps := &ProcessSummary{
		IntegrityLevel: prop(catIntegrity),
		Platform:       prop(catPlatform),
		CommandLine:    prop(catCommandLine),
		Owner:          prop(catOwner),
		Parent:         prop(catParent),
	}
	svc := &ServiceSummary{
		Name:        prop(catServiceName),
		Type:        prop(catServiceType),
		DisplayName: localized(counts[catDisplayName], localeKnown[catDisplayName], known[catDisplayName], strs, cfg),
		Description: localized(counts[catDescription], localeKnown[catDescription], known[catDescription], strs, cfg),
	}
	if svc.Name != nil || svc.Type != nil || svc.DisplayName != nil || svc.Description != nil {
		ps.Service = svc
	}
	if *ps != (ProcessSummary{}) {
		s.Process = ps
	}

	for id, acc := range mods {
		if acc.participants < min {
			continue
		}
		ms := ModuleSummary{Name: strs[id], Participants: acc.participants}
		for k := ModuleMetric(0); k < NumModuleMetrics; k++ {
			if acc.cnt[k] >= min {
				ms.Metrics.Set(k, acc.sum[k]/float64(acc.cnt[k]))
			}
		}
		s.Modules = append(s.Modules, ms)
	}
	slices.SortFunc(s.Modules, func(x, y ModuleSummary) int {
		xv, xok := x.Metrics.Get(ModTotalCPUPct)
		yv, yok := y.Metrics.Get(ModTotalCPUPct)
		if xok != yok {
			if xok {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(yv, xv), strings.Compare(x.Name, y.Name))
	})

	d := &Distribution{Known: Known{OS: known[catOS], Country: known[catCountry], Manufacturer: known[catManufacturer]}}
	d.OS = distribution(counts[catOS], known[catOS], strs, cfg, nil)
	d.Country = distribution(counts[catCountry], known[catCountry], strs, cfg, countryName)
	d.Manufacturer = distribution(counts[catManufacturer], known[catManufacturer], strs, cfg, nil)
	if d.OS != nil || d.Country != nil || d.Manufacturer != nil {
		s.Distribution = d
	}
	return s
}

// localizedModes appends the participant's value for field c in each
// locale they reported it in: per locale, the most frequent (ties: the
// smaller string).
func (p *part) localizedModes(c int, profs *profTab, strs []string, out []tally) []tally {
	if p.profile != 0 {
		if id := profs.tuples[p.profile][c]; id != 0 {
			out = append(out, tally{id, p.n})
		}
		return out
	}
	if p.x == nil {
		return out
	}
	// A participant reports a locale or two; byLoc indexes out only when a
	// (hostile) participant has many, to keep this linear.
	var byLoc map[string]int
	const linear = 16
	consider := func(t tally) {
		l, _ := splitLocalized(strs[t.id])
		i := -1
		if byLoc != nil {
			if j, ok := byLoc[l]; ok {
				i = j
			}
		} else {
			for j := range out {
				if ol, _ := splitLocalized(strs[out[j].id]); ol == l {
					i = j
					break
				}
			}
		}
		if i >= 0 {
			if t.n > out[i].n || (t.n == out[i].n && strs[t.id] < strs[out[i].id]) {
				out[i] = t
			}
			return
		}
		out = append(out, t)
		switch {
		case byLoc != nil:
			byLoc[l] = len(out) - 1
		case len(out) > linear:
			byLoc = make(map[string]int, len(out))
			for j := range out {
				ol, _ := splitLocalized(strs[out[j].id])
				byLoc[ol] = j
			}
		}
	}
	if t := p.x.cats[c]; t.n != 0 {
		consider(t)
	}
	for _, e := range p.x.more {
		if int(e.field) == c {
			consider(e.tally)
		}
	}
	return out
}

// needed returns how many participants a value needs: at least k, and at
// least share of the denominator (with a little slack for float rounding,
// so that exactly 1 of 400 meets 0.25%).
func needed(known int64, k int, share float64) int64 {
	n := int64(math.Ceil(share*float64(known) - 1e-9))
	return max(n, int64(k))
}

// topValue returns the value with most participants (ties: smaller string).
func topValue(counts map[uint32]int64, strs []string) (id uint32, n int64, ok bool) {
	for v, c := range counts {
		if !ok || c > n || (c == n && strs[v] < strs[id]) {
			id, n, ok = v, c, true
		}
	}
	return id, n, ok
}

// localized publishes, per locale, the most common string. The field as a
// whole needs MinParticipants participants; a locale is a value like a
// distribution's, omitted when rare; and within a locale the top string
// needs the property share.
func localized(counts map[uint32]int64, localeKnown map[string]int64, known int64, strs []string, cfg config) map[string]Mode {
	if known < int64(cfg.minParticipants) {
		return nil
	}
	type best struct {
		id uint32
		n  int64
	}
	top := make(map[string]best)
	for id, c := range counts {
		l, _ := splitLocalized(strs[id])
		b, ok := top[l]
		if !ok || c > b.n || (c == b.n && strs[id] < strs[b.id]) {
			top[l] = best{id, c}
		}
	}
	var total int64
	for _, n := range localeKnown {
		total += n
	}
	var out map[string]Mode
	for l, b := range top {
		lk := localeKnown[l]
		if lk < needed(total, cfg.rareMinParticipants, cfg.rareMinShare) {
			continue
		}
		if b.n < needed(lk, 1, cfg.propMinShare) {
			continue
		}
		if out == nil {
			out = make(map[string]Mode)
		}
		_, text := splitLocalized(strs[b.id])
		out[l] = Mode{Value: text, Share: share(b.n, lk), Participants: b.n}
	}
	return out
}

// distribution builds one published dimension, folding rare values.
func distribution(counts map[uint32]int64, known int64, strs []string, cfg config, name func(string) string) []Entry {
	if known < int64(cfg.minParticipants) {
		return nil
	}
	need := needed(known, cfg.rareMinParticipants, cfg.rareMinShare)
	var out []Entry
	var other int64
	for id, n := range counts {
		v := strs[id]
		if n < need || v == OtherValue {
			other += n
			continue
		}
		e := Entry{Value: v, Share: share(n, known), Participants: n}
		if name != nil {
			e.Code, e.Value = v, name(v)
		}
		out = append(out, e)
	}
	slices.SortFunc(out, func(x, y Entry) int {
		return cmp.Or(cmp.Compare(y.Participants, x.Participants), strings.Compare(x.Value, y.Value), strings.Compare(x.Code, y.Code))
	})
	if other > 0 {
		out = append(out, Entry{Value: OtherValue, Share: share(other, known), Participants: other, Other: true})
	}
	return out
}

var regionNames = sync.OnceValue(func() display.Namer { return display.English.Regions() })

// countryName returns the English name of an ISO 3166-1 alpha-2 code, or
// the code itself when the region database does not know it.
func countryName(code string) string {
	r, err := language.ParseRegion(code)
	if err != nil {
		return code
	}
	if n := regionNames().Name(r); n != "" {
		return n
	}
	return code
}
