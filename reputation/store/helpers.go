package store

import (
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/filerep/filerep/reputation"
)

// The small helpers below repeat what package reputation does for MemKB, so
// that the store answers and fails as MemKB does; the conformance suite
// (reputation/kbtest) runs against both.

// errorf returns an error wrapping sentinel: "<sentinel text>: <detail>".
func errorf(sentinel error, format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{sentinel}, args...)...)
}

// notFound returns an error wrapping [reputation.ErrNotFound] that names
// the key.
func notFound(what, key string) error {
	return errorf(reputation.ErrNotFound, "%s %q", what, key)
}

// finishList ends a list lookup: it returns err when the lookup failed, an
// error wrapping [reputation.ErrNotFound] when it found nothing, and
// otherwise out ordered by order.
func finishList[T any](out []T, err error, order func([]T), what, key string) ([]T, error) {
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, notFound(what, key)
	}
	order(out)
	return out, nil
}

// hashBytes decodes a normalized hash.
func hashBytes(h string) []byte {
	b, _ := hex.DecodeString(h)
	return b
}

// baseName returns the last element of a Windows or slash path, trimmed of
// spaces, in its own case.
func baseName(p string) string {
	if i := strings.LastIndexAny(p, `\/`); i >= 0 {
		p = p[i+1:]
	}
	return strings.TrimSpace(p)
}

// checkName normalizes a file name for a Tx method.
func checkName(what, name string) (string, error) {
	n := reputation.NormalizeName(name)
	if n == "" {
		return "", errorf(reputation.ErrInvalidRecord, "%s: empty file name", what)
	}
	return n, nil
}

// checkPath validates a path and count for AddPath and returns the trimmed
// path and its comparison key.
func checkPath(path string, count int64) (string, string, error) {
	path = strings.TrimSpace(path)
	key := reputation.NormalizePath(path)
	if key == "" {
		return "", "", errorf(reputation.ErrInvalidRecord, "empty path")
	}
	if count < 0 {
		return "", "", errorf(reputation.ErrInvalidRecord, "negative path count %d", count)
	}
	return path, key, nil
}

// publisherKeys normalizes the arguments of Publisher: the thumbprint
// (empty, or 64 hex digits, as [reputation.Publisher.Normalize] checks it)
// and the lower-cased subject common name.
func publisherKeys(subject, thumbprint string) (thumb, subj string, err error) {
	if strings.TrimSpace(thumbprint) != "" {
		p, err := reputation.Publisher{Thumbprint: thumbprint}.Normalize()
		if err != nil {
			return "", "", err
		}
		thumb = p.Thumbprint
	}
	return thumb, strings.ToLower(reputation.SubjectCommonName(subject)), nil
}
