// Package detect names what built a Windows PE file and what was done to
// it: the compiler and code language, packers and protectors, installers,
// and the behaviours its imports show, each finding with its evidence
// (section names, byte signatures at offsets, imports, Rich entries,
// strings).
//
// Detection is rows of data. A [Rule] has a stable ID ("packer/upx"), a
// kind, cheap preconditions ([Needs]) and a Match function that reads the
// file's [Facts], gathered once per file from a parsed
// [github.com/filerep/filerep/pe.File]; the rows live in rules_compilers.go,
// rules_packers.go and rules_installers.go, the behaviours in
// rules_behaviors.go. Conflicts between findings are settled once, after
// every rule ran, by the rows of rules_suppress.go. [RulesVersion] names
// the default tables and goes into reports.
//
// [Run] evaluates a rule set over a file. [DefaultRules] returns the
// built-in set, a fresh copy each call, so a rule of your own is one more
// element (see the example of Run); [Validate] checks a set. [Pattern]
// compiles the byte signatures the rules use, in Detect It Easy's syntax.
//
// Run never panics on hostile input: every search is bounded, a rule that
// panics loses its own finding only (Result.Errors says which), and the
// context is checked between rules.
package detect
