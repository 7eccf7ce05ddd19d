package report

import (
	"strings"
	"testing"

	"github.com/ies/cpdaudit/audit"
)

func TestTextLines(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		width float64
		want  int
	}{
		{"empty", "", 20, 1},
		{"fits", "Formal Learning", 20, 1},
		{"line breaks", "one\ntwo\r\nthree", 40, 3},
		{"wraps at spaces", strings.Repeat("word ", 20), 21, 5}, // four words a line
		{"a long word breaks anywhere", strings.Repeat("0", 57), 20, 3},
		{"a long word starts a new line", "ab " + strings.Repeat("0", 30), 20, 3},
		{"after a hyphen", "catchment-scale nutrient-modelling", 18, 2},
		{"wide letters take more room", strings.Repeat("M", 30), 31, 2},
		{"narrow letters less", strings.Repeat("i", 50), 31, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := textLines(tt.text, tt.width, false); got != tt.want {
				t.Errorf("textLines(%q, %g) = %d, want %d", tt.text, tt.width, got, tt.want)
			}
		})
	}
	// Bold is wider, and a row is never taller than Excel allows.
	text := strings.Repeat("Member number ", 10)
	if textLines(text, 30, true) < textLines(text, 30, false) {
		t.Error("bold text takes fewer lines than regular")
	}
	if h := rowHeight(textLines(strings.Repeat("x ", 20000), 10, false)); h != maxRowPt {
		t.Errorf("a huge cell's row is %g points, want Excel's maximum %g", h, maxRowPt)
	}
}

// Every policy value has words on the Run sheet: a value added to the
// policy shows here until it gets a label.
func TestPolicyLabels(t *testing.T) {
	for _, pv := range policyValues(audit.DefaultPolicy()) {
		if policyLabel(pv.Name) == pv.Name {
			t.Errorf("policy value %s has no words for the Run sheet: add it to policyLabels", pv.Name)
		}
	}
}
