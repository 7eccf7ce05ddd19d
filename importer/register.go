package importer

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ies/cpdaudit/audit"
	"github.com/ies/cpdaudit/internal/memberid"
)

// Register is the member register as read.
type Register struct {
	File       FileInfo
	Members    []audit.Member // sorted by ID (memberid.Compare), InRegister = true
	Issues     []Issue
	Notices    []Notice
	Accounting Accounting

	index *memberid.Index[int] // Members by id, built on first use
}

// Member returns the register entry for a member id, compared the one way
// ids are compared everywhere (memberid): written exactly so, or the one
// member whose number it is with other leading zeros (7 finds 000007).
// ok is false when there is none, or when the id could be either of two
// members (see Find).
func (r *Register) Member(id string) (audit.Member, bool) {
	m, f := r.Find(id)
	return m, f.Match == memberid.Exact || f.Match == memberid.Same
}

// Find looks a member id up and says how it matched; for an ambiguous id
// Found.Candidates lists the members it could be.
func (r *Register) Find(id string) (audit.Member, memberid.Found[int]) {
	if r.index == nil || r.index.Len() != len(r.Members) {
		r.index = &memberid.Index[int]{}
		for i, m := range r.Members {
			r.index.Add(m.ID, i)
		}
	}
	f := r.index.Find(id)
	if f.Match == memberid.Exact || f.Match == memberid.Same {
		return r.Members[f.Value], f
	}
	return audit.Member{}, f
}

// ReadRegister reads the member register (CSV or Excel), its headers
// matched by alias as SPEC.md says. A row without a member id, or with the
// id of an earlier row written the same way, is rejected with an issue.
// A row with another value that cannot be read (an unknown grade, exempt
// months that are not 0 to 12) keeps its member in the register with that
// value left empty, and the issue and a flag on the member say so: the
// member must never look missing from the register because of one cell.
// Like ImportActivities it never panics and never returns an error.
func ReadRegister(path string, opts Options) Register {
	res, members := importFile(path, opts.withDefaults(), registerSchema)
	return newRegister(res, members)
}

func newRegister(res FileResult, members []audit.Member) Register {
	slices.SortFunc(members, func(a, b audit.Member) int { return memberid.Compare(a.ID, b.ID) })
	return Register{File: res.File, Members: members, Issues: res.Issues, Notices: res.Notices, Accounting: res.Accounting}
}

// member turns one register row into a Member, or the issues that reject it.
func (ti *tableImport) member(at place, h *header, r srcRow) (bool, []Issue) {
	ri := &rowIssues{at: at, h: h, r: r}
	m := audit.Member{InRegister: true}
	idCell, okID := ri.get(fID)
	m.ID = cellID(idCell)
	if m.ID == "" && okID {
		ri.add(fID, "", ErrMissingValue, "the member number is empty", "Fill in the member's IES membership number")
	}
	if m.ID == "" {
		return false, ri.issues
	}
	// A value that cannot be read is left empty; the member stays.
	unset := func(f field, value, problem, left, action string) {
		ri.add(f, value, ErrBadValue, problem+"; member "+m.ID+" is kept in the register with "+left, action)
		m.Flags = append(m.Flags, fmt.Sprintf("the register's %s on row %d (%s) could not be read, so this member was audited with %s: check the register",
			fieldSpecs[f].label, r.row, quote(shorten(value)), left))
	}
	// A cell too long to use has its issue already; the member stays.
	text := func(f field) string {
		s, ok := ri.text(f)
		if !ok {
			m.Flags = append(m.Flags, fmt.Sprintf("the register's %s on row %d is too long to read, so it was left empty: check the register", fieldSpecs[f].label, r.row))
		}
		return s
	}
	line := func(f field) string { return oneLine(text(f)) }
	if n, ok := ri.line(fName); ok && n != "" {
		m.Name = n
	} else {
		m.Name = strings.TrimSpace(line(fFirstName) + " " + line(fLastName))
	}
	m.Email = line(fEmail)
	m.Role = line(fRole)
	m.ExemptionReason = line(fExemptionReason)
	if s := line(fGrade); s != "" {
		g, good := parseGrade(s)
		if !good {
			unset(fGrade, s, "this is not a membership grade (Student, Affiliate, Graduate, Associate, Full or Fellow)", "the grade unknown",
				"Correct the grade in the register, or leave it empty if it is not known")
		}
		m.Grade = g
	}
	if s := text(fRegistrations); s != "" {
		regs, bad := parseRegistrations(s)
		if bad != "" {
			unset(fRegistrations, s, quote(bad)+" is not a registration (CEnv, CSci, CSciTeach, RSci, RSciTech or REnvP)", "no registrations",
				"List registrations separated by commas, like CEnv, CSci")
		}
		m.Registrations = regs
	}
	if s := line(fExemptMonths); s != "" {
		n, good := parseMonths(s)
		if !good {
			unset(fExemptMonths, s, "exempt months must be a whole number from 0 to 12", "no exempt months",
				"Correct the number of exempt months in the register")
		}
		m.ExemptMonths = n
	}
	if s := line(fHigherEducation); s != "" {
		b, good := parseYesNo(s)
		if !good {
			unset(fHigherEducation, s, "this should be yes or no", "higher education left empty (not studying)", "Write yes or no")
		}
		m.HigherEducation = b
	}
	src := audit.Source{File: at.file, Sheet: at.sheet, Row: r.row, Line: r.line}
	other, exact := ti.ids.Add(m.ID, src)
	switch {
	case exact:
		first := ti.ids.Find(m.ID).Value
		ri.add(fID, idCell.Text, ErrDuplicate,
			"member "+m.ID+" is already in the register at "+where(first)+"; this row was not used",
			"Keep one row per member in the register")
		ri.setMember(m.ID)
		return false, ri.issues
	case other != "":
		first := ti.ids.Find(other).Value
		how := "differ only in upper and lower case"
		if memberid.Numeric(m.ID) {
			how = "are the same number written with different leading zeros"
		}
		ri.add(fID, idCell.Text, ErrAmbiguousID,
			fmt.Sprintf("member numbers %s (this row) and %s (%s) %s; both are kept as separate members, and an activity row whose member number is written neither way is not counted",
				m.ID, other, where(first), how),
			"If they are one member, keep one row; if they are two members, nothing to do")
	}
	ti.members = append(ti.members, m)
	ri.setMember(m.ID)
	return true, ri.issues
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
