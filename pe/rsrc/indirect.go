package rsrc

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Indirect strings: registry values such as a service's DisplayName
// "@%SystemRoot%\system32\alg.exe,-112" that name a string resource instead
// of holding the text (formats.md §3; RegLoadMUIStringW, SHLoadIndirectString).

// IndirectString is a parsed "@<path>,-<id>[;<comment>]" reference.
type IndirectString struct {
	// Path is the PE file as written, environment variables unexpanded
	// (see [IndirectString.Expand]).
	Path string `json:"path"`
	// ID is the string resource ID (the number after ",-"), or the index
	// when ByIndex is set.
	ID uint16 `json:"id"`
	// ByIndex is set for the rarer "@<path>,<n>" form with a non-negative
	// number, which SHLoadIndirectString treats as an index rather than a
	// resource ID.
	ByIndex bool `json:"by_index,omitempty"`
	// Comment is the text after ';' (e.g. "v2", a cache buster), without
	// the ';'.
	Comment string `json:"comment,omitempty"`
}

// StringBlock returns the RT_STRING block and slot holding the string
// (see [StringBlockID]); meaningful when ByIndex is false.
func (r IndirectString) StringBlock() (blockID uint32, slot int) {
	return StringBlockID(r.ID)
}

// Expand returns Path with %NAME% references replaced from vars (see
// [ExpandVars]).
func (r IndirectString) Expand(vars map[string]string) (string, error) {
	return ExpandVars(r.Path, vars)
}

// String returns the reference in its canonical form,
// "@<path>,-<id>[;<comment>]".
func (r IndirectString) String() string {
	var b strings.Builder
	b.WriteByte('@')
	b.WriteString(r.Path)
	b.WriteByte(',')
	if !r.ByIndex {
		b.WriteByte('-')
	}
	b.WriteString(strconv.Itoa(int(r.ID)))
	if r.Comment != "" {
		b.WriteByte(';')
		b.WriteString(r.Comment)
	}
	return b.String()
}

// ParseIndirectString parses an indirect string:
//
//	@%SystemRoot%\system32\alg.exe,-112   → Path `%SystemRoot%\system32\alg.exe`, ID 112
//	@file.dll,-5                          → Path "file.dll", ID 5
//	@shell32.dll,-8964;v2                 → ..., Comment "v2"
//
// The reference is the last ",<number>" that is followed by the end of s
// or by ';': paths may contain commas, and when a comment itself ends in
// ",-<n>" that one wins, as with RegLoadMUIString (which splits at the
// last comma). No spaces are allowed around ",-" (RegLoadMUIString is as
// strict); surrounding whitespace of s is ignored.
//
// Errors are *[FormatError]s (Offset is the byte position in s) wrapping
// [ErrNotIndirect] when s does not start with '@', and [ErrBadReference]
// when the path is empty, the ",<number>" part is missing or malformed, the
// number does not fit a 16-bit resource ID, or s is a packaged-app
// "@{…?ms-resource://…}" reference (not a PE string resource).
func ParseIndirectString(s string) (IndirectString, error) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "@") {
		return IndirectString{}, formatErr(0, "indirect string", "does not start with '@'", ErrNotIndirect)
	}
	if len(s) > maxIndirectLen {
		return IndirectString{}, formatErr(maxIndirectLen, "indirect string", fmt.Sprintf("longer than %d bytes", maxIndirectLen), ErrBadReference)
	}
	if strings.HasPrefix(s, "@{") {
		return IndirectString{}, formatErr(1, "indirect string", "is a packaged-app ms-resource reference", ErrBadReference)
	}
	// Try commas from the right: the reference is the last ",[-]digits"
	// followed by end of string or ';'.
	for end := len(s); ; {
		c := strings.LastIndexByte(s[:end], ',')
		if c < 0 {
			return IndirectString{}, formatErr(len(s), "indirect string", "has no ',-<id>' reference", ErrBadReference)
		}
		end = c
		// Scan only the run of digits after the comma, so that trying
		// every comma stays linear in len(s).
		i := c + 1
		neg := i < len(s) && s[i] == '-'
		if neg {
			i++
		}
		j := i
		for j < len(s) && '0' <= s[j] && s[j] <= '9' {
			j++
		}
		if j == i || (j < len(s) && s[j] != ';') {
			continue
		}
		num, digits := s[c+1:j], s[i:j]
		r := IndirectString{Path: s[1:c], ByIndex: !neg}
		if j < len(s) {
			r.Comment = s[j+1:]
		}
		if r.Path == "" {
			return IndirectString{}, formatErr(1, "indirect string", "has an empty path", ErrBadReference)
		}
		v, err := strconv.ParseUint(digits, 10, 16)
		if err != nil {
			return IndirectString{}, formatErr(c+1, "indirect string", fmt.Sprintf("id %q is not a 16-bit resource id", truncateForMsg(num)), ErrBadReference)
		}
		r.ID = uint16(v)
		return r, nil
	}
}

// ExpandVars replaces %NAME% references in s with values from vars, as
// ExpandEnvironmentStrings does, but never reads the process environment.
// Names match case-insensitively (Windows variable names are); an exact
// match wins, then the first case-insensitive match in sorted key order.
// Values are not expanded again.
//
// A reference with no value in vars, an empty one ("%%") and an unpaired
// '%' are left as they are; for each undefined name the returned error
// wraps [ErrUndefinedVariable] (the partly expanded string is still
// returned). A result longer than 32767 bytes is cut there, with an error
// wrapping [ErrLimit].
func ExpandVars(s string, vars map[string]string) (string, error) {
	if !strings.Contains(s, "%") {
		return s, nil
	}
	var folded map[string]string // lazily built, for case-insensitive lookups
	lookup := func(name string) (string, bool) {
		if v, ok := vars[name]; ok {
			return v, true
		}
		if folded == nil {
			keys := make([]string, 0, len(vars))
			for k := range vars {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			folded = make(map[string]string, len(keys))
			for _, k := range keys {
				lk := strings.ToLower(k)
				if _, ok := folded[lk]; !ok {
					folded[lk] = vars[k]
				}
			}
		}
		v, ok := folded[strings.ToLower(name)]
		return v, ok
	}
	var b strings.Builder
	var undefined []string
	rest := s
	for {
		i := strings.IndexByte(rest, '%')
		if i < 0 {
			b.WriteString(rest)
			break
		}
		j := strings.IndexByte(rest[i+1:], '%')
		if j < 0 {
			b.WriteString(rest)
			break
		}
		name := rest[i+1 : i+1+j]
		b.WriteString(rest[:i])
		if v, ok := lookup(name); ok && name != "" {
			b.WriteString(v)
			rest = rest[i+j+2:]
		} else {
			if name != "" && len(undefined) < 8 { // a few names are enough for the message
				undefined = append(undefined, name)
			}
			// Keep the first '%' and rescan from the second, which may open
			// a reference ("100%%Windir%" keeps "100%" and expands Windir).
			b.WriteString(rest[i : i+1+j])
			rest = rest[i+1+j:]
		}
		if b.Len() > maxExpandedLen {
			out := b.String()[:maxExpandedLen]
			return out, formatErr(maxExpandedLen, "expanded string", fmt.Sprintf("longer than %d bytes", maxExpandedLen), ErrLimit)
		}
	}
	if len(undefined) > 0 {
		return b.String(), fmt.Errorf("%w: %%%s%%", ErrUndefinedVariable, strings.Join(undefined, "%, %"))
	}
	return b.String(), nil
}
