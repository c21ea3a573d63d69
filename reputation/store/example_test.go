package store_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/filerep/filerep/reputation"
	"github.com/filerep/filerep/reputation/store"
)

// A lookup through an immutable store leaves no -wal or -shm file beside
// the knowledge base.
func ExampleWithImmutable() {
	dir, _ := os.MkdirTemp("", "kb")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "kb.sqlite")
	s, err := store.Create(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	s.Close()

	ro, err := store.Open(path, store.WithImmutable())
	if err != nil {
		fmt.Println(err)
		return
	}
	st, _ := ro.Stats(context.Background())
	ro.Close()
	entries, _ := os.ReadDir(dir)
	fmt.Println(st.Files, ro.ReadOnly(), len(entries), entries[0].Name())
	// Output: 0 true 1 kb.sqlite
}

func ExampleDefault() {
	dir, err := os.MkdirTemp("", "kb-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	// Without WithPath, Default uses store.DefaultPath() in the user
	// cache directory.
	kb, err := store.Default(store.WithPath(filepath.Join(dir, "kb.sqlite")))
	if err != nil {
		log.Fatal(err)
	}
	defer kb.Close()
	ctx := context.Background()

	tp, err := kb.TypicalPaths(ctx, "alg.exe")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("system file:", tp.System, tp.Paths[0].Path)
	fmt.Println(`C:\Users\Public\alg.exe typical:`, tp.Typical(`C:\Users\Public\alg.exe`))
	rel, err := kb.Relationships(ctx, "alg.exe")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("parents:", rel.Parents, "modules:", rel.Modules)
	pub, err := kb.Publisher(ctx, "CN=Microsoft Windows, O=Microsoft Corporation", "")
	fmt.Println("publisher:", pub.Subject, err)
	// Output:
	// system file: true C:\Windows\System32\alg.exe
	// C:\Users\Public\alg.exe typical: false
	// parents: [services.exe] modules: [ntdll.dll sechost.dll]
	// publisher: Microsoft Windows <nil>
}

func ExampleImportHashList() {
	list := `# known-bad hashes, one per line, an optional name after each
d41d8cd98f00b204e9800998ecf8427e  empty.bin
DA39A3EE5E6B4B0D3255BFEF95601890AFD80709
not-a-hash
`
	kb := reputation.NewMemKB()
	res, err := store.ImportHashList(context.Background(), kb, strings.NewReader(list), reputation.TrustBad)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("imported %d, skipped %d, bad %d\n", res.Imported, res.Skipped, res.BadCount)
	for _, b := range res.Bad {
		fmt.Printf("line %d: %s\n", b.Line, b.Reason)
	}
	recs, _ := kb.Files(context.Background(), "d41d8cd98f00b204e9800998ecf8427e")
	fmt.Println(recs[0].Name, recs[0].Trust)
	// Output:
	// imported 2, skipped 1, bad 1
	// line 4: reputation: bad hash: 10 characters, want 32, 40 or 64 hex digits
	// empty.bin known-bad
}

func ExampleImportReports() {
	reports := `{"file":{"name":"alg.exe","path":"C:\\Windows\\System32\\alg.exe"},"hashes":{"sha256":"9d39af972785e49f0dd12c4baef39a79cd69f098886bf152af1b7cce2e902115"},"version_info":{"company_name":"Microsoft Corporation","product_name":"Microsoft® Windows® Operating System","file_version":"6.1.7600.16385 (win7_rtm.090713-1255)"}}
`
	ctx := context.Background()
	kb := reputation.NewMemKB()
	if _, err := store.ImportReports(ctx, kb, strings.NewReader(reports)); err != nil {
		log.Fatal(err)
	}
	vs, _ := kb.Versions(ctx, "ALG.EXE")
	tp, _ := kb.TypicalPaths(ctx, "alg.exe")
	fmt.Println(vs[0].Version)
	fmt.Println(tp.Paths[0].Path, tp.Paths[0].Count)
	// Output:
	// 6.1.7600.16385 (win7_rtm.090713-1255)
	// C:\Windows\System32\alg.exe 1
}

// A knowledge base file made once and read by many: Create writes the
// schema, Update commits records, and Open with WithReadOnly reads them.
func ExampleCreate() {
	dir, err := os.MkdirTemp("", "kb-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "kb.sqlite")
	ctx := context.Background()

	w, err := store.Create(path)
	if err != nil {
		log.Fatal(err)
	}
	err = w.Update(ctx, func(tx reputation.Tx) error {
		if err := tx.PutFile(reputation.FileRecord{
			SHA256: "9d39af972785e49f0dd12c4baef39a79cd69f098886bf152af1b7cce2e902115",
			Name:   "alg.exe", Source: "example", Trust: reputation.TrustGood,
		}); err != nil {
			return err
		}
		return tx.AddPath("alg.exe", `C:\Windows\System32\alg.exe`, 3)
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}

	kb, err := store.Open(path, store.WithReadOnly())
	if err != nil {
		log.Fatal(err)
	}
	defer kb.Close()
	recs, err := kb.Files(ctx, "9D39AF972785E49F0DD12C4BAEF39A79CD69F098886BF152AF1B7CCE2E902115")
	if err != nil {
		log.Fatal(err)
	}
	tp, err := kb.TypicalPaths(ctx, "ALG.EXE")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(recs[0].Name, recs[0].Trust, tp.Paths[0].Path, tp.Paths[0].Count)
	fmt.Println(kb.Update(ctx, func(reputation.Tx) error { return nil }) != nil)
	// Output:
	// alg.exe known-good C:\Windows\System32\alg.exe 3
	// true
}

func ExampleParseHashLine() {
	for _, line := range []string{
		"# a comment",
		"D41D8CD98F00B204E9800998ECF8427E *empty file.bin",
		"not-a-hash name.exe",
	} {
		h, ok, err := store.ParseHashLine(line)
		switch {
		case err != nil:
			fmt.Println("bad:", err)
		case !ok:
			fmt.Println("nothing to import")
		default:
			fmt.Printf("%v %s %q\n", h.Alg, h.Hash, h.Name)
		}
	}
	// Output:
	// nothing to import
	// md5 d41d8cd98f00b204e9800998ecf8427e "empty file.bin"
	// bad: reputation: bad hash: 10 characters, want 32, 40 or 64 hex digits
}
