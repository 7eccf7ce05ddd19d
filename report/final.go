package report

import (
	"fmt"
	"io"
	"strings"

	"codeberg.org/go-pdf/fpdf"
	"github.com/ies/cpdaudit/audit"
)

// FinalLetter is what a member's final letter says: the pre-screen, the
// assessor's decision and the outcome that results. It is built from the
// run's summary and the assessors' workbook, not from a new audit, so the
// letter cannot disagree with the record the assessor saw.
type FinalLetter struct {
	MemberID string
	Name     string
	Grade    audit.Grade
	Year     int
	// Standards are the pre-screen verdicts; Standards[i] is standard i+1.
	Standards [4]audit.Verdict
	Prescreen audit.Verdict
	// Reviewed is true when an assessor's decision was applied; false when
	// the pre-screen outcome stands with no decision.
	Reviewed bool
	// Final is the outcome after the assessor's decision; when it differs
	// from Prescreen, the assessor overrode the pre-screen.
	Final   audit.Verdict
	Comment string
	// FeedbackFile is the member's pre-screen feedback PDF, which the
	// letter points to for the detail.
	FeedbackFile string
}

// finalWords says what the final outcome means for the member.
var finalWords = map[audit.Verdict]string{
	audit.Met:    "Your CPD record meets the IES CPD standards for this year. Thank you: nothing more needs doing.",
	audit.NotMet: "Your CPD record does not meet the IES CPD standards for this year. The next steps in your pre-screen feedback say what to add; please contact the IES if you have questions about this decision.",
	audit.Exempt: "You are exempt from the CPD requirements for this year; nothing needs doing.",
}

// WriteFinalPDF writes a member's final letter. Like WritePDF, the same
// arguments always give the same bytes.
func WriteFinalPDF(w io.Writer, l FinalLetter, f *Fonts, opts PDFOptions) error {
	if f == nil {
		return fmt.Errorf("WriteFinalPDF: no fonts (call LoadFonts once per run)")
	}
	if l.Final != audit.Met && l.Final != audit.NotMet && l.Final != audit.Exempt {
		return fmt.Errorf("member %s has no final outcome (%q): a final letter needs MET, NOT_MET or EXEMPT", l.MemberID, l.Final)
	}
	p := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", Size: fpdf.SizeType{Wd: pageW, Ht: pageH}})
	p.AliasNbPages("{nb}")
	f.register(p)
	// The feedback layout helpers read the member from a MemberResult.
	mr := audit.MemberResult{Member: audit.Member{ID: l.MemberID, Name: l.Name, Grade: l.Grade}, Year: l.Year}
	d := &feedback{p: p, r: &mr, opts: opts, fonts: f}
	d.finalSetup()
	p.AddPage()
	d.finalHeader(l)
	d.finalBody(l)
	if err := p.Error(); err != nil {
		return fmt.Errorf("laying out the final letter for member %s: %w", l.MemberID, err)
	}
	return p.Output(w)
}

func (d *feedback) finalSetup() {
	r := d.r
	d.setupDocument(
		fmt.Sprintf("CPD audit result %s: %s (%s)", yearText(r.Year), clean(r.Member.Name), clean(r.Member.ID)),
		"Final outcome of a CPD record against the four IES standards",
		"final outcome of the IES CPD audit")
}

func (d *feedback) finalHeader(l FinalLetter) {
	p := d.p
	p.SetY(d.letterHead("CPD audit result", "FINAL OUTCOME", styleOf(l.Final)))
	d.paragraph(decisionSentence(l)+" "+finalWords[l.Final], false, colText)
	d.rule(p.GetY() + 1.5)
	p.SetY(p.GetY() + 3)
}

// decisionSentence says who decided the outcome, in the member's terms.
func decisionSentence(l FinalLetter) string {
	pre, fin := styleOf(l.Prescreen).words, styleOf(l.Final).words
	switch {
	case !l.Reviewed && l.Final == audit.Exempt:
		return "The pre-screen of your record found you exempt through the member register."
	case !l.Reviewed:
		return fmt.Sprintf("Your record was pre-screened against the four standards. No assessor's decision was recorded on it, so the pre-screen outcome, %s, is the final outcome.", pre)
	case l.Prescreen == audit.Review:
		return fmt.Sprintf("An IES assessor reviewed the points your pre-screen marked REVIEW and decided the outcome: %s.", fin)
	case l.Final == l.Prescreen:
		return fmt.Sprintf("An IES assessor reviewed your record and confirmed the pre-screen outcome, %s.", pre)
	default:
		return fmt.Sprintf("An IES assessor reviewed your record and changed the pre-screen outcome from %s to %s.", pre, fin)
	}
}

func (d *feedback) finalBody(l FinalLetter) {
	if l.Reviewed {
		d.heading("The assessor's comment")
		comment := strings.TrimSpace(l.Comment)
		if comment == "" {
			d.paragraph("The assessor added no comment.", false, colMuted)
		} else {
			d.paragraph(comment, false, colText)
		}
	}

	d.heading("How the outcome was reached")
	w := []float64{60, contentW - 60}
	decision := "No decision recorded: the pre-screen outcome stands."
	switch {
	case l.Reviewed && l.Final == l.Prescreen:
		decision = "Confirmed the pre-screen outcome."
	case l.Reviewed && l.Prescreen == audit.Review:
		decision = "Decided the outcome: " + styleOf(l.Final).words + "."
	case l.Reviewed:
		decision = "Changed the outcome to " + styleOf(l.Final).words + "."
	}
	verdictCell := func(v audit.Verdict) tcell {
		st := styleOf(v)
		return tcell{text: st.words, bold: true, fill: &st.fill, ink: st.ink}
	}
	d.tableRow(w, []tcell{{text: "Pre-screen outcome", bold: true}, verdictCell(l.Prescreen)}, nil, false)
	d.tableRow(w, []tcell{{text: "Assessor's decision", bold: true}, {text: decision}}, nil, false)
	d.tableRow(w, []tcell{{text: "Final outcome", bold: true}, verdictCell(l.Final)}, nil, false)

	sw := []float64{96, 34}
	titles := []string{"Standard", "Pre-screen verdict"}
	rows := make([][]tcell, len(l.Standards))
	for i, v := range l.Standards {
		s := audit.Standard(i + 1)
		vc := verdictCell(v)
		vc.align = "C"
		rows[i] = []tcell{{text: fmt.Sprintf("%d. %s", s, s.Title()), bold: true}, vc}
	}
	d.keepTable(headingH, sw, titles, rows[0])
	d.heading("The four standards on the pre-screen")
	header := d.headerRow(sw, titles...)
	header()
	for _, row := range rows {
		d.tableRow(sw, row, header, false)
	}
	if l.Reviewed && l.Final != l.Prescreen {
		d.p.SetY(d.p.GetY() + 2)
		d.paragraph("These are the pre-screen's verdicts. The assessor's decision above replaces the pre-screen outcome.", false, colMuted)
	}

	d.need(18)
	p := d.p
	p.SetY(p.GetY() + 4)
	d.rule(p.GetY())
	p.SetY(p.GetY() + 2)
	more := "Your pre-screen feedback explains each standard, the evidence found in your record and the next steps."
	if l.FeedbackFile != "" {
		more = fmt.Sprintf("Your pre-screen feedback (%s) explains each standard, the evidence found in your record and the next steps.", clean(l.FeedbackFile))
	}
	d.paragraph(more, false, colMuted)
}
