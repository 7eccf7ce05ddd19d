package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"github.com/ies/cpdaudit/audit"
)

// FinalOutcome is how a member's final outcome was reached: the pre-screen,
// whether an assessor's decision was applied, and the outcome that results.
// The final letter and the final feedback are both drawn from it, so the
// two cannot tell the member different things.
type FinalOutcome struct {
	Prescreen audit.Verdict
	// Reviewed is true when an assessor's decision was applied; false when
	// the pre-screen outcome stands with no decision.
	Reviewed bool
	// Final is MET, NOT_MET or EXEMPT; when it differs from Prescreen, the
	// assessor overrode the pre-screen (or settled a REVIEW).
	Final audit.Verdict
	// CommentToMember is the assessor's comment written for the member;
	// it is printed. The assessor's internal comment never reaches here.
	CommentToMember string
}

func (fo FinalOutcome) check(id string) error {
	if fo.Final != audit.Met && fo.Final != audit.NotMet && fo.Final != audit.Exempt {
		return fmt.Errorf("member %s has no final outcome (%q): a final letter or feedback needs MET, NOT_MET or EXEMPT", id, fo.Final)
	}
	return nil
}

// FinalLetter is what a member's final letter says. It is built from the
// run's summary and the assessors' workbook, not from a new audit, so the
// letter cannot disagree with the record the assessor saw.
type FinalLetter struct {
	MemberID string
	Name     string
	Grade    audit.Grade
	Year     int
	// Standards are the pre-screen verdicts; Standards[i] is standard i+1.
	Standards [4]audit.Verdict
	FinalOutcome
	// Date is the date printed on the letter.
	Date time.Time
}

// finalWords says what the final outcome means for the member, in the
// letter (which encloses the feedback) and in the final feedback itself.
var finalWords = map[audit.Verdict][2]string{
	audit.Met: {
		"Your CPD record meets the IES CPD standards for this year. Thank you: nothing more needs doing.",
		"Your CPD record meets the IES CPD standards for this year. Thank you: nothing more needs doing.",
	},
	audit.NotMet: {
		"Your CPD record does not meet the IES CPD standards for this year. The enclosed feedback explains each standard and what to add.",
		"Your CPD record does not meet the IES CPD standards for this year. The standards below say what to add.",
	},
	audit.Exempt: {
		"You are exempt from the CPD requirements for this year; nothing needs doing.",
		"You are exempt from the CPD requirements for this year; nothing needs doing.",
	},
}

// WriteFinalPDF writes a member's final letter: dated, from the letterhead
// of opts.Policy, with a greeting, the outcome and how it was reached, and
// a sign-off. Like WritePDF, the same arguments always give the same bytes.
func WriteFinalPDF(w io.Writer, l FinalLetter, f *Fonts, opts PDFOptions) error {
	if f == nil {
		return fmt.Errorf("WriteFinalPDF: no fonts (call LoadFonts once per run)")
	}
	if err := l.check(l.MemberID); err != nil {
		return err
	}
	p := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", Size: fpdf.SizeType{Wd: pageW, Ht: pageH}})
	p.AliasNbPages("{nb}")
	f.register(p)
	// The feedback layout helpers read the member from a MemberResult.
	mr := audit.MemberResult{Member: audit.Member{ID: l.MemberID, Name: l.Name, Grade: l.Grade}, Year: l.Year}
	d := &feedback{p: p, r: &mr, opts: opts, fonts: f}
	d.setupDocument(
		fmt.Sprintf("CPD audit result %s: %s (%s)", yearText(l.Year), clean(l.Name), clean(l.MemberID)),
		"Final outcome of a CPD record against the four IES standards",
		"final outcome of the IES CPD audit")
	p.AddPage()
	d.letterTop(l)
	d.finalBody(l)
	d.signOff()
	if err := p.Error(); err != nil {
		return fmt.Errorf("laying out the final letter for member %s: %w", l.MemberID, err)
	}
	return p.Output(w)
}

// letterTop draws the sender's block (organisation, address, contact), the
// member's name with the outcome badge, the date and the greeting.
func (d *feedback) letterTop(l FinalLetter) {
	p := d.p
	lh := d.opts.policy().Letterhead
	d.font(true, 12, colAccent)
	p.SetXY(marginX, marginTop)
	d.cell(contentW, 6, clean(lh.Organisation), 1, "L")
	d.font(false, 8.5, colMuted)
	var lines []string
	for _, a := range lh.Address {
		if a = strings.TrimSpace(a); a != "" {
			lines = append(lines, a)
		}
	}
	if e := strings.TrimSpace(lh.ContactEmail); e != "" {
		lines = append(lines, e)
	}
	for _, line := range lines {
		p.SetX(marginX)
		d.cell(contentW, 4, clean(line), 1, "L")
	}
	y := p.GetY() + 2
	d.rule(y)

	st := styleOf(l.Final)
	p.SetY(d.nameAndBadge(y+3, "FINAL OUTCOME", st))
	d.font(false, bodySize, colText)
	p.SetX(marginX)
	d.cell(contentW, lineH, longDate(l.Date), 1, "L")
	p.SetY(p.GetY() + 3)
	name := strings.TrimSpace(clean(l.Name))
	if name == "" {
		name = "member"
	}
	d.paragraph("Dear "+name+",", false, colText)
	p.SetY(p.GetY() + 2)
	d.paragraph(fmt.Sprintf("This letter gives the final outcome of the IES audit of your CPD record for %s.", yearText(l.Year)), false, colText)
	p.SetY(p.GetY() + 1.5)
	d.paragraph(decisionSentence(l.FinalOutcome)+" "+finalWords[l.Final][0], false, colText)
}

// longDate is a letter's date as people write it: 14 March 2026.
func longDate(t time.Time) string { return t.Format("2 January 2006") }

// decisionSentence says who decided the outcome, in the member's terms.
func decisionSentence(l FinalOutcome) string {
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

// commentToMember prints the assessor's comment for the member, if any.
func (d *feedback) commentToMember(fo FinalOutcome) {
	if c := strings.TrimSpace(fo.CommentToMember); fo.Reviewed && c != "" {
		d.heading("The assessor's comment")
		d.paragraph(c, false, colText)
	}
}

func (d *feedback) finalBody(l FinalLetter) {
	d.commentToMember(l.FinalOutcome)

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
		rows[i] = []tcell{{text: fmt.Sprintf("%d. %s", s, s.Title(d.opts.policy())), bold: true}, vc}
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
		d.paragraph("These are the pre-screen's verdicts. The assessor's decision above replaces the pre-screen outcome; the enclosed feedback shows the standards as decided.", false, colMuted)
	}
	d.p.SetY(d.p.GetY() + 4)
	more := "The enclosed feedback explains each standard and the evidence found in your record."
	if l.Final == audit.NotMet {
		more = "The enclosed feedback explains each standard, the evidence found in your record and what to add."
	}
	d.paragraph(more, false, colText)
}

// signOff ends a letter: whom to ask, and the signature.
func (d *feedback) signOff() {
	lh := d.opts.policy().Letterhead
	d.need(40)
	p := d.p
	p.SetY(p.GetY() + 3)
	ask := "If you have any questions about this outcome, please contact the IES office."
	if e := strings.TrimSpace(lh.ContactEmail); e != "" {
		ask = "If you have any questions about this outcome, please write to " + e + "."
	}
	d.paragraph(ask, false, colText)
	p.SetY(p.GetY() + 4)
	d.paragraph("Yours sincerely,", false, colText)
	p.SetY(p.GetY() + 8)
	d.paragraph(lh.Signatory, true, colText)
	d.paragraph(lh.SignatoryRole, false, colText)
	d.paragraph(lh.Organisation, false, colText)
}

// WriteFinalFeedbackPDF writes the feedback a member receives with their
// final letter: the pre-screen feedback of r, with the outcome, the
// standards' verdicts and the next steps made to agree with the final
// outcome fo (see finalStandards). The same arguments give the same bytes.
func WriteFinalFeedbackPDF(w io.Writer, r audit.MemberResult, fo FinalOutcome, f *Fonts, opts PDFOptions) error {
	if err := fo.check(r.Member.ID); err != nil {
		return err
	}
	return writeFeedback(w, r, &fo, f, opts)
}

// shownStandard is a standard as the final feedback shows it.
type shownStandard struct {
	audit.StandardResult
	style verdictStyle
}

// The words shown for a REVIEW standard once the outcome is final.
var (
	styleReviewed    = verdictStyle{words: "REVIEWED", strong: colMuted, fill: verdictStyles[audit.Exempt].fill, ink: verdictStyles[audit.Exempt].ink}
	styleNotReviewed = verdictStyle{words: "NOT REVIEWED", strong: colMuted, fill: verdictStyles[audit.Exempt].fill, ink: verdictStyles[audit.Exempt].ink}
)

// finalStandards makes the pre-screen's standards agree with the final
// outcome. Assessors give one decision per member, not per standard, so
// only what that decision implies is changed:
//   - final MET: every standard not met on the pre-screen was accepted by
//     the assessor: it shows MET, with what the pre-screen found, and has
//     no next steps;
//   - final NOT_MET: a REVIEW standard that was the only one not met shows
//     NOT MET (the decision rests on it); other REVIEW standards show
//     REVIEWED, or NOT REVIEWED when no assessor decided, since the
//     standards not met decided the outcome; NOT_MET standards and their
//     next steps stand;
//   - the same outcome as the pre-screen with no REVIEW standard, or
//     EXEMPT: unchanged.
func finalStandards(r *audit.MemberResult, fo FinalOutcome) [4]shownStandard {
	var out [4]shownStandard
	notMet := 0
	for _, s := range r.Standards {
		if s.Verdict != audit.Met && s.Verdict != audit.Exempt {
			notMet++
		}
	}
	for i, s := range r.Standards {
		sh := shownStandard{StandardResult: s, style: styleOf(s.Verdict)}
		found := strings.TrimSpace(s.Reason)
		switch {
		case s.Verdict == audit.Met || s.Verdict == audit.Exempt || fo.Final == audit.Exempt:
		case fo.Final == audit.Met:
			sh.Verdict, sh.style, sh.NextSteps = audit.Met, styleOf(audit.Met), nil
			sh.Reason = "Accepted by the IES assessor who reviewed your record. The pre-screen had found: " + found
		case s.Verdict == audit.Review && fo.Reviewed && notMet == 1:
			sh.Verdict, sh.style = audit.NotMet, styleOf(audit.NotMet)
			sh.Reason = "An IES assessor reviewed this standard and found it not met. The pre-screen had found: " + found
		case s.Verdict == audit.Review && fo.Reviewed:
			sh.style = styleReviewed
			sh.Reason = "An IES assessor reviewed this point and decided the outcome of your record as a whole: NOT MET. The pre-screen had found: " + found
		case s.Verdict == audit.Review:
			sh.style = styleNotReviewed
			sh.Reason = "No assessor reviewed this point: the standards not met decide the outcome. The pre-screen had found: " + found
		}
		out[i] = sh
	}
	return out
}
