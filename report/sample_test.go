package report

import (
	"fmt"
	"time"

	"github.com/ies/cpdaudit/audit"
	"github.com/ies/cpdaudit/runfolder"
)

// The audit engine is written in parallel with this package, so the tests
// build results by hand: realistic records with long reflections,
// non-ASCII names, every verdict and reflection level, an exempt member and
// input text that a spreadsheet would run as a formula.

var testCreated = time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

const longReflection = "The two-day course on catchment-scale nutrient modelling changed how I scope monitoring " +
	"programmes. Because I now calibrate the SIMCAT model against continuous sonde data rather than spot " +
	"samples, my load estimates have tighter uncertainty bounds, which means the quality of my technical " +
	"reports has improved measurably. My clients at the water company benefited because the revised " +
	"monitoring design saved them roughly a fifth of their sampling budget, so that they could fund two " +
	"additional upstream sites. I have since shared the approach with colleagues in a lunchtime session."

// richMember is a typical 15-activity record with every verdict kind:
// standard 1 MET, 2 NOT_MET, 3 REVIEW, 4 REVIEW, so the outcome is NOT_MET.
func richMember() audit.MemberResult {
	src := func(row int) audit.Source {
		return audit.Source{File: "exports/cpd-2025.xlsx", Sheet: "Records", Row: row}
	}
	type act struct {
		title string
		cat   audit.Category
		date  time.Time
		hours float64
		level audit.ReflectionLevel
	}
	acts := []act{
		{"Catchment nutrient modelling (two-day course)", audit.FormalLearning, day(2025, 1, 14), 14, audit.Adequate},
		{"Introduction to GIS", audit.FormalLearning, day(2025, 2, 3), 3.5, audit.Partial},
		{"=HYPERLINK(\"http://example.invalid\",\"Click me\")", audit.WorkBasedLearning, day(2025, 2, 20), 1.5, audit.Descriptive},
		{"Site visit: Afon Dyfi estuary sediment survey with the Welsh team", audit.WorkBasedLearning, day(2025, 3, 11), 2, audit.Adequate},
		{"Peer review of a colleague's EIA chapter on air quality", audit.WorkBasedLearning, day(2025, 4, 2), 1.25, audit.Partial},
		{"Webinar: biodiversity net gain metric 4.0", audit.SelfDirectedLearning, day(2025, 4, 29), 1, audit.Missing},
		{"Reading: IPCC AR6 synthesis report, chapters 2–4", audit.SelfDirectedLearning, day(2025, 5, 6), 0.1 + 0.2, audit.Descriptive},
		{"Mentoring a graduate through her first contaminated land report", audit.WorkBasedLearning, day(2025, 5, 21), 2.5, audit.Adequate},
		{"Committee meeting, IES Wales branch", audit.ProfessionalActivity, day(2025, 6, 10), 0.75, audit.Partial},
		{"Health and safety awareness (annual)", audit.FormalLearning, day(2025, 7, 1), 1, audit.Descriptive},
		{"Conference: Resilient Rivers 2025, Cardiff – three sessions on nature-based flood management and one workshop", audit.FormalLearning, day(2025, 9, 17), 6, audit.Adequate},
		{"Drafting guidance on sediment sampling for the team", audit.WorkBasedLearning, day(2025, 10, 8), 1.5, audit.Adequate},
		{"Podcast series on environmental law updates", audit.SelfDirectedLearning, day(2025, 11, 4), 1, audit.Partial},
		{"Year-round Reflection", audit.OtherCategory, day(2025, 12, 19), 2, audit.Adequate},
		{"Field methods refresher (December 2024)", audit.FormalLearning, day(2024, 12, 12), 3, audit.Partial},
	}
	var out []audit.ActivityResult
	var hours [audit.NumCategories]float64
	total := 0.0
	for i, a := range acts {
		ar := audit.ActivityResult{
			Activity: audit.Activity{
				MemberID: "IES-01234", MemberName: "Zoë Ashworth", Title: a.title, Category: a.cat,
				Date: a.date, Hours: a.hours, Description: "What I did and why, in a few words.",
				Reflection: longReflection, Source: src(i + 6),
			},
			Counted: a.date.Year() == 2025,
		}
		if !ar.Counted {
			ar.NotCountedReason = "dated 12 Dec 2024, outside the CPD year 2025"
		} else {
			hours[a.cat.Index()] += a.hours
			total += a.hours
		}
		f := audit.ReflectionFinding{Level: a.level}
		switch a.level {
		case audit.Adequate:
			f.Quality, f.Users, f.MentionsUsers = true, true, true
			f.QualityEvidence = "Because I now calibrate the SIMCAT model against continuous sonde data rather than spot samples, my load estimates have tighter uncertainty bounds, which means the quality of my technical reports has improved measurably."
			f.UsersEvidence = "My clients at the water company benefited because the revised monitoring design saved them roughly a fifth of their sampling budget, so that they could fund two additional upstream sites."
			f.Advice = "Both elements are there: the value to your work and the benefit to your clients, each with a reason."
		case audit.Partial:
			f.Quality = true
			f.QualityEvidence = "It improved the accuracy of my maps because I now check projections."
			f.Advice = "Say how this benefited the people who use your work (clients, colleagues, the public) and why."
		case audit.Descriptive:
			f.Advice = "This says what you did. Add what value it had for the quality of your work and why, and how it benefited the users of your work and why."
		case audit.Missing:
			f.Advice = "No reflection was recorded. Add what value it had for your work and for the users of your work, and why."
		}
		ar.Reflection = f
		if i == 1 {
			ar.Flags = []string{"Entry-level title for a Full member holding CEnv, with no context given"}
		}
		out = append(out, ar)
	}
	return audit.MemberResult{
		Member: audit.Member{
			ID: "IES-01234", Name: "Zoë Ashworth", Email: "zoe@example.org", Grade: audit.GradeFull,
			Registrations: []string{"CEnv", "CSci"}, Role: "Principal hydrologist", InRegister: true,
		},
		Year: 2025, RequiredHours: 30, CountedHours: total, CategoryHours: hours,
		SubstantiveThreshold: 3.7, SubstantiveCategories: 2, RequiredCategories: 3,
		Standards: [4]audit.StandardResult{
			{Standard: 1, Verdict: audit.Met, Reason: fmt.Sprintf("You recorded %s counted hours; 30 are required.", formatHours(total))},
			{Standard: 2, Verdict: audit.NotMet,
				Reason:    "Two categories are substantive (Formal Learning, Work-Based Learning); three are required. Self-Directed Learning has 2.3 hours, Professional Activity 0.75 and Other 2, each below the 3.7-hour threshold.",
				NextSteps: []string{"Add 3 hours of Professional Activity (committee work, giving a talk, writing guidance).", "Or add 1.4 hours of Self-Directed Learning to make it substantive."}},
			{Standard: 3, Verdict: audit.Review,
				Reason:    "\"Introduction to GIS\" reads as entry level for a Full member with a chartered registration, and the description does not say why.",
				NextSteps: []string{"Say in the description why the activity suited you: a new role, a refresher or preparing to teach."}},
			{Standard: 4, Verdict: audit.Review,
				Reason:    "Adequate reflections cover 27.5 of 38.3 counted hours (72%); 75% is needed for MET.",
				NextSteps: []string{"Add the benefit to the users of your work to the partial reflections, with a reason."}},
		},
		Outcome: audit.NotMet,
		Flags:   []string{"Reflection pasted onto 3 activities (rows 6, 9, 16)", "-1.5 hours claimed on 2 Feb 2025"},
		Notes: []string{
			"Great practice: you recorded a Year-round Reflection in the Other category.",
			"Good practice would be a reflection on every activity: 1 activity has none.",
			"No activity between 10 June and 17 September: a gap of three months or more.",
		},
		Activities: out,
	}
}

func simpleMember(id, name string, grade audit.Grade, v [4]audit.Verdict) audit.MemberResult {
	r := audit.MemberResult{
		Member: audit.Member{ID: id, Name: name, Grade: grade, InRegister: true},
		Year:   2025, RequiredHours: 30, CountedHours: 31.5, SubstantiveThreshold: 3.15,
		CategoryHours:         [audit.NumCategories]float64{12, 10, 4.5, 3, 2},
		SubstantiveCategories: 4, RequiredCategories: 3,
	}
	for i := range r.Standards {
		r.Standards[i] = audit.StandardResult{Standard: audit.Standard(i + 1), Verdict: v[i], Reason: "Plain reason for standard " + fmt.Sprint(i+1) + "."}
	}
	r.Outcome = audit.Outcome(r.Standards)
	r.Activities = []audit.ActivityResult{{
		Activity: audit.Activity{MemberID: id, MemberName: name, Title: "+44 20 7946 0000 call with the regulator",
			Category: audit.ProfessionalActivity, Date: day(2025, 3, 3), Hours: 31.5, Reflection: "@here reflection",
			Source: audit.Source{File: "b.csv", Row: 2, Line: 2}},
		Counted:    true,
		Reflection: audit.ReflectionFinding{Level: audit.Partial, Quality: true, QualityEvidence: "@here reflection", Advice: "Add the users."},
	}}
	return r
}

func exemptMember() audit.MemberResult {
	r := audit.MemberResult{
		Member: audit.Member{ID: "70007", Name: "Đặng Thị Hương", Grade: audit.GradeAssociate,
			ExemptionReason: "parental leave", ExemptMonths: 12, InRegister: true},
		Year: 2025, SubstantiveThreshold: 3,
	}
	for i := range r.Standards {
		r.Standards[i] = audit.StandardResult{Standard: audit.Standard(i + 1), Verdict: audit.Exempt, Reason: "Exempt for all 12 months (parental leave)."}
	}
	r.Outcome = audit.Exempt
	return r
}

func sampleInput() Input {
	results := []audit.MemberResult{
		richMember(),
		simpleMember("IES-02000", "Łukasz Wiśniewski", audit.GradeGraduate, [4]audit.Verdict{audit.Met, audit.Met, audit.Met, audit.Met}),
		simpleMember("IES-03000", "Siân Ŵyn Pritchard", audit.GradeFellow, [4]audit.Verdict{audit.Met, audit.Met, audit.Review, audit.Met}),
		simpleMember("IES-04000", "=cmd|' /C calc'!A0", audit.GradeUnknown, [4]audit.Verdict{audit.NotMet, audit.Met, audit.Met, audit.NotMet}),
		exemptMember(),
	}
	return Input{
		Version: "1.2.3-test",
		Year:    2025,
		Policy:  audit.DefaultPolicy(),
		Results: results,
		Issues: []runfolder.Issue{
			{File: "exports/cpd-2025.xlsx", Sheet: "Records", Row: 14, Column: "D (Hours)", Value: "-1.5",
				Problem: "The hours are negative", Action: "Type the hours spent, for example 1.5", MemberID: "IES-02000"},
			{File: "b.csv", Row: 7, Column: "C (Learning Category)", Value: "=SUM(A1:A9)",
				Problem: "Unknown learning category.", Action: "Use one of the five IES categories"},
			{File: "broken.xlsx", Problem: "The file is encrypted", Action: "Save it without a password and run again"},
		},
		Notices: []runfolder.Notice{
			{File: "exports/cpd-2025.xlsx", Sheet: "Records", Column: "H (Internal ref)", Message: "not used"},
			{File: "register.xlsx", Message: "no exempt-months column: nobody's exemption is taken into account"},
		},
		Warnings:   []string{"412 of 415 activities are dated 2024; is --year 2025 right?"},
		Accounting: runfolder.Accounting{Read: 25, Accepted: 19, Rejected: 3, Blank: 3},
		Files: []runfolder.FileInfo{
			{FileHash: runfolder.FileHash{Path: "exports/cpd-2025.xlsx", SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}, Size: 48213},
			{FileHash: runfolder.FileHash{Path: "b.csv", SHA256: "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"}, Size: 1022},
		},
		Register: &runfolder.FileInfo{FileHash: runfolder.FileHash{Path: "register.xlsx", SHA256: "fd61a03af4f77d870fc21e05e7e80678095c92d808cfb3b5c279ee04c74aca13"}, Size: 9001},
		Created:  testCreated,
	}
}
