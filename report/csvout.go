package report

import (
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"io"
	"reflect"
	"strings"
	"time"

	"github.com/gocarina/gocsv"
	"github.com/ies/cpdaudit/audit"
	"github.com/ies/cpdaudit/importer"
)

// writeCSV lays rows out with gocsv. A fresh SafeCSVWriter is built per
// call rather than through gocsv's package-level SetCSVWriter, so
// concurrent writers and tests never share configuration.
func writeCSV(w io.Writer, rows any) error {
	return gocsv.MarshalCSV(rows, newCSVWriter(w))
}

func newCSVWriter(w io.Writer) *gocsv.SafeCSVWriter {
	return gocsv.NewSafeCSVWriter(csv.NewWriter(w))
}

// WriteSummaryCSV writes summary.csv: one row per member with SPEC.md's
// columns, and previous_outcome last when in.Previous is set.
//
// previous_outcome is added only when a previous run was given, rather
// than always (empty): SPEC.md fixes summary.csv's columns, and a run
// without --previous then stays exactly what it was, byte for byte, for the
// systems that check the header. With --previous the new column comes last,
// so readers of SPEC's columns, by name or by position, are not disturbed.
// The two-years-running flag goes into the flags column either way.
//
// It is the TableWriter fed in.Results, so it writes exactly what a
// streamed run writes.
func WriteSummaryCSV(w io.Writer, in Input) error {
	return writeTables(in, nil, w, nil)
}

// WriteActivitiesCSV writes activities.csv: one row per activity with
// SPEC.md's columns. Like WriteSummaryCSV it goes through the TableWriter.
func WriteActivitiesCSV(w io.Writer, in Input) error {
	return writeTables(in, nil, nil, w)
}

// WriteIssuesCSV writes import-issues.csv: one row per import issue with
// SPEC.md's columns.
func WriteIssuesCSV(w io.Writer, in Input) error {
	return writeCSV(w, IssueRows(in.Issues))
}

// RunRecord is the content of run.json: what was run, when, on what, and
// with which rules. Its times are Input.Started and Input.Finished, which
// the pipeline takes from the run's document date rather than the wall
// clock, so two runs over the same input give the same file.
type RunRecord struct {
	Tool    string `json:"tool"`
	Version string `json:"version"`
	CPDYear int    `json:"cpd_year"`
	// StartedAt and FinishedAt are RFC 3339 times in UTC; null when the
	// run did not give them.
	StartedAt  *string `json:"started_at"`
	FinishedAt *string `json:"finished_at"`
	// RunID is the SHA-256 of summary.csv: the pre-screen the assessors
	// are given. finalize refuses decisions made on another run.
	RunID      string              `json:"run_id"`
	Policy     orderedObject       `json:"policy"`
	Inputs     []importer.FileInfo `json:"inputs"`
	Register   *importer.FileInfo  `json:"register"`
	Rows       importer.Accounting `json:"rows"`
	Members    int                 `json:"members"`
	Outcomes   map[string]int      `json:"outcomes"`
	IssueCount int                 `json:"import_issues"`
	// Notices and Warnings come after SPEC.md's keys; both are always
	// lists, empty when there are none.
	Notices  []importer.Notice `json:"notices"`
	Warnings []string          `json:"warnings"`
}

// NewRunRecord builds the run record from the run's input.
func NewRunRecord(in Input) RunRecord {
	outcomes := newOutcomeCounts()
	for i := range in.Results {
		outcomes[string(in.Results[i].Outcome)]++
	}
	rec := newRunRecord(in, len(in.Results), outcomes)
	h := sha256.New()
	if err := WriteSummaryCSV(h, in); err == nil {
		rec.RunID = hex.EncodeToString(h.Sum(nil))
	}
	return rec
}

// newOutcomeCounts returns outcome counts with every verdict at 0, so
// run.json always names all four.
func newOutcomeCounts() map[string]int {
	outcomes := map[string]int{}
	for _, v := range []audit.Verdict{audit.Met, audit.Review, audit.NotMet, audit.Exempt} {
		outcomes[string(v)] = 0
	}
	return outcomes
}

// newRunRecord builds the run record from the run's input and the member
// and outcome counts, which a streamed run tallies rather than takes from
// in.Results.
func newRunRecord(in Input, members int, outcomes map[string]int) RunRecord {
	inputs := in.Files
	if inputs == nil {
		inputs = []importer.FileInfo{}
	}
	notices, warnings := in.Notices, in.Warnings
	if notices == nil {
		notices = []importer.Notice{}
	}
	if warnings == nil {
		warnings = []string{}
	}
	return RunRecord{
		Notices:    notices,
		Warnings:   warnings,
		Tool:       "cpdaudit",
		Version:    in.Version,
		CPDYear:    in.Year,
		StartedAt:  rfc3339(in.Started),
		FinishedAt: rfc3339(in.Finished),
		Policy:     tomlObject(reflect.ValueOf(in.Policy)),
		Inputs:     inputs,
		Register:   in.Register,
		Rows:       in.Accounting,
		Members:    members,
		Outcomes:   outcomes,
		IssueCount: len(in.Issues),
	}
}

// rfc3339 is t as run.json writes it, nil for the zero time.
func rfc3339(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

// runTime is a run.json time as the Run sheet shows it: date and minute,
// in UTC. A value that does not parse is shown as it is.
func runTime(s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// WriteRunJSON writes run.json: tool version, CPD year, the policy values
// under the names the policy file uses, input files with their SHA-256 and
// the row accounting.
func WriteRunJSON(w io.Writer, in Input) error {
	return NewRunRecord(in).WriteJSON(w)
}

// WriteJSON writes the record as run.json.
func (r RunRecord) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// field is one member of an orderedObject.
type field struct {
	Key   string
	Value any
}

// orderedObject is a JSON object that keeps its keys in the given order.
// The policy is written in the order of the policy file, which a reader
// comparing the two expects; a map would sort the keys alphabetically.
type orderedObject []field

// MarshalJSON writes the fields in order.
func (o orderedObject) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(f.Key)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(f.Value)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return []byte(b.String()), nil
}

// tomlObject turns a policy struct into an ordered JSON object keyed by the
// struct's toml tags: run.json then names every value exactly as the
// policy file does, and a new policy field appears without code here.
func tomlObject(v reflect.Value) orderedObject {
	t := v.Type()
	obj := orderedObject{}
	for i := range t.NumField() {
		sf := t.Field(i)
		name, ok := tomlName(sf)
		if !ok {
			continue
		}
		fv := v.Field(i)
		switch {
		case fv.Kind() == reflect.Struct:
			obj = append(obj, field{name, tomlObject(fv)})
		case fv.Kind() == reflect.Slice && fv.IsNil():
			obj = append(obj, field{name, []any{}})
		default:
			obj = append(obj, field{name, fv.Interface()})
		}
	}
	return obj
}

// policyValue is one policy setting for the Run sheet.
type policyValue struct {
	Name  string
	Value any
}

// policyValues flattens the policy to dotted names (hours.required) for the
// Run sheet. Numbers stay numbers; word lists are joined with commas.
func policyValues(p audit.Policy) []policyValue {
	var out []policyValue
	var walk func(prefix string, o orderedObject)
	walk = func(prefix string, o orderedObject) {
		for _, f := range o {
			name := prefix + f.Key
			switch v := f.Value.(type) {
			case orderedObject:
				walk(name+".", v)
			case []string:
				out = append(out, policyValue{name, strings.Join(v, ", ")})
			case []any:
				out = append(out, policyValue{name, ""})
			default:
				out = append(out, policyValue{name, v})
			}
		}
	}
	walk("", tomlObject(reflect.ValueOf(p)))
	return out
}

// tomlName is the policy key a struct field is written under: its toml tag,
// or its name; ok is false for a field the policy file does not hold.
func tomlName(sf reflect.StructField) (name string, ok bool) {
	if !sf.IsExported() {
		return "", false
	}
	name, _, _ = strings.Cut(sf.Tag.Get("toml"), ",")
	if name == "-" {
		return "", false
	}
	if name == "" {
		name = sf.Name
	}
	return name, true
}
