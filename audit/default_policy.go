package audit

// DefaultPolicy returns the policy values SPEC.md sets. The embedded
// default policy file (importer/policy.toml) must decode to exactly this;
// a test holds the two together.
func DefaultPolicy() Policy {
	return Policy{
		Hours: HoursPolicy{Required: 30, RoundUpTo: 0.5, MaxPerActivity: 40, MaxPerDay: 12},
		Balance: BalancePolicy{
			SubstantiveMinHours: 3, SubstantiveMinShare: 0.10,
			RequiredCategories: 3, RequiredCategoriesHigherEducation: 2,
			MaxLargestShare: 0.70,
		},
		Level: LevelPolicy{
			EntryLevelWords:        []string{"introduction", "intro to", "basics", "beginner", "foundation", "awareness", "induction", "level 1"},
			ContextWords:           []string{"new role", "changed role", "refresher", "career break", "returning", "teach", "supervise", "mentor"},
			SeniorGrades:           []string{"Full", "Fellow"},
			CharteredRegistrations: []string{"CEnv", "CSci", "CSciTeach"},
			ThinMinWords:           8,
			ThinMaxShare:           0.5,
		},
		Reflection: ReflectionPolicy{
			MetShare: 0.75, ReviewShare: 0.40, GapMonths: 3,
			YearRoundTitles: []string{"year-round reflection", "year round reflection", "annual reflection"},
		},
	}
}
