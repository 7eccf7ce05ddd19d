package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ies/cpdaudit/report"
	"github.com/ies/cpdaudit/review"
)

type pageTemplate struct{ t *template.Template }

var funcs = template.FuncMap{
	"pct":  func(f float64) string { return strconv.FormatFloat(100*f, 'f', 0, 64) + "%" },
	"path": func(parts ...string) string { return pathFor(parts...) },
	"plural": func(n int, one, many string) string {
		if n == 1 {
			return one
		}
		return many
	},
	"size": sizeText,
	"inc":  func(i int) int { return i + 1 },
	"outcomeClass": func(v any) string {
		return "v-" + strings.ToLower(strings.ReplaceAll(fmt.Sprint(v), "_", ""))
	},
}

func parsePages() (map[string]*pageTemplate, error) {
	names, err := assetsGlob("templates/*.html")
	if err != nil {
		return nil, err
	}
	out := map[string]*pageTemplate{}
	for _, n := range names {
		base := filepath.Base(n)
		if base == "base.html" {
			continue
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(assets, "templates/base.html", n)
		if err != nil {
			return nil, err
		}
		out[strings.TrimSuffix(base, ".html")] = &pageTemplate{t}
	}
	return out, nil
}

func assetsGlob(pattern string) ([]string, error) {
	entries, err := assets.ReadDir(filepath.Dir(pattern))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if ok, _ := filepath.Match(filepath.Base(pattern), e.Name()); ok {
			out = append(out, filepath.Dir(pattern)+"/"+e.Name())
		}
	}
	return out, nil
}

// page is what every template gets.
type page struct {
	Title   string
	CSRF    string
	A       *Audit
	Nav     string
	Error   string
	Version string
	D       any
}

// Steps are the audit's pages, in the year's order, for the navigation.
type navStep struct {
	Key, Label, Href string
	Ready, Current   bool
}

func (p page) Steps() []navStep {
	if p.A == nil {
		return nil
	}
	a := p.A
	id := a.ID
	steps := []navStep{
		{"check", "1. Check", pathFor("audits", id, "check"), !a.CLI, false},
		{"run", "2. Run", pathFor("audits", id, "run"), !a.CLI, false},
		{"results", "3. Results", pathFor("audits", id, "results"), a.HasRun(), false},
		{"sample", "4. Sample", pathFor("audits", id, "sample"), a.HasRun(), false},
		{"decisions", "5. Decisions", pathFor("audits", id, "decisions"), a.HasSample() || a.HasFinal(), false},
		{"final", "6. Final", pathFor("audits", id, "final"), a.HasFinal(), false},
		{"downloads", "Downloads", pathFor("audits", id, "downloads"), a.HasRun(), false},
	}
	for i := range steps {
		steps[i].Current = steps[i].Key == p.Nav
	}
	return steps
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	t := s.pages[name]
	if t == nil {
		http.Error(w, "no page "+name, http.StatusInternalServerError)
		return
	}
	p.CSRF, p.Version = s.csrf, s.opt.Version
	var b strings.Builder
	if err := t.t.ExecuteTemplate(&b, "base.html", p); err != nil {
		s.logf("page %s: %v", name, err)
		http.Error(w, "The page could not be shown: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write([]byte(b.String()))
}

func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		apiError(w, status, msg)
		return
	}
	s.render(w, r, status, "error", page{Title: http.StatusText(status), Error: msg})
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request, msg string) {
	s.errorPage(w, r, http.StatusNotFound, msg)
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	s.logf("%s %s: %v", r.Method, r.URL.Path, err)
	s.errorPage(w, r, http.StatusInternalServerError, err.Error())
}

// refused answers an upload error with its status, any other error as a
// failure.
func (s *Server) refused(w http.ResponseWriter, r *http.Request, err error) {
	var ue *uploadError
	if errors.As(err, &ue) {
		s.errorPage(w, r, ue.status, ue.msg)
		return
	}
	s.fail(w, r, err)
}

type homeData struct {
	Audits   []*Audit
	Previous []*Audit
	Year     int
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	all := listAudits(s.opt.Data)
	var prev []*Audit
	for _, a := range all {
		if a.HasRun() {
			prev = append(prev, a)
		}
	}
	s.render(w, r, http.StatusOK, "home", page{Title: "CPD audits", D: homeData{Audits: all, Previous: prev, Year: time.Now().Year() - 1}})
}

func (s *Server) openAudit(w http.ResponseWriter, r *http.Request) {
	a := s.audit(w, r)
	if a == nil {
		return
	}
	step := "check"
	switch {
	case a.HasFinal():
		step = "final"
	case a.HasSample():
		step = "sample"
	case a.HasRun():
		step = "results"
	}
	http.Redirect(w, r, pathFor("audits", a.ID, step), http.StatusSeeOther)
}

// inputs are the audit's files as the pipeline reads them.
func (s *Server) inputs(a *Audit) Inputs {
	in := Inputs{Year: a.Year}
	for _, f := range a.Inputs {
		in.Files = append(in.Files, filepath.Join(a.Dir, inputsSub, f.Name))
	}
	if a.Register != nil {
		in.Register = filepath.Join(a.Dir, registerSub, a.Register.Name)
	}
	if a.Policy != nil {
		in.Policy = filepath.Join(a.Dir, policySub, a.Policy.Name)
	}
	if a.Previous != "" {
		if p, err := loadAudit(s.opt.Data, a.Previous); err == nil && p.HasRun() {
			in.Previous = p.RunDir()
		}
	}
	return in
}

// check runs the pipeline's check on the audit's files and keeps the
// result, with the files named as they were uploaded.
func (s *Server) check(ctx context.Context, a *Audit, p Progress) {
	res, err := s.opt.Pipeline.Check(ctx, s.inputs(a), p)
	if err != nil {
		res = &CheckResult{Error: s.tidy(a, err.Error())}
	}
	for i := range res.Issues {
		res.Issues[i].File = s.tidy(a, res.Issues[i].File)
		res.Issues[i].Problem = s.tidy(a, res.Issues[i].Problem)
	}
	for i := range res.Notices {
		res.Notices[i] = s.tidy(a, res.Notices[i])
	}
	a.Check = res
}

// tidy replaces the stored paths of the audit's files in a message by the
// names they were uploaded with.
func (s *Server) tidy(a *Audit, msg string) string {
	repl := []string{}
	add := func(sub string, f StoredFile) {
		repl = append(repl, filepath.Join(a.Dir, sub, f.Name), f.Original)
	}
	for _, f := range a.Inputs {
		add(inputsSub, f)
	}
	if a.Register != nil {
		add(registerSub, *a.Register)
	}
	if a.Policy != nil {
		add(policySub, *a.Policy)
	}
	for _, f := range a.Decisions {
		add(decisionsSub, f)
	}
	repl = append(repl, a.Dir+string(filepath.Separator), "")
	return strings.NewReplacer(repl...).Replace(msg)
}

// formYear reads the year field: empty for "take it from the data".
func formYear(v string) (int, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, nil
	}
	y, err := strconv.Atoi(v)
	if err != nil || y < 1990 || y > 2200 {
		return 0, refuse(http.StatusBadRequest, "The CPD year %q is not a year: write it as four digits, e.g. 2025, or leave it empty to take it from the data.", v)
	}
	return y, nil
}

// createFrom makes a new audit from an upload form, whose files are in
// its hidden staging folder: that folder becomes the audit's and is moved
// into place whole, so the data folder never holds half an audit. Unless
// async, the files are checked first (the API answers with the check);
// the page checks them in the background afterwards.
func (s *Server) createFrom(ctx context.Context, f *form, async bool) (*Audit, error) {
	defer f.discard() // gone once moved into place
	year, err := formYear(f.value("year"))
	if err != nil {
		return nil, err
	}
	if len(f.files["exports"]) == 0 {
		return nil, refuse(http.StatusBadRequest, "Choose the year's exports (CSV or Excel files) to upload.")
	}
	if len(f.files["register"]) > 1 || len(f.files["policy"]) > 1 {
		return nil, refuse(http.StatusBadRequest, "Give one member register and at most one policy file.")
	}
	prev := strings.TrimSpace(f.value("previous"))
	if prev != "" {
		p, err := loadAudit(s.opt.Data, prev)
		if err != nil || !p.HasRun() {
			return nil, refuse(http.StatusBadRequest, "There is no earlier audit %q with results to compare with.", prev)
		}
	}
	// The form's staging folder becomes the audit's folder.
	a := &Audit{Dir: f.stage, Meta: Meta{Year: year, Created: time.Now().UTC().Format(time.DateOnly), Previous: prev}}
	if err := os.Rename(f.dir("exports"), filepath.Join(a.Dir, inputsSub)); err != nil {
		return nil, err
	}
	a.Inputs = f.files["exports"]
	if r := f.files["register"]; len(r) == 1 {
		a.Register = &r[0]
	}
	if p := f.files["policy"]; len(p) == 1 {
		a.Policy = &p[0]
	}
	if !async {
		s.check(ctx, a, noProgress{})
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a.ID = s.newID(a.Year)
	if err := saveMeta(a); err != nil {
		return nil, err
	}
	final := filepath.Join(s.opt.Data, a.ID)
	if err := os.Rename(a.Dir, final); err != nil {
		return nil, err
	}
	// The stored paths in the check's messages named the hidden folder.
	a.Dir = final
	return a, nil
}

// Fields of the upload forms, and what each file field may hold.
var (
	auditFields     = map[string]kind{"exports": kindTable, registerSub: kindTable, policySub: kindPolicy}
	decisionsFields = map[string]kind{decisionsSub: kindWorkbook}
)

// readPageForm reads an upload form of the page into a staging folder in
// parent, answering itself when it is refused.
func (s *Server) readPageForm(w http.ResponseWriter, r *http.Request, parent string, fields map[string]kind) (*form, bool) {
	r.Body = http.MaxBytesReader(w, r.Body, s.opt.Limits.Request)
	f, err := readForm(r, parent, fields, s.opt.Limits, s.csrf)
	if err != nil {
		s.refused(w, r, err)
		return nil, false
	}
	return f, true
}

// newID is audit-YEAR, or audit-YEAR-2 ... when taken; s.mu is held.
func (s *Server) newID(year int) string {
	base := "audit"
	if year > 0 {
		base = fmt.Sprintf("audit-%d", year)
	}
	id := base
	for i := 2; ; i++ {
		if _, err := os.Lstat(filepath.Join(s.opt.Data, id)); errors.Is(err, os.ErrNotExist) {
			return id
		}
		id = fmt.Sprintf("%s-%d", base, i)
	}
}

func (s *Server) createAudit(w http.ResponseWriter, r *http.Request) {
	f, ok := s.readPageForm(w, r, s.opt.Data, auditFields)
	if !ok {
		return
	}
	a, err := s.createFrom(r.Context(), f, true)
	if err != nil {
		s.refused(w, r, err)
		return
	}
	// The check goes on in the background; its page follows it.
	if err := s.startCheck(a); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, pathFor("audits", a.ID, "check"), http.StatusSeeOther)
}

func (s *Server) checkPage(w http.ResponseWriter, r *http.Request) {
	a := s.audit(w, r)
	if a == nil {
		return
	}
	if a.CLI {
		http.Redirect(w, r, pathFor("audits", a.ID, "results"), http.StatusSeeOther)
		return
	}
	st, _ := s.jobState(a.ID)
	if st.Kind != kindCheck {
		st = State{}
	}
	s.render(w, r, http.StatusOK, "check", page{Title: "Check the files", A: a, Nav: "check", D: runData{State: st}})
}

// replaceFiles is "fix and upload again": the exports given replace all
// the earlier ones, a register or policy given replaces the earlier one;
// then the files are checked again.
func (s *Server) replaceFiles(w http.ResponseWriter, r *http.Request) {
	a := s.audit(w, r)
	if a == nil {
		return
	}
	if a.CLI {
		s.errorPage(w, r, http.StatusConflict, "This audit was run with the command line; its files are not here.")
		return
	}
	if s.busy(w, r, a) {
		return
	}
	f, ok := s.readPageForm(w, r, a.Dir, auditFields)
	if !ok {
		return
	}
	defer f.discard()
	err := s.replace(a, f)
	if err == nil {
		// The new files are in place: say so at once, so a server stopped
		// during the check leaves an audit whose list is true (to be
		// checked again), never one naming files that are gone.
		a.Check = nil
		s.mu.Lock()
		err = saveMeta(a)
		s.mu.Unlock()
	}
	if err != nil {
		s.refused(w, r, err)
		return
	}
	s.recheck(w, r, a)
}

// recheck checks the audit's files again, in the background, and shows
// the check page, which follows it.
func (s *Server) recheck(w http.ResponseWriter, r *http.Request, a *Audit) {
	if err := s.startCheck(a); err != nil {
		s.errorPage(w, r, http.StatusConflict, err.Error())
		return
	}
	http.Redirect(w, r, pathFor("audits", a.ID, "check"), http.StatusSeeOther)
}

// noProgress is the progress of a check nobody follows.
type noProgress struct{}

func (noProgress) Progress(string, int, int) {}

// checkAgain is "Check the files" on an audit whose check did not finish.
func (s *Server) checkAgain(w http.ResponseWriter, r *http.Request) {
	a := s.audit(w, r)
	if a == nil || !s.checkForm(w, r) {
		return
	}
	if a.CLI || s.busy(w, r, a) {
		if a.CLI {
			s.errorPage(w, r, http.StatusConflict, "This audit was run with the command line; its files are not here.")
		}
		return
	}
	s.recheck(w, r, a)
}

// replace swaps the uploaded files in, each field's folder whole: the
// exports given replace all the earlier ones, a register or policy the
// earlier one.
func (s *Server) replace(a *Audit, f *form) error {
	if len(f.files) == 0 {
		return refuse(http.StatusBadRequest, "Choose the corrected files to upload.")
	}
	if len(f.files["register"]) > 1 || len(f.files["policy"]) > 1 {
		return refuse(http.StatusBadRequest, "Give one member register and at most one policy file.")
	}
	for _, field := range []string{"exports", registerSub, policySub} {
		got := f.files[field]
		if len(got) == 0 {
			continue
		}
		sub := map[string]string{"exports": inputsSub}[field]
		if sub == "" {
			sub = field
		}
		if err := swapDir(f.dir(field), filepath.Join(a.Dir, sub)); err != nil {
			return err
		}
		switch field {
		case "exports":
			a.Inputs = got
		case registerSub:
			a.Register = &got[0]
		case policySub:
			a.Policy = &got[0]
		}
	}
	return nil
}

// swapDir puts the folder stage in place of dst, removing the old one.
func swapDir(stage, dst string) error {
	old := stage + ".old"
	if err := os.Rename(dst, old); err != nil && !errors.Is(err, os.ErrNotExist) {
		os.RemoveAll(stage)
		return err
	}
	if err := os.Rename(stage, dst); err != nil {
		os.Rename(old, dst)
		os.RemoveAll(stage)
		return err
	}
	return os.RemoveAll(old)
}

// busy answers 409 and returns true while a run of the audit is going
// on: its files and run folder must not change under it.
func (s *Server) busy(w http.ResponseWriter, r *http.Request, a *Audit) bool {
	if st, _ := s.jobState(a.ID); st.Running {
		s.errorPage(w, r, http.StatusConflict, "A run of this audit is going on: wait for it to finish, or stop it on the Run page.")
		return true
	}
	return false
}

func (s *Server) startRun(w http.ResponseWriter, r *http.Request) {
	a := s.audit(w, r)
	if a == nil || !s.checkForm(w, r) {
		return
	}
	if err := s.start(a); err != nil {
		if st, _ := s.jobState(a.ID); !errors.Is(err, errBusy) || st.Kind != kindRun {
			s.errorPage(w, r, http.StatusConflict, "The audit cannot be run now: "+err.Error()+".")
			return
		}
	}
	http.Redirect(w, r, pathFor("audits", a.ID, "run"), http.StatusSeeOther)
}

func (s *Server) cancelRun(w http.ResponseWriter, r *http.Request) {
	a := s.audit(w, r)
	if a == nil || !s.checkForm(w, r) {
		return
	}
	s.stop(a.ID)
	http.Redirect(w, r, pathFor("audits", a.ID, "run"), http.StatusSeeOther)
}

type runData struct {
	State State
}

func (s *Server) runPage(w http.ResponseWriter, r *http.Request) {
	s.jobPage(w, r, kindRun, "run", "Run the audit")
}

// jobPage shows the page (template and step name) of a step that runs in
// the background, with the state of the audit's job when it is that
// step's (kind).
func (s *Server) jobPage(w http.ResponseWriter, r *http.Request, kind, name, title string) {
	a := s.audit(w, r)
	if a == nil {
		return
	}
	st, _ := s.jobState(a.ID)
	if st.Kind != kind {
		st = State{}
	}
	s.render(w, r, http.StatusOK, name, page{Title: title, A: a, Nav: name, D: runData{State: st}})
}

// pageSize is how many members the results table shows at once: a page
// of 100,000 rows would take a browser minutes to draw.
var pageSize = 200

type resultsData struct {
	V                  *runView
	Rows               []memberRow
	Matched            int
	From, To           int
	Prev, Next         string
	Q, Outcome, Grade  string
	Grades             []string
	OutcomeChart       template.HTML
	GradeChart         template.HTML
	StandardChart      template.HTML
	Met, Rev, Not, Exe int
}

func (s *Server) resultsPage(w http.ResponseWriter, r *http.Request) {
	a := s.auditWithRun(w, r)
	if a == nil {
		return
	}
	v, err := s.cache.load(a.RunDir())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	d := resultsData{V: v, Q: strings.TrimSpace(q.Get("q")), Outcome: q.Get("outcome"), Grade: q.Get("grade")}
	grades := map[string]bool{}
	needle := strings.ToLower(d.Q)
	for _, m := range v.Rows {
		grades[string(m.Grade)] = true
		if d.Outcome != "" && string(m.Outcome) != d.Outcome {
			continue
		}
		// "-" is the members whose grade is not known.
		if d.Grade != "" && string(m.Grade) != strings.TrimPrefix(d.Grade, "-") {
			continue
		}
		if needle != "" && !strings.Contains(strings.ToLower(m.ID+" "+m.Name+" "+m.Flags), needle) {
			continue
		}
		d.Rows = append(d.Rows, m)
	}
	d.Matched = len(d.Rows)
	pg, _ := strconv.Atoi(q.Get("page"))
	pg = max(1, min(pg, (d.Matched+pageSize-1)/pageSize))
	d.From, d.To = (pg-1)*pageSize, min(pg*pageSize, d.Matched)
	d.Rows = d.Rows[d.From:d.To]
	link := func(p int) string {
		v := url.Values{}
		for _, k := range []string{"q", "outcome", "grade"} {
			if q.Get(k) != "" {
				v.Set(k, q.Get(k))
			}
		}
		v.Set("page", strconv.Itoa(p))
		return pathFor("audits", a.ID, "results") + "?" + v.Encode() + "#members"
	}
	if pg > 1 {
		d.Prev = link(pg - 1)
	}
	if d.To < d.Matched {
		d.Next = link(pg + 1)
	}
	for g := range grades {
		d.Grades = append(d.Grades, g)
	}
	slices.Sort(d.Grades)
	c := v.Compliance
	d.Met, d.Rev, d.Not, d.Exe = c.Overall.Met, c.Overall.Review, c.Overall.NotMet, c.Overall.Exempt
	d.OutcomeChart = barChart("Outcomes of all members", []report.Tally{c.Overall})
	d.GradeChart = barChart("Outcomes per membership grade", c.Grades)
	d.StandardChart = barChart("Verdicts per standard", c.Standards[:])
	s.render(w, r, http.StatusOK, "results", page{Title: "Results", A: a, Nav: "results", D: d})
}

type memberData struct {
	M                     memberRow
	Feedback, Letter, FFB bool
}

func (s *Server) member(w http.ResponseWriter, r *http.Request, a *Audit) (memberRow, bool) {
	v, err := s.cache.load(a.RunDir())
	if err != nil {
		s.notFound(w, r, "This audit has no results yet.")
		return memberRow{}, false
	}
	m, ok := v.Run.Lookup(r.PathValue("member"))
	if !ok {
		s.notFound(w, r, "There is no member "+r.PathValue("member")+" in this audit.")
		return memberRow{}, false
	}
	i := slices.IndexFunc(v.Rows, func(x memberRow) bool { return x.ID == m.ID })
	return v.Rows[i], true
}

func (s *Server) memberPage(w http.ResponseWriter, r *http.Request) {
	a := s.audit(w, r)
	if a == nil {
		return
	}
	m, ok := s.member(w, r, a)
	if !ok {
		return
	}
	d := memberData{M: m}
	name := report.FeedbackFileName(m.ID)
	d.Feedback = fileExists(filepath.Join(a.RunDir(), "feedback", name))
	d.Letter = fileExists(filepath.Join(a.RunDir(), "final", name))
	d.FFB = fileExists(filepath.Join(a.RunDir(), "final", "feedback", name))
	s.render(w, r, http.StatusOK, "member", page{Title: "Member " + m.ID, A: a, Nav: "results", D: d})
}

// memberPDF serves a member's PDF. The path is made from the member's id
// as the run folder knows it, never from the address.
func (s *Server) memberPDF(w http.ResponseWriter, r *http.Request) {
	a := s.audit(w, r)
	if a == nil {
		return
	}
	m, ok := s.member(w, r, a)
	if !ok {
		return
	}
	name := report.FeedbackFileName(m.ID)
	var rel string
	switch r.PathValue("doc") {
	case "feedback.pdf":
		rel = filepath.Join("feedback", name)
	case "letter.pdf":
		rel = filepath.Join("final", name)
	case "final-feedback.pdf":
		rel = filepath.Join("final", "feedback", name)
	default:
		s.notFound(w, r, "There is no such document.")
		return
	}
	s.serveFile(w, r, a, rel, "application/pdf", false)
}

func fileExists(p string) bool {
	fi, err := os.Lstat(p)
	return err == nil && fi.Mode().IsRegular()
}

type sampleData struct {
	State     State
	Rows      []map[string]string
	Form      SampleRequest
	CanExcl   bool
	PrevTitle string
}

func (s *Server) sampleData(a *Audit, form SampleRequest) (sampleData, error) {
	d := sampleData{Form: form}
	if st, _ := s.jobState(a.ID); st.Kind == kindSample {
		d.State = st
	}
	if a.Previous != "" {
		if p, err := loadAudit(s.opt.Data, a.Previous); err == nil && p.HasSample() {
			d.CanExcl, d.PrevTitle = true, p.Title()
		}
	}
	rows, err := readCSVFile(a.RunDir(), "sample.csv")
	d.Rows = rows
	return d, err
}

func (s *Server) samplePage(w http.ResponseWriter, r *http.Request) {
	a := s.auditWithRun(w, r)
	if a == nil {
		return
	}
	form := SampleRequest{Rate: "5%", Stratify: true}
	if a.Sample != nil {
		form.Rate, form.Seed = a.Sample.Rate, a.Sample.Seed
	}
	d, err := s.sampleData(a, form)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "sample", page{Title: "Sample", A: a, Nav: "sample", D: d})
}

func (s *Server) drawSample(w http.ResponseWriter, r *http.Request) {
	a := s.audit(w, r)
	if a == nil || !s.checkForm(w, r) {
		return
	}
	if !a.HasRun() {
		s.errorPage(w, r, http.StatusConflict, "Run the audit before drawing the sample.")
		return
	}
	if s.busy(w, r, a) {
		return
	}
	req, err := s.sampleRequest(a, r.PostFormValue)
	if err != nil {
		s.sampleError(w, r, a, req, err.Error())
		return
	}
	if err := s.startSample(a, req); err != nil {
		s.errorPage(w, r, http.StatusConflict, err.Error())
		return
	}
	http.Redirect(w, r, pathFor("audits", a.ID, "sample"), http.StatusSeeOther)
}

// sampleRequest reads the sample's options from a form (rate, seed, min,
// stratify, exclude) and checks them at once, before the draw goes on in
// the background.
func (s *Server) sampleRequest(a *Audit, val func(string) string) (SampleRequest, error) {
	req := SampleRequest{Rate: strings.TrimSpace(val("rate")), Seed: strings.TrimSpace(val("seed")), Stratify: val("stratify") != ""}
	if v := strings.TrimSpace(val("min")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return req, refuse(http.StatusBadRequest, "The least number of MET members must be a whole number, 0 or more.")
		}
		req.Min = n
	}
	if val("exclude") != "" && a.Previous != "" {
		if p, err := loadAudit(s.opt.Data, a.Previous); err == nil && p.HasSample() {
			req.Exclude = []string{p.RunDir()}
		}
	}
	if _, err := review.ParseRate(req.Rate); err != nil {
		return req, refuse(http.StatusBadRequest, "The share of MET members to review: %v.", err)
	}
	if _, err := strconv.ParseUint(req.Seed, 10, 64); req.Seed != "" && err != nil {
		return req, refuse(http.StatusBadRequest, "The seed %q is not a whole number: leave it empty for a random draw.", req.Seed)
	}
	return req, nil
}

// startSample draws the sample in the background.
func (s *Server) startSample(a *Audit, req SampleRequest) error {
	return s.launch(a.ID, kindSample, func(ctx context.Context, j *job) error {
		res, err := s.opt.Pipeline.Sample(ctx, a.RunDir(), req, j)
		if err != nil {
			if ctx.Err() != nil {
				return err
			}
			return errors.New(s.tidy(a, err.Error()))
		}
		s.update(a, func(cur *Audit) { cur.Sample, cur.Final = res, nil })
		return nil
	})
}

func (s *Server) sampleError(w http.ResponseWriter, r *http.Request, a *Audit, req SampleRequest, msg string) {
	d, _ := s.sampleData(a, req)
	s.render(w, r, http.StatusBadRequest, "sample", page{Title: "Sample", A: a, Nav: "sample", Error: msg, D: d})
}

func (s *Server) decisionsPage(w http.ResponseWriter, r *http.Request) {
	s.jobPage(w, r, kindFinal, "decisions", "Decisions")
}

// decisionsDir is where the assessors' workbooks are kept: the audit's
// folder, or beside the results of a run made with the command line.
func decisionsDir(a *Audit) string {
	if a.CLI {
		return filepath.Join(a.Dir, "decisions-uploaded")
	}
	return filepath.Join(a.Dir, decisionsSub)
}

func (s *Server) uploadDecisions(w http.ResponseWriter, r *http.Request) {
	a := s.audit(w, r)
	if a == nil {
		return
	}
	f, ok := s.readPageForm(w, r, a.Dir, decisionsFields)
	if !ok {
		return
	}
	defer f.discard()
	if !a.HasRun() {
		s.errorPage(w, r, http.StatusConflict, "Run the audit and draw the sample before uploading decisions.")
		return
	}
	if s.busy(w, r, a) {
		return
	}
	if len(f.files[decisionsSub]) == 0 {
		s.render(w, r, http.StatusBadRequest, "decisions", page{Title: "Decisions", A: a, Nav: "decisions", Error: "Choose the assessors' workbooks (.xlsx) to upload.", D: runData{}})
		return
	}
	if err := s.startFinalize(a, f); err != nil {
		s.refused(w, r, err)
		return
	}
	// The decisions page follows the letters being written.
	http.Redirect(w, r, pathFor("audits", a.ID, "decisions"), http.StatusSeeOther)
}

// startFinalize puts the uploaded decisions workbooks in place and writes
// the final letters in the background.
func (s *Server) startFinalize(a *Audit, f *form) error {
	got := f.files[decisionsSub]
	if err := swapDir(f.dir(decisionsSub), decisionsDir(a)); err != nil {
		return err
	}
	a.Decisions = got
	var paths []string
	for _, f := range got {
		paths = append(paths, filepath.Join(decisionsDir(a), f.Name))
	}
	// Kept now, so a server stopped while the letters are written still
	// names the files uploaded.
	s.update(a, func(cur *Audit) { cur.Decisions = got })
	err := s.launch(a.ID, kindFinal, func(ctx context.Context, j *job) error {
		res, err := s.opt.Pipeline.Finalize(ctx, a.RunDir(), paths, j)
		if err != nil {
			if ctx.Err() != nil {
				return err
			}
			return errors.New(s.tidyDecisions(a, err.Error()))
		}
		for i := range res.Problems {
			res.Problems[i].File = s.tidyDecisions(a, res.Problems[i].File)
		}
		s.update(a, func(cur *Audit) { cur.Final = res })
		return nil
	})
	if err != nil {
		return refuse(http.StatusConflict, "%v", err)
	}
	return nil
}

func (s *Server) tidyDecisions(a *Audit, msg string) string {
	var repl []string
	for _, f := range a.Decisions {
		repl = append(repl, filepath.Join(decisionsDir(a), f.Name), f.Original)
	}
	repl = append(repl, a.Dir+string(filepath.Separator), "")
	return strings.NewReplacer(repl...).Replace(msg)
}

type finalData struct {
	Rows     []map[string]string
	Problems []map[string]string
	Letters  int
	Outcomes []kv
}

type kv struct {
	K string
	V int
}

func (s *Server) finalPage(w http.ResponseWriter, r *http.Request) {
	a := s.audit(w, r)
	if a == nil {
		return
	}
	if !a.HasFinal() {
		http.Redirect(w, r, pathFor("audits", a.ID, "decisions"), http.StatusSeeOther)
		return
	}
	rows, err := readCSVFile(a.RunDir(), "final-summary.csv")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	letters, err := readCSVFile(a.RunDir(), "letters.csv")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := finalData{Rows: rows}
	has := map[string]bool{}
	for _, l := range letters {
		if l["letter"] != "" {
			has[l["member_id"]] = true
			d.Letters++
		}
	}
	count := map[string]int{}
	for _, row := range rows {
		row["decisions_file"] = s.tidyDecisions(a, row["decisions_file"])
		row["problem"] = s.tidyDecisions(a, row["problem"])
		if has[row["member_id"]] {
			row["has_letter"] = "yes"
		}
		if row["problem"] != "" {
			d.Problems = append(d.Problems, row)
			continue
		}
		count[row["final_outcome"]]++
	}
	for _, k := range []string{"MET", "NOT_MET", "EXEMPT", "REVIEW"} {
		d.Outcomes = append(d.Outcomes, kv{k, count[k]})
	}
	s.render(w, r, http.StatusOK, "final", page{Title: "Final outcomes and letters", A: a, Nav: "final", D: d})
}
