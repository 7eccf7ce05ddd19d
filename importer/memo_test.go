package importer

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
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
	for i := range 20000 {
		sameAsParsers(t, &m, cats[rng.IntN(len(cats))], hours[rng.IntN(len(hours))], rng.IntN(4) == 0,
			lines[rng.IntN(len(lines))], lines[rng.IntN(len(lines))])
		if t.Failed() {
			t.Fatalf("draw %d", i)
		}
	}
	if len(m.cats) == 0 || len(m.hours) == 0 {
		t.Fatal("nothing was remembered: the memo is not tested")
	}
}

// sameAsParsers checks one row's values through m against the parsers.
func sameAsParsers(t *testing.T, m *parseMemo, cat, hours string, isTime bool, name, first string) {
	t.Helper()
	gotC, gotErr := m.category(cat)
	wantC, wantErr := ParseCategory(cat)
	if gotC != wantC || fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
		t.Errorf("category(%q) = %q, %v; ParseCategory %q, %v", cat, gotC, gotErr, wantC, wantErr)
	}
	hc := cell{Raw: hours, Text: hours, Time: isTime}
	gotH, gotErr := m.cellHours(hc)
	wantH, wantErr := cellHours(hc)
	if gotH != wantH && !(math.IsNaN(gotH) && math.IsNaN(wantH)) || fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
		t.Errorf("cellHours(%+v) = %v, %v; without the memo %v, %v", hc, gotH, gotErr, wantH, wantErr)
	}
	h := &header{}
	for i := range h.col {
		h.col[i] = -1
	}
	h.col[fName], h.col[fFirstName] = 0, 1
	ri := &rowIssues{at: place{opts: DefaultOptions()}, h: h, r: srcRow{cells: []cell{{Text: name}, {Text: first}}}}
	for _, f := range []field{fName, fFirstName, fLastName} {
		got, gotOK := m.line(ri, f)
		want, wantOK := ri.line(f)
		if got != want || gotOK != wantOK {
			t.Errorf("line(%v) of %q, %q = %q, %v; ri.line %q, %v", f, name, first, got, gotOK, want, wantOK)
		}
	}
}

// FuzzParseMemo: rows of free text, each field of a row a part between
// tabs and the rows between newlines, read through one memo as a file's
// rows are, give what the parsers give.
func FuzzParseMemo(f *testing.F) {
	f.Add("Formal\t1.5\tAnn Lee\t\nformal\t1,5\tAnn Lee\tx\nFormal\t1.5\t Ann  Lee\t")
	f.Add("Informal\t1h30\tZoë\t\nInformal\t90 mins\tZoë\t\nInformal\t1:30\tZoë\t")
	f.Add("\t\t\t\nwork based\t-1\t\u00a0\t\n")
	f.Fuzz(func(t *testing.T, rows string) {
		var m parseMemo
		for i, row := range strings.Split(rows, "\n") {
			v := strings.Split(row, "\t")
			for len(v) < 4 {
				v = append(v, "")
			}
			sameAsParsers(t, &m, v[0], v[1], i%3 == 1, v[2], v[3])
			// The same row again, now from the memo.
			sameAsParsers(t, &m, v[0], v[1], i%3 == 1, v[2], v[3])
		}
	})
}
