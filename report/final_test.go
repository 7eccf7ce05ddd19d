package report

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ies/cpdaudit/audit"
	"github.com/ies/cpdaudit/internal/testtool"
)

func finalLetter() FinalLetter {
	return FinalLetter{
		MemberID: "100110", Name: "Ŵyn Đặng-Łukasz", Grade: audit.GradeFellow, Year: 2025,
		Standards: [4]audit.Verdict{audit.Met, audit.Met, audit.Review, audit.Met},
		Prescreen: audit.Review, Reviewed: true, Final: audit.Met,
		Comment:      "The introductory course prepared the member to supervise graduates.\nAppropriate for a Fellow.",
		FeedbackFile: "feedback/100110.pdf",
	}
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
}

func TestFinalPDFText(t *testing.T) {
	pdftotext := testtool.Require(t, "pdftotext")
	fonts := mustFonts(t)
	dir := t.TempDir()
	confirmed := finalLetter()
	confirmed.Prescreen, confirmed.Final, confirmed.Standards[2] = audit.NotMet, audit.NotMet, audit.NotMet
	changed := finalLetter()
	changed.Prescreen, changed.Standards[2] = audit.NotMet, audit.NotMet
	standing := finalLetter()
	standing.Reviewed, standing.Prescreen, standing.Comment, standing.Standards[2] = false, audit.Met, "", audit.Met
	cases := []struct {
		name string
		l    FinalLetter
		want []string
	}{
		{"review", finalLetter(), []string{"FINAL OUTCOME", "MET", "points your pre-screen marked REVIEW", "Decided the outcome: MET.",
			"supervise graduates", "Appropriate for a Fellow", "feedback/100110.pdf", "Ŵyn Đặng-Łukasz", "Fellow member", "Page 1 of 1"}},
		{"confirmed", confirmed, []string{"confirmed the pre-screen outcome, NOT MET", "Confirmed the pre-screen outcome.", "does not meet"}},
		{"changed", changed, []string{"changed the pre-screen outcome from NOT MET to MET", "replaces the pre-screen outcome"}},
		{"standing", standing, []string{"No assessor's decision was recorded", "No decision recorded: the pre-screen outcome stands."}},
	}
	for _, c := range cases {
		path := filepath.Join(dir, c.name+".pdf")
		var b bytes.Buffer
		if err := WriteFinalPDF(&b, c.l, fonts, PDFOptions{Version: "1.2.3-test", Created: testCreated}); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(pdftotext, path, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext: %v", err)
		}
		// pdftotext breaks lines where the PDF wraps them.
		text := strings.Join(strings.Fields(string(out)), " ")
		for _, w := range c.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s letter lacks %q:\n%s", c.name, w, text)
			}
		}
		if c.name == "standing" && strings.Contains(text, "assessor's comment") {
			t.Error("a letter with no decision shows an assessor's comment section")
		}
	}
}
