package report

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/ies/cpdaudit/runfolder"
)

// streamTables feeds in's results one by one to a TableWriter writing all
// three tables at once, as the pipeline does.
func streamTables(t *testing.T, in Input) (workbook, summary, activities []byte, rec runfolder.Record) {
	t.Helper()
	var wb, sum, act bytes.Buffer
	// The TableWriter must not read in.Results: hand it an Input without
	// them and the results only through Add.
	results := in.Results
	in.Results = nil
	tw, err := NewTableWriter(in, &wb, &sum, &act)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if err := tw.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := tw.Add(results[0]); err == nil {
		t.Error("Add after Close succeeded")
	}
	return wb.Bytes(), sum.Bytes(), act.Bytes(), tw.RunRecord()
}

func TestTableWriterMatchesWholeInput(t *testing.T) {
	for name, in := range map[string]Input{"sample": sampleInput(), "previous": previousInput()} {
		t.Run(name, func(t *testing.T) {
			wb, sum, act, rec := streamTables(t, in)
			for _, c := range []struct {
				name  string
				write func(w *bytes.Buffer, in Input) error
				got   []byte
			}{
				{"summary.xlsx", func(w *bytes.Buffer, in Input) error { return WriteWorkbook(w, in) }, wb},
				{"summary.csv", func(w *bytes.Buffer, in Input) error { return WriteSummaryCSV(w, in) }, sum},
				{"activities.csv", func(w *bytes.Buffer, in Input) error { return WriteActivitiesCSV(w, in) }, act},
			} {
				var want bytes.Buffer
				if err := c.write(&want, in); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(c.got, want.Bytes()) {
					t.Errorf("%s: streamed bytes differ from the whole-Input writer's", c.name)
				}
			}
			var want, got bytes.Buffer
			if err := WriteRunJSON(&want, in); err != nil {
				t.Fatal(err)
			}
			if err := rec.WriteJSON(&got); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Errorf("run record from the tallies\n%s\ndiffers from run.json of the results\n%s", &got, &want)
			}
		})
	}
}

// TestActivitiesSheetSplit forces the Activities sheet past a small row
// limit and reads every Activities sheet back.
func TestActivitiesSheetSplit(t *testing.T) {
	in := sampleInput()
	var want [][]string // member id and title of every activity, in order
	for _, r := range ActivityRows(in.Results) {
		want = append(want, []string{string(r.MemberID), string(r.Title)})
	}
	n := len(want)
	if n < 8 {
		t.Fatalf("the sample has %d activities; the test needs more", n)
	}
	defer func(old int) { MaxSheetRows = old }(MaxSheetRows)
	for _, limit := range []int{2, 5, n, n + 1} {
		t.Run(fmt.Sprint("limit ", limit), func(t *testing.T) {
			MaxSheetRows = limit
			perSheet := limit - 1 // the header takes one row
			sheets := (n + perSheet - 1) / perSheet
			names := []string{runfolder.SheetActivities}
			for i := 2; i <= sheets; i++ {
				names = append(names, fmt.Sprintf("%s %d", runfolder.SheetActivities, i))
			}
			wb, _, _, _ := streamTables(t, in)
			f := openWorkbook(t, wb)
			wantSheets := slices.Concat([]string{runfolder.SheetSummary}, names, []string{runfolder.SheetIssues, runfolder.SheetCompliance, runfolder.SheetRun})
			if got := f.GetSheetList(); !slices.Equal(got, wantSheets) {
				t.Fatalf("sheets = %q, want %q", got, wantSheets)
			}
			filters := map[string]string{}
			for _, dn := range f.GetDefinedName() {
				if dn.Name == "_xlnm._FilterDatabase" {
					filters[dn.Scope] = dn.RefersTo
				}
			}
			var got [][]string
			for i, name := range names {
				rows, err := f.GetRows(name)
				if err != nil {
					t.Fatal(err)
				}
				if len(rows) > limit {
					t.Errorf("%s has %d rows, over the limit of %d", name, len(rows), limit)
				}
				if rows[0][0] != "Member ID" || rows[0][14] != "Flags for the assessor" {
					t.Errorf("%s: header %q", name, rows[0])
				}
				wantRows := min(perSheet, n-i*perSheet)
				if len(rows)-1 != wantRows {
					t.Errorf("%s: %d activities, want %d", name, len(rows)-1, wantRows)
				}
				for _, r := range rows[1:] {
					got = append(got, []string{r[0], r[2]})
				}
				if p, err := f.GetPanes(name); err != nil || !p.Freeze || p.YSplit != 1 {
					t.Errorf("%s: header row not frozen: %+v %v", name, p, err)
				}
				last := max(len(rows), 2)
				if ref, want := filters[name], fmt.Sprintf("'%s'!$A$1:$O$%d", name, last); ref != want {
					t.Errorf("%s: autofilter %q, want %q", name, ref, want)
				}
				if cf, _ := f.GetConditionalFormats(name); len(cf[fmt.Sprintf("H2:H%d", last)]) != 4 {
					t.Errorf("%s: reflection colours %v", name, cf)
				}
				if v, _ := f.GetCellValue(name, "E2", excelize.Options{RawCellValue: true}); strings.Contains(v, "-") {
					t.Errorf("%s: date written as text %q, want a date serial", name, v)
				}
			}
			if !slices.EqualFunc(got, want, slices.Equal) {
				t.Errorf("the Activities sheets together list\n%q\nwant\n%q", got, want)
			}
			// The sheets after the Activities sheets keep their own filters.
			if ref := filters[runfolder.SheetIssues]; !strings.HasPrefix(ref, "'"+runfolder.SheetIssues+"'!") {
				t.Errorf("Import issues autofilter %q", ref)
			}
		})
	}
}

// The workbook opens on the Summary sheet, without SetActiveSheet (which
// decoded every streamed sheet): the workbook view's active tab is the
// first, and only the Summary sheet's part marks its tab as selected.
func TestWorkbookOpensOnSummary(t *testing.T) {
	wb, _, _, _ := streamTables(t, sampleInput())
	f, err := excelize.OpenReader(bytes.NewReader(wb))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if i := f.GetActiveSheetIndex(); f.GetSheetName(i) != runfolder.SheetSummary {
		t.Errorf("the workbook opens on sheet %d %q, want %q", i, f.GetSheetName(i), runfolder.SheetSummary)
	}
	zr, err := zip.NewReader(bytes.NewReader(wb), int64(len(wb)))
	if err != nil {
		t.Fatal(err)
	}
	var selected []string
	for _, zf := range zr.File {
		if !strings.HasPrefix(zf.Name, "xl/worksheets/") {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if regexp.MustCompile(`<sheetView [^>]*tabSelected="(1|true)"`).Match(b) {
			selected = append(selected, zf.Name)
		}
	}
	// Sheet1 of excelize's new file, renamed Summary.
	if !slices.Equal(selected, []string{"xl/worksheets/sheet1.xml"}) {
		t.Errorf("sheets marked as the selected tab: %v, want the Summary sheet's part only", selected)
	}
}
