package audit

import (
	"encoding/csv"
	"fmt"
	"os"
	"strconv"
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

// BenchmarkEvaluateGenerated audits every member of a generated CSV export
// (CPDAUDIT_BENCH_CSV, from `go run ./fixtures/gen -format csv`): the
// reflections are as long as real ones, which benchMember's are not. The
// dates and hours the CSV writes as people type them are read as a fixed
// day and one hour; the audit's cost is in the reflections. ns/op is the
// whole export; ms/member is reported too.
func BenchmarkEvaluateGenerated(b *testing.B) {
	path := os.Getenv("CPDAUDIT_BENCH_CSV")
	if path == "" {
		b.Skip("set CPDAUDIT_BENCH_CSV to a generated activities.csv")
	}
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) < 2 {
		b.Fatalf("%s: %v", path, err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	type member struct {
		m    Member
		acts []Activity
	}
	var members []member
	for i, r := range rows[1:] {
		id := r[col["Member Number"]]
		if len(members) == 0 || members[len(members)-1].m.ID != id {
			members = append(members, member{m: Member{ID: id, Name: r[col["Name"]], Grade: GradeFull, InRegister: true}})
		}
		hours, err := strconv.ParseFloat(r[col["Number of hours"]], 64)
		if err != nil {
			hours = 1
		}
		date, err := time.Parse(time.DateOnly, r[col["Date"]])
		if err != nil {
			date = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
		}
		mb := &members[len(members)-1]
		mb.acts = append(mb.acts, Activity{MemberID: id, MemberName: mb.m.Name, Title: r[col["Title"]],
			Category: Category(r[col["Learning Category"]]), Date: date, Hours: hours,
			Description: r[col["Description"]], Reflection: r[col["Reflections"]],
			Source: Source{File: "bench.csv", Row: i + 2}})
	}
	env := Env{Year: 2025, Policy: DefaultPolicy()}
	env.Shared = NewReflectionIndexFor(env.Policy.Reflection)
	for _, mb := range members {
		env.Shared.Add(mb.m.ID, mb.acts)
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, mb := range members {
			Evaluate(mb.m, mb.acts, env)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N*len(members)), "ms/member")
}
