package audit

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// goods are adequate reflections, different enough not to be flagged as
// copies of each other.
var goods = []string{
	"My site reports are now more accurate because I check the units twice. Clients benefit because they get reliable advice.",
	"The drainage module made my designs more resilient, as I now run the climate allowance. Homeowners downstream benefit since flood risk is lower.",
	"I now plan survey days around the tides, which has made my fieldwork more efficient. The developer gets results sooner, so their project is not held up.",
	"Learning pandas allowed me to clean monitoring data reproducibly, so errors are traced. My team benefit because they can rerun the analysis themselves.",
	"My audit checklists are more thorough because I follow each aspect to its control. The company benefits as the last audit raised no major findings.",
	"Plain English training made my reports more readable, because sentences are shorter. Clients forward the summaries to their boards, which saves them time.",
	"The noise course made my baselines representative, as I now cover weekends. Residents benefit because complaints are assessed against real conditions.",
	"My lectures are clearer because I use worked examples from real sites. Students do better in the exam since they understand how theory is applied.",
}

func good(n int) string { return goods[n%len(goods)] }

var row = 1

// act builds a counted 2025 activity; each gets its own row and a
// distinct adequate reflection unless the test sets one.
func act(cat Category, month, day int, hours float64) Activity {
	row++
	return Activity{
		MemberID: "M1", Title: "Activity " + string(rune('A'+row%26)), Category: cat,
		Date: time.Date(2025, time.Month(month), day, 0, 0, 0, 0, time.UTC), Hours: hours,
		Description: "A detailed description of what this activity covered and why it suited my role.",
		Reflection:  good(row), Source: Source{File: "acts.csv", Row: row},
	}
}

func env() Env { return Env{Year: 2025, Policy: DefaultPolicy()} }

// spread returns activities totalling hours across three categories
// (40/30/30), each month so no gap note is raised.
func spread(hours float64) []Activity {
	return []Activity{
		act(FormalLearning, 1, 10, hours*0.4),
		act(WorkBasedLearning, 4, 10, hours*0.3),
		act(ProfessionalActivity, 7, 10, hours*0.3),
		act(SelfDirectedLearning, 10, 1, 0),
	}
}

func TestRequiredHours(t *testing.T) {
	tests := []struct {
		months int
		want   float64
	}{
		{0, 30}, {1, 27.5}, {3, 22.5}, {5, 17.5}, {6, 15}, {7, 12.5}, {11, 2.5}, {12, 0}, {13, 0}, {-1, 30},
	}
	for _, tt := range tests {
		if got := requiredHours(tt.months, DefaultPolicy().Hours); got != tt.want {
			t.Errorf("requiredHours(%d) = %v, want %v", tt.months, got, tt.want)
		}
	}
}

func TestStandardHours(t *testing.T) {
	tests := []struct {
		name   string
		months int
		hours  float64
		want   Verdict
		step   string
	}{
		{"30 h met", 0, 30, Met, ""},
		{"29.5 h not met", 0, 29.5, NotMet, "Add at least 0.5 more hours of CPD dated in 2025"},
		{"24 h needs 6", 0, 24, NotMet, "Add at least 6 more hours"},
		{"float noise 29.999999", 0, 29.9999999, Met, ""},
		{"6 exempt months need 15", 6, 15, Met, ""},
		{"6 exempt months 14.5", 6, 14.5, NotMet, "Add at least 0.5 more hours"},
		{"7 exempt months need 12.5", 7, 12.5, Met, ""},
		{"7 exempt months 12", 7, 12, NotMet, "Add at least 0.5 more hours"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Evaluate(Member{ID: "M1", ExemptMonths: tt.months}, spread(tt.hours), env())
			s := r.Standards[0]
			if s.Verdict != tt.want {
				t.Errorf("verdict %s, want %s (%s)", s.Verdict, tt.want, s.Reason)
			}
			if tt.step != "" && (len(s.NextSteps) == 0 || !strings.Contains(s.NextSteps[0], tt.step)) {
				t.Errorf("next steps %q, want %q", s.NextSteps, tt.step)
			}
			if tt.want == Met && len(s.NextSteps) > 0 {
				t.Errorf("met with next steps %q", s.NextSteps)
			}
		})
	}
}

func TestOutsideYearNotCounted(t *testing.T) {
	acts := spread(30)
	old := act(FormalLearning, 3, 1, 5)
	old.Date = time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)
	acts = append(acts, old)
	r := Evaluate(Member{ID: "M1"}, acts, env())
	last := r.Activities[len(r.Activities)-1]
	if last.Counted || !strings.Contains(last.NotCountedReason, "outside the 2025 CPD year") {
		t.Errorf("counted=%v reason=%q", last.Counted, last.NotCountedReason)
	}
	if r.CountedHours != 30 {
		t.Errorf("counted %v, want 30", r.CountedHours)
	}
	if len(r.Activities) != len(acts) {
		t.Fatalf("%d activities back, want %d", len(r.Activities), len(acts))
	}
	for i := range acts {
		if r.Activities[i].Source != acts[i].Source {
			t.Errorf("activity %d out of input order", i)
		}
	}
}

func TestImplausibleHoursFlaggedAndCounted(t *testing.T) {
	tests := []struct {
		name  string
		acts  []Activity
		kind  string
		flags int
	}{
		{"40 h is fine", []Activity{act(FormalLearning, 1, 1, 40)}, "one activity", 0},
		{"40.5 h flagged", []Activity{act(FormalLearning, 1, 1, 40.5)}, "one activity", 1},
		{"12 h on a day is fine", []Activity{act(FormalLearning, 1, 1, 6), act(OtherCategory, 1, 1, 6)}, "on one day", 0},
		{"12.5 h on a day flagged", []Activity{act(FormalLearning, 1, 1, 6), act(OtherCategory, 1, 1, 6.5)}, "on one day", 1},
		{"12.5 h on two days is fine", []Activity{act(FormalLearning, 1, 1, 6), act(OtherCategory, 1, 2, 6.5)}, "on one day", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Evaluate(Member{ID: "M1"}, tt.acts, env())
			got := 0
			for _, f := range r.Flags {
				if strings.Contains(f, tt.kind) {
					got++
				}
			}
			if got != tt.flags {
				t.Errorf("%d hours flags, want %d: %q", got, tt.flags, r.Flags)
			}
			total := 0.0
			for _, a := range tt.acts {
				total += a.Hours
			}
			if r.CountedHours != total {
				t.Errorf("counted %v, want %v (flagged hours still count)", r.CountedHours, total)
			}
			if tt.flags > 0 && len(r.Activities[len(r.Activities)-1].Flags) == 0 {
				t.Error("the activity itself carries no flag")
			}
		})
	}
}

func TestStandardBalance(t *testing.T) {
	tests := []struct {
		name   string
		he     bool
		hours  [NumCategories]float64
		want   Verdict
		subst  int
		step   string
		reason string
	}{
		{"three of 3 h", false, [5]float64{24, 3, 3, 0, 0}, Review, 3, "", "80%"},
		{"2.9 h is tokenistic", false, [5]float64{24.1, 3, 2.9, 0, 0}, NotMet, 2, "Add at least 0.5 hour", "tokenistic"},
		{"10% edge met", false, [5]float64{20, 10, 4, 0, 6}, Met, 4, "", ""},
		{"just under 10% of 40", false, [5]float64{16, 12, 8, 3.9, 0.1}, Met, 3, "", "Self-Directed Learning (3.9 hours)"},
		{"10% of 40 exactly", false, [5]float64{16, 12, 8, 4, 0}, Met, 4, "", ""},
		{"two categories", false, [5]float64{15, 15, 0, 0, 0}, NotMet, 2, "Add at least 3.5 hours of Professional Activity or Self-Directed Learning or Other to reach a third substantive category", ""},
		{"one category", false, [5]float64{30, 0, 0, 0, 0}, NotMet, 1, "to reach a second substantive category", ""},
		{"higher education: two suffice", true, [5]float64{15, 15, 0, 0, 0}, Met, 2, "", "higher-education"},
		{"higher education: one is short", true, [5]float64{30, 0, 0, 0, 0}, NotMet, 1, "", ""},
		{"70% edge is even", false, [5]float64{21, 6, 3, 0, 0}, Met, 3, "", "70%"},
		{"above 70% is review", false, [5]float64{21.5, 5.5, 3, 0, 0}, Review, 3, "Spread your CPD more evenly", "71%"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var acts []Activity
			for i, h := range tt.hours {
				if h > 0 {
					acts = append(acts, act(Categories[i], 1+i*2, 3, h))
				}
			}
			r := Evaluate(Member{ID: "M1", HigherEducation: tt.he}, acts, env())
			s := r.Standards[1]
			if s.Verdict != tt.want || r.SubstantiveCategories != tt.subst {
				t.Errorf("verdict %s with %d substantive, want %s with %d: %s", s.Verdict, r.SubstantiveCategories, tt.want, tt.subst, s.Reason)
			}
			if tt.step != "" && !strings.Contains(strings.Join(s.NextSteps, "|"), tt.step) {
				t.Errorf("next steps %q, want %q", s.NextSteps, tt.step)
			}
			if tt.reason != "" && !strings.Contains(s.Reason, tt.reason) {
				t.Errorf("reason %q, want %q", s.Reason, tt.reason)
			}
		})
	}
}

// TestBalanceStepsSuffice applies the suggested next step and checks the
// member then has enough substantive categories: the amounts must allow
// for the 10% line rising with the total.
func TestBalanceStepsSuffice(t *testing.T) {
	for _, hours := range [][NumCategories]float64{{50, 40, 0, 0, 0}, {80, 0, 0, 0, 0}, {27, 1, 2, 0, 0}, {60, 20, 2, 5, 0}} {
		var acts []Activity
		for i, h := range hours {
			if h > 0 {
				acts = append(acts, act(Categories[i], 1+i*2, 3, h))
			}
		}
		r := Evaluate(Member{ID: "M1"}, acts, env())
		// Apply the first option of every step.
		for i, step := range r.Standards[1].NextSteps {
			var h float64
			var cat string
			rest := step[strings.Index(step, " of ")+4:]
			for _, c := range Categories {
				if strings.HasPrefix(rest, string(c)) {
					cat = string(c)
				}
			}
			_, err := fmtSscan(step, &h)
			if err != nil || cat == "" {
				t.Fatalf("cannot read step %q", step)
			}
			acts = append(acts, act(Category(cat), 11, 1+i, h))
		}
		after := Evaluate(Member{ID: "M1"}, acts, env())
		if after.SubstantiveCategories < after.RequiredCategories {
			t.Errorf("%v: after the steps %q still %d substantive", hours, r.Standards[1].NextSteps, after.SubstantiveCategories)
		}
	}
}

func TestStandardLevel(t *testing.T) {
	intro := act(FormalLearning, 2, 2, 6)
	intro.Title = "Introduction to GIS"
	refresher := intro
	refresher.Description = "A refresher after my career break, covering the new version and its tools."
	teach := intro
	teach.Description = "Taken because I now supervise two graduates and teach them the basics of mapping."
	thin := func(acts []Activity) []Activity {
		out := append([]Activity(nil), acts...)
		for i := range out[:3] {
			out[i].Description = ""
		}
		return out
	}
	base := spread(30)
	tests := []struct {
		name     string
		m        Member
		acts     []Activity
		want     Verdict
		contains string
	}{
		{"fellow, intro", Member{Grade: GradeFellow}, append(spread(30), intro), Review, `"introduction"`},
		{"full member, intro", Member{Grade: GradeFull}, append(spread(30), intro), Review, "Full member"},
		{"CEnv associate, intro", Member{Grade: GradeAssociate, Registrations: []string{"CEnv"}}, append(spread(30), intro), Review, "CEnv"},
		{"REnvP associate not chartered", Member{Grade: GradeAssociate, Registrations: []string{"REnvP"}}, append(spread(30), intro), Met, ""},
		{"graduate, intro", Member{Grade: GradeGraduate}, append(spread(30), intro), Met, ""},
		{"fellow, refresher explains", Member{Grade: GradeFellow}, append(spread(30), refresher), Met, ""},
		{"fellow, teaching explains", Member{Grade: GradeFellow}, append(spread(30), teach), Met, ""},
		{"unknown grade", Member{}, append(spread(30), intro), Met, "no check of level against grade was possible"},
		{"thin: 3 of 4", Member{Grade: GradeGraduate}, thin(base), Review, "3 of your 4 activities"},
		{"thin: exactly half is fine", Member{Grade: GradeGraduate}, append(thin(base), act(OtherCategory, 12, 1, 1), act(OtherCategory, 12, 2, 1)), Met, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.m.ID = "M1"
			r := Evaluate(tt.m, tt.acts, env())
			s := r.Standards[2]
			if s.Verdict != tt.want {
				t.Errorf("verdict %s, want %s: %s", s.Verdict, tt.want, s.Reason)
			}
			all := s.Reason
			for _, e := range s.Evidence {
				all += " | " + e.Text + " " + e.Note
			}
			if tt.contains != "" && !strings.Contains(all, tt.contains) {
				t.Errorf("%q does not contain %q", all, tt.contains)
			}
			if s.Verdict == Review && len(s.Evidence) == 0 {
				t.Error("a REVIEW without evidence")
			}
		})
	}
}

func TestStandardReflectionShares(t *testing.T) {
	weak := "I attended the course and took notes on the main points."
	partial := "My reports are more accurate because I now check the units every time."
	tests := []struct {
		name     string
		adequate float64 // hours with adequate reflections out of 20
		other    string
		want     Verdict
	}{
		{"75% met", 15, weak, Met},
		{"74.5% review", 14.9, partial, Review},
		{"40% review", 8, partial, Review},
		{"39.5% not met", 7.9, partial, NotMet},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := act(FormalLearning, 1, 5, tt.adequate)
			b := act(WorkBasedLearning, 6, 5, 20-tt.adequate)
			b.Reflection = tt.other
			r := Evaluate(Member{ID: "M1"}, []Activity{a, b}, env())
			if s := r.Standards[3]; s.Verdict != tt.want {
				t.Errorf("verdict %s, want %s: %s", s.Verdict, tt.want, s.Reason)
			}
		})
	}
}

// TestStrengthenStepWording: the step naming the reflections to strengthen
// says in plain words what each lacks, grouped, without the standard's
// jargon ("both elements").
func TestStrengthenStepWording(t *testing.T) {
	a := act(FormalLearning, 1, 5, 6)
	a.Title, a.Reflection = "Descriptive course", "I attended the course and took notes on the main points."
	b := act(WorkBasedLearning, 3, 5, 5)
	b.Title, b.Reflection = "Quality only", "My reports are more accurate because I now check the units every time."
	c := act(ProfessionalActivity, 6, 5, 5)
	c.Title, c.Reflection = "Also descriptive", "I went to the meeting and listened to the talks."
	d := act(SelfDirectedLearning, 9, 5, 1)
	r := Evaluate(Member{ID: "M1"}, []Activity{a, b, c, d}, env())
	steps := strings.Join(r.Standards[3].NextSteps, "|")
	for _, want := range []string{
		`"Quality only" (5 hours) needs how the activity helped the people who use your work, and why`,
		`"Descriptive course" (6 hours) and "Also descriptive" (5 hours) need both what the activity did for the quality of your own work and how it helped the people who use your work, each with a reason`,
	} {
		if !strings.Contains(steps, want) {
			t.Errorf("next steps lack %q:\n%s", want, steps)
		}
	}
	if strings.Contains(steps, "element") {
		t.Errorf("next steps speak of elements: %s", steps)
	}
}

func TestStandardReflectionNoUsers(t *testing.T) {
	acts := spread(30)
	for i := range acts {
		acts[i].Reflection = "My reports are more accurate because I now check the units, case " + strings.Repeat("z", i+1) + "."
	}
	r := Evaluate(Member{ID: "M1"}, acts, env())
	s := r.Standards[3]
	if s.Verdict != NotMet || !strings.Contains(s.Reason, "None of your reflections mentions the users") {
		t.Errorf("verdict %s: %s", s.Verdict, s.Reason)
	}
}

func TestCopiedReflections(t *testing.T) {
	same := "The GIS course was good. My flood maps are now more accurate because I use the new terrain model. Residents benefit because warnings reach the right streets."
	near := "The GIS course was great. My flood maps are now more accurate because I use the new terrain model. Residents benefit because warnings reach the right streets."
	t.Run("same text on two activities", func(t *testing.T) {
		acts := spread(30)
		acts[0].Reflection, acts[1].Reflection = same, strings.ToUpper(same)
		r := Evaluate(Member{ID: "M1"}, acts, env())
		if r.Standards[3].Verdict != Review {
			t.Errorf("verdict %s, want REVIEW (capped)", r.Standards[3].Verdict)
		}
		if len(r.Activities[0].Flags) == 0 || len(r.Activities[1].Flags) == 0 || len(r.Activities[2].Flags) != 0 {
			t.Errorf("activity flags %q / %q / %q", r.Activities[0].Flags, r.Activities[1].Flags, r.Activities[2].Flags)
		}
		if !strings.Contains(strings.Join(r.Flags, "|"), "The same reflection on 2 activities") {
			t.Errorf("flags %q", r.Flags)
		}
	})
	t.Run("near the same", func(t *testing.T) {
		acts := spread(30)
		acts[0].Reflection, acts[1].Reflection = same, near
		r := Evaluate(Member{ID: "M1"}, acts, env())
		if !strings.Contains(strings.Join(r.Flags, "|"), "Nearly the same reflection") || r.Standards[3].Verdict != Review {
			t.Errorf("flags %q, verdict %s", r.Flags, r.Standards[3].Verdict)
		}
	})
	t.Run("short identical texts are no copy", func(t *testing.T) {
		acts := spread(30)
		acts[3].Reflection, acts[3].Hours = "Useful.", 0
		acts = append(acts, acts[3])
		acts[4].Source.Row = 99
		r := Evaluate(Member{ID: "M1"}, acts, env())
		if len(r.Flags) != 0 {
			t.Errorf("flags %q", r.Flags)
		}
	})
	t.Run("shared with another member", func(t *testing.T) {
		mine, theirs := spread(30), spread(30)
		mine[0].Reflection = same
		theirs[2].Reflection = same + "  "
		ix := NewReflectionIndex()
		ix.Add("M1", mine)
		ix.Add("M2", theirs)
		ix.Add("M1", mine) // a second Add of the same member changes nothing
		e := env()
		e.Shared = ix
		r := Evaluate(Member{ID: "M1"}, mine, e)
		if r.Standards[3].Verdict != Review || !strings.Contains(strings.Join(r.Flags, "|"), "member M2's record") {
			t.Errorf("verdict %s, flags %q", r.Standards[3].Verdict, r.Flags)
		}
		if strings.Contains(r.Standards[3].Reason, "M2") {
			t.Errorf("the member's feedback names the other member: %q", r.Standards[3].Reason)
		}
		// Not shared: no flag; nil index: no check.
		e.Shared = nil
		if r := Evaluate(Member{ID: "M1"}, mine, e); r.Standards[3].Verdict != Met {
			t.Errorf("without index: %s %q", r.Standards[3].Verdict, r.Flags)
		}
	})
}

func TestNotes(t *testing.T) {
	t.Run("every activity reflected, no gap", func(t *testing.T) {
		r := Evaluate(Member{ID: "M1"}, spread(30), env())
		if strings.Join(r.Notes, "|") != "Good practice: you wrote a reflection on every activity." {
			t.Errorf("notes %q", r.Notes)
		}
	})
	t.Run("gap of 3 months", func(t *testing.T) {
		acts := []Activity{act(FormalLearning, 1, 1, 10), act(WorkBasedLearning, 3, 31, 10), act(OtherCategory, 7, 1, 5), act(OtherCategory, 10, 1, 5)}
		r := Evaluate(Member{ID: "M1"}, acts, env())
		notes := strings.Join(r.Notes, "|")
		if !strings.Contains(notes, "3 months with no CPD activity between 31 March 2025 and 1 July 2025") {
			t.Errorf("notes %q", notes)
		}
		if strings.Contains(notes, "1 January 2025 and 31 March") || strings.Contains(notes, "after your last") {
			t.Errorf("a gap under 3 months noted: %q", notes)
		}
	})
	t.Run("year-round reflection", func(t *testing.T) {
		acts := spread(30)
		yr := act(OtherCategory, 12, 20, 2)
		yr.Title = "Year-round reflection 2025"
		r := Evaluate(Member{ID: "M1"}, append(acts, yr), env())
		if !strings.Contains(strings.Join(r.Notes, "|"), "Great practice: your year-round reflection") || r.CountedHours != 32 {
			t.Errorf("notes %q, hours %v", r.Notes, r.CountedHours)
		}
		yr.Title, yr.Category = "Year round relfection", FormalLearning
		r = Evaluate(Member{ID: "M1"}, append(acts, yr), env())
		if !strings.Contains(strings.Join(r.Notes, "|"), "recognises a year-round reflection under Other") {
			t.Errorf("notes %q", r.Notes)
		}
	})
}

func TestExemptMember(t *testing.T) {
	m := Member{ID: "M1", ExemptMonths: 12, ExemptionReason: "parental leave", Flags: []string{"not in the register"}}
	r := Evaluate(m, []Activity{act(FormalLearning, 1, 1, 2)}, env())
	for i, s := range r.Standards {
		if s.Verdict != Exempt || s.Standard != Standard(i+1) || !strings.Contains(s.Reason, "parental leave") {
			t.Errorf("standard %d: %s %q", i+1, s.Verdict, s.Reason)
		}
	}
	if r.Outcome != Exempt || r.RequiredHours != 0 || len(r.Activities) != 1 || r.Activities[0].Reflection.Level != Adequate {
		t.Errorf("outcome %s, required %v, activities %d", r.Outcome, r.RequiredHours, len(r.Activities))
	}
	if len(r.Flags) == 0 || r.Flags[0] != "not in the register" {
		t.Errorf("import flags not carried: %q", r.Flags)
	}
}

func TestEvaluateFillsEverything(t *testing.T) {
	r := Evaluate(Member{ID: "M1", Grade: GradeFull}, spread(30), env())
	if r.RequiredHours != 30 || r.CountedHours != 30 || r.SubstantiveThreshold != 3 || r.SubstantiveCategories != 3 || r.RequiredCategories != 3 {
		t.Errorf("%+v", r)
	}
	if r.CategoryHours != [5]float64{12, 9, 9, 0, 0} {
		t.Errorf("category hours %v", r.CategoryHours)
	}
	for i, s := range r.Standards {
		if s.Standard != Standard(i+1) || s.Verdict == "" || s.Reason == "" {
			t.Errorf("standard %d not filled: %+v", i+1, s)
		}
	}
	if r.Outcome != Met {
		t.Errorf("outcome %s: %+v", r.Outcome, r.Standards)
	}
}

func TestInferYear(t *testing.T) {
	if y, ok := InferYear(spread(30)); !ok || y != 2025 {
		t.Errorf("InferYear = %d, %v", y, ok)
	}
	mixed := append(spread(30), Activity{Date: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)})
	if _, ok := InferYear(mixed); ok {
		t.Error("two years inferred as one")
	}
	if _, ok := InferYear(nil); ok {
		t.Error("no activities inferred a year")
	}
	e := env()
	e.Year = 0
	if r := Evaluate(Member{ID: "M1"}, spread(30), e); r.Year != 2025 || r.CountedHours != 30 {
		t.Errorf("year 0: year %d, counted %v", r.Year, r.CountedHours)
	}
}

// TestEvaluateDeterministic runs the same member many times, concurrently,
// and requires identical results: nothing may depend on map order.
func TestEvaluateDeterministic(t *testing.T) {
	acts := append(spread(31), act(SelfDirectedLearning, 2, 2, 1), act(OtherCategory, 2, 2, 12))
	acts[0].Reflection = acts[1].Reflection
	acts[0].Title = "Introduction to basics"
	m := Member{ID: "M1", Grade: GradeFellow}
	want := Evaluate(m, acts, env())
	var wg sync.WaitGroup
	results := make([]MemberResult, 16)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = Evaluate(m, acts, env())
		}()
	}
	wg.Wait()
	for i, got := range results {
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("run %d differs", i)
		}
	}
}

// fmtSscan reads the hours of an "Add at least N hours of ..." step.
func fmtSscan(step string, h *float64) (int, error) {
	return fmt.Sscanf(step, "Add at least %g", h)
}

// TestUnreadInputs: a member with no activities while an input file could
// not be read is REVIEW on every standard, never a NOT_MET letter saying
// they recorded nothing; a member with activities, or an exempt one, is
// judged as usual.
func TestUnreadInputs(t *testing.T) {
	env := Env{Year: 2025, Policy: DefaultPolicy(), UnreadInputs: 2}
	r := Evaluate(Member{ID: "M1"}, nil, env)
	if r.Outcome != Review {
		t.Fatalf("outcome %s, want REVIEW", r.Outcome)
	}
	for _, s := range r.Standards {
		if s.Verdict != Review || !strings.Contains(s.Reason, "2 of the files received could not be read") || len(s.NextSteps) > 0 {
			t.Errorf("standard %d: %s %q %q", s.Standard, s.Verdict, s.Reason, s.NextSteps)
		}
	}
	env.UnreadInputs = 0
	if r := Evaluate(Member{ID: "M1"}, nil, env); r.Outcome != NotMet {
		t.Errorf("with every input read: outcome %s, want NOT_MET", r.Outcome)
	}
	env.UnreadInputs = 1
	if r := Evaluate(Member{ID: "M1", ExemptMonths: 12}, nil, env); r.Outcome != Exempt {
		t.Errorf("exempt member: outcome %s, want EXEMPT", r.Outcome)
	}
}

// Issue 15: a title with invisible or line-breaking characters is quoted
// in flags, notes and next steps as its characters, never as Go escape
// codes (\u200d, \n, \u00a0).
func TestFlagsQuoteTextAsCharacters(t *testing.T) {
	intro := act(FormalLearning, 3, 3, 2)
	intro.Title = "Introduction\u00a0to GIS\n(part\u200d1)"
	twice := act(WorkBasedLearning, 5, 5, 41) // over 40 hours: a flag naming the title
	twice.Title = "Site\tvisits"
	r := Evaluate(Member{Grade: GradeFellow}, append(spread(30), intro, twice), env())
	var texts []string
	texts = append(texts, r.Flags...)
	texts = append(texts, r.Notes...)
	for _, s := range r.Standards {
		texts = append(texts, s.Reason)
		texts = append(texts, s.NextSteps...)
	}
	for _, a := range r.Activities {
		texts = append(texts, a.Flags...)
	}
	all := strings.Join(texts, "|")
	if !strings.Contains(all, "\"Introduction to GIS (part\u200d1)\"") || !strings.Contains(all, `"Site visits"`) {
		t.Fatalf("titles not quoted as characters: %s", all)
	}
	if strings.Contains(all, `\u`) || strings.Contains(all, `\n`) || strings.Contains(all, `\t`) {
		t.Fatalf("escape codes in the text: %s", all)
	}
}

// flagImplausible finds a member's days by a search of a list, through a
// map past 32 days: its flags, activities and evidence are those of a map
// of every day (the code before), on members of 1 to 120 activities over
// few or many days, dates in any order and times of day that fall on the
// same day.
func TestImplausibleDaysAsMap(t *testing.T) {
	general := func(r *MemberResult, s *StandardResult, p HoursPolicy) {
		var days []time.Time
		perDay := map[time.Time]float64{}
		for _, a := range r.Activities {
			if !a.Counted {
				continue
			}
			d := dayOf(a.Date)
			if _, ok := perDay[d]; !ok {
				days = append(days, d)
			}
			perDay[d] += a.Hours
		}
		slices.SortStableFunc(days, func(a, b time.Time) int { return a.Compare(b) })
		for _, d := range days {
			total := perDay[d]
			if total <= p.MaxPerDay+eps {
				continue
			}
			note := fmt.Sprintf("%s recorded on %s, more than %s on one day: please check", hoursWord(total), longDate(d), hoursWord(p.MaxPerDay))
			r.Flags = append(r.Flags, note)
			for i := range r.Activities {
				a := &r.Activities[i]
				if a.Counted && dayOf(a.Date).Equal(d) {
					a.Flags = append(a.Flags, fmt.Sprintf("part of %s", note))
					s.Evidence = append(s.Evidence, Evidence{Source: a.Source, Activity: a.Title, Text: hoursWord(a.Hours), Note: "Counted, but flagged for the assessor: part of " + note + "."})
				}
			}
		}
	}
	p := DefaultPolicy().Hours
	p.MaxPerActivity = 1000 // only the days are compared
	seed := uint64(1)
	next := func(n int) int {
		seed = seed*6364136223846793005 + 1442695040888963407
		return int(seed>>33) % n
	}
	flagged := 0
	for trial := range 400 {
		n, spread := 1+next(120), 1+next(80)
		var r MemberResult
		for range n {
			a := act(FormalLearning, 1, 1, float64(1+next(16))/2)
			a.Date = time.Date(2025, 1, 1+next(spread), next(24), next(60), 0, 0, time.UTC)
			r.Activities = append(r.Activities, ActivityResult{Activity: a, Counted: next(8) != 0})
		}
		want := r
		want.Activities = slices.Clone(r.Activities)
		var s, wantS StandardResult
		flagImplausible(&r, &s, p)
		general(&want, &wantS, p)
		if !reflect.DeepEqual(r, want) || !reflect.DeepEqual(s, wantS) {
			t.Fatalf("trial %d (%d activities over %d days): flags\n%q, want\n%q", trial, n, spread, r.Flags, want.Flags)
		}
		flagged += len(r.Flags)
	}
	if flagged < 100 {
		t.Fatalf("only %d days flagged", flagged)
	}
}

// allDigits is strings.Trim(w, digits) == "" on every corpus word and
// on words of digits, letters and other runes.
func TestAllDigits(t *testing.T) {
	ws := []string{"", "0", "2025", "2025a", "a2025", "x", "٣", "１２", "20-25", "12 3"}
	for _, line := range corpusLines(t) {
		for _, tok := range tokenize(line) {
			ws = append(ws, tok.w)
		}
	}
	for _, w := range ws {
		if got, want := allDigits(w), strings.Trim(w, "0123456789") == ""; got != want {
			t.Fatalf("allDigits(%q) = %v, want %v", w, got, want)
		}
	}
}
