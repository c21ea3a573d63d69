package hash

import (
	"context"
	"fmt"
	"io"
	"math/bits"
	"strings"
)

// Digests is a set of the hash functions to compute. A caller that needs
// only SHA-256 should not pay for MD5, the slowest of the four by far:
// [SumSome] and [SumReaderSome] compute the chosen ones and leave the
// others zero in [Sums].
type Digests uint8

// The hash functions. The bit of each is 1 << its task number.
const (
	DigestMD5 Digests = 1 << iota
	DigestSHA1
	DigestSHA256
	DigestBLAKE3
	// DigestSSDEEP is the ssdeep digest (package hash/ssdeep), in
	// Sums.SSDEEP. Like DigestTLSH it is computed only when asked for:
	// about 250 MB/s on one core, it costs more than the other four
	// together.
	DigestSSDEEP
	// DigestTLSH is the TLSH digest (package hash/tlsh), in Sums.TLSH, or
	// why the input has none in Sums.TLSHErr.
	DigestTLSH

	// AllDigests is every cryptographic hash function: what Sum and
	// SumReader compute. It leaves out the similarity digests.
	AllDigests = DigestMD5 | DigestSHA1 | DigestSHA256 | DigestBLAKE3

	// SimilarityDigests are ssdeep and TLSH. Add them to a selection to
	// compute them in the same read as the others:
	// SumSome(ctx, b, AllDigests|SimilarityDigests, true).
	SimilarityDigests = DigestSSDEEP | DigestTLSH

	// EveryDigest is every digest the package computes.
	EveryDigest = AllDigests | SimilarityDigests
)

var digestNames = [...]struct {
	d    Digests
	name string
}{{DigestMD5, "md5"}, {DigestSHA1, "sha1"}, {DigestSHA256, "sha256"}, {DigestBLAKE3, "blake3"},
	{DigestSSDEEP, "ssdeep"}, {DigestTLSH, "tlsh"}}

// Has reports whether d includes every function of x.
func (d Digests) Has(x Digests) bool { return x != 0 && d&x == x }

// String lists the functions of d, comma-separated in a fixed order
// ("md5,sha1,sha256,blake3,ssdeep,tlsh"), or "none".
func (d Digests) String() string {
	var names []string
	for _, n := range digestNames {
		if d.Has(n.d) {
			names = append(names, n.name)
		}
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ",")
}

// ParseDigests reads a comma-separated list of names (md5, sha1, sha256,
// blake3, ssdeep, tlsh, case and spaces aside), "default" (AllDigests,
// the four cryptographic ones, what Sum computes) or "all" (EveryDigest:
// every digest the package has, ssdeep and TLSH included; "every" says the
// same). An empty list or an unknown name is an error.
func ParseDigests(list string) (Digests, error) {
	var d Digests
	for _, f := range strings.Split(list, ",") {
		f = strings.ToLower(strings.TrimSpace(f))
		switch f {
		case "default":
			d |= AllDigests
			continue
		case "all", "every":
			d |= EveryDigest
			continue
		case "sha-1":
			f = "sha1"
		case "sha-256":
			f = "sha256"
		}
		found := false
		for _, n := range digestNames {
			if n.name == f {
				d |= n.d
				found = true
			}
		}
		if !found {
			return 0, fmt.Errorf("hash: unknown digest %q (md5, sha1, sha256, blake3, ssdeep, tlsh, all or every)", f)
		}
	}
	return d, nil
}

// SumSome is [SumContext] for the functions in which only, with the
// histogram when histogram is true. The functions left out cost nothing
// and their digests stay zero. which may be 0: then only the size (and the
// histogram) is computed. With DigestSSDEEP or DigestTLSH, the similarity
// digests are computed in the same pass, each as one more task per chunk
// for the goroutines to share.
func SumSome(ctx context.Context, b []byte, which Digests, histogram bool) (Sums, error) {
	p := defaultPlan()
	p.digests = which & EveryDigest
	p.noHist = !histogram
	return sum(ctx, b, p)
}

// SumReaderSome is [SumReader] for the functions in which only; the
// histogram is always counted.
func SumReaderSome(ctx context.Context, r io.Reader, which Digests) (Sums, error) {
	p := defaultPlan()
	p.digests = which & EveryDigest
	return sumReader(ctx, r, p)
}

// chains is the number of hash functions in d.
func (d Digests) chains() uint8 { return uint8(bits.OnesCount8(uint8(d & EveryDigest))) }
