package report

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Neither Excel nor LibreOffice sizes a row to its wrapped text when it
// opens a file a library wrote: a row without a height stays one line high
// and long text overprints the rows below. So the workbooks set every
// wrapped row's height themselves, from an estimate of how many lines the
// text takes in its column.
//
// A column's width is counted in widths of the digit 0 of the default font
// (Calibri 11). LibreOffice, which has no Calibri on most machines,
// substitutes a wider font but scales the columns by the same digit width,
// so a character's width measured in digits is nearly the same in both
// programs; charWidth holds the wider of Calibri's and Noto Sans's (the
// usual substitute), so the estimate errs toward one line too many rather
// than a clipped line.

const (
	// linePt is the height of one line of 11-point text, in points: Excel's
	// default row height, and what LibreOffice draws for its substitute.
	linePt = 15.0
	// rowPadPt is added to a wrapped row so its last line is not flush
	// with the border.
	rowPadPt = 3.0
	// maxRowPt is the tallest row Excel allows.
	maxRowPt = 409.0
	// cellPadChars is the part of a column's width the cell's own padding
	// takes (about 5 pixels of 7).
	cellPadChars = 1.0
	// boldWidth is how much wider bold text runs than regular.
	boldWidth = 1.08
)

// asciiWidth is the width of each printable ASCII character, in widths of
// the digit 0.
var asciiWidth = func() [128]float64 {
	var w [128]float64
	for i := range w {
		w[i] = 1.0
	}
	set := func(chars string, v float64) {
		for i := 0; i < len(chars); i++ {
			w[chars[i]] = v
		}
	}
	set(" ", 0.46)
	set("il.,:;'|!", 0.47)
	set("jI", 0.52)
	set("ft", 0.68)
	set("r", 0.72)
	set("-()[]{}", 0.6)
	set("sz\"/\\*", 0.84)
	set("cJ", 0.86)
	set("kvxyL", 0.92)
	set("aeFTYZS", 1.0)
	set("bdghnopquE", 1.08)
	set("?^~_=+<>#$", 1.0)
	set("ABKPRVX", 1.16)
	set("CDGHNU", 1.3)
	set("OQ&", 1.37)
	set("w%", 1.42)
	set("m", 1.63)
	set("MW@", 1.78)
	return w
}()

// charWidth is the width of r in widths of the digit 0.
func charWidth(r rune) float64 {
	switch {
	case r < 128:
		return asciiWidth[r]
	case r >= 0x1100 && (r <= 0x115F || (r >= 0x2E80 && r <= 0xA4CF) || (r >= 0xAC00 && r <= 0xD7A3) || (r >= 0xF900 && r <= 0xFAFF) || (r >= 0xFF00 && r <= 0xFF60)):
		return 2.0 // CJK and other full-width characters
	default:
		return 1.1 // accented Latin, Greek, Cyrillic ... about an average letter
	}
}

// textLines is how many lines text takes when wrapped in a column width
// characters wide. Lines break at spaces and after hyphens
// (as both programs do); a word longer than the line breaks anywhere.
// Line breaks in the text start new lines. Empty text takes one line.
func textLines(text string, width float64, bold bool) int {
	avail := width - cellPadChars
	if bold {
		avail /= boldWidth
	}
	if avail < 1 {
		avail = 1
	}
	lines := 0
	for para := range strings.SplitSeq(text, "\n") {
		lines += paraLines(strings.TrimRight(para, "\r"), avail)
	}
	return max(lines, 1)
}

// paraLines wraps one paragraph greedily: a run of characters up to and
// including a break opportunity (a hyphen, or a space, which may
// hang past the edge) goes on the current line if it fits, else starts a
// new one.
func paraLines(s string, avail float64) int {
	lines, used := 1, 0.0
	seg, segTrail := 0.0, 0.0 // the current run, and its trailing space
	flush := func() {
		defer func() { seg, segTrail = 0, 0 }()
		if used+seg <= avail {
			used += seg + segTrail
			return
		}
		if used > 0 {
			lines++
		}
		// A run longer than a line is broken between characters.
		for seg > avail {
			lines++
			seg -= avail
		}
		used = seg + segTrail
	}
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		i += size
		w := charWidth(r)
		switch r {
		case ' ':
			segTrail += w
			flush()
		case '-':
			seg += w
			flush()
		default:
			seg += w
		}
	}
	if seg > 0 {
		flush()
	}
	return lines
}

// rowHeight is the height in points of a row whose tallest cell takes
// lines lines, capped at Excel's maximum.
func rowHeight(lines int) float64 {
	if lines <= 1 {
		return linePt
	}
	return min(float64(lines)*linePt+rowPadPt, maxRowPt)
}

// wrappedHeight is the height a row of a table needs for its text in the
// columns of style wrap; 0 when every cell fits on one line, so the row
// keeps the default height.
func wrappedHeight(cells []any, cols []column, wrap int) float64 {
	lines := 1
	for i, v := range cells {
		if i >= len(cols) || cols[i].style != wrap {
			continue
		}
		if s, ok := v.(string); ok && s != "" {
			lines = max(lines, textLines(s, cols[i].width, false))
		}
	}
	if lines == 1 {
		return 0
	}
	return rowHeight(lines)
}

// wrappedCellsHeight is wrappedHeight for typed cells.
func wrappedCellsHeight(cells []sheetCell, cols []column, wrap int) float64 {
	lines := 1
	for i := range cells {
		if i >= len(cols) || cols[i].style != wrap {
			continue
		}
		if s, ok := cells[i].text(); ok && s != "" {
			lines = max(lines, textLines(s, cols[i].width, false))
		}
	}
	if lines == 1 {
		return 0
	}
	return rowHeight(lines)
}

// RowHeight is the height in points a row needs to show its text cells
// wrapped in their columns (cells[i] in widths[i] characters; other values
// and cells past widths count one line), for the sheets the assessor's
// loop adds to the run's workbook. It is 0 when one line is enough, so the
// row can keep the default height.
func RowHeight(cells []any, widths []float64, bold bool) float64 {
	lines := 1
	for i, v := range cells {
		if s, ok := v.(string); ok && s != "" && i < len(widths) {
			lines = max(lines, textLines(s, widths[i], bold))
		}
	}
	if lines == 1 {
		return 0
	}
	return rowHeight(lines)
}

// PrintSetup is how a sheet prints: the orientation, how many pages wide
// and tall it is scaled to (0 leaves that direction free), and the rows
// repeated at the top of every page.
type PrintSetup struct {
	Landscape bool
	// PagesWide and PagesTall: 1 and 0 is one page wide, as many pages
	// long as it takes; 1 and 1 is one page.
	PagesWide, PagesTall int
	// TitleRows, "1" or "1:5", are printed at the top of every page.
	TitleRows string
}

// Paper and margins of every printed sheet: A4 (the IES is in the UK),
// margins in inches, narrower than Excel's default to leave room for the
// columns.
const paperA4 = 9

// SetPrint gives sheet its page setup: A4, the orientation and scaling of
// ps, narrow margins, the repeated title rows, and a footer naming the
// sheet and the page. On a streamed sheet it must come before the stream
// writer is made (it writes the fit-to-page flag with the sheet's first
// bytes).
func SetPrint(f *excelize.File, sheet string, ps PrintSetup) error {
	fit := ps.PagesWide > 0 || ps.PagesTall > 0
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	orient, size := "portrait", paperA4
	if ps.Landscape {
		orient = "landscape"
	}
	layout := &excelize.PageLayoutOptions{Size: &size, Orientation: &orient}
	if fit {
		wide, tall := ps.PagesWide, ps.PagesTall
		layout.FitToWidth, layout.FitToHeight = &wide, &tall
	}
	if err := f.SetPageLayout(sheet, layout); err != nil {
		return err
	}
	side, topBottom, headFoot := 0.4, 0.6, 0.3
	centre := true
	if err := f.SetPageMargins(sheet, &excelize.PageLayoutMarginsOptions{
		Left: &side, Right: &side, Top: &topBottom, Bottom: &topBottom,
		Header: &headFoot, Footer: &headFoot, Horizontally: &centre,
	}); err != nil {
		return err
	}
	if err := f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{
		OddFooter: "&L&8&A&R&8Page &P of &N",
	}); err != nil {
		return err
	}
	if ps.TitleRows == "" {
		return nil
	}
	first, last, ok := strings.Cut(ps.TitleRows, ":")
	if !ok {
		last = first
	}
	name := excelize.DefinedName{
		Name:     "_xlnm.Print_Titles",
		RefersTo: fmt.Sprintf("'%s'!$%s:$%s", strings.ReplaceAll(sheet, "'", "''"), first, last),
		Scope:    sheet,
	}
	// A workbook opened again (the assessor's loop) may hold the name
	// already; set it afresh.
	_ = f.DeleteDefinedName(&excelize.DefinedName{Name: name.Name, Scope: sheet})
	return f.SetDefinedName(&name)
}
