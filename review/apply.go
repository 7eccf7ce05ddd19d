package review

import (
	"fmt"
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
	Comment string
	// Final is the outcome after the decision; empty while Problem is set,
	// because the outcome is not final until the problem is fixed.
	Final audit.Verdict
	// Rows are the workbook rows the decision came from.
	Rows    []int
	Problem string
}

// Applied reports whether an assessor's decision was applied.
func (f *Final) Applied() bool { return f.Problem == "" && f.Decision != NoDecision && f.InRun }

// Apply matches the decision rows to the run's members by member id and
// applies each valid decision. It returns one Final per member of the run,
// in run order, followed by one per workbook row that names no member of
// the run, in workbook row order.
func Apply(run *Run, d *Decisions) []Final {
	byID := map[string][]DecisionRow{}
	var strays []DecisionRow
	for _, r := range d.Rows {
		if m, ok := run.Lookup(r.MemberID); ok {
			byID[m.ID] = append(byID[m.ID], r)
			continue
		}
		if r.Decision != "" || r.Comment != "" || r.MemberID != "" {
			strays = append(strays, r)
		}
	}
	finals := make([]Final, 0, len(run.Members)+len(strays))
	for _, m := range run.Members {
		finals = append(finals, applyMember(m, byID[m.ID]))
	}
	for _, r := range strays {
		finals = append(finals, strayRow(run, r))
	}
	return finals
}

func strayRow(run *Run, r DecisionRow) Final {
	f := Final{
		Member:  Member{ID: r.MemberID, Name: r.Name, Outcome: audit.Verdict(r.Outcome)},
		Written: r.Decision, Comment: r.Comment, Rows: []int{r.Row}, Decision: NoDecision,
	}
	if r.MemberID == "" {
		f.Problem = fmt.Sprintf("row %d has a decision or comment but no member id: put the member id back in the Member ID column", r.Row)
	} else if c := run.byID.Find(r.MemberID).Candidates; len(c) > 1 {
		f.Problem = fmt.Sprintf("row %d: member id %s could be member %s of this run's summary.csv: write the id exactly as summary.csv does", r.Row, r.MemberID, strings.Join(c, " or "))
	} else {
		f.Problem = fmt.Sprintf("row %d: member id %s is not in this run's summary.csv: check the id (it may have been retyped, or lost its leading zeros) or the run folder", r.Row, r.MemberID)
	}
	return f
}

func applyMember(m Member, rows []DecisionRow) Final {
	f := Final{Member: m, InRun: true, Decision: NoDecision, Final: m.Outcome}
	if len(rows) == 0 {
		return f
	}
	for _, r := range rows {
		f.Rows = append(f.Rows, r.Row)
	}
	r := rows[0]
	if len(rows) > 1 {
		if conflicting(rows) {
			var ds, cs []string
			for _, r := range rows {
				ds = append(ds, fmt.Sprintf("row %d: %s", r.Row, orNone(r.Decision)))
				if r.Comment != "" {
					cs = append(cs, fmt.Sprintf("row %d: %s", r.Row, r.Comment))
				}
			}
			f.Written, f.Comment, f.Final = strings.Join(ds, "; "), strings.Join(cs, "; "), ""
			f.Problem = fmt.Sprintf("member %s is on %s with different decisions or comments: keep one row", m.ID, rowList(f.Rows))
			return f
		}
	}
	f.Written, f.Comment = r.Decision, r.Comment
	fail := func(format string, a ...any) Final {
		f.Final = ""
		f.Problem = fmt.Sprintf("row %d: ", r.Row) + fmt.Sprintf(format, a...)
		return f
	}
	if diffs := protectedDiffs(m, r); len(diffs) > 0 {
		return fail("the pre-screen was changed (%s); these columns must stay as the tool wrote them: put them back and record the decision in the Assessor decision column",
			strings.Join(diffs, "; "))
	}
	if r.Decision == "" {
		if r.Comment != "" {
			return fail("there is a comment but no decision: choose %s", decisionChoices)
		}
		return f
	}
	dec, ok := ParseDecision(r.Decision)
	if !ok {
		return fail("%q is not a decision: choose %s", r.Decision, decisionChoices)
	}
	switch {
	case m.Outcome == audit.Review && dec == Confirm:
		return fail("Confirm cannot settle a REVIEW outcome, which is the assessor's to decide: choose Override to MET or Override to NOT_MET")
	case m.Outcome == audit.Exempt && dec != Confirm:
		return fail("the member is EXEMPT through the member register (exempt months); an exemption cannot be overridden here: correct the register and run the audit again")
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
// same row pasted twice is harmless.
func conflicting(rows []DecisionRow) bool {
	d0, _ := ParseDecision(rows[0].Decision)
	for _, r := range rows[1:] {
		d, _ := ParseDecision(r.Decision)
		if d != d0 || (d == "" && r.Decision != rows[0].Decision) || r.Comment != rows[0].Comment {
			return true
		}
	}
	return false
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

func rowList(rows []int) string {
	s := make([]string, len(rows))
	for i, r := range rows {
		s[i] = strconv.Itoa(r)
	}
	return "rows " + strings.Join(s, ", ")
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
