package audit

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Env is what every member's evaluation shares.
type Env struct {
	// Year is the CPD year audited. When it is 0, Evaluate takes it from
	// the member's activities if they all fall in one calendar year.
	Year   int
	Policy Policy
	// Shared finds reflections shared word for word between members. It
	// may be nil: then there is no cross-member copy check.
	Shared *ReflectionIndex
	// UnreadInputs is how many input files could not be read, in whole or
	// in part. When it is not 0, a member with no activities is REVIEW on
	// every standard rather than NOT_MET: their record may be in one of
	// those files, and a letter saying they recorded nothing would be
	// wrong.
	UnreadInputs int
	// Model is the learned part of the reflection judge; nil is the
	// committed model (DefaultReflectionModel).
	Model *ReflectionModel
}

// Evaluate audits one member's activities for one CPD year against the
// four standards. It is pure and deterministic: the same arguments always
// give the same result (nothing depends on map order or the clock), and it
// only reads env, so members can be evaluated concurrently.
//
// Every activity is returned, in input order, with whether it counted and
// its reflection finding. A member exempt for 12 months or more is EXEMPT
// on every standard; the activities are still analysed so the feedback and
// activities.csv are complete.
func Evaluate(m Member, acts []Activity, env Env) MemberResult {
	p := env.Policy
	year := env.Year
	if year == 0 {
		year, _ = InferYear(acts)
	}
	c := compiledPolicy(p)
	model := env.Model
	if model == nil {
		model = DefaultReflectionModel()
	}
	r := MemberResult{Member: m, Year: year, Flags: slices.Clone(m.Flags)}
	r.Activities = make([]ActivityResult, len(acts))
	// The judge makes the copy checks' scan of each reflection from its
	// tokens where it can, so that few are read again.
	cs := newCopyScratch(len(acts))
	defer cs.release()
	for i, a := range acts {
		ar := ActivityResult{Activity: a}
		ar.Counted, ar.NotCountedReason = counts(a, year)
		ar.Reflection = c.refl.analyseCopy(a.Reflection, model, copyTarget{cs, i, p.Reflection.CopyMinWords})
		if ar.Counted {
			r.CountedHours += a.Hours
			r.CategoryHours[a.Category.Index()] += a.Hours
		}
		r.Activities[i] = ar
	}

	r.RequiredHours = requiredHours(m.ExemptMonths, p.Hours)
	r.RequiredCategories = p.Balance.RequiredCategories
	if m.HigherEducation {
		r.RequiredCategories = p.Balance.RequiredCategoriesHigherEducation
	}
	r.SubstantiveThreshold = substantiveThreshold(r.CountedHours, p.Balance)
	for _, h := range r.CategoryHours {
		if isSubstantive(h, r.SubstantiveThreshold) {
			r.SubstantiveCategories++
		}
	}

	r.Standards[0] = hoursStandard(&r, p.Hours)
	r.Standards[1] = balanceStandard(&r, p)
	r.Standards[2] = levelStandard(&r, c, p.Level)
	r.Standards[3] = reflectionStandard(&r, p.Reflection, env.Shared, cs)
	r.Notes = practiceNotes(&r, c, p.Reflection)
	if m.ExemptMonths >= 12 {
		r.Standards = exemptStandards(m, year)
	} else if len(acts) == 0 && env.UnreadInputs > 0 {
		r.Standards = unreadStandards(env.UnreadInputs)
		r.Notes = nil
	}
	r.Outcome = Outcome(r.Standards)
	return r
}

// unreadStandards is the result for a member with no activities found
// while n input files could not be read: an assessor checks before
// anything is decided.
func unreadStandards(n int) [4]StandardResult {
	files := strconv.Itoa(n) + " of the files received could not be read, so your record may be in one of them"
	if n == 1 {
		files = "one of the files received could not be read, so your record may be in it"
	}
	why := "No CPD activities were found for you, but " + files +
		". An assessor will check before anything is decided; nothing needs doing yet."
	var out [4]StandardResult
	for i := range out {
		out[i] = StandardResult{Standard: Standard(i + 1), Verdict: Review, Reason: why}
	}
	return out
}

// InferYear returns the CPD year when every activity falls in one calendar
// year; ok is false when there are none or they span several years.
func InferYear(acts []Activity) (year int, ok bool) {
	for i, a := range acts {
		y := a.Date.Year()
		if i == 0 {
			year = y
		} else if y != year {
			return 0, false
		}
	}
	return year, len(acts) > 0
}

// counts says whether an activity's hours count in the CPD year, and why
// not when they do not.
func counts(a Activity, year int) (bool, string) {
	switch {
	case a.Date.Year() != year:
		return false, fmt.Sprintf("Dated %s, outside the %d CPD year (1 January to 31 December %d): it is accepted but its hours do not count toward %d.",
			longDate(a.Date), year, year, year)
	case !a.Category.Valid():
		return false, "Its category " + quote(string(a.Category)) + " is not one of the five learning categories, so its hours cannot be placed."
	case !(a.Hours >= 0):
		return false, "Its hours are not a valid number, so they cannot be counted."
	}
	return true, ""
}

// requiredHours is the pro-rata requirement: required x (12 - exempt
// months) / 12, rounded up to the policy step.
func requiredHours(exemptMonths int, p HoursPolicy) float64 {
	months := min(max(12-exemptMonths, 0), 12)
	if months == 12 {
		return p.Required
	}
	return roundUpTo(p.Required*float64(months)/12, p.RoundUpTo)
}

// exemptStandards is the result for a member exempt the whole year.
func exemptStandards(m Member, year int) [4]StandardResult {
	why := "You are exempt from CPD for " + strconv.Itoa(year)
	if m.ExemptionReason != "" {
		why += " (" + m.ExemptionReason + ")"
	}
	why += ", so no CPD is required and this standard does not apply."
	var out [4]StandardResult
	for i := range out {
		out[i] = StandardResult{Standard: Standard(i + 1), Verdict: Exempt, Reason: why}
	}
	return out
}

// where names an activity for flags and notes: its title and row.
func where(a Activity) string {
	s := quote(a.Title) + " ("
	if f := baseName(a.Source.File); f != "" {
		s += f + " "
	}
	if a.Source.Sheet != "" {
		s += "sheet " + a.Source.Sheet + " "
	}
	return s + "row " + strconv.Itoa(a.Source.Row) + ")"
}

func baseName(path string) string {
	if i := strings.LastIndexAny(path, `/\`); i >= 0 {
		return path[i+1:]
	}
	return path
}

// longDate is the date as people write it: 14 March 2025.
func longDate(t time.Time) string {
	if t.IsZero() {
		return "with no date"
	}
	return t.Format("2 January 2006")
}

// percent formats a share as a whole percentage, rounded down so that a
// share just under a threshold never prints as the threshold itself.
func percent(share float64) string {
	return strconv.Itoa(int(share*100+1e-9)) + "%"
}

// ordinal is "second", "third" ... for "to reach a third substantive
// category".
func ordinal(n int) string {
	switch n {
	case 1:
		return "first"
	case 2:
		return "second"
	case 3:
		return "third"
	case 4:
		return "fourth"
	case 5:
		return "fifth"
	}
	return strconv.Itoa(n) + "th"
}

// orList joins names as "A", "A or B", "A, B or C".
func orList(names []string, conj string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " " + conj + " " + names[len(names)-1]
}

// quote puts the member's own text (a title, a description) in quotes for
// a flag, a note or a letter. Unlike %q it never writes Go escape codes
// (\u200d, \n, \u00a0): the text is shown as its characters, on one line.
func quote(s string) string { return `"` + strings.Join(strings.Fields(s), " ") + `"` }
