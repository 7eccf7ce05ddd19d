// cpdaudit patch: SetFont's memo of the last family and style must give
// the same document as resolving every call, as upstream does.

package fpdf

import (
	"bytes"
	"math/rand"
	"os"
	"testing"
	"time"
)

func TestSetFontMemoSameBytes(t *testing.T) {
	font, err := os.ReadFile("../../report/fonts/DejaVuSans.ttf")
	if err != nil {
		t.Skipf("DejaVu Sans not found: %v", err)
	}
	families := []string{"dejavu", "DejaVu", "helvetica", "Arial", "times", "courier", "symbol", ""}
	styles := []string{"", "B", "I", "BI", "IB", "U", "bu", "S", "BIUS"}
	sizes := []float64{0, 7, 9, 9, 12.5}
	doc := func(seed int64, memo bool) []byte {
		setFontMemoOff = !memo
		defer func() { setFontMemoOff = false }()
		rng := rand.New(rand.NewSource(seed))
		pdf := New("P", "mm", "A4", "")
		pdf.SetCreationDate(time.Unix(0, 0).UTC())
		pdf.SetModificationDate(time.Unix(0, 0).UTC())
		pdf.SetCatalogSort(true) // fonts in name order, not map order
		pdf.AddUTF8FontFromBytes("dejavu", "", font)
		pdf.SetFont("dejavu", "", 9)
		pdf.AddPage()
		for range 300 {
			// Runs of the same call, as a letter makes them.
			fam, sty, size := families[rng.Intn(len(families))], styles[rng.Intn(len(styles))], sizes[rng.Intn(len(sizes))]
			if fam == "dejavu" || fam == "DejaVu" || fam == "" {
				sty = "" // the only style added (and "" may be dejavu)
			}
			for range 1 + rng.Intn(3) {
				pdf.SetFont(fam, sty, size)
				pdf.CellFormat(0, 5, "Text", "", 1, "L", false, 0, "")
				pdf.CellFormat(0, 5, "Right", "", 1, "R", false, 0, "") // the font's widths
			}
			// Definitions stored in the font map while a font is
			// selected (patch 31 looks the font up again).
			switch rng.Intn(20) {
			case 0:
				pdf.SetUTF8ToUnicode("dejavu", "", map[rune]string{'T': "t"})
			case 1:
				pdf.AddUTF8FontFromBytes("dejavu", "", font) // already added: nothing
			case 2:
				pdf.AddUTF8FontFromBytes("dejavu2", "", font)
				pdf.SetFont("dejavu2", "", 10)
				pdf.CellFormat(0, 5, "Other", "", 1, "R", false, 0, "")
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
			t.Fatalf("seed %d: the document differs with SetFont's memo", seed)
		}
	}
}
