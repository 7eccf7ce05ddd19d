// cpdaudit patch: CellFormat's bitmap of ASCII runes already used must
// leave usedRunes as upstream's map writes leave it.

package fpdf

import (
	"maps"
	"math/rand"
	"os"
	"strings"
	"testing"
)

func TestCellFormatUsedRunes(t *testing.T) {
	font, err := os.ReadFile("../../report/fonts/DejaVuSans.ttf")
	if err != nil {
		t.Skipf("DejaVu Sans not found: %v", err)
	}
	alpha := []rune("abyzAB09 ()\\?@\x01\x7f\x00é—’ﬁŁ")
	rng := rand.New(rand.NewSource(1))
	for range 300 {
		pdf := New("P", "mm", "A4", "")
		pdf.AddUTF8FontFromBytes("dejavu", "", font)
		pdf.SetFont("dejavu", "", 9)
		pdf.AddPage()
		want := maps.Clone(pdf.fonts["dejavu"].usedRunes)
		for range 6 {
			var sb strings.Builder
			for range rng.Intn(4) {
				sb.WriteRune(alpha[rng.Intn(len(alpha))])
			}
			pdf.CellFormat(0, 5, sb.String(), "", 1, "L", false, 0, "")
			for _, r := range sb.String() {
				want[int(r)] = int(r)
			}
			if got := pdf.fonts["dejavu"].usedRunes; !maps.Equal(got, want) {
				t.Fatalf("after %q: used runes %v, want %v", sb.String(), got, want)
			}
		}
	}
}
