package reputation_test

import (
	"context"
	"fmt"
	"log"

	"github.com/filerep/filerep/reputation"
)

// A known-bad file and its re-signed copy: asked about the copy, the
// knowledge base finds the known file by its similarity digests (those of
// testdata/pe/mingw-console-x64.exe and signed-mingw-console-x64.exe).
func ExampleSimilarityIndex() {
	ctx := context.Background()
	kb := reputation.NewMemKB()
	err := kb.Update(ctx, func(tx reputation.Tx) error {
		return tx.PutFile(reputation.FileRecord{
			SHA256: "a657be23c7d0784a51a77d87d0486e76ba60f8bcfd07d291987c90b5ace20d44",
			Name:   "console.exe", Source: "example", Trust: reputation.TrustBad,
			SSDeep: "768:uQ/WZQkMHn9cNmdWGDbaGQVNmrD8SLmw1K9wWtAMLD:VAQkwn9zQGDmGQfmrD8SsDLD",
			TLSH:   "d6134b4bb3e754fce197c2b449f717729832fc220576aa6e07a4d2752e20c509b3da36", // tlsh 3.4's form
		})
	})
	if err != nil {
		log.Fatal(err)
	}
	// The digests of the file asked about, as the report gives them.
	ss := "768:gQ/WZQkMHn9cNmdWGDbaGQVNmrD8SLmw1K9wWtAMLDCK:bAQkwn9zQGDmGQfmrD8SsDLDCK"
	tl := "T129235C4BB3E754FCE157C2B449F72772A832FC220A75AA2E0764D2752D20D509B3DA36"
	similar, err := reputation.FindSimilar(ctx, kb, ss, tl, "", 10)
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range similar {
		fmt.Println(f.Record.Name, f.Record.Trust, f.Record.TLSH[:10]+"…", "ssdeep", f.SSDeepScore, "tlsh", f.TLSHDistance)
	}
	// Output:
	// console.exe known-bad T1D6134B4B… ssdeep 97 tlsh 14
}
