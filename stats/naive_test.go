package stats

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// A second, deliberately plain implementation of telemetry.md's semantics:
// float64 throughout, strings as keys, no interning, no fixed point, no
// profiles, computed from the generator's Go records (not from JSON). The
// package's summaries must agree with it to 1e-9 relative.

type naiveCfg struct {
	min       int
	rareK     int
	rareShare float64
	propShare float64
}

func naiveNeed(known int64, k int, share float64) int64 {
	return max(int64(math.Ceil(share*float64(known)-1e-9)), int64(k))
}

// naiveMode returns the most frequent key (ties: smaller), and whether any.
func naiveMode(counts map[string]int) (string, bool) {
	best, bn := "", 0
	for v, n := range counts {
		if n > bn || (n == bn && v < best) {
			best, bn = v, n
		}
	}
	return best, bn > 0
}

func naiveTop(counts map[string]int64) (string, int64) {
	best, bn := "", int64(0)
	for v, n := range counts {
		if n > bn || (n == bn && v < best) {
			best, bn = v, n
		}
	}
	return best, bn
}

func naiveField(s *tSample, f int) string {
	switch f {
	case catName:
		return s.name
	case catPath:
		return s.path
	case catOS:
		return s.os
	case catCountry:
		c := strings.ToUpper(s.country)
		if c == "ZZ" {
			return ""
		}
		return c
	case catManufacturer:
		return s.manufacturer
	case catIntegrity:
		return s.integrity
	case catPlatform:
		return s.platform
	case catCommandLine:
		return s.cmd
	case catOwner:
		return s.owner
	case catParent:
		return s.parent
	case catServiceName:
		return s.svcName
	case catServiceType:
		return s.svcType
	}
	panic(f)
}

type naiveMod struct {
	has  map[string]bool
	vals map[string]float64
}

// naiveModules groups one sample's modules by lower-cased name, adding
// duplicates; a metric is present if any duplicate has it.
func naiveModules(s *tSample) map[string]*naiveMod {
	out := map[string]*naiveMod{}
	for _, m := range s.mods {
		key := strings.Map(func(r rune) rune {
			if r >= 'A' && r <= 'Z' {
				return r + 32
			}
			return r
		}, m.name)
		nm := out[key]
		if nm == nil {
			nm = &naiveMod{has: map[string]bool{}, vals: map[string]float64{}}
			out[key] = nm
		}
		for k, v := range m.vals {
			nm.has[k] = true
			nm.vals[k] += v
		}
	}
	return out
}

func naiveSummary(samples []*tSample, cfg naiveCfg) *Summary {
	byP := map[string][]*tSample{}
	for _, s := range samples {
		byP[s.participant] = append(byP[s.participant], s)
	}
	min := int64(cfg.min)
	S := &Summary{Participants: int64(len(byP)), Samples: int64(len(samples)), MinParticipants: cfg.min,
		Rejected: map[RejectReason]int64{}}
	if S.Participants < min {
		return S
	}
	S.Published = true

	ru := &Metrics{}
	for k := Metric(0); k < NumMetrics; k++ {
		sum, cnt := 0.0, int64(0)
		for _, ss := range byP {
			ps, pc := 0.0, 0
			for _, s := range ss {
				if v, ok := s.metrics[metricTable[k].path]; ok {
					ps += v
					pc++
				}
			}
			if pc > 0 {
				sum += ps / float64(pc)
				cnt++
			}
		}
		if cnt >= min {
			ru.Set(k, sum/float64(cnt))
		}
	}
	if ru.Len() > 0 {
		S.ResourceUtilization = ru
	}

	// Participant values per field.
	counts := make([]map[string]int64, numCats)
	known := make([]int64, numCats)
	for f := range counts {
		counts[f] = map[string]int64{}
	}
	locCounts := map[int]map[string]map[string]int64{catDisplayName: {}, catDescription: {}} // field → locale → text → n
	locKnown := map[int]map[string]int64{catDisplayName: {}, catDescription: {}}
	for _, ss := range byP {
		for f := 0; f < numCats; f++ {
			if f == catDisplayName || f == catDescription {
				continue
			}
			c := map[string]int{}
			for _, s := range ss {
				if v := naiveField(s, f); v != "" {
					c[v]++
				}
			}
			if v, ok := naiveMode(c); ok {
				counts[f][v]++
				known[f]++
			}
		}
		for _, f := range []int{catDisplayName, catDescription} {
			perLoc := map[string]map[string]int{}
			for _, s := range ss {
				v := s.svcDisplay
				if f == catDescription {
					v = s.svcDescription
				}
				if v == "" {
					continue
				}
				l := s.locale
				if l == "" {
					l = "und"
				}
				if perLoc[l] == nil {
					perLoc[l] = map[string]int{}
				}
				perLoc[l][v]++
			}
			if len(perLoc) > 0 {
				known[f]++
			}
			for l, c := range perLoc {
				v, _ := naiveMode(c)
				if locCounts[f][l] == nil {
					locCounts[f][l] = map[string]int64{}
				}
				locCounts[f][l][v]++
				locKnown[f][l]++
			}
		}
	}
	prop := func(f int) *Mode {
		if known[f] < min {
			return nil
		}
		v, n := naiveTop(counts[f])
		if n < naiveNeed(known[f], 1, cfg.propShare) {
			return nil
		}
		return &Mode{Value: v, Share: float64(n) / float64(known[f]), Participants: n}
	}
	if m := prop(catName); m != nil {
		S.File.Name = m.Value
	}
	S.TypicalPath = prop(catPath)
	loc := func(f int) map[string]Mode {
		if known[f] < min {
			return nil
		}
		var total int64
		for _, n := range locKnown[f] {
			total += n
		}
		var out map[string]Mode
		for l, c := range locCounts[f] {
			lk := locKnown[f][l]
			if lk < naiveNeed(total, cfg.rareK, cfg.rareShare) {
				continue
			}
			v, n := naiveTop(c)
			if n < naiveNeed(lk, 1, cfg.propShare) {
				continue
			}
			if out == nil {
				out = map[string]Mode{}
			}
			out[l] = Mode{Value: v, Share: float64(n) / float64(lk), Participants: n}
		}
		return out
	}
	ps := &ProcessSummary{IntegrityLevel: prop(catIntegrity), Platform: prop(catPlatform),
		CommandLine: prop(catCommandLine), Owner: prop(catOwner), Parent: prop(catParent)}
	sv := &ServiceSummary{Name: prop(catServiceName), Type: prop(catServiceType),
		DisplayName: loc(catDisplayName), Description: loc(catDescription)}
	if sv.Name != nil || sv.Type != nil || sv.DisplayName != nil || sv.Description != nil {
		ps.Service = sv
	}
	if *ps != (ProcessSummary{}) {
		S.Process = ps
	}

	// Modules.
	type acc struct {
		parts int64
		sum   map[string]float64
		cnt   map[string]int64
	}
	mods := map[string]*acc{}
	for _, ss := range byP {
		per := map[string][]*naiveMod{}
		for _, s := range ss {
			for name, m := range naiveModules(s) {
				per[name] = append(per[name], m)
			}
		}
		for name, list := range per {
			a := mods[name]
			if a == nil {
				a = &acc{sum: map[string]float64{}, cnt: map[string]int64{}}
				mods[name] = a
			}
			a.parts++
			for k := ModuleMetric(0); k < NumModuleMetrics; k++ {
				key := moduleMetricTable[k].key
				s, c := 0.0, 0
				for _, m := range list {
					if m.has[key] {
						s += m.vals[key]
						c++
					}
				}
				if c > 0 {
					a.sum[key] += s / float64(c)
					a.cnt[key]++
				}
			}
		}
	}
	for name, a := range mods {
		if a.parts < min {
			continue
		}
		ms := ModuleSummary{Name: name, Participants: a.parts}
		for k := ModuleMetric(0); k < NumModuleMetrics; k++ {
			key := moduleMetricTable[k].key
			if a.cnt[key] >= min {
				ms.Metrics.Set(k, a.sum[key]/float64(a.cnt[key]))
			}
		}
		S.Modules = append(S.Modules, ms)
	}
	// Highest total CPU first, modules without it last, then by name;
	// stated as a sort key rather than a copy of the package's comparator.
	sortKey := func(m ModuleSummary) float64 {
		if v, ok := m.Metrics.Get(ModTotalCPUPct); ok {
			return v
		}
		return math.Inf(-1)
	}
	sort.SliceStable(S.Modules, func(i, j int) bool { return S.Modules[i].Name < S.Modules[j].Name })
	sort.SliceStable(S.Modules, func(i, j int) bool { return sortKey(S.Modules[i]) > sortKey(S.Modules[j]) })

	dist := func(f int, country bool) []Entry {
		if known[f] < min {
			return nil
		}
		need := naiveNeed(known[f], cfg.rareK, cfg.rareShare)
		var out []Entry
		var other int64
		for v, n := range counts[f] {
			if n < need || v == "Other" {
				other += n
				continue
			}
			e := Entry{Value: v, Share: float64(n) / float64(known[f]), Participants: n}
			if country {
				e.Code = v
				if name := display.English.Regions().Name(language.MustParseRegion(v)); name != "" {
					e.Value = name
				}
			}
			out = append(out, e)
		}
		slices.SortFunc(out, func(x, y Entry) int {
			return cmp.Or(cmp.Compare(y.Participants, x.Participants), strings.Compare(x.Value, y.Value))
		})
		if other > 0 {
			out = append(out, Entry{Value: "Other", Share: float64(other) / float64(known[f]), Participants: other, Other: true})
		}
		return out
	}
	d := &Distribution{OS: dist(catOS, false), Country: dist(catCountry, true), Manufacturer: dist(catManufacturer, false),
		Known: Known{OS: known[catOS], Country: known[catCountry], Manufacturer: known[catManufacturer]}}
	if d.OS != nil || d.Country != nil || d.Manufacturer != nil {
		S.Distribution = d
	}
	return S
}

// naiveAll computes per-file summaries keyed like fileKeyOf, and the
// name roll-ups keyed by lower-cased name.
func naiveAll(c *tCorpus, cfg naiveCfg) (files, rollups map[string]*Summary) {
	groups := map[string][]*tSample{}
	for i := range c.good {
		s := &c.good[i]
		k := fileKeyOf(s.sha, s.name, s.path)
		groups[k] = append(groups[k], s)
	}
	for k := range c.byFile {
		if _, ok := groups[k]; !ok {
			groups[k] = nil
		}
	}
	files = map[string]*Summary{}
	rollKey := map[string]string{}
	for k, ss := range groups {
		S := naiveSummary(ss, cfg)
		for r, n := range c.byFile[k] {
			S.Rejected[r] = n
		}
		if sha, ok := strings.CutPrefix(k, "sha:"); ok {
			S.File.SHA256 = sha
			// Roll-up key: the participants' most common name, lower-cased.
			byP := map[string]map[string]int{}
			for _, s := range ss {
				if byP[s.participant] == nil {
					byP[s.participant] = map[string]int{}
				}
				byP[s.participant][s.name]++
			}
			names := map[string]int64{}
			for _, c := range byP {
				v, _ := naiveMode(c)
				names[v]++
			}
			if v, n := naiveTop(names); n > 0 {
				rollKey[k] = strings.ToLower(v)
			}
		} else {
			name := strings.TrimPrefix(k, "name:")
			if S.File.Name == "" {
				S.File.Name = name
			}
			rollKey[k] = name
		}
		files[k] = S
	}
	rollups = map[string]*Summary{}
	members := map[string][]string{}
	for k, rk := range rollKey {
		members[rk] = append(members[rk], k)
	}
	for rk, ks := range members {
		var ss []*tSample
		rej := map[RejectReason]int64{}
		var versions []Version
		unpub := 0
		for _, k := range ks {
			ss = append(ss, groups[k]...)
			for r, n := range c.byFile[k] {
				rej[r] += n
			}
			if sha, ok := strings.CutPrefix(k, "sha:"); ok {
				if files[k].Published {
					versions = append(versions, Version{SHA256: sha, Participants: files[k].Participants})
				} else {
					unpub++
				}
			}
		}
		S := naiveSummary(ss, cfg)
		S.Rejected = rej
		if S.File.Name == "" {
			S.File.Name = rk
		}
		slices.SortFunc(versions, func(x, y Version) int {
			return cmp.Or(cmp.Compare(y.Participants, x.Participants), strings.Compare(x.SHA256, y.SHA256))
		})
		S.Versions, S.UnpublishedVersions = versions, unpub
		rollups[rk] = S
	}
	return files, rollups
}

// jsonTree marshals v and reads it back as generic JSON.
func jsonTree(t testing.TB, v any) any {
	b, err := json.Marshal(v)
	require.NoError(t, err)
	var out any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	require.NoError(t, d.Decode(&out))
	return out
}

// closeTrees compares generic JSON, numbers to rel relative tolerance, and
// returns the first difference.
func closeTrees(path string, a, b any, rel float64) string {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: %T vs %T", path, a, b)
		}
		for k := range x {
			if _, ok := y[k]; !ok {
				return fmt.Sprintf("%s.%s: only in got", path, k)
			}
		}
		for k := range y {
			if _, ok := x[k]; !ok {
				return fmt.Sprintf("%s.%s: only in want", path, k)
			}
		}
		for k := range x {
			if d := closeTrees(path+"."+k, x[k], y[k], rel); d != "" {
				return d
			}
		}
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return fmt.Sprintf("%s: %v vs %v", path, a, b)
		}
		for i := range x {
			if d := closeTrees(fmt.Sprintf("%s[%d]", path, i), x[i], y[i], rel); d != "" {
				return d
			}
		}
	case json.Number:
		y, ok := b.(json.Number)
		if !ok {
			return fmt.Sprintf("%s: %v vs %v", path, a, b)
		}
		fx, _ := x.Float64()
		fy, _ := y.Float64()
		if math.Abs(fx-fy) > rel*math.Max(math.Abs(fx), math.Abs(fy)) {
			return fmt.Sprintf("%s: %v vs %v (rel %.3g)", path, fx, fy, math.Abs(fx-fy)/math.Max(math.Abs(fx), math.Abs(fy)))
		}
	default:
		if a != b {
			return fmt.Sprintf("%s: %v vs %v", path, a, b)
		}
	}
	return ""
}

func summaryKey(s *Summary) string {
	if s.File.SHA256 != "" {
		return "sha:" + s.File.SHA256
	}
	return "name:" + strings.ToLower(s.File.Name)
}

// TestAgainstNaive checks summaries of random samples against the naive
// implementation, with privacy thresholds, folding and rejections.
func TestAgainstNaive(t *testing.T) {
	for _, tc := range []struct {
		seed                uint64
		files, people, maxS int
		cfg                 naiveCfg
		maxMods             int // 0: genCorpus's 4
	}{
		{1, 5, 300, 4, naiveCfg{min: 40, rareK: 3, rareShare: 0.05, propShare: 0.10}, 0},
		{2, 4, 200, 6, naiveCfg{min: 60, rareK: 1, rareShare: DefaultRareMinShare, propShare: 0.3}, 0},
		{3, 6, 120, 3, naiveCfg{min: 10, rareK: 8, rareShare: 0, propShare: 0}, 0},
		{4, 3, 500, 2, naiveCfg{min: 200, rareK: 1, rareShare: DefaultRareMinShare, propShare: DefaultPropertyMinShare}, 0},
		// Participants with more modules than Add's index threshold.
		{5, 3, 60, 12, naiveCfg{min: 10, rareK: 1, rareShare: DefaultRareMinShare, propShare: 0.1}, 60},
	} {
		t.Run(fmt.Sprint(tc.seed), func(t *testing.T) {
			c := genCorpusMods(tc.seed, tc.files, tc.people, tc.maxS, 40, cmp.Or(tc.maxMods, 4))
			agg, err := NewAggregator(WithMinParticipants(tc.cfg.min), WithRareValues(tc.cfg.rareK, tc.cfg.rareShare),
				WithPropertyMinShare(tc.cfg.propShare))
			require.NoError(t, err)
			var rejects []*RejectError
			st, err := ReadJSONL(context.Background(), strings.NewReader(strings.Join(c.lines, "\n")), agg,
				WithRejectHandler(func(e *RejectError) { rejects = append(rejects, e) }))
			require.NoError(t, err)
			require.Equal(t, int64(len(c.good)), st.Accepted)
			require.Equal(t, int64(len(c.lines)-len(c.good)), st.Rejected)
			require.Equal(t, c.rejected, agg.Rejected())
			for _, e := range rejects {
				require.Positive(t, e.Line)
				require.Equal(t, c.lines[e.Line-1] != "", true)
			}

			wantFiles, wantRoll := naiveAll(c, tc.cfg)
			got := agg.Summaries()
			require.Len(t, got, len(wantFiles))
			published := 0
			for _, s := range got {
				w, ok := wantFiles[summaryKey(s)]
				require.True(t, ok, "unexpected summary %s", summaryKey(s))
				if d := closeTrees("", jsonTree(t, s), jsonTree(t, w), 1e-9); d != "" {
					t.Fatalf("file %s: %s", summaryKey(s), d)
				}
				if s.Published {
					published++
				}
			}
			require.Positive(t, published)
			gotRoll := agg.NameSummaries()
			require.Len(t, gotRoll, len(wantRoll))
			for _, s := range gotRoll {
				w, ok := wantRoll[strings.ToLower(s.File.Name)]
				if !ok { // named by spelling; find by key
					for k, v := range wantRoll {
						if strings.EqualFold(v.File.Name, s.File.Name) {
							w, ok = wantRoll[k], true
						}
					}
				}
				require.True(t, ok, "unexpected roll-up %q", s.File.Name)
				if d := closeTrees("", jsonTree(t, s), jsonTree(t, w), 1e-9); d != "" {
					t.Fatalf("roll-up %s: %s", s.File.Name, d)
				}
			}
		})
	}
}
