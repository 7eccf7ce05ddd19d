package audit

import (
	"math"
	"strings"
	"testing"
)

func TestAnalyseReflection(t *testing.T) {
	tests := []struct {
		name          string
		text          string
		level         ReflectionLevel
		quality       string // expected evidence ("" = element absent)
		users         string
		mentionsUsers bool
	}{
		{"empty", "", Missing, "", "", false},
		{"white space", " \t\n\u00a0", Missing, "", "", false},
		{"placeholder is text", "n/a", Descriptive, "", "", false},
		{"both elements",
			"Attended the course. My site reports are now more accurate because I check the units twice. Clients benefit because they get reliable advice.",
			Adequate, "My site reports are now more accurate because I check the units twice.", "Clients benefit because they get reliable advice.", true},
		{"one sentence carries both",
			"Clients now get clearer contaminated land reports because I put a one-page site model at the front, so they can see the pollutant linkages quickly.",
			Adequate, "Clients now get clearer contaminated land reports because I put a one-page site model at the front, so they can see the pollutant linkages quickly.",
			"Clients now get clearer contaminated land reports because I put a one-page site model at the front, so they can see the pollutant linkages quickly.", true},
		{"completing a course is not a more complete piece of work",
			"I completed the flood modelling course because the Environment Agency changed its guidance.", Descriptive, "", "", false},
		{"notes is not a negation",
			"Our customers now receive clearer waste transfer notes because I fill in both codes on every note, so they pass inspections without chasing us.",
			Partial, "", "Our customers now receive clearer waste transfer notes because I fill in both codes on every note, so they pass inspections without chasing us.", true},
		{"noted is not a negation",
			"I noted that my flood models are now more reliable because I calibrate them against gauge data.",
			Partial, "I noted that my flood models are now more reliable because I calibrate them against gauge data.", "", false},
		{"clients named, no benefit", "I discussed the course with a client and presented it to 30 residents.", Descriptive, "", "", true},
		{"benefit, no reason", "This was really useful for my work and my clients.", Descriptive, "", "", true},
		{"quality, no reason", "The course improved my flood models.", Descriptive, "", "", false},
		{"reason explains no benefit", "I feel more confident about bat surveys because the trainer was very experienced.", Descriptive, "", "", false},
		{"naming the activity is no mechanism", "By attending the webinar I improved my reports.", Descriptive, "", "", false},
		{"a concrete by is a mechanism", "By adding a limitations section to every report I have made my reports more transparent about uncertainty.",
			Partial, "By adding a limitations section to every report I have made my reports more transparent about uncertainty.", "", false},
		{"negation", "It did not change how I work. There was no real benefit to clients because they already had the data.", Descriptive, "", "", true},
		{"negation then positive",
			"The conference didn't change much in how I run surveys, but the session on thermal imaging did, so my breeding bird surveys are more complete.",
			Partial, "The conference didn't change much in how I run surveys, but the session on thermal imaging did, so my breeding bird surveys are more complete.", "", false},
		{"firm future with a reason counts",
			"I will use the checklist on every walkover because it covers indicators I used to miss, which will make my walkover records more complete.",
			Partial, "I will use the checklist on every walkover because it covers indicators I used to miss, which will make my walkover records more complete.", "", false},
		{"hedged future does not", "This might help my clients because they could get answers sooner.", Descriptive, "", "", true},
		{"bare future does not", "I will use this in my work.", Descriptive, "", "", false},
		{"team as users",
			"I walked the team through the new standing advice, so they now pick the right licence route first time instead of losing weeks.",
			Partial, "", "I walked the team through the new standing advice, so they now pick the right licence route first time instead of losing weeks.", true},
		{"students as users, pronoun in next sentence",
			"Gave a guest lecture to MSc students on site investigation. They said it helped them understand how theory is applied, because I used photos from my own projects.",
			Partial, "", "They said it helped them understand how theory is applied, because I used photos from my own projects.", true},
		{"quality without the word", "My bat surveys are now more reliable because I use two detectors at each station.",
			Partial, "My bat surveys are now more reliable because I use two detectors at each station.", "", false},
		{"users' understanding is not own quality", "Clients now understand their risk better because I translate the conclusions into a one-page summary.",
			Partial, "", "Clients now understand their risk better because I translate the conclusions into a one-page summary.", true},
		{"colleagues helping me is not users", "Colleagues helped me improve my reports because they reviewed them.",
			Partial, "Colleagues helped me improve my reports because they reviewed them.", "", true},
		{"career only", "This will look good on my CV and helps me towards chartership because it covers the competency on legislation.", Descriptive, "", "", false},
		{"bullet list",
			"• Refresher on stack monitoring\n• I now check the isokinetic ratio at every point, so my particulate results are valid\n• 6 hours including the exam",
			Partial, "I now check the isokinetic ratio at every point, so my particulate results are valid", "", false},
		{"dash bullets, both",
			"- Learnt about GIS\n- my maps are clearer because I use the new styles\n- students understand the maps better because the legends are simpler",
			Adequate, "my maps are clearer because I use the new styles", "students understand the maps better because the legends are simpler", true},
		{"typos and lower case",
			"my groundwater samples are more representitive now becuase i purge to stable parameters. the crew benifits because there are clear rules so less risk of exposure",
			Adequate, "my groundwater samples are more representitive now becuase i purge to stable parameters.", "the crew benifits because there are clear rules so less risk of exposure", true},
		{"American spelling",
			"The modeling course made my models more realistic because I calibrate against gauges. Our municipal clients benefit because their program is prioritized on actual flooding behavior.",
			Adequate, "The modeling course made my models more realistic because I calibrate against gauges.", "Our municipal clients benefit because their program is prioritized on actual flooding behavior.", true},
		{"reason opens the next sentence",
			"My reports are clearer now. This is because I put the conclusions first.",
			Partial, "My reports are clearer now. This is because I put the conclusions first.", "", false},
	}
	p := DefaultPolicy().Reflection
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := AnalyseReflection(tt.text, p)
			if f.Level != tt.level {
				t.Errorf("level %s, want %s (q=%v u=%v)", f.Level, tt.level, f.Quality, f.Users)
			}
			if f.QualityEvidence != tt.quality || f.Quality != (tt.quality != "") {
				t.Errorf("quality %v %q, want %q", f.Quality, f.QualityEvidence, tt.quality)
			}
			if f.UsersEvidence != tt.users || f.Users != (tt.users != "") {
				t.Errorf("users %v %q, want %q", f.Users, f.UsersEvidence, tt.users)
			}
			if f.MentionsUsers != tt.mentionsUsers {
				t.Errorf("mentions users %v, want %v", f.MentionsUsers, tt.mentionsUsers)
			}
			if f.Level != Adequate && f.Advice == "" {
				t.Error("no advice for a reflection that is not adequate")
			}
			// Evidence is verbatim: a piece of the text itself.
			for _, ev := range []string{f.QualityEvidence, f.UsersEvidence} {
				if !strings.Contains(tt.text, ev) {
					t.Errorf("evidence %q is not in the text", ev)
				}
			}
		})
	}
}

func TestAnalyseReflectionPolicyWords(t *testing.T) {
	p := DefaultPolicy().Reflection
	text := "My hydrographs are now more faithful because I use the new gauge data. Anglers benefit because they get warnings sooner."
	if f := AnalyseReflection(text, p); f.Quality {
		t.Fatalf("quality found before the word was added: %q", f.QualityEvidence)
	}
	p.QualityWords = append(p.QualityWords[:len(p.QualityWords):len(p.QualityWords)], "faithful")
	if f := AnalyseReflection(text, p); f.Level != Adequate {
		t.Errorf("with 'faithful' a quality word: %s", f.Level)
	}
}

func TestSentences(t *testing.T) {
	text := "First point, e.g. this one. Second!  Third?\n- bullet one\n2) numbered • inline"
	var got []string
	for _, s := range sentences(text) {
		got = append(got, text[s.start:s.end])
	}
	want := []string{"First point, e.g. this one.", "Second!", "Third?", "bullet one", "numbered", "inline"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestFuzzyMatching(t *testing.T) {
	m := newMatcher([]string{"because", "stakeholder", "learner", "thorough"})
	for w, want := range map[string]bool{
		"becuase": true, "beacuse": true, "stakholders": true, "stakeholders": true,
		"learned": false, "through": false, "bcause": false,
	} {
		if got := len(m.find(tokenize(w))) > 0; got != want {
			t.Errorf("%q matched %v, want %v", w, got, want)
		}
	}
}

func TestCohensKappa(t *testing.T) {
	tests := []struct {
		a, b []string
		want float64
	}{
		{[]string{"y", "n", "y", "n"}, []string{"y", "n", "y", "n"}, 1},
		{[]string{"y", "y", "n", "n"}, []string{"y", "n", "y", "n"}, 0},
		// Textbook example: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no -> 0.4.
		{append(rep("y", 25), rep("n", 25)...), append(append(append(rep("y", 20), rep("n", 5)...), rep("y", 10)...), rep("n", 15)...), 0.4},
		{[]string{"a", "a"}, []string{"a", "a"}, 1},
		{nil, nil, 0},
		{[]string{"a"}, []string{"a", "b"}, 0},
	}
	for i, tt := range tests {
		if got := CohensKappa(tt.a, tt.b); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("case %d: kappa %v, want %v", i, got, tt.want)
		}
	}
}

func rep(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

func TestPrecisionRecallAndConfusion(t *testing.T) {
	truth := []bool{true, true, false, false, true}
	pred := []bool{true, false, true, false, true}
	p, r := PrecisionRecall(truth, pred)
	if math.Abs(p-2.0/3) > 1e-9 || math.Abs(r-2.0/3) > 1e-9 {
		t.Errorf("precision %v recall %v", p, r)
	}
	c := NewConfusion([]string{"x", "y"}, []string{"x", "y", "z"}, []string{"x", "x", "z"})
	if strings.Join(c.Labels, ",") != "x,y,z" || c.Counts[1][0] != 1 || c.Counts[2][2] != 1 || c.Counts[0][0] != 1 {
		t.Errorf("%+v", c)
	}
}

func TestPolicyValidate(t *testing.T) {
	if err := DefaultPolicy().Validate(); err != nil {
		t.Fatalf("default policy invalid: %v", err)
	}
	tests := []struct {
		key    string
		change func(*Policy)
	}{
		{"reflection.met_share", func(p *Policy) { p.Reflection.MetShare = 1.5 }},
		{"reflection.review_share", func(p *Policy) { p.Reflection.ReviewShare = 0.8 }},
		{"hours.required", func(p *Policy) { p.Hours.Required = -1 }},
		{"hours.max_per_day", func(p *Policy) { p.Hours.MaxPerDay = 25 }},
		{"hours.round_up_to", func(p *Policy) { p.Hours.RoundUpTo = math.NaN() }},
		{"balance.substantive_min_share", func(p *Policy) { p.Balance.SubstantiveMinShare = -0.1 }},
		{"balance.required_categories_higher_education", func(p *Policy) { p.Balance.RequiredCategoriesHigherEducation = 0 }},
		{"balance.max_largest_share", func(p *Policy) { p.Balance.MaxLargestShare = 0 }},
		{"level.thin_max_share", func(p *Policy) { p.Level.ThinMaxShare = 2 }},
		{"reflection.gap_months", func(p *Policy) { p.Reflection.GapMonths = 13 }},
		{"reflection.user_words", func(p *Policy) { p.Reflection.UserWords = nil }},
		{"reflection.reason_words", func(p *Policy) { p.Reflection.ReasonWords = []string{"because", "!!"} }},
		{"reflection.near_same_similarity", func(p *Policy) { p.Reflection.NearSameSimilarity = 0 }},
	}
	for _, tt := range tests {
		p := DefaultPolicy()
		tt.change(&p)
		err := p.Validate()
		if err == nil || !strings.Contains(err.Error(), tt.key) {
			t.Errorf("%s: error %v", tt.key, err)
		}
	}
}

func TestReflectionIndex(t *testing.T) {
	text := "My site reports are now more accurate because I check the units twice."
	ix := NewReflectionIndex()
	ix.Add("A", []Activity{{Reflection: text}, {Reflection: "Useful."}})
	ix.Add("B", []Activity{{Reflection: "  my SITE reports are now more accurate, because I check the units twice!"}})
	ix.Add("C", []Activity{{Reflection: text}})
	if o, ok := ix.otherMember("A", text); !ok || o != "B" {
		t.Errorf("A: %q %v", o, ok)
	}
	if o, ok := ix.otherMember("C", text); !ok || o != "A" {
		t.Errorf("C: %q %v", o, ok)
	}
	if _, ok := ix.otherMember("A", "Useful."); ok {
		t.Error("a short text was indexed")
	}
	var nilIndex *ReflectionIndex
	if _, ok := nilIndex.otherMember("A", text); ok {
		t.Error("nil index found a copy")
	}
}
