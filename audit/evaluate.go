package audit

// Evaluate audits one member's activities for one CPD year against the four
// standards. It is pure and deterministic: the same arguments always give
// the same result, so results can be computed in any order, concurrently.
func Evaluate(m Member, acts []Activity, p Policy, year int) MemberResult {
	r := MemberResult{Member: m, Year: year}
	// Walking-skeleton placeholder; the audit engine replaces it.
	for i := range r.Standards {
		r.Standards[i] = StandardResult{Standard: Standard(i + 1), Verdict: Review, Reason: "not yet assessed"}
	}
	for _, a := range acts {
		r.Activities = append(r.Activities, ActivityResult{Activity: a, Counted: a.Date.Year() == year})
	}
	r.Outcome = Outcome(r.Standards)
	return r
}
