package importer

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/xuri/excelize/v2"

	"github.com/ies/cpdaudit/runfolder"
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
	// fSalutation is the member's title (Dr, Mrs ...): known, so it is
	// neither listed as unused nor taken for the activity's title.
	fSalutation
	numFields
)

// fieldSpec names a field for messages and lists the headers accepted for it.
type fieldSpec struct {
	label   string // how messages name the field: the main header
	noun    string // how a sentence names a cell of it: "hours 'eight'"
	aliases []string
}

// fieldSpecs holds SPEC.md's accepted headers plus a few obvious spellings
// of them. Matching ignores case, spaces, punctuation and word order, so
// "Member No.", "member_number" and "Number (Member)" all match.
var fieldSpecs = [numFields]fieldSpec{
	fID: {"Member Number", "member number", []string{"Member Number", "Member No", "Membership Number", "Member ID",
		"IES Number", "Membership No", "Member Num", "IES No", "IES Member Number", "IES Membership Number",
		"Membership ID", "IES ID"}},
	fName:        {"Name", "name", []string{"Name", "Member Name", "Full Name"}},
	fFirstName:   {"First Name", "first name", []string{"First Name", "Forename", "Given Name", "First Names"}},
	fLastName:    {"Last Name", "last name", []string{"Last Name", "Surname", "Family Name"}},
	fTitle:       {"Title", "title", []string{"Title", "Activity", "Activity Title", "CPD Activity", "Activity Name", "CPD Activity Title"}},
	fCategory:    {"Learning Category", "category", []string{"Learning Category", "Category", "CPD Category", "Activity Type", "Category of Learning", "Type of Learning"}},
	fDate:        {"Date", "date", []string{"Date", "Activity Date", "Date Completed", "Start Date", "Date of Activity", "Completion Date", "Date Undertaken"}},
	fHours:       {"Number of hours", "hours", []string{"Number of hours", "Hours", "CPD Hours", "Duration", "Time (hours)", "No of hours", "Duration (hours)", "Hours Completed", "Total Hours"}},
	fDescription: {"Description", "description", []string{"Description", "Details", "Activity Description", "Activity Details"}},
	fReflection:  {"Reflections", "reflection", []string{"Reflections", "Reflection", "Reflection on activity", "Reflections on activity", "Reflective Statement"}},
	fEmail:       {"Email", "email", []string{"Email", "E-mail", "Email Address", "E-mail Address"}},
	fGrade:       {"Membership Grade", "grade", []string{"Membership Grade", "Grade", "Member Grade", "Membership Level", "Membership Type"}},
	fRegistrations: {"Registrations", "registrations", []string{"Registrations", "Registration", "Professional Registrations",
		"Professional Registration", "Chartered Status"}},
	fRole:            {"Job Title", "job title", []string{"Job Title", "Role", "Job Role", "Position", "Job"}},
	fExemptionReason: {"Exemption Reason", "exemption reason", []string{"Exemption", "Exemption Reason", "Reason for Exemption", "Exemption Type"}},
	fExemptMonths:    {"Exempt Months", "exempt months", []string{"Exempt Months", "Months Exempt", "Exemption Months", "Months of Exemption", "Exemption Period (months)"}},
	fHigherEducation: {"Higher Education", "higher education", []string{"Higher Education", "Studying for a Masters", "Studying for a Master's",
		"Masters", "Higher Education Qualification", "Undertaking Higher Education", "Studying for Masters or Higher Education",
		"Higher Education Study", "Studying Higher Education", "Higher Education Student"}},
	fSalutation: {"Salutation", "salutation", []string{"Salutation", "Prefix", "Honorific", "Name Prefix", "Courtesy Title"}},
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
	fields:      []field{fID, fName, fFirstName, fLastName, fTitle, fCategory, fDate, fHours, fDescription, fReflection, fSalutation},
	required:    []field{fID, fTitle, fCategory, fDate, fHours},
	idFromLabel: true,
}

var registerSchema = &schema{
	what: "the member register",
	fields: []field{fID, fName, fFirstName, fLastName, fEmail, fGrade, fRegistrations, fRole,
		fExemptionReason, fExemptMonths, fHigherEducation, fSalutation},
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
// order run together (runfolder.HeaderKey: "membernumber", so "MemberNumber"
// matches too) and its words sorted ("hours time", so "Hours (time)"
// matches "Time (hours)").
func headerKeys(s string) []string {
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	if len(words) == 0 {
		return nil
	}
	slices.Sort(words)
	return []string{runfolder.HeaderKey(s), "~" + strings.Join(words, " ")}
}

// How a header is matched to a field (the README's "Column headers" says
// the same in plain words). Each rule is tried only when the ones before
// it found nothing:
//
//  1. exact: the header is an alias, ignoring case, spaces, punctuation
//     and word order (headerKeys);
//  2. explanation stripped: what is in brackets, and what follows a colon,
//     a question mark, " e.g." or a spaced dash, is an explanation, unit,
//     example or format ("Hours (decimal, e.g. 1.5)", "Date (dd/mm/yyyy)",
//     "HE study? (Y/N)"); without it, rule 1 again;
//  3. same words: the header and an alias have the same words once small
//     words (of, for, or, a ...) are left out and abbreviations and plurals
//     made plain ("no" is number, "HE" is higher education, "hours" is
//     hour): "Grade of membership" is "Membership Grade";
//  4. contains an alias (loose): the header's words, at most six, include
//     every word of an alias, one of which says what the column holds
//     (not only "activity", "CPD", "member" ...): "Hours spent on the
//     activity" is the hours. A loose match is used only for a field no
//     column names by rules 1 to 3, and is listed as a notice. A header
//     whose words include aliases of two fields ("Reflection date") is
//     never read as either: it is an issue naming both when one of them
//     has no other column, else a notice that it is not used.
//
// Rules 1 to 3 are strict: matchHeader. Rule 4 is looseFields. A bare
// "Title" beside a column naming the activity is the member's title (a
// salutation): see matchRow.

// explanationCuts end the name part of a header: what follows is an
// explanation or example.
var explanationCuts = []string{":", "?", " e.g", ", e.g", " eg ", " i.e", " - ", " – ", " — "}

// stripExplanation removes the bracketed parts of a header and whatever
// follows an explanationCut.
func stripExplanation(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch r {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			if depth > 0 {
				depth--
			}
		default:
			if depth == 0 {
				b.WriteRune(r)
			}
		}
	}
	out := b.String()
	low := strings.ToLower(out)
	for _, cut := range explanationCuts {
		if i := strings.Index(low, cut); i > 0 {
			out, low = out[:i], low[:i]
		}
	}
	return strings.TrimSpace(out)
}

// smallWords carry no meaning in a header.
var smallWords = map[string]bool{
	"a": true, "an": true, "the": true, "of": true, "for": true, "or": true, "and": true, "in": true,
	"on": true, "to": true, "at": true, "by": true, "your": true, "my": true, "our": true, "their": true,
	"other": true, "any": true, "per": true, "if": true, "please": true, "is": true, "are": true,
	"do": true, "you": true, "did": true, "was": true, "were": true, "with": true, "from": true,
	"this": true, "that": true, "currently": true, "current": true, "s": true, "e": true, "g": true,
	"eg": true, "ie": true, "etc": true,
}

// wordSynonyms make abbreviations and variants plain.
var wordSynonyms = map[string][]string{
	"no": {"number"}, "num": {"number"}, "nr": {"number"}, "nbr": {"number"},
	"he": {"higher", "education"}, "membership": {"member"}, "studying": {"study"},
	"msc": {"master"}, "ma": {"master"}, "email": {"email"},
}

// contentWords are a header's words for rules 3 and 4: lower case,
// synonyms replaced, small words left out, plurals made singular; sorted
// and without repeats.
func contentWords(s string) []string {
	low := strings.ReplaceAll(strings.ToLower(s), "e-mail", "email")
	var out []string
	for _, w := range strings.FieldsFunc(low, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		if syn, ok := wordSynonyms[w]; ok {
			out = append(out, syn...)
			continue
		}
		if smallWords[w] {
			continue
		}
		out = append(out, singular(w))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// singular undoes an English plural well enough for headers: hours,
// reflections, categories, activities. Words ending in ss or us (address,
// status) and short words (IES) are left alone.
func singular(w string) string {
	switch {
	case len(w) > 4 && strings.HasSuffix(w, "ies"):
		return w[:len(w)-3] + "y"
	case len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us"):
		return w[:len(w)-1]
	}
	return w
}

// weakWords say what a column is about but not what it holds: a loose
// match (rule 4) needs another word of the alias too, so "CPD activity
// hours" is the hours, not the activity's title.
var weakWords = map[string]bool{"activity": true, "cpd": true, "member": true, "ies": true, "number": true, "name": true}

// aliasWords holds each field's aliases as content words, for rules 3 and 4.
var aliasWords = func() [numFields][][]string {
	var out [numFields][][]string
	for f := range numFields {
		for _, a := range fieldSpecs[f].aliases {
			out[f] = append(out[f], contentWords(a))
		}
	}
	return out
}()

// wordIndex maps an alias's content words, joined, to its field (rule 3).
// Two fields never share one (TestAliasWordsDistinct).
var wordIndex = func() map[string]field {
	m := map[string]field{}
	for f := range numFields {
		for _, w := range aliasWords[f] {
			k := strings.Join(w, " ")
			if _, dup := m[k]; !dup && k != "" {
				m[k] = f
			}
		}
	}
	return m
}()

// maxHeaderLen: a longer cell is a sentence, not a header.
const maxHeaderLen = 80

// matchHeader returns the field a header cell names by the strict rules
// (1 to 3), if any.
func matchHeader(s string) (field, bool) {
	if len(s) > maxHeaderLen {
		return 0, false
	}
	for _, k := range headerKeys(s) {
		if f, ok := aliasIndex[k]; ok {
			return f, true
		}
	}
	stripped := stripExplanation(s)
	if stripped != s {
		for _, k := range headerKeys(stripped) {
			if f, ok := aliasIndex[k]; ok {
				return f, true
			}
		}
	}
	if f, ok := wordIndex[strings.Join(contentWords(stripped), " ")]; ok {
		return f, true
	}
	return 0, false
}

// maxLooseWords: a header with more content words is a sentence, and rule
// 4 does not look inside it.
const maxLooseWords = 6

// looseFields returns the schema's fields whose aliases a header contains
// (rule 4), in field order.
func looseFields(sc *schema, s string) []field {
	if len(s) > maxHeaderLen {
		return nil
	}
	words := contentWords(stripExplanation(s))
	if len(words) == 0 || len(words) > maxLooseWords {
		return nil
	}
	var out []field
	for _, f := range sc.fields {
		for _, a := range aliasWords[f] {
			if containsWords(words, a) {
				out = append(out, f)
				break
			}
		}
	}
	return out
}

// containsWords: every word of alias is in words, and one of them is not
// a weak word.
func containsWords(words, alias []string) bool {
	strong := false
	for _, w := range alias {
		if _, found := slices.BinarySearch(words, w); !found {
			return false
		}
		strong = strong || !weakWords[w]
	}
	return strong && len(alias) > 0
}

// header is a recognised header row: for each field the column index, or -1.
type header struct {
	row   int
	col   [numFields]int
	loose [numFields]bool // the field's column was found by rule 4
	text  []string        // the header cells as written, for Issue.Column
	// ambiguous are the columns whose header contains aliases of several
	// fields, none of which was read from them.
	ambiguous []ambiguity
	// salutation is a bare "Title" column read as the member's title (Dr,
	// Mrs ...) because another column names the activity; -1 when none.
	salutation int
}

// ambiguity is a column whose header could name any of fields.
type ambiguity struct {
	col    int
	fields []field
}

// maxLooseColumns bounds rule 4's work on a crafted row with thousands
// of header cells; real headers are in the first few dozen columns.
const maxLooseColumns = 256

// matchRow maps a row's cells to the schema's fields. A strict match (rules
// 1 to 3) comes first, the leftmost column winning; then a loose match
// (rule 4) for the fields still without a column. A bare "Title" column is
// the member's title (a salutation) when another column names the
// activity ("Activity", "Activity title").
func matchRow(sc *schema, cells []cell, row int) header {
	h := header{row: row, salutation: -1}
	for i := range h.col {
		h.col[i] = -1
	}
	h.text = make([]string, len(cells))
	strict := make([]bool, len(cells))
	for i, c := range cells {
		t := strings.TrimSpace(c.Text)
		h.text[i] = t
		if t == "" {
			continue
		}
		f, ok := matchHeader(t)
		strict[i] = ok
		if ok && h.col[f] < 0 && slices.Contains(sc.fields, f) {
			h.col[f] = i
		}
	}
	// In a table with no activity title (the register), "Title" is the
	// member's title.
	if !slices.Contains(sc.fields, fTitle) && slices.Contains(sc.fields, fSalutation) && h.col[fSalutation] < 0 {
		for i, t := range h.text {
			if strict[i] && isBareTitle(t) {
				h.col[fSalutation] = i
				break
			}
		}
	}
	// A title column named "Title" alone may be a salutation: another
	// column that names the activity takes the field from it.
	if i := h.col[fTitle]; i >= 0 && isBareTitle(h.text[i]) {
		for j, t := range h.text {
			if j == i || !strict[j] {
				continue
			}
			if f, _ := matchHeader(t); f == fTitle && !isBareTitle(t) {
				h.col[fTitle] = j
				h.salutation = i
				if h.col[fSalutation] < 0 && slices.Contains(sc.fields, fSalutation) {
					h.col[fSalutation] = i
				}
				break
			}
		}
	}
	for i, t := range h.text {
		if strict[i] || t == "" || i >= maxLooseColumns {
			continue
		}
		cands := looseFields(sc, t)
		switch {
		case len(cands) == 1 && h.col[cands[0]] < 0:
			h.col[cands[0]] = i
			h.loose[cands[0]] = true
		case len(cands) > 1:
			h.ambiguous = append(h.ambiguous, ambiguity{col: i, fields: cands})
		}
	}
	return h
}

// isBareTitle: the header says "Title" and nothing else about what it is.
func isBareTitle(s string) bool {
	return slices.Equal(contentWords(stripExplanation(s)), []string{"title"})
}

// found counts the schema fields with a column; a salutation column says
// nothing about what the table is, so it does not count.
func (h *header) found(sc *schema) int {
	n := 0
	for _, f := range sc.fields {
		if h.col[f] >= 0 && f != fSalutation {
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

// recognised lists the header texts that were read as a field, for
// messages.
func (h *header) recognised() []string {
	var out []string
	for i, t := range h.text {
		if h.fieldAt(i) >= 0 {
			out = append(out, t)
		}
	}
	return out
}

// fieldAt returns the field read from column i, or -1.
func (h *header) fieldAt(i int) field {
	for f, c := range h.col {
		if c == i {
			return field(f)
		}
	}
	return -1
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

// maxUnusedNotices: a header row with more unused columns than this gets
// one notice for the rest.
const maxUnusedNotices = 20

// notices says, once per table, how the header was read where a person
// could not guess it: each column found by a loose match, a "Title" read
// as the member's title, and each column that is not used.
func (h *header) notices(at place, sc *schema) []Notice {
	var out []Notice
	note := func(col int, msg string) {
		out = append(out, Notice{File: at.file, Sheet: at.sheet, Column: h.column(col), Message: msg})
	}
	for f := range numFields {
		if h.loose[f] {
			note(h.col[f], "read as the "+fieldSpecs[f].label+" column: the header is not one cpdaudit knows, but it names the "+fieldSpecs[f].noun)
		}
	}
	if h.salutation >= 0 && h.col[fTitle] >= 0 {
		note(h.salutation, "read as the member's title (Dr, Mrs ...), not the activity's: the activity's title is column "+h.column(h.col[fTitle]))
	}
	unused := 0
	for i, t := range h.text {
		if t == "" || h.fieldAt(i) >= 0 || h.isAmbiguousIssue(i) {
			continue
		}
		if unused++; unused > maxUnusedNotices {
			continue
		}
		msg := "this column is not used"
		if f, ok := matchHeader(t); ok && slices.Contains(sc.fields, f) && h.col[f] >= 0 {
			msg += ": column " + h.column(h.col[f]) + " is read as the " + fieldSpecs[f].label
		} else if a := h.ambiguityAt(i); a != nil {
			msg += ": it could be " + fieldList(a.fields, "the ") + ", which other columns already give"
		}
		note(i, msg)
	}
	if unused > maxUnusedNotices {
		out = append(out, Notice{File: at.file, Sheet: at.sheet,
			Message: fmt.Sprintf("%d more columns of the header row (row %d) are not used", unused-maxUnusedNotices, h.row)})
	}
	return out
}

func (h *header) ambiguityAt(i int) *ambiguity {
	for k := range h.ambiguous {
		if h.ambiguous[k].col == i {
			return &h.ambiguous[k]
		}
	}
	return nil
}

// isAmbiguousIssue: column i is ambiguous and one of the fields it could
// name has no column, so the ambiguity matters.
func (h *header) isAmbiguousIssue(i int) bool {
	a := h.ambiguityAt(i)
	if a == nil {
		return false
	}
	for _, f := range a.fields {
		if h.col[f] < 0 {
			return true
		}
	}
	return false
}

// ambiguityIssues are the issues of the header's ambiguous columns that
// matter: never a guess between two fields.
func (h *header) ambiguityIssues(at place) []Issue {
	var out []Issue
	for _, a := range h.ambiguous {
		if !h.isAmbiguousIssue(a.col) {
			continue
		}
		out = append(out, Issue{File: at.file, Sheet: at.sheet, Row: h.row, Column: h.column(a.col),
			Value: shorten(h.text[a.col]), Kind: ErrAmbiguousHeader,
			Problem: "the header could name " + fieldList(a.fields, "the ") + " column, so the column was not read",
			Action:  "Rename the header to say which it is: " + fieldList(a.fields, "")})
	}
	return out
}

// fieldList names fields by label, each after article: "the Date or the
// Reflections", "Date, Hours or Reflections".
func fieldList(fs []field, article string) string {
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = article + fieldSpecs[f].label
	}
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
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
		var valCell *cell
		if val == "" {
			// The value is the next non-empty cell.
			for j, next := range cells[i+1:] {
				if strings.TrimSpace(next.Raw) != "" {
					val, valCell = strings.TrimSpace(next.Raw), &cells[i+1+j]
					break
				}
			}
		}
		if val == "" {
			continue
		}
		switch {
		case f == fID && l.id == "" && valCell != nil:
			l.id = cellID(*valCell) // a number cell read as Excel shows it
		case f == fID && l.id == "":
			l.id = cellID(cell{Text: val, Raw: val})
		case f == fName && l.name == "":
			l.name = oneLine(val)
		}
	}
}
