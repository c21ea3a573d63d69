package filerep_test

import (
	"context"
	"errors"
	"fmt"
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
