package pe_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/filerep/filerep/pe"
)

func ExampleParse() {
	b, err := os.ReadFile(filepath.Join("..", "testdata", "pe", "mingw-service-x86.exe"))
	if err != nil {
		fmt.Println(err)
		return
	}
	f, err := pe.Parse(context.Background(), b)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f.Kind, f.Header.Machine, f.Platform(), f.Header.Subsystem)
	dlls, funcs := f.ImportCount()
	fmt.Println(dlls, "DLLs,", funcs, "functions, imphash", f.Imphash())
	// Output:
	// exe x86 32-bit Windows GUI
	// 3 DLLs, 55 functions, imphash 1356c11512a7dc59d80b23a5e192e939
}

// A language-neutral file finds its French satellite beside it, and the
// indirect string of a service's display name resolves through it.
func ExampleResolver_Resolve() {
	r := &pe.Resolver{
		FS:       os.DirFS(filepath.Join("..", "testdata", "pe", "mui")),
		Language: "fr-FR",
	}
	s, err := r.Resolve(context.Background(), `@app.exe,-112`)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Value, s.Language)
	// Output: Service de la passerelle de la couche Application fr-FR
}
