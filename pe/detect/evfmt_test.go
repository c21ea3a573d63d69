package detect

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"math"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/filerep/filerep/pe"
)

// TestSprintf: sprintf gives fmt.Sprintf's text, for the verbs it formats
// itself over edge values, and for what it hands to fmt.
func TestSprintf(t *testing.T) {
	strs := []string{"", "a", "GCC: (GNU) 12-win32", "quote \" back\\slash", "tab\tnl\n", "\x00\x7f\xff", "ünï\u2028", "\xc3", "%d"}
	ints := []any{0, 1, -1, 255, 256, math.MaxInt64, math.MinInt64, int8(-128), int16(-5), int32(math.MinInt32), int64(-0x10),
		uint(7), uint8(255), uint16(0xffff), uint32(0xdeadbeef), uint64(math.MaxUint64)}
	type call struct {
		format string
		args   []any
	}
	var calls []call
	for _, s := range strs {
		calls = append(calls, call{"%s", []any{s}}, call{"%q", []any{s}}, call{"x %q y %s z", []any{s, s}})
	}
	for _, v := range ints {
		calls = append(calls, call{"%d", []any{v}}, call{"0x%x", []any{v}}, call{"GNU ld %d.%d", []any{v, v}})
	}
	calls = append(calls,
		call{"100%%", nil}, call{"%", nil}, call{"%d", nil}, call{"%d", []any{1, 2}}, call{"%s", []any{1}},
		call{"%d", []any{"s"}}, call{"%v", []any{1}}, call{"%.2f", []any{7.123}}, call{"%02x", []any{5}},
		call{"%.2f", []any{0.0}}, call{"%.2f", []any{-0.0}}, call{"%.2f", []any{7.995}}, call{"%.0f%%", []any{99.5}},
		call{"%.2f", []any{math.Inf(1)}}, call{"%.2f", []any{math.Inf(-1)}}, call{"%.2f", []any{math.NaN()}},
		call{"%.2f", []any{-1e21}}, call{"%.9f", []any{1.0 / 3}}, call{"%.2f", []any{float32(1.5)}}, call{"%.f", []any{1.5}},
		call{"%.2", []any{1.5}}, call{"%.2f", []any{1}}, call{"x %.2f", nil},
		call{"%s", []any{pe.Subsystem(10)}}, call{"%d", []any{Confidence(60)}}, call{"%q", []any{[]byte("b")}},
		call{"%x", []any{[]byte("b")}}, call{"%s", []any{nil}}, call{"%d", []any{true}},
	)
	for _, c := range calls {
		require.Equal(t, fmt.Sprintf(c.format, c.args...), sprintf(c.format, c.args...), "%q %#v", c.format, c.args)
	}
}

// TestSprintfFormats: for every literal format the package passes to ev,
// with arguments of the types its verbs take, sprintf gives fmt's text.
func TestSprintfFormats(t *testing.T) {
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	n := 0
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, 0)
		require.NoError(t, err)
		ast.Inspect(f, func(node ast.Node) bool {
			c, ok := node.(*ast.CallExpr)
			if !ok || len(c.Args) < 3 {
				return true
			}
			if id, ok := c.Fun.(*ast.Ident); !ok || id.Name != "ev" {
				return true
			}
			lit, ok := c.Args[2].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			format, err := strconv.Unquote(lit.Value)
			require.NoError(t, err)
			for _, v := range []any{0, uint8(200), uint32(0x12345678), int64(-3), uint64(1 << 63)} {
				var args []any
				for i := 0; i < len(format)-1; i++ {
					if format[i] != '%' {
						continue
					}
					i++
					switch format[i] {
					case '%':
					case 's', 'q':
						args = append(args, "GCC: (GNU) \"12\"\t\xff ü")
					case 'd', 'x':
						args = append(args, v)
					case '.':
						args = append(args, 7.125)
						i += 2
					default:
						args = append(args, 7.125)
					}
				}
				require.Equal(t, fmt.Sprintf(format, args...), sprintf(format, args...), "%s: %q", fset.Position(c.Pos()), format)
			}
			n++
			return true
		})
	}
	require.Greater(t, n, 50, "ev calls seen")
}
