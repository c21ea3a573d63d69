package detect_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/filerep/filerep/pe"
	"github.com/filerep/filerep/pe/detect"
)

// parseSample parses a committed sample under testdata/pe.
func parseSample(name string) (*pe.File, error) {
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "pe", name))
	if err != nil {
		return nil, err
	}
	return pe.Parse(context.Background(), b)
}

// Run names the installer, the compiler of its stub and the behaviours
// its imports show, each with evidence.
func ExampleRun() {
	f, err := parseSample("nsis-installer.exe")
	if err != nil {
		fmt.Println(err)
		return
	}
	d, err := detect.Run(context.Background(), f, detect.DefaultRules())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("code language:", d.CodeLanguage)
	fmt.Println("compiler:", d.Compiler.Name, d.Compiler.Version)
	fmt.Println("packed:", d.Packed)
	fmt.Println("installer:", d.Installer.Name, d.Installer.Version)
	fmt.Println(d.Installer.Evidence[0])
	for _, bh := range d.Behaviors {
		fmt.Println("behavior:", bh.ID, bh.Evidence)
	}
	// Output:
	// code language: MinGW GCC
	// compiler: MinGW GCC 12
	// packed: false
	// installer: NSIS 3.08
	// overlay NSIS firstheader (flags 2, header 0xe06 bytes, data 0x27b bytes) at 0x17c00
	// behavior: dynamic-api [kernel32.dll!GetProcAddress kernel32.dll!LoadLibraryExW]
	// behavior: privilege-adjust [advapi32.dll!AdjustTokenPrivileges]
	// behavior: process-create [kernel32.dll!CreateProcessW shell32.dll!ShellExecuteExW]
	// behavior: registry-write [advapi32.dll!RegCreateKeyExW advapi32.dll!RegDeleteKeyW advapi32.dll!RegDeleteValueW advapi32.dll!RegSetValueExW]
}

// A Go binary is named from its build information, with the toolchain
// version.
func ExampleRun_go() {
	f, err := parseSample("go-amd64.exe")
	if err != nil {
		fmt.Println(err)
		return
	}
	d, _ := detect.Run(context.Background(), f, detect.DefaultRules())
	fmt.Println(d.CodeLanguage, d.Compiler.Version, d.Compiler.Confidence)
	// Output:
	// Go go1.26.8 95
}

// A rule of your own is one more row: here an in-house packer that
// leaves a section named "$entry!!" (as the nasm-odd.exe sample has). Its
// Needs keep Match from running on other files; the finding carries its
// evidence; and the default conflict table treats it as any packer, so
// the "generic" packer finding gives way to the named one.
func ExampleRun_customRule() {
	rules := append(detect.DefaultRules(), detect.Rule{
		ID:    "packer/example-entry",
		Kind:  detect.RulePacker,
		Name:  "ExamplePack",
		Needs: detect.Needs{All: []detect.Need{{Kind: detect.NeedSection, Value: "$entry!!"}}},
		Match: func(x *detect.Facts) (detect.Finding, bool) {
			s, ok := x.Section("$entry!!")
			if !ok {
				return detect.Finding{}, false
			}
			return detect.Finding{
				Confidence: detect.ConfidenceHigh,
				Evidence:   []detect.Evidence{{Kind: "section", Value: s.Name, Offset: s.RawOffset}},
			}, true
		},
	})
	if err := detect.Validate(rules); err != nil {
		fmt.Println(err)
		return
	}
	f, err := parseSample("nasm-odd.exe")
	if err != nil {
		fmt.Println(err)
		return
	}
	d, err := detect.Run(context.Background(), f, rules)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range d.Packers {
		fmt.Println(p.RuleID, p.Name, p.Evidence)
	}
	for _, s := range d.Suppressed {
		fmt.Println("suppressed:", s.RuleID, "by", s.By)
	}
	// Output:
	// packer/example-entry ExamplePack [section $entry!! at 0x400]
	// suppressed: packer/generic by packer/example-entry
}

// DefaultRules lists the detection rows; each names where its facts come
// from.
func ExampleDefaultRules() {
	kinds := map[detect.RuleKind]int{}
	for _, r := range detect.DefaultRules() {
		kinds[r.Kind]++
	}
	fmt.Println(kinds[detect.RuleCompiler] > 0, kinds[detect.RulePacker] > 0, kinds[detect.RuleInstaller] > 0)
	// Output:
	// true true true
}
