package reputation

import (
	"cmp"
	"slices"
	"strings"
)

// This file holds the orderings and small helpers that every KnowledgeBase
// implementation shares, so that MemKB and the SQLite store (package
// reputation/store) answer identically. The orderings are exported for
// implementations outside this package.

// trustRank orders trust levels for [KnowledgeBase.Files]: known-bad first.
func trustRank(t Trust) int {
	switch t {
	case TrustBad:
		return 0
	case TrustGood:
		return 1
	}
	return 2
}

// SortFiles orders file records as [KnowledgeBase.Files] returns them: by
// trust (known-bad first), then source, then identity hash (SHA-256, else
// SHA-1, else MD5).
func SortFiles(rs []FileRecord) {
	slices.SortFunc(rs, func(a, b FileRecord) int {
		return cmp.Or(
			cmp.Compare(trustRank(a.Trust), trustRank(b.Trust)),
			cmp.Compare(a.Source, b.Source),
			cmp.Compare(a.key(), b.key()),
		)
	})
}

// SortPaths orders typical paths as [KnowledgeBase.TypicalPaths] returns
// them: by count (descending), then normalized path; it fills in each
// path's Share of the total count.
func SortPaths(ps []PathCount) {
	var total int64
	for _, p := range ps {
		total += p.Count
	}
	for i := range ps {
		if total > 0 {
			ps[i].Share = float64(ps[i].Count) / float64(total)
		} else {
			ps[i].Share = 0
		}
	}
	slices.SortFunc(ps, func(a, b PathCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(NormalizePath(a.Path), NormalizePath(b.Path)))
	})
}

// SortVersions orders versions as [KnowledgeBase.Versions] returns them:
// newest first (see [CompareVersions]), then by SHA-256 and product.
func SortVersions(vs []VersionRecord) {
	slices.SortFunc(vs, func(a, b VersionRecord) int {
		return cmp.Or(-CompareVersions(a.Version, b.Version), cmp.Compare(a.Version, b.Version),
			cmp.Compare(a.SHA256, b.SHA256), cmp.Compare(a.Product, b.Product))
	})
}

// SortCatalogMembers orders catalog members by catalog name, as
// [KnowledgeBase.CatalogMembers] returns them.
func SortCatalogMembers(ms []CatalogMember) {
	slices.SortFunc(ms, func(a, b CatalogMember) int { return strings.Compare(a.Catalog, b.Catalog) })
}

// finishList ends a list lookup (Files, Versions, CatalogMembers) of any
// implementation: it returns err when the lookup failed, an error wrapping
// [ErrNotFound] that names what and key when it found nothing, and
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

// CompareVersions compares two version strings such as "6.1.7600.16385
// (win7_rtm.090713-1255)" part by part: runs of digits compare as numbers,
// other runs as text, ignoring case. It returns -1, 0 or +1. A version that
// is a prefix of the other is the older one.
func CompareVersions(a, b string) int {
	pa, pb := versionParts(a), versionParts(b)
	for i := 0; i < len(pa) && i < len(pb); i++ {
		x, y := pa[i], pb[i]
		xd, yd := isDigit(x[0]), isDigit(y[0])
		var c int
		switch {
		case xd && yd:
			// Numbers of any length: fewer significant digits is
			// smaller, then digit by digit.
			x, y = strings.TrimLeft(x, "0"), strings.TrimLeft(y, "0")
			c = cmp.Or(cmp.Compare(len(x), len(y)), strings.Compare(x, y))
		case xd:
			c = 1 // a number sorts after text: "1.0.1" > "1.0.beta"
		case yd:
			c = -1
		default:
			c = cmp.Compare(strings.ToLower(x), strings.ToLower(y))
		}
		if c != 0 {
			return c
		}
	}
	return cmp.Compare(len(pa), len(pb))
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// versionParts splits s into runs of digits and runs of letters; anything
// else separates.
func versionParts(s string) []string {
	var parts []string
	start, kind := -1, 0 // kind 1 digits, 2 letters
	for i := 0; i <= len(s); i++ {
		k := 0
		if i < len(s) {
			switch c := s[i]; {
			case '0' <= c && c <= '9':
				k = 1
			case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', c >= 0x80:
				k = 2
			}
		}
		if k != kind {
			if kind != 0 {
				parts = append(parts, s[start:i])
			}
			start, kind = i, k
		}
	}
	return parts
}

// checkName normalizes a file name for a Tx method.
func checkName(what, name string) (string, error) {
	n := NormalizeName(name)
	if n == "" {
		return "", errorf(ErrInvalidRecord, "%s: empty file name", what)
	}
	return n, nil
}
