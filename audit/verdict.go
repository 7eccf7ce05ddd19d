package audit

// Verdict is the finding on one standard, and also the overall outcome.
// The string values are the exact cell values of the output tables.
type Verdict string

// The four verdicts.
const (
	Met    Verdict = "MET"
	NotMet Verdict = "NOT_MET"
	Review Verdict = "REVIEW"
	Exempt Verdict = "EXEMPT"
)

// Standard numbers the four IES standards, 1 to 4.
type Standard int

// The four standards.
const (
	StandardHours      Standard = 1
	StandardBalance    Standard = 2
	StandardLevel      Standard = 3
	StandardReflection Standard = 4
)

// Title is the short name of the standard used in feedback and workbooks.
// It quotes the hours of the policy in force, so an office that requires
// 20 hours never sends a letter titled "At least 30 hours".
func (s Standard) Title(p Policy) string {
	switch s {
	case StandardHours:
		return "At least " + FormatHours(p.Hours.Required) + " hours of CPD"
	case StandardBalance:
		return "A balance across the categories"
	case StandardLevel:
		return "A level appropriate to role and experience"
	case StandardReflection:
		return "Adequate reflections"
	}
	return "Unknown standard"
}

// Evidence is one piece of evidence behind a verdict: the activity it came
// from (if any) and the exact text that counted, with a note saying why.
type Evidence struct {
	Source   Source
	Activity string // the activity title; empty for member-level evidence
	Text     string // the exact words, e.g. the sentence of a reflection
	Note     string // plain English: what this shows
}

// StandardResult is the finding on one standard for one member.
type StandardResult struct {
	Standard Standard
	Verdict  Verdict
	// Reason says in plain words why the verdict was reached.
	Reason string
	// NextSteps are concrete actions for the member, e.g. "add 6 hours of
	// Professional Activity". Empty when nothing needs doing.
	NextSteps []string
	Evidence  []Evidence
}

// Outcome combines the four verdicts as SPEC.md defines: EXEMPT if the
// member is exempt; NOT_MET if any standard is NOT_MET; REVIEW if any is
// REVIEW; otherwise MET.
func Outcome(standards [4]StandardResult) Verdict {
	out := Met
	for _, s := range standards {
		switch s.Verdict {
		case Exempt:
			return Exempt
		case NotMet:
			out = NotMet
		case Review:
			if out != NotMet {
				out = Review
			}
		}
	}
	return out
}
