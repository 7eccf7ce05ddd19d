package fpdf

import (
	"math"
	"strconv"
)

// appendFixed is strconv.AppendFloat(b, v, 'f', prec, 64) (cpdaudit patch).
// A letter writes some 10,000 numbers, nearly all with two decimals, and
// strconv's general algorithm was a tenth of the letter's CPU outside
// compression. For prec 0 to 3 and |v| below 2^52 the number is rounded
// here with integers: v is mant·2^e exactly, so v·10^prec is mant·10^prec
// (below 2^63) shifted right by -e, rounded half to even on the bits
// shifted out, which is strconv's correct rounding of the exact value.
// Anything else goes to strconv. fixed_test.go compares the two.
func appendFixed(b []byte, v float64, prec int) []byte {
	bits := math.Float64bits(v)
	exp := int(bits>>52) & 0x7FF
	mant := bits & (1<<52 - 1)
	if prec < 0 || prec > 3 || exp >= 1075 { // also Inf and NaN (exp 2047)
		return strconv.AppendFloat(b, v, 'f', prec, 64)
	}
	if exp == 0 {
		exp = 1 // subnormal: mant·2^-1074
	} else {
		mant |= 1 << 52
	}
	shift := uint(1075 - exp) // v = mant·2^-shift, shift >= 1
	scale := uint64(pow10u[prec])
	x := mant * scale // < 2^53·2^10
	var q uint64
	if shift < 64 {
		q = x >> shift
		rest := x & (1<<shift - 1)
		half := uint64(1) << (shift - 1)
		if rest > half || (rest == half && q&1 == 1) {
			q++
		}
	} // else v·10^prec < 2^63·2^-64: below one half, so 0
	if bits>>63 != 0 {
		b = append(b, '-')
	}
	b = strconv.AppendUint(b, q/scale, 10)
	if prec > 0 {
		b = append(b, '.')
		frac := q % scale
		for d := scale / 10; d > 0; d /= 10 {
			b = append(b, byte('0'+frac/d%10))
		}
	}
	return b
}

var pow10u = [...]uint64{1, 10, 100, 1000}
