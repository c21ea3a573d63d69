package authenticode

import (
	"flag"
	"os"
	"testing"
)

// TestMain shortens the fuzzer's per-input minimization from Go's default
// of 60 s to 1 s unless -fuzzminimizetime is given. Decoding one input
// costs about a millisecond (RSA verification, x509 parsing, chain
// building), more under coverage instrumentation; minimizing a 6 KiB
// certificate table then takes the whole of a short `-fuzztime=20s` run,
// which ends having executed a few dozen inputs.
func TestMain(m *testing.M) {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.fuzzminimizetime" })
	if !set {
		if err := flag.Set("test.fuzzminimizetime", "1s"); err != nil {
			panic(err)
		}
	}
	os.Exit(m.Run())
}
