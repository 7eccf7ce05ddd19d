package importer

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/ies/cpdaudit/internal/english"
)

// readWorkbook reads every sheet of an Excel workbook into ti.
func readWorkbook(in *input, opts Options, ti *tableImport) {
	name := in.name
	if iss := contentIssue(name, sniff(in), false); iss != nil {
		ti.res.Issues = append(ti.res.Issues, *iss)
		return
	}
	// A refusal found while reading (a row over the size limit in a
	// stubbed sheet) drops everything read, as if the checks had found it
	// before: fresh is the import as it starts.
	fresh := *ti
	refuse := func(err error) bool {
		var r *refusal
		if !errors.As(err, &r) {
			return false
		}
		*ti = fresh
		ti.res.Issues = append(ti.res.Issues, r.iss)
		return true
	}
	stubs := stubParts(in)
	if iss := checkArchive(name, in.r, in.size, opts, stubs); iss != nil {
		ti.res.Issues = append(ti.res.Issues, *iss)
		return
	}
	if stopped(opts.Done) {
		return
	}
	if err := checkTempSpace(in, opts); err != nil {
		ti.res.Err = err
		return
	}
	xo := excelize.Options{
		UnzipSizeLimit:    opts.UnzipSizeLimit,
		UnzipXMLSizeLimit: opts.UnzipXMLSizeLimit,
		TmpDir:            opts.TempDir,
	}
	// openReal is the opening as it was before stubs: the row check of
	// the parts checkArchive left out, then excelize on the whole file.
	openReal := func(unmeasured map[string]bool) (*excelize.File, error) {
		if testHookOpenReal != nil {
			testHookOpenReal()
		}
		if len(unmeasured) > 0 {
			if zr, err := zip.NewReader(in.r, in.size); err == nil {
				skip := map[string]bool{}
				for _, zf := range zr.File {
					skip[zf.Name] = !unmeasured[zf.Name]
				}
				if iss := checkRowSizes(name, zr, opts, skip); iss != nil {
					return nil, &refusal{*iss}
				}
			}
		}
		f, err := in.openWorkbook(xo)
		if err != nil {
			return nil, &refusal{openError(name, err, opts)}
		}
		return f, nil
	}
	var f *excelize.File
	var err error
	deferred := stubs
	if len(stubs) > 0 {
		f, err = openStubbed(in, stubs, xo)
		if err != nil {
			// Whatever the stubbed copy could not do, the whole file
			// does as before.
			f, stubs = nil, nil
		}
	}
	if f == nil {
		f, err = openReal(deferred)
		if err != nil {
			refuse(err)
			return
		}
	}
	defer f.Close() // removes excelize's temporary files for large sheets
	date1904 := false
	if p, err := f.GetWorkbookProps(); err == nil && p.Date1904 != nil {
		date1904 = *p.Date1904
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		ti.res.Issues = append(ti.res.Issues, Issue{File: name, Kind: ErrBadFile,
			Problem: "the file has no worksheets: it is not an Excel workbook, or it is damaged",
			Action:  "Open it in Excel or LibreOffice and save it again as .xlsx"})
		return
	}
	var (
		tables, dataRows, empty int
		skipped                 []string
		sheetIssues             []Issue
		budget                  = opts.MaxCellsPerFile
		stop                    *Issue // the cell limit was hit
		charts                  = hasChartsheets(f)
	)
	shown := needsShown(f)
	wr := openWorkbookRows(f, in.r, in.size, shown, date1904)
	defer wr.close()
	if len(stubs) > 0 {
		wr.stubbed, wr.openReal, wr.maxRow, wr.done = stubs, openReal, opts.MaxRowBytes, opts.Done
		wr.rowIssue = func(part string, n int) error {
			return &refusal{rowSizeIssue(name, part, "row", n, opts)}
		}
	}
	for _, sheet := range sheets {
		at := place{file: name, sheet: sheet, opts: opts, date1904: date1904}
		t := tableScan{at: at, sc: ti.sc, convert: ti.rowFunc(at)}
		err := readSheet(wr, sheet, &t, &budget)
		var over *cellBudgetError
		if refuse(err) {
			return
		}
		if errors.As(err, &over) {
			// Reported after the issues of the rows read before it.
			stop = &Issue{File: name, Sheet: sheet, Row: over.row, Kind: ErrTooLarge, rowsLost: true,
				Problem: fmt.Sprintf("the workbook is too big to read: by this row it has more than %s cells, counting the empty cells up to the last cell of each row (this row reaches column %s); this row and the rows and sheets after it were not read",
					thousands(opts.MaxCellsPerFile), over.column),
				Action: "Delete the stray cells to the right of and below the table (select the empty columns and rows, delete them), save, and run again"}
		} else if err != nil {
			sheetIssues = append(sheetIssues, Issue{File: name, Sheet: sheet, Kind: ErrBadFile,
				Problem: "the sheet could not be read: " + plainError(err, opts),
				Action:  "Open the workbook in Excel or LibreOffice, save it again as .xlsx, and run again"})
		}
		hidden := false
		if visible, err := f.GetSheetVisible(sheet); err == nil {
			hidden = !visible
		}
		switch t.status {
		case tableNone, tablePartial:
			if iss, note := ti.notATable(&t, hidden); iss != nil {
				sheetIssues = append(sheetIssues, *iss)
			} else {
				skipped = append(skipped, sheet)
				if note != nil {
					ti.res.Notices = append(ti.res.Notices, *note)
				}
			}
		case sheetEmpty:
			empty++
			skipped = append(skipped, sheet)
			if charts && isChartsheet(f, sheet) {
				ti.res.Notices = append(ti.res.Notices, Notice{File: name, Sheet: sheet,
					Message: "the sheet is a chart, not a table, so it was skipped"})
			}
		case tableFound:
			tables++
			dataRows += t.dataRows
			if err := explainFormulas(wr, &t); refuse(err) {
				return
			}
			sheetIssues = append(sheetIssues, t.issues...)
			ti.res.Notices = append(ti.res.Notices, t.notices...)
			if hidden {
				ti.res.Notices = append(ti.res.Notices, Notice{File: name, Sheet: sheet,
					Message: fmt.Sprintf("the sheet is hidden in the workbook; its table was read all the same (%d %s accepted)", t.acc.Accepted, english.Plural(t.acc.Accepted, "row", "rows"))})
			}
			ti.tableFound(&t)
			ti.res.Accounting = ti.res.Accounting.Add(t.acc)
		}
		if stop != nil || stopped(opts.Done) {
			break
		}
	}
	if !stopped(opts.Done) && len(wr.unmeasured()) > 0 {
		// A stubbed sheet the fast reader did not read to its end (the
		// cell limit stopped the reading, or no sheet of the list is
		// that part): it is measured and excelize opens the whole file,
		// as before, and what either refuses, refuses the workbook.
		if _, err := wr.realFile(); refuse(err) {
			return
		}
	}
	switch {
	case tables == 0 && stop != nil:
		// The too-large issue says it all.
	case tables == 0 && empty == len(sheets):
		ti.res.Issues = append(ti.res.Issues, Issue{File: name, Kind: ErrEmpty,
			Problem: fmt.Sprintf("every sheet of the workbook is empty (%s)", sheetList(sheets)),
			Action:  "Check this is the right file, or ask for the filled-in version"})
	case tables == 0 && len(skipped) == len(sheets):
		// No sheet has a table: one file issue says it all, and the notes
		// about each sheet are not needed.
		ti.res.Notices = nil
		ti.res.Issues = append(ti.res.Issues, Issue{File: name, Kind: ErrNoTable,
			Problem: fmt.Sprintf("no sheet has a table of %s (%s); no header row was found in the first %d rows",
				ti.sc.what, sheetList(sheets), opts.HeaderScanRows),
			Action: "Check this is the right file; the header row needs columns such as " + requiredList(ti.sc)})
	case tables > 0 && dataRows == 0:
		ti.res.Issues = append(ti.res.Issues, sheetIssues...)
		ti.res.Issues = append(ti.res.Issues, Issue{File: name, Kind: ErrEmpty,
			Problem: "the workbook has a header row but no rows of data below it",
			Action:  "Check this is the right file, or ask for the filled-in version"})
	default:
		ti.res.Issues = append(ti.res.Issues, sheetIssues...)
	}
	if stop != nil {
		ti.res.Issues = append(ti.res.Issues, *stop)
	}
	ti.finish()
}

// testHookOpenReal, when set by a test, runs when the whole workbook is
// opened.
var testHookOpenReal func()

// stubSheetSize: sheets larger than this are stubbed (see openStubbed).
// A variable so that tests can stub every sheet.
var stubSheetSize uint64 = 1 << 20

// stubParts names the large sheet parts of the workbook, which excelize
// is to open without (see openStubbed); nil when there are none or the
// zip cannot be read.
func stubParts(in *input) map[string]bool {
	zr, err := zip.NewReader(in.r, in.size)
	if err != nil {
		return nil
	}
	var stubs map[string]bool
	for _, zf := range zr.File {
		if isSheetPart(zf.Name) && zf.UncompressedSize64 > stubSheetSize {
			if stubs == nil {
				stubs = map[string]bool{}
			}
			stubs[zf.Name] = true
		}
	}
	return stubs
}

// stubSheetXML is the empty worksheet excelize reads in place of a
// stubbed part.
const stubSheetXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
	`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>`

// openStubbed opens the workbook with excelize from a copy of its zip in
// which each large sheet is an empty one. excelize opening the file
// inflates every part, and a large sheet into a temporary file: for a
// 10,000-member export, 145 MB that nothing reads, since the fast reader
// inflates the sheet itself. From the copy excelize still reads the sheet
// list, styles, visibility and shared strings; what needs a stubbed
// sheet's content from excelize (a fallback of the fast reader, the
// formula check) opens the whole file (workbookRows.realFile). The other
// parts are copied still compressed; checkRatios has bounded them.
func openStubbed(in *input, stubs map[string]bool, o excelize.Options) (*excelize.File, error) {
	zr, err := zip.NewReader(in.r, in.size)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, zf := range zr.File {
		if !stubs[zf.Name] {
			if err := zw.Copy(zf); err != nil {
				return nil, err
			}
			continue
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: zf.Name, Method: zip.Deflate, Modified: zf.Modified})
		if err != nil {
			return nil, err
		}
		if _, err := io.WriteString(w, stubSheetXML); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return excelize.OpenReader(&buf, o)
}

// notATable decides what a sheet without a usable table is: an issue
// when it looks like an attempt at the table (the member should add the
// missing columns), otherwise a notice that it was skipped (a summary,
// a lookup list, instructions, a hidden sheet), with no advice to change
// it; nothing at all for the Notes sheet of "cpdaudit template".
func (ti *tableImport) notATable(t *tableScan, hidden bool) (*Issue, *Notice) {
	if t.at.sheet == templateNotesSheet && t.firstText == templateNotesTitle {
		return nil, nil
	}
	if t.attempt && !hidden {
		if t.problem != nil {
			return t.problem, nil
		}
		return &Issue{File: t.at.file, Sheet: t.at.sheet, Kind: ErrNoTable,
			Problem: fmt.Sprintf("the sheet has rows that look like activities but no header row of %s in its first %d rows", ti.sc.what, t.at.opts.HeaderScanRows),
			Action:  "Add a header row above the activities, with columns such as " + requiredList(ti.sc)}, nil
	}
	what := "it has no table of " + ti.sc.what
	switch {
	case hidden:
		what = "it is hidden and has no table of " + ti.sc.what
	case t.status == tablePartial:
		what = fmt.Sprintf("it is not a table of %s (its columns %s look like a summary or a list)", ti.sc.what, quoteList(t.header.recognised()))
	case t.firstText != "":
		what += " (it looks like notes, instructions or a list)"
	}
	return nil, &Notice{File: t.at.file, Sheet: t.at.sheet, Message: "the sheet was skipped: " + what}
}

// The Notes sheet of the workbook "cpdaudit template" writes (see
// report/template.go): known, so skipped without a word.
const (
	templateNotesSheet = "Notes"
	templateNotesTitle = "How to fill in this record"
)

// hasChartsheets reports whether the workbook holds a chart sheet (a
// sheet that is only a chart). Chart sheets are small parts, which
// excelize keeps in Pkg.
func hasChartsheets(f *excelize.File) bool {
	found := false
	f.Pkg.Range(func(k, _ any) bool {
		name, _ := k.(string)
		found = strings.HasPrefix(name, "xl/chartsheets/")
		return !found
	})
	return found
}

// isChartsheet: excelize refuses to read a chart sheet's cells (it reads
// nothing else of the sheet to say so).
func isChartsheet(f *excelize.File, sheet string) bool {
	_, err := f.GetCellValue(sheet, "A1")
	return err != nil && strings.Contains(err.Error(), "not a worksheet")
}

// maxFormulaCheckRows: the formula check reads the whole sheet into
// memory, which is fine for a member's own workbook and not for a large
// export, whose empty cells keep the plain "empty" message.
const maxFormulaCheckRows = 10_000

// explainFormulas turns the issue of an empty cell into "a formula that
// has not been calculated" when the cell holds a formula saved without
// its result (as openpyxl and some converters write them).
// The formulas are read from the whole workbook (a stubbed sheet holds
// none); opening it can refuse the workbook, the error returned.
func explainFormulas(wr *workbookRows, t *tableScan) error {
	if len(t.emptyCells) == 0 || t.lastRow > maxFormulaCheckRows {
		return nil
	}
	f, err := wr.fileFor(t.at.sheet)
	if err != nil {
		return err
	}
	for _, k := range t.emptyCells {
		is := &t.issues[k]
		ref, err := excelize.CoordinatesToCellName(is.colIndex, is.Row)
		if err != nil {
			continue
		}
		formula, err := f.GetCellFormula(t.at.sheet, ref)
		if err != nil || formula == "" {
			continue
		}
		is.Kind = ErrFormula
		is.Value = shorten("=" + formula)
		is.Problem = "the " + strings.TrimSuffix(is.cell, " empty") + " cell holds a formula that has not been calculated, so there is no value to read"
		is.Action = "Open the file in Excel or LibreOffice and save it (that calculates the formula), then run again; or type the value instead of the formula"
		is.cell = strings.TrimSuffix(is.cell, " empty") + " not calculated (a formula)"
	}
	return nil
}

// freeSpace is diskFree; a test makes the disk look full.
var freeSpace = diskFree

// checkTempSpace makes sure the temporary folder can take the large sheets
// and shared strings excelize unzips there (and the shared strings once
// more, as it extracts them). excelize does not report a full disk: it
// falls back to memory for a sheet and, for the shared strings, reads
// empty or cut texts, which would change verdicts without a word. So a
// workbook that would not fit stops the run, naming the folder. The
// large sheets are stubbed (openStubbed) and reach the folder only when
// the whole file is opened (a fallback), which must not run short either.
func checkTempSpace(in *input, opts Options) error {
	zr, err := zip.NewReader(in.r, in.size)
	if err != nil {
		return nil
	}
	var need uint64
	for _, f := range zr.File {
		if spilled(f, opts) {
			need += f.UncompressedSize64
			if isSharedStrings(f.Name) {
				need += f.UncompressedSize64
			}
		}
	}
	if need == 0 {
		return nil
	}
	dir := opts.TempDir
	if dir == "" {
		dir = os.TempDir()
	}
	const margin = 64 << 20
	if free, ok := freeSpace(dir); ok && free < need+margin {
		return fmt.Errorf("there is not enough free space in the temporary folder %s to read this workbook: its large sheets are unzipped there (about %s) and only %s is free. Free some space, or set TMPDIR to a folder on a disk with more (see \"Temporary space\" in the README)",
			dir, byteSize(int64(need+margin)), byteSize(int64(free)))
	}
	return nil
}

// readSheet streams one sheet through t. The stored values give an Excel
// date as its serial and a number as typed. When the workbook has a time
// format (wr.withShown), what Excel shows comes in step, which tells a
// time cell (1:30) from a plain number; exports without any time format,
// such as the online tool's, skip it. The rows come from the fast reader
// (fastsheet.go) or from excelize's iterators; neither loads the whole
// sheet.
//
// budget is what is left of Options.MaxCellsPerFile; the row that would
// go over it ends the sheet with a *cellBudgetError.
func readSheet(wr *workbookRows, sheet string, t *tableScan, budget *int64) error {
	rows, err := wr.rows(sheet)
	if err != nil {
		return err
	}
	defer rows.Close()
	rowNum := 0
	var readErr error
	done := false
	next := func() (srcRow, bool) {
		if done {
			return srcRow{}, false // ended, and may be asked again
		}
		if !rows.Next() {
			done, readErr = true, rows.Error()
			return srcRow{}, false
		}
		// Next advances one row at a time, also over rows missing from
		// the file, so counting calls gives the row number.
		rowNum++
		rawCells, shownCells, err := rows.Columns()
		if err != nil {
			return srcRow{row: rowNum, err: fmt.Errorf("a cell in this row could not be read (%v)", err)}, true
		}
		width := max(len(rawCells), len(shownCells))
		if int64(width) > *budget {
			name, _ := excelize.ColumnNumberToName(width)
			done, readErr = true, &cellBudgetError{row: rowNum, column: name}
			return srcRow{}, false
		}
		*budget -= int64(width)
		r := srcRow{row: rowNum, cells: make([]cell, width)}
		for i := range r.cells {
			var c cell
			if i < len(rawCells) {
				c.Raw = rawCells[i]
			}
			c.Text = c.Raw
			if i < len(shownCells) {
				c.Text = shownCells[i]
			}
			if c.Text != c.Raw && strings.Contains(c.Text, ":") {
				_, err := strconv.ParseFloat(c.Raw, 64)
				c.Time = err == nil
			}
			r.cells[i] = c
		}
		return r, true
	}
	t.run(next)
	return readErr
}

// timeFormats are Excel's built-in number formats that show a time of day
// or a duration (h:mm, h:mm:ss, m/d/yy h:mm, mm:ss, [h]:mm:ss, mmss.0).
var timeFormats = map[int]bool{18: true, 19: true, 20: true, 21: true, 22: true, 45: true, 46: true, 47: true}

// needsShown reports whether any cell style of the workbook shows a time,
// or pads a number with zeros (a member number 7 formatted 000000, which
// Excel shows as 000007): the only cases where readSheet needs what Excel
// shows. When the styles cannot be read it says yes, the slower but
// always right path.
func needsShown(f *excelize.File) bool {
	for i := 0; ; i++ {
		st, err := f.GetStyle(i)
		if err != nil {
			return i == 0
		}
		if timeFormats[st.NumFmt] || (st.CustomNumFmt != nil && (isTimeFormat(*st.CustomNumFmt) || isZeroPadFormat(*st.CustomNumFmt))) {
			return true
		}
	}
}

// isZeroPadFormat reports whether a custom number format shows a whole
// number with leading zeros: 000000, or "IES"000000, outside quoted text,
// escaped characters and [bracket] blocks.
func isZeroPadFormat(code string) bool {
	section, _, _ := strings.Cut(code, ";")
	inQuote, inBracket, escaped := false, false, false
	zeros := 0
	for _, r := range section {
		switch {
		case escaped:
			escaped = false
		case inQuote:
			inQuote = r != '"'
		case r == '"':
			inQuote = true
		case inBracket:
			inBracket = r != ']'
		case r == '[':
			inBracket = true
		case r == '\\':
			escaped = true
		case r == '0':
			zeros++
		default:
			return false
		}
	}
	return zeros >= 2
}

// isTimeFormat reports whether a custom number format shows hours or
// seconds: an h or s outside quoted text and [colour] or [$-locale]
// blocks (elapsed-time blocks such as [h] and [mm] count).
func isTimeFormat(code string) bool {
	inQuote, inBracket, escaped := false, false, false
	var block strings.Builder
	for _, r := range strings.ToLower(code) {
		switch {
		case escaped:
			escaped = false
		case inQuote:
			inQuote = r != '"'
		case r == '"':
			inQuote = true
		case r == '[':
			inBracket = true
			block.Reset()
		case inBracket && r == ']':
			inBracket = false
			if b := block.String(); b != "" && strings.Trim(b, "hms") == "" {
				return true
			}
		case inBracket:
			block.WriteRune(r)
		case r == '\\':
			escaped = true // the next character is literal text
		case r == 'h' || r == 's':
			return true
		}
	}
	return false
}

// cellBudgetError ends a sheet whose rows went over MaxCellsPerFile.
type cellBudgetError struct {
	row    int
	column string // the last column of that row
}

func (e *cellBudgetError) Error() string {
	return fmt.Sprintf("row %d (to column %s) goes over the cell limit", e.row, e.column)
}

// sheetList names a workbook's sheets for a message, only the first few
// when there are many.
func sheetList(sheets []string) string {
	const show = 5
	if len(sheets) <= show {
		return "sheets: " + quoteList(sheets)
	}
	return fmt.Sprintf("%s sheets: %s and %s more", thousands(int64(len(sheets))), quoteList(sheets[:show]), thousands(int64(len(sheets)-show)))
}

// thousands writes n with comma separators: 100,000,000.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// openError turns excelize's open errors into one plain-English issue.
func openError(name string, err error, opts Options) Issue {
	iss := Issue{File: name, Kind: ErrBadFile}
	switch {
	case errors.Is(err, excelize.ErrWorkbookPassword):
		iss.Kind = ErrEncrypted
		iss.Problem = "the workbook is protected with a password, so it cannot be read"
		iss.Action = "Ask the member to remove the password and send it again"
	case isUnzipLimit(err):
		iss.Kind = ErrTooLarge
		iss.Problem = fmt.Sprintf("the workbook unzips to more than %s, so it was not read (it may be a \"zip bomb\")", byteSize(opts.UnzipSizeLimit))
		iss.Action = "Check where the file came from; a real CPD record is far smaller"
	case errors.Is(err, excelize.ErrWorkbookFileFormat):
		iss.Problem = "the file is not a workbook cpdaudit can read (it may be encrypted or in an old format)"
		iss.Action = "Open it in Excel and use File > Save As, choosing Excel Workbook (.xlsx), without a password"
	case errors.Is(err, zip.ErrFormat), errors.Is(err, zip.ErrChecksum), errors.Is(err, zip.ErrAlgorithm),
		errors.Is(err, io.ErrUnexpectedEOF), errors.As(err, new(flate.CorruptInputError)):
		iss.Problem = "the workbook is damaged or incomplete (it could not be unzipped)"
		iss.Action = "Ask for the file again; if it was copied or downloaded, the copy may have been cut short"
	default:
		iss.Problem = "the workbook is damaged: " + err.Error()
		iss.Action = "Open it in Excel or LibreOffice, save it again as .xlsx, and run again"
	}
	return iss
}

// isUnzipLimit: excelize reports its unzip limit with fmt.Errorf, so
// there is no sentinel to match; this is the one place that reads text.
func isUnzipLimit(err error) bool {
	return strings.Contains(err.Error(), "unzip size exceeds")
}

func plainError(err error, opts Options) string {
	if isUnzipLimit(err) {
		return fmt.Sprintf("it unzips to more than %s", byteSize(opts.UnzipSizeLimit))
	}
	return err.Error()
}
