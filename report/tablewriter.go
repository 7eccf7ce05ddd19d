package report

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"

	"github.com/ies/cpdaudit/audit"
	"github.com/ies/cpdaudit/runfolder"
	"github.com/xuri/excelize/v2"
)

// MaxSheetRows is the most rows one sheet of summary.xlsx holds, its header
// row included: Excel's limit. The Activities sheet continues on
// "Activities 2", "Activities 3", ... rather than pass it. A variable so a
// test can force the split without writing a million rows; it must be at
// least 2 (a header and one row).
var MaxSheetRows = excelize.TotalRows

// TableWriter writes summary.xlsx, summary.csv and activities.csv as member
// results arrive in member order, so a run need not hold every result until
// the end. Of each result it keeps only the counts the Compliance and Run
// sheets need, nothing per activity. The rows go straight to the CSVs and
// to the workbook's sheets: the first Activities sheet is compressed into
// the workbook's archive as its rows come (deflateRows), the others hold
// at most StreamChunkSize (16 MiB) of their rows in memory and put the
// rest in a temporary file, as excelize's stream writers did; the
// workbook itself is assembled and written at Close.
//
// WriteWorkbook, WriteSummaryCSV and WriteActivitiesCSV are this writer fed
// a whole Input's results, so a streamed run and those functions cannot
// write different bytes.
type TableWriter struct {
	in       Input // in.Results is nil: results arrive through Add
	previous bool

	workbook   io.Writer
	f          *excelize.File // nil when no workbook is written
	st         *styles
	summary    *table
	activities *table      // the Activities sheet being written
	actSheets  int         // how many Activities sheets there are so far
	cells      []sheetCell // reused for each activity row
	inserts    *sheetInserts

	summaryCSV, activitiesCSV *csvLines
	actRows                   []ActivityRow // one member's, reused
	record                    []string      // one CSV line's fields, reused
	// summaryHash hashes summary.csv as it is written (when it is not
	// written, as it would be): its SHA-256 is the run ID.
	summaryHash hash.Hash

	tally    *complianceTally
	members  int
	outcomes map[string]int

	err    error // the first error; every later call returns it
	closed bool
}

// NewTableWriter starts the tables. in.Results is ignored (give the
// results to Add); in.Issues, Files, Policy, Previous and the rest are used.
// Any of the three writers may be nil to leave that output out. Nothing
// reaches workbook before Close; the CSVs are written as results are added.
func NewTableWriter(in Input, workbook, summaryCSV, activitiesCSV io.Writer) (*TableWriter, error) {
	in.Results = nil
	t := &TableWriter{
		in: in, previous: in.Previous != nil, workbook: workbook,
		tally: newComplianceTally(in.Policy), outcomes: newOutcomeCounts(),
	}
	t.summaryHash = sha256.New()
	if summaryCSV == nil {
		summaryCSV = io.Discard
	}
	{
		t.summaryCSV = newCSVLines(io.MultiWriter(summaryCSV, t.summaryHash))
		// An empty slice writes the header alone; rows follow without one.
		var header any = []SummaryRow{}
		if t.previous {
			header = []summaryRowWithPrevious{}
		}
		if err := csvHeader(t.summaryCSV, header); err != nil {
			return nil, err
		}
	}
	if activitiesCSV != nil {
		t.activitiesCSV = newCSVLines(activitiesCSV)
		if err := csvHeader(t.activitiesCSV, []ActivityRow{}); err != nil {
			return nil, err
		}
	}
	if workbook != nil {
		path, prefix, err := activitiesStart(in, t.previous)
		if err != nil {
			return nil, err
		}
		if err := t.startWorkbook(map[string][]byte{path: prefix}); err != nil {
			if t.f != nil {
				t.f.Close()
				t.inserts.close()
			}
			return nil, err
		}
	}
	return t, nil
}

// startWorkbook creates the two sheets that grow with the membership and
// opens them. Sheets are created in tab order, as excelize has no safe
// way to move one: its MoveSheet parses every other sheet again, and a
// streamed sheet that has been flushed cannot be (it crashed a 100,000-member
// run as the Activities sheet filled). So the Activities sheets are
// created as they are needed and the three sheets after them at Close.
//
// early is what the sheets compressed as their rows are written start
// with, by zip entry (activitiesStart); nil for none.
func (t *TableWriter) startWorkbook(early map[string][]byte) error {
	t.f = excelize.NewFile(excelize.Options{TmpDir: t.in.TempDir})
	t.inserts = &sheetInserts{dir: t.in.TempDir}
	if early != nil {
		t.inserts.zip, t.inserts.early = newSortedZip(t.workbook), early
	}
	if err := t.f.SetSheetName("Sheet1", runfolder.SheetSummary); err != nil {
		return err
	}
	if _, err := t.f.NewSheet(runfolder.SheetActivities); err != nil {
		return err
	}
	var err error
	if t.st, err = newStyles(t.f); err != nil {
		return err
	}
	// excelize keeps one StreamWriter per sheet, each with its own buffer
	// and temporary file, so both sheets can be open at once.
	if t.summary, err = openTable(t.f, t.st, runfolder.SheetSummary, summaryColumns(t.st, t.previous), t.inserts); err != nil {
		return err
	}
	t.actSheets = 1
	t.activities, err = openTable(t.f, t.st, runfolder.SheetActivities, activityColumns(t.st), t.inserts)
	return err
}

// activitiesStart is the first Activities sheet's zip entry and its XML
// before its first </sheetData>, as excelize writes them for a workbook
// started for in, so that its rows can be compressed as they come
// (deflateRows): what excelize writes there is fixed once the sheet's
// header row is written, and does not depend on the results. It is found
// by starting such a workbook and saving it, a few milliseconds; should
// the real sheet start otherwise, saving fails, so this can never write a
// different workbook (TestTableWriterMatchesWholeInput and the others
// compare workbooks with and without it).
func activitiesStart(in Input, previous bool) (path string, prefix []byte, err error) {
	s := &TableWriter{in: in, previous: previous}
	defer func() {
		if s.f != nil {
			s.f.Close()
		}
		s.inserts.close()
	}()
	if err := s.startWorkbook(nil); err != nil {
		return "", nil, err
	}
	if path, err = sheetPath(s.f, runfolder.SheetActivities); err != nil {
		return "", nil, err
	}
	for _, tb := range []*table{s.summary, s.activities} {
		if err := tb.sw.Flush(); err != nil {
			return "", nil, err
		}
	}
	var buf bytes.Buffer
	if _, err := s.f.WriteTo(&buf); err != nil {
		return "", nil, err
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		return "", nil, err
	}
	rc, err := zr.Open(path)
	if err != nil {
		return "", nil, err
	}
	defer rc.Close()
	sheet, err := io.ReadAll(rc)
	if err != nil {
		return "", nil, err
	}
	at := bytes.Index(sheet, []byte("</sheetData>"))
	if at < 0 {
		return "", nil, fmt.Errorf("internal error, please report it: %s has no sheetData", path)
	}
	return path, sheet[:at], nil
}

// Add writes one member's rows. Results must come in member order (the
// order of Input.Results). After an error, Add and Close return it again.
func (t *TableWriter) Add(r audit.MemberResult) error {
	if t.err != nil {
		return t.err
	}
	if t.closed {
		return errors.New("report: TableWriter.Add after Close")
	}
	t.err = t.add(&r)
	return t.err
}

func (t *TableWriter) add(r *audit.MemberResult) error {
	t.tally.add(r)
	t.members++
	t.outcomes[string(r.Outcome)]++

	row := summaryRow(r)
	if t.previous {
		t.in.Previous.annotate(&row, t.in.Year)
	}
	if t.f != nil {
		if err := t.summary.add(summaryValues(&row, t.previous)); err != nil {
			return err
		}
	}
	if t.summaryCSV != nil {
		// No flush a member: csv.Writer's buffer goes out as it fills, and
		// a failed write is the error of the next Write.
		t.record = summaryRecord(t.record, &row, t.previous)
		if err := t.summaryCSV.Write(t.record); err != nil {
			return err
		}
	}

	if t.f == nil && t.activitiesCSV == nil {
		return nil
	}
	t.actRows = t.actRows[:0]
	for j := range r.Activities {
		t.actRows = append(t.actRows, activityRow(r.Member.ID, &r.Activities[j]))
	}
	if t.f != nil {
		for j := range t.actRows {
			if err := t.addActivity(&t.actRows[j]); err != nil {
				return err
			}
		}
	}
	if t.activitiesCSV != nil {
		for j := range t.actRows {
			t.record = activityRecord(t.record, &t.actRows[j])
			if err := t.activitiesCSV.Write(t.record); err != nil {
				return err
			}
		}
	}
	// The rows hold the result's strings; let them go with the result.
	clear(t.actRows)
	return nil
}

// addActivity writes one Activities row, first moving on to a new
// Activities sheet when this one is full.
func (t *TableWriter) addActivity(r *ActivityRow) error {
	if t.activities.rows+2 > MaxSheetRows {
		if err := finishActivitiesSheet(t.f, t.st, t.activities); err != nil {
			return err
		}
		t.actSheets++
		name := fmt.Sprintf("%s %d", runfolder.SheetActivities, t.actSheets)
		// NewSheet puts the sheet last, after the other Activities
		// sheets: the sheets after them are made at Close.
		if _, err := t.f.NewSheet(name); err != nil {
			return err
		}
		var err error
		if t.activities, err = openTable(t.f, t.st, name, activityColumns(t.st), t.inserts); err != nil {
			return err
		}
	}
	t.cells = activitySheetCells(t.cells, r)
	return t.activities.addCells(t.cells)
}

// Abort ends the writer without finishing the files, for a run that
// failed or was stopped: finishing summary.xlsx takes seconds for a large
// membership, and its output is thrown away. The temporary files are
// removed; a later Close does nothing.
func (t *TableWriter) Abort() {
	if t.closed {
		return
	}
	t.closed = true
	if t.err == nil {
		t.err = errors.New("the tables were abandoned")
	}
	if t.f != nil {
		t.f.Close()
		t.inserts.close()
	}
}

// Close writes the Import issues, Compliance and Run sheets and the workbook,
// and flushes the CSVs. It does not close the writers it was given.
func (t *TableWriter) Close() error {
	if t.closed {
		return t.err
	}
	t.closed = true
	if t.f != nil {
		defer t.f.Close() // removes the stream writers' temporary files
		defer t.inserts.close()
	}
	if t.err != nil {
		return t.err
	}
	t.err = t.close()
	return t.err
}

func (t *TableWriter) close() error {
	// Flush writes what the CSV writers hold; Error reports a failed write
	// of any of them.
	for _, cw := range []*csvLines{t.summaryCSV, t.activitiesCSV} {
		if cw == nil {
			continue
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
	}
	if t.f == nil {
		return nil
	}
	// The order of these steps is the order the sheets were always written
	// in, which keeps the workbook's bytes what they were before streaming.
	steps := []func() error{
		func() error { return finishSummarySheet(t.f, t.st, t.summary, t.previous) },
		func() error { return finishActivitiesSheet(t.f, t.st, t.activities) },
		func() error {
			for _, name := range []string{runfolder.SheetIssues, runfolder.SheetCompliance, runfolder.SheetRun} {
				if _, err := t.f.NewSheet(name); err != nil {
					return err
				}
			}
			return nil
		},
		func() error { return writeIssuesSheet(t.f, t.st, IssueRows(t.in.Issues), t.inserts) },
		func() error { return writeComplianceSheet(t.f, t.st, t.in, t.tally.rates()) },
		func() error { return writeRunSheet(t.f, t.st, t.in, t.RunRecord()) },
		func() error { return setDocProps(t.f, t.in.Version, t.in.Year, t.in.Created) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	// No SetActiveSheet: the Summary sheet is active already (the new
	// file's workbook view opens on the first tab, and the first sheet
	// keeps the tabSelected of excelize's template). SetActiveSheet would
	// decode every sheet to mark it, including the in-memory part of each
	// streamed sheet (the whole Activities sheet at 1,000 members), and
	// its marks on streamed sheets are dropped at save, which writes their
	// streamed bytes: all cost, no change to the file.
	return saveWith(t.f, t.workbook, t.inserts)
}

// RunRecord is the run.json record of the input and the results added so
// far; after Close it describes the whole run, with its run ID.
func (t *TableWriter) RunRecord() runfolder.Record {
	outcomes := make(map[string]int, len(t.outcomes))
	for k, v := range t.outcomes {
		outcomes[k] = v
	}
	rec := newRunRecord(t.in, t.members, outcomes)
	if t.closed && t.err == nil {
		rec.RunID = hex.EncodeToString(t.summaryHash.Sum(nil))
	}
	return rec
}

// writeTables writes the tables of a whole Input through a TableWriter:
// the one code path of WriteWorkbook, WriteSummaryCSV and WriteActivitiesCSV.
func writeTables(in Input, workbook, summaryCSV, activitiesCSV io.Writer) error {
	t, err := NewTableWriter(in, workbook, summaryCSV, activitiesCSV)
	if err != nil {
		return err
	}
	for i := range in.Results {
		if err := t.Add(in.Results[i]); err != nil {
			t.Close()
			return err
		}
	}
	return t.Close()
}
