package detect

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/filerep/filerep/pe"
)

// RulesVersion identifies the default tables ([DefaultRules],
// [DefaultSuppress], [DefaultBehaviors]). It is bumped whenever a row is
// added, removed or changed, and goes into the report so that stored
// results can be recomputed when the rules change. A test pins the rule
// IDs to this version.
const RulesVersion = "2026.3"

// Unknown is the code language reported when the evidence is too thin to
// name one.
const Unknown = "Unknown"

// Run evaluates rules over a parsed file, in the order given, settles
// their conflicts with the [DefaultSuppress] rows and names the compiler
// and code language, the packers and protectors and the installer; it
// also reports the behaviours the imports show ([DefaultBehaviors]).
// Every finding carries its evidence. Pass [DefaultRules] for the
// built-in rule set, or that slice with rows of your own added (see the
// example); a nil or empty rules runs no rule but the behaviours. Rules
// should pass [Validate]. Run does not modify rules, so one slice may
// serve any number of concurrent calls.
//
// The result is deterministic (sorted) and built from [Facts] gathered
// once; Run does not read the file again. It costs a pass over the imports
// and a few bounded reads and searches of f's bytes, and is safe to call
// concurrently on the same File. A nil File gives an empty Result with
// the Unknown code language.
//
// Run checks ctx between rules. When ctx is done first, Run returns the
// findings of the rules that ran, with an error wrapping ctx's error; the
// Result is never nil.
func Run(ctx context.Context, f *pe.File, rules []Rule) (*Result, error) {
	d := &Result{CodeLanguage: Unknown, RulesVersion: RulesVersion}
	if f == nil {
		return d, nil
	}
	if err := ctx.Err(); err != nil {
		return d, fmt.Errorf("detect: abandoned: %w", err)
	}
	// The facts first, then the rule set: checking the rule set reads the
	// rules, which runRules reads next, while they are still cached.
	x := getFacts(f)
	rs := ruleSetFor(rules)
	if rs.builtin {
		// The built-in rules keep nothing of the Facts: recycle them. A
		// rule of the caller's may keep them, so they stay out of the pool.
		defer putFacts(x)
	}
	x.ctx = ctx
	// With the built-in rules, which never change the Facts, the
	// behaviours are read first, while the imports gathered a moment ago
	// are still cached; they are kept only if the run completes, as when
	// they are read last.
	var behaviors []Behavior
	if rs.builtin {
		behaviors = detectBehaviors(x)
	}
	found, suppressed, errs := runRules(x, &rs, true)
	d.Findings = sortFindings(found)
	d.Suppressed = suppressed
	d.Errors = append(x.errs, errs...)

	// The most confident compiler and installer findings (ties go to the
	// earlier rule: findings are in evaluation order), without gathering
	// them first; packers are collected, sorted below.
	var compiler, installer *Finding
	var packers []Finding
	for k := range found {
		fd := &found[k]
		switch fd.Kind {
		case RuleCompiler:
			if compiler == nil || fd.Confidence > compiler.Confidence {
				compiler = fd
			}
		case RulePacker:
			packers = append(packers, *fd)
		case RuleInstaller:
			if installer == nil || fd.Confidence > installer.Confidence {
				installer = fd
			}
		}
	}
	d.Packers = sortFindings(packers)
	d.Packed = len(d.Packers) > 0
	if c := compiler; c != nil && c.Confidence >= ConfidenceMedium && c.Language != "" {
		cp := *c
		d.Compiler = &cp
		d.CodeLanguage = c.Language
	}
	if installer != nil {
		cp := *installer
		d.Installer = &cp
	}
	if err := ctx.Err(); err != nil {
		return d, fmt.Errorf("detect: abandoned: %w", err)
	}
	if !rs.builtin {
		behaviors = detectBehaviors(x) // a caller's rule may have changed the imports
	}
	d.Behaviors = behaviors
	return d, nil
}

// allRules returns the tables in evaluation order: compilers, installers,
// then packers (the generic packer row is last, so named ones come first).
func allRules() []Rule {
	out := make([]Rule, 0, len(compilerRules)+len(installerRules)+len(packerRules))
	out = append(out, compilerRules...)
	out = append(out, installerRules...)
	return append(out, packerRules...)
}

// DefaultRules returns the built-in detection rules in evaluation order:
// compilers, installers, then packers (the generic packer row is last, so
// named ones come first). Each call returns a fresh copy, down to the
// rows' Needs and Examples, that the caller may change or extend.
func DefaultRules() []Rule {
	out := allRules()
	for i := range out {
		r := &out[i]
		r.Needs.All = slices.Clone(r.Needs.All)
		r.Needs.Any = slices.Clone(r.Needs.Any)
		r.Examples = slices.Clone(r.Examples)
	}
	return out
}

// DefaultBehaviors returns a fresh copy of the behaviours-from-imports
// table that [Run] evaluates.
func DefaultBehaviors() []BehaviorRule {
	out := slices.Clone(behaviorRules)
	for i := range out {
		r := &out[i]
		r.Groups = slices.Clone(r.Groups)
		for j := range r.Groups {
			r.Groups[j].APIs = slices.Clone(r.Groups[j].APIs)
		}
		r.Examples = slices.Clone(r.Examples)
	}
	return out
}

// DefaultSuppress returns a fresh copy of the conflict table that [Run]
// settles findings with. Rules of your own take part by their IDs: a
// finding of yours named "packer/…" removes the "packer/generic" one, as
// a built-in packer's does.
func DefaultSuppress() []Suppress {
	out := slices.Clone(suppressRules)
	for i := range out {
		out[i].IfAny = slices.Clone(out[i].IfAny)
	}
	return out
}

// Validate reports the first problem of a rule set: a rule without an ID,
// with an unknown Kind or without Match, or an ID used twice. [Run]
// accepts any rules, but a nil Match only fails at run time (in
// Result.Errors) and a duplicate ID makes two findings with one ID.
func Validate(rules []Rule) error {
	seen := make(map[string]bool, len(rules))
	for i, r := range rules {
		switch {
		case r.ID == "":
			return fmt.Errorf("detect: rule %d has no ID", i)
		case r.Kind != RuleCompiler && r.Kind != RulePacker && r.Kind != RuleInstaller:
			return fmt.Errorf("detect: rule %s: unknown kind %q", r.ID, r.Kind)
		case r.Match == nil:
			return fmt.Errorf("detect: rule %s has no Match", r.ID)
		case seen[r.ID]:
			return fmt.Errorf("detect: rule ID %s used twice", r.ID)
		}
		seen[r.ID] = true
	}
	return nil
}

// ruleSet is the rules in evaluation order with what runRules needs.
type ruleSet struct {
	rules []Rule
	rows  []Suppress
	ids   []string // the rules' IDs, which alone decide skipIf
	// idents are, for the default set only, each rule's ID and the
	// identity of its Match (funcID); builtin says whether rules run the
	// built-in Match functions only, which never keep the Facts they are
	// given, so that Run may recycle the Facts (see factsPool).
	idents  []ruleIdent
	builtin bool
	// skipIf lists, per rule, the rules whose finding makes evaluating it
	// pointless (see runRules).
	skipIf [][]int
}

var defaultRuleSet = sync.OnceValue(func() *ruleSet {
	rs := newRuleSet(allRules(), suppressRules)
	rs.idents = make([]ruleIdent, len(rs.rules))
	for i := range rs.rules {
		r := &rs.rules[i]
		rs.idents[i] = ruleIdent{id: unsafe.StringData(r.ID), n: len(r.ID), match: funcID(r.Match)}
	}
	return rs
})

// lastRuleSet is the rule set of the last Run whose IDs were not the
// default ones: skipIf costs a few milliseconds to compute and depends on
// the IDs only, so a caller running one set of its own over many files
// pays for it once.
var lastRuleSet atomic.Pointer[ruleSet]

// ruleSetFor returns the ruleSet of rules, reusing a computed skipIf when
// the IDs are those of the default set or of the previous call.
func ruleSetFor(rules []Rule) ruleSet {
	if rs := defaultRuleSet(); len(rules) == len(rs.idents) {
		same, builtin := true, true
		idents := rs.idents[:len(rules)]
		for i := range rules {
			r, d := &rules[i], &idents[i]
			if len(r.ID) != d.n || unsafe.StringData(r.ID) != d.id && r.ID != rs.ids[i] {
				same = false
				break
			}
			builtin = builtin && funcID(r.Match) == d.match
		}
		if same {
			return ruleSet{rules: rules, rows: rs.rows, ids: rs.ids, skipIf: rs.skipIf, builtin: builtin}
		}
	}
	if rs := lastRuleSet.Load(); rs != nil && sameIDs(rs.ids, rules) {
		return ruleSet{rules: rules, rows: rs.rows, ids: rs.ids, skipIf: rs.skipIf}
	}
	rs := newRuleSet(rules, suppressRules)
	lastRuleSet.Store(rs)
	return *rs
}

// sameIDs reports whether rules have exactly these IDs, in this order.
func sameIDs(ids []string, rules []Rule) bool {
	if len(ids) != len(rules) {
		return false
	}
	for i := range rules {
		if !sameString(rules[i].ID, ids[i]) {
			return false
		}
	}
	return true
}

// ruleIdent is what ruleSetFor compares of a default rule: where its ID's
// bytes are and its length (a copied ID shares them), and its Match's
// identity.
type ruleIdent struct {
	id    *byte
	n     int
	match unsafe.Pointer
}

// sameString is a == b, answered without comparing the bytes when both
// share their data (an ID copied from the tables does).
func sameString(a, b string) bool {
	return len(a) == len(b) && (unsafe.StringData(a) == unsafe.StringData(b) || a == b)
}

func newRuleSet(rules []Rule, rows []Suppress) *ruleSet {
	rs := &ruleSet{rules: rules, rows: rows, skipIf: make([][]int, len(rules))}
	ids := make([]string, len(rules))
	for i, r := range rules {
		ids[i] = r.ID
	}
	rs.ids = ids
	// An ID is droppable when a row drops it and another ID can trigger
	// that row (a row never lets a finding suppress itself).
	droppable := map[string]bool{}
	for _, row := range rows {
		for _, id := range ids {
			if !idMatches(row.Drop, id) {
				continue
			}
			for _, t := range ids {
				if t != id && anyMatches(row.IfAny, t) {
					droppable[id] = true
					break
				}
			}
		}
	}
	for xi, x := range ids {
		for ti, t := range ids {
			if t == x || droppable[t] || !triggersCovered(x, t, rows) {
				continue
			}
			for _, row := range rows {
				if idMatches(row.Drop, x) && anyMatches(row.IfAny, t) {
					rs.skipIf[xi] = append(rs.skipIf[xi], ti)
					break
				}
			}
		}
	}
	// One array for all the lists, so that runRules reads a few cache
	// lines of them, not one per rule.
	total := 0
	for _, l := range rs.skipIf {
		total += len(l)
	}
	flat := make([]int, 0, total)
	for i, l := range rs.skipIf {
		if len(l) > 0 {
			start := len(flat)
			flat = append(flat, l...)
			rs.skipIf[i] = flat[start:len(flat):len(flat)]
		}
	}
	return rs
}

// runRules evaluates rules in order, settles conflicts with the suppress
// rows, and returns the surviving findings in evaluation order, plus what
// was suppressed (sorted). The findings' array is x's scratch: copy what
// outlives x.
//
// A rule is not evaluated when its finding would be dropped anyway: a row
// drops it because of a finding already made that no row can drop, and
// every row it could itself trigger is triggered by that finding too. This
// keeps costly searches (Rust, D strings…) off files already known to be
// Go or .NET without changing the result (skip false turns it off, for the
// test that proves so).
func runRules(x *Facts, rs *ruleSet, skip bool) ([]Finding, []Suppression, []string) {
	st := runState{matched: x.found[:0]}
	if cap(x.present) < len(rs.rules) {
		x.present = make([]bool, len(rs.rules))
	}
	st.present = x.present[:len(rs.rules)]
	clear(st.present)
	// One deferred recover covers a stretch of rules: a panicking rule
	// ends the stretch, loses its own finding and is reported; the next
	// stretch starts after it.
	for i := 0; i < len(rs.rules); {
		i = st.runFrom(x, rs, skip, i)
	}
	matched, errs := st.matched, st.errs
	x.found = matched

	var suppressed []Suppression
	for ri := range rs.rows {
		row := &rs.rows[ri]
		for i := 0; i < len(matched); i++ {
			id := matched[i].RuleID
			if !idMatches(row.Drop, id) {
				continue
			}
			by := ""
			for k := range matched {
				if other := matched[k].RuleID; other != id && anyMatches(row.IfAny, other) {
					by = other
					break
				}
			}
			if by == "" {
				continue
			}
			suppressed = append(suppressed, Suppression{RuleID: id, By: by, Why: row.Why})
			matched = slices.Delete(matched, i, i+1)
			i--
		}
	}
	if len(suppressed) > 1 {
		slices.SortStableFunc(suppressed, func(a, b Suppression) int {
			return cmp.Or(cmp.Compare(a.RuleID, b.RuleID), cmp.Compare(a.By, b.By))
		})
	}
	return matched, suppressed, errs
}

// runState is what runRules gathers while the rules run.
type runState struct {
	matched []Finding
	present []bool // per rule: it made a finding
	errs    []string
}

// runFrom evaluates the rules from index from on, in order, and returns
// len(rs.rules); when a rule panics, it records the panic as that rule's
// error and returns the index of the next rule.
func (st *runState) runFrom(x *Facts, rs *ruleSet, skip bool, from int) (next int) {
	i := from
	defer func() {
		if v := recover(); v != nil {
			st.errs = append(st.errs, fmt.Sprintf("detect: rule %s panicked: %v", rs.rules[i].ID, v))
			next = i + 1
		}
	}()
	rules := rs.rules
	// A context that is never done (Background, TODO) needs no check.
	ctx := x.ctx
	if ctx != nil && ctx.Done() == nil {
		ctx = nil
	}
rules:
	for ; i < len(rules); i++ {
		if ctx != nil && ctx.Err() != nil {
			return len(rules)
		}
		r := &rules[i]
		if skip {
			for _, t := range rs.skipIf[i] {
				if st.present[t] {
					continue rules
				}
			}
		}
		if len(r.Needs.All)+len(r.Needs.Any) > 0 && !x.needsHold(r.Needs) {
			continue
		}
		fd, ok := r.Match(x)
		if !ok {
			continue
		}
		fd.RuleID, fd.Kind = r.ID, r.Kind
		if fd.Name == "" {
			fd.Name = r.Name
		}
		if fd.Language == "" {
			fd.Language = r.Language
		}
		if fd.Confidence == 0 {
			fd.Confidence = ConfidenceMedium
		}
		st.matched = append(st.matched, fd)
		st.present[i] = true
	}
	return len(rules)
}

// sortFindings orders findings by kind, name and rule ID.
func sortFindings(fs []Finding) []Finding {
	if len(fs) == 0 {
		return nil
	}
	out := slices.Clone(fs)
	if len(out) == 1 {
		return out // nothing to sort (and no sort code to run cold)
	}
	slices.SortStableFunc(out, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Name, b.Name), cmp.Compare(a.RuleID, b.RuleID))
	})
	return out
}

// triggersCovered reports whether every row that id triggers is also
// triggered by t.
func triggersCovered(id, t string, rows []Suppress) bool {
	for _, row := range rows {
		if anyMatches(row.IfAny, id) && !anyMatches(row.IfAny, t) {
			return false
		}
	}
	return true
}

// idMatches reports whether pattern (an ID, or a prefix ending in "*")
// matches id.
func idMatches(pattern, id string) bool {
	if p, ok := strings.CutSuffix(pattern, "*"); ok {
		return strings.HasPrefix(id, p)
	}
	return pattern == id
}

func anyMatches(patterns []string, id string) bool {
	for _, p := range patterns {
		if idMatches(p, id) {
			return true
		}
	}
	return false
}

// detectBehaviors evaluates the behaviour table over the imports: each
// import is looked up once in an index of the table's APIs. Each
// behaviour's evidence lists the matching imports in file order, each
// once; behaviours come sorted by ID.
func detectBehaviors(x *Facts) []Behavior {
	rows := behaviorRules
	idx := behaviorIndex()
	var hitBuf [256]bool
	hit := hitBuf[:0]
	if idx.slots <= len(hitBuf) {
		hit = hitBuf[:idx.slots]
	} else {
		hit = make([]bool, idx.slots)
	}
	// The imports that match some API of the table, with the table's
	// entries for their base name, for the evidence pass.
	type hitImp struct {
		imp  *ImportFact
		refs []apiRef
	}
	var hitImpBuf [32]hitImp
	hitImps := hitImpBuf[:0]
	// Hits per group (numbered across the table), each slot counted once.
	var groupHitsBuf [64]int
	groupHits := groupHitsBuf[:0]
	if idx.groups <= len(groupHitsBuf) {
		groupHits = groupHitsBuf[:idx.groups]
	} else {
		groupHits = make([]int, idx.groups)
	}
	for i := range x.Imports {
		imp := &x.Imports[i]
		base := imp.Base()
		k := baseBit(base)
		if idx.filter[k/64]&(1<<(k%64)) == 0 {
			continue // no API of the table has this base name's hash
		}
		refs := idx.refs[idx.bucket[k]:idx.bucket[k+1]]
		any := false
		for _, ref := range refs {
			if ref.api.matches(imp) {
				if !hit[ref.slot] {
					hit[ref.slot] = true
					groupHits[idx.groupOf[ref.slot]]++
				}
				any = true
			}
		}
		if any {
			hitImps = append(hitImps, hitImp{imp, refs})
		}
	}
	if len(hitImps) == 0 {
		return nil
	}
	// at[ri] is 1 + the index in out of row ri's behaviour, 0 when the row
	// does not match.
	var atBuf [64]int
	at := atBuf[:0]
	if len(rows) <= len(atBuf) {
		at = atBuf[:len(rows)]
	} else {
		at = make([]int, len(rows))
	}
	n := 0
	for ri := range rows {
		first, end := idx.firstGroup[ri], idx.firstGroup[ri+1]
		ok := end > first // a row without groups never matches
		for g := first; g < end; g++ {
			if groupHits[g] < idx.groupMin[g] {
				ok = false
				break
			}
		}
		if ok {
			n++
			at[ri] = n
		}
	}
	if n == 0 {
		return nil
	}
	out := make([]Behavior, 0, n)
	for ri := range rows {
		if at[ri] != 0 {
			row := &rows[ri]
			out = append(out, Behavior{ID: row.ID, Description: row.Description, Common: row.Common})
		}
	}
	// Each behaviour's evidence gets its share of one array: count first.
	var countBuf [64]int
	count := countBuf[:0]
	if n <= len(countBuf) {
		count = countBuf[:n]
	} else {
		count = make([]int, n)
	}
	total := 0
	for _, h := range hitImps {
		for _, ref := range h.refs {
			if at[ref.rule] != 0 && ref.api.matches(h.imp) {
				count[at[ref.rule]-1]++
				total++
			}
		}
	}
	evidence := make([]Evidence, total)
	for bi := range out {
		out[bi].Evidence, evidence = evidence[:0:count[bi]], evidence[count[bi]:]
	}
	for _, h := range hitImps {
		imp := h.imp
		for _, ref := range h.refs {
			if at[ref.rule] == 0 || !ref.api.matches(imp) {
				continue
			}
			b := &out[at[ref.rule]-1]
			e := imp.Evidence()
			if !slices.ContainsFunc(b.Evidence, func(o Evidence) bool { return o.Value == e.Value }) {
				b.Evidence = append(b.Evidence, e)
			}
		}
	}
	if len(out) > 1 {
		slices.SortFunc(out, func(a, b Behavior) int { return cmp.Compare(a.ID, b.ID) })
	}
	return out
}

// apiName is an API of the behaviour table or of Facts.Import, normalised
// once: its DLL (lower case, "" for any), its name in lower case without
// A/W suffix, its Base, and whether it names an Ex function exactly.
type apiName struct {
	dll, lower, base string
	exact            bool
}

func parseAPI(api string) apiName {
	dll, fn, hasDLL := strings.Cut(api, "!")
	if !hasDLL {
		fn, dll = dll, ""
	}
	fn = stripAW(fn)
	lower := strings.ToLower(fn)
	return apiName{dll: strings.ToLower(dll), lower: lower, base: stripLowerEx(lower), exact: strings.HasSuffix(fn, "Ex")}
}

// matches reports whether an import is this API (see [APIGroup]): an API
// ending in "Ex" matches only that name, any other its Ex variant too; a
// DLL-qualified API matches only that DLL.
func (a apiName) matches(imp *ImportFact) bool {
	return imp.Base() == a.base && (a.dll == "" || imp.DLL == a.dll) && (!a.exact || imp.Lower == a.lower)
}

// importIndexes returns the indexes into Imports of the functions matching
// api.
func (x *Facts) importIndexes(a apiName) []int {
	var out []int
	for i := range x.Imports {
		if a.matches(&x.Imports[i]) {
			out = append(out, i)
		}
	}
	return out
}

// apiRef places an API in the behaviour table: its rule and its slot
// (every API of every group has one, numbered in table order).
type apiRef struct {
	rule, slot int
	api        apiName
}
