package report

import (
	_ "embed"
	"errors"
	"strings"

	"codeberg.org/go-pdf/fpdf"
)

// DejaVu Sans covers every Latin script members write their names in (Zoë,
// Łukasz, Siân, Ŵyn, Đặng), and Greek and Cyrillic too. fonts/LICENSE is
// the Bitstream Vera / DejaVu licence, which allows embedding and
// redistribution.
//
//go:embed fonts/DejaVuSans.ttf
var dejaVuSans []byte

// Fonts holds the embedded Unicode font, prepared once per run and shared
// read-only by concurrent PDF writers.
//
// What fpdf (v0.12) forces, measured with BenchmarkWritePDF and pprof: an
// fpdf document keeps its fonts in unexported fields, so every document
// must be given the TrueType bytes again through AddUTF8FontFromBytes.
// That parses the font tables, fills a 65,536-entry width table and
// JSON-encodes it to hash a font id (about 1 ms per face). At Output, fpdf
// subsets the font again for the runes used, writes and compresses a
// 128 KiB CID-to-glyph map, and allocates a new zlib compressor for every
// stream (about 1.5 ms per face, plus the garbage collection of roughly
// 5 MB allocated per face). None of it can be cached across documents
// through fpdf's API.
//
// What we do about it:
//   - LoadFonts cuts the 740 KiB DejaVu file down once to the glyphs
//     feedback can need, so each per-PDF parse and subset works on about
//     a quarter of the glyphs (measured: about 1.4 ms saved per face).
//   - Only one face is embedded. Bold is drawn by stroking the regular
//     face (see feedback.font), which halves the per-PDF font cost: about
//     5 ms per PDF instead of 10 ms with DejaVu Sans Bold embedded too.
//
// fpdf only reads the shared bytes (its subsetter copies before it
// patches), so sharing them between goroutines is safe; a test writes
// PDFs concurrently from one Fonts.
type Fonts struct {
	regular []byte
}

// fontFamily is the family name registered in every document.
const fontFamily = "DejaVu"

// fontRanges are the Unicode blocks kept when the font is cut down: every
// Latin block (Vietnamese lives in Latin Extended Additional), combining
// marks, Greek and Cyrillic for names, and the punctuation and symbols the
// feedback text uses. A character outside them would print as a blank box,
// so the list errs on the side of keeping.
var fontRanges = [][2]rune{
	{0x0020, 0x007E}, {0x00A0, 0x036F}, {0x0370, 0x03FF}, {0x0400, 0x052F},
	{0x1E00, 0x1EFF}, {0x2000, 0x206F}, {0x20A0, 0x20BF}, {0x2100, 0x214F},
	{0x2190, 0x21FF}, {0x2200, 0x22FF}, {0x25A0, 0x25FF}, {0x2610, 0x2613},
	{0x2713, 0x2718}, {0xFB00, 0xFB06},
}

// LoadFonts prepares the embedded font, cut down to the glyphs feedback
// uses. Call it once per run (it takes about 10 ms) and pass the result to
// every WritePDF; the value is read-only and safe to share between
// goroutines.
func LoadFonts() (*Fonts, error) {
	var set strings.Builder
	for _, r := range fontRanges {
		for c := r[0]; c <= r[1]; c++ {
			set.WriteRune(c)
		}
	}
	f := &Fonts{regular: fpdf.UTF8CutFont(dejaVuSans, set.String())}
	if len(f.regular) == 0 {
		return nil, errors.New("the embedded DejaVu Sans font could not be prepared")
	}
	return f, nil
}

// register adds the font to one document.
func (f *Fonts) register(p *fpdf.Fpdf) {
	p.AddUTF8FontFromBytes(fontFamily, "", f.regular)
}
