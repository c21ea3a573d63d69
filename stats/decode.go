package stats

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// This file is a hand-written decoder for telemetry.md's sample: a single
// pass over one line that fills a reused Sample, rejects unknown and
// duplicate keys, and allocates nothing for a valid line. It is 5–10 times
// faster than encoding/json with DisallowUnknownFields (see the benchmarks),
// which keeps JSON decoding from dwarfing aggregation.
//
// Strings in the decoded Sample alias the line buffer or p.scratch (via
// unsafe.String) and are only valid until the next line. Aggregator.Add
// copies what it keeps, and Decoder.Next hands out a Clone.

// bstr returns a string that shares b's memory.
func bstr(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

type parser struct {
	b       []byte
	i       int
	scratch []byte
	// schema is the first schema error (unknown or duplicate key, wrong
	// type, bad value). Decoding goes on after it so that the file key can
	// still be read, and the rejection counted for the file.
	schema *RejectError
}

func (p *parser) syntax(msg string) *RejectError {
	return &RejectError{Reason: RejectMalformedJSON, Offset: p.i, Msg: msg}
}

func (p *parser) schemaErr(r RejectReason, field, msg string) {
	if p.schema == nil {
		// field may alias the line buffer: copy it.
		p.schema = &RejectError{Reason: r, Field: strings.Clone(field), Msg: msg}
	}
}

func (p *parser) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *parser) peek() byte {
	p.ws()
	if p.i < len(p.b) {
		return p.b[p.i]
	}
	return 0
}

// decodeSample parses line into s, reusing s.Modules' array. It returns a
// syntax error (nothing usable), or nil with p.schema possibly set.
func (p *parser) decodeSample(line []byte, s *Sample) *RejectError {
	p.b, p.i, p.schema = line, 0, nil
	p.scratch = p.scratch[:0]
	*s = Sample{Modules: s.Modules[:0]}
	if p.peek() != '{' {
		return p.syntax("want a JSON object")
	}
	if err := p.object(1, "", func(key string, bit int) *RejectError { return p.topField(s, key) }, topKeys); err != nil {
		return err
	}
	if p.peek() != 0 {
		return p.syntax("data after the object")
	}
	if len(s.Modules) == 0 {
		s.Modules = s.Modules[:0:0]
	}
	return nil
}

// keySet maps an object's known keys to bits (for duplicate detection), or
// -1 for unknown keys. Switches compile to length-and-compare code that is
// faster than a map lookup.
type keySet func(key string) int

func topKeys(k string) int {
	switch k {
	case "participant":
		return 0
	case "observed_at":
		return 1
	case "file":
		return 2
	case "machine":
		return 3
	case "cpu":
		return 4
	case "memory":
		return 5
	case "io":
		return 6
	case "threads":
		return 7
	case "handles":
		return 8
	case "process":
		return 9
	case "modules":
		return 10
	}
	return -1
}

func fileKeys(k string) int {
	switch k {
	case "sha256":
		return 0
	case "name":
		return 1
	case "path":
		return 2
	}
	return -1
}

func machineKeys(k string) int {
	switch k {
	case "os":
		return 0
	case "country":
		return 1
	case "manufacturer":
		return 2
	case "locale":
		return 3
	case "cpus":
		return 4
	}
	return -1
}

func processKeys(k string) int {
	switch k {
	case "integrity_level":
		return 0
	case "platform":
		return 1
	case "command_line":
		return 2
	case "owner":
		return 3
	case "parent":
		return 4
	case "service":
		return 5
	}
	return -1
}

func serviceKeys(k string) int {
	switch k {
	case "name":
		return 0
	case "display_name":
		return 1
	case "description":
		return 2
	case "type":
		return 3
	}
	return -1
}

// cpuKeys, memoryKeys and ioKeys return the Metric.
func cpuKeys(k string) int {
	switch k {
	case "total_pct":
		return int(CPUTotalPct)
	case "kernel_pct":
		return int(CPUKernelPct)
	case "user_pct":
		return int(CPUUserPct)
	case "kernel_ms_per_min":
		return int(CPUKernelMsPerMin)
	case "cycles_per_sec":
		return int(CPUCyclesPerSec)
	}
	return -1
}

func memoryKeys(k string) int {
	switch k {
	case "private_bytes":
		return int(MemPrivateBytes)
	case "private_max_bytes":
		return int(MemPrivateMaxBytes)
	case "private_min_bytes":
		return int(MemPrivateMinBytes)
	case "nonpaged_bytes":
		return int(MemNonpagedBytes)
	case "virtual_bytes":
		return int(MemVirtualBytes)
	case "virtual_peak_bytes":
		return int(MemVirtualPeakBytes)
	case "working_set_bytes":
		return int(MemWorkingSetBytes)
	case "working_set_peak_bytes":
		return int(MemWorkingSetPeakBytes)
	case "page_faults_per_min":
		return int(MemPageFaultsPerMin)
	}
	return -1
}

func ioKeys(k string) int {
	switch k {
	case "read_bytes_per_sec":
		return int(IOReadBytesPerSec)
	case "read_ops_per_sec":
		return int(IOReadOpsPerSec)
	case "other_bytes_per_sec":
		return int(IOOtherBytesPerSec)
	case "other_ops_per_sec":
		return int(IOOtherOpsPerSec)
	}
	return -1
}

// moduleKeys returns the ModuleMetric, or NumModuleMetrics for "name".
func moduleKeys(k string) int {
	switch k {
	case "name":
		return NumModuleMetrics
	case "total_cpu_pct":
		return int(ModTotalCPUPct)
	case "kernel_cpu_pct":
		return int(ModKernelCPUPct)
	case "user_cpu_pct":
		return int(ModUserCPUPct)
	case "cycles_per_sec":
		return int(ModCyclesPerSec)
	case "memory_bytes":
		return int(ModMemoryBytes)
	}
	return -1
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// object parses an object at p.i. For each member whose key is in keys it
// calls fn with the key (fn parses the value); unknown and duplicate keys
// are schema errors and their values are skipped.
func (p *parser) object(depth int, path string, fn func(key string, bit int) *RejectError, keys keySet) *RejectError {
	if depth > maxDepth {
		return p.syntax("nesting too deep")
	}
	p.i++ // '{'
	var seen uint64
	if p.peek() == '}' {
		p.i++
		return nil
	}
	for {
		if p.peek() != '"' {
			return p.syntax("want a string key")
		}
		key, err := p.str()
		if err != nil {
			return err
		}
		if p.peek() != ':' {
			return p.syntax("want ':'")
		}
		p.i++
		bit := keys(key)
		switch {
		case bit < 0:
			p.schemaErr(RejectUnknownField, join(path, key), "")
			err = p.skip(depth)
		case seen&(1<<bit) != 0:
			p.schemaErr(RejectDuplicateField, join(path, key), "")
			err = p.skip(depth)
		default:
			seen |= 1 << bit
			err = fn(key, bit)
		}
		if err != nil {
			return err
		}
		switch p.peek() {
		case ',':
			p.i++
		case '}':
			p.i++
			return nil
		default:
			return p.syntax("want ',' or '}'")
		}
	}
}

func (p *parser) topField(s *Sample, key string) *RejectError {
	switch key {
	case "participant":
		return p.strField(&s.Participant, "participant")
	case "observed_at":
		var v string
		if err := p.strField(&v, "observed_at"); err != nil || v == "" {
			return err
		}
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			p.schemaErr(RejectInvalidValue, "observed_at", "want an RFC 3339 time")
			return nil
		}
		s.ObservedAt = t
		return nil
	case "file":
		return p.objField(2, "file", fileKeys, func(k string, _ int) *RejectError {
			switch k {
			case "sha256":
				return p.strField(&s.File.SHA256, "file.sha256")
			case "name":
				return p.strField(&s.File.Name, "file.name")
			default:
				return p.strField(&s.File.Path, "file.path")
			}
		})
	case "machine":
		m := &s.Machine
		return p.objField(2, "machine", machineKeys, func(k string, _ int) *RejectError {
			switch k {
			case "os":
				return p.strField(&m.OS, "machine.os")
			case "country":
				return p.strField(&m.Country, "machine.country")
			case "manufacturer":
				return p.strField(&m.Manufacturer, "machine.manufacturer")
			case "locale":
				return p.strField(&m.Locale, "machine.locale")
			default:
				v, ok, err := p.num("machine.cpus")
				if err != nil || !ok {
					return err
				}
				if v != math.Trunc(v) || v > MaxCPUs+1 || v < -1 {
					p.schemaErr(RejectInvalidValue, "machine.cpus", "want an integer from 1 to "+strconv.Itoa(MaxCPUs))
					return nil
				}
				m.CPUs = int(v)
				return nil
			}
		})
	case "cpu", "memory", "io":
		keys := cpuKeys
		switch key {
		case "memory":
			keys = memoryKeys
		case "io":
			keys = ioKeys
		}
		return p.objField(2, key, keys, func(_ string, bit int) *RejectError {
			k := Metric(bit)
			v, ok, err := p.num(metricTable[k].path)
			if ok {
				s.Metrics.Set(k, v)
			}
			return err
		})
	case "threads", "handles":
		k := Threads
		if key == "handles" {
			k = Handles
		}
		v, ok, err := p.num(key)
		if ok {
			s.Metrics.Set(k, v)
		}
		return err
	case "process":
		pr := &s.Process
		return p.objField(2, "process", processKeys, func(k string, _ int) *RejectError {
			switch k {
			case "integrity_level":
				return p.strField(&pr.IntegrityLevel, "process.integrity_level")
			case "platform":
				return p.strField(&pr.Platform, "process.platform")
			case "command_line":
				return p.strField(&pr.CommandLine, "process.command_line")
			case "owner":
				return p.strField(&pr.Owner, "process.owner")
			case "parent":
				return p.strField(&pr.Parent, "process.parent")
			default:
				sv := &pr.Service
				return p.objField(3, "process.service", serviceKeys, func(k string, _ int) *RejectError {
					switch k {
					case "name":
						return p.strField(&sv.Name, "process.service.name")
					case "display_name":
						return p.strField(&sv.DisplayName, "process.service.display_name")
					case "description":
						return p.strField(&sv.Description, "process.service.description")
					default:
						return p.strField(&sv.Type, "process.service.type")
					}
				})
			}
		})
	default: // modules
		return p.modules(s)
	}
}

// objField parses an object value, or null, or records a type error.
func (p *parser) objField(depth int, path string, keys keySet, fn func(string, int) *RejectError) *RejectError {
	switch p.peek() {
	case '{':
		return p.object(depth, path, fn, keys)
	case 'n':
		return p.lit("null")
	default:
		p.schemaErr(RejectWrongType, path, "want an object")
		return p.skip(depth)
	}
}

func (p *parser) modules(s *Sample) *RejectError {
	switch p.peek() {
	case '[':
	case 'n':
		return p.lit("null")
	default:
		p.schemaErr(RejectWrongType, "modules", "want an array")
		return p.skip(1)
	}
	p.i++
	if p.peek() == ']' {
		p.i++
		return nil
	}
	for n := 0; ; n++ {
		switch {
		case p.peek() != '{':
			p.schemaErr(RejectWrongType, "modules["+strconv.Itoa(n)+"]", "want an object")
			if err := p.skip(2); err != nil {
				return err
			}
		case n >= MaxModules:
			p.schemaErr(RejectTooLarge, "modules", "over "+strconv.Itoa(MaxModules)+" modules")
			if err := p.skip(2); err != nil {
				return err
			}
		default:
			s.Modules = append(s.Modules, Module{})
			md := &s.Modules[len(s.Modules)-1]
			had := p.schema != nil
			err := p.object(3, "", func(k string, bit int) *RejectError {
				if bit == NumModuleMetrics {
					return p.strField(&md.Name, "name")
				}
				v, ok, err := p.num(k)
				if ok {
					md.Metrics.Set(ModuleMetric(bit), v)
				}
				return err
			}, moduleKeys)
			if err != nil {
				return err
			}
			if e := p.schema; !had && e != nil {
				// The error came from this module: give its field the index.
				e.Field = "modules[" + strconv.Itoa(n) + "]." + e.Field
			}
		}
		switch p.peek() {
		case ',':
			p.i++
		case ']':
			p.i++
			return nil
		default:
			return p.syntax("want ',' or ']'")
		}
	}
}

func (p *parser) strField(dst *string, field string) *RejectError {
	switch p.peek() {
	case '"':
		v, err := p.str()
		if err != nil {
			return err
		}
		*dst = v
		return nil
	case 'n':
		return p.lit("null")
	default:
		p.schemaErr(RejectWrongType, field, "want a string")
		return p.skip(4)
	}
}

// num parses a number value for field; ok is false for null, and for a
// wrong type or an unrepresentable number (both recorded as schema errors).
func (p *parser) num(field string) (v float64, ok bool, err *RejectError) {
	c := p.peek()
	switch {
	case c == '-' || (c >= '0' && c <= '9'):
	case c == 'n':
		return 0, false, p.lit("null")
	default:
		p.schemaErr(RejectWrongType, field, "want a number")
		return 0, false, p.skip(4)
	}
	start := p.i
	b := p.b
	i := p.i
	if b[i] == '-' {
		i++
	}
	digits := func() int {
		j := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		return i - j
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case digits() == 0:
		p.i = i
		return 0, false, p.syntax("bad number")
	}
	if i < len(b) && b[i] == '.' {
		i++
		if digits() == 0 {
			p.i = i
			return 0, false, p.syntax("bad number")
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if digits() == 0 {
			p.i = i
			return 0, false, p.syntax("bad number")
		}
	}
	p.i = i
	v, perr := strconv.ParseFloat(bstr(b[start:i]), 64)
	if perr != nil && (math.IsInf(v, 0) || math.IsNaN(v)) {
		p.schemaErr(RejectInvalidNumber, field, "number out of float64 range")
		return 0, false, nil
	}
	return v, true, nil
}

func (p *parser) lit(word string) *RejectError {
	if len(p.b)-p.i >= len(word) && string(p.b[p.i:p.i+len(word)]) == word {
		p.i += len(word)
		return nil
	}
	return p.syntax("bad literal")
}

// str parses a string at p.i (a '"'). Without escapes the result aliases
// the line; with escapes it aliases p.scratch.
func (p *parser) str() (string, *RejectError) {
	b := p.b
	i := p.i + 1
	start := i
	for i < len(b) {
		c := b[i]
		if c == '"' {
			p.i = i + 1
			return bstr(b[start:i]), nil
		}
		if c == '\\' {
			break
		}
		if c < 0x20 {
			p.i = i
			return "", p.syntax("control character in string")
		}
		i++
	}
	// Slow path: unescape into scratch.
	s0 := len(p.scratch)
	p.scratch = append(p.scratch, b[start:i]...)
	for i < len(b) {
		c := b[i]
		switch {
		case c == '"':
			p.i = i + 1
			return bstr(p.scratch[s0:]), nil
		case c < 0x20:
			p.i = i
			return "", p.syntax("control character in string")
		case c != '\\':
			p.scratch = append(p.scratch, c)
			i++
			continue
		}
		i++
		if i >= len(b) {
			break
		}
		switch b[i] {
		case '"', '\\', '/':
			p.scratch = append(p.scratch, b[i])
		case 'b':
			p.scratch = append(p.scratch, '\b')
		case 'f':
			p.scratch = append(p.scratch, '\f')
		case 'n':
			p.scratch = append(p.scratch, '\n')
		case 'r':
			p.scratch = append(p.scratch, '\r')
		case 't':
			p.scratch = append(p.scratch, '\t')
		case 'u':
			r, ok := hex4(b, i+1)
			if !ok {
				p.i = i
				return "", p.syntax("bad \\u escape")
			}
			i += 4
			if utf16.IsSurrogate(r) {
				r2, ok2 := rune(-1), false
				if i+2 < len(b) && b[i+1] == '\\' && b[i+2] == 'u' {
					r2, ok2 = hex4(b, i+3)
				}
				if d := utf16.DecodeRune(r, r2); ok2 && d != utf8.RuneError {
					r = d
					i += 6
				} else {
					r = utf8.RuneError
				}
			}
			p.scratch = utf8.AppendRune(p.scratch, r)
		default:
			p.i = i
			return "", p.syntax("bad escape")
		}
		i++
	}
	p.i = i
	return "", p.syntax("unterminated string")
}

func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		v, ok := unhex(c)
		if !ok {
			return 0, false
		}
		r = r<<4 | rune(v)
	}
	return r, true
}

// skip parses and discards any JSON value at p.i.
func (p *parser) skip(depth int) *RejectError {
	if depth > maxDepth {
		return p.syntax("nesting too deep")
	}
	switch c := p.peek(); {
	case c == '"':
		_, err := p.str()
		return err
	case c == '{' || c == '[':
		closer := byte('}')
		if c == '[' {
			closer = ']'
		}
		p.i++
		if p.peek() == closer {
			p.i++
			return nil
		}
		for {
			if c == '{' {
				if p.peek() != '"' {
					return p.syntax("want a string key")
				}
				if _, err := p.str(); err != nil {
					return err
				}
				if p.peek() != ':' {
					return p.syntax("want ':'")
				}
				p.i++
			}
			if err := p.skip(depth + 1); err != nil {
				return err
			}
			switch p.peek() {
			case ',':
				p.i++
			case closer:
				p.i++
				return nil
			default:
				return p.syntax("want ',' or '" + string(closer) + "'")
			}
		}
	case c == 't':
		return p.lit("true")
	case c == 'f':
		return p.lit("false")
	case c == 'n':
		return p.lit("null")
	case c == '-' || (c >= '0' && c <= '9'):
		save := p.schema
		_, _, err := p.num("")
		p.schema = save
		return err
	case c == 0:
		return p.syntax("unexpected end of line")
	default:
		return p.syntax("unexpected character")
	}
}
