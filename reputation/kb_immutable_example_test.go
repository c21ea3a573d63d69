package reputation_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/filerep/filerep/reputation"
)

// A lookup through an immutable store leaves no -wal or -shm file beside
// the knowledge base.
func ExampleWithImmutable() {
	dir, _ := os.MkdirTemp("", "kb")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "kb.sqlite")
	s, err := reputation.Create(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	s.Close()

	ro, err := reputation.Open(path, reputation.WithImmutable())
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
