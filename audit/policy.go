package audit

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// Policy holds every number and word list of the rules. The IES office can
// change any of them in a policy file (TOML, read by the importer) without
// touching code; DefaultPolicy gives the values SPEC.md sets.
type Policy struct {
	Hours      HoursPolicy      `toml:"hours"`
	Balance    BalancePolicy    `toml:"balance"`
	Level      LevelPolicy      `toml:"level"`
	Reflection ReflectionPolicy `toml:"reflection"`
	// Letterhead is not a rule: it is who the final letters come from.
	Letterhead Letterhead `toml:"letterhead"`
}

// Letterhead is the sender of the final letters: the organisation, its
// postal address, the office's contact email and who signs. Address and
// ContactEmail may be empty: the letter then leaves the address out and
// asks the member to contact the office.
type Letterhead struct {
	Organisation string   `toml:"organisation"`
	Address      []string `toml:"address"`
	ContactEmail string   `toml:"contact_email"`
	// Signatory signs the letter ("The CPD Team", or a person's name).
	Signatory string `toml:"signatory"`
	// SignatoryRole is printed under the signatory; may be empty.
	SignatoryRole string `toml:"signatory_role"`
}

// HoursPolicy is standard 1.
type HoursPolicy struct {
	// Required hours for a full year, before pro-rata exemptions.
	Required float64 `toml:"required"`
	// RoundUpTo: pro-rata required hours are rounded up to a multiple of it.
	RoundUpTo float64 `toml:"round_up_to"`
	// An activity above MaxPerActivity hours, or above MaxPerDay hours on
	// one day, is counted but flagged for the assessor.
	MaxPerActivity float64 `toml:"max_per_activity"`
	MaxPerDay      float64 `toml:"max_per_day"`
}

// BalancePolicy is standard 2.
type BalancePolicy struct {
	// A category is substantive when its hours are at least
	// max(SubstantiveMinHours, SubstantiveMinShare x counted hours).
	SubstantiveMinHours float64 `toml:"substantive_min_hours"`
	SubstantiveMinShare float64 `toml:"substantive_min_share"`
	RequiredCategories  int     `toml:"required_categories"`
	// RequiredCategoriesHigherEducation applies to members undertaking a
	// Masters' or other higher-education qualification.
	RequiredCategoriesHigherEducation int `toml:"required_categories_higher_education"`
	// MaxLargestShare: above it the spread is not "somewhat even" (REVIEW).
	MaxLargestShare float64 `toml:"max_largest_share"`
}

// LevelPolicy is standard 3.
type LevelPolicy struct {
	// EntryLevelWords mark an activity as entry level.
	EntryLevelWords []string `toml:"entry_level_words"`
	// ContextWords in a title or description cancel the entry-level signal
	// (a new role, a refresher, a return from a break, preparing to teach).
	ContextWords []string `toml:"context_words"`
	// SeniorGrades and CharteredRegistrations make a member senior.
	SeniorGrades           []string `toml:"senior_grades"`
	CharteredRegistrations []string `toml:"chartered_registrations"`
	// An activity is thin when title and description together have fewer
	// than ThinMinWords words (or the description is empty); more than
	// ThinMaxShare of activities thin raises a signal.
	ThinMinWords int     `toml:"thin_min_words"`
	ThinMaxShare float64 `toml:"thin_max_share"`
}

// ReflectionPolicy is standard 4.
type ReflectionPolicy struct {
	// Shares of counted hours covered by adequate reflections: at least
	// MetShare is MET, at least ReviewShare is REVIEW, below is NOT_MET.
	MetShare    float64 `toml:"met_share"`
	ReviewShare float64 `toml:"review_share"`
	// GapMonths: a gap this long with no activity is noted (good practice).
	GapMonths int `toml:"gap_months"`
	// Word lists of the reflection judge. The judge reads each sentence
	// for the structure of a claim (the member's own work and a change or
	// an evaluative consequence; someone else and what they gained; a
	// reason), through word classes: the lists below, and the open classes
	// taken from WordNet (audit/reflection_lexicon.txt: people and groups,
	// evaluative adjectives, verbs of improving and gaining), which the
	// lists extend. A learned model weighs what it finds (see
	// reflection_model.txt).
	//
	// Placeholders are reflections that say nothing ("N/A", "TBC", "see
	// above"): like an empty box, they are missing. A text with no letter
	// or digit at all ("-", ".") is a placeholder too.
	Placeholders []string `toml:"placeholders"`
	// SelfWords name the member (I, my, we, our): their work is the
	// member's own.
	SelfWords []string `toml:"self_words"`
	// SelfObjectWords name the member as the one who gained ("helped
	// me"): a benefit to the member is not the users element.
	SelfObjectWords []string `toml:"self_object_words"`
	// WorkWords name the member's own work when no "I" or "my" is there
	// (reports, surveys, advice ...).
	WorkWords []string `toml:"work_words"`
	// QualityWords name a quality of work (accurate, efficient, fewer
	// errors ...), besides WordNet's evaluative adjectives.
	QualityWords []string `toml:"quality_words"`
	// UserWords name users of the member's work, besides WordNet's
	// person, group and organisation nouns.
	UserWords []string `toml:"user_words"`
	// NotUserWords are people of the activity, not users of the member's
	// work (the trainer, the speaker, other delegates).
	NotUserWords []string `toml:"not_user_words"`
	// PronounWords stand for someone named before (they, them, their).
	PronounWords []string `toml:"pronoun_words"`
	// CompanionWords before users make them company or a source, not
	// people who benefited ("with colleagues", "from clients").
	CompanionWords []string `toml:"companion_words"`
	// BenefitWords say that someone gained something (benefit, help,
	// save, understand ...), besides WordNet's verbs of helping.
	BenefitWords []string `toml:"benefit_words"`
	// ReasonWords give the why (because, so that, as, since, that way,
	// with the result that, by -ing ...).
	ReasonWords []string `toml:"reason_words"`
	// NotReasons look like reasons but explain no benefit: naming the
	// activity ("by attending"), a reason about the course ("because the
	// trainer"), an outside cause ("because my manager") or a comparison
	// ("such as", "so much").
	NotReasons []string `toml:"not_reasons"`
	// ChangeWords mark a change of practice (now, no longer, instead of,
	// switched to).
	ChangeWords []string `toml:"change_words"`
	// FutureWords mark an intention (will, going to, from now on).
	FutureWords []string `toml:"future_words"`
	// ClauseWords end a clause as punctuation does: a negation or hedge
	// before them does not reach past them.
	ClauseWords []string `toml:"clause_words"`
	// CareerWords: a benefit to the member's own career (CV, chartership,
	// CPD hours, networking) counts for neither element.
	CareerWords []string `toml:"career_words"`
	// LearningWords: learning, understanding and confidence are not the
	// quality of work by themselves ("a better understanding").
	LearningWords []string `toml:"learning_words"`
	// NegationWords cancel an element in the same clause ("it did not
	// change how I work", "no real benefit to clients").
	NegationWords []string `toml:"negation_words"`
	// NotNegations are phrases that contain a negation word but do not
	// negate ("not only", "no longer").
	NotNegations []string `toml:"not_negations"`
	// HedgeWords mark speculation ("might", "hopefully"): an element after
	// one in the same sentence does not count. A firm intention ("I will
	// use the checklist on every survey because ...") is not a hedge: the
	// guidance asks for the value the member believes the activity had, and
	// a firm, reasoned plan states it.
	HedgeWords []string `toml:"hedge_words"`
	// Copy check: reflections of at least CopyMinWords words that are the
	// same, or near the same (word-triple overlap at least
	// NearSameSimilarity), on several activities are flagged.
	CopyMinWords       int     `toml:"copy_min_words"`
	NearSameSimilarity float64 `toml:"near_same_similarity"`
	// YearRoundTitles are titles recognised as a year-round reflection.
	YearRoundTitles []string `toml:"year_round_titles"`
}

// Validate checks every value is usable and returns one error per bad
// value, each naming the policy file key (e.g. reflection.met_share) so
// office staff can find it.
func (p Policy) Validate() error {
	var errs []error
	bad := func(key, format string, a ...any) {
		errs = append(errs, fmt.Errorf("policy key %s: %s", key, fmt.Sprintf(format, a...)))
	}
	num := func(key string, v, lo, hi float64, openLo bool) {
		switch {
		case math.IsNaN(v) || math.IsInf(v, 0):
			bad(key, "must be a number (it is %v)", v)
		case openLo && v <= lo:
			bad(key, "must be more than %s (it is %s)", FormatHours(lo), FormatHours(v))
		case v < lo || v > hi:
			bad(key, "must be from %s to %s (it is %s)", FormatHours(lo), FormatHours(hi), FormatHours(v))
		}
	}
	share := func(key string, v float64) { num(key, v, 0, 1, false) }
	integer := func(key string, v, lo, hi int) {
		if v < lo || v > hi {
			bad(key, "must be a whole number from %d to %d (it is %d)", lo, hi, v)
		}
	}
	words := func(key string, list []string) {
		if len(list) == 0 {
			bad(key, "must list at least one word")
		}
		for i, w := range list {
			if len(tokenize(w)) == 0 {
				bad(key, "entry %d (%q) has no letters", i+1, w)
			}
		}
	}
	optWords := func(key string, list []string) {
		if len(list) > 0 {
			words(key, list)
		}
	}

	h := p.Hours
	num("hours.required", h.Required, 0, 8760, true)
	num("hours.round_up_to", h.RoundUpTo, 0, 24, false)
	num("hours.max_per_activity", h.MaxPerActivity, 0, 8760, true)
	num("hours.max_per_day", h.MaxPerDay, 0, 24, true)

	b := p.Balance
	num("balance.substantive_min_hours", b.SubstantiveMinHours, 0, 8760, false)
	share("balance.substantive_min_share", b.SubstantiveMinShare)
	integer("balance.required_categories", b.RequiredCategories, 1, NumCategories)
	integer("balance.required_categories_higher_education", b.RequiredCategoriesHigherEducation, 1, NumCategories)
	num("balance.max_largest_share", b.MaxLargestShare, 0, 1, true)

	l := p.Level
	optWords("level.entry_level_words", l.EntryLevelWords)
	optWords("level.context_words", l.ContextWords)
	optWords("level.senior_grades", l.SeniorGrades)
	optWords("level.chartered_registrations", l.CharteredRegistrations)
	integer("level.thin_min_words", l.ThinMinWords, 0, 1000)
	share("level.thin_max_share", l.ThinMaxShare)

	r := p.Reflection
	share("reflection.met_share", r.MetShare)
	share("reflection.review_share", r.ReviewShare)
	if r.ReviewShare > r.MetShare {
		bad("reflection.review_share", "must not be more than reflection.met_share (%s > %s)", FormatHours(r.ReviewShare), FormatHours(r.MetShare))
	}
	integer("reflection.gap_months", r.GapMonths, 1, 12)
	optWords("reflection.placeholders", r.Placeholders)
	words("reflection.self_words", r.SelfWords)
	optWords("reflection.self_object_words", r.SelfObjectWords)
	optWords("reflection.work_words", r.WorkWords)
	optWords("reflection.quality_words", r.QualityWords)
	optWords("reflection.user_words", r.UserWords)
	optWords("reflection.not_user_words", r.NotUserWords)
	optWords("reflection.pronoun_words", r.PronounWords)
	optWords("reflection.companion_words", r.CompanionWords)
	optWords("reflection.benefit_words", r.BenefitWords)
	words("reflection.reason_words", r.ReasonWords)
	optWords("reflection.not_reasons", r.NotReasons)
	optWords("reflection.change_words", r.ChangeWords)
	optWords("reflection.future_words", r.FutureWords)
	optWords("reflection.clause_words", r.ClauseWords)
	optWords("reflection.career_words", r.CareerWords)
	optWords("reflection.learning_words", r.LearningWords)
	optWords("reflection.negation_words", r.NegationWords)
	optWords("reflection.not_negations", r.NotNegations)
	optWords("reflection.hedge_words", r.HedgeWords)
	integer("reflection.copy_min_words", r.CopyMinWords, 1, 1000)
	num("reflection.near_same_similarity", r.NearSameSimilarity, 0, 1, true)
	optWords("reflection.year_round_titles", r.YearRoundTitles)

	lh := p.Letterhead
	if strings.TrimSpace(lh.Organisation) == "" {
		bad("letterhead.organisation", "must name the organisation the letters come from")
	}
	if strings.TrimSpace(lh.Signatory) == "" {
		bad("letterhead.signatory", "must name who signs the letters (a person, or \"The CPD Team\")")
	}
	if e := strings.TrimSpace(lh.ContactEmail); e != "" && (!strings.Contains(e, "@") || strings.ContainsAny(e, " \t,;")) {
		bad("letterhead.contact_email", "%q is not an email address (leave it empty to have letters say \"contact the IES office\")", lh.ContactEmail)
	}
	return errors.Join(errs...)
}
