// cpdaudit patch: a document must come out the same whether its font parts
// are made (a cache miss) or taken from cutFonts (a hit).

package fpdf

import (
	"bytes"
	"fmt"
	"os"
	"testing"
	"time"
)

func TestCutFontCacheSameBytes(t *testing.T) {
	font, err := os.ReadFile("../../report/fonts/DejaVuSans.ttf")
	if err != nil {
		t.Skipf("DejaVu Sans not found: %v", err)
	}
	doc := func(text string) []byte {
		pdf := New("P", "mm", "A4", "")
		// Both dates: an unset one is the wall clock, which would differ
		// between the two documents across a second boundary.
		pdf.SetCreationDate(time.Unix(0, 0).UTC())
		pdf.SetModificationDate(time.Unix(0, 0).UTC())
		pdf.SetCompression(true)
		pdf.AddUTF8FontFromBytes("dejavu", "", font)
		pdf.SetFont("dejavu", "", 9)
		pdf.AddPage()
		pdf.CellFormat(0, 5, text, "", 1, "L", false, 0, "")
		var b bytes.Buffer
		if err := pdf.Output(&b); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	for i := range 20 {
		text := fmt.Sprintf("Zoë %d — Łukasz, Siân ŵ %c%c", i, 'A'+rune(i), 0x400+rune(i))
		cutFonts.Lock()
		cutFonts.m, cutFonts.ring, cutFonts.next = nil, nil, 0
		cutFonts.Unlock()
		miss := doc(text)
		if n := len(cutFonts.m); n != 1 {
			t.Fatalf("%d cut fonts cached after one document, want 1", n)
		}
		hit := doc(text)
		if !bytes.Equal(miss, hit) {
			t.Fatalf("%q: the document differs when its font parts come from the cache", text)
		}
	}
}
