package detect

// Conflicts between rules, settled once after every rule ran, as data.
//
// Sources: Detect It Easy db/PE/_FixDetects.9.sg (it drops Visual C++
// when another compiler matched, and weaker packers under stronger ones);
// issue 4 ("an installer carrying a compressed payload, a .NET assembly, or
// a file with a compressed resource is not packed"; "generic" only when no
// packer is named); testdata/README.md (the NSIS stub is MinGW-built; the
// x86 MinGW runtime imports LoadLibraryA/GetProcAddress).
//
// Each row drops one rule's finding when any finding matching IfAny is
// present; "x/*" matches every ID starting with "x/", and a finding never
// suppresses itself. Rows apply in order.

// languageAnchors are compiler rules that name the language even though
// the runtime or bootloader was built by another compiler (a Rust binary
// links the MSVC runtime; a PyInstaller bootloader is C).
var languageAnchors = []string{
	"compiler/go", "compiler/dotnet-*", "compiler/pyinstaller", "compiler/autoit", "compiler/vb",
	"compiler/cppbuilder", "compiler/delphi", "compiler/fpc", "compiler/purebasic", "compiler/rust",
	"compiler/nim", "compiler/zig", "compiler/d", "compiler/ghc",
}

var suppressRules = []Suppress{
	{Drop: "compiler/*", IfAny: []string{"compiler/go"},
		Why: "Go build information names the language; other compilers' marks are linked-in libraries"},
	{Drop: "compiler/msvc", IfAny: append(languageAnchors[:len(languageAnchors):len(languageAnchors)], "compiler/clang"),
		Why: "the Visual C++ records belong to the runtime or bootloader of a more specific language"},
	{Drop: "compiler/mingw", IfAny: append(languageAnchors[:len(languageAnchors):len(languageAnchors)], "compiler/clang"),
		Why: "the GCC idents belong to the runtime or bootloader of a more specific language"},
	{Drop: "compiler/gcc", IfAny: append(languageAnchors[:len(languageAnchors):len(languageAnchors)], "compiler/clang"),
		Why: "the GCC idents belong to the runtime of a more specific language"},
	{Drop: "compiler/clang", IfAny: languageAnchors,
		Why: "lld and LLVM are the back end of a more specific language"},
	{Drop: "compiler/delphi", IfAny: []string{"compiler/cppbuilder"},
		Why: "C++Builder programs carry the Delphi runtime (VCL) too"},
	{Drop: "compiler/assembly", IfAny: []string{"compiler/*", "packer/*", "installer/*"},
		Why: "a small image is assembly only when nothing else explains it"},
	{Drop: "packer/generic", IfAny: []string{"packer/*"},
		Why: "a named packer explains the packed shape"},
	{Drop: "packer/generic", IfAny: []string{"installer/*"},
		Why: "an installer's payload is compressed by design, not packed"},
	{Drop: "packer/generic", IfAny: []string{"compiler/dotnet-*", "compiler/go", "compiler/pyinstaller", "compiler/autoit"},
		Why: "the structure of a .NET assembly, a Go binary or a script bundle was read intact: not packed"},
}
