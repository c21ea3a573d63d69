package stats

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// AppendJSON appends s as one line of telemetry.md's sample JSON (without a
// newline), leaving out empty strings and absent metrics, and returns the
// extended buffer. Floats are written in their shortest exact form, so
// decoding gives back the same values.
func (s *Sample) AppendJSON(b []byte) []byte {
	b = append(b, '{')
	first := true
	str := func(key, v string) {
		if v == "" {
			return
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = appendJSONString(b, key)
		b = append(b, ':')
		b = appendJSONString(b, v)
	}
	open := func(key string) (close func()) {
		if !first {
			b = append(b, ',')
		}
		mark, wasFirst := len(b), first
		b = appendJSONString(b, key)
		b = append(b, ":{"...)
		first = true
		return func() {
			if first { // empty object: take it back
				b, first = b[:mark], wasFirst
				if !wasFirst {
					b = b[:len(b)-1]
				}
				return
			}
			b = append(b, '}')
			first = false
		}
	}
	str("participant", s.Participant)
	if !s.ObservedAt.IsZero() {
		str("observed_at", s.ObservedAt.Format(time.RFC3339Nano))
	}
	c := open("file")
	str("sha256", s.File.SHA256)
	str("name", s.File.Name)
	str("path", s.File.Path)
	c()
	c = open("machine")
	str("os", s.Machine.OS)
	str("country", s.Machine.Country)
	str("manufacturer", s.Machine.Manufacturer)
	str("locale", s.Machine.Locale)
	if s.Machine.CPUs != 0 {
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, `"cpus":`...)
		b = strconv.AppendInt(b, int64(s.Machine.CPUs), 10)
	}
	c()
	b, first = s.Metrics.appendMembers(b, first)
	c = open("process")
	pr := &s.Process
	str("integrity_level", pr.IntegrityLevel)
	str("platform", pr.Platform)
	str("command_line", pr.CommandLine)
	str("owner", pr.Owner)
	str("parent", pr.Parent)
	c2 := open("service")
	str("name", pr.Service.Name)
	str("display_name", pr.Service.DisplayName)
	str("description", pr.Service.Description)
	str("type", pr.Service.Type)
	c2()
	c()
	if len(s.Modules) > 0 {
		if !first {
			b = append(b, ',')
		}
		b = append(b, `"modules":[`...)
		for i := range s.Modules {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"name":`...)
			b = appendJSONString(b, s.Modules[i].Name)
			b = s.Modules[i].Metrics.appendMembers(b, false)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

// MarshalJSON returns s.AppendJSON(nil).
func (s Sample) MarshalJSON() ([]byte, error) { return s.AppendJSON(nil), nil }

// UnmarshalJSON decodes one sample with the same strict rules as
// [Decoder]: it returns a [*RejectError] for malformed JSON, unknown or
// duplicate keys and wrong types. It does not call [Sample.Validate].
func (s *Sample) UnmarshalJSON(data []byte) error {
	var p parser
	var tmp Sample
	if rej := p.decodeSample(data, &tmp); rej != nil {
		return rej
	}
	*s = tmp.Clone()
	if p.schema != nil {
		return p.schema
	}
	return nil
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends v as a JSON string. Invalid UTF-8 becomes U+FFFD.
func appendJSONString(b []byte, v string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(v); {
		c := v[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(v[i:])
			if r == utf8.RuneError && size == 1 {
				b = append(b, v[start:i]...)
				b = append(b, `\ufffd`...)
				i += size
				start = i
				continue
			}
			i += size
			continue
		}
		b = append(b, v[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		i++
		start = i
	}
	b = append(b, v[start:]...)
	return append(b, '"')
}
