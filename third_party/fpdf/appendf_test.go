// cpdaudit patch 29: appendf must give fmt.Sprintf's bytes.

package fpdf

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
)

// appendfCase formats format with args both ways.
func appendfCase(t *testing.T, format string, args ...any) {
	t.Helper()
	want := fmt.Sprintf(format, args...)
	if got := string(appendf([]byte("pre"), format, args...)); got != "pre"+want {
		t.Fatalf("appendf(%q, %#v) = %q, fmt.Sprintf gives %q", format, args, got, "pre"+want)
	}
}

// TestAppendfFpdfLines checks the formats fpdf's objects use, with
// numbers around every power of ten and the edges of each type.
func TestAppendfFpdfLines(t *testing.T) {
	ints := []int{0, 1, -1, 9, 10, 99, 100, 255, 256, 999999999, 1000000000, 9999999999, -999999999, math.MaxInt, math.MinInt}
	for p := 1; p < 1e18; p *= 10 {
		ints = append(ints, p-1, p, p+1, -p)
	}
	floats := []float64{0, math.Copysign(0, -1), 0.005, 0.015, 0.125, 595.28, 841.89, -3.5, 1e21, 1e-7, math.Inf(1), math.Inf(-1), math.NaN(), math.MaxFloat64, math.SmallestNonzeroFloat64}
	for _, n := range ints {
		for _, format := range []string{"%d 0 obj", "%010d 00000 n ", "%d", "/Size %d", "<</Filter /FlateDecode /Length %d>>", "%d J", "/F%s %d 0 R"} {
			if format == "/F%s %d 0 R" {
				appendfCase(t, format, "1", n)
			} else {
				appendfCase(t, format, n)
			}
		}
	}
	for _, v := range floats {
		for _, format := range []string{"%.2f w", "/MediaBox [0 0 %.2f %.2f]", "%.0f", "%.5f", "%.9f"} {
			appendfCase(t, format, v, v*3)
		}
	}
	// Everything else goes to fmt (a table, so vet does not check them).
	for _, c := range []struct {
		format string
		args   []any
	}{
		{"100%% %d%%", []any{5}},
		{"%d", []any{int64(5)}},
		{"%d", []any{uint8(5)}},
		{"%s", []any{[]byte("x")}},
		{"%d %d", []any{1}},
		{"%d", []any{1, 2}},
		{"%5d|%-5d|%x|%v|%q|%.4F|%.10f|%08d", []any{1, 2, 3, 4, "q", 1.5, 2.5, 7}},
		{"%010d", []any{-42}},
		{"%010d", []any{"s"}},
		{"%.2f", []any{3}},
		{"trailing %", nil},
		{"%", nil},
		{"%!", nil},
		{"", nil},
		{"%s and %s", []any{"a%d", "b"}},
	} {
		appendfCase(t, c.format, c.args...)
	}
	rng := rand.New(rand.NewSource(29))
	for range 100000 {
		v := math.Float64frombits(rng.Uint64())
		if rng.Intn(2) == 0 {
			v = float64(rng.Intn(2000000)-1000000) / 1000
		}
		appendfCase(t, "%.2f %.3f", v, v)
		n := int(rng.Uint64())
		appendfCase(t, "%010d %d", n&(1<<rng.Intn(63)-1), n)
	}
}

// FuzzAppendf compares appendf with fmt.Sprintf on any format and
// arguments of the types fpdf passes (and one it does not).
func FuzzAppendf(f *testing.F) {
	f.Add("%d 0 obj", 12, "x", 1.5, uint8(0))
	f.Add("%010d 00000 n ", 123456, "", 0.0, uint8(1))
	f.Add("/MediaBox [0 0 %.2f %.2f]", 0, "", 595.28, uint8(2))
	f.Add("/F%s %d 0 R", 3, "1", 0.0, uint8(3))
	f.Add("%%PDF-%s", 0, "1.4", 0.0, uint8(4))
	f.Add("<< %d %s %.1f %010d %% %x >>", -7, "s", -0.05, uint8(5))
	f.Add("%.2f %.0f", 0, "", math.Inf(1), uint8(14))
	f.Add("%.3f", 0, "", math.NaN(), uint8(13))
	f.Fuzz(func(t *testing.T, format string, n int, s string, v float64, pattern uint8) {
		var args []any
		for i := range int(pattern % 6) {
			switch (int(pattern/6) + i) % 4 {
			case 0:
				args = append(args, n)
			case 1:
				args = append(args, s)
			case 2:
				args = append(args, v)
			default:
				args = append(args, int64(n))
			}
		}
		want := fmt.Sprintf(format, args...)
		if got := string(appendf(nil, format, args...)); got != want {
			t.Fatalf("appendf(%q, %#v) = %q, fmt.Sprintf gives %q", format, args, got, want)
		}
	})
}
