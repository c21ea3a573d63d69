//go:build !unix

package filerep

import "os"

// openFile opens path for reading. Unix systems open with O_NONBLOCK
// (open_unix.go); elsewhere the Stat before it is the defence against
// files that block.
func openFile(path string) (*os.File, error) {
	return os.Open(path)
}
