package review

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/ies/cpdaudit/runfolder"
	"github.com/xuri/excelize/v2"
)

// Decision is an assessor's decision on a member, as Apply understands it.
type Decision string

// The decisions offered by the Summary sheet's drop-down, and the mark of a
// member without one.
const (
	Confirm        Decision = "Confirm"
	OverrideMet    Decision = "Override to MET"
	OverrideNotMet Decision = "Override to NOT_MET"
	NoDecision     Decision = "no decision"
)

// decisionChoices lists the words an assessor may choose, for messages.
const decisionChoices = "Confirm, Override to MET or Override to NOT_MET"

// ParseDecision reads a decision as typed or picked: case, spaces, '_' and
// '-' do not matter ("override to not met", " CONFIRM ").
func ParseDecision(s string) (Decision, bool) {
	switch runfolder.HeaderKey(s) {
	case "confirm", "confirmed":
		return Confirm, true
	case "overridetomet":
		return OverrideMet, true
	case "overridetonotmet":
		return OverrideNotMet, true
	}
	return "", false
}

// DecisionRow is one row of the edited Summary sheet, as written.
type DecisionRow struct {
	// File is the decisions workbook the row is in.
	File string
	// Row is the row number a spreadsheet shows.
	Row       int
	MemberID  string
	Name      string
	Standards [4]string
	Outcome   string
	Decision  string
	// Comment is the assessor's internal comment: it is never printed in
	// anything the member receives.
	Comment string
	// MemberComment is the comment to the member, printed in their letter
	// and final feedback.
	MemberComment string
}

// blank reports whether the assessor wrote nothing on the row.
func (r DecisionRow) blank() bool {
	return r.Decision == "" && r.Comment == "" && r.MemberComment == ""
}

// Decisions is what ReadDecisions found in an edited workbook.
type Decisions struct {
	File  runfolder.FileHash
	Sheet string
	// Year is the CPD year on the workbook's Run sheet; 0 when not found.
	Year int
	// RunID is the run ID on the workbook's Run sheet (the SHA-256 of the
	// run's summary.csv); empty in a workbook from an older cpdaudit.
	RunID string
	Rows  []DecisionRow
}

// Limits on the decisions workbook, as the importer sets for members'
// workbooks: a crafted file must not exhaust memory.
const (
	unzipSizeLimit    = 1 << 30
	unzipXMLSizeLimit = 256 << 20
)

// The Summary sheet columns the review reads, by their headers reduced
// with runfolder.HeaderKey. Standards match by prefix ("standard1" for
// "Standard 1: hours"), so a renamed subtitle still matches.
var (
	hdrID       = runfolder.HeaderKey(runfolder.HeaderMemberID)
	hdrName     = runfolder.HeaderKey(runfolder.HeaderName)
	hdrOutcome  = runfolder.HeaderKey(runfolder.HeaderOutcome)
	hdrDecision = runfolder.HeaderKey(runfolder.HeaderDecision)
)

// The comment headers match by prefix, so the shorter headers of older
// workbooks ("Assessor comment (internal)") still match; the review tests
// hold them to runfolder's headers.
const (
	hdrComment       = "assessorcomment"
	hdrMemberComment = "commenttomember"
)

// ReadDecisions reads the assessors' decisions from an edited copy of
// summary.xlsx. Columns are found by their header text, not position, and
// rows may be in any order or filtered: hidden rows are read too. Rows with
// nothing in them are skipped; every other row is returned.
func ReadDecisions(path string) (*Decisions, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the decisions file %s: %w", path, err)
	}
	sum := sha256.Sum256(b)
	d := &Decisions{File: runfolder.FileHash{Path: path, SHA256: hex.EncodeToString(sum[:])}}
	// Open the bytes already read, so the hash is of the very file parsed.
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{UnzipSizeLimit: unzipSizeLimit, UnzipXMLSizeLimit: unzipXMLSizeLimit})
	if err != nil {
		switch {
		case errors.Is(err, excelize.ErrWorkbookPassword):
			return nil, fmt.Errorf("%s is password-protected: save it without a password and try again", path)
		default:
			return nil, fmt.Errorf("%s is not an Excel workbook (.xlsx) that can be read: %v; save it from Excel or LibreOffice as .xlsx", path, err)
		}
	}
	defer f.Close()
	sheet, rows, hdrRow, cols, err := findDecisionSheet(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	d.Sheet = sheet
	get := func(r []string, c int) string {
		if c < 0 || c >= len(r) {
			return ""
		}
		return strings.TrimSpace(r[c])
	}
	for i := hdrRow + 1; i < len(rows); i++ {
		r := rows[i]
		if !slices.ContainsFunc(r, func(v string) bool { return strings.TrimSpace(v) != "" }) {
			continue
		}
		dr := DecisionRow{
			File: path, Row: i + 1, MemberID: get(r, cols.id), Name: get(r, cols.name), Outcome: get(r, cols.outcome),
			Decision: get(r, cols.decision), Comment: get(r, cols.comment), MemberComment: get(r, cols.memberComment),
		}
		for k := range dr.Standards {
			dr.Standards[k] = get(r, cols.standards[k])
		}
		d.Rows = append(d.Rows, dr)
	}
	d.Year, d.RunID = runSheetValues(f)
	return d, nil
}

type decisionColumns struct {
	id, name, outcome, decision, comment, memberComment int
	standards                                           [4]int
}

// findDecisionSheet finds the Summary sheet (or, when it was renamed, the
// first sheet with a Member ID and an Assessor decision column) and its
// header row among the top rows.
func findDecisionSheet(f *excelize.File) (string, [][]string, int, decisionColumns, error) {
	sheets := f.GetSheetList()
	// The sheet named Summary first, then the others in tab order.
	slices.SortStableFunc(sheets, func(a, b string) int {
		return boolRank(strings.EqualFold(strings.TrimSpace(b), "Summary")) - boolRank(strings.EqualFold(strings.TrimSpace(a), "Summary"))
	})
	for _, sheet := range sheets {
		rows, err := f.GetRows(sheet)
		if err != nil {
			return "", nil, 0, decisionColumns{}, fmt.Errorf("sheet %q cannot be read: %w", sheet, err)
		}
		for h := 0; h < min(len(rows), 10); h++ {
			cols, ok := matchColumns(rows[h])
			if !ok {
				continue
			}
			var missing []string
			for name, c := range map[string]int{"Name": cols.name, "Outcome": cols.outcome} {
				if c < 0 {
					missing = append(missing, name)
				}
			}
			for k, c := range cols.standards {
				if c < 0 {
					missing = append(missing, fmt.Sprintf("Standard %d", k+1))
				}
			}
			if len(missing) > 0 {
				slices.Sort(missing)
				return "", nil, 0, cols, fmt.Errorf("sheet %q has no %s column; the pre-screen columns must stay in the workbook so each decision can be checked against the record the assessor saw: start again from a copy of summary.xlsx",
					sheet, strings.Join(missing, ", "))
			}
			return sheet, rows, h, cols, nil
		}
	}
	return "", nil, 0, decisionColumns{}, errors.New("no sheet has both a \"Member ID\" and an \"Assessor decision\" column; give the edited copy of the run's summary.xlsx")
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

func matchColumns(header []string) (decisionColumns, bool) {
	c := decisionColumns{id: -1, name: -1, outcome: -1, decision: -1, comment: -1, memberComment: -1, standards: [4]int{-1, -1, -1, -1}}
	for i, h := range header {
		n := runfolder.HeaderKey(h)
		switch {
		case n == hdrID:
			c.id = first(c.id, i)
		case n == hdrName:
			c.name = first(c.name, i)
		case n == hdrOutcome:
			c.outcome = first(c.outcome, i)
		case n == hdrDecision:
			c.decision = first(c.decision, i)
		case strings.HasPrefix(n, hdrComment):
			c.comment = first(c.comment, i)
		case strings.HasPrefix(n, hdrMemberComment):
			c.memberComment = first(c.memberComment, i)
		case len(n) >= 9 && strings.HasPrefix(n, "standard") && n[8] >= '1' && n[8] <= '4' && (len(n) == 9 || n[9] < '0' || n[9] > '9'):
			k := int(n[8] - '1')
			c.standards[k] = first(c.standards[k], i)
		}
	}
	return c, c.id >= 0 && c.decision >= 0
}

// first keeps the first column found when a header is repeated.
func first(cur, i int) int {
	if cur >= 0 {
		return cur
	}
	return i
}

// runSheetValues reads the CPD year (0 when absent) and the run ID (empty
// when absent) from the Run sheet.
func runSheetValues(f *excelize.File) (year int, runID string) {
	rows, err := f.GetRows(runfolder.SheetRun)
	if err != nil {
		return 0, ""
	}
	for _, r := range rows {
		if len(r) < 2 {
			continue
		}
		switch runfolder.HeaderKey(r[0]) {
		case "cpdyear":
			if y, err := strconv.Atoi(strings.TrimSpace(r[1])); err == nil && year == 0 {
				year = y
			}
		case runfolder.HeaderKey(runfolder.RunIDLabel):
			if runID == "" {
				runID = strings.ToLower(strings.TrimSpace(r[1]))
			}
		}
	}
	return year, runID
}
