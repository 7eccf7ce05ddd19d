// cpdaudit patch: CellFormat's bitmap of ASCII runes already used must
// leave usedRunes as upstream's map writes leave it.

package fpdf

import (
	"bytes"
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

// cellPage writes cells of texts in a UTF-8 font and returns the page's
// content and the used runes, with CellFormat's one pass over ASCII text
// (patch 33) or its two passes.
func cellPage(t testing.TB, font []byte, texts []string, fuse bool) (page []byte, used map[int]int) {
	cellFuseOff = !fuse
	defer func() { cellFuseOff = false }()
	// Text cut inside a character makes appendEscapedUTF16 (upstream's
	// utf8toutf16) index past its end: both ways must panic then.
	defer func() {
		if r := recover(); r != nil {
			page, used = []byte("panic"), nil
		}
	}()
	pdf := New("P", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes("dejavu", "", font)
	pdf.SetFont("dejavu", "", 9)
	pdf.AddPage()
	for i, s := range texts {
		pdf.CellFormat(0, 5, s, "", 1, []string{"L", "R", "C"}[i%3], false, 0, "")
	}
	if err := pdf.Error(); err != nil {
		t.Fatal(err)
	}
	return bytes.Clone(pdf.pages[1].Bytes()), maps.Clone(pdf.fonts["dejavu"].usedRunes)
}

// sameCellPage fails unless texts give the same page and used runes in
// one pass as in two.
func sameCellPage(t testing.TB, font []byte, texts []string) {
	page2, used2 := cellPage(t, font, texts, false)
	page1, used1 := cellPage(t, font, texts, true)
	if !bytes.Equal(page1, page2) {
		t.Fatalf("%q: the page differs in one pass", texts)
	}
	if !maps.Equal(used1, used2) {
		t.Fatalf("%q: used runes %v in one pass, %v in two", texts, used1, used2)
	}
}

// TestCellTextOnePass checks CellFormat's one pass over ASCII text against
// its two (patch 33) on random text: escaped characters, NUL, control
// characters, non-ASCII at any place, invalid UTF-8.
func TestCellTextOnePass(t *testing.T) {
	font, err := os.ReadFile("../../report/fonts/DejaVuSans.ttf")
	if err != nil {
		t.Skipf("DejaVu Sans not found: %v", err)
	}
	alpha := []string{"a", "Z", " ", "(", ")", "\\", "\r", "\x00", "\x01", "\x7f", "é", "—", "’", "ﬁ", "\xff", "\x80", "\xe2\x80", "𝄞"}
	rng := rand.New(rand.NewSource(33))
	for range 400 {
		var texts []string
		for range 1 + rng.Intn(8) {
			var sb strings.Builder
			for range rng.Intn(12) {
				sb.WriteString(alpha[rng.Intn(len(alpha))])
			}
			texts = append(texts, sb.String())
		}
		sameCellPage(t, font, texts)
	}
}

// FuzzCellText compares CellFormat's one pass with its two on any text.
func FuzzCellText(f *testing.F) {
	font, err := os.ReadFile("../../report/fonts/DejaVuSans.ttf")
	if err != nil {
		f.Skipf("DejaVu Sans not found: %v", err)
	}
	for _, s := range []string{"Plain text (1)", "Zoë\\x", "a\x00b", "\xffé(", "\r\n)"} {
		f.Add(s, "second cell")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		sameCellPage(t, font, []string{a, b, a})
	})
}
