package web

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"log"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

type upload struct {
	field, name string
	content     []byte
}

var goodCSV = []byte("Member Number,Name,Title,Learning Category,Date,Number of hours\n100101,Zoë Hartley,Course,Formal,2025-03-01,8\n")

func newTest(t *testing.T, edit func(*Options)) (*Server, http.Handler, *fake) {
	t.Helper()
	f := &fake{}
	opt := Options{Data: filepath.Join(t.TempDir(), "data"), Pipeline: f, Version: "test", Log: log.New(io.Discard, "", 0)}
	if edit != nil {
		edit(&opt)
	}
	s, err := New(opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s, s.Handler(), f
}

func multipartBody(t *testing.T, fields map[string]string, files []upload) (*bytes.Buffer, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	for _, u := range files {
		w, err := mw.CreateFormFile(u.field, u.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(u.content)
	}
	mw.Close()
	return &b, mw.FormDataContentType()
}

func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// post sends a multipart form from the page, with its CSRF token.
func post(t *testing.T, s *Server, h http.Handler, path string, fields map[string]string, files []upload) *httptest.ResponseRecorder {
	t.Helper()
	if fields == nil {
		fields = map[string]string{}
	}
	if _, ok := fields["csrf"]; !ok {
		fields["csrf"] = s.csrf
	}
	body, ctype := multipartBody(t, fields, files)
	r := httptest.NewRequest("POST", path, body)
	r.Header.Set("Content-Type", ctype)
	return serve(h, r)
}

func postForm(s *Server, h http.Handler, path string, v url.Values) *httptest.ResponseRecorder {
	if v == nil {
		v = url.Values{}
	}
	v.Set("csrf", s.csrf)
	r := httptest.NewRequest("POST", path, strings.NewReader(v.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return serve(h, r)
}

func get(h http.Handler, path string) *httptest.ResponseRecorder {
	return serve(h, httptest.NewRequest("GET", path, nil))
}

func wantStatus(t *testing.T, w *httptest.ResponseRecorder, code int, what string) {
	t.Helper()
	if w.Code != code {
		t.Fatalf("%s: status %d, want %d; body:\n%.600s", what, w.Code, code, w.Body.String())
	}
}

func wantBody(t *testing.T, w *httptest.ResponseRecorder, what string, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if !strings.Contains(w.Body.String(), s) {
			t.Errorf("%s: the page does not say %q; body:\n%.1500s", what, s, w.Body.String())
		}
	}
}

// create makes an audit through the page and returns its id.
func create(t *testing.T, s *Server, h http.Handler, files ...upload) string {
	t.Helper()
	if len(files) == 0 {
		files = []upload{{"exports", "export.csv", goodCSV}, {"register", "register.csv", []byte("Member Number,Name\n100101,Zoë\n")}}
	}
	w := post(t, s, h, "/audits", map[string]string{"year": "2025"}, files)
	wantStatus(t, w, http.StatusSeeOther, "create")
	loc := w.Header().Get("Location")
	if !strings.HasSuffix(loc, "/check") {
		t.Fatalf("create went to %q, want the check page", loc)
	}
	id := strings.Split(loc, "/")[2]
	waitRun(t, s, id) // the check
	return id
}

func waitRun(t *testing.T, s *Server, id string) State {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if st, _ := s.jobState(id); !st.Running {
			return st
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the check or run did not end")
	return State{}
}

func TestHomeListsAuditsAndOffersTheForm(t *testing.T) {
	s, h, _ := newTest(t, nil)
	w := get(h, "/")
	wantStatus(t, w, 200, "home")
	wantBody(t, w, "home", "<h1>CPD audits</h1>", `name="csrf" value="`+s.csrf+`"`, `<label for="exports">`, `<label for="register">`, "No audit yet")
	if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "http") {
		t.Errorf("CSP %q must forbid every external resource", csp)
	}
	id := create(t, s, h)
	w = get(h, "/")
	wantBody(t, w, "home after create", `href="/audits/`+id+`"`, "files checked")
	// The earlier audit is offered as last year's once it has results.
	postForm(s, h, "/audits/"+id+"/run", nil)
	waitRun(t, s, id)
	wantBody(t, get(h, "/"), "home after run", `<option value="`+id+`">`)
	wantStatus(t, get(h, "/static/style.css"), 200, "stylesheet")
	wantStatus(t, get(h, "/static/app.js"), 200, "script")
}

func TestCreateStoresFilesOwnerOnlyAndChecks(t *testing.T) {
	s, h, f := newTest(t, nil)
	id := create(t, s, h, upload{"exports", "good.csv", goodCSV}, upload{"exports", "bad export.csv", goodCSV},
		upload{"register", "members.csv", goodCSV}, upload{"policy", "rules.toml", []byte("[standard1]\n")})
	if id != "audit-2025" {
		t.Errorf("id %q, want audit-2025", id)
	}
	dir := filepath.Join(s.opt.Data, id)
	for _, p := range []string{s.opt.Data, dir, filepath.Join(dir, "inputs")} {
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o700 {
			t.Errorf("%s: %v %v, want a folder with 0700", p, fi.Mode(), err)
		}
	}
	for _, p := range []string{"inputs/good.csv", "inputs/bad-export.csv", "register/members.csv", "policy/rules.toml", "audit.json"} {
		if fi, err := os.Stat(filepath.Join(dir, p)); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v, want a file with 0600", p, err)
		}
	}
	in := f.checks[0]
	if len(in.Files) != 2 || in.Year != 2025 || filepath.Base(in.Register) != "members.csv" || filepath.Base(in.Policy) != "rules.toml" {
		t.Errorf("check got %+v", in)
	}
	// Nothing half made is left in the data folder.
	entries, _ := os.ReadDir(s.opt.Data)
	if len(entries) != 1 {
		t.Errorf("the data folder holds %d entries, want the one audit", len(entries))
	}
	w := get(h, "/audits/"+id+"/check")
	wantStatus(t, w, 200, "check")
	// The issue names the file as uploaded, not where it is stored.
	wantBody(t, w, "check", "1 row to fix", "<td>bad export.csv</td>", "<td>4</td>", "F (Number of hours)", "eight", "write the hours as a number",
		"Fix and upload again", "Run the audit")
	if strings.Contains(w.Body.String(), s.opt.Data) {
		t.Error("the check page shows the data folder's path")
	}
	// Fix and upload again: the new exports replace the old ones.
	w = post(t, s, h, "/audits/"+id+"/files", nil, []upload{{"exports", "fixed.csv", goodCSV}})
	wantStatus(t, w, http.StatusSeeOther, "upload again")
	waitRun(t, s, id)
	w = get(h, "/audits/"+id+"/check")
	wantBody(t, w, "check again", "No import issues", "fixed.csv")
	if _, err := os.Stat(filepath.Join(dir, "inputs", "bad-export.csv")); err == nil {
		t.Error("the replaced export is still there")
	}
	if got := len(f.checks); got != 2 {
		t.Errorf("%d checks, want 2", got)
	}
	// A check stopped part way (the server stopped) is offered again.
	a, _ := loadAudit(s.opt.Data, id)
	a.Check = nil
	saveMeta(a)
	wantBody(t, get(h, "/audits/"+id+"/check"), "unchecked", "have not been checked yet")
	wantStatus(t, postForm(s, h, "/audits/"+id+"/check", nil), http.StatusSeeOther, "check again")
	waitRun(t, s, id)
	wantBody(t, get(h, "/audits/"+id+"/check"), "checked again", "No import issues")
	// A second audit of the same year gets its own folder.
	if id2 := create(t, s, h); id2 != "audit-2025-2" {
		t.Errorf("second id %q", id2)
	}
}

func TestUploadsRefused(t *testing.T) {
	s, h, _ := newTest(t, func(o *Options) {
		o.Limits = Limits{Request: 128 << 10, File: 64 << 10, Files: 3, Unzipped: 1 << 20}
	})
	// A zip bomb: 8 MB of zeros in a few KB, named as a workbook.
	var bomb bytes.Buffer
	zw := zip.NewWriter(&bomb)
	zf, _ := zw.Create("xl/worksheets/sheet1.xml")
	zf.Write(make([]byte, 8<<20))
	zw.Close()
	cases := []struct {
		name   string
		files  []upload
		status int
		says   string
	}{
		{"wrong extension", []upload{{"exports", "virus.exe", []byte("MZ")}}, 415, "virus.exe is not a .csv, .xlsx, .xlsm file"},
		{"workbook that is not a zip", []upload{{"exports", "fake.xlsx", []byte("hello")}}, 415, "fake.xlsx is not an Excel workbook"},
		{"binary named csv", []upload{{"exports", "photo.csv", append([]byte("\x89PNG\r\n\x1a\n"), 0, 0, 0)}}, 415, "photo.csv is not a text file"},
		{"zip named csv", []upload{{"exports", "book.csv", bomb.Bytes()}}, 415, "book.csv is not a text file"},
		{"zip bomb", []upload{{"exports", "bomb.xlsx", bomb.Bytes()}}, 413, "bomb.xlsx unpacks to more than 1 MB"},
		{"file too large", []upload{{"exports", "big.csv", bytes.Repeat([]byte("a,b\n"), 20000)}}, 413, "more than the 64 KB a file may have"},
		{"request too large", []upload{{"exports", "a.csv", bytes.Repeat([]byte("a,b\n"), 15000)}, {"exports", "b.csv", bytes.Repeat([]byte("a,b\n"), 15000)}, {"exports", "c.csv", bytes.Repeat([]byte("a,b\n"), 15000)}}, 413, "The upload is more than 128 KB"},
		{"too many files", []upload{{"exports", "a.csv", goodCSV}, {"exports", "b.csv", goodCSV}, {"exports", "c.csv", goodCSV}, {"exports", "d.csv", goodCSV}}, 413, "More than 3 files: that is the most one upload may hold"},
		{"policy not toml", []upload{{"exports", "a.csv", goodCSV}, {"policy", "p.xlsx", goodCSV}}, 415, "p.xlsx is not a .toml file"},
		{"no exports", nil, 400, "Choose the year"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := post(t, s, h, "/audits", map[string]string{"year": "2025"}, c.files)
			wantStatus(t, w, c.status, c.name)
			wantBody(t, w, c.name, c.says)
			entries, _ := os.ReadDir(s.opt.Data)
			if len(entries) != 0 {
				t.Errorf("a refused upload left %d entries in the data folder", len(entries))
			}
		})
	}
	w := post(t, s, h, "/audits", map[string]string{"year": "20x5"}, []upload{{"exports", "a.csv", goodCSV}})
	wantStatus(t, w, 400, "bad year")
	wantBody(t, w, "bad year", "is not a year")
}

func TestPathTricksInNames(t *testing.T) {
	s, h, _ := newTest(t, nil)
	id := create(t, s, h,
		upload{"exports", "../../../evil.csv", goodCSV},
		upload{"exports", `..\..\win.csv`, goodCSV},
		upload{"exports", "/etc/passwd.csv", goodCSV},
		upload{"exports", ".hidden.csv", goodCSV},
		upload{"exports", "évil.csv", goodCSV},
		upload{"register", "../run/run.json.csv", goodCSV})
	inputs, _ := os.ReadDir(filepath.Join(s.opt.Data, id, "inputs"))
	var names []string
	for _, e := range inputs {
		names = append(names, e.Name())
	}
	want := "evil.csv hidden.csv passwd.csv vil.csv win.csv"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("stored as %q, want %q", got, want)
	}
	// Nothing was written outside the data folder's audit.
	for _, p := range []string{"evil.csv", "win.csv", "../evil.csv"} {
		if _, err := os.Stat(filepath.Join(s.opt.Data, p)); err == nil {
			t.Errorf("%s was written outside the audit", p)
		}
	}
	if _, err := os.Stat(filepath.Join(s.opt.Data, id, "register", "run-json.csv")); err != nil {
		t.Errorf("the register is not stored as register/run-json.csv: %v", err)
	}
	postForm(s, h, "/audits/"+id+"/run", nil)
	waitRun(t, s, id)
	for _, p := range []string{
		"/audits/..%2f..%2fetc/results",
		"/audits/.new-x/check",
		"/audits/" + id + "/download/..%2frun.json",
		"/audits/" + id + "/download/results.jsonl.gz",
		"/audits/" + id + "/download/audit.json",
		"/audits/" + id + "/members/..%2f..%2faudit.json/feedback.pdf",
		"/audits/" + id + "/members/100101/..%2f..%2faudit.json",
		"/audits/" + id + "/members/100199/feedback.pdf",
		"/api/audits/" + id + "/files/..%2f..%2faudit.json",
	} {
		w := get(h, p)
		if w.Code != 404 && w.Code != 301 && w.Code != 307 && w.Code != 308 {
			t.Errorf("GET %s: %d, want 404", p, w.Code)
		}
		if strings.Contains(w.Body.String(), `"inputs"`) || strings.Contains(w.Body.String(), "%PDF") {
			t.Errorf("GET %s served a file", p)
		}
	}
	// A symbolic link planted in the run folder is not followed.
	run := filepath.Join(s.opt.Data, id, "run")
	os.Remove(filepath.Join(run, "summary.csv"))
	if err := os.Symlink(filepath.Join(s.opt.Data, id, "audit.json"), filepath.Join(run, "summary.csv")); err == nil {
		wantStatus(t, get(h, "/audits/"+id+"/download/summary.csv"), 404, "symlink")
	}
}

func TestTokenRequired(t *testing.T) {
	const token = "0123456789abcdef0123"
	s, h, _ := newTest(t, func(o *Options) { o.Token = token })
	wantStatus(t, get(h, "/"), 401, "no token")
	wantStatus(t, get(h, "/api/audits"), 401, "API without token")
	wantStatus(t, get(h, "/?token=wrong"), 401, "wrong token")
	wantStatus(t, get(h, "/static/style.css"), 401, "even the stylesheet")
	w := get(h, "/audits?token="+token)
	wantStatus(t, w, http.StatusSeeOther, "token in the address")
	if loc := w.Header().Get("Location"); strings.Contains(loc, token) {
		t.Errorf("the redirect keeps the token in the address: %s", loc)
	}
	var cookie *http.Cookie
	for _, c := range w.Result().Cookies() {
		if c.Name == tokenCookie {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode {
		t.Fatalf("cookie %+v, want an HttpOnly SameSite=Strict token cookie", cookie)
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.AddCookie(cookie)
	wantStatus(t, serve(h, r), 200, "with the cookie")
	r = httptest.NewRequest("GET", "/api/audits", nil)
	r.Header.Set("Authorization", "Bearer "+token)
	wantStatus(t, serve(h, r), 200, "with the bearer token")
	// A form with the right CSRF token still needs the server's token.
	w = post(t, s, h, "/audits", map[string]string{"year": "2025"}, []upload{{"exports", "a.csv", goodCSV}})
	wantStatus(t, w, 401, "post without token")
}

func TestCrossSiteAndForgedPosts(t *testing.T) {
	s, h, _ := newTest(t, nil)
	id := create(t, s, h)
	// A form posted from another site: the browser says so.
	body, ctype := multipartBody(t, map[string]string{"csrf": s.csrf, "year": "2025"}, []upload{{"exports", "a.csv", goodCSV}})
	r := httptest.NewRequest("POST", "/audits", body)
	r.Header.Set("Content-Type", ctype)
	r.Header.Set("Sec-Fetch-Site", "cross-site")
	wantStatus(t, serve(h, r), 403, "cross-site post")
	r = httptest.NewRequest("POST", "/audits/"+id+"/run", strings.NewReader("csrf="+s.csrf))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Origin", "https://evil.example")
	wantStatus(t, serve(h, r), 403, "cross-origin post")
	// A form without the page's CSRF token (an old browser, a copied form).
	for _, path := range []string{"/audits", "/audits/" + id + "/run", "/audits/" + id + "/check", "/audits/" + id + "/cancel", "/audits/" + id + "/files", "/audits/" + id + "/sample", "/audits/" + id + "/decisions"} {
		w := post(t, s, h, path, map[string]string{"csrf": "forged"}, []upload{{"exports", "a.csv", goodCSV}})
		wantStatus(t, w, 403, "forged "+path)
		wantBody(t, w, path, "did not come from this page")
	}
	if st, _ := s.jobState(id); st.Kind != kindCheck {
		t.Error("a forged post started a run")
	}
	// The API wants a header no form can send.
	body, ctype = multipartBody(t, map[string]string{"year": "2025"}, []upload{{"exports", "a.csv", goodCSV}})
	r = httptest.NewRequest("POST", "/api/audits", body)
	r.Header.Set("Content-Type", ctype)
	wantStatus(t, serve(h, r), 403, "API post without X-Requested-By")
	r = httptest.NewRequest("POST", "/api/audits/"+id+"/run", nil)
	wantStatus(t, serve(h, r), 403, "API run without X-Requested-By")
}

func TestHostsGuardAgainstRebinding(t *testing.T) {
	_, h, _ := newTest(t, func(o *Options) { o.Hosts = []string{"localhost", "127.0.0.1", "::1"} })
	for host, code := range map[string]int{"127.0.0.1:8080": 200, "localhost:8080": 200, "[::1]:8080": 200, "evil.example:8080": 421, "evil.example": 421} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Host = host
		if w := serve(h, r); w.Code != code {
			t.Errorf("Host %s: %d, want %d", host, w.Code, code)
		}
	}
}

func TestTheWholeYear(t *testing.T) {
	s, h, f := newTest(t, nil)
	id := create(t, s, h)
	// Nothing past the check before the run.
	for _, step := range []string{"results", "sample"} {
		wantStatus(t, get(h, "/audits/"+id+"/"+step), http.StatusSeeOther, step+" before the run")
	}
	wantBody(t, get(h, "/audits/"+id+"/check"), "steps", `<span class="off">3. Results<span class="sr"> (not yet)</span>`)
	w := postForm(s, h, "/audits/"+id+"/run", nil)
	wantStatus(t, w, http.StatusSeeOther, "run")
	if st := waitRun(t, s, id); st.Error != "" || st.Done != 15 || st.Total != 15 {
		t.Fatalf("run ended with %+v", st)
	}
	if f.runs != 1 {
		t.Errorf("%d runs", f.runs)
	}
	wantBody(t, get(h, "/audits/"+id+"/run"), "run page", "The audit is complete", "Run again")
	// The events stream ends at once with the final state.
	w = get(h, "/audits/"+id+"/events")
	if ct := w.Header().Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("events: %s", ct)
	}
	wantBody(t, w, "events", `data: {"kind":"run","running":false,"stage":"Auditing members","done":15,"total":15}`)

	w = get(h, "/audits/"+id+"/results")
	wantStatus(t, w, 200, "results")
	wantBody(t, w, "results", `<span class="n">`, "MET", "Per membership grade", "Per standard", "<svg", `role="img"`,
		"Standard 1: At least 30 hours", "Zoë Hartley", "Łukasz Nowak", "15 of 15 members.", `href="/audits/`+id+`/members/100101"`)
	w = get(h, "/audits/"+id+"/results?outcome=NOT_MET")
	wantBody(t, w, "filter", "Łukasz Nowak")
	if strings.Contains(w.Body.String(), "Zoë Hartley") {
		t.Error("the NOT_MET filter shows a MET member")
	}
	w = get(h, "/audits/"+id+"/results?q=zoë")
	wantBody(t, w, "search", "1 of 15 members.", "Zoë Hartley")
	// The members of unknown grade are a choice of their own; "all" is
	// not taken for it.
	w = get(h, "/audits/"+id+"/results?grade=-")
	wantBody(t, w, "unknown grade", "1 of 15 members.", `<option value="-" selected>unknown</option>`)
	w = get(h, "/audits/"+id+"/results")
	if strings.Contains(w.Body.String(), "selected>unknown") {
		t.Error("the unknown grade is selected when no grade is chosen")
	}
	w = get(h, "/audits/"+id+"/members/100101")
	wantBody(t, w, "member", "<h1>Zoë Hartley (100101)</h1>", `<iframe class="pdf" src="/audits/`+id+`/members/100101/feedback.pdf"`)
	w = get(h, "/audits/"+id+"/members/100101/feedback.pdf")
	wantStatus(t, w, 200, "feedback PDF")
	if w.Header().Get("Content-Type") != "application/pdf" || !strings.HasPrefix(w.Body.String(), "%PDF") {
		t.Errorf("feedback PDF: %s %.20q", w.Header().Get("Content-Type"), w.Body.String())
	}
	// Ids are matched as everywhere: 7-digit or without leading zeros.
	wantStatus(t, get(h, "/audits/"+id+"/members/100101/letter.pdf"), 404, "letter before finalize")

	// Sample.
	wantBody(t, get(h, "/audits/"+id+"/sample"), "sample form", `<label for="rate">`, `value="5%"`)
	w = postForm(s, h, "/audits/"+id+"/sample", url.Values{"rate": {"-5%"}})
	wantStatus(t, w, 400, "bad rate")
	wantBody(t, w, "bad rate", "The share of MET members to review: &#34;-5%&#34; is not a rate between 0% and 100%.")
	postForm(s, h, "/audits/"+id+"/sample", url.Values{"rate": {"13%"}})
	waitRun(t, s, id)
	w = get(h, "/audits/"+id+"/sample")
	wantBody(t, w, "sample failed", "The sample could not be drawn", "cannot write run/summary.xlsx: it is open in another program")
	w = postForm(s, h, "/audits/"+id+"/sample", url.Values{"rate": {"10%"}, "seed": {"42"}, "stratify": {"grade"}})
	wantStatus(t, w, http.StatusSeeOther, "sample")
	waitRun(t, s, id)
	wantBody(t, get(h, "/audits/"+id+"/sample"), "drawn", "2 members for review", "100102", "Łukasz Nowak", "NOT_MET", "Sample: 2 members for review")

	// Decisions: a workbook from another run is refused with the reason;
	// a good one gives the final page with the problems per member.
	xlsx, _ := os.ReadFile(filepath.Join("..", "fixtures", "review", "decisions-libreoffice.xlsx"))
	w = post(t, s, h, "/audits/"+id+"/decisions", nil, []upload{{"decisions", "other-run.xlsx", xlsx}})
	wantStatus(t, w, http.StatusSeeOther, "other run")
	waitRun(t, s, id)
	w = get(h, "/audits/"+id+"/decisions")
	wantBody(t, w, "other run", "The decisions could not be applied", "other-run.xlsx was made from another run")
	if strings.Contains(w.Body.String(), s.opt.Data) {
		t.Error("the decisions error shows the data folder's path")
	}
	w = post(t, s, h, "/audits/"+id+"/decisions", nil, []upload{{"decisions", "alice.xlsx", xlsx}})
	wantStatus(t, w, http.StatusSeeOther, "decisions")
	if loc := w.Header().Get("Location"); loc != "/audits/"+id+"/decisions" {
		t.Errorf("decisions go to %s, want the page that follows the letters", loc)
	}
	waitRun(t, s, id)
	w = get(h, "/audits/"+id+"/final")
	wantStatus(t, w, 200, "final")
	wantBody(t, w, "final", "1 letter written", "1 decision could not be applied", "Confirm cannot settle a REVIEW outcome", "Assessors kept 1 of 1",
		`href="/audits/`+id+`/members/100102/letter.pdf"`)
	wantStatus(t, get(h, "/audits/"+id+"/members/100102/letter.pdf"), 200, "letter")

	// Downloads.
	w = get(h, "/audits/"+id+"/downloads")
	for _, name := range []string{"summary.xlsx", "feedback.zip", "summary.csv", "run.json", "sample.csv", "letters.csv", "final-letters.zip", "final-summary.csv"} {
		wantBody(t, w, "downloads", `href="/audits/`+id+`/download/`+name+`"`)
	}
	w = get(h, "/audits/"+id+"/download/summary.csv")
	wantStatus(t, w, 200, "summary.csv")
	if cd := w.Header().Get("Content-Disposition"); cd != `attachment; filename="`+id+`-summary.csv"` {
		t.Errorf("Content-Disposition %q", cd)
	}
	w = get(h, "/audits/"+id+"/download/feedback.zip")
	zr, err := zip.NewReader(bytes.NewReader(w.Body.Bytes()), int64(w.Body.Len()))
	if err != nil || len(zr.File) != 15 || zr.File[0].Name != "100101.pdf" {
		t.Fatalf("feedback.zip: %v, %d files", err, len(zr.File))
	}
	w = get(h, "/audits/"+id+"/download/final-letters.zip")
	zr, err = zip.NewReader(bytes.NewReader(w.Body.Bytes()), int64(w.Body.Len()))
	if err != nil || len(zr.File) != 2 || zr.File[1].Name != "feedback/100102.pdf" {
		t.Fatalf("final-letters.zip: %v %+v", err, zr.File)
	}
	// Opening the audit goes to the furthest step.
	w = get(h, "/audits/"+id)
	if loc := w.Header().Get("Location"); loc != "/audits/"+id+"/final" {
		t.Errorf("open goes to %s", loc)
	}
	wantStatus(t, get(h, "/audits/nosuch"), 404, "no such audit")
}

func TestCancelLeavesTheFolderAsItWas(t *testing.T) {
	s, h, f := newTest(t, nil)
	f.block, f.started = true, make(chan struct{})
	id := create(t, s, h)
	postForm(s, h, "/audits/"+id+"/run", nil)
	<-f.started
	w := get(h, "/audits/"+id+"/run")
	wantBody(t, w, "running", "<progress", "Stop the run", `data-running="1"`, `<meta http-equiv="refresh"`)
	// A second run of the same audit is not started, and nothing may
	// change its files or its run folder meanwhile.
	postForm(s, h, "/audits/"+id+"/run", nil)
	wantStatus(t, post(t, s, h, "/audits/"+id+"/files", nil, []upload{{"exports", "x.csv", goodCSV}}), 409, "upload during a run")
	wantStatus(t, postForm(s, h, "/audits/"+id+"/sample", url.Values{"rate": {"5%"}}), 409, "sample during a run")
	w = postForm(s, h, "/audits/"+id+"/cancel", nil)
	wantStatus(t, w, http.StatusSeeOther, "cancel")
	st := waitRun(t, s, id)
	if !st.Canceled {
		t.Errorf("state %+v, want cancelled", st)
	}
	if f.runs != 1 {
		t.Errorf("%d runs started", f.runs)
	}
	wantBody(t, get(h, "/audits/"+id+"/run"), "stopped", "Stopped", "as it was before it started")
	if _, err := os.Stat(filepath.Join(s.opt.Data, id, "run", "run.json")); err == nil {
		t.Error("a cancelled run left results")
	}
}

func TestCloseStopsRuns(t *testing.T) {
	s, h, f := newTest(t, nil)
	f.block, f.started = true, make(chan struct{})
	id := create(t, s, h)
	postForm(s, h, "/audits/"+id+"/run", nil)
	<-f.started
	done := make(chan struct{})
	go func() { s.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not stop the run")
	}
	if st, _ := s.jobState(id); st.Running || !st.Canceled {
		t.Errorf("after Close: %+v", st)
	}
}

func TestAPI(t *testing.T) {
	s, h, _ := newTest(t, nil)
	body, ctype := multipartBody(t, map[string]string{"year": "2025", "run": "1"}, []upload{{"exports", "a.csv", goodCSV}})
	r := httptest.NewRequest("POST", "/api/audits", body)
	r.Header.Set("Content-Type", ctype)
	r.Header.Set("X-Requested-By", "script")
	w := serve(h, r)
	wantStatus(t, w, 201, "API create")
	var a apiAudit
	if err := json.Unmarshal(w.Body.Bytes(), &a); err != nil {
		t.Fatal(err)
	}
	if a.ID != "audit-2025" || a.Check == nil || a.Check.Members != 15 || w.Header().Get("Location") != "/api/audits/audit-2025" {
		t.Fatalf("created %+v", a)
	}
	waitRun(t, s, a.ID)
	w = get(h, "/api/audits/"+a.ID)
	json.Unmarshal(w.Body.Bytes(), &a)
	if a.Step != "run" || a.Progress.Done != 15 {
		t.Errorf("state %+v", a)
	}
	w = get(h, "/api/audits/"+a.ID+"/outcomes")
	wantStatus(t, w, 200, "outcomes")
	var out struct {
		Outcomes map[string]int `json:"outcomes"`
		Rows     struct {
			Read int `json:"rows_read"`
		} `json:"rows"`
		Grades []apiRates `json:"grades"`
	}
	json.Unmarshal(w.Body.Bytes(), &out)
	if out.Outcomes["MET"] == 0 || out.Rows.Read == 0 || len(out.Grades) == 0 {
		t.Errorf("outcomes %s", w.Body.String())
	}
	w = get(h, "/api/audits/"+a.ID+"/files")
	var files []FileInfo
	json.Unmarshal(w.Body.Bytes(), &files)
	if len(files) == 0 || files[0].URL != "/api/audits/"+a.ID+"/files/summary.xlsx" {
		t.Fatalf("files %s", w.Body.String())
	}
	wantStatus(t, get(h, files[0].URL), 200, "file download")
	w = get(h, "/api/audits")
	wantBody(t, w, "list", `"id": "audit-2025"`)
	r = httptest.NewRequest("POST", "/api/audits/"+a.ID+"/cancel", nil)
	r.Header.Set("X-Requested-By", "script")
	wantStatus(t, serve(h, r), 409, "cancel with no run")

	// The sample and the decisions, as a script gives them.
	apiPost := func(path, ctype string, body io.Reader) *httptest.ResponseRecorder {
		r := httptest.NewRequest("POST", path, body)
		r.Header.Set("Content-Type", ctype)
		r.Header.Set("X-Requested-By", "script")
		return serve(h, r)
	}
	form := "application/x-www-form-urlencoded"
	w = apiPost("/api/audits/"+a.ID+"/sample", form, strings.NewReader("rate=abc"))
	wantStatus(t, w, 400, "API sample with a bad rate")
	wantBody(t, w, "API sample with a bad rate", `is not a rate`)
	wantStatus(t, apiPost("/api/audits/"+a.ID+"/sample", form, strings.NewReader("rate=10%25&seed=42")), 202, "API sample")
	waitRun(t, s, a.ID)
	json.Unmarshal(get(h, "/api/audits/"+a.ID).Body.Bytes(), &a)
	if a.Step != "sampled" {
		t.Errorf("after the API's sample: step %q", a.Step)
	}
	xlsx, _ := os.ReadFile(filepath.Join("..", "fixtures", "review", "decisions-libreoffice.xlsx"))
	body, ctype = multipartBody(t, nil, []upload{{"decisions", "alice.xlsx", xlsx}})
	wantStatus(t, apiPost("/api/audits/"+a.ID+"/decisions", ctype, body), 202, "API decisions")
	waitRun(t, s, a.ID)
	json.Unmarshal(get(h, "/api/audits/"+a.ID).Body.Bytes(), &a)
	if a.Step != "final" {
		t.Errorf("after the API's decisions: step %q", a.Step)
	}
	wantBody(t, get(h, "/api/audits/"+a.ID+"/outcomes"), "outcomes after finalize", `"final": {`, `"letters": 1`)
	body, ctype = multipartBody(t, nil, []upload{{"decisions", "alice.csv", goodCSV}})
	wantStatus(t, apiPost("/api/audits/"+a.ID+"/decisions", ctype, body), 415, "API decisions as CSV")
	r = httptest.NewRequest("POST", "/api/audits/"+a.ID+"/sample", strings.NewReader("rate=5%25"))
	r.Header.Set("Content-Type", form)
	wantStatus(t, serve(h, r), 403, "API sample without X-Requested-By")
	wantStatus(t, get(h, "/api/audits/nosuch"), 404, "no such audit")
	wantBody(t, get(h, "/api/audits/nosuch"), "API 404", `"error"`)
	// A refused upload says why, as JSON.
	body, ctype = multipartBody(t, nil, []upload{{"exports", "x.exe", []byte("MZ")}})
	r = httptest.NewRequest("POST", "/api/audits", body)
	r.Header.Set("Content-Type", ctype)
	r.Header.Set("X-Requested-By", "script")
	w = serve(h, r)
	wantStatus(t, w, 415, "API wrong type")
	wantBody(t, w, "API wrong type", `"error": "x.exe is not`)
}

func TestCommandLineRunFolderIsAnAudit(t *testing.T) {
	s, h, _ := newTest(t, nil)
	dir := filepath.Join(s.opt.Data, "audit-2024")
	os.MkdirAll(dir, 0o700)
	for _, name := range []string{"summary.csv", "run.json", "summary.xlsx"} {
		b, _ := os.ReadFile(filepath.Join("..", "fixtures", "review", "run2025", name))
		os.WriteFile(filepath.Join(dir, name), b, 0o600)
	}
	wantBody(t, get(h, "/"), "home", "made with the command line")
	wantStatus(t, get(h, "/audits/audit-2024/results"), 200, "results of a CLI run")
	w := postForm(s, h, "/audits/audit-2024/run", nil)
	wantStatus(t, w, 409, "run a CLI folder")
}

func TestSafeName(t *testing.T) {
	for in, want := range map[string]string{
		"export.csv": "export.csv", "../../a b.csv": "a-b.csv", `C:\x\y.csv`: "y.csv", "...csv": "file.csv",
		"\x00evil.csv": "evil.csv", "con.csv": "file-con.csv", "LPT1.csv": "file-LPT1.csv", "console.csv": "console.csv", strings.Repeat("x", 300) + ".csv": strings.Repeat("x", 80) + ".csv",
	} {
		if got := safeName(in, ".csv"); got != want {
			t.Errorf("safeName(%q) = %q, want %q", in, got, want)
		}
	}
	taken := map[string]bool{}
	if a, b := uniqueName("a.csv", taken), uniqueName("A.csv", taken); a != "a.csv" || b != "A-2.csv" {
		t.Errorf("unique: %s %s", a, b)
	}
}

var (
	inputTag = regexp.MustCompile(`<(input|select)\b[^>]*>`)
	idAttr   = regexp.MustCompile(`\bid="([^"]+)"`)
)

// TestPagesAreAccessible checks what a screen reader and a keyboard need
// on every page of a year: the language, one h1, a label for every field,
// the current step marked, no inline script or style the CSP would block.
func TestPagesAreAccessible(t *testing.T) {
	s, h, _ := newTest(t, nil)
	id := create(t, s, h)
	postForm(s, h, "/audits/"+id+"/run", nil)
	waitRun(t, s, id)
	postForm(s, h, "/audits/"+id+"/sample", url.Values{"rate": {"5%"}})
	waitRun(t, s, id)
	xlsx, _ := os.ReadFile(filepath.Join("..", "fixtures", "review", "decisions-libreoffice.xlsx"))
	post(t, s, h, "/audits/"+id+"/decisions", nil, []upload{{"decisions", "d.xlsx", xlsx}})
	waitRun(t, s, id)
	for _, p := range []string{"/", "/audits/" + id + "/check", "/audits/" + id + "/run", "/audits/" + id + "/results",
		"/audits/" + id + "/members/100101", "/audits/" + id + "/sample", "/audits/" + id + "/decisions", "/audits/" + id + "/final",
		"/audits/" + id + "/downloads", "/audits/nosuch"} {
		body := get(h, p).Body.String()
		if !strings.Contains(body, `<html lang="en-GB">`) {
			t.Errorf("%s: no language", p)
		}
		if n := strings.Count(body, "<h1"); n != 1 {
			t.Errorf("%s: %d h1 headings, want 1", p, n)
		}
		for _, tag := range inputTag.FindAllString(body, -1) {
			if strings.Contains(tag, `type="hidden"`) {
				continue
			}
			m := idAttr.FindStringSubmatch(tag)
			if m == nil || !strings.Contains(body, `<label for="`+m[1]+`"`) {
				t.Errorf("%s: %s has no label", p, tag)
			}
		}
		if p != "/" && p != "/audits/nosuch" && !strings.Contains(body, `aria-current="page"`) {
			t.Errorf("%s: the current step is not marked", p)
		}
		if strings.Contains(body, "<script>") || strings.Contains(body, " style=") || strings.Contains(body, "onclick") {
			t.Errorf("%s: inline script or style", p)
		}
	}
}

func TestDecisionsUploadRefused(t *testing.T) {
	s, h, _ := newTest(t, nil)
	id := create(t, s, h)
	xlsx, _ := os.ReadFile(filepath.Join("..", "fixtures", "review", "decisions-libreoffice.xlsx"))
	w := post(t, s, h, "/audits/"+id+"/decisions", nil, []upload{{"decisions", "d.xlsx", xlsx}})
	wantStatus(t, w, http.StatusConflict, "decisions before the run")
	postForm(s, h, "/audits/"+id+"/run", nil)
	waitRun(t, s, id)
	w = post(t, s, h, "/audits/"+id+"/decisions", nil, []upload{{"decisions", "d.csv", goodCSV}})
	wantStatus(t, w, 415, "decisions as CSV")
	wantBody(t, w, "decisions as CSV", "d.csv is not a .xlsx file")
	w = post(t, s, h, "/audits/"+id+"/decisions", nil, nil)
	wantStatus(t, w, 400, "no decisions")
	if _, err := os.Stat(filepath.Join(s.opt.Data, id, "run", "final-summary.csv")); err == nil {
		t.Error("a refused upload was finalised")
	}
}

func TestEventsFollowTheRun(t *testing.T) {
	s, h, f := newTest(t, nil)
	f.steps = make(chan int)
	id := create(t, s, h)
	ts := httptest.NewServer(h)
	defer ts.Close()
	postForm(s, h, "/audits/"+id+"/run", nil)
	resp, err := http.Get(ts.URL + "/audits/" + id + "/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	events := make(chan State)
	go func() {
		defer close(events)
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				var st State
				json.Unmarshal([]byte(data), &st)
				events <- st
			}
		}
	}()
	next := func() State {
		select {
		case st := <-events:
			return st
		case <-time.After(5 * time.Second):
			t.Fatal("no event")
		}
		return State{}
	}
	if st := next(); !st.Running {
		t.Fatalf("first event %+v, want running", st)
	}
	for _, n := range []int{5, 10} {
		f.steps <- n
		for st := next(); st.Done != n; st = next() {
			if !st.Running {
				t.Fatalf("the run ended early: %+v", st)
			}
		}
	}
	close(f.steps)
	var st State
	for st = next(); st.Running; st = next() {
	}
	if st.Error != "" {
		t.Errorf("last event %+v", st)
	}
	if _, ok := <-events; ok {
		t.Error("the stream goes on after the run ended")
	}
}

func TestFailedRunSaysWhy(t *testing.T) {
	s, h, _ := newTest(t, nil)
	id := create(t, s, h, upload{"exports", "fail.csv", goodCSV})
	postForm(s, h, "/audits/"+id+"/run", nil)
	waitRun(t, s, id)
	wantBody(t, get(h, "/audits/"+id+"/run"), "failed run", "The run could not complete", "no CPD activity could be read from fail.csv")
	// After a restart, from audit.json.
	s2, err := New(s.opt)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	wantBody(t, get(s2.Handler(), "/audits/"+id+"/run"), "failed run after restart", "The last run could not complete")
}

func TestResultsPages(t *testing.T) {
	defer func(n int) { pageSize = n }(pageSize)
	pageSize = 4
	s, h, _ := newTest(t, nil)
	id := create(t, s, h)
	postForm(s, h, "/audits/"+id+"/run", nil)
	waitRun(t, s, id)
	w := get(h, "/audits/"+id+"/results")
	wantBody(t, w, "page 1", "15 of 15 members, 1 to 4 shown.", `href="/audits/`+id+`/results?page=2#members">Next members`, "100104")
	if strings.Contains(w.Body.String(), "100105") {
		t.Error("page 1 shows the fifth member")
	}
	w = get(h, "/audits/"+id+"/results?page=99&outcome=NOT_MET")
	wantBody(t, w, "last page", "6 of 15 members, 5 to 6 shown.", `href="/audits/`+id+`/results?outcome=NOT_MET&amp;page=1#members">Previous members`)
}

func TestCheckInTheBackground(t *testing.T) {
	s, h, f := newTest(t, nil)
	f.holdCheck = make(chan struct{})
	w := post(t, s, h, "/audits", map[string]string{"year": "2025"}, []upload{{"exports", "bad.csv", goodCSV}})
	wantStatus(t, w, http.StatusSeeOther, "create")
	id := strings.Split(w.Header().Get("Location"), "/")[2]
	for st, _ := s.jobState(id); st.Stage != "Reading files"; st, _ = s.jobState(id) {
		time.Sleep(time.Millisecond)
	}
	w = get(h, "/audits/"+id+"/check")
	wantBody(t, w, "checking", "<progress", `data-done="/audits/`+id+`/check"`, "Reading files")
	if strings.Contains(w.Body.String(), "Run the audit") {
		t.Error("the audit can be run before its check ends")
	}
	wantStatus(t, postForm(s, h, "/audits/"+id+"/run", nil), http.StatusConflict, "run while checking")
	close(f.holdCheck)
	waitRun(t, s, id)
	wantBody(t, get(h, "/audits/"+id+"/check"), "checked", "1 row to fix", "Run the audit")

	// A check stopped with the server leaves the audit to be checked again.
	f.holdCheck = make(chan struct{})
	post(t, s, h, "/audits/"+id+"/files", nil, []upload{{"exports", "again.csv", goodCSV}})
	s.Close()
	s2, err := New(s.opt)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	wantBody(t, get(s2.Handler(), "/audits/"+id+"/check"), "after a stop", "have not been checked yet", "again.csv")
}

func TestRefusedReplacementLeavesTheAuditAsItWas(t *testing.T) {
	s, h, _ := newTest(t, func(o *Options) { o.Limits = Limits{Request: 1 << 20, File: 512 << 10, Files: 5, Unzipped: 1 << 20} })
	id := create(t, s, h)
	dir := filepath.Join(s.opt.Data, id)
	before, _ := os.ReadFile(filepath.Join(dir, "audit.json"))
	w := post(t, s, h, "/audits/"+id+"/files", nil, []upload{{"exports", "new.csv", goodCSV}, {"exports", "fake.xlsx", []byte("not a zip")}})
	wantStatus(t, w, 415, "replacement with a bad file")
	after, _ := os.ReadFile(filepath.Join(dir, "audit.json"))
	if !bytes.Equal(before, after) {
		t.Error("a refused replacement changed audit.json")
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "inputs"))
	if len(entries) != 1 || entries[0].Name() != "export.csv" {
		t.Errorf("inputs after a refused replacement: %v", entries)
	}
	all, _ := os.ReadDir(dir)
	for _, e := range all {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("a refused replacement left %s", e.Name())
		}
	}
}

// An upload of more than 32 MB is where net/http's own form parsing
// would spill to a temporary file.
func TestUploadsNeverTouchTheTemporaryFolder(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	s, h, _ := newTest(t, nil)
	big := append([]byte("Member Number,Name\n"), bytes.Repeat([]byte("100101,Zoë Hartley\n"), 34<<20/19)...)
	id := create(t, s, h, upload{"exports", "big.csv", big})
	if entries, _ := os.ReadDir(tmp); len(entries) != 0 {
		t.Errorf("the upload left %d files in TMPDIR", len(entries))
	}
	fi, err := os.Stat(filepath.Join(s.opt.Data, id, "inputs", "big.csv"))
	if err != nil || fi.Size() != int64(len(big)) || fi.Mode().Perm() != 0o600 {
		t.Errorf("stored upload: %v %v", fi, err)
	}
}

func TestDecisionsFollowTheLetters(t *testing.T) {
	s, h, f := newTest(t, nil)
	id := create(t, s, h)
	postForm(s, h, "/audits/"+id+"/run", nil)
	waitRun(t, s, id)
	f.holdFinal = make(chan struct{})
	xlsx, _ := os.ReadFile(filepath.Join("..", "fixtures", "review", "decisions-libreoffice.xlsx"))
	post(t, s, h, "/audits/"+id+"/decisions", nil, []upload{{"decisions", "alice.xlsx", xlsx}})
	for st, _ := s.jobState(id); st.Stage != "Writing the final letters"; st, _ = s.jobState(id) {
		time.Sleep(time.Millisecond)
	}
	wantBody(t, get(h, "/audits/"+id+"/decisions"), "writing letters", "<progress", `data-done="/audits/`+id+`/final"`, "Writing the final letters")
	wantStatus(t, post(t, s, h, "/audits/"+id+"/decisions", nil, []upload{{"decisions", "bob.xlsx", xlsx}}), 409, "decisions while letters are written")
	close(f.holdFinal)
	waitRun(t, s, id)
	wantBody(t, get(h, "/audits/"+id+"/final"), "final", "1 letter written")
	var got apiAudit
	json.Unmarshal(get(h, "/api/audits/"+id).Body.Bytes(), &got)
	if got.Step != "final" || got.Progress.Kind != "finalize" {
		t.Errorf("API after finalize: %+v", got)
	}
}
