package audit

import (
	"fmt"
	"testing"
	"time"
)

// benchMember is a typical record: 16 activities over four categories,
// with adequate, partial and descriptive reflections.
func benchMember() (Member, []Activity) {
	m := Member{ID: "200001", Name: "Zoë Hartley", Grade: GradeFull, Registrations: []string{"CEnv"}, InRegister: true}
	reflections := []string{
		"The course improved the quality of my groundwater risk assessments because I now screen for PFAS at the scoping stage. My clients benefit because they get earlier warning of remediation costs, which means fewer surprises at planning.",
		"Attended a two-day course on habitat surveys covering methods and legislation.",
		"Reviewing the footprints improved my speed with spend-based emission factors, as a result of handling many small datasets in a short time.",
		"Colleagues at the depot benefit because the updated drain plans and spill kits mean they can respond quickly, which protects them and the river next to the site.",
	}
	cats := []Category{FormalLearning, WorkBasedLearning, ProfessionalActivity, SelfDirectedLearning}
	var acts []Activity
	for i := range 16 {
		acts = append(acts, Activity{
			MemberID: m.ID, MemberName: m.Name,
			Title:       fmt.Sprintf("Activity %d on contaminated land practice", i+1),
			Category:    cats[i%len(cats)],
			Date:        time.Date(2025, time.Month(1+i%12), 1+i, 0, 0, 0, 0, time.UTC),
			Hours:       2.5,
			Description: "A day of training on site investigation design, sampling strategy and reporting for regulators.",
			Reflection:  reflections[i%len(reflections)] + fmt.Sprintf(" (session %d)", i),
			Source:      Source{File: "bench.csv", Row: i + 2},
		})
	}
	return m, acts
}

// BenchmarkEvaluate is the audit stage for one member (make bench).
func BenchmarkEvaluate(b *testing.B) {
	m, acts := benchMember()
	env := Env{Year: 2025, Policy: DefaultPolicy()}
	env.Shared = NewReflectionIndexFor(env.Policy.Reflection)
	env.Shared.Add(m.ID, acts)
	b.ReportAllocs()
	for b.Loop() {
		Evaluate(m, acts, env)
	}
}
