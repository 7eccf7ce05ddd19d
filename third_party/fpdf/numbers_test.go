// cpdaudit patches 17 and 21: Line, Rect and SetLineWidth write their
// numbers without making strings, and SetTextRenderingMode writes constant
// operators; the page must read as upstream's code wrote it.

package fpdf

import (
	"fmt"
	"math"
	"math/rand"
	"strconv"
	"testing"
)

func TestNumbersWrittenAsUpstream(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	values := []float64{0, math.Copysign(0, -1), 0.005, -0.005, 1e-9, 123456.789, -2.675, 1e21}
	for range 500 {
		values = append(values, (rng.Float64()-0.5)*math.Pow(10, float64(rng.Intn(8))))
	}
	pdf := New("P", "mm", "A4", "")
	pdf.AddPage()
	page := pdf.pages[pdf.page]
	num := func(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) } // upstream's fmtF64
	k, h := pdf.k, pdf.h
	for i := 0; i+3 < len(values); i++ {
		a, b, c, d := values[i], values[i+1], values[i+2], values[i+3]
		page.Reset()
		pdf.Line(a, b, c, d)
		if want := num(a*k) + " " + num((h-b)*k) + " m " + num(c*k) + " " + num((h-d)*k) + " l S\n"; page.String() != want {
			t.Fatalf("Line(%v, %v, %v, %v) wrote %q, want %q", a, b, c, d, page.String(), want)
		}
		page.Reset()
		pdf.Rect(a, b, c, d, "F")
		if want := num(a*k) + " " + num((h-b)*k) + " " + num(c*k) + " " + num(-d*k) + " re f\n"; page.String() != want {
			t.Fatalf("Rect(%v, %v, %v, %v) wrote %q, want %q", a, b, c, d, page.String(), want)
		}
		page.Reset()
		pdf.SetLineWidth(a)
		if want := num(a*k) + " w\n"; page.String() != want {
			t.Fatalf("SetLineWidth(%v) wrote %q, want %q", a, page.String(), want)
		}
	}
}

func TestTextRenderingModeAsUpstream(t *testing.T) {
	pdf := New("P", "mm", "A4", "")
	pdf.AddPage()
	page := pdf.pages[pdf.page]
	for mode := -2; mode <= 9; mode++ {
		page.Reset()
		pdf.SetTextRenderingMode(mode)
		want := ""
		if mode >= 0 && mode <= 7 {
			want = fmt.Sprintf("%d Tr\n", mode)
		}
		if page.String() != want {
			t.Errorf("SetTextRenderingMode(%d) wrote %q, want %q", mode, page.String(), want)
		}
	}
}
