package audit

// ReflectionLevel is the finding on one activity's reflection.
type ReflectionLevel string

// Reflection levels, as written in activities.csv.
const (
	// Adequate: both the quality and the users element, each with a reason.
	Adequate ReflectionLevel = "adequate"
	// Partial: one of the two elements with a reason.
	Partial ReflectionLevel = "partial"
	// Descriptive: text that only says what was done.
	Descriptive ReflectionLevel = "descriptive"
	// Missing: no reflection, or only a placeholder (N/A, TBC, see above).
	Missing ReflectionLevel = "missing"
	// Unclear: the judge is unsure of an element; an assessor reads it.
	Unclear ReflectionLevel = "unclear"
)

// ReflectionFinding is what the analyser found in one reflection.
type ReflectionFinding struct {
	Level ReflectionLevel
	// Likely is the level the judge leans to: Level, or for an Unclear
	// reflection its best guess (for measuring the judge, never a verdict).
	Likely ReflectionLevel
	// Quality: the value to the quality of the member's own work, with why.
	Quality bool
	// Users: the benefit to the users of the member's work, with why.
	Users bool
	// QualityUnsure and UsersUnsure: the judge could not decide the
	// element (then Level is Unclear and the evidence is the sentence in
	// question).
	QualityUnsure, UsersUnsure bool
	// QualityProb and UsersProb are the judge's probabilities that the
	// element is there (the highest of any sentence).
	QualityProb, UsersProb float64
	// QualityEvidence and UsersEvidence are the sentences that carried each
	// element, verbatim, or the sentence in question when the judge is
	// unsure; empty when the element was not found.
	QualityEvidence string
	UsersEvidence   string
	// MentionsUsers is true when the text names users of the member's work
	// at all, even without a benefit or reason. Standard 4 is NOT_MET when
	// no reflection of the member does.
	MentionsUsers bool
	// Advice says in plain words what is missing, for the feedback.
	Advice string
}

// ActivityResult is one activity with what the audit found about it.
type ActivityResult struct {
	Activity
	// Counted is false when the activity is dated outside the CPD year.
	Counted bool
	// NotCountedReason explains Counted == false in plain words.
	NotCountedReason string
	Reflection       ReflectionFinding
	// Flags are assessor notes on this activity (implausible hours, a
	// reflection pasted onto other activities, an entry-level title ...).
	Flags []string
}

// MemberResult is the whole audit of one member for one CPD year.
type MemberResult struct {
	Member        Member
	Year          int
	RequiredHours float64
	CountedHours  float64
	// CategoryHours holds counted hours per category, in Categories order.
	CategoryHours [NumCategories]float64
	// SubstantiveThreshold is max(3 hours, 10% of counted hours) for this
	// member: the line drawn on the feedback chart.
	SubstantiveThreshold  float64
	SubstantiveCategories int
	RequiredCategories    int
	// Standards holds the four findings; Standards[i] is standard i+1.
	Standards [4]StandardResult
	Outcome   Verdict
	// Flags are short notes for the assessor, shown in the summary.
	Flags []string
	// Notes are good and great practice observations for the member; they
	// never change a verdict.
	Notes      []string
	Activities []ActivityResult
}
