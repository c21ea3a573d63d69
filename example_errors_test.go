package filerep_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/filerep/filerep"
)

// Analyze refuses what is not a regular file before opening it: a
// directory here, and likewise named pipes, sockets and devices.
func ExampleNotRegularError() {
	_, err := filerep.Analyze(context.Background(), os.TempDir())
	var nr *filerep.NotRegularError
	if errors.As(err, &nr) {
		fmt.Println(errors.Is(err, filerep.ErrNotRegular), nr.Mode.IsDir())
	}
	// Output: true true
}

// A reader that holds fewer bytes than the size it is analysed with (a
// file that shrank while it was read) gives ErrShortRead and no hashes.
func ExampleShortReadError() {
	data := bytes.Repeat([]byte{0x90}, 1000)
	rep, err := filerep.AnalyzeReaderAt(context.Background(), "shrunk.bin", bytes.NewReader(data), 4000)
	var sr *filerep.ShortReadError
	if errors.As(err, &sr) {
		fmt.Println(errors.Is(err, filerep.ErrShortRead), errors.Is(err, io.ErrUnexpectedEOF), sr.End, sr.Size, rep.Hashes.SHA256 == "")
	}
	fmt.Println(err)
	// Output:
	// true true 1000 4000 true
	// filerep: short read: shrunk.bin ended at byte 1000 of the 4000 expected (it shrank while being read, or its size was wrong)
}
