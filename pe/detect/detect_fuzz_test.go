package detect

import (
	"context"
	"testing"
	"time"

	"github.com/filerep/filerep/internal/testutil"
	"github.com/filerep/filerep/pe"
)

// FuzzDetect checks Detect's contract on whatever Parse can read: no
// panic, a code language always set, within a deadline. It is seeded with
// the small samples and corkami files (testutil.FuzzSeeds) and every
// synthetic image of the rule tests.
func FuzzDetect(f *testing.F) {
	for _, b := range testutil.FuzzSeeds(f) {
		f.Add(b)
	}
	for _, n := range syntheticNames() {
		f.Add(synthetic[n]())
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		pf, _ := pe.Parse(ctx, b)
		if pf == nil {
			return
		}
		start := time.Now()
		d := runDefault(pf)
		if d.CodeLanguage == "" || d.RulesVersion == "" {
			t.Fatalf("incomplete detection: %+v", d)
		}
		if d.Packed != (len(d.Packers) > 0) {
			t.Fatalf("packed %v with %d packers", d.Packed, len(d.Packers))
		}
		if el := time.Since(start); el > time.Second {
			t.Fatalf("Detect took %v", el)
		}
	})
}
