package hash_test

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/filerep/filerep/hash"
)

func ExampleSum() {
	s := hash.Sum([]byte("MZ\x90\x00"))
	fmt.Println("size:  ", s.Size)
	fmt.Println("md5:   ", s.MD5)
	fmt.Println("sha1:  ", s.SHA1)
	fmt.Println("sha256:", s.SHA256)
	fmt.Println("blake3:", s.BLAKE3)
	fmt.Printf("entropy: %.2f bits/byte\n", s.Entropy())
	// Output:
	// size:   4
	// md5:    20879c987e2f9a916e578386d499f629
	// sha1:   c7b33ddcc42361fdb847036fc07e880b81935d5d
	// sha256: 9f2981a7cc4d40a2a409dc895de64253acd819d7c0011c8e80b86fe899464e31
	// blake3: fe118e646230e76021c0837eff33b3ba94bf977ebe4d2bdec668db109723992c
	// entropy: 2.00 bits/byte
}

func ExampleSumReader() {
	// Any io.Reader: an *os.File, a network stream, a decompressor.
	r := strings.NewReader(strings.Repeat("filerep ", 100_000))
	s, err := hash.SumReader(context.Background(), r)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Size, s.SHA256)
	fmt.Printf("entropy: %.3f\n", s.Entropy())
	// Output:
	// 800000 c3d4ecb3bde2a7ad4ff52252ea627cf3113e7838642e5ef5335c0514e95ce32e
	// entropy: 2.750
}

func ExampleMulti() {
	// Multi hashes whatever is copied through it, here in two pieces.
	m := hash.New()
	io.WriteString(m, "hello, ")
	first := m.Sums() // does not disturb m
	io.WriteString(m, "world")
	s := m.Sums()
	fmt.Println(first.Size, first.MD5)
	fmt.Println(s.Size, s.MD5)
	fmt.Println(s.SHA1)
	// Output:
	// 7 0b76896c047e4a9070813cfe8bdd83f5
	// 12 e4d7f1b4ed2e42d15898f4b27b019da4
	// b7e23ec29af22b0b4e41da31e868d57226121c84
}

func ExampleEntropy() {
	fmt.Printf("%.2f\n", hash.Entropy(make([]byte, 4096)))            // padding
	fmt.Printf("%.2f\n", hash.Entropy([]byte("abababab")))            // two values
	fmt.Printf("%.2f\n", hash.Entropy([]byte("The quick brown fox"))) // text
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	fmt.Printf("%.2f\n", hash.Entropy(all)) // every value once
	// Output:
	// 0.00
	// 1.00
	// 3.89
	// 8.00
}

func ExampleHistogram_Merge() {
	// Histograms of the parts merge into the histogram of the whole.
	var head, tail hash.Histogram
	head.Add([]byte("MZ"))
	tail.Add([]byte("ZZ"))
	head.Merge(&tail)
	fmt.Println(head['M'], head['Z'], head.Total())
	fmt.Printf("%.3f\n", head.Entropy())
	// Output:
	// 1 3 4
	// 0.811
}

func ExampleSHA256_MarshalText() {
	var d hash.SHA256
	err := d.UnmarshalText([]byte("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"))
	fmt.Println(err)
	text, _ := d.MarshalText()
	fmt.Println(string(text))
	fmt.Println(d == hash.Sum(nil).SHA256)
	// Output:
	// <nil>
	// e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
	// true
}
