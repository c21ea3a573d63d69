//go:build unix

package filerep

import (
	"os"
	"syscall"
)

// openFile opens path for reading without blocking: it is called only
// after a Stat said path is a regular file, and O_NONBLOCK keeps a named
// pipe swapped in since then from blocking the open (the caller checks
// the opened file's type again). On a regular file the flag has no
// effect on reads.
func openFile(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
