package audit

import (
	"fmt"
	"slices"
	"strings"
)

// reflectionStandard is standard 4: the share of counted hours whose
// reflections are adequate, whether any reflection thinks of the users of
// the member's work at all, and whether reflections were pasted.
//
// cs is the member's copy scratch, for flagCopies.
func reflectionStandard(r *MemberResult, p ReflectionPolicy, shared *ReflectionIndex, cs *copyScratch) StandardResult {
	s := StandardResult{Standard: StandardReflection}
	// unclear: hours whose reflections the judge was unsure of and that
	// could be adequate; they never push a member to NOT_MET.
	var adequate, unclear float64
	mentions := false
	var weak []int // counted activities without an adequate reflection
	for i, a := range r.Activities {
		if !a.Counted {
			continue
		}
		f := a.Reflection
		mentions = mentions || f.MentionsUsers
		switch {
		case f.Level == Adequate:
			adequate += a.Hours
		case f.Level == Unclear && (f.Quality || f.QualityUnsure) && (f.Users || f.UsersUnsure):
			unclear += a.Hours
			weak = append(weak, i)
		default:
			weak = append(weak, i)
		}
		s.Evidence = append(s.Evidence, elementEvidence(a, f.QualityEvidence, f.QualityUnsure, "quality",
			"Quality element: the value to the quality of your own work, with a reason.")...)
		s.Evidence = append(s.Evidence, elementEvidence(a, f.UsersEvidence, f.UsersUnsure, "users",
			"Users element: the benefit to the users of your work, with a reason.")...)
	}
	share := 0.0
	if r.CountedHours > eps {
		share = adequate / r.CountedHours
	}
	covered := fmt.Sprintf("Adequate reflections (saying both what the activity did for the quality of your work and how it benefited the users of your work, each with a reason) cover %s of your %s counted hours (%s).",
		FormatHours(adequate), FormatHours(r.CountedHours), percent(share))
	switch {
	case r.CountedHours <= eps:
		s.Verdict = NotMet
		covered = fmt.Sprintf("No hours of CPD count in %d, so no reflection can meet this standard.", r.Year)
	case atLeast(share, p.MetShare):
		s.Verdict = Met
		covered += fmt.Sprintf(" At least %s is needed.", percent(p.MetShare))
	case atLeast(share, p.ReviewShare):
		s.Verdict = Review
		covered += fmt.Sprintf(" %s is needed to meet the standard; from %s an assessor reviews the record.", percent(p.MetShare), percent(p.ReviewShare))
	default:
		s.Verdict = NotMet
		covered += fmt.Sprintf(" At least %s is needed (and %s for an assessor to review it).", percent(p.MetShare), percent(p.ReviewShare))
	}
	// Unclear reflections are read by an assessor: if they could lift the
	// member out of NOT_MET, the judge does not decide it.
	if s.Verdict != Met && r.CountedHours > eps && unclear > eps {
		best := (adequate + unclear) / r.CountedHours
		covered += fmt.Sprintf(" Reflections on a further %s hours are unclear: an assessor will read them, and with them the share could reach %s.",
			FormatHours(unclear), percent(best))
		if s.Verdict == NotMet && atLeast(best, p.ReviewShare) {
			s.Verdict = Review
		}
	}
	reasons := []string{covered}
	if !atLeast(share, p.MetShare) && r.CountedHours > eps {
		s.NextSteps = append(s.NextSteps, strengthenStep(r, weak, p.MetShare*r.CountedHours-adequate, p.MetShare))
	}
	if !mentions && r.CountedHours > eps {
		s.Verdict = NotMet
		reasons = append(reasons, "None of your reflections mentions the users of your work (clients, colleagues, students, your employer, the public ...): the standard asks how your CPD benefited them, and why.")
		s.NextSteps = append(s.NextSteps, "In your reflections, say who uses your work (clients, colleagues, students, the public ...), how the activity benefited them, and why.")
	}

	if copied := flagCopies(r, &s, p, shared, cs); copied != "" {
		reasons = append(reasons, copied)
		if s.Verdict == Met {
			s.Verdict = Review
		}
		s.NextSteps = append(s.NextSteps, "Write a separate reflection for each activity, about what that activity changed.")
	}
	s.Reason = strings.Join(reasons, " ")
	return s
}

// elementEvidence is the evidence of one element of an activity's
// reflection: the sentence that carried it, or the sentence an assessor
// should read when the judge was unsure.
func elementEvidence(a ActivityResult, text string, unsure bool, element, note string) []Evidence {
	if text == "" {
		return nil
	}
	if unsure {
		note = "Unclear: an assessor should read this sentence for the " + element + " element."
	}
	return []Evidence{{Source: a.Source, Activity: a.Title, Text: text, Note: note}}
}

// strengthenStep names the hours still needed and the activities whose
// reflections are closest to adequate (partial first, then the longest).
func strengthenStep(r *MemberResult, weak []int, need, metShare float64) string {
	order := slices.Clone(weak)
	rank := func(l ReflectionLevel) int {
		switch l {
		case Partial, Unclear:
			return 0
		case Descriptive:
			return 1
		}
		return 2
	}
	slices.SortStableFunc(order, func(x, y int) int {
		ax, ay := r.Activities[x], r.Activities[y]
		if d := rank(ax.Reflection.Level) - rank(ay.Reflection.Level); d != 0 {
			return d
		}
		switch {
		case ax.Hours > ay.Hours+eps:
			return -1
		case ay.Hours > ax.Hours+eps:
			return 1
		}
		return 0
	})
	// The activities are named in groups by what their reflections lack,
	// in plain words rather than the standard's "elements". A group says
	// it with a verb for one activity and one for several.
	type group struct {
		one, many string
		names     []string
	}
	var groups []group
	got := 0.0
	for n, i := range order {
		a := r.Activities[i]
		what := "both what the activity did for the quality of your own work and how it helped the people who use your work, each with a reason"
		one, many := "needs "+what, "need "+what
		switch {
		case a.Reflection.Level == Missing:
			one, many = "needs a reflection", "need a reflection"
		case a.Reflection.Level == Unclear:
			one, many = "is unclear to the pre-screen: an assessor will read it", "are unclear to the pre-screen: an assessor will read them"
		case a.Reflection.Quality:
			what = "how the activity helped the people who use your work, and why"
			one, many = "needs "+what, "need "+what
		case a.Reflection.Users:
			what = "what the activity did for the quality of your own work, and why"
			one, many = "needs "+what, "need "+what
		}
		name := fmt.Sprintf("%s (%s)", quote(a.Title), hoursWord(a.Hours))
		k := slices.IndexFunc(groups, func(g group) bool { return g.one == one })
		if k < 0 {
			groups = append(groups, group{one: one, many: many})
			k = len(groups) - 1
		}
		groups[k].names = append(groups[k].names, name)
		got += a.Hours
		if atLeast(got, need) || n == 4 {
			break
		}
	}
	parts := make([]string, len(groups))
	for k, g := range groups {
		verb := g.one
		if len(g.names) > 1 {
			verb = g.many
		}
		parts[k] = orList(g.names, "and") + " " + verb
	}
	return fmt.Sprintf("Strengthen the reflections on activities worth at least %s more hours so that %s of your hours have adequate reflections. The closest to adequate: %s.",
		formatHoursUp(need), percent(metShare), strings.Join(parts, "; "))
}
