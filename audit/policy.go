package audit

// Policy holds every number and word list of the rules. The IES office can
// change any of them in a policy file (TOML, read by the importer) without
// touching code; DefaultPolicy gives the values SPEC.md sets.
type Policy struct {
	Hours      HoursPolicy      `toml:"hours"`
	Balance    BalancePolicy    `toml:"balance"`
	Level      LevelPolicy      `toml:"level"`
	Reflection ReflectionPolicy `toml:"reflection"`
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
	// ContextWords in a description cancel the entry-level signal (a new
	// role, a refresher, a return from a break, preparing to teach).
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
	// Word lists of the reflection analyser.
	QualityWords []string `toml:"quality_words"`
	UserWords    []string `toml:"user_words"`
	ReasonWords  []string `toml:"reason_words"`
	// YearRoundTitles are titles recognised as a year-round reflection.
	YearRoundTitles []string `toml:"year_round_titles"`
}
