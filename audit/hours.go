package audit

import (
	"fmt"
	"slices"
	"time"

	"github.com/ies/cpdaudit/internal/english"
)

// hoursStandard is standard 1: counted hours against the (pro-rata)
// requirement. It also flags implausible claims, which never change the
// verdict: an assessor checks them.
func hoursStandard(r *MemberResult, p HoursPolicy) StandardResult {
	s := StandardResult{Standard: StandardHours}
	year := r.Year
	required := fmt.Sprintf("the %s required", hoursWord(r.RequiredHours))
	if m := r.Member.ExemptMonths; m > 0 && m < 12 {
		required = fmt.Sprintf("the %s required (%s pro rata for %d exempt %s)",
			hoursWord(r.RequiredHours), FormatHours(p.Required), m, english.Plural(m, "month", "months"))
	}
	if atLeast(r.CountedHours, r.RequiredHours) {
		s.Verdict = Met
		s.Reason = fmt.Sprintf("You recorded %s of CPD dated in %d, meeting %s.", hoursWord(r.CountedHours), year, required)
	} else {
		short := r.RequiredHours - r.CountedHours
		s.Verdict = NotMet
		s.Reason = fmt.Sprintf("You recorded %s of CPD dated in %d, %s short of %s.",
			hoursWord(r.CountedHours), year, formatHoursUp(short)+" hours", required)
		s.NextSteps = append(s.NextSteps, fmt.Sprintf("Add at least %s more hours of CPD dated in %d to reach %s.",
			formatHoursUp(short), year, hoursWord(r.RequiredHours)))
	}

	// Activities outside the year: accepted, not counted, and said why.
	outside, outsideHours := 0, 0.0
	for _, a := range r.Activities {
		if !a.Counted {
			outside++
			outsideHours += max(a.Hours, 0)
			s.Evidence = append(s.Evidence, Evidence{Source: a.Source, Activity: a.Title, Text: longDate(a.Date), Note: a.NotCountedReason})
		}
	}
	if outside > 0 {
		s.Reason += fmt.Sprintf(" %d %s (%s) did not count: see each one for why.", outside, english.Plural(outside, "activity", "activities"), hoursWord(outsideHours))
	}
	flagImplausible(r, &s, p)
	return s
}

// flagImplausible flags, without discounting, an activity above the
// per-activity limit and every activity of a day above the per-day limit.
func flagImplausible(r *MemberResult, s *StandardResult, p HoursPolicy) {
	for i := range r.Activities {
		a := &r.Activities[i]
		if a.Counted && a.Hours > p.MaxPerActivity+eps {
			note := fmt.Sprintf("%s claimed for one activity, more than %s: please check", hoursWord(a.Hours), hoursWord(p.MaxPerActivity))
			a.Flags = append(a.Flags, note)
			r.Flags = append(r.Flags, where(a.Activity)+": "+note)
			s.Evidence = append(s.Evidence, Evidence{Source: a.Source, Activity: a.Title, Text: hoursWord(a.Hours), Note: "Counted, but flagged for the assessor: " + note + "."})
		}
	}
	// Days in the order they first appear, so flags follow the input.
	// A member's days are few: they are found by a search of the list
	// (hashing a time.Time for a map cost more), through a map only
	// when there are many.
	type day struct {
		d     time.Time
		hours float64
	}
	var days []day
	var index map[time.Time]int // days' index by day, once there are many
	for _, a := range r.Activities {
		if !a.Counted {
			continue
		}
		d := dayOf(a.Date)
		k, ok := -1, false
		if index != nil {
			k, ok = index[d]
		} else {
			k = slices.IndexFunc(days, func(x day) bool { return x.d == d })
			ok = k >= 0
		}
		if !ok {
			k = len(days)
			days = append(days, day{d: d})
			if index != nil {
				index[d] = k
			} else if len(days) > 32 {
				index = make(map[time.Time]int, 2*len(days))
				for i, x := range days {
					index[x.d] = i
				}
			}
		}
		days[k].hours += a.Hours
	}
	slices.SortStableFunc(days, func(a, b day) int { return a.d.Compare(b.d) })
	for _, x := range days {
		d, total := x.d, x.hours
		if total <= p.MaxPerDay+eps {
			continue
		}
		note := fmt.Sprintf("%s recorded on %s, more than %s on one day: please check", hoursWord(total), longDate(d), hoursWord(p.MaxPerDay))
		r.Flags = append(r.Flags, note)
		for i := range r.Activities {
			a := &r.Activities[i]
			if a.Counted && dayOf(a.Date).Equal(d) {
				a.Flags = append(a.Flags, fmt.Sprintf("part of %s", note))
				s.Evidence = append(s.Evidence, Evidence{Source: a.Source, Activity: a.Title, Text: hoursWord(a.Hours), Note: "Counted, but flagged for the assessor: part of " + note + "."})
			}
		}
	}
}

// dayOf is the calendar day of t, whatever its clock time or zone.
func dayOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
