package review

import (
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/ies/cpdaudit/audit"
)

// Final is one line of final-summary.csv: a member of the run with the
// decision applied, or a row of the decisions workbook that matched no
// member. Nothing an assessor wrote is dropped: a decision that cannot be
// applied keeps its text in Written and Comment and says why in Problem.
type Final struct {
	Member
	// InRun is false for a workbook row whose member id is not in the run.
	InRun bool
	// Decision is the decision applied, or NoDecision.
	Decision Decision
	// Written is the decision as the assessor wrote it.
	Written string
	// Comment is the assessor's internal comment; MemberComment is the
	// comment to the member, the only one printed in their letter.
	Comment       string
	MemberComment string
	// Final is the outcome after the decision; empty while Problem is set,
	// because the outcome is not final until the problem is fixed.
	Final audit.Verdict
	// Rows are the workbook rows the decision came from ("row 5", or
	// "b.xlsx row 5" when several decisions files were given).
	Rows []string
	// File is the decisions file the applied decision came from.
	File    string
	Problem string
}

// Applied reports whether an assessor's decision was applied.
func (f *Final) Applied() bool { return f.Problem == "" && f.Decision != NoDecision && f.InRun }

// Apply matches the decision rows of every decisions file to the run's
// members by member id and applies each valid decision. Several files are
// read as one: each assessor may fill their own copy of the workbook, and
// a member decided differently in two of them is a problem, not a choice
// between them. It returns one Final per member of the run, in run order,
// followed by one per workbook row that names no member of the run, in
// file and row order.
func Apply(run *Run, ds ...*Decisions) []Final {
	byID := map[string][]DecisionRow{}
	var strays []DecisionRow
	for _, d := range ds {
		for _, r := range d.Rows {
			if m, ok := run.Lookup(r.MemberID); ok {
				byID[m.ID] = append(byID[m.ID], r)
				continue
			}
			if !r.blank() || r.MemberID != "" {
				strays = append(strays, r)
			}
		}
	}
	at := rowNamer(len(ds) > 1)
	finals := make([]Final, 0, len(run.Members)+len(strays))
	for _, m := range run.Members {
		finals = append(finals, applyMember(m, byID[m.ID], at))
	}
	for _, r := range strays {
		finals = append(finals, strayRow(run, r, at))
	}
	return finals
}

// rowNamer names a workbook row in messages: "row 5", or "b.xlsx row 5"
// when several decisions files were given.
func rowNamer(files bool) func(DecisionRow) string {
	return func(r DecisionRow) string {
		if files {
			return fmt.Sprintf("%s row %d", filepath.Base(r.File), r.Row)
		}
		return fmt.Sprintf("row %d", r.Row)
	}
}

func strayRow(run *Run, r DecisionRow, at func(DecisionRow) string) Final {
	f := Final{
		Member:  Member{ID: r.MemberID, Name: r.Name, Outcome: audit.Verdict(r.Outcome)},
		Written: r.Decision, Comment: r.Comment, MemberComment: r.MemberComment, Rows: []string{at(r)}, File: r.File, Decision: NoDecision,
	}
	if r.MemberID == "" {
		f.Problem = fmt.Sprintf("%s has a decision or comment but no member id: put the member id back in the Member ID column", at(r))
	} else if c := run.byID.Find(r.MemberID).Candidates; len(c) > 1 {
		f.Problem = fmt.Sprintf("%s: member id %s could be member %s of this run's summary.csv: write the id exactly as summary.csv does", at(r), r.MemberID, strings.Join(c, " or "))
	} else {
		f.Problem = fmt.Sprintf("%s: member id %s is not in this run's summary.csv: check the id (it may have been retyped, or lost its leading zeros) or the run folder", at(r), r.MemberID)
	}
	return f
}

func applyMember(m Member, rows []DecisionRow, at func(DecisionRow) string) Final {
	f := Final{Member: m, InRun: true, Decision: NoDecision, Final: m.Outcome}
	if len(rows) == 0 {
		return f
	}
	// A row left blank says nothing: with several files, each holds every
	// member, and only the assessor's own members are filled in.
	var written []DecisionRow
	for _, r := range rows {
		if !r.blank() {
			written = append(written, r)
			f.Rows = append(f.Rows, at(r))
		}
	}
	r := rows[0]
	if len(written) > 0 {
		r = written[0]
	}
	fail := func(r DecisionRow, format string, a ...any) Final {
		f.Final = ""
		f.Problem = at(r) + ": " + fmt.Sprintf(format, a...)
		return f
	}
	if len(written) > 1 && conflicting(written) {
		var ds, cs, ms []string
		for _, r := range written {
			ds = append(ds, fmt.Sprintf("%s: %s", at(r), orNone(r.Decision)))
			if r.Comment != "" {
				cs = append(cs, fmt.Sprintf("%s: %s", at(r), r.Comment))
			}
			if r.MemberComment != "" {
				ms = append(ms, fmt.Sprintf("%s: %s", at(r), r.MemberComment))
			}
		}
		f.Written, f.Comment, f.MemberComment, f.Final = strings.Join(ds, "; "), strings.Join(cs, "; "), strings.Join(ms, "; "), ""
		what := "with different decisions or comments: keep one row"
		if len(distinctFiles(written)) > 1 {
			what = "decided differently in more than one decisions file: keep one decision and leave the member's row blank in the other files"
		}
		where := strings.Join(f.Rows, ", ")
		if len(distinctFiles(written)) == 1 {
			var ns []string
			for _, r := range written {
				ns = append(ns, strconv.Itoa(r.Row))
			}
			where = "rows " + strings.Join(ns, ", ")
			if !strings.HasPrefix(at(written[0]), "row ") {
				where += " of " + filepath.Base(written[0].File)
			}
		}
		f.Problem = fmt.Sprintf("member %s is on %s %s", m.ID, where, what)
		return f
	}
	f.Written, f.Comment, f.MemberComment = r.Decision, r.Comment, r.MemberComment
	if len(written) > 0 {
		f.File = r.File
	}
	for _, row := range rows {
		if diffs := protectedDiffs(m, row); len(diffs) > 0 {
			return fail(row, "the pre-screen was changed (%s); these columns must stay as the tool wrote them: put them back and record the decision in the Assessor decision column",
				strings.Join(diffs, "; "))
		}
	}
	if r.Decision == "" {
		if r.Comment != "" || r.MemberComment != "" {
			return fail(r, "there is a comment but no decision: choose %s", decisionChoices)
		}
		return f
	}
	dec, ok := ParseDecision(r.Decision)
	if !ok {
		return fail(r, "%q is not a decision: choose %s", r.Decision, decisionChoices)
	}
	switch {
	case m.Outcome == audit.Review && dec == Confirm:
		return fail(r, "Confirm cannot settle a REVIEW outcome, which is the assessor's to decide: choose Override to MET or Override to NOT_MET")
	case m.Outcome == audit.Exempt && dec != Confirm:
		return fail(r, "the member is EXEMPT through the member register (exempt months); an exemption cannot be overridden here: correct the register and run the audit again")
	}
	f.Decision = dec
	switch dec {
	case OverrideMet:
		f.Final = audit.Met
	case OverrideNotMet:
		f.Final = audit.NotMet
	default:
		f.Final = m.Outcome
	}
	return f
}

// conflicting reports whether repeated rows for one member disagree; the
// same row pasted twice, or the same decision in two files, is harmless.
func conflicting(rows []DecisionRow) bool {
	d0, _ := ParseDecision(rows[0].Decision)
	for _, r := range rows[1:] {
		d, _ := ParseDecision(r.Decision)
		if d != d0 || (d == "" && r.Decision != rows[0].Decision) || r.Comment != rows[0].Comment || r.MemberComment != rows[0].MemberComment {
			return true
		}
	}
	return false
}

func distinctFiles(rows []DecisionRow) []string {
	var files []string
	for _, r := range rows {
		if !slices.Contains(files, r.File) {
			files = append(files, r.File)
		}
	}
	return files
}

// protectedDiffs compares the columns an assessor must not edit with the
// run's summary.csv.
func protectedDiffs(m Member, r DecisionRow) []string {
	var diffs []string
	cmp := func(col, got, want string) {
		if strings.TrimSpace(got) != strings.TrimSpace(want) {
			diffs = append(diffs, fmt.Sprintf("%s is %q in the workbook but %q in the run", col, got, want))
		}
	}
	cmp("Name", r.Name, m.Name)
	for k := range m.Standards {
		cmp(fmt.Sprintf("Standard %d", k+1), r.Standards[k], string(m.Standards[k]))
	}
	cmp("Outcome", r.Outcome, string(m.Outcome))
	return diffs
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// Problems returns the finals whose decision could not be applied.
func Problems(finals []Final) []Final {
	var out []Final
	for _, f := range finals {
		if f.Problem != "" {
			out = append(out, f)
		}
	}
	return out
}
