package rsrc

import "strings"

// Which version strings a file shows: the RT_VERSION resource and the
// StringTable that Windows would read for a UI language. The rule is in the
// package documentation ("Version strings in the language Windows shows").

// Language identifiers the rule names.
const (
	langEnglishUS = 0x0409 // en-US, MAKELANGID(LANG_ENGLISH, SUBLANG_ENGLISH_US)
	langInvariant = 0x007F // LANG_INVARIANT, the invariant locale (mcs writes 007f04b0)
	subLangShift  = 10     // a LANGID is sublanguage<<10 | primary language
	subLangDef    = 1      // SUBLANG_DEFAULT
)

// MaxSummaryTables caps the StringTables a [VersionSummary] built by
// [SummarizeVersions] lists: a real file has a few dozen (Wine's
// kernel32.dll: 36), a hostile one could repeat thousands of resources of
// thousands of tables each. The rest is counted in TablesOmitted.
const MaxSummaryTables = 4096

// LangVersion is one decoded RT_VERSION resource and the language of its
// resource-directory entry (the third level of the resource tree).
type LangVersion struct {
	Lang uint16       // the resource's LANGID, e.g. 0x0409
	Info *VersionInfo // the decoded resource; entries with a nil Info are skipped
}

// IsNeutralLanguage reports whether langID names no language: LANG_NEUTRAL
// with any sublanguage (0x0000 neutral, 0x0400 user default, 0x0800 system
// default, …) or LANG_INVARIANT (0x007F).
func IsNeutralLanguage(langID uint16) bool {
	return PrimaryLanguage(langID) == 0 || langID == langInvariant
}

// neutralRank orders the neutral identifiers: 0x0000, 0x0400, 0x0800, any
// other LANG_NEUTRAL value, LANG_INVARIANT; -1 for a real language.
func neutralRank(langID uint16) int {
	switch {
	case langID == 0x0000:
		return 0
	case langID == 0x0400:
		return 1
	case langID == 0x0800:
		return 2
	case PrimaryLanguage(langID) == 0:
		return 3
	case langID == langInvariant:
		return 4
	}
	return -1
}

// preferredLanguages returns the LANGIDs tried, in order, before the
// neutral ones: for a UI language tag that Windows knows, the tag's LANGID,
// its primary language with SUBLANG_NEUTRAL and with SUBLANG_DEFAULT
// ("fr-CA" → 0x0C0C, 0x000C, 0x040C); then en-US (0x0409). An empty or
// unknown tag contributes nothing.
func preferredLanguages(lang string) []uint16 {
	out := make([]uint16, 0, 4)
	add := func(id uint16) {
		for _, o := range out {
			if o == id {
				return
			}
		}
		out = append(out, id)
	}
	if id, ok := LangID(strings.TrimSpace(lang)); ok && !IsNeutralLanguage(id) {
		p := PrimaryLanguage(id)
		add(id)
		add(p)
		add(subLangDef<<subLangShift | p)
	}
	add(langEnglishUS)
	return out
}

// pick returns the index of the first of n items whose language (lang(i))
// the rule prefers for the UI language tag: the preferred languages in
// order, then the neutral ones by neutralRank; ties go to the earlier item.
// It returns -1 when no item has a preferred or neutral language.
func pick(n int, lang func(int) uint16, tag string) int {
	for _, want := range preferredLanguages(tag) {
		for i := 0; i < n; i++ {
			if lang(i) == want {
				return i
			}
		}
	}
	best, bestRank := -1, 0
	for i := 0; i < n; i++ {
		if r := neutralRank(lang(i)); r >= 0 && (best < 0 || r < bestRank) {
			best, bestRank = i, r
		}
	}
	return best
}

// PickVersion returns which RT_VERSION resource (an index into res) and
// which of its StringTables (an index into its Info.Tables) hold the version
// strings Windows would show for the UI language tag ("fr-FR"; "" for none):
// see the package documentation for the rule. The resource index is -1 when
// res holds no decoded resource; the table index is -1 when the chosen
// resource has no StringTable.
func PickVersion(res []LangVersion, tag string) (resource, table int) {
	idx := make([]int, 0, len(res)) // the entries with a decoded resource
	for i := range res {
		if res[i].Info != nil {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return -1, -1
	}
	k := pick(len(idx), func(i int) uint16 { return res[idx[i]].Lang }, tag)
	if k < 0 {
		k = 0 // the first resource in resource-directory order
	}
	resource = idx[k]
	return resource, res[resource].Info.PickTable(tag)
}

// PickTable returns the index of the StringTable whose strings Windows would
// show for the UI language tag ("" for none), or -1 when v has none. Tables
// are chosen by their LANGID as resources are (tag's language, en-US,
// neutral); among tables of one language the one the Translation array lists
// first wins, then the earlier one. When no table has such a language, the
// first Translation entry that names a table decides, else file order.
func (v *VersionInfo) PickTable(tag string) int {
	if v == nil || len(v.Tables) == 0 {
		return -1
	}
	// Order the tables by their first mention in Translation, then by file
	// order, so that pick's "earlier item" is the Translation's choice.
	// A repeated Translation entry names the next table with that key.
	// Linear in tables + translations: both can be long in hostile input.
	order := make([]int, 0, len(v.Tables))
	used := make([]bool, len(v.Tables))
	byKey := make(map[uint32][]int, len(v.Tables))
	for i := range v.Tables {
		if t := &v.Tables[i]; isTableKey(t.LangCodepage) {
			k := uint32(t.LangID)<<16 | uint32(t.CodePage)
			byKey[k] = append(byKey[k], i)
		}
	}
	for _, t := range v.Translations {
		k := uint32(t.LangID)<<16 | uint32(t.CodePage)
		if l := byKey[k]; len(l) > 0 {
			used[l[0]] = true
			order = append(order, l[0])
			byKey[k] = l[1:]
		}
	}
	for i := range v.Tables {
		if !used[i] {
			order = append(order, i)
		}
	}
	// A key that is not 8 hex digits has LangID 0; it must not pass for a
	// neutral table.
	langOf := func(k int) uint16 {
		t := &v.Tables[order[k]]
		if !isTableKey(t.LangCodepage) {
			return 0xFFFF // no language: never preferred, never neutral
		}
		return t.LangID
	}
	if k := pick(len(order), langOf, tag); k >= 0 {
		return order[k]
	}
	return order[0] // the first Translation entry's table, else the first table
}

// SummarizeVersions returns report.md's "version_info" object for a file's
// RT_VERSION resources (res, in resource-directory order) and the UI
// language tag ("" for none). The primary strings and the fixed versions
// come from the resource and table [PickVersion] chooses; Tables lists every
// StringTable of every resource in order, each with its resource's
// language, at most [MaxSummaryTables] of them; PrimaryTable indexes the
// chosen one. It also returns the chosen resource's index in res, or -1.
// Tables is a new slice; the strings are shared with res.
func SummarizeVersions(res []LangVersion, tag string) (VersionSummary, int) {
	ri, ti := PickVersion(res, tag)
	if ri < 0 {
		return VersionSummary{Tables: []StringTable{}, PrimaryTable: -1}, -1
	}
	s := res[ri].Info.summary(ti)
	n := 0
	for i := range res {
		if res[i].Info != nil {
			n += len(res[i].Info.Tables)
		}
	}
	s.Tables = make([]StringTable, 0, min(n, MaxSummaryTables))
	s.PrimaryTable = -1
	for i := range res {
		if res[i].Info == nil {
			continue
		}
		for j, t := range res[i].Info.Tables {
			if len(s.Tables) == MaxSummaryTables {
				s.TablesOmitted++
				continue
			}
			t.ResourceLangID = res[i].Lang
			t.ResourceLanguage = LanguageTag(res[i].Lang)
			if i == ri && j == ti {
				s.PrimaryTable = len(s.Tables)
			}
			s.Tables = append(s.Tables, t)
		}
	}
	return s, ri
}
