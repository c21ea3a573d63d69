package ssdeep_test

import (
	"fmt"
	"strings"

	"github.com/filerep/filerep/hash/ssdeep"
)

func ExampleSum() {
	d, err := ssdeep.Sum([]byte(strings.Repeat("The quick brown fox jumps over the lazy dog. ", 50)))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d)
	// The same as ssdeep prints for a file holding these bytes:
	// Output: 12:Fg666666666666666666666666666666666666666666666666G:FL
}

func ExampleCompare() {
	a, _ := ssdeep.Parse("768:uQ/WZQkMHn9cNmdWGDbaGQVNmrD8SLmw1K9wWtAMLD:VAQkwn9zQGDmGQfmrD8SsDLD")
	b, _ := ssdeep.Parse("768:gQ/WZQkMHn9cNmdWGDbaGQVNmrD8SLmw1K9wWtAMLDCK:bAQkwn9zQGDmGQfmrD8SsDLDCK")
	fmt.Println(ssdeep.Compare(a, b)) // a program and the same program signed
	// Output: 97
}

func ExampleSumReader() {
	r := strings.NewReader(strings.Repeat("filerep ", 10_000))
	d, err := ssdeep.SumReader(r)
	fmt.Println(d, err)
	// Output: 48:irArArArArArArArArArArArArArArArArArArArArArArArArArArArArArArAF:n <nil>
}

func ExampleHash() {
	h := ssdeep.New()
	fmt.Fprintf(h, "MZ%s", strings.Repeat("\x00", 500))
	d, _ := h.Digest()
	fmt.Println(d, h.Size())
	// Output: 3:Gltl:y 502
}
