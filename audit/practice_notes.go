package audit

import (
	"bytes"
	"fmt"
	"slices"
	"time"

	"github.com/ies/cpdaudit/internal/english"
)

// practiceNotes are the good and great practice observations: a
// reflection on every activity, gaps of several months, and a year-round
// reflection. They never change a verdict.
func practiceNotes(r *MemberResult, c *compiled, p ReflectionPolicy) []string {
	var notes []string
	var dates []time.Time
	all := true
	counted := 0
	for _, a := range r.Activities {
		if !a.Counted {
			continue
		}
		counted++
		dates = append(dates, dayOf(a.Date))
		all = all && a.Reflection.Level != Missing
	}
	if counted > 0 && all {
		notes = append(notes, "Good practice: you wrote a reflection on every activity.")
	}
	// A fully exempt member has nothing to spread; a partly exempt one's
	// exempt months may be the gap itself (a career break, parental leave).
	if r.Member.ExemptMonths < 12 {
		notes = append(notes, gapNotes(dates, r.Year, p.GapMonths, r.Member.ExemptMonths)...)
	}
	for _, a := range r.Activities {
		if !isYearRound(a.Title, c.yearRound) {
			continue
		}
		if a.Category == OtherCategory {
			notes = append(notes, fmt.Sprintf("Great practice: your year-round reflection %s evaluates your learning over the year; its %s count toward your total.", quote(a.Title), hoursWord(a.Hours)))
		} else {
			notes = append(notes, fmt.Sprintf("Your %s is recorded under %s; the IES recognises a year-round reflection under Other. Its hours count either way.", quote(a.Title), a.Category))
		}
	}
	return notes
}

// gapNotes notes every stretch of gapMonths or more with no activity in
// the CPD year, counting from 1 January and up to 31 December. The
// register gives how many months a member was exempt, not which, so a
// stretch is noted only when it is gapMonths longer than the exempt
// months: those may all fall inside it.
func gapNotes(dates []time.Time, year, gapMonths, exemptMonths int) []string {
	if len(dates) == 0 || year == 0 {
		return nil
	}
	slices.SortFunc(dates, func(a, b time.Time) int { return a.Compare(b) })
	start := time.Date(year, time.January, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(year+1, time.January, 1, 0, 0, 0, 0, time.UTC)
	bounds := append(append([]time.Time{start}, dates...), end)
	var notes []string
	for i := 0; i+1 < len(bounds); i++ {
		// The days with no activity are [from, to): from the day after an
		// activity (or 1 January) up to the next one (or 1 January after).
		from, to := bounds[i], bounds[i+1]
		if i > 0 {
			from = from.AddDate(0, 0, 1)
		}
		least := gapMonths + max(exemptMonths, 0)
		if from.AddDate(0, least, 0).After(to) {
			continue
		}
		months := least
		for !from.AddDate(0, months+1, 0).After(to) {
			months++
		}
		span := fmt.Sprintf("between %s and %s", longDate(bounds[i]), longDate(to))
		switch {
		case i == 0:
			span = "before your first activity on " + longDate(to)
		case i+1 == len(bounds)-1:
			span = fmt.Sprintf("after your last activity on %s until the end of %d", longDate(bounds[i]), year)
		}
		if exemptMonths > 0 {
			span += fmt.Sprintf(" (%d more than your %d exempt %s)", months-exemptMonths, exemptMonths, english.Plural(exemptMonths, "month", "months"))
		}
		notes = append(notes, fmt.Sprintf("There were %d months with no CPD activity %s: spreading CPD through the year is good practice.", months, span))
	}
	return notes
}

// isYearRound: the title is, or is one slip away from, a year-round title
// (ignoring case, hyphens and a year such as "2025").
func isYearRound(title string, titles []yearRoundTitle) bool {
	if len(titles) == 0 {
		return false
	}
	// The title's words but numbers, joined by spaces with a space
	// either side, built in the judge's pooled buffers: every activity's
	// title is read here, and a list of words for each was a fifth of the
	// audit's allocations.
	sc := judgeScratches.Get().(*judgeScratch)
	defer sc.release()
	// The same titles recur (courses, "Year-round Reflection"): the
	// answers for the titles met last are kept, for these titles.
	if sc.titlesFor != &titles[0] {
		clear(sc.titles[:])
		sc.titlesFor = &titles[0]
	}
	m := &sc.titles[fnv64a(fnvOffset64, title)&uint64(len(sc.titles)-1)]
	if m.set && m.title == title {
		return m.yes
	}
	yes := isYearRoundIn(sc, title, titles)
	*m = titleMemo{title: title, yes: yes, set: true}
	return yes
}

// titleMemo is isYearRound's answer for one title.
type titleMemo struct {
	title    string
	yes, set bool
}

// isYearRoundIn is isYearRound with sc's buffers, without the memo.
func isYearRoundIn(sc *judgeScratch, title string, titles []yearRoundTitle) bool {
	sc.toks = appendTokensWith(sc.toks[:0], title, &sc.lower)
	b := append(sc.text[:0], ' ')
	for _, t := range sc.toks {
		if t.boundary || allDigits(t.w) {
			continue
		}
		if len(b) > 1 {
			b = append(b, ' ')
		}
		b = append(b, t.w...)
	}
	sc.text = append(b, ' ')
	// The words are compared in sc's buffer: no string of them is made.
	padded := sc.text
	got := padded[1 : len(padded)-1]
	for _, t := range titles {
		// The edit distance is at least the difference in length, so most
		// titles need no distance computed.
		if string(got) == t.words || bytes.Contains(padded, t.paddedBytes) ||
			(abs(len(got)-len(t.words)) <= 2 && withinTwoEdits(got, t.words)) {
			return true
		}
	}
	return false
}

// allDigits is strings.Trim(w, "0123456789") == "" without the set of
// bytes Trim builds for every call.
func allDigits(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < '0' || w[i] > '9' {
			return false
		}
	}
	return true
}

// yearRoundTitle is a year-round title's words joined by spaces, and the
// same with a space either side, for isYearRound.
type yearRoundTitle struct {
	words       string
	paddedBytes []byte
}

// withinTwoEdits reports whether editDistance(string(a), b) <= 2. Only
// the cells within two of the diagonal are computed, each capped at 3
// (a cell further off is at least 3), and the rows stop once all exceed
// 2: a title is compared with every year-round title of about its length.
func withinTwoEdits(a []byte, b string) bool {
	const k = 2
	if abs(len(a)-len(b)) > k {
		return false
	}
	var bufs [2][64]int
	prev, cur := bufs[0][:], bufs[1][:]
	if len(b)+1 > len(prev) {
		prev, cur = make([]int, len(b)+1), make([]int, len(b)+1)
	}
	for j := 0; j <= len(b); j++ {
		prev[j] = min(j, k+1)
	}
	for i := 1; i <= len(a); i++ {
		lo, hi := max(1, i-k), min(len(b), i+k)
		// The cells just outside the band, which this row reads, are more
		// than k: the row before did not set prev[i+k].
		if i > 1 && i+k <= len(b) {
			prev[i+k] = k + 1
		}
		if lo == 1 {
			cur[0] = min(i, k+1)
		} else {
			cur[lo-1] = k + 1
		}
		best := cur[lo-1]
		for j := lo; j <= hi; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			c := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost, k+1)
			cur[j] = c
			best = min(best, c)
		}
		if best > k {
			return false
		}
		prev, cur = cur, prev
	}
	return prev[len(b)] <= k
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
