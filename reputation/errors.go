package reputation

import (
	"errors"
	"fmt"
)

// Knowledge-base sentinels. Errors returned by this package and by the
// SQLite store (package github.com/filerep/filerep/reputation/store) wrap
// them; test with [errors.Is]. ErrCorrupt, ErrForeign, ErrSchemaVersion and
// ErrExist come only from the store; they live here so that a program can
// test for them without linking SQLite.
var (
	// ErrNotFound means the knowledge base holds nothing for the key.
	ErrNotFound = errors.New("reputation: not found")

	// ErrBadHash means a hash is not 32, 40 or 64 hexadecimal digits, or
	// not of the algorithm the field needs.
	ErrBadHash = errors.New("reputation: bad hash")

	// ErrInvalidRecord means a record lacks what it needs (a hash, a source,
	// a trust level, a name…) and was not written.
	ErrInvalidRecord = errors.New("reputation: invalid record")

	// ErrCorrupt means a database file is damaged: a knowledge base that
	// carries the filerep knowledge-base marks or an SQLite header, or an
	// NSRL RDS given to
	// [github.com/filerep/filerep/reputation/store.ImportNSRL], that cannot
	// be read consistently.
	ErrCorrupt = errors.New("reputation: database is corrupt")

	// ErrForeign means a file is not a filerep knowledge base: not an SQLite
	// database at all (random bytes, a text file) or an SQLite database of
	// another application or schema.
	ErrForeign = errors.New("reputation: not a filerep knowledge base")

	// ErrSchemaVersion means the file is a filerep knowledge base with a
	// schema version this package does not know (a newer filerep wrote
	// it).
	ErrSchemaVersion = errors.New("reputation: unsupported knowledge-base schema version")

	// ErrReadOnly means a write was attempted on a knowledge base opened
	// read-only.
	ErrReadOnly = errors.New("reputation: knowledge base is read-only")

	// ErrClosed means the knowledge base was used after Close.
	ErrClosed = errors.New("reputation: knowledge base is closed")

	// ErrExist means Create was asked to create a file that already exists.
	ErrExist = errors.New("reputation: knowledge base file already exists")
)

// errorf returns an error wrapping sentinel, with the package prefix:
// "reputation: <sentinel text>: <detail>".
func errorf(sentinel error, format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{sentinel}, args...)...)
}
