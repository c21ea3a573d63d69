package detect

import (
	"fmt"
	"strconv"
)

// sprintf is fmt.Sprintf for the evidence texts. The verbs the rules use
// most — %s and %q of a string, %d and %x of a built-in integer, %.Nf (one
// digit N) of a float64, %% — with no flag or width are formatted here, as
// fmt does; any other
// format or argument (a Stringer, a named type, %.2f, a missing or extra
// argument) goes to fmt.Sprintf. TestSprintf holds it to fmt's output.
func sprintf(format string, args ...any) string {
	if s, ok := fastSprintf(format, args); ok {
		return s
	}
	return fmt.Sprintf(format, args...)
}

// fastSprintf formats what sprintf formats itself; ok is false for the
// rest.
func fastSprintf(format string, args []any) (s string, ok bool) {
	var buf [128]byte
	b := buf[:0]
	ai := 0
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			b = append(b, c)
			continue
		}
		i++
		if i == len(format) {
			return "", false
		}
		verb := format[i]
		if verb == '%' {
			b = append(b, '%')
			continue
		}
		prec := -1
		if verb == '.' && i+2 < len(format) && format[i+1] >= '0' && format[i+1] <= '9' && format[i+2] == 'f' {
			prec, verb = int(format[i+1]-'0'), 'f'
			i += 2
		}
		if ai == len(args) {
			return "", false
		}
		arg := args[ai]
		ai++
		switch verb {
		case 's', 'q':
			v, isString := arg.(string)
			if !isString {
				return "", false
			}
			if verb == 's' {
				b = append(b, v...)
			} else {
				b = appendQuote(b, v)
			}
		case 'd', 'x':
			base := 10
			if verb == 'x' {
				base = 16
			}
			switch v := arg.(type) {
			case int:
				b = strconv.AppendInt(b, int64(v), base)
			case int8:
				b = strconv.AppendInt(b, int64(v), base)
			case int16:
				b = strconv.AppendInt(b, int64(v), base)
			case int32:
				b = strconv.AppendInt(b, int64(v), base)
			case int64:
				b = strconv.AppendInt(b, v, base)
			case uint:
				b = strconv.AppendUint(b, uint64(v), base)
			case uint8:
				b = strconv.AppendUint(b, uint64(v), base)
			case uint16:
				b = strconv.AppendUint(b, uint64(v), base)
			case uint32:
				b = strconv.AppendUint(b, uint64(v), base)
			case uint64:
				b = strconv.AppendUint(b, v, base)
			default:
				return "", false
			}
		case 'f':
			v, isFloat := arg.(float64)
			if !isFloat || prec < 0 {
				return "", false
			}
			b = strconv.AppendFloat(b, v, 'f', prec, 64)
		default:
			return "", false
		}
	}
	if ai != len(args) {
		return "", false
	}
	return string(b), true
}

// appendQuote is strconv.AppendQuote, with a short way for the common
// case of printable ASCII without quote or backslash, which it leaves as
// it is.
func appendQuote(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return strconv.AppendQuote(b, s)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
