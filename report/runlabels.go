package report

// policyLabels say in words what each policy value is, for the Run sheet.
// The keys are the policy file's names (section.key), which the Run sheet
// shows beside the words and run.json uses.
var policyLabels = map[string]string{
	"hours.required":         "Standard 1: hours required in a full year",
	"hours.round_up_to":      "Standard 1: part-year hours are rounded up to a multiple of",
	"hours.max_per_activity": "Standard 1: more hours than this on one activity are flagged",
	"hours.max_per_day":      "Standard 1: more hours than this on one day are flagged",

	"balance.substantive_min_hours":                "Standard 2: hours a category needs to count (at least)",
	"balance.substantive_min_share":                "Standard 2: share of counted hours a category needs to count",
	"balance.required_categories":                  "Standard 2: categories needed",
	"balance.required_categories_higher_education": "Standard 2: categories needed by members in higher education",
	"balance.max_largest_share":                    "Standard 2: the largest category's share above which an assessor reviews the spread",

	"level.entry_level_words":       "Standard 3: words that mark an activity as entry level",
	"level.context_words":           "Standard 3: words that explain an entry-level activity",
	"level.senior_grades":           "Standard 3: membership grades that count as senior",
	"level.chartered_registrations": "Standard 3: registrations that count as senior (chartered)",
	"level.thin_min_words":          "Standard 3: a title and description with fewer words than this are too thin to judge",
	"level.thin_max_share":          "Standard 3: share of thin activities above which an assessor reviews",

	"reflection.met_share":            "Standard 4: share of hours with adequate reflections for MET",
	"reflection.review_share":         "Standard 4: share for REVIEW (below it, NOT_MET)",
	"reflection.gap_months":           "Months without any activity noted as a gap",
	"reflection.placeholders":         "Reflections: placeholders that count as no reflection (N/A, TBC ...)",
	"reflection.self_words":           "Reflections: words that name the member (their work is their own)",
	"reflection.self_object_words":    "Reflections: words naming the member as the one who gained (not the users)",
	"reflection.not_user_words":       "Reflections: people of the activity, not users of the member's work",
	"reflection.pronoun_words":        "Reflections: words standing for someone named before",
	"reflection.companion_words":      "Reflections: words before users that make them company or a source, not people who benefited",
	"reflection.change_words":         "Reflections: words marking a change of practice",
	"reflection.future_words":         "Reflections: words marking an intention",
	"reflection.clause_words":         "Reflections: words that end a clause, as punctuation does",
	"reflection.quality_words":        "Reflections: words for the quality of work",
	"reflection.work_words":           "Reflections: words for the member's own work",
	"reflection.learning_words":       "Reflections: words for knowledge gained rather than better work",
	"reflection.user_words":           "Reflections: words for the users of the member's work",
	"reflection.benefit_words":        "Reflections: words saying the users gained something",
	"reflection.reason_words":         "Reflections: words giving the reason (the why)",
	"reflection.not_reasons":          "Reflections: look-alike reasons that explain no benefit",
	"reflection.career_words":         "Reflections: benefits to the member's career only (count for neither element)",
	"reflection.negation_words":       "Reflections: negations",
	"reflection.not_negations":        "Reflections: phrases with a negation word that do not negate",
	"reflection.hedge_words":          "Reflections: hedges (what follows is speculation)",
	"reflection.copy_min_words":       "Copied reflections: only reflections of at least this many words are compared",
	"reflection.near_same_similarity": "Copied reflections: share of shared three-word sequences that makes two near the same",
	"reflection.year_round_titles":    "Great practice: titles recognised as a year-round reflection",
	"letterhead.organisation":         "Letters: the organisation they come from",
	"letterhead.address":              "Letters: the organisation's postal address, line by line",
	"letterhead.contact_email":        "Letters: the email members write to with questions",
	"letterhead.signatory":            "Letters: who signs them",
	"letterhead.signatory_role":       "Letters: the signatory's role, under the name",
}

// policyLabel is the words for a policy value; a value added to the policy
// without words here shows its policy-file name (a test lists any such).
func policyLabel(key string) string {
	if l, ok := policyLabels[key]; ok {
		return l
	}
	return key
}
