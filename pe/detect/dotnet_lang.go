package detect

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"strings"
)

// .NET source language from the metadata.
//
// Every .NET compiler emits IL, so the CLR header alone does not say which
// language a file was written in. What does is the names a compiler makes
// up for what it generates (closures, iterators, async state machines,
// anonymous types, backing fields, start-up classes) and the runtime
// library it references. The names are in the #Strings heap of the
// metadata (ECMA-335 §II.24.2.3); an obfuscator or a hand-written IL file
// leaves none, and then the language is left unknown rather than guessed.

// Source languages dotnetLanguage can name.
const (
	langCSharp = "C#"
	langVBNet  = "Visual Basic .NET"
	langFSharp = "F#"
	langCppCLI = "C++/CLI"
)

// dotnetMark is one name pattern a compiler generates.
type dotnetMark struct {
	lang string
	// sub is matched inside a #Strings entry; with prefix set it must
	// start the entry, with exact set it must be the whole entry.
	sub           string
	prefix, exact bool
	// source says who generates the name (shown in the evidence).
	source string
	// langIdx is lang's index in dotnetLangs. Set by init.
	langIdx int
	// special: sub holds '<', '>' or '$'. A generated name holds '<' or
	// '$' (">b__" comes after "<Method"); the attribute names hold none.
	// Set by init.
	special bool
}

// dotnetMarks are the generated names, from the compilers' own
// descriptions of their naming schemes:
//   - Roslyn C#: GeneratedNames.cs / GeneratedNameKind.cs ("<>c",
//     "<>c__DisplayClass", "<>9__", "<>f__AnonymousType", "<>1__state",
//     "<>2__current", "<>4__this", "<>t__builder", "<>o__", "<>h__
//     TransparentIdentifier", "<Main>$" for top-level statements, and the
//     "<name>b__" lambda, "<name>d__" iterator/async, "<name>g__" local
//     function, "<name>k__BackingField" and "<name>e__FixedBuffer" forms);
//     the attributes Roslyn synthesizes only for C# (RefSafetyRules,
//     NullableContext); the pre-Roslyn csc's "CS$<>" locals and caches.
//   - Mono's mcs: "<>f__am$cache", "<>__AnonType", "<>f__switch$map",
//     "<name>c__AnonStorey", "<name>c__Iterator", "<name>c__async",
//     "<name>m__" (mcs/anonymous.cs, iterators.cs, async.cs).
//   - Visual Basic (vbc and Roslyn VB, GeneratedNameConstants.vb):
//     "_Closure$__", "_Lambda$__", "VB$StateMachine_", "VB$AnonymousType_",
//     "VB$AnonymousDelegate_" and "$VB$" locals. (StandardModuleAttribute,
//     which every VB Module carries, is no mark: Microsoft.VisualBasic.dll
//     defines it, and Mono's is written in C#.)
//   - F#: the "<StartupCode$assembly>" namespace of each file's start-up
//     class (IlxGen.fs) and FSharpInterfaceDataVersionAttribute, which the
//     compiler puts on every F# assembly.
//   - C++/CLI (MSVC /clr): the "<CrtImplementationDetails>" and
//     "<CppImplementationDetails>" namespaces of the mixed-mode start-up.
var dotnetMarks = []dotnetMark{
	{lang: langCSharp, sub: "<>c__DisplayClass", source: "C# closure class"},
	{lang: langCSharp, sub: "<>c", exact: true, source: "C# lambda cache class (Roslyn)"},
	{lang: langCSharp, sub: "<>9__", prefix: true, source: "C# cached delegate field (Roslyn)"},
	{lang: langCSharp, sub: "<>f__AnonymousType", source: "C# anonymous type"},
	{lang: langCSharp, sub: "CS$<>", prefix: true, source: "C# compiler-generated local (csc)"},
	{lang: langCSharp, sub: "<>1__state", exact: true, source: "C# state machine field"},
	{lang: langCSharp, sub: "<>2__current", exact: true, source: "C# iterator field"},
	{lang: langCSharp, sub: "<>t__builder", exact: true, source: "C# async builder field"},
	{lang: langCSharp, sub: "<>4__this", exact: true, source: "C# captured this"},
	{lang: langCSharp, sub: "<Main>$", exact: true, source: "C# top-level statements"},
	{lang: langCSharp, sub: ">b__", source: "C# lambda method (Roslyn)"},
	{lang: langCSharp, sub: ">d__", source: "C# iterator/async state machine (Roslyn)"},
	{lang: langCSharp, sub: ">g__", source: "C# local function (Roslyn)"},
	{lang: langCSharp, sub: ">k__BackingField", source: "C# auto-property backing field"},
	{lang: langCSharp, sub: ">e__FixedBuffer", source: "C# fixed buffer"},
	{lang: langCSharp, sub: "<>h__TransparentIdentifier", prefix: true, source: "C# query transparent identifier"},
	{lang: langCSharp, sub: "<>o__", prefix: true, source: "C# dynamic call-site container"},
	{lang: langCSharp, sub: "RefSafetyRulesAttribute", exact: true, source: "C# 11 RefSafetyRules attribute"},
	{lang: langCSharp, sub: "NullableContextAttribute", exact: true, source: "C# nullable context attribute"},
	{lang: langCSharp, sub: "<>f__am$cache", prefix: true, source: "C# anonymous method cache (mcs)"},
	{lang: langCSharp, sub: "<>__AnonType", prefix: true, source: "C# anonymous type (mcs)"},
	{lang: langCSharp, sub: "<>f__switch$map", prefix: true, source: "C# string switch map (mcs)"},
	{lang: langCSharp, sub: ">c__AnonStorey", source: "C# closure class (mcs)"},
	{lang: langCSharp, sub: ">c__Iterator", source: "C# iterator class (mcs)"},
	{lang: langCSharp, sub: ">c__async", source: "C# async state machine (mcs)"},
	{lang: langCSharp, sub: ">m__", source: "C# anonymous method (mcs)"},

	{lang: langVBNet, sub: "_Closure$__", prefix: true, source: "VB closure class"},
	{lang: langVBNet, sub: "_Lambda$__", prefix: true, source: "VB lambda method"},
	{lang: langVBNet, sub: "VB$StateMachine_", prefix: true, source: "VB iterator/async state machine"},
	{lang: langVBNet, sub: "VB$AnonymousType_", prefix: true, source: "VB anonymous type"},
	{lang: langVBNet, sub: "VB$AnonymousDelegate_", prefix: true, source: "VB anonymous delegate"},
	{lang: langVBNet, sub: "$VB$", prefix: true, source: "VB compiler-generated local"},

	{lang: langFSharp, sub: "<StartupCode$", prefix: true, source: "F# start-up class namespace"},
	{lang: langFSharp, sub: "FSharpInterfaceDataVersionAttribute", exact: true, source: "F# assembly attribute"},

	{lang: langCppCLI, sub: "<CrtImplementationDetails>", exact: true, source: "C++/CLI mixed-mode start-up"},
	{lang: langCppCLI, sub: "<CppImplementationDetails>", exact: true, source: "C++/CLI native type namespace"},
}

// dotnetRefWeights are references that speak for a language: FSharp.Core
// is F#'s runtime (only F# code needs it); Microsoft.VisualBasic is VB's
// runtime (C# can reference it too, so it weighs less); Microsoft.CSharp
// is the binder C#'s dynamic needs.
var dotnetRefWeights = []struct {
	ref, lang string
	weight    int
}{
	{"FSharp.Core", langFSharp, 2},
	{"Microsoft.VisualBasic", langVBNet, 1},
	{"Microsoft.CSharp", langCSharp, 1},
}

func init() {
	if len(dotnetMarks) > 64 {
		panic("detect: more dotnetMarks than dotnetLanguage's seen array holds")
	}
	for i := range dotnetMarks {
		dotnetMarks[i].special = strings.ContainsAny(dotnetMarks[i].sub, "<>$")
		dotnetMarks[i].langIdx = langIndex(dotnetMarks[i].lang)
	}
}

// dotnetLangs are the languages scored, in the order ties are read.
var dotnetLangs = [...]string{langCSharp, langVBNet, langFSharp, langCppCLI}

// langIndex is lang's place in dotnetLangs, -1 for another.
func langIndex(lang string) int {
	for i, l := range dotnetLangs {
		if l == lang {
			return i
		}
	}
	return -1
}

// dotnetHit is one generated name found, kept unformatted: evidence text
// is only made for the language that wins.
type dotnetHit struct {
	mark int   // index in dotnetMarks
	off  int64 // file offset of the name
	name []byte
}

// dotnetLang is what the metadata says of the source language.
type dotnetLang struct {
	lang     string // "" when no language leads
	score    int    // the winner's score
	evidence []Evidence
	marks    [len(dotnetLangs)]int         // score per language
	hits     [len(dotnetLangs)][]dotnetHit // at most 4 names per language
	refs     [len(dotnetLangs)][]string    // runtime references per language
	fallback []Evidence                    // csharpFamily's evidence
}

// evidenceOf formats the evidence for lang.
func (l *dotnetLang) evidenceOf(lang string) []Evidence {
	i := langIndex(lang)
	if i < 0 {
		return nil
	}
	if l.fallback != nil && lang == langCSharp {
		return l.fallback
	}
	var out []Evidence
	for _, h := range l.hits[i] {
		shown := string(h.name)
		if len(shown) > 64 {
			shown = shown[:64] + "…"
		}
		out = append(out, ev("clr", h.off, "#Strings %q (%s)", shown, dotnetMarks[h.mark].source))
	}
	for _, r := range l.refs[i] {
		out = append(out, ev("clr", -1, "assembly reference %s", r))
	}
	return out
}

// maxStringsScan bounds the #Strings bytes scanned for marks.
const maxStringsScan = 8 << 20

// language returns the source language the metadata shows, computed once
// per file.
func (c *CLRFacts) language() *dotnetLang {
	if c.lang == nil {
		c.lang = dotnetLanguage(c)
	}
	return c.lang
}

// dotnetLanguage scores each language by the distinct generated-name
// patterns in the #Strings heap and by its runtime references; the one
// with the highest score wins, and a tie leaves the language unknown.
func dotnetLanguage(c *CLRFacts) *dotnetLang {
	out := &dotnetLang{}
	heap, heapOff := stringsHeap(c.Metadata)
	if len(heap) > maxStringsScan {
		heap = heap[:maxStringsScan]
	}
	var seen [64]bool
	for start := 0; start < len(heap); {
		end := bytes.IndexByte(heap[start:], 0)
		if end < 0 {
			end = len(heap)
		} else {
			end += start
		}
		name := heap[start:end]
		// Generated names carry '<' or '$'; the attribute marks carry
		// neither, so one cheap test skips most entries for most marks.
		special := bytes.IndexByte(name, '<') >= 0 || bytes.IndexByte(name, '$') >= 0
		if len(name) >= 3 && (special || bytes.HasSuffix(name, []byte("Attribute"))) {
			for i := range dotnetMarks {
				m := &dotnetMarks[i]
				if seen[i] || m.special != special {
					continue
				}
				var hit bool
				switch {
				case m.exact:
					hit = string(name) == m.sub
				case m.prefix:
					hit = bytes.HasPrefix(name, []byte(m.sub))
				default:
					hit = bytes.Contains(name, []byte(m.sub))
				}
				if !hit {
					continue
				}
				seen[i] = true
				li := m.langIdx
				out.marks[li]++
				if len(out.hits[li]) < 4 {
					out.hits[li] = append(out.hits[li], dotnetHit{mark: i, off: c.MetaOffset + int64(heapOff+start), name: name})
				}
			}
		}
		start = end + 1
	}
	for _, w := range dotnetRefWeights {
		if c.HasRef(w.ref) {
			li := langIndex(w.lang)
			out.marks[li] += w.weight
			out.refs[li] = append(out.refs[li], w.ref)
		}
	}
	best, tie := 0, false
	for i, l := range dotnetLangs {
		switch s := out.marks[i]; {
		case s > best:
			best, tie, out.lang = s, false, l
		case s == best && s > 0:
			tie = true
		}
	}
	if tie {
		out.lang = ""
		return out
	}
	if best == 0 {
		// An assembly without methods (resource satellites, facades,
		// enum-only libraries) has no code in any language.
		if methodCount(c.Metadata) != 0 {
			csharpFamily(out, heap, c.MetaOffset+int64(heapOff))
		}
		return out
	}
	out.score = best
	out.evidence = out.evidenceOf(out.lang)
	return out
}

// csharpFamily is the fallback when no language left a mark. Microsoft's
// C# and VB compilers put RuntimeCompatibilityAttribute
// (WrapNonExceptionThrows) on every assembly they build, and Roslyn adds
// CompilationRelaxationsAttribute(8) (its SourceAssemblySymbol
// synthesizes both, in C# and in VB); Mono's mcs emits the first (seen on
// its output, testdata/pe/dotnet-cs.exe); an IL assembler emits neither.
// A VB build always references Microsoft.VisualBasic or embeds it (vbc's
// default /vbruntime), so the attribute without that name is C#, at
// medium confidence.
func csharpFamily(out *dotnetLang, heap []byte, heapOff int64) {
	var evs []Evidence
	for i, a := range []string{"RuntimeCompatibilityAttribute", "CompilationRelaxationsAttribute"} {
		at := bytes.Index(heap, []byte("\x00"+a+"\x00"))
		if at < 0 {
			if i == 0 {
				return
			}
			continue
		}
		evs = append(evs, ev("clr", heapOff+int64(at+1), "#Strings %q (an assembly attribute csc, mcs and vbc emit)", a))
	}
	if bytes.Contains(heap, []byte("Microsoft.VisualBasic")) {
		return
	}
	out.lang = langCSharp
	out.fallback = append(evs, ev("clr", -1, "no Microsoft.VisualBasic reference or embedded runtime, which every VB build has"))
	out.evidence = out.fallback
}

// langConfidence turns a language score into a confidence; 0 is the
// compiler-family fallback (csharpFamily).
func langConfidence(score int) Confidence {
	switch {
	case score >= 4:
		return 85
	case score >= 2:
		return 75
	case score == 1:
		return 65
	}
	return ConfidenceMedium
}

// stringsHeap finds the #Strings stream of a metadata root (ECMA-335
// §II.24.2.1: "BSJB", versions, a length-prefixed version string, flags,
// the stream count, then per stream its offset and size from the root and
// a NUL-terminated name padded to 4 bytes). It returns the heap bytes
// present and their offset in md; nil when the root is malformed.
func stringsHeap(md []byte) ([]byte, int) { return metadataStream(md, "#Strings") }

// metadataStream returns the bytes of the named stream of a metadata root
// and their offset in md; nil when the root is malformed or the stream is
// absent.
func metadataStream(md []byte, want string) ([]byte, int) {
	le := binary.LittleEndian
	if len(md) < 20 || le.Uint32(md) != 0x424A5342 {
		return nil, 0
	}
	vlen := int(le.Uint32(md[12:]))
	p := 16 + vlen
	if vlen < 0 || vlen > 255 || p+4 > len(md) {
		return nil, 0
	}
	n := int(le.Uint16(md[p+2:]))
	p += 4
	for i := 0; i < n && i < 16 && p+8 <= len(md); i++ {
		off, size := int64(le.Uint32(md[p:])), int64(le.Uint32(md[p+4:]))
		name := md[p+8 : min(len(md), p+8+32)]
		z := bytes.IndexByte(name, 0)
		if z < 0 {
			return nil, 0
		}
		if string(name[:z]) == want {
			if off >= int64(len(md)) {
				return nil, 0
			}
			end := min(int64(len(md)), off+size)
			return md[off:end], int(off)
		}
		p += 8 + (z+4)&^3
	}
	return nil, 0
}

// methodCount reads the MethodDef row count from the tables stream
// (ECMA-335 §II.24.2.6: after 8 bytes of header, the Valid bit vector of
// present tables at offset 8, then one 4-byte row count per present
// table from offset 24; MethodDef is table 0x06). It returns -1 when the
// stream is missing or malformed.
func methodCount(md []byte) int {
	t, _ := metadataStream(md, "#~")
	if t == nil {
		t, _ = metadataStream(md, "#-") // the uncompressed form
	}
	if len(t) < 24 {
		return -1
	}
	valid := binary.LittleEndian.Uint64(t[8:])
	const methodDef = 6
	if valid&(1<<methodDef) == 0 {
		return 0
	}
	at := 24 + 4*bits.OnesCount64(valid&(1<<methodDef-1))
	if at+4 > len(t) {
		return -1
	}
	return int(binary.LittleEndian.Uint32(t[at:]))
}

// hasMark reports whether the metadata carries a generated name of lang
// (a reference alone does not count).
func (c *CLRFacts) hasMark(lang string) bool {
	l := c.language()
	i := langIndex(lang)
	if i < 0 {
		return false
	}
	n := l.marks[i]
	for _, w := range dotnetRefWeights {
		if w.lang == lang && c.HasRef(w.ref) {
			n -= w.weight
		}
	}
	return n > 0
}

// matchDotNetLang names lang when the metadata's evidence leads to it.
func matchDotNetLang(lang string) func(*Facts) (Finding, bool) {
	return func(x *Facts) (Finding, bool) {
		c := x.CLR
		l := c.language()
		if l.lang != lang || mixedNative(x) {
			return Finding{}, false
		}
		fd := Finding{Confidence: langConfidence(l.score), Evidence: append(clrEvidence(c), l.evidence...)}
		if tf, off := targetFramework(c); tf != "" {
			fd.Evidence = append(fd.Evidence, ev("clr", off, "%s", tf))
		}
		return fd, true
	}
}

// matchDotNetUnknown names a .NET assembly whose metadata shows no
// language: an obfuscated or hand-assembled one, or one too small to need
// generated names.
func matchDotNetUnknown(x *Facts) (Finding, bool) {
	c := x.CLR
	if c.language().lang != "" || mixedNative(x) {
		return Finding{}, false
	}
	fd := Finding{Confidence: ConfidenceMedium, Evidence: clrEvidence(c)}
	if len(c.Refs) > 0 {
		fd.Evidence = append(fd.Evidence, ev("clr", -1, "assembly references %s", strings.Join(c.Refs[:min(len(c.Refs), 8)], ", ")))
	}
	fd.Evidence = append(fd.Evidence, ev("clr", -1, "no compiler-generated names or language runtime reference in the metadata"))
	if tf, off := targetFramework(c); tf != "" {
		fd.Evidence = append(fd.Evidence, ev("clr", off, "%s", tf))
	}
	return fd, true
}
