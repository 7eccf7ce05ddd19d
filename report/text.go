package report

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/ies/cpdaudit/audit"
	"golang.org/x/text/unicode/bidi"
	"golang.org/x/text/unicode/norm"
)

// Every piece of text in a letter is drawn by feedback.cell and wrapped by
// feedback.split. Text the regular DejaVu cut draws as it stands (Latin,
// Greek, Cyrillic, the letters' own words) goes straight to fpdf, as it
// always has: same bytes, same cost. Other text takes the mixed path:
//
//   - characters no embedded font has become a readable placeholder
//     (emoji are already "[emoji]", see clean);
//   - Arabic letters are shaped (shapeArabic);
//   - right-to-left runs are put in visual order (reorder), as a PDF
//     must hold them; PDF readers (pdftotext, copying from a viewer) put
//     them back in logical order, and the fonts drawing Arabic tell them
//     the letters behind each joined form (arabicToUnicode), so a copied
//     name is the name as typed;
//   - the line is cut into runs by the font that draws them, each fallback
//     font being added to the document the first time it is needed.
//
// Lines are wrapped before they are reordered, as the Unicode
// bidirectional algorithm requires.

// emojiText replaces an emoji, with its modifiers and joined parts.
const emojiText = "[emoji]"

// clean makes member text safe to draw: canonical composition (NFC, so a
// letter typed as "e" plus a combining diaeresis draws as ë), tabs and
// other control characters as spaces (line and paragraph separators as
// new lines), invisible format characters removed (the zero width joiner
// and non-joiner stay: they decide how Arabic letters join), and emoji as
// "[emoji]": fpdf's fonts cannot reach characters above the Basic
// Multilingual Plane, where emoji live, and a question mark read as a
// typing error.
func clean(s string) string {
	if cleanAlready(s) || (norm.NFC.IsNormalString(s) && !needsCleaning(s)) {
		return s
	}
	s = norm.NFC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch {
		case c == '\n':
			b.WriteRune(c)
		case c == 0x2028 || c == 0x2029:
			b.WriteByte('\n')
		case c < 0x20 || (c >= 0x7F && c < 0xA0):
			b.WriteByte(' ')
		case isEmoji(c):
			b.WriteString(emojiText)
			i = skipEmojiSequence(rs, i)
		case c == zwj || c == zwnj:
			b.WriteRune(c)
		case unicode.Is(unicode.Cf, c), unicode.Is(unicode.Variation_Selector, c),
			c >= 0xFDD0 && c <= 0xFDEF, c&0xFFFE == 0xFFFE:
			// dropped: format characters (bidi marks, soft hyphen, tags),
			// variation selectors and noncharacters
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// cleanAlready reports whether clean returns s as it is because every
// character is printable ASCII, a new line or a cleanRunes character
// (a sufficient condition, not a necessary one; the general test is
// NFC.IsNormalString and needsCleaning, several times slower on the
// non-ASCII text that most letters have somewhere).
func cleanAlready(s string) bool {
	var safe *[cleanRunesMax / 64]uint64
	for i := 0; i < len(s); {
		i += printableASCIIPrefix(s[i:])
		if i == len(s) {
			return true
		}
		c := s[i]
		if c == '\n' {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			return false
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r >= cleanRunesMax { // invalid UTF-8 too: RuneError is past it
			return false
		}
		if safe == nil {
			safe = cleanRunes()
		}
		if safe[r>>6]&(1<<(r&63)) == 0 {
			return false
		}
		i += size
	}
	return true
}

// cleanRunesMax bounds cleanRunes: Latin, Greek, Cyrillic, general
// punctuation, currency, letterlike symbols and arrows lie below it.
const cleanRunesMax = 0x2200

// cleanRunes has bit r set when text made of r and other such characters
// (or ASCII) needs nothing from clean: r is in NFC on its own and never
// combines with a character before it (norm's BoundaryBefore: combining
// class 0 and no backward composition), so a string of them is in NFC,
// and needsCleaning does not want it changed.
var cleanRunes = sync.OnceValue(func() *[cleanRunesMax / 64]uint64 {
	var t [cleanRunesMax / 64]uint64
	for r := rune(0x80); r < cleanRunesMax; r++ {
		if r >= 0xD800 && r < 0xE000 {
			continue
		}
		s := string(r)
		if p := norm.NFC.PropertiesString(s); p.CCC() == 0 && p.BoundaryBefore() && norm.NFC.IsNormalString(s) && !needsCleaning(s) {
			t[r>>6] |= 1 << (r & 63)
		}
	}
	return &t
})

// printableASCIIPrefix returns the length of the longest prefix of s made
// of printable ASCII (0x20 to 0x7E), eight bytes at a time.
func printableASCIIPrefix(s string) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		// A high bit set in x (not ASCII), in x-0x20 where x's is clear
		// (a byte below 0x20), or in y-1 where y's is clear (y = x^0x7F
		// has a zero byte: DEL). Borrows only flag bytes after a flagged
		// one, so a chunk is flagged exactly when one of its bytes is.
		y := x ^ 0x7F*ones
		if (x|((x-0x20*ones)&^x)|((y-ones)&^y))&highs != 0 {
			break
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7F {
			break
		}
	}
	return i
}

// needsCleaning reports whether clean would change NFC text s.
func needsCleaning(s string) bool {
	for _, c := range s {
		switch {
		case c < 0x20 && c != '\n', c >= 0x7F && c < 0xA0, c == 0x2028, c == 0x2029, isEmoji(c),
			c != zwj && c != zwnj && unicode.Is(unicode.Cf, c), unicode.Is(unicode.Variation_Selector, c),
			c >= 0xFDD0 && c <= 0xFDEF, c&0xFFFE == 0xFFFE:
			return true
		}
	}
	return false
}

// isEmoji reports whether c starts an emoji that no embedded font draws:
// the supplementary planes' pictographs, emoticons and regional indicator
// letters (flags). Emoji in the Basic Multilingual Plane (☺, ✈, ❤) are
// drawn by DejaVu Sans.
func isEmoji(c rune) bool {
	return c >= 0x1F000 && c <= 0x1FAFF
}

// skipEmojiSequence returns the index of the last character of the emoji
// sequence starting at i: skin tone modifiers, variation selectors, tags,
// the second regional indicator of a flag, and anything joined with a zero
// width joiner all belong to the one emoji.
func skipEmojiSequence(rs []rune, i int) int {
	flag := rs[i] >= 0x1F1E6 && rs[i] <= 0x1F1FF
	for i+1 < len(rs) {
		n := rs[i+1]
		switch {
		case n >= 0x1F3FB && n <= 0x1F3FF, n == 0xFE0E, n == 0xFE0F, n == 0x20E3, n >= 0xE0020 && n <= 0xE007F:
			i++
		case flag && n >= 0x1F1E6 && n <= 0x1F1FF:
			flag = false
			i++
		case n == zwj && i+2 < len(rs) && rs[i+2] > ' ':
			i += 2
		default:
			return i
		}
	}
	return i
}

// plain reports whether the regular DejaVu cut draws s as it stands, left
// to right with no shaping: the path fpdf takes on its own.
func (f *Fonts) plain(s string) bool {
	for i := printableASCIIPrefix(s); i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf {
			return f.plainRunes(s[i:])
		} else if c < 0x20 || c == 0x7F {
			return false
		}
	}
	return true
}

func (f *Fonts) plainRunes(s string) bool {
	for _, c := range s {
		if unicode.IsControl(c) || !f.has.has(c) || isMark(c) || c == zwj || c == zwnj {
			return false
		}
	}
	return true
}

func isMark(c rune) bool {
	return c >= 0x0300 && (unicode.Is(unicode.Mn, c) || unicode.Is(unicode.Me, c))
}

// drawable returns s with every run of characters that no embedded font
// draws replaced by a placeholder naming the character (one) or the script
// (more): "[U+20BB7]", "[Thai text]". Control characters left in s are
// dropped.
func (f *Fonts) drawable(s string) string {
	if f.plain(s) {
		return s
	}
	var b strings.Builder
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		if unicode.IsControl(c) {
			continue
		}
		if c == zwj || c == zwnj || f.fontFor(c) >= 0 || (isMark(c) && i > 0) {
			b.WriteRune(c)
			continue
		}
		j := i + 1
		for j < len(rs) && (isMark(rs[j]) || (rs[j] != zwj && rs[j] != zwnj && f.fontFor(rs[j]) < 0 && rs[j] > ' ')) {
			j++
		}
		b.WriteString(placeholder(rs[i:j]))
		i = j - 1
	}
	return b.String()
}

// placeholder names undrawable characters.
func placeholder(rs []rune) string {
	letters := 0
	for _, c := range rs {
		if !isMark(c) {
			letters++
		}
	}
	if letters <= 1 {
		return fmt.Sprintf("[U+%04X]", rs[0])
	}
	if name := scriptOf(rs[0]); name != "" {
		return "[" + strings.ReplaceAll(name, "_", " ") + " text]"
	}
	return fmt.Sprintf("[U+%04X…]", rs[0])
}

// scriptOf names the script of c (Thai, Bengali), or "" for characters
// shared between scripts.
func scriptOf(c rune) string {
	for name, t := range unicode.Scripts {
		if name != "Common" && name != "Inherited" && unicode.Is(t, c) {
			return name
		}
	}
	return ""
}

// segment is a piece of a line drawn in one font.
type segment struct {
	font int // as Fonts.fontFor numbers them
	text string
}

// segments cuts visual-order text into runs by font. Spaces, digits,
// punctuation and marks stay in the font of the run they are in when that
// font has them, so an Arabic name is one run, not one per word.
func (f *Fonts) segments(rs []rune) []segment {
	var segs []segment
	cur, start := -1, 0
	for i, c := range rs {
		font := cur
		if cur < 0 || !f.fontHas(cur, c) || (cur == 0 && !neutral(c) && f.fontFor(c) != 0) {
			font = f.fontFor(c)
			if font < 0 {
				font = 0 // drawable has replaced these; keep fpdf's blank box
			}
		} else if cur != 0 && !neutral(c) && f.fontFor(c) == 0 {
			// Latin letters after an Arabic run go back to DejaVu.
			font = 0
		}
		if font != cur {
			if i > start {
				segs = append(segs, segment{cur, string(rs[start:i])})
			}
			cur, start = font, i
		}
	}
	if len(rs) > start {
		segs = append(segs, segment{cur, string(rs[start:])})
	}
	return segs
}

// neutral: characters that take the font of the text around them.
func neutral(c rune) bool {
	return c < 0x80 && !unicode.IsLetter(c) || isMark(c) || unicode.IsSpace(c) || unicode.IsPunct(c) || unicode.Is(unicode.Cf, c)
}

// shaped returns the logical-order runes of s as they are drawn: Arabic
// letters in their contextual forms.
func (f *Fonts) shaped(s string) []rune {
	rs := []rune(s)
	arabic := false
	for _, c := range rs {
		if c >= 0x0600 && c <= 0x08FF || c == zwj || c == zwnj {
			arabic = true
			break
		}
	}
	if !arabic {
		return rs
	}
	return shapeArabic(rs, func(base, form rune) bool {
		font := f.fontFor(base)
		return font >= 0 && f.fontHas(font, form)
	})
}

// rtl reports whether any character of rs is written right to left.
func rtl(rs []rune) bool {
	for _, c := range rs {
		if c >= 0x0590 && c <= 0x08FF || c >= 0xFB1D && c <= 0xFDFF || c >= 0xFE70 && c <= 0xFEFF {
			if p, _ := bidi.LookupRune(c); p.Class() == bidi.R || p.Class() == bidi.AL {
				return true
			}
		}
	}
	return false
}

// reorder puts one line of logical-order text in visual order (rules L1
// to L4 of the Unicode bidirectional algorithm, UAX #9), with the levels
// from bidiLevels. A combining mark in right-to-left text comes before its
// letter once reversed, and stays there: fpdf draws it with no advance at
// the letter's left edge, and the marks of the fonts drawing Arabic and
// Hebrew reach to the right of where they are drawn, over the letter.
func reorder(rs []rune) []rune {
	levels := bidiLevels(rs)
	runes := slices.Clone(rs)
	// L2: from the highest level down to 1, reverse every stretch at
	// that level or above.
	for lvl := uint8(2); lvl >= 1; lvl-- {
		for i := 0; i < len(runes); {
			if levels[i] < lvl {
				i++
				continue
			}
			j := i
			for j < len(runes) && levels[j] >= lvl {
				j++
			}
			reverseRunes(runes[i:j])
			reverseRunes(levels[i:j])
			i = j
		}
	}
	for i, c := range runes {
		// L4: brackets face the other way in right-to-left text.
		if levels[i]%2 == 1 {
			if p, _ := bidi.LookupRune(c); p.IsBracket() {
				runes[i] = []rune(bidi.ReverseString(string(c)))[0]
			}
		}
	}
	return runes
}

// bidiLevels resolves the embedding level of each character of one line
// (UAX #9 rules P2 to I2 and L1), for text without explicit embeddings or
// isolates: clean removes those formatting characters. The character
// classes and bracket pairs come from golang.org/x/text/unicode/bidi. Its
// Paragraph.Order is not used: it gives runs without their levels (so a
// number inside Arabic text cannot be placed) and it resolves the two
// brackets of a pair differently in "Dr محمد 123 (علي) and".
func bidiLevels(rs []rune) []uint8 {
	n := len(rs)
	t := make([]bidi.Class, n)
	for i, c := range rs {
		t[i] = classOf(c)
	}
	orig := slices.Clone(t)
	// P2, P3: the paragraph takes the direction of its first strong letter.
	e := bidi.L
	for _, c := range t {
		if c == bidi.L {
			break
		}
		if c == bidi.R || c == bidi.AL {
			e = bidi.R
			break
		}
	}
	// W1: a mark takes the class of what it marks.
	prev := e
	for i := range t {
		if t[i] == bidi.NSM {
			t[i] = prev
		}
		prev = t[i]
	}
	// W2, W3: digits after Arabic letters are Arabic numbers.
	last := e
	for i := range t {
		switch t[i] {
		case bidi.L, bidi.R, bidi.AL:
			last = t[i]
		case bidi.EN:
			if last == bidi.AL {
				t[i] = bidi.AN
			}
		}
	}
	for i := range t {
		if t[i] == bidi.AL {
			t[i] = bidi.R
		}
	}
	// W4: one separator between two numbers joins them.
	for i := 1; i+1 < n; i++ {
		switch {
		case t[i] == bidi.ES && t[i-1] == bidi.EN && t[i+1] == bidi.EN:
			t[i] = bidi.EN
		case t[i] == bidi.CS && t[i-1] == t[i+1] && (t[i-1] == bidi.EN || t[i-1] == bidi.AN):
			t[i] = t[i-1]
		}
	}
	// W5: terminators (%, currency) next to a number belong to it.
	for i := 0; i < n; {
		if t[i] != bidi.ET {
			i++
			continue
		}
		j := i
		for j < n && t[j] == bidi.ET {
			j++
		}
		if (i > 0 && t[i-1] == bidi.EN) || (j < n && t[j] == bidi.EN) {
			for k := i; k < j; k++ {
				t[k] = bidi.EN
			}
		}
		i = j
	}
	// W6, W7.
	for i := range t {
		if t[i] == bidi.ES || t[i] == bidi.ET || t[i] == bidi.CS {
			t[i] = bidi.ON
		}
	}
	last = e
	for i := range t {
		switch t[i] {
		case bidi.L, bidi.R:
			last = t[i]
		case bidi.EN:
			if last == bidi.L {
				t[i] = bidi.L
			}
		}
	}
	// N0: a pair of brackets takes the direction of what it encloses.
	strong := func(c bidi.Class) bidi.Class {
		switch c {
		case bidi.L:
			return bidi.L
		case bidi.R, bidi.EN, bidi.AN:
			return bidi.R
		}
		return bidi.ON
	}
	for _, pr := range bracketPairs(rs, t) {
		var inE, inO bool
		for k := pr[0] + 1; k < pr[1]; k++ {
			switch d := strong(t[k]); {
			case d == e:
				inE = true
			case d != bidi.ON:
				inO = true
			}
		}
		d := bidi.ON
		switch {
		case inE:
			d = e
		case inO:
			ctx := e
			for k := pr[0] - 1; k >= 0; k-- {
				if s := strong(t[k]); s != bidi.ON {
					ctx = s
					break
				}
			}
			d = e
			if ctx != e {
				d = ctx
			}
		}
		if d == bidi.ON {
			continue
		}
		for _, b := range pr {
			t[b] = d
			for k := b + 1; k < n && orig[k] == bidi.NSM; k++ {
				t[k] = d
			}
		}
	}
	// N1, N2: neutrals between two letters of one direction take it,
	// others the paragraph's.
	for i := 0; i < n; {
		if strong(t[i]) != bidi.ON {
			i++
			continue
		}
		j := i
		for j < n && strong(t[j]) == bidi.ON {
			j++
		}
		before, after := e, e
		if i > 0 {
			before = strong(t[i-1])
		}
		if j < n {
			after = strong(t[j])
		}
		d := e
		if before == after {
			d = before
		}
		for k := i; k < j; k++ {
			t[k] = d
		}
		i = j
	}
	// I1, I2, and L1 for the spaces at the end of the line.
	levels := make([]uint8, n)
	var base uint8
	if e == bidi.R {
		base = 1
	}
	for i := range t {
		switch {
		case base == 0 && t[i] == bidi.R:
			levels[i] = 1
		case base == 0 && (t[i] == bidi.EN || t[i] == bidi.AN):
			levels[i] = 2
		case base == 1 && t[i] != bidi.R:
			levels[i] = 2
		default:
			levels[i] = base
		}
	}
	for i := n - 1; i >= 0 && (orig[i] == bidi.WS || orig[i] == bidi.S); i-- {
		levels[i] = base
	}
	return levels
}

// bracketPairs finds the pairs of matching brackets (UAX #9 BD16), in
// order of their opening bracket.
func bracketPairs(rs []rune, t []bidi.Class) [][2]int {
	type open struct {
		closing rune
		at      int
	}
	var stack []open
	var pairs [][2]int
	for i, c := range rs {
		if t[i] != bidi.ON {
			continue
		}
		p, _ := bidi.LookupRune(c)
		switch {
		case p.IsOpeningBracket():
			if len(stack) == 63 {
				return sortPairs(pairs)
			}
			stack = append(stack, open{[]rune(bidi.ReverseString(string(c)))[0], i})
		case p.IsBracket():
			for k := len(stack) - 1; k >= 0; k-- {
				if stack[k].closing == c {
					pairs = append(pairs, [2]int{stack[k].at, i})
					stack = stack[:k]
					break
				}
			}
		}
	}
	return sortPairs(pairs)
}

func sortPairs(p [][2]int) [][2]int {
	slices.SortFunc(p, func(a, b [2]int) int { return a[0] - b[0] })
	return p
}

func classOf(c rune) bidi.Class {
	p, _ := bidi.LookupRune(c)
	return p.Class()
}

func reverseRunes[T any](s []T) {
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
}

// useFont adds font i to the document the first time the document needs
// it, so a member whose text needs no fallback pays nothing for it.
func (d *feedback) useFont(i int) {
	if i == 0 || d.fallbacks&(1<<i) != 0 {
		return
	}
	d.fallbacks |= 1 << i
	d.p.AddUTF8FontFromBytes(family(i), "", fallbackFonts[i-1].ttf)
	d.p.SetUTF8ToUnicode(family(i), "", arabicToUnicode)
}

// width measures segments in the current font size.
func (d *feedback) width(segs []segment) float64 {
	p := d.p
	size, _ := p.GetFontSize()
	w := 0.0
	for _, s := range segs {
		d.useFont(s.font)
		p.SetFont(family(s.font), "", size)
		w += p.GetStringWidth(s.text)
	}
	p.SetFont(fontFamily, "", size)
	return w
}

// textWidth measures one line of mixed text in the current font size.
func (d *feedback) textWidth(s string) float64 {
	return d.width(d.fonts.segments(d.fonts.shaped(s)))
}

// cell draws one line of text as fpdf's CellFormat(w, h, s, "", ln, align,
// false, 0, "") would, with the fallback fonts, shaping and bidi ordering
// above when s needs them. It is the one way text is drawn.
func (d *feedback) cell(w, h float64, s string, ln int, align string) {
	p := d.p
	if d.fonts.plain(s) {
		p.CellFormat(w, h, s, "", ln, align, false, 0, "")
		return
	}
	d.mixedCell(w, h, s, ln, align)
}

// plainCell is cell for a line known to be plain (see appendSplit).
func (d *feedback) plainCell(w, h float64, s string, ln int, align string) {
	d.p.CellFormat(w, h, s, "", ln, align, false, 0, "")
}

// mixedCell is cell for a line that is not plain.
func (d *feedback) mixedCell(w, h float64, s string, ln int, align string) {
	p := d.p
	s = d.fonts.drawable(s)
	x, y := p.GetXY()
	visual := d.fonts.shaped(s)
	if rtl(visual) {
		visual = reorder(visual)
	}
	segs := d.fonts.segments(visual)
	tw := d.width(segs)
	m := p.GetCellMargin()
	tx := x + m
	switch align {
	case "C":
		tx = x + (w-tw)/2
	case "R":
		tx = x + w - m - tw
	}
	size, _ := p.GetFontSize()
	p.SetCellMargin(0)
	for _, sg := range segs {
		d.useFont(sg.font)
		p.SetFont(family(sg.font), "", size)
		sw := p.GetStringWidth(sg.text)
		p.SetXY(tx, y)
		p.CellFormat(sw, h, sg.text, "", 0, "L", false, 0, "")
		tx += sw
	}
	p.SetCellMargin(m)
	p.SetFont(fontFamily, "", size)
	if ln == 1 {
		p.SetY(y + h) // and x at the left margin, as CellFormat does
	} else {
		p.SetXY(x+w, y)
	}
}

// wrap breaks mixed text into lines no wider than w (less the cell
// margins, as fpdf's SplitText measures), in logical order. A line may
// break after a space, or between two characters of a script written
// without spaces (Chinese, Japanese); a word wider than a line is broken
// between letters, never between a letter and its marks.
func (d *feedback) wrap(s string, w float64) []string {
	s = d.fonts.drawable(s)
	avail := w - 2*d.p.GetCellMargin()
	rs := []rune(s)
	// Break into tokens: a token ends after spaces or at a break
	// opportunity next to an ideograph, kana or Hangul syllable.
	var tokens []string
	start := 0
	for i := 1; i <= len(rs); i++ {
		if i == len(rs) || (rs[i] != ' ' && (rs[i-1] == ' ' || ideographic(rs[i]) || ideographic(rs[i-1])) && !isMark(rs[i])) {
			tokens = append(tokens, string(rs[start:i]))
			start = i
		}
	}
	var lines []string
	var line strings.Builder
	lineW := 0.0
	flush := func() {
		lines = append(lines, strings.TrimRight(line.String(), " "))
		line.Reset()
		lineW = 0
	}
	for _, tok := range tokens {
		tw := d.textWidth(strings.TrimRight(tok, " "))
		if line.Len() > 0 && lineW+tw > avail {
			flush()
		}
		if tw > avail {
			// Break the word between letters.
			for _, g := range clusters(tok) {
				gw := d.textWidth(g)
				if line.Len() > 0 && lineW+gw > avail && strings.TrimSpace(g) != "" {
					flush()
				}
				line.WriteString(g)
				lineW += gw
			}
			continue
		}
		line.WriteString(tok)
		lineW += d.textWidth(tok)
	}
	if line.Len() > 0 || len(lines) == 0 {
		flush()
	}
	return lines
}

// ideographic: scripts written without spaces between words, where a line
// may break between any two characters.
func ideographic(c rune) bool {
	return c >= 0x2E80 && c <= 0x9FFF || c >= 0xF900 && c <= 0xFAFF || c >= 0xFF00 && c <= 0xFFEF
}

// clusters splits s into letters with their combining marks.
func clusters(s string) []string {
	var out []string
	rs := []rune(s)
	for i := 0; i < len(rs); {
		j := i + 1
		for j < len(rs) && (isMark(rs[j]) || rs[j] == zwj || rs[j] == zwnj) {
			j++
		}
		out = append(out, string(rs[i:j]))
		i = j
	}
	return out
}

// TextFlags returns notes for the office about the member's text that the
// letters cannot draw as it was typed: Devanagari (and Arabic letters
// outside shapeArabic's table) drawn without shaping, so its letters do
// not join into their conjunct forms, and characters that no embedded font
// has, drawn as placeholders. Someone who reads the script should check
// the letter before it is sent. Emoji, replaced by "[emoji]", are not
// flagged.
func (f *Fonts) TextFlags(r *audit.MemberResult) []string {
	var other []string
	other = append(other, r.Member.ID)
	other = append(other, r.Member.Registrations...)
	for i := range r.Activities {
		a := &r.Activities[i]
		other = append(other, a.Title, a.NotCountedReason)
		other = append(other, a.Flags...)
	}
	other = append(other, r.Flags...)
	other = append(other, r.Notes...)
	var flags []string
	for _, part := range []struct {
		what  string
		texts []string
	}{{"Name", []string{r.Member.Name}}, {"Activity text", other}} {
		unshaped, missing := map[string]bool{}, map[string]bool{}
		for _, t := range part.texts {
			f.checkText(clean(t), unshaped, missing)
		}
		if len(unshaped) > 0 {
			flags = append(flags, fmt.Sprintf("%s drawn without shaping (%s): check the letter", part.what, scriptList(unshaped)))
		}
		if len(missing) > 0 {
			flags = append(flags, fmt.Sprintf("%s has characters no letter font can draw (%s), shown as placeholders: check the letter", part.what, scriptList(missing)))
		}
	}
	return flags
}

// checkText adds to unshaped the scripts of s that are drawn without the
// shaping they need, and to missing those that no font draws.
func (f *Fonts) checkText(s string, unshaped, missing map[string]bool) {
	if f.plain(s) {
		return
	}
	for _, c := range s {
		switch {
		case c == zwj || c == zwnj || c == '\n':
		case c >= 0x0900 && c <= 0x097F && (unicode.Is(unicode.Mn, c) || unicode.Is(unicode.Mc, c)):
			// Vowel signs and the virama change or move the letters
			// around them; only a shaping engine draws them right.
			unshaped["Devanagari"] = true
		case (c >= 0x0620 && c <= 0x06FF || c >= 0x0750 && c <= 0x077F || c >= 0x08A0 && c <= 0x08FF) &&
			unicode.IsLetter(c) && arabicForms[c] == [4]rune{}:
			unshaped["Arabic"] = true
		case f.fontFor(c) < 0 && !isMark(c):
			name := scriptOf(c)
			if name == "" {
				name = fmt.Sprintf("U+%04X", c)
			}
			missing[strings.ReplaceAll(name, "_", " ")] = true
		}
	}
}

func scriptList(m map[string]bool) string {
	names := slices.Sorted(maps.Keys(m))
	if len(names) > 3 {
		names = append(names[:3], "others")
	}
	return strings.Join(names, ", ")
}
