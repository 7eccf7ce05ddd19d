// cpdaudit patches 7 and 20: a colour remembered per document must be the
// colour upstream makes anew at every call (makeRGBColorValue).

package fpdf

import (
	"bytes"
	"math/rand"
	"testing"
	"time"
)

func TestRGBColorMemoAsUpstream(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	pdf := New("P", "mm", "A4", "")
	kinds := [][2]string{{"G", "RG"}, {"g", "rg"}, {"", ""}}
	// More colours than the memo keeps (32), out of range ones included,
	// each asked for many times in any order.
	var colours [][3]int
	for range 40 {
		colours = append(colours, [3]int{rng.Intn(300) - 20, rng.Intn(300) - 20, rng.Intn(300) - 20})
	}
	colours = append(colours, [3]int{33, 33, 33}, [3]int{0, 0, 0}, [3]int{255, 255, 255})
	for range 20000 {
		c, k := colours[rng.Intn(len(colours))], kinds[rng.Intn(len(kinds))]
		got := pdf.rgbColorValue(c[0], c[1], c[2], k[0], k[1])
		if want := pdf.makeRGBColorValue(c[0], c[1], c[2], k[0], k[1]); got != want {
			t.Fatalf("rgbColorValue(%v, %q) = %+v, want %+v", c, k, got, want)
		}
	}
}

// TestSameRGBAsUpstream checks patch 23: setting a colour that is already
// the current one keeps it, and that is the value upstream makes anew, also
// around spot colours, pages and out-of-range numbers; and the document
// is the same with the shortcut off.
func TestSameRGBAsUpstream(t *testing.T) {
	doc := func(seed int64, same bool) []byte {
		rgbSameOff = !same
		defer func() { rgbSameOff = false }()
		rng := rand.New(rand.NewSource(seed))
		pdf := New("P", "mm", "A4", "")
		pdf.SetCreationDate(time.Unix(0, 0).UTC())
		pdf.SetModificationDate(time.Unix(0, 0).UTC())
		pdf.AddSpotColor("PANTONE 145 CVC", 0, 42, 100, 25)
		pdf.SetFont("helvetica", "", 9)
		pdf.AddPage()
		colours := [][3]int{{33, 33, 33}, {0, 0, 0}, {255, 255, 255}, {100, 100, 100}, {300, -4, 12}, {255, 0, 12}}
		for range 600 {
			c := colours[rng.Intn(len(colours))]
			switch rng.Intn(9) {
			case 0, 1:
				pdf.SetTextColor(c[0], c[1], c[2])
				if want := pdf.makeRGBColorValue(c[0], c[1], c[2], "g", "rg"); pdf.color.text != want {
					t.Fatalf("text colour %v is %+v, want %+v", c, pdf.color.text, want)
				}
			case 2, 3:
				pdf.SetDrawColor(c[0], c[1], c[2])
				if want := pdf.makeRGBColorValue(c[0], c[1], c[2], "G", "RG"); pdf.color.draw != want {
					t.Fatalf("draw colour %v is %+v, want %+v", c, pdf.color.draw, want)
				}
			case 4:
				pdf.SetFillColor(c[0], c[1], c[2])
				if want := pdf.makeRGBColorValue(c[0], c[1], c[2], "g", "rg"); pdf.color.fill != want {
					t.Fatalf("fill colour %v is %+v, want %+v", c, pdf.color.fill, want)
				}
			case 5:
				switch rng.Intn(3) {
				case 0:
					pdf.SetTextSpotColor("PANTONE 145 CVC", 100)
				case 1:
					pdf.SetDrawSpotColor("PANTONE 145 CVC", 50)
				default:
					pdf.SetFillSpotColor("PANTONE 145 CVC", 20)
				}
			case 6:
				if rng.Intn(20) == 0 {
					pdf.AddPage()
				}
			default:
				pdf.CellFormat(20, 5, "Text", "1", 0, "L", rng.Intn(2) == 0, 0, "")
				pdf.Line(10, 10, 50, 60)
			}
		}
		var b bytes.Buffer
		if err := pdf.Output(&b); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	for seed := range int64(20) {
		if !bytes.Equal(doc(seed, true), doc(seed, false)) {
			t.Fatalf("seed %d: the document differs with sameRGB", seed)
		}
	}
}
