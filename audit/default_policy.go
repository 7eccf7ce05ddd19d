package audit

// DefaultPolicy returns the policy values SPEC.md sets. The embedded
// default policy file (importer/policy.toml) must decode to exactly this;
// a test holds the two together.
//
// Word lists are matched as whole words, ignoring case, punctuation and
// British/American spelling (analyse = analyze); the last word of an entry
// also matches its plural and -ed/-ing forms (client matches clients,
// improve matches improved and improving). "-ing" in an entry stands for
// any word ending in -ing ("by -ing" matches "by checking").
func DefaultPolicy() Policy {
	return Policy{
		Hours: HoursPolicy{Required: 30, RoundUpTo: 0.5, MaxPerActivity: 40, MaxPerDay: 12},
		Balance: BalancePolicy{
			SubstantiveMinHours: 3, SubstantiveMinShare: 0.10,
			RequiredCategories: 3, RequiredCategoriesHigherEducation: 2,
			MaxLargestShare: 0.70,
		},
		Level: LevelPolicy{
			EntryLevelWords: []string{"introduction", "intro to", "introductory", "basics", "basic", "beginner",
				"beginners", "foundation", "fundamentals", "awareness", "induction", "level 1", "101", "getting started"},
			ContextWords: []string{"new role", "changed role", "change of role", "changing role", "moved role",
				"new job", "new position", "new post", "role change", "refresher", "refresh my", "career break",
				"returning", "returned to work", "return to work", "parental leave", "maternity leave",
				"teach", "teaching others", "to train", "train others", "training others", "train staff",
				"train my team", "train new", "supervise", "supervising", "supervisor", "mentor", "mentoring",
				"coach", "coaching others"},
			SeniorGrades:           []string{"Full", "Fellow"},
			CharteredRegistrations: []string{"CEnv", "CSci", "CSciTeach"},
			ThinMinWords:           8,
			ThinMaxShare:           0.5,
		},
		Reflection: ReflectionPolicy{
			MetShare: 0.75, ReviewShare: 0.40, GapMonths: 3,
			Placeholders: []string{
				"n/a", "na", "n.a", "not applicable", "tbc", "tba", "tbd", "to be confirmed", "to be completed", "none",
				"nil", "nothing", "no comment", "see above", "as above", "same as above", "ditto", "see description",
				"as description", "see activity description", "see notes", "see attached", "pending", "todo", "to do",
				"xxx", "x",
			},
			SelfWords: []string{
				"i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "ourselves", "im", "ive", "id",
			},
			SelfObjectWords: []string{
				"me", "us", "myself", "ourselves",
			},
			WorkWords: []string{
				"work", "report", "practice", "advice", "assessment", "survey", "design", "project", "analysis", "data",
				"dataset", "calculation", "model", "modelling", "recommendation", "decision", "job", "role", "writing",
				"presentation", "teaching", "lesson", "audit", "monitoring", "sampling", "site visit", "inspection",
				"fieldwork", "review", "plan", "bid", "proposal", "submission", "output", "document", "drafting",
				"method", "approach", "workflow", "process", "procedure", "result", "interpretation", "mapping",
				"specification", "appraisal", "consultation", "response", "evidence", "research", "screening",
				"strategy", "bulletin", "record", "sample", "count", "thesis", "template", "baseline", "log", "map",
				"estimate", "prediction", "figure", "table", "chapter", "note", "letter", "checklist", "programme",
			},
			QualityWords: []string{
				"quality", "accuracy", "precision", "reliability", "rigour", "consistency", "efficiency",
				"effectiveness", "better", "improve", "improvement", "enhance", "strengthen", "clearer", "clarity",
				"faster", "quicker", "speed up", "errors", "mistakes", "best practice", "up to date", "defensible",
				"credible", "streamline", "sharper", "stronger", "more concise", "more focused", "focussed",
				"higher standard", "fewer", "less time", "save time", "saved time", "time saving", "more easily",
				"easier", "more complete", "completeness", "comprehensive", "representative", "valid", "validity",
				"transparent", "realistic", "meaningful", "resilient", "comparable", "readable", "productive",
				"responsive", "engaging", "tighter", "shorter", "simpler", "safer", "safely", "compliant", "comply",
				"compliance", "correct", "correctly", "properly", "reproducible", "traceable", "proportionate",
				"targeted", "fuller", "richer", "smoother", "well timed", "better paced", "first time",
				"in half the time", "i can now", "now i can", "i am now able", "now able to", "allowed me to",
				"allows me to", "enabled me to", "enables me to", "lets me",
			},
			UserWords: []string{
				"client", "customer", "student", "pupil", "learner", "trainee", "apprentice", "colleague", "coworker",
				"co-worker", "team", "staff", "employer", "organisation", "company", "business", "council", "department",
				"manager", "line manager", "director", "board", "senior management", "public", "community",
				"communities", "resident", "stakeholder", "user", "end user", "service user", "patient", "landowner",
				"homeowner", "householder", "household", "farmer", "tenant", "landlord", "developer", "contractor",
				"operator", "operative", "crew", "workforce", "regulator", "authority", "authorities",
				"planning authority", "local authority", "consultee", "decision makers", "partner", "funder",
				"supervisor", "reader", "audience", "citizen", "mentee", "juniors", "junior staff", "graduates",
				"school", "local people", "visitor", "consumer", "owner", "housing association", "people", "everyone",
				"anyone", "whoever", "those who", "people who", "holder", "builder", "volunteer", "organiser", "group",
				"firm", "charity", "trust", "club", "class",
			},
			NotUserWords: []string{
				"trainer", "speaker", "presenter", "lecturer", "tutor", "instructor", "facilitator", "host", "chair",
				"panellist", "panelist", "author", "delegate", "attendee", "participant", "examiner", "assessor",
				"course leader", "expert",
			},
			PronounWords: []string{
				"they", "them", "their", "theirs", "theyre", "theyve", "theyll", "theyd", "he", "him", "his", "she",
				"her", "hers", "hes", "shes",
			},
			CompanionWords: []string{
				"with", "from", "alongside", "among", "amongst", "by", "other", "fellow",
			},
			BenefitWords: []string{
				"benefit", "beneficial", "help", "support", "better", "improve", "improvement", "clearer", "easier",
				"faster", "quicker", "cheaper", "safer", "healthier", "save", "saving", "reduce", "reduction", "fewer",
				"less", "lower", "understand", "understanding", "confidence", "confident", "trust", "informed", "value",
				"valuable", "useful", "protect", "receive", "get", "gain", "able to", "enable", "empower", "learn",
				"reassure", "reassurance", "avoid", "access", "rely", "relevant", "tailored", "meet their",
				"meets their", "their needs", "on time", "quickly", "appreciate", "aware", "awareness", "prepared",
				"equipped", "grasp", "follow", "make sense", "explain", "well informed", "easily", "happier", "happy",
				"satisfied", "can", "can now", "now know", "get to", "see", "on track", "deadline", "no longer have to",
				"dont have to", "dont need to", "independently", "sooner", "earlier", "in time", "adopted", "accepted",
				"approved", "heard", "spared",
			},
			ReasonWords: []string{
				"because", "as", "since", "so", "so that", "that way", "this way", "in this way", "with the result that",
				"which means", "which meant", "this means", "that means", "meaning", "by -ing", "as a result",
				"result in", "resulting in", "led to", "leading to", "lead to", "allowed me", "allows me", "allow me",
				"allowed us", "allows us", "allowed them", "allows them", "enabled", "enables", "enable", "which makes",
				"which made", "which helps", "which helped", "which will", "which gives", "which gave", "which allows",
				"which saves", "which reduces", "which improves", "which improved", "which ensures", "which let",
				"which lets", "this ensures", "ensures", "ensuring", "ensure", "therefore", "thus", "hence", "due to",
				"thanks to", "in order to", "gave me", "gives me", "given me", "let me", "lets me", "letting me",
				"let them", "lets them", "means", "meant", "helped me to", "now that", "instead of", "rather than",
				"previously", "before this", "otherwise", "for example", "for instance", "consequently", "accordingly",
				"given that", "seeing that",
			},
			NotReasons: []string{
				"by attending", "by going", "by doing", "by completing", "by taking", "by participating", "by being",
				"by joining", "by undertaking", "by having", "by listening", "by watching", "by hearing", "by learning",
				"because my manager", "because my employer", "because it was mandatory", "because it is mandatory",
				"because it becomes", "because it was required", "because it is required", "because it was relevant",
				"because it is relevant", "because it was interesting", "because the trainer", "because the speaker",
				"because the presenter", "because the course", "because the session", "because the webinar",
				"because the workshop", "because the event", "because they are important", "because it is important",
				"because it was well", "such as", "as well as", "as well", "as part of", "as far as", "as soon as",
				"as long as", "as much as", "as many as", "the same as", "just as", "as good as", "as usual",
				"as follows", "so much", "so many", "so far", "so very", "so well", "so useful", "so good",
				"so interesting", "so helpful", "and so on", "or so",
			},
			ChangeWords: []string{
				"now", "no longer", "instead", "rather than", "switched", "started", "began", "begun", "changed",
				"used to", "anymore", "any more", "from now on", "since then", "these days", "always", "every",
				"routinely", "each time", "whenever", "before i", "previously", "adopted", "introduced", "added",
				"replaced", "moved to",
			},
			FutureWords: []string{
				"will", "going to", "plan to", "intend to", "from now on", "next time", "in future", "in the future",
				"from next", "shall",
			},
			ClauseWords: []string{
				"but", "however", "although", "though", "whereas", "yet", "while", "whilst", "and", "which", "then",
				"because", "so", "since", "as", "therefore", "meaning",
			},
			CareerWords: []string{
				"cv", "resume", "chartership", "chartered status", "promotion", "my career", "career progression",
				"cpd hours", "cpd points", "networking", "job application", "next job", "competency", "competencies",
				"enjoyed", "enjoyable",
			},
			LearningWords: []string{
				"understanding", "knowledge", "awareness", "appreciation", "insight", "grasp", "overview", "learn",
				"learned", "learnt", "understand", "confident", "confidence", "aware", "familiar", "interesting",
				"enjoyed",
			},
			NegationWords: []string{
				"not", "no", "never", "nothing", "none", "neither", "nor", "didnt", "dont", "doesnt", "wasnt", "isnt",
				"wont", "cant", "cannot", "couldnt", "hasnt", "havent", "hadnt", "werent", "arent", "wouldnt",
				"shouldnt", "unlikely", "hardly", "barely", "minimal", "negligible", "irrelevant", "limited value",
				"limited benefit", "limited use", "limited relevance", "little value", "little benefit", "little use",
				"little relevance", "little impact", "little difference", "of little",
			},
			NotNegations: []string{
				"not only", "not just", "no longer", "or not", "no matter", "not least", "nothing but",
				"cannot recommend it enough", "never been better", "without error", "no errors", "no mistakes",
				"not as long", "no need", "not have to", "not need to", "dont have to", "dont need to", "doesnt have to",
				"no more", "no further", "not miss", "dont get", "never get", "wont get", "didnt get", "doesnt get",
				"not get", "nothing gets", "nothing got", "hasnt had to", "havent had to", "didnt have to",
			},
			HedgeWords: []string{
				"might", "may", "maybe", "perhaps", "possibly", "hopefully", "i hope", "i would like", "id like",
				"i wish", "in theory", "potentially", "i expect", "i anticipate",
			},
			CopyMinWords:       6,
			NearSameSimilarity: 0.7,
			YearRoundTitles:    []string{"year-round reflection", "year round reflection", "annual reflection", "yearly reflection", "end of year reflection"},
		},
		Letterhead: Letterhead{
			Organisation: "Institution of Environmental Sciences",
			Address:      []string{},
			Signatory:    "The CPD Team",
		},
	}
}
