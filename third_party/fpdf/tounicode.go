package fpdf

// cpdaudit patch: this file is not in upstream fpdf.

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf16"
)

// SetUTF8ToUnicode tells the PDF what some characters of a UTF-8 font
// stand for when text is copied or extracted, instead of themselves. A
// program that draws Arabic presentation forms (the joined shapes of
// letters) maps them back to the letters typed, so that copying a name
// gives the name. The font must have been added with AddUTF8Font or
// AddUTF8FontFromBytes; m is kept, not copied, and must not change.
func (f *Fpdf) SetUTF8ToUnicode(familyStr, styleStr string, m map[rune]string) {
	if f.err != nil {
		return
	}
	key := getFontKey(fontFamilyEscape(familyStr), styleStr)
	def, ok := f.fonts[key]
	if !ok || def.Tp != "UTF8" {
		f.err = fmt.Errorf("SetUTF8ToUnicode: no UTF-8 font %s %s", familyStr, styleStr)
		return
	}
	def.toUnicode = m
	f.fonts[key] = def
	f.fontsChanged() // cpdaudit patch 31
}

// toUnicodeCMap is the identity CMap fpdf writes for every UTF-8 font
// (CIDs are Unicode code points), with the used characters that m maps
// written as bfchar entries and left out of the identity ranges, so no
// code has two mappings.
func toUnicodeCMap(m map[rune]string, used map[int]int) string {
	var codes []int
	for c := range used {
		if _, ok := m[rune(c)]; ok && c >= 0 && c <= 0xFFFF {
			codes = append(codes, c)
		}
	}
	if len(codes) == 0 {
		return toUnicode
	}
	slices.Sort(codes)
	var ranges [][2]int
	from := 0
	for _, c := range codes {
		if c > from {
			ranges = append(ranges, [2]int{from, c - 1})
		}
		from = c + 1
	}
	if from <= 0xFFFF {
		ranges = append(ranges, [2]int{from, 0xFFFF})
	}
	var b strings.Builder
	b.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo\n<</Registry (Adobe)\n/Ordering (UCS)\n/Supplement 0\n>> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	// A CMap section holds at most 100 entries.
	for len(ranges) > 0 {
		n := min(len(ranges), 100)
		fmt.Fprintf(&b, "%d beginbfrange\n", n)
		for _, r := range ranges[:n] {
			fmt.Fprintf(&b, "<%04X> <%04X> <%04X>\n", r[0], r[1], r[0])
		}
		b.WriteString("endbfrange\n")
		ranges = ranges[n:]
	}
	for len(codes) > 0 {
		n := min(len(codes), 100)
		fmt.Fprintf(&b, "%d beginbfchar\n", n)
		for _, c := range codes[:n] {
			fmt.Fprintf(&b, "<%04X> <", c)
			for _, u := range utf16.Encode([]rune(m[rune(c)])) {
				fmt.Fprintf(&b, "%04X", u)
			}
			b.WriteString(">\n")
		}
		b.WriteString("endbfchar\n")
		codes = codes[n:]
	}
	b.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend")
	return b.String()
}
