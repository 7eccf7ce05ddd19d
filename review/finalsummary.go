package review

import (
	"encoding/csv"
	"io"

	"github.com/ies/cpdaudit/runfolder"
)

// FinalRow is one row of final-summary.csv, as text.
type FinalRow struct {
	MemberID, Name, Prescreen, Decision, Final, Comment, Problem string
	// MemberComment and File (the decisions file the decision came from)
	// came after the first seven columns, so they are written last.
	MemberComment, File string
}

// FinalRows lays the finals out as final-summary.csv's rows. The decision
// is the one applied, "no decision", or, when it could not be applied, what
// the assessor wrote.
func FinalRows(finals []Final) []FinalRow {
	rows := make([]FinalRow, len(finals))
	for i, f := range finals {
		dec := string(f.Decision)
		if f.Problem != "" {
			dec = f.Written
		}
		rows[i] = FinalRow{f.ID, f.Name, string(f.Outcome), dec, string(f.Final), f.Comment, f.Problem, f.MemberComment, f.File}
		if !f.InRun {
			rows[i].Prescreen = ""
		}
	}
	return rows
}

// WriteFinalSummaryCSV writes final-summary.csv.
func WriteFinalSummaryCSV(w io.Writer, finals []Final) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(runfolder.FinalSummaryColumns); err != nil {
		return err
	}
	for _, r := range FinalRows(finals) {
		vals := []string{r.MemberID, r.Name, r.Prescreen, r.Decision, r.Final, r.Comment, r.Problem, r.MemberComment, r.File}
		for i, v := range vals {
			// Member text (names, comments) may start with "=": defuse it
			// as every other CSV of the run does.
			vals[i] = runfolder.Defuse(v)
		}
		if err := cw.Write(vals); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
