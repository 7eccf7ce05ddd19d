package importer

import (
	"slices"
	"strings"
	"unicode"

	"github.com/xuri/excelize/v2"
)

// field is one column the importer knows by name.
type field int

const (
	fID field = iota
	fName
	fFirstName
	fLastName
	fTitle
	fCategory
	fDate
	fHours
	fDescription
	fReflection
	fEmail
	fGrade
	fRegistrations
	fRole
	fExemptionReason
	fExemptMonths
	fHigherEducation
	numFields
)

// fieldSpec names a field for messages and lists the headers accepted for it.
type fieldSpec struct {
	label   string // how messages name the field: the main header
	aliases []string
}

// fieldSpecs holds SPEC.md's accepted headers plus a few obvious spellings
// of them. Matching ignores case, spaces, punctuation and word order, so
// "Member No.", "member_number" and "Number (Member)" all match.
var fieldSpecs = [numFields]fieldSpec{
	fID: {"Member Number", []string{"Member Number", "Member No", "Membership Number", "Member ID",
		"IES Number", "Membership No", "Member Num", "IES No", "IES Member Number", "IES Membership Number",
		"Membership ID", "IES ID"}},
	fName:        {"Name", []string{"Name", "Member Name", "Full Name"}},
	fFirstName:   {"First Name", []string{"First Name", "Forename", "Given Name", "First Names"}},
	fLastName:    {"Last Name", []string{"Last Name", "Surname", "Family Name"}},
	fTitle:       {"Title", []string{"Title", "Activity", "Activity Title", "CPD Activity", "Activity Name", "CPD Activity Title"}},
	fCategory:    {"Learning Category", []string{"Learning Category", "Category", "CPD Category", "Activity Type", "Category of Learning", "Type of Learning"}},
	fDate:        {"Date", []string{"Date", "Activity Date", "Date Completed", "Start Date", "Date of Activity", "Completion Date", "Date Undertaken"}},
	fHours:       {"Number of hours", []string{"Number of hours", "Hours", "CPD Hours", "Duration", "Time (hours)", "No of hours", "Duration (hours)", "Hours Completed", "Total Hours"}},
	fDescription: {"Description", []string{"Description", "Details", "Activity Description", "Activity Details"}},
	fReflection:  {"Reflections", []string{"Reflections", "Reflection", "Reflection on activity", "Reflections on activity", "Reflective Statement"}},
	fEmail:       {"Email", []string{"Email", "E-mail", "Email Address", "E-mail Address"}},
	fGrade:       {"Membership Grade", []string{"Membership Grade", "Grade", "Member Grade", "Membership Level", "Membership Type"}},
	fRegistrations: {"Registrations", []string{"Registrations", "Registration", "Professional Registrations",
		"Professional Registration", "Chartered Status"}},
	fRole:            {"Job Title", []string{"Job Title", "Role", "Job Role", "Position", "Job"}},
	fExemptionReason: {"Exemption Reason", []string{"Exemption", "Exemption Reason", "Reason for Exemption", "Exemption Type"}},
	fExemptMonths:    {"Exempt Months", []string{"Exempt Months", "Months Exempt", "Exemption Months", "Months of Exemption", "Exemption Period (months)"}},
	fHigherEducation: {"Higher Education", []string{"Higher Education", "Studying for a Masters", "Studying for a Master's",
		"Masters", "Higher Education Qualification", "Undertaking Higher Education", "Studying for Masters or Higher Education"}},
}

// schema is what one kind of table must and may contain.
type schema struct {
	what     string  // for messages: "CPD activities" or "the member register"
	fields   []field // fields looked for in the header row
	required []field // fields that must have a column
	// idFromLabel: the member id may come from a "Member number:" label
	// above the table instead of a column (a member's own workbook).
	idFromLabel bool
}

var activitySchema = &schema{
	what:        "CPD activities",
	fields:      []field{fID, fName, fFirstName, fLastName, fTitle, fCategory, fDate, fHours, fDescription, fReflection},
	required:    []field{fID, fTitle, fCategory, fDate, fHours},
	idFromLabel: true,
}

var registerSchema = &schema{
	what: "the member register",
	fields: []field{fID, fName, fFirstName, fLastName, fEmail, fGrade, fRegistrations, fRole,
		fExemptionReason, fExemptMonths, fHigherEducation},
	required: []field{fID},
}

// aliasIndex maps a header's two keys (see headerKeys) to its field.
var aliasIndex = func() map[string]field {
	m := map[string]field{}
	for f := range numFields {
		for _, a := range fieldSpecs[f].aliases {
			for _, k := range headerKeys(a) {
				if _, dup := m[k]; !dup {
					m[k] = f
				}
			}
		}
	}
	return m
}()

// headerKeys reduces a header to the keys it is matched on: its words in
// order run together ("membernumber", so "MemberNumber" matches too) and its
// words sorted ("hours time", so "Hours (time)" matches "Time (hours)").
func headerKeys(s string) []string {
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	if len(words) == 0 {
		return nil
	}
	joined := strings.Join(words, "")
	sorted := slices.Clone(words)
	slices.Sort(sorted)
	return []string{joined, "~" + strings.Join(sorted, " ")}
}

// matchHeader returns the field a header cell names, if any.
func matchHeader(s string) (field, bool) {
	if len(s) > 80 {
		return 0, false // a sentence, not a header
	}
	for _, k := range headerKeys(s) {
		if f, ok := aliasIndex[k]; ok {
			return f, true
		}
	}
	return 0, false
}

// header is a recognised header row: for each field the column index, or -1.
type header struct {
	row  int
	col  [numFields]int
	text []string // the header cells as written, for Issue.Column
}

// matchRow maps a row's cells to the schema's fields; the first column that
// names a field wins.
func matchRow(sc *schema, cells []cell, row int) header {
	h := header{row: row}
	for i := range h.col {
		h.col[i] = -1
	}
	h.text = make([]string, len(cells))
	for i, c := range cells {
		t := strings.TrimSpace(c.Text)
		h.text[i] = t
		f, ok := matchHeader(t)
		if ok && h.col[f] < 0 && slices.Contains(sc.fields, f) {
			h.col[f] = i
		}
	}
	return h
}

// found counts the schema fields with a column.
func (h *header) found(sc *schema) int {
	n := 0
	for _, f := range sc.fields {
		if h.col[f] >= 0 {
			n++
		}
	}
	return n
}

// missing lists the required fields without a column, by label. The member
// id is not missing when a label above the table gives it.
func (h *header) missing(sc *schema, haveLabelID bool) []string {
	var out []string
	for _, f := range sc.required {
		if h.col[f] < 0 && !(f == fID && sc.idFromLabel && haveLabelID) {
			out = append(out, fieldSpecs[f].label)
		}
	}
	return out
}

// recognised lists the header texts that matched a field, for messages.
func (h *header) recognised() []string {
	var out []string
	for i, t := range h.text {
		if f, ok := matchHeader(t); ok && h.col[f] == i {
			out = append(out, t)
		}
	}
	return out
}

// column names a column as Excel shows it, the letter and the header text:
// "D (Hours)".
func (h *header) column(i int) string {
	name, err := excelize.ColumnNumberToName(i + 1)
	if err != nil {
		name = "?"
	}
	if i < len(h.text) && h.text[i] != "" {
		return name + " (" + h.text[i] + ")"
	}
	return name
}

// maxLabelCells is how many cells of a row above the table are read for
// labels.
const maxLabelCells = 20

// labels are the label/value cells above a per-member table.
type labels struct {
	id, name string
}

// readLabels looks for "Member number: 12345" in one cell, or "Member
// number:" and "12345" in two, and the same for the name.
func (l *labels) read(cells []cell) {
	// Labels sit in the first few columns; looking further would only
	// make a crafted row with thousands of label cells slow.
	cells = cells[:min(len(cells), maxLabelCells)]
	for i, c := range cells {
		text := strings.TrimSpace(c.Text)
		key, val, hasColon := strings.Cut(text, ":")
		if !hasColon {
			key = text
		}
		val = strings.TrimSpace(val)
		f, ok := matchHeader(key)
		if !ok || (f == fID && l.id != "") || (f == fName && l.name != "") || (f != fID && f != fName) {
			continue
		}
		if val == "" {
			// The value is the next non-empty cell; its raw form keeps an
			// Excel number id as 12345 whatever the cell's format.
			for _, next := range cells[i+1:] {
				if strings.TrimSpace(next.Raw) != "" {
					val = strings.TrimSpace(next.Raw)
					break
				}
			}
		}
		if val == "" {
			continue
		}
		switch {
		case f == fID && l.id == "":
			l.id = normalizeID(val)
		case f == fName && l.name == "":
			l.name = val
		}
	}
}
