package web

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/ies/cpdaudit/report"
	"github.com/ies/cpdaudit/runfolder"
)

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

func apiError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

// apiAudit is an audit as the API describes it.
type apiAudit struct {
	ID       string       `json:"id"`
	Year     int          `json:"year"`
	Step     string       `json:"step"`
	Created  string       `json:"created,omitempty"`
	Inputs   []StoredFile `json:"inputs"`
	Register *StoredFile  `json:"register"`
	Previous string       `json:"previous,omitempty"`
	Progress State        `json:"progress"`
	RunError string       `json:"run_error,omitempty"`
	Check    *CheckResult `json:"check,omitempty"`
	URL      string       `json:"url"`
}

func (s *Server) describe(a *Audit, withCheck bool) apiAudit {
	st, _ := s.jobState(a.ID)
	d := apiAudit{ID: a.ID, Year: a.Year, Step: a.Step(), Created: a.Created, Inputs: a.Inputs, Register: a.Register,
		Previous: a.Previous, Progress: st, RunError: a.RunError, URL: pathFor("audits", a.ID)}
	if st.Running {
		d.Step = map[string]string{kindCheck: "checking", kindRun: "running", kindSample: "sampling", kindFinal: "finalizing"}[st.Kind]
	}
	if d.Inputs == nil {
		d.Inputs = []StoredFile{}
	}
	if withCheck {
		d.Check = a.Check
	}
	return d
}

func (s *Server) apiList(w http.ResponseWriter, r *http.Request) {
	out := []apiAudit{}
	for _, a := range listAudits(s.opt.Data) {
		out = append(out, s.describe(a, false))
	}
	writeJSON(w, http.StatusOK, out)
}

// apiCreate makes an audit from a multipart upload (fields year, exports,
// register, policy, previous) and checks it; with run=1 it also starts
// the run when the check found nothing to fix.
func (s *Server) apiCreate(w http.ResponseWriter, r *http.Request) {
	if !s.apiCheck(w, r) {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.opt.Limits.Request)
	f, err := readForm(r, s.opt.Data, auditFields, s.opt.Limits, "")
	var a *Audit
	if err == nil {
		a, err = s.createFrom(r.Context(), f, false)
	}
	if err != nil {
		var ue *uploadError
		if errors.As(err, &ue) {
			apiError(w, ue.status, ue.msg)
		} else {
			s.logf("api create: %v", err)
			apiError(w, http.StatusInternalServerError, err.Error())
		}
		return
	}
	if f.value("run") == "1" && a.Check.Error == "" {
		if err := s.start(a); err != nil {
			apiError(w, http.StatusConflict, err.Error())
			return
		}
	}
	w.Header().Set("Location", pathFor("api", "audits", a.ID))
	writeJSON(w, http.StatusCreated, s.describe(a, true))
}

func (s *Server) apiState(w http.ResponseWriter, r *http.Request) {
	if a := s.audit(w, r); a != nil {
		writeJSON(w, http.StatusOK, s.describe(a, true))
	}
}

func (s *Server) apiRun(w http.ResponseWriter, r *http.Request) {
	if !s.apiCheck(w, r) {
		return
	}
	a := s.audit(w, r)
	if a == nil {
		return
	}
	if err := s.start(a); err != nil {
		apiError(w, http.StatusConflict, err.Error())
		return
	}
	writeJSON(w, http.StatusAccepted, s.describe(a, false))
}

// apiSample draws the sample: form fields rate, seed, min, stratify and
// exclude (last year's sample), as on the page.
func (s *Server) apiSample(w http.ResponseWriter, r *http.Request) {
	if !s.apiCheck(w, r) {
		return
	}
	a := s.audit(w, r)
	if a == nil {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		apiError(w, http.StatusBadRequest, "send the options as a form: "+err.Error())
		return
	}
	if !a.HasRun() {
		apiError(w, http.StatusConflict, "this audit has not been run yet")
		return
	}
	req, err := s.sampleRequest(a, r.PostFormValue)
	if err == nil {
		err = s.startSample(a, req)
	}
	if err != nil {
		s.apiRefused(w, err)
		return
	}
	writeJSON(w, http.StatusAccepted, s.describe(a, false))
}

// apiDecisions takes the assessors' workbooks (multipart field decisions,
// one part each) and writes the final letters.
func (s *Server) apiDecisions(w http.ResponseWriter, r *http.Request) {
	if !s.apiCheck(w, r) {
		return
	}
	a := s.audit(w, r)
	if a == nil {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.opt.Limits.Request)
	f, err := readForm(r, a.Dir, decisionsFields, s.opt.Limits, "")
	if err != nil {
		s.apiRefused(w, err)
		return
	}
	defer f.discard()
	switch {
	case !a.HasRun():
		err = refuse(http.StatusConflict, "this audit has not been run yet")
	case len(f.files[decisionsSub]) == 0:
		err = refuse(http.StatusBadRequest, "send the assessors' workbooks as the field decisions")
	default:
		err = s.startFinalize(a, f)
	}
	if err != nil {
		s.apiRefused(w, err)
		return
	}
	writeJSON(w, http.StatusAccepted, s.describe(a, false))
}

// apiRefused answers an upload or a request refused with its status, any
// other error as a failure.
func (s *Server) apiRefused(w http.ResponseWriter, err error) {
	var ue *uploadError
	if errors.As(err, &ue) {
		apiError(w, ue.status, ue.msg)
		return
	}
	if errors.Is(err, errBusy) {
		apiError(w, http.StatusConflict, err.Error())
		return
	}
	s.logf("api: %v", err)
	apiError(w, http.StatusInternalServerError, err.Error())
}

func (s *Server) apiCancel(w http.ResponseWriter, r *http.Request) {
	if !s.apiCheck(w, r) {
		return
	}
	a := s.audit(w, r)
	if a == nil {
		return
	}
	if !s.stop(a.ID) {
		apiError(w, http.StatusConflict, "no run of this audit is going on")
		return
	}
	writeJSON(w, http.StatusAccepted, s.describe(a, false))
}

// apiRates is one line of the compliance rates.
type apiRates struct {
	Label   string   `json:"label"`
	Met     int      `json:"met"`
	Review  int      `json:"review"`
	NotMet  int      `json:"not_met"`
	Exempt  int      `json:"exempt"`
	MetRate *float64 `json:"met_rate"` // null when nobody was assessed
}

func rates(ts []report.Tally) []apiRates {
	out := make([]apiRates, len(ts))
	for i, t := range ts {
		out[i] = apiRates{Label: t.Label, Met: t.Met, Review: t.Review, NotMet: t.NotMet, Exempt: t.Exempt}
		if r, ok := t.MetRate(); ok {
			out[i].MetRate = &r
		}
	}
	return out
}

func (s *Server) apiOutcomes(w http.ResponseWriter, r *http.Request) {
	a := s.audit(w, r)
	if a == nil {
		return
	}
	if !a.HasRun() {
		apiError(w, http.StatusConflict, "this audit has not been run yet")
		return
	}
	v, err := s.cache.load(a.RunDir())
	if err != nil {
		apiError(w, http.StatusInternalServerError, err.Error())
		return
	}
	c := v.Compliance
	writeJSON(w, http.StatusOK, struct {
		Year         int                  `json:"cpd_year"`
		RunID        string               `json:"run_id"`
		Members      int                  `json:"members"`
		Outcomes     map[string]int       `json:"outcomes"`
		Rows         runfolder.Accounting `json:"rows"`
		ImportIssues int                  `json:"import_issues"`
		Overall      []apiRates           `json:"overall"`
		Standards    []apiRates           `json:"standards"`
		Grades       []apiRates           `json:"grades"`
		Final        *FinalizeResult      `json:"final,omitempty"`
	}{v.Record.CPDYear, v.Record.RunID, v.Record.Members, v.Record.Outcomes, v.Record.Rows, v.Record.IssueCount,
		rates([]report.Tally{c.Overall}), rates(c.Standards[:]), rates(c.Grades), a.Final})
}

func (s *Server) apiFiles(w http.ResponseWriter, r *http.Request) {
	a := s.audit(w, r)
	if a == nil {
		return
	}
	files := available(a)
	for i := range files {
		files[i].URL = pathFor("api", "audits", a.ID, "files", files[i].Name)
	}
	if files == nil {
		files = []FileInfo{}
	}
	writeJSON(w, http.StatusOK, files)
}
