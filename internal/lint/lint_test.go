package lint

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/filerep/filerep/internal/testutil"
	"github.com/stretchr/testify/assert"
)

// packages returns the non-test Go files of each package directory of the
// module, examples and testdata generators excluded.
func packages(t *testing.T) map[string][]string {
	root := testutil.RepoRoot()
	pkgs := map[string][]string{}
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		if d.IsDir() && (strings.HasPrefix(rel, "testdata") || strings.HasPrefix(rel, ".") && rel != "." || strings.Contains(rel, "/testdata")) {
			return fs.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") {
			pkgs[filepath.Dir(rel)] = append(pkgs[filepath.Dir(rel)], p)
		}
		return nil
	})
	return pkgs
}

func TestExportedIdentifiersHaveDocComments(t *testing.T) {
	for dir, files := range packages(t) {
		fset := token.NewFileSet()
		hasPkgDoc := false
		for _, f := range files {
			af, err := parser.ParseFile(fset, f, nil, parser.ParseComments)
			if err != nil {
				t.Fatal(err)
			}
			if af.Doc != nil {
				hasPkgDoc = true
			}
			if af.Name.Name == "main" {
				continue
			}
			for _, decl := range af.Decls {
				switch d := decl.(type) {
				case *ast.FuncDecl:
					if d.Name.IsExported() && d.Doc == nil && exportedRecv(d) {
						t.Errorf("%s: func %s has no doc comment", fset.Position(d.Pos()), d.Name.Name)
					}
				case *ast.GenDecl:
					for _, spec := range d.Specs {
						switch s := spec.(type) {
						case *ast.TypeSpec:
							if s.Name.IsExported() && s.Doc == nil && d.Doc == nil {
								t.Errorf("%s: type %s has no doc comment", fset.Position(s.Pos()), s.Name.Name)
							}
						case *ast.ValueSpec:
							for _, n := range s.Names {
								if n.IsExported() && s.Doc == nil && d.Doc == nil && s.Comment == nil {
									t.Errorf("%s: %s has no doc comment", fset.Position(n.Pos()), n.Name)
								}
							}
						}
					}
				}
			}
		}
		assert.True(t, hasPkgDoc, "package %s has no package comment", dir)
	}
}

// exportedRecv reports whether a method's receiver type is exported (a
// method of an unexported type is not part of the API).
func exportedRecv(d *ast.FuncDecl) bool {
	if d.Recv == nil || len(d.Recv.List) == 0 {
		return true
	}
	t := d.Recv.List[0].Type
	if s, ok := t.(*ast.StarExpr); ok {
		t = s.X
	}
	if g, ok := t.(*ast.IndexExpr); ok {
		t = g.X
	}
	id, ok := t.(*ast.Ident)
	return !ok || id.IsExported()
}

func TestEveryLibraryPackageHasExamples(t *testing.T) {
	root := testutil.RepoRoot()
	for dir := range packages(t) {
		// Internal packages (test helpers included) are no API: no Example.
		internal := strings.HasPrefix(dir, "internal") || strings.Contains(dir, "/internal/") || strings.HasSuffix(dir, "/internal")
		// Commands (cmd/…) are programs: their -h is the manual.
		command := strings.HasPrefix(dir, "cmd/") || strings.Contains(dir, "/cmd/")
		if strings.HasPrefix(dir, "examples") || internal || command || strings.HasPrefix(dir, "tools") || strings.HasSuffix(dir, "kbtest") {
			continue
		}
		matches, _ := filepath.Glob(filepath.Join(root, dir, "*example*_test.go"))
		found := false
		for _, m := range matches {
			fset := token.NewFileSet()
			af, err := parser.ParseFile(fset, m, nil, parser.ParseComments)
			if err != nil {
				t.Fatal(err)
			}
			for _, decl := range af.Decls {
				if fd, ok := decl.(*ast.FuncDecl); ok && strings.HasPrefix(fd.Name.Name, "Example") {
					found = true
				}
			}
		}
		assert.True(t, found, "package %s has no Example function", dir)
	}
}
