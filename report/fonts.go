package report

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

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
//   - The fallback fonts (fallbackFonts, for scripts the cut lacks) are
//     added to a document only when its text needs one (feedback.useFont),
//     so the usual member pays nothing for them.
//
// fpdf only reads the shared bytes (its subsetter copies before it
// patches), so sharing them between goroutines is safe; a test writes
// PDFs concurrently from one Fonts.
type Fonts struct {
	regular []byte
	// has is what regular draws: text made only of these characters
	// (and no right-to-left letters) takes the plain path, exactly as
	// before any fallback font existed.
	has *coverage
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
	var err error
	if f.has, err = fontCoverage(f.regular); err != nil {
		return nil, fmt.Errorf("the embedded DejaVu Sans font could not be prepared: %w", err)
	}
	return f, nil
}

// register adds the font to one document.
func (f *Fonts) register(p *fpdf.Fpdf) {
	p.AddUTF8FontFromBytes(fontFamily, "", f.regular)
}

// Fallback fonts draw what the cut-down DejaVu Sans cannot: Arabic,
// Hebrew, Devanagari, Chinese, Japanese and Korean from fonts made for
// them, then anything else the whole DejaVu Sans has (Armenian, Georgian,
// symbols). fonts/README.md says where each file comes from and under
// which licence; fonts/make-fonts.sh rebuilds them. They are stored
// gzipped (1.9 MB instead of 4.1 MB in the binary) and unpacked the first
// time a document needs one, once per process, so a run whose members all
// write in Latin, Greek or Cyrillic never unpacks them, and a document
// embeds a fallback (subsetted, like DejaVu) only when its text uses it.
var (
	//go:embed fonts/NotoSansArabic-Regular.ttf.gz
	notoArabic []byte
	//go:embed fonts/NotoSansHebrew-Regular.ttf.gz
	notoHebrew []byte
	//go:embed fonts/NotoSansDevanagari-Regular.ttf.gz
	notoDevanagari []byte
	//go:embed fonts/WenQuanYiMicroHei-CJK.ttf.gz
	wqyCJK []byte
)

// fallbackFont is one fallback: the blocks it is asked for, in the order
// fallbackFonts lists them; its cmap has the last word on each character.
type fallbackFont struct {
	family string // the fpdf family name, unique per document
	name   string // for messages
	gz     []byte // gzipped TrueType, or nil when raw is set
	raw    []byte
	blocks [][2]rune // nil: any character

	once sync.Once
	ttf  []byte
	has  *coverage
	err  error
}

var fallbackFonts = []*fallbackFont{
	{family: "NotoArabic", name: "Noto Sans Arabic", gz: notoArabic,
		blocks: [][2]rune{{0x0600, 0x06FF}, {0x0750, 0x077F}, {0x08A0, 0x08FF}, {0xFB50, 0xFDFF}, {0xFE70, 0xFEFF}}},
	{family: "NotoHebrew", name: "Noto Sans Hebrew", gz: notoHebrew,
		blocks: [][2]rune{{0x0590, 0x05FF}, {0xFB1D, 0xFB4F}}},
	{family: "NotoDevanagari", name: "Noto Sans Devanagari", gz: notoDevanagari,
		blocks: [][2]rune{{0x0900, 0x097F}, {0xA8E0, 0xA8FF}}},
	// The same ranges as make-fonts.sh keeps.
	{family: "WQYCJK", name: "WenQuanYi Micro Hei", gz: wqyCJK,
		blocks: [][2]rune{{0x1100, 0x11FF}, {0x2E80, 0x2FDF}, {0x3000, 0x312F}, {0x3130, 0x318F}, {0x31F0, 0x31FF},
			{0x3200, 0x33FF}, {0x3400, 0x4DBF}, {0x4E00, 0x9FFF}, {0xA960, 0xA97F}, {0xAC00, 0xD7FF},
			{0xF900, 0xFAFF}, {0xFE30, 0xFE4F}, {0xFF00, 0xFFEF}}},
	{family: "DejaVuAll", name: "DejaVu Sans", raw: dejaVuSans},
}

// load unpacks the font and reads its cmap, once per process: fpdf keeps
// its parse of a font file by the identity of its bytes, so every
// document must be given the same slice.
func (ff *fallbackFont) load() {
	ff.once.Do(func() {
		ff.ttf = ff.raw
		if ff.gz != nil {
			zr, err := gzip.NewReader(bytes.NewReader(ff.gz))
			if err == nil {
				ff.ttf, err = io.ReadAll(zr)
			}
			if err != nil {
				ff.err = fmt.Errorf("unpacking the embedded %s font: %w", ff.name, err)
				return
			}
		}
		if ff.has, ff.err = fontCoverage(ff.ttf); ff.err != nil {
			ff.err = fmt.Errorf("the embedded %s font: %w", ff.name, ff.err)
		}
	})
}

// asked reports whether r is in the blocks the font is asked for; it
// needs no unpacking.
func (ff *fallbackFont) asked(r rune) bool {
	if ff.blocks == nil {
		return true
	}
	for _, b := range ff.blocks {
		if r >= b[0] && r <= b[1] {
			return true
		}
	}
	return false
}

// fontFor returns the font that draws r: 0 for the regular DejaVu cut,
// i+1 for fallbackFonts[i], -1 when no embedded font has it.
func (f *Fonts) fontFor(r rune) int {
	if f.has.has(r) {
		return 0
	}
	for i, ff := range fallbackFonts {
		if !ff.asked(r) {
			continue
		}
		ff.load()
		if ff.err == nil && ff.has.has(r) {
			return i + 1
		}
	}
	return -1
}

// fontHas reports whether font i (as fontFor numbers them) draws r.
func (f *Fonts) fontHas(i int, r rune) bool {
	if i == 0 {
		return f.has.has(r)
	}
	ff := fallbackFonts[i-1]
	ff.load()
	return ff.err == nil && ff.has.has(r)
}

// family returns the fpdf family name of font i.
func family(i int) string {
	if i == 0 {
		return fontFamily
	}
	return fallbackFonts[i-1].family
}
