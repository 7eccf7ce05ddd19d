package importer

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ies/cpdaudit/audit"
)

// Register is the member register as read.
type Register struct {
	File       FileInfo
	Members    []audit.Member // sorted by ID, InRegister = true
	Issues     []Issue
	Notices    []Notice
	Accounting Accounting
}

// Member returns the register entry for a member id.
func (r *Register) Member(id string) (audit.Member, bool) {
	i, ok := slices.BinarySearchFunc(r.Members, id, func(m audit.Member, id string) int { return compareIDs(m.ID, id) })
	if !ok {
		return audit.Member{}, false
	}
	return r.Members[i], true
}

// ReadRegister reads the member register (CSV or Excel), its headers
// matched by alias as SPEC.md says. A row with a value that cannot be read
// (an unknown grade, exempt months that are not 0 to 12) is rejected with
// an issue rather than guessed, and so is a second row for the same id.
// Like ImportActivities it never panics and never returns an error.
func ReadRegister(path string, opts Options) Register {
	res, members := importFile(path, opts.withDefaults(), registerSchema)
	return newRegister(res, members)
}

func newRegister(res FileResult, members []audit.Member) Register {
	slices.SortFunc(members, func(a, b audit.Member) int { return compareIDs(a.ID, b.ID) })
	return Register{File: res.File, Members: members, Issues: res.Issues, Notices: res.Notices, Accounting: res.Accounting}
}

// member turns one register row into a Member, or the issues that reject it.
func (ti *tableImport) member(at place, h *header, r srcRow) (bool, []Issue) {
	ri := &rowIssues{at: at, h: h, r: r}
	m := audit.Member{InRegister: true}
	idCell, okID := ri.get(fID)
	m.ID = normalizeID(idCell.Raw)
	if m.ID == "" && okID {
		ri.add(fID, "", ErrMissingValue, "the member number is empty", "Fill in the member's IES membership number")
	}
	m.Name = ti.name(ri, nil)
	m.Email, _ = ri.text(fEmail)
	m.Role, _ = ri.text(fRole)
	m.ExemptionReason, _ = ri.text(fExemptionReason)
	if s, ok := ri.text(fGrade); ok && s != "" {
		g, good := parseGrade(s)
		if !good {
			ri.add(fGrade, s, ErrBadValue, "this is not a membership grade (Student, Affiliate, Graduate, Associate, Full or Fellow)",
				"Correct the grade in the register, or leave it empty if it is not known")
		}
		m.Grade = g
	}
	if s, ok := ri.text(fRegistrations); ok {
		regs, bad := parseRegistrations(s)
		if bad != "" {
			ri.add(fRegistrations, s, ErrBadValue, fmt.Sprintf("%q is not a registration (CEnv, CSci, CSciTeach, RSci, RSciTech or REnvP)", bad),
				"List registrations separated by commas, like CEnv, CSci")
		}
		m.Registrations = regs
	}
	if s, ok := ri.text(fExemptMonths); ok && s != "" {
		n, good := parseMonths(s)
		if !good {
			ri.add(fExemptMonths, s, ErrBadValue, "exempt months must be a whole number from 0 to 12",
				"Correct the number of exempt months in the register")
		}
		m.ExemptMonths = n
	}
	if s, ok := ri.text(fHigherEducation); ok && s != "" {
		b, good := parseYesNo(s)
		if !good {
			ri.add(fHigherEducation, s, ErrBadValue, "this should be yes or no", "Write yes or no")
		}
		m.HigherEducation = b
	}
	if len(ri.issues) == 0 {
		src := audit.Source{File: at.file, Sheet: at.sheet, Row: r.row, Line: r.line}
		if first, dup := ti.firstID[m.ID]; dup {
			ri.add(fID, idCell.Text, ErrDuplicate,
				"member "+m.ID+" is already in the register at "+where(first)+"; this row was not used",
				"Keep one row per member in the register")
		} else {
			ti.firstID[m.ID] = src
		}
	}
	if len(ri.issues) > 0 {
		ri.setMember(m.ID)
		return false, ri.issues
	}
	ti.members = append(ti.members, m)
	return true, nil
}

// where names a row for a message: "sheet Members row 4" or "row 4".
func where(s audit.Source) string {
	out := "row " + strconv.Itoa(s.Row)
	if s.Sheet != "" {
		out = "sheet " + strconv.Quote(s.Sheet) + " " + out
	}
	return out
}

var gradeNames = map[string]audit.Grade{
	"student": audit.GradeStudent, "affiliate": audit.GradeAffiliate, "graduate": audit.GradeGraduate,
	"associate": audit.GradeAssociate, "full": audit.GradeFull, "fellow": audit.GradeFellow,
	// The IES post-nominals name the grades too.
	"amies": audit.GradeAssociate, "mies": audit.GradeFull, "fies": audit.GradeFellow,
}

func parseGrade(s string) (audit.Grade, bool) {
	key := categoryKey(s)
	for _, w := range []string{" member", " membership", " grade"} {
		key = strings.TrimSuffix(key, w)
	}
	key = strings.TrimPrefix(key, "member ")
	g, ok := gradeNames[key]
	return g, ok
}

var registrationNames = map[string]string{
	"cenv": "CEnv", "csci": "CSci", "csciteach": "CSciTeach",
	"rsci": "RSci", "rscitech": "RSciTech", "renvp": "REnvP",
}

// parseRegistrations reads a list like "CEnv, CSci" or "CEnv/REnvP"; bad is
// the first item that is not a registration.
func parseRegistrations(s string) (regs []string, bad string) {
	for _, item := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(",;/&+ \n", r) }) {
		low := strings.ToLower(strings.Trim(item, ".()"))
		switch low {
		case "", "none", "n/a", "na", "-", "and", "no":
			continue
		}
		name, ok := registrationNames[low]
		if !ok {
			return nil, item
		}
		if !slices.Contains(regs, name) {
			regs = append(regs, name)
		}
	}
	return regs, ""
}

func parseMonths(s string) (int, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(strings.Replace(s, ",", ".", 1)), 64)
	if err != nil || f != float64(int(f)) || f < 0 || f > 12 {
		return 0, false
	}
	return int(f), true
}

func parseYesNo(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "yes", "y", "true", "1", "x", "✓", "✔":
		return true, true
	case "no", "n", "false", "0", "-", "none", "n/a":
		return false, true
	}
	return false, false
}

// compareIDs orders member ids as people expect: numeric ids by value
// (9 before 10), then other ids as text.
func compareIDs(a, b string) int {
	na, nb := isDigits(a), isDigits(b)
	switch {
	case na && nb:
		ta, tb := strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
		if len(ta) != len(tb) {
			return len(ta) - len(tb)
		}
		if c := strings.Compare(ta, tb); c != 0 {
			return c
		}
	case na:
		return -1
	case nb:
		return 1
	}
	return strings.Compare(a, b)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
