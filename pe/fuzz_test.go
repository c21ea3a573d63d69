package pe

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/filerep/filerep/internal/testutil"
)

// FuzzParse checks the parser entry point's contract on arbitrary bytes:
// no panic, a File or an error, within a deadline.
func FuzzParse(f *testing.F) {
	for _, s := range testutil.Samples(f) {
		if b, err := os.ReadFile(s.Path); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		pf, err := Parse(ctx, b)
		if pf == nil && err == nil {
			t.Fatal("nil File without an error")
		}
		if pf != nil {
			_ = pf.Imphash()
			for _, r := range pf.Resources {
				_, _ = pf.ResourceData(r)
			}
		}
		if ctx.Err() != nil {
			t.Fatal("not parsed within the deadline")
		}
	})
}
