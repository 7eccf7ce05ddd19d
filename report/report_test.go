package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/ies/cpdaudit/audit"
	"github.com/ies/cpdaudit/internal/testtool"
	"github.com/ies/cpdaudit/runfolder"
)

func readCSV(t *testing.T, data []byte) [][]string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatalf("reading CSV back: %v", err)
	}
	return recs
}

func render(t testing.TB, write func(io.Writer, Input) error, in Input) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := write(&b, in); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestCSVColumns(t *testing.T) {
	in := sampleInput()
	tests := []struct {
		name  string
		write func(io.Writer, Input) error
		want  string
		rows  int
	}{
		{"summary.csv", WriteSummaryCSV, "member_id,name,grade,counted_hours,required_hours,substantive_categories,required_categories,standard1,standard2,standard3,standard4,outcome,flags", 5},
		{"activities.csv", WriteActivitiesCSV, "member_id,source,title,category,date,hours,counted,reflection,quality,users,quality_evidence,users_evidence", 18},
		// member_id comes last, so SPEC.md's columns keep their places.
		{"import-issues.csv", WriteIssuesCSV, "source_file,sheet,row,column,value,problem,member_id", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs := readCSV(t, render(t, tt.write, in))
			if got := strings.Join(recs[0], ","); got != tt.want {
				t.Errorf("header\n got %s\nwant %s", got, tt.want)
			}
			if got := len(recs) - 1; got != tt.rows {
				t.Errorf("got %d data rows, want %d", got, tt.rows)
			}
		})
	}
}

// TestCSVHeadersAreRunFolders: each CSV file is written with the columns
// the run folder's contract names (runfolder), so the row types' csv tags
// cannot drift from what review and other systems read; with no input,
// the header alone.
func TestCSVHeadersAreRunFolders(t *testing.T) {
	withPrevious := Input{Previous: NewPreviousRun(2024, nil)}
	for _, tt := range []struct {
		name string
		w    func(io.Writer, Input) error
		in   Input
		want []string
	}{
		{runfolder.SummaryCSV, WriteSummaryCSV, Input{}, runfolder.SummaryColumns},
		{runfolder.SummaryCSV + " with --previous", WriteSummaryCSV, withPrevious, append(slices.Clone(runfolder.SummaryColumns), runfolder.PreviousOutcomeColumn)},
		{runfolder.ActivitiesCSV, WriteActivitiesCSV, Input{}, runfolder.ActivityColumns},
		{runfolder.IssuesCSV, WriteIssuesCSV, Input{}, runfolder.IssueColumns},
	} {
		recs := readCSV(t, render(t, tt.w, tt.in))
		if len(recs) != 1 {
			t.Errorf("%s, empty input: got %d records, want the header only", tt.name, len(recs))
			continue
		}
		if !slices.Equal(recs[0], tt.want) {
			t.Errorf("%s header\n%q\nwant runfolder's\n%q", tt.name, recs[0], tt.want)
		}
	}
}

func TestCSVValues(t *testing.T) {
	in := sampleInput()
	acts := readCSV(t, render(t, WriteActivitiesCSV, in))
	col := func(name string) int { return slices.Index(acts[0], name) }
	byTitle := map[string][]string{}
	for _, r := range acts[1:] {
		byTitle[r[col("title")]] = r
	}
	inj := byTitle[`'=HYPERLINK("http://example.invalid","Click me")`]
	if inj == nil {
		t.Fatalf("formula title not defused with a leading quote; titles: %q", slices.Collect(mapKeys(byTitle)))
	}
	if got := byTitle["'+44 20 7946 0000 call with the regulator"]; got == nil {
		t.Error("title starting with + not defused")
	}
	ipcc := byTitle["Reading: IPCC AR6 synthesis report, chapters 2–4"]
	if ipcc[col("hours")] != "0.3" {
		t.Errorf("0.1+0.2 hours written as %q, want 0.3", ipcc[col("hours")])
	}
	if ipcc[col("date")] != "2025-05-06" || ipcc[col("reflection")] != "descriptive" || ipcc[col("counted")] != "true" {
		t.Errorf("IPCC row: %q", ipcc)
	}
	old := byTitle["Field methods refresher (December 2024)"]
	if old[col("counted")] != "false" || old[col("source")] != "exports/cpd-2025.xlsx:Records:20" {
		t.Errorf("out-of-year row: %q", old)
	}
	if got := byTitle["'+44 20 7946 0000 call with the regulator"][col("source")]; got != "b.csv::2" {
		t.Errorf("CSV source = %q, want b.csv::2", got)
	}

	sum := readCSV(t, render(t, WriteSummaryCSV, in))
	if got := sum[4][1]; got != "'=cmd|' /C calc'!A0" {
		t.Errorf("formula name = %q, want it defused", got)
	}
	if got := sum[1][3]; got != "38.3" {
		t.Errorf("counted hours = %q, want 38.3", got)
	}
	if got := sum[1][12]; !strings.Contains(got, "; '") && !strings.HasPrefix(got, "Reflection pasted") {
		t.Errorf("flags = %q", got)
	}
	if got := sum[5][11]; got != "EXEMPT" {
		t.Errorf("exempt outcome = %q", got)
	}

	iss := readCSV(t, render(t, WriteIssuesCSV, in))
	want := [][]string{
		{"exports/cpd-2025.xlsx", "Records", "14", "D (Hours)", "'-1.5", "The hours are negative. Type the hours spent, for example 1.5", "IES-02000"},
		{"b.csv", "", "7", "C (Learning Category)", "'=SUM(A1:A9)", "Unknown learning category. Use one of the five IES categories", ""},
		{"broken.xlsx", "", "", "", "", "The file is encrypted. Save it without a password and run again", ""},
	}
	for i, w := range want {
		if !slices.Equal(iss[i+1], w) {
			t.Errorf("issue %d\n got %q\nwant %q", i, iss[i+1], w)
		}
	}
}

func mapKeys(m map[string][]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func TestRunJSON(t *testing.T) {
	data := render(t, WriteRunJSON, sampleInput())
	var got map[string]any
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	rows := got["rows"].(map[string]any)
	for k, v := range map[string]float64{"rows_read": 25, "rows_accepted": 19, "rows_rejected": 3, "rows_blank": 3} {
		if rows[k] != v {
			t.Errorf("rows.%s = %v, want %v", k, rows[k], v)
		}
	}
	if got["version"] != "1.2.3-test" || got["cpd_year"] != 2025.0 {
		t.Errorf("version/year: %v %v", got["version"], got["cpd_year"])
	}
	pol := got["policy"].(map[string]any)
	if pol["hours"].(map[string]any)["required"] != 30.0 {
		t.Errorf("policy.hours.required missing: %v", pol)
	}
	inputs := got["inputs"].([]any)
	if len(inputs) != 2 || inputs[0].(map[string]any)["sha256"] == "" {
		t.Errorf("inputs: %v", inputs)
	}
	if got["register"].(map[string]any)["path"] != "register.xlsx" {
		t.Errorf("register: %v", got["register"])
	}
	// Notices are listed apart from the issues, with where they are.
	notices, _ := got["notices"].([]any)
	if len(notices) != 2 || notices[0].(map[string]any)["column"] != "H (Internal ref)" || notices[0].(map[string]any)["message"] != "not used" {
		t.Errorf("notices: %v", got["notices"])
	}
	if w, _ := got["warnings"].([]any); len(w) != 1 || !strings.Contains(w[0].(string), "is --year 2025 right?") {
		t.Errorf("warnings: %v", got["warnings"])
	}
	// With none, both are empty lists, not null.
	in := sampleInput()
	in.Notices, in.Warnings = nil, nil
	if data := render(t, WriteRunJSON, in); !bytes.Contains(data, []byte(`"notices": []`)) || !bytes.Contains(data, []byte(`"warnings": []`)) {
		t.Errorf("run.json without notices:\n%s", data)
	}
	// No wall-clock time: nothing that looks like a timestamp.
	if regexp.MustCompile(`\d{4}-\d\d-\d\dT`).Match(data) {
		t.Errorf("run.json holds a timestamp:\n%s", data)
	}
}

func TestDeterministic(t *testing.T) {
	fonts := mustFonts(t)
	in := sampleInput()
	writers := map[string]func(io.Writer, Input) error{
		"summary.xlsx": WriteWorkbook, "summary.csv": WriteSummaryCSV, "activities.csv": WriteActivitiesCSV,
		"import-issues.csv": WriteIssuesCSV, "run.json": WriteRunJSON,
		"feedback.pdf": func(w io.Writer, in Input) error {
			return WritePDF(w, in.Results[0], fonts, PDFOptions{Version: in.Version, Created: testCreated})
		},
		"template.xlsx": func(w io.Writer, _ Input) error { return WriteTemplate(w) },
	}
	for name, w := range writers {
		a, b := render(t, w, in), render(t, w, in)
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two writes of the same input differ", name)
		}
	}
}

func TestFeedbackFileName(t *testing.T) {
	tests := []struct{ id, want string }{
		{"12345", "12345.pdf"},
		{"IES-01234", "IES-01234.pdf"},
		{"A_B", "A_B.pdf"},
	}
	for _, tt := range tests {
		if got := FeedbackFileName(tt.id); got != tt.want {
			t.Errorf("FeedbackFileName(%q) = %q, want %q", tt.id, got, tt.want)
		}
	}
	ids := []string{"ab12", "AB12", "Ab12", "ab 12", "ab/12", "ab\\12", "../../etc/passwd", "CON", "con", "nul.txt",
		"LPT1", "-rf", "", " ", "Đặng", "a:b", "a*b?", strings.Repeat("9", 300), "x.", "COM1"}
	seen := map[string]string{}
	for _, id := range ids {
		name := FeedbackFileName(id)
		if strings.ContainsAny(name, `/\:*?"<>|`) || strings.HasPrefix(name, "-") || strings.HasPrefix(name, ".") {
			t.Errorf("FeedbackFileName(%q) = %q: unsafe", id, name)
		}
		base := strings.ToUpper(strings.TrimSuffix(name, ".pdf"))
		if windowsReserved[strings.SplitN(base, ".", 2)[0]] {
			t.Errorf("FeedbackFileName(%q) = %q: a Windows device name", id, name)
		}
		if len(name) > 80 {
			t.Errorf("FeedbackFileName(%q) is %d bytes long", id, len(name))
		}
		// File systems that ignore case must still see distinct names.
		key := strings.ToLower(name)
		if prev, ok := seen[key]; ok {
			t.Errorf("ids %q and %q share the file name %q", prev, id, name)
		}
		seen[key] = id
		if name != FeedbackFileName(id) {
			t.Errorf("FeedbackFileName(%q) is not stable", id)
		}
	}
}

func TestComplianceRates(t *testing.T) {
	c := ComplianceRates(sampleInput().Results, audit.DefaultPolicy())
	if c.Overall.Exempt != 1 || c.Overall.Assessed() != 4 || c.Overall.Met != 1 {
		t.Errorf("overall = %+v", c.Overall)
	}
	if r, ok := c.Overall.MetRate(); !ok || r != 0.25 {
		t.Errorf("overall MET rate = %v %v, want 0.25 of 4 assessed", r, ok)
	}
	var labels []string
	for _, g := range c.Grades {
		labels = append(labels, g.Label)
	}
	if want := []string{"Graduate", "Associate", "Full", "Fellow", unknownGrade}; !slices.Equal(labels, want) {
		t.Errorf("grades = %q, want %q", labels, want)
	}
	if _, ok := c.Grades[1].MetRate(); ok {
		t.Error("a grade with only exempt members has no MET rate")
	}
}

func mustFonts(t testing.TB) *Fonts {
	t.Helper()
	f, err := LoadFonts()
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// writeSample writes every output of the sample input into dir, as the
// pipeline lays them out.
func writeSample(t testing.TB, dir string) {
	t.Helper()
	in := sampleInput()
	fonts := mustFonts(t)
	if err := os.MkdirAll(filepath.Join(dir, "feedback"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, r := range in.Results {
		path := filepath.Join(dir, "feedback", FeedbackFileName(r.Member.ID))
		if err := writeFile(path, func(w io.Writer) error {
			return WritePDF(w, r, fonts, PDFOptions{Version: in.Version, Created: testCreated})
		}); err != nil {
			t.Fatal(err)
		}
	}
	for name, w := range map[string]func(io.Writer, Input) error{
		"summary.xlsx": WriteWorkbook, "summary.csv": WriteSummaryCSV, "activities.csv": WriteActivitiesCSV,
		"import-issues.csv": WriteIssuesCSV, "run.json": WriteRunJSON,
	} {
		if err := writeFile(filepath.Join(dir, name), func(out io.Writer) error { return w(out, in) }); err != nil {
			t.Fatal(err)
		}
	}
	if err := writeFile(filepath.Join(dir, "template.xlsx"), WriteTemplate); err != nil {
		t.Fatal(err)
	}
}

func TestPDF(t *testing.T) {
	pdftotext := testtool.Require(t, "pdftotext")
	qpdf := testtool.Require(t, "qpdf")
	pdfinfo := testtool.Require(t, "pdfinfo")
	dir := t.TempDir()
	writeSample(t, dir)
	in := sampleInput()
	for _, r := range in.Results {
		path := filepath.Join(dir, "feedback", FeedbackFileName(r.Member.ID))
		if out, err := exec.Command(qpdf, "--check", path).CombinedOutput(); err != nil {
			t.Errorf("qpdf --check %s: %v\n%s", path, err, out)
		}
		text, err := exec.Command(pdftotext, "-layout", path, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext %s: %v", path, err)
		}
		for _, want := range []string{r.Member.Name, r.Member.ID, "pre-screen", "Page 1 of"} {
			if !strings.Contains(string(text), want) {
				t.Errorf("%s: text lacks %q", path, want)
			}
		}
		for _, s := range r.Standards {
			if !strings.Contains(string(text), styleOf(s.Verdict).words) {
				t.Errorf("%s: text lacks standard %d's verdict %s", path, s.Standard, s.Verdict)
			}
		}
		info, err := exec.Command(pdfinfo, path).Output()
		if err != nil {
			t.Fatal(err)
		}
		pages := regexp.MustCompile(`Pages:\s+(\d+)`).FindSubmatch(info)
		n, _ := strconv.Atoi(string(pages[1]))
		if n < 1 || n > 3 {
			t.Errorf("%s: %d pages, want 1 to 3", path, n)
		}
		for _, want := range []string{"Author:          Institution of Environmental Sciences", "Creator:         cpdaudit 1.2.3-test", "Title:           CPD feedback 2025"} {
			if !strings.Contains(string(info), want) {
				t.Errorf("%s: pdfinfo lacks %q:\n%s", path, want, info)
			}
		}
	}
	// The four Latin-script names, and Ŵ, come back as text.
	var all strings.Builder
	for _, r := range in.Results {
		out, _ := exec.Command(pdftotext, filepath.Join(dir, "feedback", FeedbackFileName(r.Member.ID)), "-").Output()
		all.Write(out)
	}
	for _, name := range []string{"Zoë", "Łukasz", "Siân", "Ŵyn", "Đặng"} {
		if !strings.Contains(all.String(), name) {
			t.Errorf("no PDF text contains %q", name)
		}
	}
}

func TestPDFConcurrentSharedFonts(t *testing.T) {
	fonts := mustFonts(t)
	r := richMember()
	want := render(t, func(w io.Writer, _ Input) error { return WritePDF(w, r, fonts, PDFOptions{Created: testCreated}) }, Input{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			var b bytes.Buffer
			if err := WritePDF(&b, r, fonts, PDFOptions{Created: testCreated}); err != nil {
				t.Error(err)
			}
			if !bytes.Equal(b.Bytes(), want) {
				t.Error("concurrent writers sharing Fonts gave different bytes")
			}
		})
	}
	wg.Wait()
}

func TestPDFOddText(t *testing.T) {
	r := richMember()
	r.Member.Name = strings.Repeat("Bartholomew-Featherstonehaugh ", 8) + "😀\t\x00"
	r.Activities[0].Title = strings.Repeat("A very long title that goes on and on ", 80)
	r.Member.Grade = audit.GradeUnknown
	r.Activities = append(r.Activities, r.Activities...)
	r.Activities = append(r.Activities, r.Activities...)
	var b bytes.Buffer
	if err := WritePDF(&b, r, mustFonts(t), PDFOptions{}); err != nil {
		t.Fatal(err)
	}
	if b.Len() == 0 {
		t.Fatal("empty PDF")
	}
}

func BenchmarkWritePDF(b *testing.B) {
	fonts := mustFonts(b)
	r := richMember()
	opts := PDFOptions{Version: "bench", Created: testCreated}
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := WritePDF(&buf, r, fonts, opts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes/pdf")
}

func BenchmarkLoadFonts(b *testing.B) {
	for b.Loop() {
		if _, err := LoadFonts(); err != nil {
			b.Fatal(err)
		}
	}
}

// TestWriteSampleOutputs writes the hand-built sample's outputs into the
// folder named by CPDAUDIT_SAMPLE_OUT, for docs/make-screenshots.sh until a
// real sample run exists:
//
//	CPDAUDIT_SAMPLE_OUT=/tmp/out go test ./report/ -run SampleOutputs
//	docs/make-screenshots.sh /tmp/out IES-01234
func TestWriteSampleOutputs(t *testing.T) {
	dir := os.Getenv("CPDAUDIT_SAMPLE_OUT")
	if dir == "" {
		t.Skip("set CPDAUDIT_SAMPLE_OUT to write the sample outputs")
	}
	writeSample(t, dir)
}

// TestHoursNeverNegativeZero: an exempt member's required hours come out of
// 30 x 0 / 12 rounded up, which can be -0; no cell may read "-0".
func TestHoursNeverNegativeZero(t *testing.T) {
	for _, h := range []float64{math.Copysign(0, -1), -0.001, 0} {
		if got := formatHours(h); got != "0" {
			t.Errorf("formatHours(%g) = %q, want 0", h, got)
		}
	}
}

// TestPolicyFromRunJSON reads back the policy run.json records, so the
// review steps apply the very rules and letterhead of the run.
func TestPolicyFromRunJSON(t *testing.T) {
	p := audit.DefaultPolicy()
	p.Hours.Required = 20
	p.Letterhead.ContactEmail = "cpd@example.org"
	p.Letterhead.Address = []string{"1 Example Street", "London"}
	rec := NewRunRecord(Input{Version: "t", Year: 2025, Policy: p})
	b, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		Policy json.RawMessage `json:"policy"`
	}
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	got, err := PolicyFromRunJSON(back.Policy)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, p) {
		t.Errorf("read back\n%+v\nwant\n%+v", got, p)
	}
	// An older run.json without a letterhead keeps the default one.
	got, err = PolicyFromRunJSON(json.RawMessage(`{"hours":{"required":25}}`))
	if err != nil || got.Hours.Required != 25 || got.Letterhead.Organisation != audit.DefaultPolicy().Letterhead.Organisation {
		t.Errorf("older record: %+v, %v", got, err)
	}
}

// TestResultsRoundTrip: the results file gives back every member's result
// as audited, in order, so finalize writes the same feedback the run did.
func TestResultsRoundTrip(t *testing.T) {
	in := sampleInput()
	write := func() []byte {
		var b bytes.Buffer
		rw, err := NewResultsWriter(&b, in.Version, in.Year)
		if err != nil {
			t.Fatal(err)
		}
		for i := range in.Results {
			if err := rw.Add(&in.Results[i]); err != nil {
				t.Fatal(err)
			}
		}
		if err := rw.Close(); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	data := write()
	if !bytes.Equal(data, write()) {
		t.Error("the same results gave different bytes")
	}
	path := filepath.Join(t.TempDir(), ResultsFile)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	var got []audit.MemberResult
	if err := ReadResults(path, func(r audit.MemberResult) error { got = append(got, r); return nil }); err != nil {
		t.Fatal(err)
	}
	// Compared as JSON: a time read back equals the one written but is
	// not represented the same way inside time.Time.
	a, _ := json.Marshal(got)
	b, _ := json.Marshal(in.Results)
	if len(got) != len(in.Results) || !bytes.Equal(a, b) {
		t.Errorf("read back %d results that differ from the %d written", len(got), len(in.Results))
	}
	if err := ReadResults(filepath.Join(t.TempDir(), ResultsFile), func(audit.MemberResult) error { return nil }); err == nil || !strings.Contains(err.Error(), "older cpdaudit") {
		t.Errorf("a missing results file: %v", err)
	}
}

// writeFile writes a file of the sample output.
func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
