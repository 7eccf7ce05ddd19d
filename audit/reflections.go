package audit

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ies/cpdaudit/internal/english"
)

// reflectionStandard is standard 4: the share of counted hours whose
// reflections are adequate, whether any reflection thinks of the users of
// the member's work at all, and whether reflections were pasted.
func reflectionStandard(r *MemberResult, p ReflectionPolicy, shared *ReflectionIndex) StandardResult {
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

	if copied := flagCopies(r, &s, p, shared); copied != "" {
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

// copyItem is one reflection long enough to compare.
type copyItem struct {
	act    int
	hash   uint64
	shingl []uint64 // sorted hashes of its three-word sequences
}

// flagCopies flags reflections pasted onto several activities of the
// member (the same or near the same) and reflections shared word for word
// with another member. It returns the sentence for the member's feedback,
// or "" when there are none.
func flagCopies(r *MemberResult, s *StandardResult, p ReflectionPolicy, shared *ReflectionIndex) string {
	var items []copyItem
	// Each reflection is split into words once, for both checks.
	words := make([][]string, len(r.Activities))
	for i, a := range r.Activities {
		words[i] = copyWords(a.Activity.Reflection)
		h, ok := hashCopyWords(words[i], p.CopyMinWords)
		if !ok {
			continue
		}
		items = append(items, copyItem{act: i, hash: h, shingl: shingles(words[i])})
	}
	// Group by union-find: same text, or near the same. Comparing every
	// pair is quadratic, so very long records get the exact check only.
	parent := make([]int, len(items))
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	near := len(items) <= 400
	for i := range items {
		for j := i + 1; j < len(items); j++ {
			if items[i].hash == items[j].hash || (near && jaccard(items[i].shingl, items[j].shingl) >= p.NearSameSimilarity-eps) {
				if a, b := find(i), find(j); a != b {
					parent[max(a, b)] = min(a, b)
				}
			}
		}
	}
	var msgs []string
	for root := range items {
		if find(root) != root {
			continue
		}
		var group []int
		exact := true
		for k := range items {
			if find(k) == root {
				group = append(group, items[k].act)
				exact = exact && items[k].hash == items[root].hash
			}
		}
		if len(group) < 2 {
			continue
		}
		kind := "The same reflection"
		if !exact {
			kind = "Nearly the same reflection"
		}
		var names []string
		for _, i := range group {
			names = append(names, where(r.Activities[i].Activity))
		}
		r.Flags = append(r.Flags, fmt.Sprintf("%s on %d activities: %s", kind, len(group), strings.Join(names, ", ")))
		for k, i := range group {
			a := &r.Activities[i]
			// The names of the group but this one (names[k]).
			others := make([]string, 0, len(names)-1)
			others = append(append(others, names[:k]...), names[k+1:]...)
			a.Flags = append(a.Flags, strings.ToLower(kind[:1])+kind[1:]+" as "+strings.Join(others, ", "))
			s.Evidence = append(s.Evidence, Evidence{Source: a.Source, Activity: a.Title, Text: a.Activity.Reflection,
				Note: kind + " as " + strings.Join(others, ", ") + ": an assessor will check it."})
		}
		msgs = append(msgs, fmt.Sprintf("%s appears on %d activities (%s)", strings.ToLower(kind[:1])+kind[1:], len(group), strings.Join(names, ", ")))
	}
	for i := range r.Activities {
		a := &r.Activities[i]
		other, ok := shared.otherMemberWords(r.Member.ID, words[i])
		if !ok {
			continue
		}
		// The other member's number goes to the assessor only, never into
		// text written to this member.
		r.Flags = append(r.Flags, fmt.Sprintf("Reflection on %s is word for word the same as one in member %s's record", where(a.Activity), other))
		a.Flags = append(a.Flags, "reflection word for word the same as one in member "+other+"'s record")
		s.Evidence = append(s.Evidence, Evidence{Source: a.Source, Activity: a.Title, Text: a.Activity.Reflection,
			Note: "Word for word the same as a reflection in another member's record: an assessor will check it."})
		msgs = append(msgs, fmt.Sprintf("the reflection on %s is word for word the same as one in another member's record", quote(a.Title)))
	}
	if len(msgs) == 0 {
		return ""
	}
	return capitalise(strings.Join(msgs, "; ")) + ". An assessor will check this, so this standard can be at most REVIEW."
}

// shingles hashes every run of three words, sorted, for near-copy checks.
func shingles(ws []string) []uint64 {
	out := make([]uint64, 0, max(len(ws)-2, 0))
	for i := 0; i+3 <= len(ws); i++ {
		// The FNV-1a hash of ws[i] + " " + ws[i+1] + " " + ws[i+2].
		h := fnv64a(fnvOffset64, ws[i])
		h = fnv64a(fnv64a(h, " "), ws[i+1])
		h = fnv64a(fnv64a(h, " "), ws[i+2])
		out = append(out, h)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// jaccard is |a ∩ b| / |a ∪ b| of two sorted sets.
func jaccard(a, b []uint64) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 1
	}
	i, j, both := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			both++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return float64(both) / float64(len(a)+len(b)-both)
}

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
	var ws []string
	for _, w := range words(title) {
		if strings.Trim(w, "0123456789") != "" {
			ws = append(ws, w)
		}
	}
	got := strings.Join(ws, " ")
	padded := " " + got + " "
	for _, t := range titles {
		// The edit distance is at least the difference in length, so most
		// titles need no distance computed.
		if got == t.words || strings.Contains(padded, t.padded) ||
			(abs(len(got)-len(t.words)) <= 2 && editDistance(got, t.words) <= 2) {
			return true
		}
	}
	return false
}

// yearRoundTitle is a year-round title's words joined by spaces, and the
// same with a space either side, for isYearRound.
type yearRoundTitle struct{ words, padded string }

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// editDistance is the Levenshtein distance, for short titles only.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
