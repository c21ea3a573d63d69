package pe_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/filerep/filerep/pe"
)

// Detect names the installer, the compiler of its stub and the behaviours
// its imports show, each with evidence.
func ExampleDetect() {
	b, err := os.ReadFile(filepath.Join("..", "testdata", "pe", "nsis-installer.exe"))
	if err != nil {
		fmt.Println(err)
		return
	}
	f, err := pe.Parse(context.Background(), b)
	if err != nil {
		fmt.Println(err)
		return
	}
	d := pe.Detect(f)
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
func ExampleDetect_go() {
	b, err := os.ReadFile(filepath.Join("..", "testdata", "pe", "go-amd64.exe"))
	if err != nil {
		fmt.Println(err)
		return
	}
	f, err := pe.Parse(context.Background(), b)
	if err != nil {
		fmt.Println(err)
		return
	}
	d := pe.Detect(f)
	fmt.Println(d.CodeLanguage, d.Compiler.Version, d.Compiler.Confidence)
	// Output:
	// Go go1.26.8 95
}

// Rules lists the detection rows; each names where its facts come from.
func ExampleRules() {
	kinds := map[pe.RuleKind]int{}
	for _, r := range pe.Rules() {
		kinds[r.Kind]++
	}
	fmt.Println(kinds[pe.RuleCompiler] > 0, kinds[pe.RulePacker] > 0, kinds[pe.RuleInstaller] > 0)
	// Output:
	// true true true
}
