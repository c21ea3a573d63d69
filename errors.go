package filerep

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
)

// ErrNotRegular means the path names something that is not a regular file
// (a directory, a device, a named pipe, a socket). Such a path is refused
// before it is opened: opening a named pipe blocks until a writer comes,
// and opening a device can have effects. The error is a
// [*NotRegularError].
var ErrNotRegular = errors.New("filerep: not a regular file")

// ErrOptions means an option was given a value it cannot take.
var ErrOptions = errors.New("filerep: bad option")

// ErrShortRead means a file held fewer bytes than its size: it shrank
// while it was read, or the io.ReaderAt given to [AnalyzeReaderAt] holds
// less than the size it was given with. The error is a [*ShortReadError]
// and also wraps io.ErrUnexpectedEOF. The report then has no hashes:
// they would describe bytes that were never read.
var ErrShortRead = errors.New("filerep: short read")

// ErrSizeUnknown means a file reports size 0 but yields bytes when read,
// as the pseudo-files under /proc and /sys do: its size is unknown, so it
// is not analysed (its report would otherwise be an empty file's).
var ErrSizeUnknown = errors.New("filerep: file size unknown")

// NotRegularError is the error for a path that is not a regular file. It
// wraps [ErrNotRegular].
type NotRegularError struct {
	Path string      // as given
	Mode fs.FileMode // its type bits say what it is
}

// Error says what the path names instead of a regular file.
func (e *NotRegularError) Error() string {
	what := "not a regular file"
	switch t := e.Mode.Type(); {
	case t&fs.ModeDir != 0:
		what = "a directory"
	case t&fs.ModeNamedPipe != 0:
		what = "a named pipe (FIFO)"
	case t&fs.ModeSocket != 0:
		what = "a socket"
	case t&fs.ModeCharDevice != 0:
		what = "a character device"
	case t&fs.ModeDevice != 0:
		what = "a device"
	case t&fs.ModeIrregular != 0:
		what = "an irregular file"
	}
	return fmt.Sprintf("%v: %s is %s (%s)", ErrNotRegular, e.Path, what, e.Mode.Type())
}

// Unwrap returns [ErrNotRegular].
func (e *NotRegularError) Unwrap() error { return ErrNotRegular }

// ShortReadError is the error for a short read: the data of Name ended at
// offset End, before the Size bytes it was analysed with.
type ShortReadError struct {
	Name string // the file, as given
	Size int64  // the size the file was analysed with
	End  int64  // where its data ended: the first offset that could not be read
}

// Error says where the data ended and what was expected.
func (e *ShortReadError) Error() string {
	return fmt.Sprintf("%v: %s ended at byte %d of the %d expected (it shrank while being read, or its size was wrong)",
		ErrShortRead, e.Name, e.End, e.Size)
}

// Unwrap returns [ErrShortRead] and io.ErrUnexpectedEOF.
func (e *ShortReadError) Unwrap() []error { return []error{ErrShortRead, io.ErrUnexpectedEOF} }
