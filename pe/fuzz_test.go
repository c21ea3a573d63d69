package pe

import (
	"context"
	"testing"
	"time"

	"github.com/filerep/filerep/internal/testutil"
)

// FuzzParse checks the parser entry point's contract on arbitrary bytes:
// no panic, a File or an error, within a deadline. Seeds are the small
// samples and corkami files (testutil.FuzzSeeds).
func FuzzParse(f *testing.F) {
	for _, b := range testutil.FuzzSeeds(f) {
		f.Add(b)
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
