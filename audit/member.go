package audit

import "strings"

// Grade is a membership grade as the IES names it.
type Grade string

// Membership grades. GradeUnknown means the register did not say (or the
// member is not in the register): standard 3 then raises no grade-based
// signal and the feedback says so.
const (
	GradeUnknown   Grade = ""
	GradeStudent   Grade = "Student"
	GradeAffiliate Grade = "Affiliate"
	GradeGraduate  Grade = "Graduate"
	GradeAssociate Grade = "Associate"
	GradeFull      Grade = "Full"
	GradeFellow    Grade = "Fellow"
)

// Grades lists the known grades, junior to senior, for stable ordering of
// per-grade statistics.
var Grades = []Grade{GradeStudent, GradeAffiliate, GradeGraduate, GradeAssociate, GradeFull, GradeFellow}

// Member is what is known about one member: from the register when they are
// in it, otherwise only the id and name found in their activity rows.
type Member struct {
	ID    string
	Name  string
	Email string
	Grade Grade
	// Registrations such as CEnv, CSci, CSciTeach, RSci, RSciTech, REnvP,
	// in canonical spelling.
	Registrations []string
	Role          string
	// ExemptionReason is free text from the register (career break,
	// parental leave, long-term illness, other approved exemption).
	ExemptionReason string
	// ExemptMonths is 0 to 12; 12 makes the member EXEMPT on every standard.
	ExemptMonths int
	// HigherEducation is true when the member is undertaking a Masters' or
	// other higher-education qualification: two categories then suffice.
	HigherEducation bool
	// InRegister is false when the member appears in activity files but not
	// in the register; the result is then flagged.
	InRegister bool
	// Flags are notes raised while importing and merging (conflicting names
	// across files, not in the register, ...). They are carried into the
	// member's result flags.
	Flags []string
}

// HasRegistration reports whether the member holds the named registration,
// ignoring case.
func (m Member) HasRegistration(name string) bool {
	for _, r := range m.Registrations {
		if strings.EqualFold(r, name) {
			return true
		}
	}
	return false
}
