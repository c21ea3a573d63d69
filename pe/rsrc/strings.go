package rsrc

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
)

// StringPair is one key/value pair of a StringTable.
type StringPair struct {
	Key   string `json:"key"`   // e.g. "CompanyName"
	Value string `json:"value"` // text up to its first NUL
}

// Strings holds a StringTable's pairs in file order. Keys may repeat in
// hostile files; every pair is kept.
//
// It marshals to a JSON object whose members are in file order (report.md's
// "strings": {"CompanyName": "…", …}); a repeated key is written once, with
// its first value. Unmarshalling keeps the order of the object's members.
type Strings []StringPair

// Get returns the value of the first pair whose key equals key, or failing
// that the first whose key matches case-insensitively (Windows' VerQueryValue
// matches keys case-insensitively).
func (s Strings) Get(key string) (string, bool) {
	for _, p := range s {
		if p.Key == key {
			return p.Value, true
		}
	}
	for _, p := range s {
		if strings.EqualFold(p.Key, key) {
			return p.Value, true
		}
	}
	return "", false
}

// Map returns the pairs as a map; for repeated keys the first value wins.
func (s Strings) Map() map[string]string {
	m := make(map[string]string, len(s))
	for _, p := range s {
		if _, ok := m[p.Key]; !ok {
			m[p.Key] = p.Value
		}
	}
	return m
}

// MarshalJSON writes s as a JSON object in file order.
func (s Strings) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	seen := make(map[string]struct{}, len(s))
	for _, p := range s {
		if _, dup := seen[p.Key]; dup {
			continue
		}
		seen[p.Key] = struct{}{}
		if len(seen) > 1 {
			buf.WriteByte(',')
		}
		k, err := json.Marshal(p.Key)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(p.Value)
		if err != nil {
			return nil, err
		}
		buf.Write(k)
		buf.WriteByte(':')
		buf.Write(v)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// UnmarshalJSON reads a JSON object of strings, keeping member order.
// JSON null leaves s unchanged.
func (s *Strings) UnmarshalJSON(b []byte) error {
	if string(bytes.TrimSpace(b)) == "null" {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return errors.New("rsrc: strings: want a JSON object")
	}
	out := Strings{}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return err
		}
		var v string
		if err := dec.Decode(&v); err != nil {
			return err
		}
		out = append(out, StringPair{Key: kt.(string), Value: v})
	}
	if _, err := dec.Token(); err != nil {
		return err
	}
	*s = out
	return nil
}
