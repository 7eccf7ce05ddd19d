package report

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ies/cpdaudit/audit"
	"github.com/ies/cpdaudit/internal/testtool"
)

// feedbackText writes r's feedback PDF and returns its text (pdfText's):
// of page first to last, or all pages when first is 0.
func feedbackText(t *testing.T, r audit.MemberResult, first, last int) string {
	t.Helper()
	testtool.Require(t, "pdftotext")
	var b bytes.Buffer
	if err := WritePDF(&b, r, mustFonts(t), PDFOptions{Version: "test", Created: testCreated}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "feedback.pdf")
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if first > 0 {
		return pdfText(t, path, "-f", strconv.Itoa(first), "-l", strconv.Itoa(last))
	}
	return pdfText(t, path)
}

// The first line of the feedback gives the hours and the categories as a
// count and what is required, not "4 of 3 required".
func TestFeedbackHoursLine(t *testing.T) {
	text := feedbackText(t, richMember(), 0, 0)
	want := "Hours counted: 38.3 (30 required). Categories with enough hours to count toward the balance: 2 (3 required)."
	if !strings.Contains(text, want) {
		t.Errorf("the feedback lacks %q:\n%s", want, text)
	}
	if regexp.MustCompile(`\d+ of \d+ required`).MatchString(text) {
		t.Errorf("the feedback still says \"N of M required\":\n%s", text)
	}
}

// A tip given for several activities is written out once; the others
// point to it. A tip given once is shown as it is.
func TestFeedbackRepeatedTipOnce(t *testing.T) {
	r := richMember()
	partial := "Say how this benefited the people who use your work (clients, colleagues, the public) and why."
	n := 0
	for _, a := range r.Activities {
		if a.Reflection.Advice == partial {
			n++
		}
	}
	if n < 3 {
		t.Fatalf("the sample has %d partial reflections; the test needs 3 or more", n)
	}
	text := feedbackText(t, r, 0, 0)
	if got := strings.Count(text, partial); got != 1 {
		t.Errorf("the repeated tip is written out %d times, want once", got)
	}
	if !strings.Contains(text, "Tip 1: "+partial) && !strings.Contains(text, "Tip 2: "+partial) {
		t.Errorf("the repeated tip is not numbered:\n%s", text)
	}
	if got := strings.Count(text, "Same as tip"); got < n-1 {
		t.Errorf("%d activities point to a tip above, want at least %d", got, n-1)
	}
	// The one missing reflection's advice is given once and stays as it is.
	missing := "No reflection was recorded. Add what value it had for your work and for the users of your work, and why."
	if !strings.Contains(text, missing) || strings.Contains(text, "Tip 3: "+missing) {
		t.Errorf("a tip given once should be shown as it is")
	}
}

// Why an activity is not counted is said in the wide finding column: the
// sentence reads whole, no word broken over lines as it was in the narrow
// Counted column ("Decembe r 2024").
func TestFeedbackNotCountedReason(t *testing.T) {
	text := feedbackText(t, richMember(), 0, 0)
	if want := "Not counted. dated 12 Dec 2024, outside the CPD year 2025"; !strings.Contains(text, want) {
		t.Errorf("the feedback lacks %q:\n%s", want, text)
	}
}

// No table header stands alone at the foot of a page: whatever the length
// of what comes before, a page that shows the activity table's header also
// shows its first activity.
func TestFeedbackNoOrphanTableHeader(t *testing.T) {
	testtool.Require(t, "pdftotext")
	base := simpleMember("IES-05000", "Page Break", audit.GradeFull, [4]audit.Verdict{audit.Met, audit.Met, audit.Met, audit.Met})
	first := &base.Activities[0]
	first.Activity.Title = "Catchment nutrient modelling course with a long title that wraps over several lines of the table"
	first.Reflection.Advice = strings.Repeat("A long tip that makes the first activity's row tall. ", 8)
	broken := 0
	// Each step lengthens the standards table by about one line, moving the
	// activities' heading down page 1 and past its foot.
	for k := 0; k < 60; k += 2 {
		r := base
		r.Standards[0].Reason = strings.Repeat("More reason text to push the activity table down the page. ", k)
		page1 := feedbackText(t, r, 1, 1)
		if !strings.Contains(page1, "Reflection finding") {
			continue
		}
		broken++
		if !strings.Contains(page1, "Catchment nutrient modelling") {
			t.Errorf("with %d sentences, page 1 ends on the activity table's header without its first row", k)
		}
	}
	if broken == 0 {
		t.Fatal("the sweep never put the table on page 1: the test checks nothing")
	}
}
