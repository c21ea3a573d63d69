package tlsh_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/filerep/filerep/hash/tlsh"
)

func ExampleSum() {
	d, err := tlsh.Sum([]byte(strings.Repeat("The quick brown fox jumps over the lazy dog. ", 50)))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d)       // TLSH 4's form
	fmt.Println(d.Hex()) // tlsh 3.4's
	// The same as tlsh prints for a file holding these bytes:
	// Output:
	// T16341024A311C1794658A1888438D95B2D2C9C910612114116570604219482359CD8551
	// 6341024A311C1794658A1888438D95B2D2C9C910612114116570604219482359CD8551
}

func ExampleSum_tooShort() {
	_, err := tlsh.Sum([]byte("MZ too short"))
	fmt.Println(errors.Is(err, tlsh.ErrTooShort), errors.Is(err, tlsh.ErrNoDigest))
	_, err = tlsh.Sum(make([]byte, 4096))
	fmt.Println(errors.Is(err, tlsh.ErrTooSimple))
	fmt.Println(err)
	// Output:
	// true true
	// true
	// tlsh: no digest: input with too little variety: 4096 bytes fill 2 of 128 buckets, need more than 64
}

func ExampleDistance() {
	// tlsh 3.4's digests of a program and of the same program signed.
	a, _ := tlsh.Parse("D6134B4BB3E754FCE197C2B449F717729832FC220576AA6E07A4D2752E20C509B3DA36")
	b, _ := tlsh.Parse("T129235C4BB3E754FCE157C2B449F72772A832FC220A75AA2E0764D2752D20D509B3DA36")
	fmt.Println(tlsh.Distance(a, b), tlsh.DistanceNoLength(a, b)) // as tlsh -c prints, without and with -xlen
	// Output: 14 13
}
