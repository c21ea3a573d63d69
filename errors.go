package filerep

import "errors"

// ErrNotRegular means the path names something that is not a regular file
// (a directory, a device, a pipe).
var ErrNotRegular = errors.New("filerep: not a regular file")

// ErrOptions means an option was given a value it cannot take.
var ErrOptions = errors.New("filerep: bad option")
