package detect

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/filerep/filerep/internal/testutil"
	"github.com/filerep/filerep/pe"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sampleBytes returns the committed samples by name (relative to
// testdata/pe, without ".b64").
func sampleBytes(t testing.TB) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, s := range testutil.Samples(t) {
		b, err := os.ReadFile(s.Path)
		require.NoError(t, err)
		out[s.Rel] = b
	}
	return out
}

// exampleBytes returns the bytes an Examples entry names.
func exampleBytes(t testing.TB, samples map[string][]byte, example string) []byte {
	t.Helper()
	if name, ok := isSynthetic(example); ok {
		build, ok := synthetic[name]
		require.True(t, ok, "no synthetic image %q", name)
		return build()
	}
	b, ok := samples[example]
	require.True(t, ok, "example %q is not a sample under testdata/pe", example)
	return b
}

func parseOK(t testing.TB, name string, b []byte) *pe.File {
	t.Helper()
	f, err := pe.Parse(context.Background(), b)
	require.NotNil(t, f, "%s: %v", name, err)
	return f
}

// codeLanguages is report.md's dna.code_language vocabulary.
var codeLanguages = []string{
	"Microsoft Visual C++", "Microsoft Visual Basic", "C#", "Visual Basic .NET", "F#", "C++/CLI", ".NET", "Delphi",
	"C++Builder", "Free Pascal", "MinGW GCC", "GCC", "Clang", "Go", "Rust", "Nim", "Zig", "D", "PureBasic",
	"AutoIt", "Python (PyInstaller)", "Haskell", "Assembly", "Unknown",
}

// TestRuleTable is the lint of the rule tables (capa's scripts/lint.py in
// spirit): unique IDs of the right shape, sources, languages from the
// vocabulary, and Examples that exist, fire, and survive the conflict
// table.
func TestRuleTable(t *testing.T) {
	samples := sampleBytes(t)
	seen := map[string]bool{}
	used := map[string]bool{}
	for _, r := range DefaultRules() {
		t.Run(r.ID, func(t *testing.T) {
			assert.False(t, seen[r.ID], "duplicate rule ID")
			seen[r.ID] = true
			assert.True(t, strings.HasPrefix(r.ID, string(r.Kind)+"/"), "ID must start with its kind")
			assert.NotEmpty(t, r.Name)
			assert.NotEmpty(t, r.Source, "every rule says where its facts come from")
			require.NotNil(t, r.Match)
			if r.Kind == RuleCompiler {
				assert.Contains(t, codeLanguages, r.Language, "code language outside report.md's vocabulary")
			} else {
				assert.Empty(t, r.Language)
			}
			require.NotEmpty(t, r.Examples, "every rule has an example it fires on")
			for _, ex := range r.Examples {
				if n, ok := isSynthetic(ex); ok {
					used[n] = true
				}
				f := parseOK(t, ex, exampleBytes(t, samples, ex))
				x := NewFacts(f)
				require.True(t, x.needsHold(r.Needs), "%s: needs do not hold", ex)
				fd, ok := r.Match(x)
				require.True(t, ok, "%s: rule does not fire", ex)
				assert.NotEmpty(t, fd.Evidence, "%s: a finding without evidence", ex)
				d := runDefault(f)
				assert.True(t, slices.ContainsFunc(d.Findings, func(g Finding) bool { return g.RuleID == r.ID }),
					"%s: the finding does not survive the conflict table: %+v", ex, d.Suppressed)
			}
		})
	}
	for _, n := range syntheticNames() {
		if !used[n] && !behaviorExample("synthetic:"+n) {
			t.Errorf("synthetic image %q is no rule's example", n)
		}
	}
}

func behaviorExample(ex string) bool {
	for _, r := range behaviorRules {
		if slices.Contains(r.Examples, ex) {
			return true
		}
	}
	return false
}

// TestBehaviorTable checks the behaviour rows: unique IDs, groups that can
// be met, and Examples that show the behaviour.
func TestBehaviorTable(t *testing.T) {
	samples := sampleBytes(t)
	seen := map[string]bool{}
	for _, r := range DefaultBehaviors() {
		t.Run(r.ID, func(t *testing.T) {
			assert.False(t, seen[r.ID], "duplicate behaviour ID")
			seen[r.ID] = true
			assert.NotEmpty(t, r.Description)
			require.NotEmpty(t, r.Groups)
			for _, g := range r.Groups {
				assert.LessOrEqual(t, g.Min, len(g.APIs))
				for _, api := range g.APIs {
					_, fn, _ := strings.Cut(api, "!")
					if fn == "" {
						fn = api
					}
					assert.Equal(t, stripAW(fn), fn, "%s: write APIs without their A/W suffix", api)
				}
			}
			require.NotEmpty(t, r.Examples)
			for _, ex := range r.Examples {
				d := runDefault(parseOK(t, ex, exampleBytes(t, samples, ex)))
				i := slices.IndexFunc(d.Behaviors, func(b Behavior) bool { return b.ID == r.ID })
				require.GreaterOrEqual(t, i, 0, "%s does not show %s", ex, r.ID)
				assert.NotEmpty(t, d.Behaviors[i].Evidence)
			}
		})
	}
}

// TestSuppressTable checks that every row names rules that exist.
func TestSuppressTable(t *testing.T) {
	var ids []string
	for _, r := range DefaultRules() {
		ids = append(ids, r.ID)
	}
	matchesSome := func(p string) bool {
		return slices.ContainsFunc(ids, func(id string) bool { return idMatches(p, id) })
	}
	for _, row := range DefaultSuppress() {
		assert.True(t, matchesSome(row.Drop), "Drop %q matches no rule", row.Drop)
		assert.NotEmpty(t, row.Why)
		for _, p := range row.IfAny {
			assert.True(t, matchesSome(p), "IfAny %q matches no rule", p)
		}
	}
}

// TestSkipKeepsResults proves that skipping rules whose findings would be
// dropped anyway changes nothing, on every sample and synthetic image.
func TestSkipKeepsResults(t *testing.T) {
	check := func(name string, b []byte) {
		f := parseOK(t, name, b)
		fast, s1, _ := runRules(NewFacts(f), defaultRuleSet(), true)
		full, s2, _ := runRules(NewFacts(f), defaultRuleSet(), false)
		assert.Equal(t, full, fast, name)
		// Skipped rules are not reported as suppressed; the rest must agree.
		for _, s := range s1 {
			assert.Contains(t, s2, s, name)
		}
	}
	for name, b := range sampleBytes(t) {
		check(name, b)
	}
	for _, n := range syntheticNames() {
		check("synthetic:"+n, synthetic[n]())
	}
}

// TestCleanBaselines: no packer on any real unpacked sample nor on the
// synthetic images of compilers and installers.
func TestCleanBaselines(t *testing.T) {
	for name, b := range sampleBytes(t) {
		d := runDefault(parseOK(t, name, b))
		switch name {
		case "upx-mingw-console-x86.exe", "nasm-odd.exe":
			assert.True(t, d.Packed, name)
		default:
			assert.False(t, d.Packed, "%s: %+v", name, d.Packers)
			assert.Empty(t, d.Packers, name)
		}
	}
	for _, r := range DefaultRules() {
		if r.Kind == RulePacker {
			continue
		}
		for _, ex := range r.Examples {
			if n, ok := isSynthetic(ex); ok {
				d := runDefault(parseOK(t, ex, synthetic[n]()))
				assert.False(t, d.Packed, "%s: %+v", ex, d.Packers)
			}
		}
	}
}

// want is what Detect should say about one file.
type want struct {
	lang      string
	compiler  string // "name version"
	packers   []string
	installer string // "name version"
	behaviors []string
}

func summarize(d *Result) want {
	w := want{lang: d.CodeLanguage}
	if d.Compiler != nil {
		w.compiler = strings.TrimSpace(d.Compiler.Name + " " + d.Compiler.Version)
	}
	for _, p := range d.Packers {
		w.packers = append(w.packers, strings.TrimSpace(p.Name+" "+p.Version))
	}
	if d.Installer != nil {
		w.installer = strings.TrimSpace(d.Installer.Name + " " + d.Installer.Version)
	}
	for _, b := range d.Behaviors {
		w.behaviors = append(w.behaviors, b.ID)
	}
	return w
}

// TestDetectSamples is the per-sample table on the real binaries
// (testdata/README.md says what each one is).
func TestDetectSamples(t *testing.T) {
	console := []string{"network-client", "registry-write"}
	tests := map[string]want{
		"mingw-console-x86.exe": {lang: "MinGW GCC", compiler: "MinGW GCC 12", behaviors: []string{"dynamic-api", "network-client", "registry-write"}},
		"mingw-console-x64.exe": {lang: "MinGW GCC", compiler: "MinGW GCC 12", behaviors: console},
		"mingw-gui-x86.exe":     {lang: "MinGW GCC", compiler: "MinGW GCC 12", behaviors: []string{"anti-debug", "crypto", "dynamic-api", "process-create"}},
		"mingw-gui-x64.exe":     {lang: "MinGW GCC", compiler: "MinGW GCC 12", behaviors: []string{"anti-debug", "crypto", "dynamic-api", "process-create"}},
		"mingw-service-x86.exe": {lang: "MinGW GCC", compiler: "MinGW GCC 12", behaviors: []string{"dynamic-api", "privilege-adjust", "service", "service-install"}},
		"mingw-dll-x64.dll":     {lang: "MinGW GCC", compiler: "MinGW GCC 12"},
		"mingw-behave-x64.exe":  {lang: "MinGW GCC", compiler: "MinGW GCC 12", behaviors: []string{"driver-load", "input-hook", "keylogging", "process-injection"}},
		"spoof-msft.exe":        {lang: "MinGW GCC", compiler: "MinGW GCC 12", behaviors: []string{"privilege-adjust", "service", "service-install"}},
		"go-amd64.exe":          {lang: "Go", compiler: "Go go1.26.8", behaviors: []string{"dynamic-api"}},
		"go-386.exe":            {lang: "Go", compiler: "Go go1.26.8", behaviors: []string{"dynamic-api"}},
		"dotnet-cs.exe":         {lang: "C#", compiler: "C#"},
		"dotnet-cs.dll":         {lang: "C#", compiler: "C#"},
		"dotnet-cs-mcs.exe":     {lang: "C#", compiler: "C#"},
		"dotnet-il.exe":         {lang: ".NET", compiler: ".NET (language unknown)"},
		"nasm-tiny.exe":         {lang: "Assembly", compiler: "Assembly"},
		"nasm-odd.exe":          {lang: "Unknown", packers: []string{"generic"}, behaviors: []string{"dynamic-api"}},
		"nsis-installer.exe": {lang: "MinGW GCC", compiler: "MinGW GCC 12", installer: "NSIS 3.08",
			behaviors: []string{"dynamic-api", "privilege-adjust", "process-create", "registry-write"}},
		"upx-mingw-console-x86.exe":             {lang: "Unknown", packers: []string{"UPX 3.94"}, behaviors: []string{"dynamic-api"}},
		"signed-mingw-console-x64.exe":          {lang: "MinGW GCC", compiler: "MinGW GCC 12", behaviors: console},
		"signed-nested-mingw-console-x64.exe":   {lang: "MinGW GCC", compiler: "MinGW GCC 12", behaviors: console},
		"signed-ts-mingw-console-x64.exe":       {lang: "MinGW GCC", compiler: "MinGW GCC 12", behaviors: console},
		"signed-tampered-mingw-console-x64.exe": {lang: "MinGW GCC", compiler: "MinGW GCC 12", behaviors: console},
		"mui/app.exe":                           {lang: "MinGW GCC", compiler: "MinGW GCC 12"},
		"mui/en-US/app.exe.mui":                 {lang: "Unknown"},
		"mui/fr-FR/app.exe.mui":                 {lang: "Unknown"},
		"mui/ja-JP/app.exe.mui":                 {lang: "Unknown"},
		"mui/de-DE/app.exe.mui":                 {lang: "Unknown"},
		"version-langs.dll":                     {lang: "Unknown"},
		"clang-mingw-x64.exe":                   {lang: "Clang", compiler: "Clang (lld, MinGW-w64 runtime)"},
		"clang-msvc-x64.exe":                    {lang: "Unknown"}, // lld alone names no compiler: nasm makes the same image
		"gnuefi-hello-x64.efi":                  {lang: "GCC", compiler: "GCC"},
		"nim-mingw-x64.exe":                     {lang: "Nim", compiler: "Nim", behaviors: []string{"dynamic-api"}},
		"rust-gnu-x64.exe":                      {lang: "Rust", compiler: "Rust 1.63.0", behaviors: []string{"dynamic-api"}},
	}
	samples := sampleBytes(t)
	for name, b := range samples {
		w, ok := tests[name]
		if !assert.True(t, ok, "sample %s has no expectation here", name) {
			continue
		}
		assert.Equal(t, w, summarize(runDefault(parseOK(t, name, b))), name)
	}
}

// TestDetectSynthetic checks names and versions read from the synthetic
// images.
func TestDetectSynthetic(t *testing.T) {
	tests := map[string]want{
		"go-symtab":               {lang: "Go", compiler: "Go"},
		"dotnet-mixed":            {lang: "C++/CLI", compiler: "C++/CLI Visual Studio 2019"},
		"dotnet-fsharp":           {lang: "F#", compiler: "F#"},
		"dotnet-vbnet":            {lang: "Visual Basic .NET", compiler: "Visual Basic .NET"},
		"dotnet-nativeaot":        {lang: ".NET", compiler: ".NET Native AOT"},
		"dotnet-csharp-roslyn":    {lang: "C#", compiler: "C#"},
		"dotnet-vbnet-names":      {lang: "Visual Basic .NET", compiler: "Visual Basic .NET"},
		"dotnet-fsharp-names":     {lang: "F#", compiler: "F#"},
		"mingw-org-gcc3":          {lang: "MinGW GCC", compiler: "MinGW GCC"},
		"ghc":                     {lang: "Haskell", compiler: "GHC 9.4.8"},
		"zig-releasesafe":         {lang: "Zig", compiler: "Zig"},
		"dotnet-nativeaot-merged": {lang: ".NET", compiler: ".NET Native AOT 9.0"},
		"pyinstaller":             {lang: "Python (PyInstaller)", compiler: "PyInstaller Python 3.11"},
		"autoit":                  {lang: "AutoIt", compiler: "AutoIt 3"},
		"vb6":                     {lang: "Microsoft Visual Basic", compiler: "Microsoft Visual Basic 6.0 (P-Code)"},
		"cppbuilder":              {lang: "C++Builder", compiler: "C++Builder"},
		"delphi":                  {lang: "Delphi", compiler: "Delphi 11 Alexandria"},
		"fpc":                     {lang: "Free Pascal", compiler: "Free Pascal 3.2.2"},
		"purebasic":               {lang: "PureBasic", compiler: "PureBasic"},
		"rust":                    {lang: "Rust", compiler: "Rust"},
		"nim":                     {lang: "Nim", compiler: "Nim"},
		"zig":                     {lang: "Zig", compiler: "Zig"},
		"d":                       {lang: "D", compiler: "D"},
		"clang-lld":               {lang: "Clang", compiler: "Clang (lld-link)"},
		"gcc-efi":                 {lang: "GCC", compiler: "GCC 12.2.0"},
		"efi-ipxe":                {lang: "GCC", compiler: "GCC"},
		"efi-grub":                {lang: "GCC", compiler: "GCC"},
		"msvc-vc6":                {lang: "Microsoft Visual C++", compiler: "Microsoft Visual C++ Visual Studio 6.0"},
		"msvc-2019":               {lang: "Microsoft Visual C++", compiler: "Microsoft Visual C++ Visual Studio 2019"},
		"msvc-2008":               {lang: "Microsoft Visual C++", compiler: "Microsoft Visual C++ Visual Studio 2008"},
		"msvc-norich":             {lang: "Microsoft Visual C++", compiler: "Microsoft Visual C++ Visual Studio 2017"},
		"masm":                    {lang: "Assembly", compiler: "MASM Visual Studio 2022"},
		"inno":                    {lang: "Unknown", installer: "Inno Setup 6.2.2 (Unicode)"},
		"installshield":           {lang: "Microsoft Visual C++", compiler: "Microsoft Visual C++ Visual Studio 2019", installer: "InstallShield"},
		"wix-burn":                {lang: "Microsoft Visual C++", compiler: "Microsoft Visual C++ Visual Studio 2019", installer: "WiX Burn"},
		"squirrel":                {lang: "Microsoft Visual C++", compiler: "Microsoft Visual C++ Visual Studio 2019", installer: "Squirrel"},
		"bdist-wininst":           {lang: "Microsoft Visual C++", compiler: "Microsoft Visual C++ Visual Studio 2008", installer: "Python bdist_wininst"},
		"7zip-sfx":                {lang: "Microsoft Visual C++", compiler: "Microsoft Visual C++ Visual Studio 2019", installer: "7-Zip SFX"},
		"winrar-sfx":              {lang: "Microsoft Visual C++", compiler: "Microsoft Visual C++ Visual Studio 2019", installer: "WinRAR SFX"},
		"advanced-installer":      {lang: "Microsoft Visual C++", compiler: "Microsoft Visual C++ Visual Studio 2019", installer: "Advanced Installer"},
		"setup-factory":           {lang: "Microsoft Visual C++", compiler: "Microsoft Visual C++ Visual Studio 2019", installer: "Setup Factory"},
		"msi-wrapper":             {lang: "Microsoft Visual C++", compiler: "Microsoft Visual C++ Visual Studio 2019", installer: "MSI wrapper"},
		"upx-renamed":             {lang: "Unknown", packers: []string{"UPX (modified)"}, behaviors: []string{"dynamic-api"}},
		"aspack":                  {lang: "Unknown", packers: []string{"ASPack 2.12"}},
		"mpress":                  {lang: "Unknown", packers: []string{"MPRESS"}},
		"pecompact":               {lang: "Unknown", packers: []string{"PECompact 2"}},
		"petite":                  {lang: "Unknown", packers: []string{"Petite"}},
		"fsg":                     {lang: "Unknown", packers: []string{"FSG 2.0"}},
		"nspack":                  {lang: "Unknown", packers: []string{"NsPack"}},
		"mew":                     {lang: "Unknown", packers: []string{"MEW"}},
		"themida":                 {lang: "Unknown", packers: []string{"Themida"}},
		"winlicense":              {lang: "Unknown", packers: []string{"WinLicense"}},
		"themida-blank":           {lang: "Unknown", packers: []string{"Themida"}},
		"vmprotect":               {lang: "Unknown", packers: []string{"VMProtect"}},
		"enigma":                  {lang: "Unknown", packers: []string{"Enigma Protector"}},
		"obsidium":                {lang: "Unknown", packers: []string{"Obsidium"}},
		"execryptor":              {lang: "Unknown", packers: []string{"EXECryptor 1.3"}},
		"kkrunchy":                {lang: "Unknown", packers: []string{"kkrunchy"}},
		"network-server":          {lang: "Microsoft Visual C++", compiler: "Microsoft Visual C++ Visual Studio 2019", behaviors: []string{"network-server"}},
	}
	for _, n := range syntheticNames() {
		w, ok := tests[n]
		if !assert.True(t, ok, "synthetic image %s has no expectation here", n) {
			continue
		}
		assert.Equal(t, w, summarize(runDefault(parseOK(t, n, synthetic[n]()))), "synthetic:"+n)
	}
}

// TestDetectGolden compares each sample's Result, as JSON, with
// testdata/golden/<sample>.json (go test -update rewrites them).
func TestDetectGolden(t *testing.T) {
	for name, b := range sampleBytes(t) {
		d := runDefault(parseOK(t, name, b))
		got, err := json.MarshalIndent(d, "", "  ")
		require.NoError(t, err)
		path := filepath.Join("testdata", "golden", strings.ReplaceAll(name, "/", "_")+".json")
		testutil.Golden(t, path, append(got, '\n'))
	}
}

// TestDetectJSON checks the JSON shape report.md expects: evidence as
// strings, imports as "dll!function", and that it reads back.
func TestDetectJSON(t *testing.T) {
	samples := sampleBytes(t)
	d := runDefault(parseOK(t, "mingw-service-x86.exe", samples["mingw-service-x86.exe"]))
	b, err := json.Marshal(d)
	require.NoError(t, err)
	var raw map[string]any
	require.NoError(t, json.Unmarshal(b, &raw))
	assert.Equal(t, "MinGW GCC", raw["code_language"])
	assert.Equal(t, false, raw["packed"])
	assert.Equal(t, RulesVersion, raw["rules_version"])
	beh := raw["behaviors"].([]any)
	var service map[string]any
	for _, x := range beh {
		if m := x.(map[string]any); m["id"] == "service" {
			service = m
		}
	}
	require.NotNil(t, service)
	assert.Equal(t, "Runs as a Windows service", service["description"])
	assert.Equal(t, []any{"advapi32.dll!RegisterServiceCtrlHandlerExW", "advapi32.dll!StartServiceCtrlDispatcherW"}, service["evidence"])
	comp := raw["compiler"].(map[string]any)
	assert.Equal(t, "MinGW GCC", comp["name"])
	assert.Equal(t, "12", comp["version"])
	assert.IsType(t, "", comp["evidence"].([]any)[0])

	var back Result
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, d.CodeLanguage, back.CodeLanguage)
	assert.Equal(t, d.Compiler.Evidence[0].String(), back.Compiler.Evidence[0].String())
}

// TestDetectDeterministic runs Detect twice and concurrently on one File.
func TestDetectDeterministic(t *testing.T) {
	for name, b := range sampleBytes(t) {
		f := parseOK(t, name, b)
		first, _ := json.Marshal(runDefault(f))
		done := make(chan []byte, 4)
		for range 4 {
			go func() { j, _ := json.Marshal(runDefault(f)); done <- j }()
		}
		for range 4 {
			assert.Equal(t, string(first), string(<-done), name)
		}
	}
}

func TestDetectNil(t *testing.T) {
	d := runDefault(nil)
	assert.Equal(t, Unknown, d.CodeLanguage)
	assert.Equal(t, RulesVersion, d.RulesVersion)
	assert.False(t, d.Packed)
}

// TestDetectCutSamples runs Detect on every sample cut at 32 lengths: no
// panic, whatever Parse could read.
func TestDetectCutSamples(t *testing.T) {
	for name, b := range sampleBytes(t) {
		for i := 1; i <= 32; i++ {
			n := len(b) * i / 32
			f, _ := pe.Parse(context.Background(), b[:n:n])
			if f != nil {
				assert.NotPanics(t, func() { runDefault(f) }, "%s cut at %d", name, n)
			}
		}
	}
}

// TestRulesVersionPinned fails when the rule IDs, or what the rules
// match, change without a new RulesVersion: testdata/rules-version.txt
// holds the version, the IDs, and every finding (rule, name, version,
// confidence) on each committed sample and synthetic image (go test
// -update rewrites it after the version was bumped).
func TestRulesVersionPinned(t *testing.T) {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", RulesVersion)
	for _, r := range DefaultRules() {
		fmt.Fprintf(&b, "%s\n", r.ID)
	}
	for _, r := range DefaultBehaviors() {
		fmt.Fprintf(&b, "behavior/%s\n", r.ID)
	}
	samples := sampleBytes(t)
	var names []string
	for n := range samples {
		names = append(names, n)
	}
	for _, n := range syntheticNames() {
		names = append(names, "synthetic:"+n)
	}
	slices.Sort(names)
	for _, n := range names {
		d := runDefault(parseOK(t, n, exampleBytes(t, samples, n)))
		fmt.Fprintf(&b, "%s: %s", n, d.CodeLanguage)
		for _, fd := range d.Findings {
			fmt.Fprintf(&b, " | %s %q %q %d", fd.RuleID, fd.Name, fd.Version, fd.Confidence)
		}
		b.WriteString("\n")
	}
	path := filepath.Join("testdata", "rules-version.txt")
	old, err := os.ReadFile(path)
	if err == nil && !*testutil.Update {
		oldVersion, _, _ := strings.Cut(string(old), "\n")
		if string(old) != b.String() && oldVersion == RulesVersion {
			t.Fatalf("the rules or what they match changed but RulesVersion is still %s: bump it, then run go test -update", RulesVersion)
		}
	}
	testutil.Golden(t, path, []byte(b.String()))
}

func TestStripSuffixes(t *testing.T) {
	for in, want := range map[string]string{
		"CreateProcessW": "CreateProcess", "LoadLibraryA": "LoadLibrary", "connect": "connect",
		"GetProcAddress": "GetProcAddress", "WSAStartup": "WSAStartup", "A": "A", "UTF8W": "UTF8",
		"SHA": "SHA",
	} {
		assert.Equal(t, want, stripAW(in), in)
	}
	assert.Equal(t, "regcreatekey", stripLowerEx(strings.ToLower(stripAW("RegCreateKeyExW"))))
	assert.Equal(t, "ex", stripLowerEx("ex"))
}

// TestImportMatching: Ex variants match a base name; an "…Ex" name matches
// only itself; DLL-qualified names match only that DLL.
func TestImportMatching(t *testing.T) {
	p := newSynth()
	p.imports = []synthImport{
		{dll: "KERNEL32.dll", funcs: []string{"VirtualAlloc", "CreateProcessW", "LoadLibraryExW"}},
		{dll: "WS2_32.dll", funcs: []string{"connect"}},
	}
	x := NewFacts(parseOK(t, "imports", p.build()))
	assert.Len(t, x.Import("CreateProcess"), 1)
	assert.Len(t, x.Import("LoadLibrary"), 1)
	assert.Empty(t, x.Import("VirtualAllocEx"))
	assert.Len(t, x.Import("VirtualAlloc"), 1)
	assert.Len(t, x.Import("ws2_32.dll!connect"), 1)
	assert.Empty(t, x.Import("wsock32.dll!connect"))
	assert.Equal(t, "kernel32.dll!createprocess", x.Import("CreateProcess")[0].Key())
	assert.Equal(t, "kernel32.dll!CreateProcessW", x.Import("CreateProcess")[0].Evidence().String())
}

// TestMinGWDynamicAPIIsCommon: the x86 MinGW runtime's loader imports show
// "dynamic-api", marked Common, and never make the file packed.
func TestMinGWDynamicAPIIsCommon(t *testing.T) {
	samples := sampleBytes(t)
	for _, name := range []string{"mingw-console-x86.exe", "mingw-service-x86.exe", "mingw-gui-x86.exe"} {
		d := runDefault(parseOK(t, name, samples[name]))
		i := slices.IndexFunc(d.Behaviors, func(b Behavior) bool { return b.ID == "dynamic-api" })
		require.GreaterOrEqual(t, i, 0, name)
		assert.True(t, d.Behaviors[i].Common, name)
		assert.False(t, d.Packed, name)
		_, structural := genericSignals(NewFacts(parseOK(t, name, samples[name])))
		assert.Empty(t, structural, name)
	}
}

// TestGenericNotOnCompressedResource: a big random resource is not
// packing; the same bytes in a code section are.
func TestGenericNotOnCompressedResource(t *testing.T) {
	p := newSynth()
	p.rich = richVS2019
	p.imports = msvcImports
	p.resources = []synthRes{{typ: pe.ResourceID{ID: 10}, name: pe.ResourceID{ID: 1}, data: randomBytes(64<<10, 20)}}
	d := runDefault(parseOK(t, "resource", p.build()))
	assert.False(t, d.Packed)

	p = newSynth()
	p.sections = []synthSection{{name: ".text", chars: 0xE0000020, data: randomBytes(64<<10, 21)}, {name: ".stub", chars: 0xE0000020, data: code(0x60)}}
	p.entry = 1
	p.imports = []synthImport{{dll: "KERNEL32.dll", funcs: []string{"LoadLibraryA", "GetProcAddress"}}}
	d = runDefault(parseOK(t, "code", p.build()))
	require.True(t, d.Packed)
	assert.Equal(t, "generic", d.Packers[0].Name)
}

// TestUPXHeaderChecksum: a wrong pack header checksum lowers confidence
// and says so.
func TestUPXHeaderChecksum(t *testing.T) {
	b := bytes.Clone(sampleBytes(t)["upx-mingw-console-x86.exe"])
	i := bytes.Index(b, []byte("UPX!"))
	require.Positive(t, i)
	b[i+31] ^= 0xFF
	d := runDefault(parseOK(t, "upx", b))
	require.True(t, d.Packed)
	assert.Equal(t, "UPX", d.Packers[0].Name)
	assert.Less(t, d.Packers[0].Confidence, ConfidenceSure)
	assert.Contains(t, fmt.Sprint(d.Packers[0].Evidence), "checksum wrong")
}

// TestRichChecksumLowersMSVC: an edited Rich header still says Visual C++,
// with less confidence.
func TestRichChecksumLowersMSVC(t *testing.T) {
	p := newSynth()
	p.rich = richVS2019
	p.richBadCheck = true
	p.imports = msvcImports
	d := runDefault(parseOK(t, "rich", p.build()))
	require.NotNil(t, d.Compiler)
	assert.Equal(t, "Visual Studio 2019", d.Compiler.Version)
	assert.Less(t, d.Compiler.Confidence, Confidence(90))
}

func TestRichVisualStudioVersions(t *testing.T) {
	for _, c := range []struct {
		e    pe.RichEntry
		role richRole
		vs   string
	}{
		{pe.RichEntry{ProductID: 0x0102, Build: 23026}, roleLinker, "Visual Studio 2015"},
		{pe.RichEntry{ProductID: 0x0102, Build: 24215}, roleLinker, "Visual Studio 2015"},
		{pe.RichEntry{ProductID: 0x0105, Build: 25017}, roleCompiler, "Visual Studio 2017"},
		{pe.RichEntry{ProductID: 0x0104, Build: 27030}, roleCompiler, "Visual Studio 2017"},
		{pe.RichEntry{ProductID: 0x0102, Build: 27508}, roleLinker, "Visual Studio 2019"},
		{pe.RichEntry{ProductID: 0x0102, Build: 30159}, roleLinker, "Visual Studio 2019"},
		{pe.RichEntry{ProductID: 0x0102, Build: 30401}, roleLinker, "Visual Studio 2022"},
		{pe.RichEntry{ProductID: 0x0105, Build: 35228}, roleCompiler, "Visual Studio 2022"},
		{pe.RichEntry{ProductID: 0x0105, Build: 35503}, roleCompiler, "Visual Studio 2026"},
		{pe.RichEntry{ProductID: 0x00de, Build: 40629}, roleLinker, "Visual Studio 2013"},
		{pe.RichEntry{ProductID: 0x00cf, Build: 61030}, roleCompiler, "Visual Studio 2012"},
		{pe.RichEntry{ProductID: 0x00ab, Build: 40219}, roleCompiler, "Visual Studio 2010"},
		{pe.RichEntry{ProductID: 0x0084, Build: 30729}, roleCompiler, "Visual Studio 2008"},
		{pe.RichEntry{ProductID: 0x0078, Build: 50727}, roleLinker, "Visual Studio 2005"},
		{pe.RichEntry{ProductID: 0x005a, Build: 6030}, roleLinker, "Visual Studio .NET 2003"},
		{pe.RichEntry{ProductID: 0x003d, Build: 9466}, roleLinker, "Visual Studio .NET 2002"},
		{pe.RichEntry{ProductID: 0x000b, Build: 8168}, roleCompiler, "Visual Studio 6.0"},
		{pe.RichEntry{ProductID: 0x0103, Build: 30795}, roleMasm, "Visual Studio 2022"},
		{pe.RichEntry{ProductID: 0x00ff, Build: 30795}, roleOther, ""},
	} {
		role, vs := richTool(c.e)
		assert.Equal(t, c.role, role, "%+v", c.e)
		assert.Equal(t, c.vs, vs, "%+v", c.e)
	}
	assert.Equal(t, "Visual Studio 2019", linkerVS(14, 29))
	assert.Equal(t, "Visual Studio 2022", linkerVS(14, 44))
	assert.Equal(t, "", linkerVS(2, 40))
}

// TestGenericNotOnIncrementalLink: an MSVC debug build's empty executable
// .textbss before .text is not a packer's shape.
func TestGenericNotOnIncrementalLink(t *testing.T) {
	p := newSynth()
	p.rich = richVS2019
	p.imports = msvcImports
	p.sections = []synthSection{
		{name: ".textbss", chars: 0xE00000A0, vsize: 0x10000},
		{name: ".text", chars: 0x60000020, data: append(code(0x55), randomBytes(8192, 22)...)},
	}
	p.entry = 1
	x := NewFacts(parseOK(t, "textbss", p.build()))
	entropy, structural := genericSignals(x)
	assert.NotEmpty(t, entropy, "the random .text looks packed on its own")
	assert.Empty(t, structural)
	assert.False(t, runDefault(x.File).Packed)
}

// TestDetectCorkami runs Detect over the hostile corpus (227 hand-made
// malformed PEs): no panic, each within 100 ms, and no named packer or
// installer made of nothing.
func TestDetectCorkami(t *testing.T) {
	files := testutil.CorpusFiles(t, "corkami")
	counts := map[string]int{}
	for _, p := range files {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		f, _ := pe.Parse(context.Background(), b)
		if f == nil {
			continue
		}
		start := time.Now()
		var d *Result
		require.NotPanics(t, func() { d = runDefault(f) }, p)
		assert.Less(t, time.Since(start), 100*time.Millisecond, p)
		for _, fd := range d.Findings {
			counts[fd.RuleID]++
		}
	}
	t.Logf("%d files; findings by rule: %v", len(files), counts)
}

// TestRulePanicIsContained: a rule that panics loses its own finding, and
// says so in Errors; the others stand.
func TestRulePanicIsContained(t *testing.T) {
	f := parseOK(t, "go", sampleBytes(t)["go-amd64.exe"])
	rules := append([]Rule{{ID: "compiler/broken", Kind: RuleCompiler, Name: "Broken", Language: "Go",
		Match: func(*Facts) (Finding, bool) { panic("boom") }}}, allRules()...)
	found, _, errs := runRules(NewFacts(f), newRuleSet(rules, suppressRules), true)
	require.Len(t, errs, 1)
	assert.Contains(t, errs[0], "compiler/broken panicked: boom")
	assert.True(t, slices.ContainsFunc(found, func(fd Finding) bool { return fd.RuleID == "compiler/go" }))
}

// TestGoBuildInfoInline: the inline decoding agrees with debug/buildinfo
// on the Go samples.
func TestGoBuildInfoInline(t *testing.T) {
	samples := sampleBytes(t)
	for _, name := range []string{"go-amd64.exe", "go-386.exe"} {
		x := NewFacts(parseOK(t, name, samples[name]))
		require.NotNil(t, x.Go, name)
		bi, err := x.readBuildInfo()
		require.NoError(t, err, name)
		assert.Equal(t, bi.GoVersion, x.Go.GoVersion, name)
		assert.Equal(t, bi.Path, x.Go.Path, name)
		assert.Equal(t, strings.TrimSpace(bi.Main.Path+" "+bi.Main.Version), x.Go.Main, name)
	}
	_, _, ok := goInlineBuildInfo([]byte("\xff Go buildinf:\x08\x02"))
	assert.False(t, ok, "a header cut short")
}

// defaults is DefaultRules, copied once, as the root package does.
var defaults = DefaultRules()

// runDefault runs the default rules with no deadline, as the report does.
func runDefault(f *pe.File) *Result {
	d, _ := Run(context.Background(), f, defaults)
	return d
}
