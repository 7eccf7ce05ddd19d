package report

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gocarina/gocsv"
	"github.com/xuri/excelize/v2"

	"github.com/ies/cpdaudit/audit"
)

// excelizeRows writes rows with excelize's StreamWriter.SetRow, as the
// tables did before appendSheetRow, and returns the sheet XML between
// <sheetData> and </sheetData>.
func excelizeRows(t testing.TB, cols []column, rows [][]any, heights []float64) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	for i, vals := range rows {
		cells := make([]any, len(vals))
		for j, v := range vals {
			cells[j] = excelize.Cell{StyleID: cols[j].style, Value: v}
		}
		if err := sw.SetRow(cellName(1, i+2), cells, excelize.RowOpts{Height: heights[i]}); err != nil {
			t.Fatalf("row %d: %v", i+2, err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := zr.Open("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	sheet, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	start := bytes.Index(sheet, []byte("<sheetData>")) + len("<sheetData>")
	end := bytes.Index(sheet, []byte("</sheetData>"))
	return sheet[start:end]
}

func ourRows(t testing.TB, cols []column, rows [][]any, heights []float64) []byte {
	t.Helper()
	var out []byte
	for i, vals := range rows {
		var err error
		if out, err = appendSheetRow(out, i+2, vals, cols, heights[i]); err != nil {
			t.Fatalf("row %d: %v", i+2, err)
		}
	}
	return out
}

// firstDiff shows where two sheets' rows part.
func firstDiff(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := max(i-80, 0)
	return "excelize: ..." + string(a[lo:min(i+80, len(a))]) + "\nours:     ..." + string(b[lo:min(i+80, len(b))])
}

// Awkward strings: everything excelize's escaping treats specially.
var awkwardStrings = []string{
	"", " ", "plain text", " leading", "trailing ", "\tTab", "line\nfeed", "cr\r\nlf", "ends\n",
	`<b>&"quotes'</b>`, "a_b", "_x0041_", "_x005F_", "_x005F_x0041_", "_x005F_x12", "_xD800_", "_x12G4_",
	"__x0041__x0042_", "x0041_", "_X0041_", "naïve café", "Zoë Ł", "日本語のテキスト", "emoji 😀 here",
	"ctl\x01char", "del\x7f", "bad utf8 \xff\xfe", "\uFFFE", "\uFFFD", "=SUM(A1)", "+44 1234", "-3", "@x",
	strings.Repeat("é", 20000), strings.Repeat("😀", 17000), strings.Repeat("a", 32767), strings.Repeat("a", 32768) + "tail",
	"mixed _x0009_ and\ttab", "&#xA; literal",
}

func TestSheetRowsAsExcelize(t *testing.T) {
	cols := []column{{style: 1}, {style: 0}, {style: 3}, {style: 12}, {style: 2}}
	var rows [][]any
	var heights []float64
	add := func(h float64, vals ...any) {
		for len(vals) < len(cols) {
			vals = append(vals, nil)
		}
		rows = append(rows, vals)
		heights = append(heights, h)
	}
	for _, s := range awkwardStrings {
		add(0, s, s, nil, s)
	}
	for _, f := range []float64{0, 1, -1, 0.5, 37.25, 0.1 + 0.2, 1.0 / 3, 2.675, 1e-7, 1e21, 123456789012345678, math.Copysign(0, -1),
		math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64, math.NaN(), math.Inf(1), math.Inf(-1)} {
		add(15, f, int(f), f)
	}
	for _, n := range []int{0, 1, -1, 7, 1 << 40, math.MinInt64, math.MaxInt64} {
		add(30.75, n)
	}
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		london = time.FixedZone("BST", 3600)
	}
	for _, d := range []time.Time{
		time.Date(2025, 3, 14, 0, 0, 0, 0, time.UTC), time.Date(2025, 7, 1, 13, 30, 15, 500, london),
		time.Date(1900, 2, 28, 0, 0, 0, 0, time.UTC), time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC), time.Date(1899, 12, 30, 23, 0, 0, 0, time.UTC),
		time.Date(1066, 10, 14, 9, 0, 0, 0, time.FixedZone("x", -5*3600)), time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(2024, 2, 29, 12, 0, 0, 0, time.FixedZone("y", 5*3600+1800)), {},
	} {
		add(409, d, d.String(), d)
	}
	// Random rows of the kinds the tables write.
	rng := rand.New(rand.NewPCG(18, 5))
	alphabet := []rune("abc XYZ_x0F5\n\t\r<>&\"'é😀\x00\x1f-=+@.")
	for range 3000 {
		vals := make([]any, len(cols))
		for j := range vals {
			switch rng.IntN(6) {
			case 0:
				vals[j] = nil
			case 1:
				vals[j] = rng.IntN(2000) - 1000
			case 2:
				vals[j] = math.Round(rng.Float64()*40000) / 100
			case 3:
				if cols[j].style == 0 {
					continue // excelize adds a style; the tables never ask it to
				}
				vals[j] = time.Date(1890+rng.IntN(200), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), rng.IntN(24), 0, 0, 0, time.UTC)
			default:
				vals[j] = randomText(rng, alphabet, rng.IntN(40))
			}
		}
		rows = append(rows, vals)
		heights = append(heights, float64(rng.IntN(4))*12.75)
	}
	want := excelizeRows(t, cols, rows, heights)
	got := ourRows(t, cols, rows, heights)
	if !bytes.Equal(got, want) {
		t.Fatalf("rows differ from excelize's:\n%s", firstDiff(want, got))
	}
}

// A row too high for Excel is refused with excelize's own error.
func TestSheetRowTooHigh(t *testing.T) {
	_, err := appendSheetRow(nil, 2, []any{"x"}, []column{{style: 1}}, excelize.MaxRowHeight+1)
	if !errors.Is(err, excelize.ErrMaxRowHeight) {
		t.Fatalf("err = %v, want excelize.ErrMaxRowHeight", err)
	}
	if _, err := appendSheetRow(nil, 2, []any{true}, []column{{style: 1}}, 0); err == nil {
		t.Fatal("a bool cell was written; only the types excelize's form is known for may be")
	}
	if _, err := appendSheetRow(nil, 2, []any{time.Now()}, []column{{style: 0}}, 0); err == nil {
		t.Fatal("a date was written in a column without a style, where excelize would add one")
	}
}

// Cell names past column Z and in high rows are excelize's.
func TestAppendCellName(t *testing.T) {
	for _, c := range [][2]int{{1, 1}, {26, 2}, {27, 3}, {52, 10}, {53, 99}, {702, 1048576}, {703, 5}, {16384, 7}} {
		want, err := excelize.CoordinatesToCellName(c[0], c[1])
		if err != nil {
			t.Fatal(err)
		}
		if got := string(appendCellName(nil, c[0], c[1])); got != want {
			t.Errorf("appendCellName(%d, %d) = %q, want %q", c[0], c[1], got, want)
		}
	}
}

// FuzzSheetRowString compares one string cell with excelize's.
func FuzzSheetRowString(f *testing.F) {
	for _, s := range awkwardStrings {
		if len(s) < 1000 {
			f.Add(s)
		}
	}
	cols := []column{{style: 4}}
	f.Fuzz(func(t *testing.T, s string) {
		rows, heights := [][]any{{s}}, []float64{0}
		want := excelizeRows(t, cols, rows, heights)
		if got := ourRows(t, cols, rows, heights); !bytes.Equal(got, want) {
			t.Fatalf("%q: rows differ from excelize's:\n%s", s, firstDiff(want, got))
		}
	})
}

// Rows that outgrow memory go to a temporary file and come back in order:
// the workbook is the same whether its rows were spooled or not, and the
// file is gone after Close.
func TestRowSpoolToFile(t *testing.T) {
	in := sampleInput()
	var want bytes.Buffer
	if err := WriteWorkbook(&want, in); err != nil {
		t.Fatal(err)
	}
	defer func(n, b int) { rowSpoolChunk, rowBlock = n, b }(rowSpoolChunk, rowBlock)
	// Rows cross blocks, and the file is written more than once.
	rowSpoolChunk, rowBlock = 1000, 37
	in.TempDir = t.TempDir()
	var got bytes.Buffer
	tw, err := NewTableWriter(in, &got, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range in.Results {
		if err := tw.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	spooled := 0
	for _, s := range tw.inserts.spools {
		if s.file != nil {
			spooled++
		}
	}
	if spooled == 0 {
		t.Fatal("no rows went to a temporary file; the test checks nothing")
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Error("the workbook with its rows spooled to a file differs from the one held in memory")
	}
	left, err := os.ReadDir(in.TempDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range left {
		t.Errorf("%s left in the temporary folder", e.Name())
	}
}

// csvText lays records out as the TableWriter's CSVs do.
func csvText(t *testing.T, records [][]string) string {
	t.Helper()
	return string(ourCSV(t, records))
}

func TestCSVRecordsAsGocsv(t *testing.T) {
	rng := rand.New(rand.NewPCG(18, 6))
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	var summary []SummaryRow
	var activities []ActivityRow
	for _, in := range []Input{sampleInput(), previousInput()} {
		summary = append(summary, SummaryRows(in.Results)...)
		activities = append(activities, ActivityRows(in.Results)...)
	}
	hours := []float64{0, 0.5, 1.25, 2.675, 1.0 / 3, 37.5, 1e-9, 1234.5678, -1}
	verdicts := []string{"MET", "REVIEW", "NOT_MET", "EXEMPT", ""}
	for range 500 {
		summary = append(summary, SummaryRow{
			MemberID: Text(pick(awkwardStrings)), Name: Text(pick(awkwardStrings)), Grade: Text(pick(awkwardStrings)),
			CountedHours: Hours(hours[rng.IntN(len(hours))]), RequiredHours: Hours(hours[rng.IntN(len(hours))]),
			SubstantiveCategories: rng.IntN(9) - 1, RequiredCategories: rng.IntN(5),
			Standard1: audit.Verdict(pick(verdicts)), Standard2: audit.Verdict(pick(verdicts)), Standard3: audit.Verdict(pick(verdicts)),
			Standard4: audit.Verdict(pick(verdicts)), Outcome: audit.Verdict(pick(verdicts)), Flags: Text(pick(awkwardStrings)),
			PreviousOutcome: audit.Verdict(pick(verdicts)),
		})
		var date time.Time
		if rng.IntN(3) > 0 {
			date = time.Date(1990+rng.IntN(40), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
		}
		activities = append(activities, ActivityRow{
			MemberID: Text(pick(awkwardStrings)), Source: Text(pick(awkwardStrings)), Title: Text(pick(awkwardStrings)),
			Category: audit.Category(pick(awkwardStrings)), Date: Date(date), Hours: Hours(hours[rng.IntN(len(hours))]),
			Counted: rng.IntN(2) == 0, Reflection: audit.ReflectionLevel(pick(verdicts)), Quality: rng.IntN(2) == 0, Users: rng.IntN(2) == 0,
			QualityEvidence: Text(pick(awkwardStrings)), UsersEvidence: Text(pick(awkwardStrings)),
			NotCountedReason: "x", Advice: "y", Flags: "z",
		})
	}
	gocsvLines := func(rows any) string {
		var buf bytes.Buffer
		if err := gocsv.MarshalCSVWithoutHeaders(rows, newCSVWriter(&buf)); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}
	var recs, recsPrev, actRecs [][]string
	withPrev := make([]summaryRowWithPrevious, len(summary))
	for i := range summary {
		recs = append(recs, summaryRecord(nil, &summary[i], false))
		recsPrev = append(recsPrev, summaryRecord(nil, &summary[i], true))
		withPrev[i] = summaryRowWithPrevious{SummaryRow: summary[i], PreviousOutcome: summary[i].PreviousOutcome}
	}
	for i := range activities {
		actRecs = append(actRecs, activityRecord(nil, &activities[i]))
	}
	for _, c := range []struct {
		name      string
		got, want string
	}{
		{"summary.csv", csvText(t, recs), gocsvLines(summary)},
		{"summary.csv with previous_outcome", csvText(t, recsPrev), gocsvLines(withPrev)},
		{"activities.csv", csvText(t, actRecs), gocsvLines(activities)},
	} {
		if c.got != c.want {
			t.Errorf("%s: lines differ from gocsv's:\n%s", c.name, firstDiff([]byte(c.want), []byte(c.got)))
		}
	}
}

// BenchmarkActivitiesStart is the fixed cost of compressing the
// Activities sheet as it is written: a workbook started and saved empty.
func BenchmarkActivitiesStart(b *testing.B) {
	in := sampleInput()
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := activitiesStart(in, false); err != nil {
			b.Fatal(err)
		}
	}
}

// activityValues is how the Activities rows' cells were made before they
// were typed (activitySheetCells): the reference of
// TestActivityCellsAsValues.
func activityValues(r *ActivityRow) []any {
	var date any
	if t := time.Time(r.Date); !t.IsZero() {
		date = t
	}
	return []any{
		string(r.MemberID), string(r.Source), string(r.Title), string(r.Category), date,
		audit.RoundHours(float64(r.Hours)), yesNo(r.Counted), string(r.Reflection), yesNo(r.Quality), yesNo(r.Users),
		string(r.QualityEvidence), string(r.UsersEvidence),
		string(r.NotCountedReason), string(r.Advice), string(r.Flags),
	}
}

// The typed cells of an Activities row give the bytes and the height the
// cells as values gave (appendSheetRow, which TestSheetRowsAsExcelize
// holds to excelize), on the sample's activities and on rows of awkward
// text, dates and hours.
func TestActivityCellsAsValues(t *testing.T) {
	cols := activityColumns(&styles{text: 1, wrap: 2, date: 3, hours: 4})
	wrap := 2
	rows := ActivityRows(sampleInput().Results)
	rng := rand.New(rand.NewPCG(18, 7))
	for i, s := range awkwardStrings {
		r := rows[i%len(rows)]
		r.Title, r.QualityEvidence, r.Advice = Text(s), Text(awkwardStrings[rng.IntN(len(awkwardStrings))]), Text(strings.Repeat(s+" ", rng.IntN(40)))
		r.Flags = Text(strings.Repeat("word-", rng.IntN(200)))
		r.Hours = Hours(rng.Float64() * 10)
		if rng.IntN(3) == 0 {
			r.Date = Date(time.Time{})
		} else {
			r.Date = Date(time.Date(2000+rng.IntN(30), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), rng.IntN(24), 0, 0, 0, time.UTC))
		}
		rows = append(rows, r)
	}
	var cells []sheetCell
	for i := range rows {
		vals := activityValues(&rows[i])
		cells = activitySheetCells(cells, &rows[i])
		wantH, gotH := wrappedHeight(vals, cols, wrap), wrappedCellsHeight(cells, cols, wrap)
		if wantH != gotH {
			t.Fatalf("row %d: height %v, as values %v", i, gotH, wantH)
		}
		want, werr := appendSheetRow(nil, i+2, vals, cols, wantH)
		got, gerr := appendSheetCells(nil, i+2, cells, cols, gotH)
		if (werr == nil) != (gerr == nil) || !bytes.Equal(got, want) {
			t.Fatalf("row %d: %v, as values %v\n%s", i, gerr, werr, firstDiff(want, got))
		}
	}
}
