package report

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ies/cpdaudit/audit"
)

var letterDay = time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)

func finalLetter() FinalLetter {
	return FinalLetter{
		MemberID: "100110", Name: "Ŵyn Đặng-Łukasz", Grade: audit.GradeFellow, Year: 2025,
		Standards: [4]audit.Verdict{audit.Met, audit.Met, audit.Review, audit.Met},
		FinalOutcome: FinalOutcome{
			Prescreen: audit.Review, Reviewed: true, Final: audit.Met,
			CommentToMember: "The introductory course prepared you to supervise graduates.\nAppropriate for a Fellow.",
		},
		Date: letterDay,
	}
}

// renderText writes a PDF with write and returns its text (pdfText).
func renderText(t *testing.T, write func(*bytes.Buffer) error) string {
	t.Helper()
	var b bytes.Buffer
	if err := write(&b); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "out.pdf")
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return pdfText(t, path)
}

func TestFinalPDFDeterministic(t *testing.T) {
	fonts := mustFonts(t)
	var a, b bytes.Buffer
	opts := PDFOptions{Version: "1.2.3-test", Created: testCreated}
	if err := WriteFinalPDF(&a, finalLetter(), fonts, opts); err != nil {
		t.Fatal(err)
	}
	if err := WriteFinalPDF(&b, finalLetter(), fonts, opts); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("the same letter gave different bytes")
	}
	l := finalLetter()
	l.Final = audit.Review
	if err := WriteFinalPDF(&a, l, fonts, opts); err == nil {
		t.Error("a letter without a final outcome was written")
	}
	if err := WriteFinalFeedbackPDF(&a, richMember(), l.FinalOutcome, fonts, opts); err == nil {
		t.Error("a final feedback without a final outcome was written")
	}
}

func TestFinalPDFText(t *testing.T) {
	fonts := mustFonts(t)
	confirmed := finalLetter()
	confirmed.Prescreen, confirmed.Final, confirmed.Standards[2] = audit.NotMet, audit.NotMet, audit.NotMet
	changed := finalLetter()
	changed.Prescreen, changed.Standards[2] = audit.NotMet, audit.NotMet
	standing := finalLetter()
	standing.Reviewed, standing.Prescreen, standing.CommentToMember, standing.Standards[2] = false, audit.Met, "", audit.Met
	cases := []struct {
		name string
		l    FinalLetter
		want []string
	}{
		{"review", finalLetter(), []string{"FINAL OUTCOME", "MET", "points your pre-screen marked REVIEW", "Decided the outcome: MET.",
			"supervise graduates", "Appropriate for a Fellow", "Ŵyn Đặng-Łukasz", "Fellow member", "Page 1 of 1"}},
		{"confirmed", confirmed, []string{"confirmed the pre-screen outcome, NOT MET", "Confirmed the pre-screen outcome.", "does not meet", "what to add"}},
		{"changed", changed, []string{"changed the pre-screen outcome from NOT MET to MET", "replaces the pre-screen outcome"}},
		{"standing", standing, []string{"No assessor's decision was recorded", "No decision recorded: the pre-screen outcome stands."}},
	}
	for _, c := range cases {
		text := renderText(t, func(b *bytes.Buffer) error {
			return WriteFinalPDF(b, c.l, fonts, PDFOptions{Version: "1.2.3-test", Created: testCreated})
		})
		for _, w := range c.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s letter lacks %q:\n%s", c.name, w, text)
			}
		}
		// The letter points to the enclosed feedback, never to a file of
		// the office's run folder.
		if strings.Contains(text, "feedback/") || strings.Contains(text, ".pdf") {
			t.Errorf("%s letter cites an internal path:\n%s", c.name, text)
		}
		if c.name == "standing" && strings.Contains(text, "assessor's comment") {
			t.Error("a letter with no decision shows an assessor's comment section")
		}
	}
}

// TestFinalLetterReadyToSend: dated, from the policy's letterhead, with a
// greeting and a signature; the defaults read well when the office has set
// nothing.
func TestFinalLetterReadyToSend(t *testing.T) {
	fonts := mustFonts(t)
	p := audit.DefaultPolicy()
	p.Hours.Required = 20
	p.Letterhead = audit.Letterhead{
		Organisation: "Institution of Environmental Sciences", Address: []string{"1 Example Street", "London AB1 2CD"},
		ContactEmail: "cpd@example.org", Signatory: "Alex Morgan", SignatoryRole: "CPD Manager",
	}
	text := renderText(t, func(b *bytes.Buffer) error {
		return WriteFinalPDF(b, finalLetter(), fonts, PDFOptions{Version: "t", Created: testCreated, Policy: p})
	})
	for _, w := range []string{"Institution of Environmental Sciences 1 Example Street London AB1 2CD cpd@example.org",
		"14 March 2026", "Dear Ŵyn Đặng-Łukasz,", "please write to cpd@example.org", "Yours sincerely,",
		"Alex Morgan CPD Manager Institution of Environmental Sciences", "1. At least 20 hours of CPD"} {
		if !strings.Contains(text, w) {
			t.Errorf("letter lacks %q:\n%s", w, text)
		}
	}
	if strings.Contains(text, "30 hours") {
		t.Errorf("a letter under a 20-hour policy quotes 30 hours:\n%s", text)
	}
	// The default letterhead: no address or email set.
	l := finalLetter()
	l.Name = ""
	text = renderText(t, func(b *bytes.Buffer) error {
		return WriteFinalPDF(b, l, fonts, PDFOptions{Version: "t", Created: testCreated})
	})
	for _, w := range []string{"Dear member,", "please contact the IES office.", "Yours sincerely, The CPD Team Institution of Environmental Sciences"} {
		if !strings.Contains(text, w) {
			t.Errorf("default letter lacks %q:\n%s", w, text)
		}
	}
}

// TestFinalFeedbackAgreesWithOverride: a member the pre-screen found
// NOT_MET and the assessor overrode to MET gets feedback that says MET
// throughout, with no next steps left to do.
func TestFinalFeedbackAgreesWithOverride(t *testing.T) {
	fonts := mustFonts(t)
	r := richMember() // standard 2 NOT_MET, 3 and 4 REVIEW: NOT_MET
	fo := FinalOutcome{Prescreen: r.Outcome, Reviewed: true, Final: audit.Met, CommentToMember: "Your Formal Learning counts toward the balance."}
	text := renderText(t, func(b *bytes.Buffer) error {
		return WriteFinalFeedbackPDF(b, r, fo, fonts, PDFOptions{Version: "t", Created: testCreated})
	})
	for _, w := range []string{"FINAL OUTCOME", "changed the pre-screen outcome from NOT MET to MET", "meets the IES CPD standards",
		"Your Formal Learning counts toward the balance.", "Accepted by the IES assessor who reviewed your record"} {
		if !strings.Contains(text, w) {
			t.Errorf("final feedback lacks %q:\n%s", w, text)
		}
	}
	// NOT MET appears once: in the sentence saying what was changed.
	if n := strings.Count(text, "NOT MET"); n != 1 {
		t.Errorf("final feedback after an override to MET says NOT MET %d times:\n%s", n, text)
	}
	for _, w := range []string{"REVIEW ", "Next steps", "PRE-SCREEN OUTCOME", "An assessor will look"} {
		if strings.Contains(text, w) {
			t.Errorf("final feedback after an override to MET still says %q:\n%s", w, text)
		}
	}
	// The pre-screen feedback of the same member still says what it found.
	pre := renderText(t, func(b *bytes.Buffer) error {
		return WritePDF(b, r, fonts, PDFOptions{Version: "t", Created: testCreated})
	})
	if !strings.Contains(pre, "PRE-SCREEN OUTCOME NOT MET") || !strings.Contains(pre, "Next steps") {
		t.Errorf("pre-screen feedback:\n%s", pre)
	}

	// Settled REVIEW to NOT_MET with the NOT_MET standard 2: REVIEW
	// standards are marked reviewed, not left waiting for an assessor.
	fo = FinalOutcome{Prescreen: r.Outcome, Reviewed: true, Final: audit.NotMet}
	text = renderText(t, func(b *bytes.Buffer) error {
		return WriteFinalFeedbackPDF(b, r, fo, fonts, PDFOptions{Version: "t", Created: testCreated})
	})
	for _, w := range []string{"FINAL OUTCOME NOT MET", "confirmed the pre-screen outcome, NOT MET", "REVIEWED", "Next steps"} {
		if !strings.Contains(text, w) {
			t.Errorf("confirmed NOT_MET feedback lacks %q:\n%s", w, text)
		}
	}
}

func TestFinalStandards(t *testing.T) {
	r := simpleMember("1", "A", audit.GradeFull, [4]audit.Verdict{audit.Met, audit.Met, audit.Review, audit.Met})
	got := finalStandards(&r, FinalOutcome{Prescreen: audit.Review, Reviewed: true, Final: audit.NotMet})
	if got[2].Verdict != audit.NotMet || got[0].Verdict != audit.Met {
		t.Errorf("a lone REVIEW standard settled NOT_MET shows %s", got[2].Verdict)
	}
	r = simpleMember("2", "B", audit.GradeFull, [4]audit.Verdict{audit.NotMet, audit.Met, audit.Review, audit.Met})
	got = finalStandards(&r, FinalOutcome{Prescreen: audit.NotMet, Final: audit.NotMet})
	if got[2].style.words != "NOT REVIEWED" || got[0].Verdict != audit.NotMet {
		t.Errorf("no decision: %s / %s", got[2].style.words, got[0].Verdict)
	}
}

// TestFeedbackQuotesPolicy: titles and notes quote the policy in force,
// never the default's numbers.
func TestFeedbackQuotesPolicy(t *testing.T) {
	fonts := mustFonts(t)
	p := audit.DefaultPolicy()
	p.Hours.Required = 20
	p.Balance.SubstantiveMinHours, p.Balance.SubstantiveMinShare = 2, 0.15
	r := richMember()
	for _, final := range []bool{false, true} {
		text := renderText(t, func(b *bytes.Buffer) error {
			opts := PDFOptions{Version: "t", Created: testCreated, Policy: p}
			if final {
				return WriteFinalFeedbackPDF(b, r, FinalOutcome{Prescreen: r.Outcome, Final: r.Outcome}, fonts, opts)
			}
			return WritePDF(b, r, fonts, opts)
		})
		for _, w := range []string{"1. At least 20 hours of CPD", "the larger of 2 hours and 15% of your counted hours"} {
			if !strings.Contains(text, w) {
				t.Errorf("final=%v: feedback lacks %q:\n%s", final, w, text)
			}
		}
		if strings.Contains(text, "30 hours") {
			t.Errorf("final=%v: feedback under a 20-hour policy quotes 30 hours", final)
		}
	}
}

// TestExemptMemberNoGapNote: a member exempt all year is not told about
// months with no CPD, and a member exempt six months (parental leave) is
// not told about a six-month gap.
func TestExemptMemberNoGapNote(t *testing.T) {
	fonts := mustFonts(t)
	act := func(m time.Month, d int) audit.Activity {
		return audit.Activity{MemberID: "1", Title: "Site survey training", Category: audit.WorkBasedLearning,
			Date: day(2025, m, d), Hours: 6, Description: "Field training on a survey method for my role.",
			Reflection: "I now plan surveys more accurately because I check the tide tables, so my clients get reliable data."}
	}
	env := audit.Env{Year: 2025, Policy: audit.DefaultPolicy()}
	cases := []struct {
		name   string
		m      audit.Member
		acts   []audit.Activity
		noting bool
	}{
		{"exempt all year", audit.Member{ID: "1", Name: "Margaret Ellison", ExemptMonths: 12, ExemptionReason: "Career break"},
			[]audit.Activity{act(1, 20)}, false},
		{"six months parental leave", audit.Member{ID: "2", Name: "Priya Raman", ExemptMonths: 6, ExemptionReason: "Parental leave"},
			[]audit.Activity{act(1, 10), act(2, 10), act(8, 5), act(9, 10), act(10, 10), act(11, 10), act(12, 10)}, false},
		{"not exempt, same gap", audit.Member{ID: "3", Name: "Gareth Mills"},
			[]audit.Activity{act(1, 10), act(2, 10), act(8, 5), act(9, 10), act(10, 10), act(11, 10), act(12, 10)}, true},
	}
	for _, c := range cases {
		r := audit.Evaluate(c.m, c.acts, env)
		text := renderText(t, func(b *bytes.Buffer) error {
			return WritePDF(b, r, fonts, PDFOptions{Version: "t", Created: testCreated})
		})
		if got := strings.Contains(text, "with no CPD activity"); got != c.noting {
			t.Errorf("%s: gap note shown = %v, want %v:\n%s", c.name, got, c.noting, text)
		}
	}
}
