package importer

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ies/cpdaudit/audit"
	"github.com/ies/cpdaudit/internal/memberid"
)

// Fuzz properties: the parsers never panic, what they accept is in range,
// and the canonical form of a result reads back to the same value. The file
// readers never panic and their accounting always balances.

func FuzzParseHours(f *testing.F) {
	for _, s := range []string{"1.5", "1,5", "1h30", "1 h 30 min", "90 mins", "1:30", "2 hours", "0", "-1", "1:30:15", ".5", "8784", "0.0000001"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := ParseHours(s)
		if err != nil {
			return
		}
		if !(h > 0 && h <= MaxHours) {
			t.Fatalf("ParseHours(%q) = %v, out of range", s, h)
		}
		back, err := ParseHours(FormatHours(h))
		if err != nil || back != h {
			t.Fatalf("ParseHours(%q) = %v, but its canonical form %q reads as %v, %v", s, h, FormatHours(h), back, err)
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2025-03-14", "14/03/2025", "14 Mar 2025", "March 14, 2025", "45730", "45730.5", "29/02/2024", "14-Mar-25", "Friday 14th March 2025"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			return
		}
		if d.Location() != time.UTC || d.Hour() != 0 || d.Minute() != 0 || d.Second() != 0 || d.Nanosecond() != 0 {
			t.Fatalf("ParseDate(%q) = %v, not midnight UTC", s, d)
		}
		if d.Year() < minYear || d.Year() > maxYear {
			t.Fatalf("ParseDate(%q) = %v, year out of range", s, d)
		}
		back, err := ParseDate(FormatDate(d))
		if err != nil || !back.Equal(d) {
			t.Fatalf("ParseDate(%q) = %v, but %q reads as %v, %v", s, d, FormatDate(d), back, err)
		}
	})
}

func FuzzParseCategory(f *testing.F) {
	for _, s := range []string{"Formal Learning", "SDL", "Self directed", "Formal/Educational", "Work based learning", "Professional activities", "Other", "Gardening"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCategory(s)
		if err != nil {
			return
		}
		if !c.Valid() {
			t.Fatalf("ParseCategory(%q) = %q, not canonical", s, c)
		}
		if back, err := ParseCategory(string(c)); err != nil || back != c {
			t.Fatalf("ParseCategory(%q) = %q, which reads as %q, %v", s, c, back, err)
		}
	})
}

// FuzzMemberID: the id normaliser (issue 15). Cleaning is idempotent,
// keys and order agree with it, and an Index finds an id exactly when
// the keys say so.
func FuzzMemberID(f *testing.F) {
	for _, p := range [][2]string{{"000007", "7"}, {"007", "7.0"}, {"AB12", "ab12"}, {"'000007", "１２"},
		{"1.2345E4", "12345"}, {"\u00a012\u200b", "0"}, {"Zoe\u0308", "Zoë"}, {"", " "}} {
		f.Add(p[0], p[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		ca, cb := memberid.Clean(a), memberid.Clean(b)
		if memberid.Clean(ca) != ca {
			t.Fatalf("Clean(%q) = %q, but Clean of that is %q", a, ca, memberid.Clean(ca))
		}
		if utf8.ValidString(a) && !utf8.ValidString(ca) {
			t.Fatalf("Clean(%q) = %q, not valid UTF-8", a, ca)
		}
		if memberid.Key(ca) != memberid.Key(a) {
			t.Fatalf("Key(%q) = %q but Key(Clean) = %q", a, memberid.Key(a), memberid.Key(ca))
		}
		if got := cellID(cell{Text: a, Raw: a}); got != ca {
			t.Fatalf("cellID(%q) = %q, Clean gives %q", a, got, ca)
		}
		sameKey := memberid.Key(a) == memberid.Key(b)
		c, r := memberid.Compare(a, b), memberid.Compare(b, a)
		if (c < 0) != (r > 0) || (c == 0) != (r == 0) || (c == 0) != (ca == cb) || (!sameKey && c == 0) {
			t.Fatalf("Compare(%q, %q) = %d, reversed %d (keys %q %q)", a, b, c, r, memberid.Key(a), memberid.Key(b))
		}
		var x memberid.Index[int]
		x.Add(a, 1)
		want := memberid.None
		switch {
		case ca == cb:
			want = memberid.Exact
		case sameKey:
			want = memberid.Same
		}
		if got := x.Find(b); got.Match != want {
			t.Fatalf("Add(%q), Find(%q) = %+v, want %v", a, b, got, want)
		}
	})
}

// FuzzReadRegister: the register reader never panics, its accounting
// balances, every member kept has an id and is found by it, and no two
// members have the same id.
func FuzzReadRegister(f *testing.F) {
	addFixtures(f, ".csv")
	addFixtures(f, ".xlsx")
	f.Add([]byte("Member Number,Name,Grade,Exempt Months\n000007,A,Full,6.5\n7,B,Chief,2\n,C,,\n007,D,,\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, name := range []string{"fuzz.csv", "fuzz.xlsx"} {
			res, members := importBytes(name, data, fuzzOptions(), registerSchema)
			reg := newRegister(res, members)
			if err := reg.Accounting.Check(); err != nil {
				t.Fatal(err)
			}
			if reg.Accounting.Accepted != len(reg.Members) {
				t.Fatalf("accepted %d, members %d", reg.Accounting.Accepted, len(reg.Members))
			}
			for i, m := range reg.Members {
				if m.ID == "" || !m.InRegister {
					t.Fatalf("member without id: %+v", m)
				}
				if i > 0 && memberid.Compare(reg.Members[i-1].ID, m.ID) >= 0 {
					t.Fatalf("members not sorted, or twice: %q then %q", reg.Members[i-1].ID, m.ID)
				}
				if got, ok := reg.Member(m.ID); !ok || got.ID != m.ID {
					t.Fatalf("member %q not found by its id: %+v, %v", m.ID, got, ok)
				}
				if m.ExemptMonths < 0 || m.ExemptMonths > 12 {
					t.Fatalf("member %q: %d exempt months", m.ID, m.ExemptMonths)
				}
				if m.Grade != "" && !slices.Contains(audit.Grades, m.Grade) {
					t.Fatalf("member %q: grade %q", m.ID, m.Grade)
				}
			}
		}
	})
}

// addFixtures seeds a file fuzz target with every committed fixture of
// the given extension.
func addFixtures(f *testing.F, ext string) {
	paths, _ := filepath.Glob(filepath.Join(fixtures, "*", "*"+ext))
	bad, _ := filepath.Glob(filepath.Join(badDir, "*"+ext))
	for _, p := range append(paths, bad...) {
		switch filepath.Base(p) {
		case "zip-bomb.xlsx", "huge-dimension.xlsx", "wide-rows.xlsx":
			continue // a million rows or 20 MB: too slow for every mutation
		}
		if data, err := os.ReadFile(p); err == nil && len(data) < 64<<10 {
			f.Add(data)
		}
	}
}

func fuzzOptions() Options {
	o := DefaultOptions()
	o.MaxRowsPerSheet = 1000
	// A mutated cell reference can put a cell at column XFD on every row;
	// the default budget (100 million cells, seconds per input) would stall
	// the fuzzer on such inputs without finding anything new.
	o.MaxCellsPerFile = 200_000
	o.UnzipSizeLimit = 1 << 20 // keeps each iteration fast
	o.UnzipXMLSizeLimit = 1 << 20
	return o
}

func checkFileResult(t *testing.T, res FileResult) {
	t.Helper()
	if err := res.Accounting.Check(); err != nil {
		t.Fatal(err)
	}
	if res.Accounting.Accepted != len(res.Activities) {
		t.Fatalf("accepted %d, activities %d", res.Accounting.Accepted, len(res.Activities))
	}
	rejected := map[[2]any]bool{}
	for _, is := range res.Issues {
		if is.Row > 0 {
			rejected[[2]any{is.Sheet, is.Row}] = true
		}
		if is.Kind == nil || is.Problem == "" {
			t.Fatalf("issue without kind or problem: %+v", is)
		}
		// importBytes turns a panic into an issue so a run survives it;
		// the fuzzer must still see it.
		if strings.HasPrefix(is.Problem, panicProblem) {
			t.Fatalf("recovered panic: %s", is.Problem)
		}
	}
	// Every rejected row has an issue (a row over the row limit has one
	// too, without being read).
	if res.Accounting.Rejected > len(rejected) {
		t.Fatalf("%d rejected rows but issues on %d rows", res.Accounting.Rejected, len(rejected))
	}
	for _, a := range res.Activities {
		if a.MemberID == "" || a.Title == "" || !a.Category.Valid() || a.Hours <= 0 || a.Date.IsZero() || a.Source.Row <= 0 {
			t.Fatalf("accepted activity is incomplete: %+v", a)
		}
	}
}

func FuzzReadCSV(f *testing.F) {
	addFixtures(f, ".csv")
	f.Add([]byte("Member Number;Title;Category;Date;Hours\n1;\"a\nb\";SDL;14/03/2025;1,5\n\n\n2;x;Other;1/1/2025;1:30\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, _ := importBytes("fuzz.csv", data, fuzzOptions(), activitySchema)
		checkFileResult(t, res)
		reg, _ := importBytes("fuzz.csv", data, fuzzOptions(), registerSchema)
		if err := reg.Accounting.Check(); err != nil {
			t.Fatal(err)
		}
	})
}

func FuzzReadXLSX(f *testing.F) {
	addFixtures(f, ".xlsx")
	f.Fuzz(func(t *testing.T, data []byte) {
		res, _ := importBytes("fuzz.xlsx", data, fuzzOptions(), activitySchema)
		checkFileResult(t, res)
	})
}
