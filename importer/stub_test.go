package importer

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// Opening a workbook with its large sheets stubbed (openStubbed) must
// change nothing a user sees: every result is the one the whole file
// gives, refusals included, and the whole file is opened only when
// something needs a stubbed sheet from excelize.

// importBoth imports path with no sheet stubbed and with every sheet
// stubbed, and says how often the second opened the whole file.
func importBoth(t *testing.T, path string, opts Options) (whole, stubbed FileResult, reopened int) {
	t.Helper()
	defer func(n uint64) { stubSheetSize = n }(stubSheetSize)
	defer func() { testHookOpenReal = nil }()
	stubSheetSize = ^uint64(0)
	whole = ImportActivities(path, opts)
	stubSheetSize = 0
	testHookOpenReal = func() { reopened++ }
	stubbed = ImportActivities(path, opts)
	return whole, stubbed, reopened
}

// Every workbook under fixtures/, with the default limits and with a row
// limit and a cell limit that refuse or stop some of them.
func TestStubbedReadsAsWhole(t *testing.T) {
	var paths []string
	filepath.WalkDir("../fixtures", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.EqualFold(filepath.Ext(p), ".xlsx") {
			paths = append(paths, p)
		}
		return nil
	})
	if len(paths) < 10 {
		t.Fatalf("only %d workbooks found", len(paths))
	}
	for _, p := range paths {
		for _, opts := range []Options{{}, {MaxRowBytes: 2 << 10}, {MaxCellsPerFile: 40}} {
			whole, stubbed, _ := importBoth(t, p, opts)
			if !reflect.DeepEqual(whole, stubbed) {
				t.Errorf("%s, %+v: stubbed\n%+v\nwhole\n%+v", p, opts, stubbed, whole)
			}
		}
	}
}

// writeExport writes an export of n activities; long, when not 0, is the
// row whose reflection takes 40 KB.
func writeExport(t *testing.T, path string, n, long int) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	sw.SetRow("A1", []any{"Member Number", "Title", "Learning Category", "Date", "Hours", "Reflection"})
	for i := 2; i <= n+1; i++ {
		refl := fmt.Sprintf("I learnt to check the survey data for activity %d and applied it.", i)
		if i == long {
			refl = strings.Repeat("word ", 8<<10)
		}
		cell, _ := excelize.CoordinatesToCellName(1, i)
		sw.SetRow(cell, []any{30001 + i%50, fmt.Sprintf("Course %d", i), "Formal", "14/03/2025", 2, refl})
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

// A row over the limit late in a stubbed sheet, after thousands of rows
// were read: the workbook is refused with the issue the check before the
// reading gave, and no row is kept; the whole file is never opened.
func TestStubbedRowOverLimitLate(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "late.xlsx")
	writeExport(t, path, 3000, 2900)
	whole, stubbed, reopened := importBoth(t, path, Options{MaxRowBytes: 32 << 10})
	wantIssue(t, stubbed, `its row number 2,900 (counting the rows stored in the file) takes more than 32.0 KB`)
	if !reflect.DeepEqual(whole, stubbed) {
		t.Errorf("stubbed\n%+v\nwhole\n%+v", stubbed.Issues, whole.Issues)
	}
	if reopened != 0 {
		t.Errorf("the whole file was opened %d times", reopened)
	}
	// Under the limit it reads, all of it, without opening the whole file.
	whole, stubbed, reopened = importBoth(t, path, Options{})
	if !reflect.DeepEqual(whole, stubbed) || stubbed.Accounting.Accepted != 3000 {
		t.Errorf("accepted %d and %d, issues %v", stubbed.Accounting.Accepted, whole.Accounting.Accepted, stubbed.Issues)
	}
	if reopened != 0 {
		t.Errorf("the whole file was opened %d times", reopened)
	}
	// The cell limit stops the reading before the long row: the row is
	// measured all the same, as before, and refuses the workbook.
	whole, stubbed, _ = importBoth(t, path, Options{MaxRowBytes: 32 << 10, MaxCellsPerFile: 600})
	wantIssue(t, stubbed, `its row number 2,900`)
	if !reflect.DeepEqual(whole, stubbed) {
		t.Errorf("stubbed\n%+v\nwhole\n%+v", stubbed.Issues, whole.Issues)
	}
}

// spanMeter fed in pieces of every size gives longestSpan's answer on
// the whole part, also with tags cut between pieces.
func TestSpanMeterInPieces(t *testing.T) {
	pad := func(n int) string { return strings.Repeat("x", n) }
	xmls := []string{
		"<sheetData><row>" + pad(10) + "</row><row>" + pad(200) + "</row><row/></sheetData>",
		"<x:sheetData><x:row r=\"1\">" + pad(10) + "</x:row><x:row\n>" + pad(200) + "</x:row></x:sheetData>",
		pad(200) + "<sheetData><row/></sheetData>",
		"<sheetData><row>" + pad(40) + "<rows/>" + pad(40) + "<rowBreaks/>" + pad(40) + "</row></sheetData>",
		"<sheetData><row>" + pad(10) + "</row></sheetData>" + pad(500),
		"<sheetData><row>" + pad(10) + "</row><row>" + pad(500),
	}
	rng := rand.New(rand.NewPCG(3, 4))
	tags := []string{"<row>", "<x:row r=\"2\">", "</row>", "<c><v>1</v></c>", "<!-- <row> -->", "<aVeryLongPrefixForTheNamespace:row>", "x", "xxxxxxxxxxxxxxxxxxxx"}
	for range 200 {
		var b strings.Builder
		b.WriteString("<sheetData>")
		for range rng.IntN(60) {
			b.WriteString(tags[rng.IntN(len(tags))])
		}
		if rng.IntN(2) == 0 {
			b.WriteString("</sheetData>" + pad(rng.IntN(100)))
		}
		xmls = append(xmls, b.String())
	}
	for _, xml := range xmls {
		for _, limit := range []int64{20, 60, 100, 150} {
			wn, wover, _ := longestSpan(strings.NewReader(xml), "row", "sheetData", limit, nil)
			for _, size := range []int{1, 2, 3, 7, 63, 64, 65, 100} {
				m := spanMeter{elem: "row", end: "sheetData", limit: limit}
				for i := 0; ; i += size {
					end := min(i+size, len(xml))
					if m.feed([]byte(xml[i:end]), end == len(xml)) || end == len(xml) {
						break
					}
				}
				if m.n != wn || m.over != wover {
					t.Fatalf("%q, limit %d, pieces of %d: n %d over %v, want n %d over %v", xml, limit, size, m.n, m.over, wn, wover)
				}
			}
		}
	}
}

// A generated export: read without opening the whole file, as the whole
// file reads it.
func TestStubbedGenerated(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "export.xlsx")
	writeExport(t, path, 2000, 0)
	if fi, err := os.Stat(path); err != nil || fi.Size() < 10<<10 {
		t.Fatalf("%v", err)
	}
	whole, stubbed, reopened := importBoth(t, path, Options{})
	if !reflect.DeepEqual(whole, stubbed) || stubbed.Accounting.Accepted != 2000 {
		t.Errorf("accepted %d and %d", stubbed.Accounting.Accepted, whole.Accounting.Accepted)
	}
	if reopened != 0 {
		t.Errorf("the whole file was opened %d times", reopened)
	}
}

// The corpus of FuzzReadXLSX (crafted and damaged workbooks): each reads
// stubbed as whole.
func TestStubbedFuzzCorpus(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzReadXLSX")
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	defer func(n uint64) { stubSheetSize = n }(stubSheetSize)
	for _, e := range entries {
		text, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		lit, ok := strings.CutPrefix(strings.TrimSpace(strings.SplitN(string(text), "\n", 2)[1]), "[]byte(")
		data, err := strconv.Unquote(strings.TrimSuffix(lit, ")"))
		if !ok || err != nil {
			t.Fatalf("%s: not a corpus entry: %v", e.Name(), err)
		}
		stubSheetSize = ^uint64(0)
		whole, _ := importBytes("fuzz.xlsx", []byte(data), fuzzOptions(), activitySchema)
		stubSheetSize = 0
		stubbed, _ := importBytes("fuzz.xlsx", []byte(data), fuzzOptions(), activitySchema)
		if !reflect.DeepEqual(whole, stubbed) {
			t.Errorf("%s: stubbed\n%+v\nwhole\n%+v", e.Name(), stubbed, whole)
		}
	}
}
