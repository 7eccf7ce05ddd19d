package importer

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// badDir is the corpus of malformed and hostile inputs (issue 7). Every
// file in it has at least one entry in badCases; TestBadCorpusCovered
// fails when one is added without a test.
const badDir = "../fixtures/bad"

func badFixture(name string) string { return filepath.Join(badDir, name) }

// badCase is what one bad file gives under some options: at most one
// issue (kind nil means none: the data is readable), and the accounting.
type badCase struct {
	file   string
	opts   func(*Options)
	kind   error
	sheet  string
	row    int
	column string
	phrase string // a key phrase of Issue.Problem
	value  string // Issue.Value, when the issue names a cell
	acc    Accounting
	check  func(*testing.T, FileResult) // more about the rows read
}

var (
	unzipped  = `the workbook is damaged or incomplete (it could not be unzipped)`
	crafted   = "Excel never writes this, so the file may have been made to attack other programs, and it was not read"
	readOne   = Accounting{Read: 1, Accepted: 1}
	oldFormat = "this is an old Excel 97-2003 workbook (.xls), which cpdaudit does not read"
)

var badCases = []badCase{
	// Damaged or mislabelled files.
	{file: "corrupt.xlsx", kind: ErrBadFile, phrase: unzipped},
	{file: "truncated.xlsx", kind: ErrBadFile, phrase: unzipped},
	{file: "encrypted.xlsx", kind: ErrEncrypted, phrase: "the workbook is protected with a password, so it cannot be read"},
	{file: "image-renamed.xlsx", kind: ErrBadFile, phrase: "this is not a spreadsheet: it is an image"},
	{file: "image-renamed.csv", kind: ErrBadFile, phrase: "this is not a spreadsheet: it is an image"},
	{file: "pdf-renamed.csv", kind: ErrBadFile, phrase: "this is not a spreadsheet: it is a PDF document"},
	{file: "text-renamed.xlsx", kind: ErrBadFile, phrase: "this is a text file, not an Excel workbook"},
	{file: "workbook-renamed.csv", kind: ErrBadFile, phrase: "this is an Excel workbook (or another zip file), not a CSV text file"},
	{file: "not-a-workbook.xlsx", kind: ErrBadFile, phrase: "this is a zip file, not an Excel workbook: it has none of the parts a workbook is made of"},
	{file: "empty.xlsx", kind: ErrEmpty, phrase: "the file is empty (0 bytes)"},
	{file: "empty.csv", kind: ErrEmpty, phrase: "the file is empty (0 bytes)"},
	{file: "header-only.csv", kind: ErrEmpty, phrase: "the file has a header row (row 1) but no rows of data below it"},
	{file: "many-sheets.xlsx", kind: ErrEmpty, phrase: `every sheet of the workbook is empty (2,000 sheets: "Sheet1", "Sheet2", "Sheet3", "Sheet4", "Sheet5" and 1,995 more)`},
	{file: "legacy.xls", kind: ErrUnsupported, phrase: oldFormat},
	{file: "xls-renamed.xlsx", kind: ErrUnsupported, phrase: oldFormat},
	{file: "libreoffice.ods", kind: ErrUnsupported, phrase: "this is an OpenDocument (.ods) spreadsheet, which cpdaudit does not read"},
	{file: "utf32.csv", kind: ErrUnsupported, phrase: "this is text in the UTF-32 encoding, which cpdaudit does not read"},
	{file: "nul-bytes.csv", kind: ErrBadFile, phrase: "the file contains zero (NUL) bytes, which a CSV text file never has"},
	{file: "notes-only.xlsx", kind: ErrNoTable, phrase: `no sheet has a table of CPD activities (sheets: "Instructions"); no header row was found in the first 30 rows`},
	{file: "no-header.csv", kind: ErrNoTable, phrase: "no header row of CPD activities was found in the first 30 rows"},
	{file: "missing-columns.csv", kind: ErrNoTable, phrase: `no table of CPD activities found: the best header row (row 1) has "Member Number", "Title", "Date" but no Learning Category, Number of hours column`},

	// Row-level problems: the other rows of the file are still read.
	{file: "unclosed-quote.csv", kind: ErrBadRow, row: 3,
		phrase: "a cell in quotes is not closed: lines 3 to 4 were read as this one row, and could not be split into cells",
		acc:    Accounting{Read: 2, Accepted: 1, Rejected: 1}},
	{file: "formula-injection.csv", kind: ErrBadHours, row: 3, column: "E (Number of hours)", value: "=1+1",
		phrase: "this is not a number of hours", acc: Accounting{Read: 2, Accepted: 1, Rejected: 1},
		check: func(t *testing.T, res FileResult) {
			// CSV cells are text: nothing is evaluated, and the text is
			// kept as written (the reports neutralise it when writing).
			a := res.Activities[0]
			if a.Title != "=cmd|' /C calc'!A0" || a.Reflection != "@SUM(1+1)" || a.Hours != 1 {
				t.Fatalf("activity %+v", a)
			}
		}},
	{file: "formulas.xlsx", kind: ErrFormula, sheet: "CPD", row: 3, column: "E (Number of hours)",
		phrase: "the hours cell holds a formula that has not been calculated", acc: Accounting{Read: 2, Accepted: 1, Rejected: 1},
		check: func(t *testing.T, res FileResult) {
			// Formulas give their saved results; none is calculated, so
			// row 3's formula saved without a result is an issue saying so.
			if v := res.Issues[0].Value; v != "=SUM(1,2)" {
				t.Errorf("value %q, want the formula", v)
			}
			a := res.Activities[0]
			if a.Title != "Formula webinar" || a.Hours != 2 || a.Reflection != "=cmd|' /C calc'!A0" || a.MemberID != "900001" {
				t.Fatalf("activity %+v", a)
			}
		}},
	{file: "long-cell.xlsx", kind: ErrTooLarge, sheet: "CPD", row: 2, column: "F (Reflection)",
		phrase: "the cell has 40000 characters, more than the limit of 32767", acc: Accounting{Read: 1, Rejected: 1}},
	{file: "long-cell.csv", opts: func(o *Options) { o.MaxCellLength = 100 }, kind: ErrTooLarge, row: 2, column: "F (Reflection)",
		phrase: "the cell has 500 characters, more than the limit of 100", acc: Accounting{Read: 1, Rejected: 1}},
	{file: "long-cell.csv", acc: readOne}, // 500 characters is fine by default
	{file: "long-line.csv", kind: ErrTooLarge, row: 3, column: "A (Member Number)",
		phrase: "the cell has 1048576 characters, more than the limit of 32767", acc: Accounting{Read: 2, Accepted: 1, Rejected: 1}},
	{file: "huge-dimension.xlsx", kind: ErrBadRow, sheet: "CPD", row: 1048576, column: "XFD", value: "stray",
		phrase: "the row is empty in every column of the table; its only value is in column XFD, outside the table",
		// Every row down to the stray cell is counted: 1,048,573 blank.
		acc: Accounting{Read: 1048575, Accepted: 1, Rejected: 1, Blank: 1048573}},
	{file: "wide-rows.xlsx", acc: Accounting{Read: 20, Accepted: 20}},
	{file: "wide-rows.xlsx", opts: func(o *Options) { o.MaxCellsPerFile = 50_000 }, kind: ErrTooLarge, sheet: "CPD", row: 5,
		phrase: "the workbook is too big to read: by this row it has more than 50,000 cells, counting the empty cells up to the last cell of each row (this row reaches column XFD)",
		acc:    Accounting{Read: 3, Accepted: 3}},
	{file: "many-rows.csv", opts: func(o *Options) { o.MaxRowsPerSheet = 3 }, kind: ErrTooLarge, row: 5,
		phrase: "there are more than 3 rows below the header", acc: Accounting{Read: 3, Accepted: 3}},
	{file: "many-rows.csv", opts: func(o *Options) { o.MaxFileSize = 100 }, kind: ErrTooLarge,
		phrase: "the file is 321 bytes, more than the limit of 100 bytes, so it was not read"},
	{file: "many-rows.csv", acc: Accounting{Read: 10, Accepted: 10}},

	// Zip and XML tricks.
	{file: "zip-bomb.xlsx", kind: ErrTooLarge,
		phrase: `the part "xl/worksheets/sheet1.xml" of the workbook unzips from 20.4 KB to 20.0 MB, 1004 times its size, far more than a real workbook (Excel's parts unzip about 10 times); it may be a "zip bomb", so it was not read`},
	{file: "zip-bomb.xlsx", opts: func(o *Options) { o.UnzipSizeLimit = 1 << 20 }, kind: ErrTooLarge,
		phrase: `the workbook unzips to more than 1.0 MB, so it was not read (it may be a "zip bomb")`},
	// Within the ratio, the 20 MB of spaces go before the first row: over
	// the row limit.
	{file: "zip-bomb.xlsx", opts: func(o *Options) { o.MaxUnzipRatio = 2000 }, kind: ErrTooLarge,
		phrase: `in the part "xl/worksheets/sheet1.xml" of the workbook, the XML before its first row takes more than 16.0 MB`},
	{file: "zip-bomb.xlsx", opts: func(o *Options) { o.MaxUnzipRatio = 2000; o.MaxRowBytes = 32 << 20 }, acc: readOne}, // a real workbook
	{file: "lying-size.xlsx", kind: ErrTooLarge, phrase: `the workbook unzips to more than 4.0 GB, so it was not read (it may be a "zip bomb")`},
	{file: "zip-slip.xlsx", kind: ErrBadFile, phrase: `the workbook holds a part named "../../cpdaudit-zip-slip.txt", a path that points outside the workbook; ` + crafted},
	{file: "duplicate-part.xlsx", kind: ErrBadFile, phrase: `the workbook holds two parts named "xl/worksheets/sheet1.xml", so different programs could read different data from it; ` + crafted},
	{file: "billion-laughs.xlsx", kind: ErrBadFile, phrase: `the part "xl/sharedStrings.xml" of the workbook starts with a document type declaration (<!DOCTYPE>)`},
	{file: "xxe-external-entity.xlsx", kind: ErrBadFile, phrase: `the part "xl/worksheets/sheet1.xml" of the workbook starts with a document type declaration (<!DOCTYPE>)`},
	{file: "macro.xlsm", acc: readOne, check: func(t *testing.T, res FileResult) {
		// The data is read; the VBA project is never looked at, let alone run.
		if res.Activities[0].Title != "Macro workbook activity" {
			t.Fatalf("activity %+v", res.Activities[0])
		}
	}},
}

// TestBadFiles: each bad file gives exactly the issue in its table entry
// (or none, with the rows read), never panics, hangs or writes anything:
// temporary files go to TMPDIR, which must be empty afterwards, and the
// zip-slip file's paths must not appear.
func TestBadFiles(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	slip := []string{filepath.Join("..", "..", "cpdaudit-zip-slip.txt"), "/tmp/cpdaudit-zip-slip-absolute.txt",
		filepath.Join(tmp, "..", "cpdaudit-zip-slip.txt")}
	for _, tc := range badCases {
		name := tc.file
		if tc.opts != nil {
			name += "/limit"
		}
		t.Run(name, func(t *testing.T) {
			opts := DefaultOptions()
			if tc.opts != nil {
				tc.opts(&opts)
			}
			path := badFixture(tc.file)
			done := make(chan FileResult, 1)
			go func() { done <- ImportActivities(path, opts) }()
			var res FileResult
			select {
			case res = <-done:
			case <-time.After(60 * time.Second):
				t.Fatalf("%s: no result after 60 s", tc.file)
			}
			checkAccounting(t, res)
			if res.Accounting != tc.acc {
				t.Errorf("accounting %v, want %v", res.Accounting, tc.acc)
			}
			if tc.kind == nil {
				if len(res.Issues) != 0 {
					t.Fatalf("want no issue, got %v", res.Issues)
				}
			} else {
				if len(res.Issues) != 1 {
					t.Fatalf("want 1 issue, got %d: %v", len(res.Issues), res.Issues)
				}
				is := res.Issues[0]
				if !errors.Is(is, tc.kind) || !strings.Contains(is.Problem, tc.phrase) {
					t.Fatalf("got [%v] %q\nwant [%v] containing %q", is.Kind, is.Problem, tc.kind, tc.phrase)
				}
				if is.File != path || is.Sheet != tc.sheet || is.Row != tc.row || is.Column != tc.column || is.Action == "" {
					t.Fatalf("issue at %q sheet %q row %d column %q (action %q), want sheet %q row %d column %q",
						is.File, is.Sheet, is.Row, is.Column, is.Action, tc.sheet, tc.row, tc.column)
				}
				if tc.value != "" && is.Value != tc.value {
					t.Fatalf("value %q, want %q", is.Value, tc.value)
				}
				if len(is.Error()) > 1000 {
					t.Fatalf("message too long to read (%d characters): %.300s", len(is.Error()), is.Error())
				}
			}
			if tc.check != nil {
				tc.check(t, res)
			}
			if left, _ := os.ReadDir(tmp); len(left) > 0 {
				t.Fatalf("temporary files left behind: %v", left)
			}
			for _, p := range slip {
				if _, err := os.Lstat(p); err == nil {
					t.Fatalf("%s was written", p)
				}
			}
		})
	}
}

// TestBadCorpusCovered keeps the corpus and the table in step: every file
// in fixtures/bad has an entry, every entry a file, and the corpus has the
// 25 files issue 7 asks for.
func TestBadCorpusCovered(t *testing.T) {
	entries, err := os.ReadDir(badDir)
	if err != nil {
		t.Fatal(err)
	}
	tested := map[string]bool{}
	for _, tc := range badCases {
		tested[tc.file] = true
	}
	var files []string
	for _, e := range entries {
		if e.IsDir() || e.Name() == "README.md" {
			continue
		}
		files = append(files, e.Name())
		if !tested[e.Name()] {
			t.Errorf("fixtures/bad/%s has no entry in badCases", e.Name())
		}
	}
	for f := range tested {
		if !slices.Contains(files, f) {
			t.Errorf("badCases names %s, which is not in fixtures/bad", f)
		}
	}
	if len(files) < 25 {
		t.Errorf("fixtures/bad has %d files, issue 7 asks for at least 25", len(files))
	}
	// The README lists every file too.
	readme, err := os.ReadFile(filepath.Join(badDir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if !strings.Contains(string(readme), "`"+f+"`") {
			t.Errorf("fixtures/bad/README.md does not list %s", f)
		}
	}
}

func TestMissingFile(t *testing.T) {
	res := ImportActivities(badFixture("no-such-file.csv"), DefaultOptions())
	if len(res.Issues) != 1 || !errors.Is(res.Issues[0], ErrNotFound) {
		t.Fatalf("issues %v", res.Issues)
	}
}

// A symbolic link loop in a folder cannot hang Discover: links to folders
// are not followed, and a link to a file that loops is reported.
func TestDiscoverSymlinkLoop(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "real.csv"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for link, target := range map[string]string{"loop": ".", "up": "..", "self.csv": "self.csv", "link.csv": "real.csv"} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Skipf("no symbolic links here: %v", err)
		}
	}
	done := make(chan struct{})
	var (
		files  []string
		issues []Issue
	)
	go func() { files, issues = Discover([]string{dir}); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Discover did not return")
	}
	if len(files) != 2 || filepath.Base(files[0]) != "link.csv" || filepath.Base(files[1]) != "real.csv" {
		t.Fatalf("files %v", files)
	}
	if len(issues) != 1 || filepath.Base(issues[0].File) != "self.csv" || !errors.Is(issues[0], ErrBadFile) ||
		!strings.Contains(issues[0].Problem, "a symbolic link loop") {
		t.Fatalf("issues %v", issues)
	}
	res := ImportActivities(filepath.Join(dir, "self.csv"), DefaultOptions())
	if len(res.Issues) != 1 || !strings.Contains(res.Issues[0].Problem, "a symbolic link loop") {
		t.Fatalf("import of the loop: %v", res.Issues)
	}
}

// The prolog scan finds a DOCTYPE however it is hidden, and gives up on a
// prolog longer than any real part's.
func TestHasDoctype(t *testing.T) {
	for _, tc := range []struct {
		xml  string
		want bool
	}{
		{`<?xml version="1.0"?><worksheet/>`, false},
		{"\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- c --><!DOCTYPE x><x/>", true},
		{`<?xml version="1.0"?><!doctype x><x/>`, true},
		{`<x><!DOCTYPE inside is not a prolog></x>`, false},
		{"<?xml version=\"1.0\"?><!--" + strings.Repeat(" ", 70<<10) + "--><!DOCTYPE x><x/>", true},
		{"", false},
	} {
		if got := hasDoctype(strings.NewReader(tc.xml)); got != tc.want {
			t.Errorf("hasDoctype(%.60q) = %v", tc.xml, got)
		}
	}
	for name, want := range map[string]bool{"xl/workbook.xml": false, "../x": true, "a/../../x": true, "/etc/x": true,
		`..\..\x`: true, "C:/x": true, "xl/..x.xml": false} {
		if unsafePartName(name) != want {
			t.Errorf("unsafePartName(%q) != %v", name, want)
		}
	}
}
