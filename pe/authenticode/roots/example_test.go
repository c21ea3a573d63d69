package roots_test

import (
	"fmt"

	"github.com/filerep/filerep/pe/authenticode/roots"
)

// Example lists the time-stamping-only roots of the default bundle and
// makes the options Signature.Verify takes.
func Example() {
	b := roots.Default()
	for _, a := range b.Anchors() {
		if a.Purposes == roots.TimeStamping {
			fmt.Println(a.Name, a.Purposes, a.SHA1)
		}
	}
	opts := b.VerifyOptions()
	fmt.Println(len(opts.LegacyRoots) > 20, opts.AtSigningTime)
	// Output:
	// Thawte Timestamping CA time-stamping 20ceb1f0f51c0e19a9f38db1aa8e038caa7ac701
	// true true
}
