package importer

import (
	"fmt"
	"strings"
	"testing"
)

// Headers as offices write them (issue 13): an explanation, unit, example
// or format in brackets or after a colon or question mark, small words
// and word order, abbreviations; each still names its field.
func TestMatchHeaderAsPeopleWriteThem(t *testing.T) {
	for in, want := range map[string]field{
		"Hours (decimal)":                         fHours,
		"Hours (decimal, e.g. 1.5)":               fHours,
		"Number of hours: decimal":                fHours,
		"Date (dd/mm/yyyy)":                       fDate,
		"Date - dd/mm/yyyy":                       fDate,
		"Exempt months (0-12)":                    fExemptMonths,
		"Member no.":                              fID,
		"Membership no.":                          fID,
		"Your IES membership number":              fID,
		"Grade of membership":                     fGrade,
		"E-mail address":                          fEmail,
		"HE study? (Y/N)":                         fHigherEducation,
		"Studying for Masters or other HE? (Y/N)": fHigherEducation,
		"Currently studying higher education?":    fHigherEducation,
		"Reflections on the activity":             fReflection,
		"Title of activity":                       fTitle,
		"Category of learning (choose from list)": fCategory,
		"Learning categories":                     fCategory,
		"Prefix":                                  fSalutation,
		"Honorific":                               fSalutation,
	} {
		if got, ok := matchHeader(in); !ok || got != want {
			t.Errorf("matchHeader(%q) = %s, %v; want %s", in, fieldSpecs[got].label, ok, fieldSpecs[want].label)
		}
	}
	for _, in := range []string{"Internal ref", "Date of birth", "Notes", "Hours spent on the activity", "Reflection and date"} {
		if got, ok := matchHeader(in); ok {
			t.Errorf("matchHeader(%q) = %s; want no strict match", in, fieldSpecs[got].label)
		}
	}
}

// Rule 4, the loose match: a header that contains an alias, used only for
// a free field and listed as a notice; a header containing aliases of two
// fields is ambiguous, never a guess.
func TestMatchRowLooseAndAmbiguous(t *testing.T) {
	row := func(headers ...string) header {
		cells := make([]cell, len(headers))
		for i, h := range headers {
			cells[i] = cell{Text: h, Raw: h}
		}
		return matchRow(activitySchema, cells, 1)
	}
	h := row("Member Number", "Course title", "Category", "Date attended", "Hours spent on the activity", "CPD activity hours")
	for f, want := range map[field]int{fTitle: 1, fDate: 3, fHours: 4} {
		if h.col[f] != want || !h.loose[f] {
			t.Errorf("%s: column %d (loose %v), want loose column %d", fieldSpecs[f].label, h.col[f], h.loose[f], want)
		}
	}
	// "CPD activity hours" is the hours ("activity" and "CPD" only say
	// what it is about), already given by column E: not used.
	notes := h.notices(place{file: "x.csv"}, activitySchema)
	var got []string
	for _, n := range notes {
		got = append(got, n.Column+": "+n.Message)
	}
	equalLines(t, got, []string{
		"B (Course title): read as the Title column: the header is not one cpdaudit knows, but it names the title",
		"D (Date attended): read as the Date column: the header is not one cpdaudit knows, but it names the date",
		"E (Hours spent on the activity): read as the Number of hours column: the header is not one cpdaudit knows, but it names the hours",
		"F (CPD activity hours): this column is not used",
	})

	// A strict match wins over a loose one, wherever it is.
	h = row("Date entered", "Member Number", "Title", "Category", "Date", "Hours")
	if h.col[fDate] != 4 || h.loose[fDate] {
		t.Errorf("Date: column %d, want the strict column 4", h.col[fDate])
	}

	// Ambiguous: an issue naming both fields when one of them is free.
	h = row("Member Number", "Title", "Category", "Hours", "Reflection and date")
	iss := h.ambiguityIssues(place{file: "x.csv"})
	if len(iss) != 1 || iss[0].Column != "E (Reflection and date)" || !strings.Contains(iss[0].Problem, "could name the Date or the Reflections column") {
		t.Fatalf("issues %v", iss)
	}
	if h.col[fDate] >= 0 || h.col[fReflection] >= 0 {
		t.Errorf("an ambiguous column was read: date %d, reflection %d", h.col[fDate], h.col[fReflection])
	}
	// Both fields given elsewhere: only a notice.
	h = row("Member Number", "Title", "Category", "Date", "Hours", "Reflection", "Reflection and date")
	if iss := h.ambiguityIssues(place{file: "x.csv"}); len(iss) != 0 {
		t.Errorf("issues %v", iss)
	}
}

// No two fields share an alias once small words, synonyms and plurals are
// made plain: rule 3 can never be a guess between two fields.
func TestAliasWordsDistinct(t *testing.T) {
	seen := map[string]field{}
	for f := range numFields {
		for _, w := range aliasWords[f] {
			k := strings.Join(w, " ")
			if g, dup := seen[k]; dup && g != f {
				t.Errorf("alias words %q name both %s and %s", k, fieldSpecs[g].label, fieldSpecs[f].label)
			}
			seen[k] = f
		}
	}
}

// The export of issue 13: every header carries an explanation; the column
// nothing reads is listed once; the row with hours "eight" is rejected and
// names its member.
func TestHeadersExport(t *testing.T) {
	res := ImportActivities(fixture("headers", "cpd-export-2025.csv"), DefaultOptions())
	checkAccounting(t, res)
	if res.Accounting != (Accounting{Read: 11, Accepted: 10, Rejected: 1}) {
		t.Fatalf("accounting %v", res.Accounting)
	}
	got := summary(res)
	if got[0] != "71001|Ada Lovelace|Contaminated land course|Formal Learning|2025-03-14|6|:2:2" ||
		got[9] != "71003|Katherine Johnson|Ecology field day|Work-Based Learning|2025-09-09|5.5|:12:12" {
		t.Fatalf("activities:\n%s", strings.Join(got, "\n"))
	}
	if len(res.Issues) != 1 {
		t.Fatalf("issues %v", res.Issues)
	}
	is := res.Issues[0]
	if is.Row != 11 || is.MemberID != "71002" || is.Column != "F (Hours (decimal, e.g. 1.5))" || is.Value != "eight" || is.cell != "hours 'eight'" {
		t.Errorf("issue %+v", is)
	}
	// The second notice states the date order (issue 15): 02/05/2025
	// could be read either way.
	if len(res.Notices) != 2 || res.Notices[0].Column != "H (Internal ref)" || res.Notices[0].Message != "this column is not used" ||
		!strings.HasPrefix(res.Notices[1].Message, "dates are read day first, as in the UK: 02/05/2025 (row 3) is read as 2 May 2025") {
		t.Errorf("notices %v", res.Notices)
	}
}

// The register with headers as an office writes them, saved by openpyxl
// and by LibreOffice: grade, exemption and higher education are all read,
// so nobody is audited against the wrong number of hours or categories.
func TestHeadersRegister(t *testing.T) {
	want := []string{
		"71001|Ada Lovelace|ada@example.org|Full|0|false",
		"71002|Grace Hopper|grace@example.org|Graduate|0|true",
		"71003|Katherine Johnson|kj@example.org|Fellow|6|false",
		"71004|Alan Turing|alan@example.org|Associate|0|false",
	}
	for file, unused := range map[string]string{
		"register-openpyxl.xlsx":    "H (Date joined)",
		"register-libreoffice.xlsx": "G (Internal ref)",
	} {
		t.Run(file, func(t *testing.T) {
			reg := ReadRegister(fixture("headers", file), DefaultOptions())
			if len(reg.Issues) > 0 {
				t.Fatalf("issues %v", reg.Issues)
			}
			var got []string
			for _, m := range reg.Members {
				got = append(got, fmt.Sprintf("%s|%s|%s|%s|%d|%v", m.ID, m.Name, m.Email, m.Grade, m.ExemptMonths, m.HigherEducation))
			}
			equalLines(t, got, want)
			// The salutation column is known, so only the unused column is
			// listed, once.
			if len(reg.Notices) != 1 || reg.Notices[0].Column != unused || reg.Notices[0].Message != "this column is not used" {
				t.Errorf("notices %v", reg.Notices)
			}
		})
	}
}

// A register without grade, exemption and higher-education columns says
// once, each, what that means.
func TestRegisterMissingColumns(t *testing.T) {
	reg := ReadRegister(fixture("headers", "register-minimal.csv"), DefaultOptions())
	if len(reg.Issues) > 0 || len(reg.Members) != 2 {
		t.Fatalf("issues %v, members %v", reg.Issues, reg.Members)
	}
	var got []string
	for _, n := range reg.Notices {
		got = append(got, n.Message[:strings.Index(n.Message, ":")])
	}
	equalLines(t, got, []string{"no membership grade column", "no exempt-months column", "no higher-education column"})
	if !strings.Contains(reg.Notices[1].Message, "nobody's exemption is taken into account") {
		t.Errorf("notice %q", reg.Notices[1].Message)
	}
}

// An ambiguous header is an issue that names both candidates; the rest of
// the table is read.
func TestAmbiguousHeader(t *testing.T) {
	res := ImportActivities(fixture("headers", "ambiguous-header.csv"), DefaultOptions())
	if len(res.Activities) != 1 || res.Activities[0].Reflection != "" {
		t.Fatalf("activities %+v", res.Activities)
	}
	if len(res.Issues) != 1 || !strings.Contains(res.Issues[0].Error(), `row 1, column F (Reflection and date): the header could name the Date or the Reflections column, so the column was not read`) {
		t.Fatalf("issues %v", res.Issues)
	}
}

// Issue 15, point 7: a "Title" column of salutations beside an "Activity
// title" column is the member's title, never the activity's.
func TestSalutationColumn(t *testing.T) {
	res := ImportActivities(fixture("headers", "salutation.csv"), DefaultOptions())
	if len(res.Issues) > 0 {
		t.Fatalf("issues %v", res.Issues)
	}
	equalLines(t, summary(res), []string{
		"71001|Ada Lovelace|Contaminated land course|Formal Learning|2025-03-14|6|:2:2",
		"71003|Katherine Johnson|Ecology field day|Work-Based Learning|2025-09-09|5.5|:3:3",
	})
	if len(res.Notices) != 1 || res.Notices[0].Column != "B (Title)" || !strings.Contains(res.Notices[0].Message, "the member's title (Dr, Mrs ...), not the activity's") {
		t.Errorf("notices %v", res.Notices)
	}
	// Alone, "Title" is still the activity's title (SPEC.md's alias).
	h := matchRow(activitySchema, []cell{{Text: "Member Number"}, {Text: "Title"}, {Text: "Category"}}, 1)
	if h.col[fTitle] != 1 || h.salutation >= 0 {
		t.Errorf("a lone Title column: title %d, salutation %d", h.col[fTitle], h.salutation)
	}
}
