package report

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"github.com/ies/cpdaudit/audit"
)

// PDFOptions are the run-wide settings of the feedback PDFs.
type PDFOptions struct {
	// Version is the tool version, written in the metadata and the footer.
	Version string
	// Created is the fixed creation date, for byte-identical output (the
	// pipeline derives it from SOURCE_DATE_EPOCH or uses a constant).
	Created time.Time
	// Policy is the policy in force: titles and notes quote its numbers.
	// The zero Policy stands for audit.DefaultPolicy().
	Policy audit.Policy
}

// policy is the policy in force; a zero Policy (no hours required, which
// Validate refuses) means the default.
func (o PDFOptions) policy() audit.Policy {
	if o.Policy.Hours.Required == 0 {
		return defaultPolicy()
	}
	return o.Policy
}

// defaultPolicy is audit.DefaultPolicy decoded once: it decodes the
// embedded policy.toml on every call, which was more than half the time
// of a letter written without a policy (BenchmarkFeedbackPDF: 3.9 ms a
// letter, 2.2 ms of it in the TOML decoder). The letters only read it.
var defaultPolicy = sync.OnceValue(audit.DefaultPolicy)

// Page geometry in millimetres (A4 portrait).
const (
	pageW, pageH   = 210.0, 297.0
	marginX        = 15.0
	marginTop      = 14.0
	contentW       = pageW - 2*marginX
	bottomLimit    = pageH - 18.0 // below it only the footer is drawn
	bodySize       = 9.0
	lineH          = 4.2 // for bodySize text
	tableSize      = 8.5 // activity table text: smaller, to keep a typical record within three pages
	cellPad        = 1.4 // vertical padding inside table cells
	maxLinesInCell = 24  // a pasted essay in a title must not outgrow a page
)

type rgb struct{ r, g, b int }

var (
	colText      = rgb{33, 33, 33}
	colMuted     = rgb{100, 100, 100}
	colRule      = rgb{205, 205, 205}
	colHeadFill  = rgb{232, 238, 245}
	colZebra     = rgb{248, 248, 248}
	colAccent    = rgb{31, 78, 121}
	colBar       = rgb{78, 143, 58}
	colBarLow    = rgb{201, 162, 39}
	colThreshold = rgb{192, 57, 43}
)

// verdictStyle is how a verdict is shown: its words, a strong colour for the
// outcome badge and a light fill with dark text for table cells (the same
// pair the workbook's conditional formats use).
type verdictStyle struct {
	words       string
	strong      rgb
	fill, ink   rgb
	explanation string
}

var verdictStyles = map[audit.Verdict]verdictStyle{
	audit.Met: {"MET", rgb{46, 125, 50}, rgb{198, 239, 206}, rgb{0, 97, 0},
		"Your record meets all four standards on this pre-screen."},
	audit.Review: {"REVIEW", rgb{204, 122, 0}, rgb{255, 235, 156}, rgb{156, 87, 0},
		"An assessor will look at the points marked REVIEW before deciding."},
	audit.NotMet: {"NOT MET", rgb{198, 40, 40}, rgb{255, 199, 206}, rgb{156, 0, 6},
		"Your record does not yet meet every standard: the next steps below say what to add."},
	audit.Exempt: {"EXEMPT", rgb{117, 117, 117}, rgb{231, 230, 230}, rgb{58, 56, 56},
		"You are exempt from the CPD requirements for this year; nothing needs doing."},
}

func styleOf(v audit.Verdict) verdictStyle {
	if s, ok := verdictStyles[v]; ok {
		return s
	}
	return verdictStyle{words: string(v), strong: colMuted, fill: colZebra, ink: colText}
}

// tcell is one table cell.
type tcell struct {
	text string
	bold bool
	// boldFirst sets the first line in bold (a finding's level word).
	boldFirst bool
	size      float64 // font size in points; 0 means bodySize
	ink       rgb
	fill      *rgb
	align     string // "L" (default), "C" or "R"
}

// feedback lays out one member's PDF.
type feedback struct {
	p    *fpdf.Fpdf
	r    *audit.MemberResult
	opts PDFOptions
	row  int // rows drawn in the current table, for zebra striping
	// fonts and fallbacks: see cell; fallbacks has bit i set once
	// fallback font i is added to the document.
	fonts     *Fonts
	fallbacks uint32
	// final, when set, makes the feedback the one sent with the final
	// letter: its outcome and standards agree with the final outcome.
	final *FinalOutcome
	// spare are the buffers of the last row drawn, for the next one.
	spare rowBufs
}

// rowBufs hold a table row's wrapped lines: the lines of every cell in
// one slice, and each cell's lines in it. A letter draws some 60 rows,
// and each made both slices anew; a row drawn leaves its buffers to the
// next (a row drawn inside another, the header repeated on a new page,
// makes its own).
type rowBufs struct {
	cells [][]string
	lines []string
}

// takeRowBufs returns buffers for a row of n cells.
func (d *feedback) takeRowBufs(n int) rowBufs {
	b := d.spare
	d.spare = rowBufs{}
	if cap(b.cells) < n {
		b.cells = make([][]string, n)
	}
	b.cells = b.cells[:n]
	if b.lines == nil {
		b.lines = make([]string, 0, 2*n+4)
	}
	return b
}

// keepRowBufs keeps b for the next row; its lines are no longer used.
func (d *feedback) keepRowBufs(b rowBufs) {
	d.spare = rowBufs{b.cells[:0], b.lines[:0]}
}

// WritePDF writes one member's feedback PDF. The same arguments always give
// the same bytes: the dates come from opts and nothing reads the clock.
func WritePDF(w io.Writer, r audit.MemberResult, f *Fonts, opts PDFOptions) error {
	return writeFeedback(w, r, nil, f, opts)
}

// writeFeedback writes the pre-screen feedback (final nil) or the final
// feedback of r.
func writeFeedback(w io.Writer, r audit.MemberResult, final *FinalOutcome, f *Fonts, opts PDFOptions) error {
	if f == nil {
		return fmt.Errorf("WritePDF: no fonts (call LoadFonts once per run)")
	}
	p := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", Size: fpdf.SizeType{Wd: pageW, Ht: pageH}})
	// The alias must be set before the fonts are added: fpdf reserves the
	// glyphs it needs for the page count when it registers a font.
	p.AliasNbPages("{nb}")
	f.register(p)
	d := &feedback{p: p, r: &r, opts: opts, fonts: f, final: final}
	d.setup()
	p.AddPage()
	d.header()
	d.standards()
	d.chart()
	d.activities()
	d.notes()
	d.closing()
	if err := p.Error(); err != nil {
		return fmt.Errorf("laying out the feedback for member %s: %w", r.Member.ID, err)
	}
	return p.Output(w)
}

func (d *feedback) setup() {
	r := d.r
	if d.final != nil {
		d.setupDocument(
			fmt.Sprintf("CPD feedback %s, final outcome: %s (%s)", yearText(r.Year), clean(r.Member.Name), clean(r.Member.ID)),
			"Feedback on a CPD record with its final outcome against the four IES standards",
			"feedback with the final outcome of the IES CPD audit")
		return
	}
	d.setupDocument(
		fmt.Sprintf("CPD feedback %s: %s (%s)", yearText(r.Year), clean(r.Member.Name), clean(r.Member.ID)),
		"Pre-screen of a CPD record against the four IES standards",
		"a pre-screen that an IES assessor confirms")
}

// setupDocument sets what every cpdaudit letter shares: metadata, fixed
// dates (byte-identical output), margins, and the running header and
// footer. footer is the words after "cpdaudit VERSION · ".
func (d *feedback) setupDocument(title, subject, footer string) {
	p := d.p
	p.SetTitle(title, true)
	p.SetAuthor(d.opts.policy().Letterhead.Organisation, true)
	p.SetSubject(subject, true)
	p.SetCreator("cpdaudit "+d.opts.Version, true)
	p.SetProducer("cpdaudit "+d.opts.Version, true)
	p.SetLang("en-GB")
	p.SetCreationDate(d.opts.Created)
	p.SetModificationDate(d.opts.Created)
	p.SetCatalogSort(true)
	p.SetCompression(true)
	p.SetMargins(marginX, marginTop, marginX)
	// Page breaks are placed by hand (see need) so a table row is never
	// split and every new page repeats the table header.
	p.SetAutoPageBreak(false, pageH-bottomLimit)
	p.SetCellMargin(1.5)
	head := "" // the title cut to one line, made once
	p.SetHeaderFunc(func() {
		if p.PageNo() == 1 {
			return
		}
		d.font(false, 8, colMuted)
		p.SetXY(marginX, 8)
		if head == "" {
			head = d.split(title, contentW, 1)[0]
		}
		d.cell(contentW, 4, head, 0, "L")
		d.rule(13)
		p.SetXY(marginX, marginTop+2)
	})
	p.SetFooterFunc(func() {
		d.font(false, 7.5, colMuted)
		p.SetXY(marginX, pageH-12)
		d.cell(contentW*0.75, 4, "cpdaudit "+d.opts.Version+" · "+footer, 0, "L")
		d.cell(contentW*0.25, 4, "Page "+strconv.Itoa(p.PageNo())+" of {nb}", 0, "R")
	})
}

// font selects the text font. Bold is drawn, not embedded: the regular
// face is filled and also stroked with a thin outline in the text colour
// (PDF text rendering mode 2), as word processors do for "faux bold". A
// second embedded face would double fpdf's per-document font cost (see
// Fonts), and the text stays real, selectable text either way.
func (d *feedback) font(bold bool, size float64, c rgb) {
	p := d.p
	p.SetFont(fontFamily, "", size)
	p.SetTextColor(c.r, c.g, c.b)
	if bold {
		p.SetTextRenderingMode(2)
		p.SetDrawColor(c.r, c.g, c.b)
		p.SetLineWidth(size * boldStroke)
	} else {
		p.SetTextRenderingMode(0)
	}
}

// boldStroke is the outline width of faux-bold text per point of font
// size, in millimetres: 0.045 pt per pt, close to DejaVu Sans Bold's weight.
const boldStroke = 0.045 * 25.4 / 72

func (d *feedback) rule(y float64) {
	d.p.SetDrawColor(colRule.r, colRule.g, colRule.b)
	d.p.SetLineWidth(0.2)
	d.p.Line(marginX, y, pageW-marginX, y)
}

// need starts a new page when h millimetres do not fit on this one and
// reports whether it did.
func (d *feedback) need(h float64) bool {
	if d.p.GetY()+h <= bottomLimit {
		return false
	}
	d.p.AddPage()
	return true
}

// headingH is the height heading takes.
const headingH = 3 + 7 + 1

func (d *feedback) heading(text string) {
	d.need(20) // keep a heading with at least a couple of lines after it
	p := d.p
	p.SetY(p.GetY() + 3)
	d.font(true, 12, colAccent)
	p.SetX(marginX)
	d.cell(contentW, 7, text, 1, "L")
	p.SetY(p.GetY() + 1)
}

func (d *feedback) header() {
	p, r := d.p, d.r
	if fo := d.final; fo != nil {
		p.SetY(d.letterHead("CPD record feedback", "FINAL OUTCOME", styleOf(fo.Final)))
		text := decisionSentence(*fo) + " " + finalWords[fo.Final][1]
		if fo.Final == audit.NotMet && r.Outcome == audit.Met {
			text += " The pre-screen found every standard met; the assessor's decision replaces it."
		}
		d.paragraph(text+" "+hoursLine(r), false, colText)
		d.commentToMember(*fo)
	} else {
		st := styleOf(r.Outcome)
		p.SetY(d.letterHead("CPD record feedback", "PRE-SCREEN OUTCOME", st))
		d.paragraph(st.explanation+" "+hoursLine(r), false, colText)
	}
	d.rule(p.GetY() + 1.5)
	p.SetY(p.GetY() + 3)
}

// letterHead draws the top of every letter: the kicker line, the member's
// name (wrapped in the space left of the badge), the member line, and the
// outcome badge, the word in white on the outcome colour. It returns the y
// below both.
func (d *feedback) letterHead(kicker, badgeLabel string, st verdictStyle) float64 {
	p, r := d.p, d.r
	d.font(false, 8.5, colMuted)
	p.SetXY(marginX, marginTop)
	d.cell(contentW, 4, clean(d.opts.policy().Letterhead.Organisation)+" · "+kicker+" "+yearText(r.Year), 1, "L")
	return d.nameAndBadge(marginTop+6, badgeLabel, st)
}

// nameAndBadge draws the member's name (wrapped in the space left of the
// badge) and member line from top, with the outcome badge at the right. It
// returns the y below both.
func (d *feedback) nameAndBadge(top float64, badgeLabel string, st verdictStyle) float64 {
	p, r := d.p, d.r
	badgeW, badgeH := 40.0, 15.0
	badgeX := pageW - marginX - badgeW
	d.font(true, 18, colText)
	name := clean(r.Member.Name)
	if name == "" {
		name = "Member " + clean(r.Member.ID)
	}
	lines := d.split(name, badgeX-marginX-4, 3)
	for i, line := range lines {
		p.SetXY(marginX, top+float64(i)*8)
		d.cell(badgeX-marginX-4, 8, line, 0, "L")
	}
	// The member line goes below the last line of the name, and what
	// follows goes below both: a long name or member line never
	// overprints.
	y := top + float64(len(lines))*8 + 1
	d.font(false, 10, colText)
	for _, line := range d.split(memberLine(r), badgeX-marginX-4, 3) {
		p.SetXY(marginX, y)
		d.cell(badgeX-marginX-4, 5, line, 0, "L")
		y += 5
	}

	p.SetFillColor(st.strong.r, st.strong.g, st.strong.b)
	p.RoundedRect(badgeX, top, badgeW, badgeH, 2, "1234", "F")
	d.font(false, 7, rgb{255, 255, 255})
	p.SetXY(badgeX, top+1.5)
	d.cell(badgeW, 3.5, badgeLabel, 0, "C")
	d.font(true, 14, rgb{255, 255, 255})
	p.SetXY(badgeX, top+5.5)
	d.cell(badgeW, 7, st.words, 0, "C")
	return math.Max(y, top+badgeH) + 3
}

func memberLine(r *audit.MemberResult) string {
	parts := []string{"Member " + clean(r.Member.ID)}
	if r.Member.Grade != audit.GradeUnknown {
		parts = append(parts, clean(string(r.Member.Grade))+" member")
	} else {
		parts = append(parts, "grade not on record")
	}
	if len(r.Member.Registrations) > 0 {
		parts = append(parts, clean(strings.Join(r.Member.Registrations, ", ")))
	}
	parts = append(parts, "CPD year "+yearText(r.Year))
	return strings.Join(parts, " · ")
}

func hoursLine(r *audit.MemberResult) string {
	if r.Outcome == audit.Exempt {
		return ""
	}
	return fmt.Sprintf("Hours counted: %s (%s required). Categories with enough hours to count toward the balance: %d (%d required).",
		formatHours(r.CountedHours), formatHours(r.RequiredHours), r.SubstantiveCategories, r.RequiredCategories)
}

func yearText(y int) string {
	if y == 0 {
		return ""
	}
	return strconv.Itoa(y)
}

// split wraps text to width w in the current font, at most max lines (the
// last one ending in an ellipsis when text was cut).
func (d *feedback) split(text string, w float64, max int) []string {
	lines, _ := d.appendSplit(nil, text, w, max)
	return lines
}

// appendSplit appends split(text, w, max) to lines. A table row keeps the
// lines of all its cells in one slice: a slice per paragraph, per cell and
// per wrapping was most of a letter's allocations. plain reports that
// every line appended is plain (Fonts.plain), so cell need not ask again:
// each is a piece of a plain paragraph, or empty, or checked.
func (d *feedback) appendSplit(lines []string, text string, w float64, max int) (_ []string, plain bool) {
	start := len(lines)
	plain = true
	for {
		para, rest, more := strings.Cut(text, "\n")
		switch {
		case para == "":
			lines = append(lines, "")
		case d.fonts.plain(para):
			lines = d.p.AppendSplitText(lines, para, w)
		default:
			lines = append(lines, d.wrap(para, w)...)
			plain = false
		}
		if !more {
			break
		}
		text = rest
	}
	if len(lines)-start > max {
		lines = lines[:start+max]
		last := strings.TrimRight(lines[start+max-1], " ") + " …"
		lines[start+max-1] = last
		plain = plain && d.fonts.plain(last)
	}
	return lines, plain && !knownPlainOff
}

// knownPlainOff makes every line drawn ask Fonts.plain again, for the
// tests that compare with it.
var knownPlainOff bool

// paragraph writes wrapped body text across the full width.
func (d *feedback) paragraph(text string, bold bool, c rgb) {
	if text == "" {
		return
	}
	d.font(bold, bodySize, c)
	for _, line := range d.split(clean(text), contentW, 1000) {
		d.need(lineH)
		d.p.SetX(marginX)
		d.cell(contentW, lineH, line, 1, "L")
	}
}

// tableRow draws one row: every cell wrapped to its column, the row as high
// as its tallest cell. When the row does not fit, it starts a new page and
// calls header first, so tables break cleanly with their header repeated.
// It returns the row's top and height.
func (d *feedback) tableRow(widths []float64, cells []tcell, header func(), zebra bool) (float64, float64) {
	p := d.p
	bufs, plain, h := d.wrapRow(widths, cells)
	wrapped := bufs.cells
	if d.need(h) && header != nil {
		header()
	}
	x, y := marginX, p.GetY()
	for i, c := range cells {
		fill := c.fill
		if fill == nil && zebra && d.row%2 == 1 {
			fill = &colZebra
		}
		if fill != nil {
			p.SetFillColor(fill.r, fill.g, fill.b)
			p.Rect(x, y, widths[i], h, "F")
		}
		align := c.align
		if align == "" {
			align = "L"
		}
		lh := c.lineHeight()
		for k, line := range wrapped[i] {
			bold := c.bold || (c.boldFirst && k == 0)
			d.cellFont(tcell{bold: bold, size: c.size, ink: c.ink})
			p.SetXY(x, y+cellPad+float64(k)*lh)
			if plain&(1<<i) != 0 {
				d.plainCell(widths[i], lh, line, 0, align)
			} else {
				d.cell(widths[i], lh, line, 0, align)
			}
		}
		x += widths[i]
	}
	p.SetDrawColor(colRule.r, colRule.g, colRule.b)
	p.SetLineWidth(0.15)
	p.Line(marginX, y+h, marginX+sum(widths), y+h)
	p.SetXY(marginX, y+h)
	d.row++
	d.keepRowBufs(bufs)
	return y, h
}

// wrapRow wraps each cell to its column and returns the lines, which
// cells' lines are all plain (wrapLines) and the row's height, padding
// included.
func (d *feedback) wrapRow(widths []float64, cells []tcell) (rowBufs, uint64, float64) {
	b := d.takeRowBufs(len(cells))
	plain := d.wrapLines(widths, cells, &b)
	h := lineH
	for i, c := range cells {
		h = max(h, float64(len(b.cells[i]))*c.lineHeight())
	}
	return b, plain, h + 2*cellPad
}

// wrapLines sets b.cells[i] to cells[i]'s text wrapped to widths[i] in
// its font (which it selects), all in b.lines. Bit i of the result is
// set when every line of cells[i] is plain (see appendSplit).
func (d *feedback) wrapLines(widths []float64, cells []tcell, b *rowBufs) (plain uint64) {
	var endsArr [8]int
	ends := endsArr[:0]
	all := b.lines[:0]
	for i, c := range cells {
		d.cellFont(c)
		var ok bool
		all, ok = d.appendSplit(all, clean(c.text), widths[i], maxLinesInCell)
		if ok && i < 64 {
			plain |= 1 << i
		}
		ends = append(ends, len(all))
	}
	start := 0
	for i, end := range ends {
		b.cells[i] = all[start:end:end]
		start = end
	}
	b.lines = all
	return plain
}

// rowHeight is the height tableRow gives a row of cells.
func (d *feedback) rowHeight(widths []float64, cells []tcell) float64 {
	b, _, h := d.wrapRow(widths, cells)
	d.keepRowBufs(b)
	return h
}

// headerCells are a header row's cells.
func headerCells(titles []string) []tcell {
	cells := make([]tcell, len(titles))
	for i, t := range titles {
		cells[i] = tcell{text: t, bold: true, size: tableSize, fill: &colHeadFill}
	}
	return cells
}

// keepTable starts a new page unless the table's header and first row fit
// on this one below room millimetres of other things (a heading), so a
// header never stands alone at the foot of a page.
func (d *feedback) keepTable(room float64, widths []float64, titles []string, first []tcell) {
	h := room + d.rowHeight(widths, headerCells(titles))
	if first != nil {
		h += d.rowHeight(widths, first)
	}
	d.need(h)
}

// lineHeight is the distance between the cell's lines: 0.46 mm per point
// of font size, which is lineH at bodySize.
func (c tcell) lineHeight() float64 {
	if c.size == 0 {
		return lineH
	}
	return c.size * lineH / bodySize
}

func (d *feedback) cellFont(c tcell) {
	size := c.size
	if size == 0 {
		size = bodySize
	}
	ink := c.ink
	if ink == (rgb{}) {
		ink = colText
	}
	d.font(c.bold, size, ink)
}

func sum(ws []float64) float64 {
	t := 0.0
	for _, w := range ws {
		t += w
	}
	return t
}

// headerRow returns a function drawing a table's header row.
func (d *feedback) headerRow(widths []float64, titles ...string) func() {
	return func() {
		d.tableRow(widths, headerCells(titles), nil, false)
		d.row = 0
	}
}

var standardWidths = []float64{50, 24, contentW - 74}

func (d *feedback) standards() {
	d.heading("The four standards")
	header := d.headerRow(standardWidths, "Standard", "Verdict", "Why, and what to do next")
	header()
	var shown [4]shownStandard
	if d.final != nil {
		shown = finalStandards(d.r, *d.final)
	} else {
		for i, s := range d.r.Standards {
			shown[i] = shownStandard{StandardResult: s, style: styleOf(s.Verdict)}
		}
	}
	for _, s := range shown {
		st := s.style
		text := strings.TrimSpace(s.Reason)
		if len(s.NextSteps) > 0 {
			text += "\nNext steps:"
			for _, n := range s.NextSteps {
				text += "\n• " + n
			}
		}
		d.tableRow(standardWidths, []tcell{
			{text: fmt.Sprintf("%d. %s", s.Standard, s.Standard.Title(d.opts.policy())), bold: true},
			{text: st.words, bold: true, fill: &st.fill, ink: st.ink, align: "C"},
			{text: text},
		}, header, false)
	}
}

// chart draws hours per category as horizontal bars against the
// substantive threshold, with fpdf's primitives so it stays vector and
// its labels stay text.
func (d *feedback) chart() {
	r, p := d.r, d.p
	if r.Outcome == audit.Exempt && r.CountedHours == 0 {
		return // an empty chart tells an exempt member nothing
	}
	const labelW, valueW, barH, gap = 46.0, 22.0, 5.0, 2.2
	plotW := contentW - labelW - valueW
	h := 14 + float64(audit.NumCategories)*(barH+gap) + 12
	d.need(h + 12)
	d.heading("Hours per learning category")

	top := p.GetY() + 6 // room for the threshold label above the plot
	scale := r.SubstantiveThreshold
	for _, v := range r.CategoryHours {
		scale = math.Max(scale, v)
	}
	scale = niceCeil(scale * 1.05)
	x0 := marginX + labelW
	xOf := func(v float64) float64 { return x0 + plotW*v/scale }

	// Light vertical grid with hour labels.
	step := niceStep(scale)
	bottom := top + float64(audit.NumCategories)*(barH+gap)
	for v := 0.0; v <= scale+1e-9; v += step {
		x := xOf(v)
		p.SetDrawColor(235, 235, 235)
		p.SetLineWidth(0.15)
		p.Line(x, top-1, x, bottom)
		d.font(false, 7, colMuted)
		p.SetXY(x-8, bottom+0.5)
		d.cell(16, 3.5, formatHours(v), 0, "C")
	}
	for i, c := range audit.Categories {
		v := r.CategoryHours[i]
		y := top + float64(i)*(barH+gap)
		d.font(false, bodySize, colText)
		p.SetXY(marginX, y)
		d.cell(labelW, barH, string(c), 0, "L")
		col := colBar
		if v < r.SubstantiveThreshold {
			col = colBarLow
		}
		if v > 0 {
			p.SetFillColor(col.r, col.g, col.b)
			p.Rect(x0, y, math.Max(xOf(v)-x0, 0.3), barH, "F")
		}
		d.font(v >= r.SubstantiveThreshold && v > 0, bodySize, colText)
		// A short bar's label goes past the threshold line, not through it.
		lx := xOf(v)
		if v < r.SubstantiveThreshold {
			lx = math.Max(lx, xOf(r.SubstantiveThreshold))
		}
		p.SetXY(lx+1, y)
		d.cell(valueW, barH, formatHours(v)+" h", 0, "L")
	}
	// The threshold line, dashed, labelled above the plot.
	tx := xOf(r.SubstantiveThreshold)
	p.SetDrawColor(colThreshold.r, colThreshold.g, colThreshold.b)
	p.SetLineWidth(0.4)
	p.SetDashPattern([]float64{1.2, 0.9}, 0)
	p.Line(tx, top-2, tx, bottom)
	p.SetDashPattern([]float64{}, 0)
	d.font(false, 7, colThreshold)
	p.SetXY(tx-30, top-5.5)
	d.cell(60, 3.5, "substantive: "+formatHours(r.SubstantiveThreshold)+" h", 0, "C")

	p.SetY(bottom + 5)
	d.font(false, 8, colMuted)
	p.SetX(marginX)
	b := d.opts.policy().Balance
	note := fmt.Sprintf("Green bars reach the dashed line (at least %s hours, the larger of %s hours and %s of your counted hours) and count toward the balance of standard 2; amber bars are below it.",
		formatHours(r.SubstantiveThreshold), formatHours(b.SubstantiveMinHours), formatPercent(b.SubstantiveMinShare))
	for _, line := range d.split(note, contentW, 3) {
		p.SetX(marginX)
		d.cell(contentW, 3.8, line, 1, "L")
	}
}

// niceCeil rounds an axis maximum up to a round multiple of a power of ten
// (1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8), so the bars use most of the width.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	mag := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10} {
		if v <= m*mag {
			return m * mag
		}
	}
	return 10 * mag
}

// niceStep picks a grid step of 1, 2 or 5 times a power of ten giving
// about four to ten grid lines, so the hour labels read as round numbers.
func niceStep(scale float64) float64 {
	raw := scale / 6
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if raw <= m*mag {
			return m * mag
		}
	}
	return 10 * mag
}

// activityWidths are the activity table's columns: Date, Activity,
// Category, Hours, Counted and the reflection finding, which also holds
// why an activity is not counted (a sentence squeezed into the Counted
// column broke its words over a dozen lines).
var activityWidths = []float64{18, 44, 25, 12, 16, contentW - 115}

var activityTitles = []string{"Date", "Activity", "Category", "Hours", "Counted", "Reflection finding"}

func (d *feedback) activities() {
	acts := d.r.Activities
	if len(acts) == 0 {
		d.heading("Your activities")
		d.paragraph("No activities were recorded for this member.", false, colText)
		return
	}
	tips := newTipNumbers(acts)
	rows := make([][]tcell, len(acts))
	for i := range acts {
		rows[i] = activityCells(&acts[i], tips)
	}
	// The heading, the header and the first activity go on one page.
	d.keepTable(headingH, activityWidths, activityTitles, rows[0])
	d.heading("Your activities")
	header := d.headerRow(activityWidths, activityTitles...)
	header()
	for i := range acts {
		y, h := d.tableRow(activityWidths, rows[i], header, true)
		// A coloured bar at the left of the finding shows its level at a
		// glance (green adequate, amber partial or unclear, red descriptive/missing).
		st := reflectionStyle(acts[i].Reflection.Level)
		d.p.SetFillColor(st.r, st.g, st.b)
		d.p.Rect(marginX+sum(activityWidths[:5]), y, 0.9, h, "F")
	}
}

// activityCells are the cells of one activity's row.
func activityCells(a *audit.ActivityResult, tips *tipNumbers) []tcell {
	counted := "Yes"
	finding := []string{levelWords(a.Reflection.Level)}
	if !a.Counted {
		counted = "No"
		if a.NotCountedReason != "" {
			finding = append(finding, "Not counted. "+a.NotCountedReason)
		}
	}
	if tip := tips.text(a.Reflection.Advice); tip != "" {
		finding = append(finding, tip)
	}
	if len(a.Flags) > 0 {
		finding = append(finding, "For the assessor: "+strings.Join(a.Flags, "; "))
	}
	date := ""
	if !a.Date.IsZero() {
		date = a.Date.Format("02 Jan 2006")
	}
	return []tcell{
		{text: date, size: tableSize},
		{text: a.Title, size: tableSize},
		{text: string(a.Category), size: tableSize},
		{text: formatHours(a.Hours), size: tableSize, align: "R"},
		{text: counted, size: tableSize},
		{text: strings.TrimSpace(strings.Join(finding, "\n")), size: tableSize, boldFirst: true},
	}
}

// tipNumbers says a tip given for several activities once: in full, as
// "Tip 1", at the first of them, and as "Same as tip 1 above." at the
// others. A tip given once is shown as it is.
type tipNumbers struct {
	count map[string]int // activities per tip
	num   map[string]int // the number of a repeated tip, once given
	next  int
}

func newTipNumbers(acts []audit.ActivityResult) *tipNumbers {
	t := &tipNumbers{count: map[string]int{}, num: map[string]int{}}
	for i := range acts {
		if tip := strings.TrimSpace(acts[i].Reflection.Advice); tip != "" {
			t.count[tip]++
		}
	}
	return t
}

// text is what the finding says of tip, in table order.
func (t *tipNumbers) text(tip string) string {
	tip = strings.TrimSpace(tip)
	if tip == "" || t.count[tip] < 2 {
		return tip
	}
	if n, ok := t.num[tip]; ok {
		return fmt.Sprintf("Same as tip %d above.", n)
	}
	t.next++
	t.num[tip] = t.next
	return fmt.Sprintf("Tip %d: %s", t.next, tip)
}

func levelWords(l audit.ReflectionLevel) string {
	switch l {
	case audit.Adequate:
		return "Adequate reflection"
	case audit.Partial:
		return "Partial reflection"
	case audit.Descriptive:
		return "Descriptive only"
	case audit.Missing:
		return "No reflection"
	case audit.Unclear:
		return "Unclear reflection"
	}
	return string(l)
}

func reflectionStyle(l audit.ReflectionLevel) rgb {
	switch l {
	case audit.Adequate:
		return styleOf(audit.Met).strong
	case audit.Partial, audit.Unclear:
		return styleOf(audit.Review).strong
	default:
		return styleOf(audit.NotMet).strong
	}
}

func (d *feedback) bullets(title string, items []string) {
	if len(items) == 0 {
		return
	}
	d.heading(title)
	w := []float64{5, contentW - 5}
	for _, it := range items {
		d.tableRowPlain(w, []tcell{{text: "•"}, {text: it}})
	}
}

// tableRowPlain is tableRow without rules or stripes, for bullet lists.
func (d *feedback) tableRowPlain(widths []float64, cells []tcell) {
	p := d.p
	bufs := d.takeRowBufs(len(cells))
	plain := d.wrapLines(widths, cells, &bufs)
	wrapped := bufs.cells
	lines := 1
	for i := range cells {
		lines = max(lines, len(wrapped[i]))
	}
	h := float64(lines)*lineH + 0.8
	d.need(h)
	x, y := marginX, p.GetY()
	for i, c := range cells {
		d.cellFont(c)
		for k, line := range wrapped[i] {
			p.SetXY(x, y+float64(k)*lineH)
			if plain&(1<<i) != 0 {
				d.plainCell(widths[i], lineH, line, 0, "L")
			} else {
				d.cell(widths[i], lineH, line, 0, "L")
			}
		}
		x += widths[i]
	}
	p.SetXY(marginX, y+h)
	d.keepRowBufs(bufs)
}

func (d *feedback) notes() {
	d.bullets("Good and great practice", d.r.Notes)
	if d.final != nil {
		d.bullets("Points the pre-screen raised for the assessor", d.r.Flags)
		return
	}
	d.bullets("Points for the assessor", d.r.Flags)
}

func (d *feedback) closing() {
	d.need(14)
	p := d.p
	p.SetY(p.GetY() + 4)
	d.rule(p.GetY())
	p.SetY(p.GetY() + 2)
	if fo := d.final; fo != nil {
		who := "No assessor's decision was recorded, so the pre-screen made by cpdaudit from your CPD record is final."
		if fo.Reviewed {
			who = "It is the pre-screen made by cpdaudit from your CPD record, with the decision of the IES assessor who reviewed it."
		}
		d.paragraph(fmt.Sprintf("This feedback goes with your final letter and gives the final outcome of your CPD audit for %s. %s",
			yearText(d.r.Year), who), false, colMuted)
		return
	}
	d.paragraph("This feedback is a pre-screen made by cpdaudit from your CPD record. An IES assessor reviews it "+
		"and confirms the final outcome; where it says REVIEW, the assessor decides.", false, colMuted)
}

// formatPercent writes a share as a percentage without trailing zeros:
// 0.1 is "10%", 0.125 is "12.5%".
func formatPercent(share float64) string {
	return strconv.FormatFloat(math.Round(share*1000)/10, 'f', -1, 64) + "%"
}
