package audit

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/ies/cpdaudit/internal/english"
)

// substantiveThreshold is max(minimum hours, minimum share x counted hours).
func substantiveThreshold(counted float64, p BalancePolicy) float64 {
	return max(p.SubstantiveMinHours, p.SubstantiveMinShare*counted)
}

// isSubstantive: at least the threshold, and some hours at all (a zero
// threshold must not make an empty category count).
func isSubstantive(h, threshold float64) bool {
	return h > eps && atLeast(h, threshold)
}

// balanceStandard is standard 2: enough substantive categories, and a
// somewhat even spread across them.
func balanceStandard(r *MemberResult, p Policy) StandardResult {
	b := p.Balance
	s := StandardResult{Standard: StandardBalance}
	var subst, token []string
	for i, c := range Categories {
		h := r.CategoryHours[i]
		switch {
		case isSubstantive(h, r.SubstantiveThreshold):
			subst = append(subst, fmt.Sprintf("%s (%s)", c, hoursWord(h)))
		case h > eps:
			token = append(token, fmt.Sprintf("%s (%s)", c, hoursWord(h)))
			s.Evidence = append(s.Evidence, Evidence{Text: fmt.Sprintf("%s: %s", c, hoursWord(h)),
				Note: fmt.Sprintf("Tokenistic: below the %s a category needs to count toward the balance.", hoursWord(r.SubstantiveThreshold))})
		}
	}
	rule := fmt.Sprintf("a category counts when it holds at least %s (%s, or %s of your counted hours if more)",
		hoursWord(r.SubstantiveThreshold), hoursWord(b.SubstantiveMinHours), percent(b.SubstantiveMinShare))
	need := fmt.Sprintf("%d are needed", r.RequiredCategories)
	if r.Member.HigherEducation {
		need = fmt.Sprintf("%d are needed while you are undertaking a higher-education qualification", r.RequiredCategories)
	}
	have := "none of your categories counts"
	if len(subst) > 0 {
		verb := "count"
		if len(subst) == 1 {
			verb = "counts"
		}
		have = fmt.Sprintf("%d %s %s: %s", len(subst), english.Plural(len(subst), "category", "categories"), verb, strings.Join(subst, ", "))
	}
	tokenistic := ""
	if len(token) > 0 {
		tokenistic = fmt.Sprintf(" Too few hours to count (tokenistic): %s.", strings.Join(token, ", "))
	}

	if r.SubstantiveCategories < r.RequiredCategories {
		s.Verdict = NotMet
		s.Reason = fmt.Sprintf("Your CPD needs a balance across the categories: %s, and %s; %s.%s", rule, have, need, tokenistic)
		s.NextSteps = balanceSteps(r, b)
		return s
	}

	// The largest category, first in canonical order on a tie.
	largest := 0
	for i, h := range r.CategoryHours {
		if h > r.CategoryHours[largest]+eps {
			largest = i
		}
	}
	lh := r.CategoryHours[largest]
	share := lh / r.CountedHours
	if lh > b.MaxLargestShare*r.CountedHours+eps {
		s.Verdict = Review
		s.Reason = fmt.Sprintf("%s (%s), but the spread is uneven: %s holds %s of your %s counted hours (%s), more than %s, so an assessor will judge whether the spread is somewhat even.%s",
			capitalise(have), need, Categories[largest], FormatHours(lh), FormatHours(r.CountedHours), percent(share), percent(b.MaxLargestShare), tokenistic)
		// Hours elsewhere that bring the largest down to the limit:
		// lh <= limit x (counted + x).
		x := lh/b.MaxLargestShare - r.CountedHours
		s.NextSteps = append(s.NextSteps, fmt.Sprintf("Spread your CPD more evenly: at least %s more hours in categories other than %s would bring it down to %s of your hours.",
			formatHoursUp(roundUpTo(x, 0.01)), Categories[largest], percent(b.MaxLargestShare)))
		s.Evidence = append(s.Evidence, Evidence{Text: fmt.Sprintf("%s: %s of %s", Categories[largest], hoursWord(lh), hoursWord(r.CountedHours)),
			Note: fmt.Sprintf("The largest category holds more than %s of counted hours.", percent(b.MaxLargestShare))})
		return s
	}
	s.Verdict = Met
	s.Reason = fmt.Sprintf("%s (%s), with a somewhat even spread: the largest, %s, holds %s of your hours.%s",
		capitalise(have), need, Categories[largest], percent(share), tokenistic)
	return s
}

// balanceSteps says how many hours in which categories would reach the
// required number of substantive categories. Adding hours raises the 10%
// line too, so the amounts are solved together, not one by one.
func balanceSteps(r *MemberResult, b BalancePolicy) []string {
	// Candidates: categories that do not count yet, most hours first (they
	// need least), canonical order on a tie.
	var cand []int
	for i, h := range r.CategoryHours {
		if !isSubstantive(h, r.SubstantiveThreshold) {
			cand = append(cand, i)
		}
	}
	slices.SortStableFunc(cand, func(x, y int) int {
		hx, hy := r.CategoryHours[x], r.CategoryHours[y]
		switch {
		case hx > hy+eps:
			return -1
		case hy > hx+eps:
			return 1
		}
		return 0
	})
	missing := min(r.RequiredCategories-r.SubstantiveCategories, len(cand))
	if missing <= 0 {
		return nil
	}
	// Candidates with the same hours as a chosen one need the same hours:
	// offer them as alternatives ("Professional Activity or Other").
	same := func(c int, from []int) []string {
		names := []string{string(Categories[c])}
		for _, o := range from {
			if o != c && r.CategoryHours[o] > r.CategoryHours[c]-eps && r.CategoryHours[o] < r.CategoryHours[c]+eps {
				names = append(names, string(Categories[o]))
			}
		}
		return names
	}
	var steps []string
	var plans []map[int]float64
	if missing == 1 {
		// One more category: every candidate is an option, each with the
		// hours it needs; options needing the same hours are grouped.
		var opts []string
		var last float64
		for _, o := range cand {
			add := plan(r, b, []int{o})
			plans = append(plans, add)
			if len(opts) > 0 && add[o] <= last+eps {
				opts[len(opts)-1] += " or " + string(Categories[o])
				continue
			}
			opts = append(opts, hoursWord(add[o])+" of "+string(Categories[o]))
			last = add[o]
		}
		steps = append(steps, fmt.Sprintf("Add at least %s to reach a %s substantive category.",
			strings.Join(opts, ", or "), ordinal(r.SubstantiveCategories+1)))
	} else {
		// Several more: one plan, solved together.
		chosen := cand[:missing]
		add := plan(r, b, chosen)
		plans = append(plans, add)
		for k, c := range chosen {
			names := same(c, cand[missing:])
			steps = append(steps, fmt.Sprintf("Add at least %s of %s to reach a %s substantive category.",
				hoursWord(add[c]), orList(names, "or"), ordinal(r.SubstantiveCategories+k+1)))
		}
	}
	// Hours added elsewhere raise the 10% line: a category that counts now
	// may need a top-up to keep counting (the most any option needs).
	topUp := map[int]float64{}
	for _, add := range plans {
		for i, x := range add {
			if !slices.Contains(cand, i) {
				topUp[i] = max(topUp[i], x)
			}
		}
	}
	for _, i := range slices.Sorted(maps.Keys(topUp)) {
		if topUp[i] > eps {
			steps = append(steps, fmt.Sprintf("Add at least %s of %s so that it still counts once your total grows.", hoursWord(topUp[i]), Categories[i]))
		}
	}
	return steps
}

// plan returns the hours to add per category so that every category in
// chosen, and every category that counts now, reaches the threshold of the
// new total. Amounts are rounded up to the half hour for readability; the
// loop re-checks after rounding, since the threshold moves with the total.
func plan(r *MemberResult, b BalancePolicy, chosen []int) map[int]float64 {
	add := map[int]float64{}
	keep := slices.Clone(chosen)
	for i, h := range r.CategoryHours {
		if isSubstantive(h, r.SubstantiveThreshold) {
			keep = append(keep, i)
		}
	}
	for range 100 {
		total := r.CountedHours
		for _, x := range add {
			total += x
		}
		thr := substantiveThreshold(total, b)
		changed := false
		for _, i := range keep {
			if need := roundUpTo(thr-r.CategoryHours[i], 0.5); need > add[i]+eps {
				add[i] = need
				changed = true
			}
		}
		if !changed {
			break
		}
	}
	return add
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
