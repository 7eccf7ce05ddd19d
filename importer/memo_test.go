package importer

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// parseMemo gives what the parsers give, value for value and error for
// error, whatever the order and repetition of the values (as the rows of
// a file repeat a member's name, the categories and the hours).
func TestParseMemoAsParsers(t *testing.T) {
	cats := []string{"Formal", "formal learning", " Informal ", "Work-based learning", "Professional activity", "Self-directed",
		"Self directed", "", "  ", "Other", "formal\u00a0learning", "FORMAL", "Informel", "Formal Formal"}
	hours := []string{"1", "1.5", "1,5", "1h30", "90 mins", "1:30", "2 hours", "0", "-1", "", "abc", "0.0625", "1e3", "10000", " 2 ", "0.041666666666666664"}
	lines := []string{"", " ", "Zoë Ångström", "Ann  Lee", "Ann Lee", "Ann\nLee", "  Ann Lee  ", "O'Brien", "Ann\u00a0Lee", "\tBo"}
	rng := rand.New(rand.NewPCG(18, 3))
	var m parseMemo
	h := &header{}
	for i := range h.col {
		h.col[i] = -1
	}
	h.col[fName], h.col[fFirstName] = 0, 1
	at := place{opts: DefaultOptions()}
	for i := range 20000 {
		c := cats[rng.IntN(len(cats))]
		gotC, gotErr := m.category(c)
		wantC, wantErr := ParseCategory(c)
		if gotC != wantC || fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
			t.Fatalf("%d: category(%q) = %q, %v; ParseCategory %q, %v", i, c, gotC, gotErr, wantC, wantErr)
		}
		hc := cell{Raw: hours[rng.IntN(len(hours))], Time: rng.IntN(4) == 0}
		hc.Text = hc.Raw
		gotH, gotErr := m.cellHours(hc)
		wantH, wantErr := cellHours(hc)
		if gotH != wantH || fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
			t.Fatalf("%d: cellHours(%+v) = %v, %v; without the memo %v, %v", i, hc, gotH, gotErr, wantH, wantErr)
		}
		r := srcRow{cells: []cell{{Text: lines[rng.IntN(len(lines))]}, {Text: lines[rng.IntN(len(lines))]}}}
		ri := &rowIssues{at: at, h: h, r: r}
		for _, f := range []field{fName, fFirstName, fLastName} {
			got, gotOK := m.line(ri, f)
			want, wantOK := ri.line(f)
			if got != want || gotOK != wantOK {
				t.Fatalf("%d: line(%v) of %+v = %q, %v; ri.line %q, %v", i, f, r.cells, got, gotOK, want, wantOK)
			}
		}
	}
	if len(m.cats) == 0 || len(m.hours) == 0 {
		t.Fatal("nothing was remembered: the memo is not tested")
	}
}
