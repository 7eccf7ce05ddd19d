package memberid

import (
	"slices"
	"testing"
)

func TestClean(t *testing.T) {
	for in, want := range map[string]string{
		" 12345 ":           "12345",
		"12345.0":           "12345",
		"1.2345E4":          "12345",
		"012345":            "012345",
		"000007":            "000007",
		"'000007":           "000007", // Excel's text prefix, typed into a CSV
		"AB-12":             "AB-12",
		"":                  "",
		"12.5":              "12.5",
		"１２３４５":             "12345", // full-width digits
		"\u00a012345\u200b": "12345", // no-break space, zero-width space
		"12\u200d345":       "12345", // an invisible joiner
		"AB\n12":            "AB 12", // a line break typed in the cell
		"\ufeff7":           "7",     // a byte order mark left on the first cell
		"0.0":               "0.0",   // not a member number; left as written
		"1e400":             "1e400", // out of range
		"Zoe\u0308":         "Zoë",   // composed
		"  a   b  ":         "a b",
	} {
		if got := Clean(in); got != want {
			t.Errorf("Clean(%q) = %q, want %q", in, got, want)
		}
	}
}

// The same member however a program wrote the number: text in the
// register, a number shown with zeros in a workbook, fewer zeros in a CSV.
func TestKeySameMember(t *testing.T) {
	same := [][]string{
		{"000007", "7", "007", "7.0", "'000007", "０００００７", " 7 "},
		{"AB12", "ab12", "Ab12"},
		{"0", "000"},
	}
	for _, group := range same {
		for _, id := range group {
			if Key(id) != Key(group[0]) {
				t.Errorf("Key(%q) = %q, but Key(%q) = %q", id, Key(id), group[0], Key(group[0]))
			}
		}
	}
	for _, pair := range [][2]string{{"7", "70"}, {"7", "A7"}, {"12.5", "125"}, {"AB-12", "AB12"}} {
		if Key(pair[0]) == Key(pair[1]) {
			t.Errorf("Key(%q) == Key(%q)", pair[0], pair[1])
		}
	}
}

func TestCompare(t *testing.T) {
	ids := []string{"10", "9", "A1", "0100", "99", "007", "7", "b2", "A10"}
	want := []string{"007", "7", "9", "10", "99", "0100", "A1", "A10", "b2"}
	slices.SortFunc(ids, Compare)
	if !slices.Equal(ids, want) {
		t.Fatalf("sorted %v, want %v", ids, want)
	}
}

func TestIndex(t *testing.T) {
	var x Index[string]
	x.Add("000007", "seven")
	x.Add("AB12", "ab")
	for _, tt := range []struct {
		id    string
		match Match
		value string
	}{
		{"000007", Exact, "seven"},
		{"7", Same, "seven"},
		{"007", Same, "seven"},
		{"ab12", Same, "ab"},
		{"8", None, ""},
	} {
		f := x.Find(tt.id)
		if f.Match != tt.match || f.Value != tt.value {
			t.Errorf("Find(%q) = %+v, want %v %q", tt.id, f, tt.match, tt.value)
		}
	}
	if other, exact := x.Add(" 000007", "again"); other != "000007" || !exact {
		t.Errorf("a second 000007: %q, %v", other, exact)
	}
	// A register that lists 007 and 7 as two members: each is found as
	// written, and 0007 could be either.
	if other, exact := x.Add("7", "other seven"); other != "000007" || exact {
		t.Errorf("7 beside 000007: %q, %v", other, exact)
	}
	if f := x.Find("7"); f.Match != Exact || f.Value != "other seven" {
		t.Errorf("Find(7) = %+v", f)
	}
	if f := x.Find("000007"); f.Match != Exact || f.Value != "seven" {
		t.Errorf("Find(000007) = %+v", f)
	}
	if f := x.Find("0007"); f.Match != Ambiguous || !slices.Equal(f.Candidates, []string{"000007", "7"}) {
		t.Errorf("Find(0007) = %+v", f)
	}
	if x.Len() != 3 {
		t.Errorf("Len = %d", x.Len())
	}
}
