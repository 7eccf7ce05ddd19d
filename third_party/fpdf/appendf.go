// cpdaudit patch 29 (see CPDAUDIT-PATCHES.md): the objects' lines without
// fmt.

package fpdf

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// appendf appends fmt.Sprintf(format, args...) to dst. fpdf writes every
// object's dictionary lines with outf, some 80 of them a letter, mostly
// "%d 0 obj" and the cross-reference table's "%010d 00000 n ". The verbs
// those lines use are formatted here: %d of an int, %s of a string, %.Nf
// (N one digit) of a finite float64 (appendFloat), %010d of an int that is not
// negative, and %%. A format with any other verb, flag or width, an
// argument of another type, or too few or too many arguments goes to fmt
// as a whole. FuzzAppendf compares the two.
func appendf(dst []byte, format string, args ...any) []byte {
	start, whole := len(dst), format
	a := 0
	for len(format) > 0 {
		i := strings.IndexByte(format, '%')
		if i < 0 {
			dst = append(dst, format...)
			break
		}
		dst = append(dst, format[:i]...)
		verb := format[i+1:]
		switch {
		case strings.HasPrefix(verb, "%"):
			dst = append(dst, '%')
			format = verb[1:]
			continue
		case a == len(args):
			return appendSprintf(dst[:start], whole, args)
		case strings.HasPrefix(verb, "d"):
			v, ok := args[a].(int)
			if !ok {
				return appendSprintf(dst[:start], whole, args)
			}
			dst = strconv.AppendInt(dst, int64(v), 10)
			format = verb[1:]
		case strings.HasPrefix(verb, "s"):
			v, ok := args[a].(string)
			if !ok {
				return appendSprintf(dst[:start], whole, args)
			}
			dst = append(dst, v...)
			format = verb[1:]
		case len(verb) >= 3 && verb[0] == '.' && verb[1] >= '0' && verb[1] <= '9' && verb[2] == 'f':
			v, ok := args[a].(float64)
			if !ok || math.IsInf(v, 0) || math.IsNaN(v) { // fmt writes +Inf; appendFloat, Inf
				return appendSprintf(dst[:start], whole, args)
			}
			dst = appendFloat(dst, v, int(verb[1]-'0'))
			format = verb[3:]
		case strings.HasPrefix(verb, "010d"):
			v, ok := args[a].(int)
			if !ok || v < 0 {
				return appendSprintf(dst[:start], whole, args)
			}
			for p := 10 - decimalDigits(v); p > 0; p-- {
				dst = append(dst, '0')
			}
			dst = strconv.AppendInt(dst, int64(v), 10)
			format = verb[4:]
		default:
			return appendSprintf(dst[:start], whole, args)
		}
		a++
	}
	if a != len(args) {
		return appendSprintf(dst[:start], whole, args)
	}
	return dst
}

// appendSprintf is appendf's way out: the whole format given to fmt.
func appendSprintf(dst []byte, format string, args []any) []byte {
	return append(dst, fmt.Sprintf(format, args...)...)
}

// decimalDigits is the number of decimal digits of v >= 0.
func decimalDigits(v int) int {
	n := 1
	for v >= 10 {
		v /= 10
		n++
	}
	return n
}
