// cpdaudit patch 19: appendFixed must write every number as strconv's
// 'f' format does.

package fpdf

import (
	"fmt"
	"math"
	"math/rand"
	"strconv"
	"testing"
)

func TestAppendFixedAsStrconv(t *testing.T) {
	check := func(v float64, prec int) {
		t.Helper()
		if got, want := string(appendFixed(nil, v, prec)), strconv.FormatFloat(v, 'f', prec, 64); got != want {
			t.Fatalf("appendFixed(%v (bits %#x), %d) = %q, want %q", v, math.Float64bits(v), prec, got, want)
		}
	}
	special := []float64{0, math.Copysign(0, -1), 5e-324, -5e-324, math.SmallestNonzeroFloat64 * 3, 1e-300,
		0.005, 0.015, 0.125, 0.375, 2.675, 1.005, 0.0005, 0.5, 1.5, 2.5, -0.5, 9.995, 99.995, 0.0049999999999999999,
		1 << 51, 1<<52 - 0.5, 1 << 52, 1 << 53, 1e300, math.MaxFloat64, math.Inf(1), math.Inf(-1), math.NaN()}
	rng := rand.New(rand.NewSource(1))
	for prec := -1; prec <= 5; prec++ {
		for _, v := range special {
			check(v, prec)
			check(math.Nextafter(v, 0), prec)
			check(math.Nextafter(v, math.Inf(1)), prec)
		}
		for range 200000 {
			var v float64
			switch rng.Intn(4) {
			case 0: // page coordinates, as a letter has them
				v = (rng.Float64() - 0.2) * 900
			case 1: // exact ties: multiples of 2^-k with k small
				v = float64(rng.Intn(1<<20)-1<<19) / float64(uint(1)<<rng.Intn(12))
			case 2: // near a tie of the decimal places
				v = (float64(rng.Intn(200000)-100000) + 0.5) / math.Pow(10, float64(max(prec, 0)))
				v = math.Nextafter(v, v+float64(rng.Intn(3)-1))
			default: // any bits
				v = math.Float64frombits(rng.Uint64())
			}
			check(v, prec)
		}
	}
}

// appendFloat stands in for fmt.Sprintf("%.<prec>f", v), which upstream
// fpdf called: the same text for ordinary numbers, signed zeros,
// infinities and NaN (it once wrote "Inf" where fmt writes "+Inf").
func TestAppendFloatAsFmt(t *testing.T) {
	vals := []float64{0, math.Copysign(0, -1), 1, -1, 0.005, -0.005, 2.675, 595.28, 841.89, 1e20, -1e-9,
		math.Inf(1), math.Inf(-1), math.NaN(), math.MaxFloat64, math.SmallestNonzeroFloat64}
	for prec := 0; prec <= 4; prec++ {
		for _, v := range vals {
			got := string(appendFloat(nil, v, prec))
			if want := fmt.Sprintf("%.*f", prec, v); got != want {
				t.Errorf("appendFloat(%v, %d) = %q, fmt gives %q", v, prec, got, want)
			}
		}
	}
}
