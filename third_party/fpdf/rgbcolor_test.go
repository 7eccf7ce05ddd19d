// cpdaudit patches 7 and 20: a colour remembered per document must be the
// colour upstream makes anew at every call (makeRGBColorValue).

package fpdf

import (
	"math/rand"
	"testing"
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
