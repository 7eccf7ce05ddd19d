package importer

import (
	"archive/zip"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// The fast sheet reader against excelize, the reference: every row of
// every sheet, its number, its stored and shown values and any error
// must be what excelize's row iterators give.

// diffSheets reads every sheet of the workbook in data both ways and
// reports the first difference of each sheet. It returns how many sheets
// the fast reader read to the end without handing over to excelize.
func diffSheets(t testing.TB, name string, data []byte, withShown bool) (fast int, whys []string) {
	t.Helper()
	opts := DefaultOptions()
	if iss := checkArchive(name, bytes.NewReader(data), int64(len(data)), opts, nil); iss != nil {
		return 0, nil // refused before reading
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit: opts.UnzipSizeLimit, UnzipXMLSizeLimit: opts.UnzipXMLSizeLimit})
	if err != nil {
		return 0, nil // excelize cannot open it: the fast reader never runs
	}
	defer f.Close()
	date1904 := false
	if p, err := f.GetWorkbookProps(); err == nil && p.Date1904 != nil {
		date1904 = *p.Date1904
	}
	wr := openWorkbookRows(f, bytes.NewReader(data), int64(len(data)), withShown, date1904)
	defer wr.close()
	if wr.why != "" {
		whys = append(whys, wr.why)
	}
	for _, sheet := range f.GetSheetList() {
		want, werr := openExcelizeRows(f, sheet, withShown, 0)
		got, gerr := wr.rows(sheet)
		if (werr == nil) != (gerr == nil) {
			t.Errorf("%s, sheet %q: open: excelize %v, fast %v", name, sheet, werr, gerr)
			continue
		}
		if werr != nil {
			continue
		}
		for row := 1; ; row++ {
			wn, gn := want.Next(), got.Next()
			if wn != gn {
				t.Errorf("%s, sheet %q, row %d: excelize has a row %v, fast %v", name, sheet, row, wn, gn)
				break
			}
			if !wn {
				break
			}
			wraw, wshown, we := want.Columns()
			graw, gshown, ge := got.Columns()
			if (we == nil) != (ge == nil) || !slices.Equal(wraw, graw) || !slices.Equal(wshown, gshown) {
				t.Errorf("%s, sheet %q, row %d (shown %v):\nexcelize raw %q shown %q err %v\nfast     raw %q shown %q err %v",
					name, sheet, row, withShown, wraw, wshown, we, graw, gshown, ge)
				break
			}
			if row > 2_000_000 {
				t.Fatalf("%s: runaway sheet", name)
			}
		}
		if (want.Error() == nil) != (got.Error() == nil) {
			t.Errorf("%s, sheet %q: error: excelize %v, fast %v", name, sheet, want.Error(), got.Error())
		}
		want.Close()
		got.Close()
		if fr, ok := got.(*fastRows); ok && fr.why != "" {
			whys = append(whys, fmt.Sprintf("sheet %q: %s", sheet, fr.why))
		}
	}
	return wr.fast, whys
}

// Every workbook under fixtures/, both with and without shown values.
func TestFastReaderFixtures(t *testing.T) {
	var paths []string
	err := filepath.WalkDir("../fixtures", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if ext := strings.ToLower(filepath.Ext(path)); !d.IsDir() && (ext == ".xlsx" || ext == ".xlsm") {
			paths = append(paths, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) < 20 {
		t.Fatalf("only %d workbooks found under fixtures/", len(paths))
	}
	fastSheets := 0
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, shown := range []bool{false, true} {
			n, whys := diffSheets(t, p, data, shown)
			fastSheets += n
			if len(whys) > 0 && shown {
				t.Logf("%s: excelize read part: %s", p, strings.Join(whys, "; "))
			}
		}
	}
	// Not a vacuous comparison: the fast reader read most sheets itself.
	if fastSheets < 40 {
		t.Errorf("the fast reader read only %d sheets to the end", fastSheets)
	}
}

// A workbook as the importer meets them: the formats offices use (dates,
// times, ids shown as 000000, hours to one decimal, text), booleans,
// formulas with and without a cached value, rich text, escapes, missing
// rows and cells, inline strings, a 1904 date system.
func TestFastReaderFormats(t *testing.T) {
	for _, date1904 := range []bool{false, true} {
		data := formatsWorkbook(t, date1904)
		for _, shown := range []bool{false, true} {
			n, whys := diffSheets(t, "formats", data, shown)
			if n != 2 {
				t.Errorf("1904 %v, shown %v: the fast reader read %d sheets of 2 to the end: %v", date1904, shown, n, whys)
			}
		}
	}
}

func formatsWorkbook(t testing.TB, date1904 bool) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if date1904 {
		if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &date1904}); err != nil {
			t.Fatal(err)
		}
	}
	style := func(s *excelize.Style) int {
		id, err := f.NewStyle(s)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	custom := func(code string) int { return style(&excelize.Style{CustomNumFmt: &code}) }
	styles := []int{
		0, style(&excelize.Style{NumFmt: 14}), style(&excelize.Style{NumFmt: 22}), style(&excelize.Style{NumFmt: 20}),
		custom("000000"), custom("dd/mm/yyyy"), custom("yyyy-mm-dd h:mm:ss"), custom("0.0"), custom("@"),
		custom(`"IES"000000`), custom("[h]:mm"), custom(`0;-0;"zero";"text: "@`), custom("#,##0.00"),
		style(&excelize.Style{Font: &excelize.Font{Bold: true}}), style(&excelize.Style{NumFmt: 49}),
		custom("d mmm yyyy"), custom("0%"), custom("# ?/?"),
	}
	values := []any{
		45730, 45730.5, 7, 200001, 1.5, 0.0625, -3, 0, "text", "000007", "7", true, false,
		"line one\nline two", " spaced ", "a_x0041_b", time.Date(2025, 3, 14, 0, 0, 0, 0, time.UTC),
		1e20, 123456789012345678, "=not a formula", "",
	}
	const sheet = "Sheet1"
	row := 1
	for _, st := range styles {
		for col, v := range values {
			ref, _ := excelize.CoordinatesToCellName(col+1, row)
			if err := f.SetCellValue(sheet, ref, v); err != nil {
				t.Fatal(err)
			}
			if err := f.SetCellStyle(sheet, ref, ref, st); err != nil {
				t.Fatal(err)
			}
		}
		row += 2 // a missing row between
	}
	// Formulas: one with a cached value, one without; rich text.
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetCellFormula(sheet, "A60", "SUM(A1:A3)"))
	must(f.SetCellFormula(sheet, "C60", "1+1"))
	must(f.SetCellValue(sheet, "C60", 2))
	must(f.SetCellStyle(sheet, "A60", "C60", styles[7]))
	must(f.SetCellRichText(sheet, "B61", []excelize.RichTextRun{
		{Text: "bold ", Font: &excelize.Font{Bold: true, Size: 11, Color: "FF0000"}}, {Text: "plain"}}))
	must(f.SetCellValue(sheet, "XFD62", "far right"))
	// A second sheet written by the stream writer (inline strings).
	if _, err := f.NewSheet("Stream"); err != nil {
		t.Fatal(err)
	}
	sw, err := f.NewStreamWriter("Stream")
	must(err)
	for r := 1; r <= 200; r++ {
		cells := []any{r, fmt.Sprintf("member %06d", r), excelize.Cell{StyleID: styles[1], Value: 45000 + r},
			excelize.Cell{StyleID: styles[4], Value: 200000 + r}, float64(r) / 4, "ünïcödé € 🙂", true}
		ref, _ := excelize.CoordinatesToCellName(1, r*2)
		must(sw.SetRow(ref, cells))
	}
	must(sw.Flush())
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A generated export of the benchmark's shape, read both ways; the fast
// reader must read it all itself.
func TestFastReaderGenerated(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a workbook with go run")
	}
	dir := t.TempDir()
	cmd := exec.Command("go", "run", "../fixtures/gen", "-members", "150", "-seed", "3", "-format", "xlsx", "-out", dir)
	// The generator's temporary files go in a folder of this test's own:
	// fixtures/gen's tests, which may run meanwhile, look for leftovers
	// in the system's.
	cmd.Env = append(os.Environ(), "TMPDIR="+t.TempDir())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("generating: %v\n%s", err, out)
	}
	data, err := os.ReadFile(filepath.Join(dir, "activities.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	for _, shown := range []bool{false, true} {
		if n, whys := diffSheets(t, "generated", data, shown); n != 1 {
			t.Errorf("shown %v: the fast reader did not read the export to the end: %v", shown, whys)
		}
	}
}

// Pieces of sheets that must go to excelize, or be read exactly as it
// reads them; each is also a seed of the fuzz target.
var sheetSeeds = []string{
	`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1"><v>45730</v></c></row>`,
	`<row><c><v>1</v></c><c><v>2</v></c></row><row><c t="inlineStr"><is><t>x</t></is></c></row>`,
	`<row r="3"><c r="C3" s="1"><v>45000</v></c><c r="D3" s="2"><v>200001</v></c><c r="E3" s="3"><v>0.0625</v></c></row>`,
	`<row r="2"><c r="A2" t="b"><v>1</v></c><c r="B2" t="e"><v>#N/A</v></c><c r="C2" t="str"><f>A1</f><v>x</v></c><c r="D2"><f>1+1</f></c></row>`,
	`<row r="5"><c r="B5" t="s"><v> 2 </v></c><c r="C5" t="s"><v>99</v></c><c r="D5" t="s"><v>x</v></c></row>`,
	`<row r="1"><c r="A1" t="inlineStr"><is><r><rPr><b/><sz val="11"/></rPr><t>a</t></r><r><t xml:space="preserve"> b</t></r></is></c></row>`,
	`<row r="1"><c r="A1"><v>1&amp;2&#65;&#x42;</v></c><c r="B1"><v><![CDATA[<x>]]></v></c><!-- c --></row>`,
	`<row r="2"/><row r="1"><c r="A1"><v>1</v></c></row>`,
	`<row r="1"><c r="B1"><v>1</v></c><c r="A1"><v>2</v></c></row>`,
	`<row r="1"><c r="A1" s="4"><v>x</v></c><c r="B1" t="d"><v>2025-03-14T00:00:00Z</v></c></row>`,
	`<row r="1"><c r="a1"><v>1</v></c></row>`,
	`<row r="1"><c r="A1"><v>1</v><v>2</v></c></row>`,
	`<row r="1"><c r="A1"><v>&nbsp;</v></c></row>`,
	`<x:row r="1"><x:c r="A1"><x:v>5</x:v></x:c></x:row>`,
	`<row r="1"><c r="A1" t="inlineStr"><is><r><t>b</t></r><t>a</t><r><t>c</t></r></is></c></row>`,
	`<row r="1"><c r="A1" t="s" s="3"><v>1</v></c><c r="B1" s="4" t="s"><v>0</v></c><c r="C1" s="2"><f>1</f></c></row>`,
}

// A workbook around a sheet's rows and a shared strings table, with the
// styles of a typical export.
func fuzzWorkbook(rows, sst string) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	add := func(name, body string) {
		w, _ := zw.Create(name)
		_, _ = w.Write([]byte(body))
	}
	add("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`)
	add("_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	add("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	add("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`)
	add("xl/styles.xml", `<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="3"><numFmt numFmtId="164" formatCode="000000"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd h:mm:ss"/><numFmt numFmtId="166" formatCode="&quot;x&quot;@"/></numFmts><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>`)
	if sst != "" {
		add("xl/sharedStrings.xml", sst)
	}
	add("xl/worksheets/sheet1.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1"/><sheetData>`+rows+`</sheetData></worksheet>`)
	_ = zw.Close()
	return b.Bytes()
}

const seedSST = `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4" uniqueCount="4"><si><t>Member Number</t></si><si><r><rPr><b/></rPr><t>rich</t></r><r><t xml:space="preserve"> text</t></r></si><si><t>a_x0009_b</t></si><si><t/></si></sst>`

func TestFastReaderSeeds(t *testing.T) {
	for _, rows := range sheetSeeds {
		for _, shown := range []bool{false, true} {
			diffSheets(t, rows, fuzzWorkbook(rows, seedSST), shown)
		}
	}
	// The plain seeds are read by the fast reader itself.
	if n, whys := diffSheets(t, "seed 0", fuzzWorkbook(sheetSeeds[0], seedSST), true); n != 1 {
		t.Errorf("seed 0 went to excelize: %v", whys)
	}
}

// FuzzFastSheet compares the fast reader with excelize on fuzzed sheet
// and shared-strings XML: every cell, type and position.
func FuzzFastSheet(f *testing.F) {
	for _, s := range sheetSeeds {
		f.Add(s, seedSST)
	}
	f.Add(sheetSeeds[0], `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>a&amp;b</t><rPh sb="0" eb="1"><t>x</t></rPh></si><si><r><t>1</t></r></si></sst>`)
	// Row numbers in the hundred thousands are read the same way as small
	// ones, but walking the missing rows up to them takes the fuzzer's
	// time: they are left to the unit tests.
	bigRow := regexp.MustCompile(`r\s*=\s*["'][A-Za-z]*[0-9]{5,}`)
	f.Fuzz(func(t *testing.T, rows, sst string) {
		if bigRow.MatchString(rows) {
			t.Skip()
		}
		data := fuzzWorkbook(rows, sst)
		for _, shown := range []bool{false, true} {
			diffSheets(t, fmt.Sprintf("rows %q sst %q", rows, sst), data, shown)
		}
	})
}

// A sheet left half read (a row limit, an error in the importer) stops
// the inflating and parsing goroutines at Close.
func TestFastReaderCloseEarly(t *testing.T) {
	var rows strings.Builder
	for r := 1; r <= 20000; r++ {
		fmt.Fprintf(&rows, `<row r="%d"><c r="A%d"><v>%d</v></c><c r="B%d" t="inlineStr"><is><t>text %d</t></is></c></row>`, r, r, r, r, r)
	}
	data := fuzzWorkbook(rows.String(), "")
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	before := runtime.NumGoroutine()
	wr := openWorkbookRows(f, bytes.NewReader(data), int64(len(data)), false, false)
	defer wr.close()
	sr, err := wr.rows("Data")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := sr.(*fastRows); !ok {
		t.Fatalf("the sheet is not read by the fast reader: %s", wr.why)
	}
	for range 3 {
		if !sr.Next() {
			t.Fatal("no row")
		}
	}
	if raw, _, _ := sr.Columns(); !slices.Equal(raw, []string{"3", "text 3"}) {
		t.Errorf("row 3 reads %q", raw)
	}
	sr.Close()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after Close, %d before", n, before)
	}
}
