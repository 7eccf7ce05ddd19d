// Package web is the page of "cpdaudit serve": the whole year's audit
// (new audit, check, run, results, sample, decisions, final, downloads) in
// a browser on the office's own machine, and a small JSON API for scripts.
// Every step is done by a Pipeline, the same code as the commands.
package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

//go:embed templates/*.html static/*
var assets embed.FS

// Options configure a Server.
type Options struct {
	// Data is the folder holding one folder per audit.
	Data     string
	Pipeline Pipeline
	// Token, when set, must come with every request: as ?token= (the
	// page then keeps it in a cookie), or as "Authorization: Bearer".
	Token string
	// Hosts, when set, are the only Host headers served (without the
	// port): on loopback, a page elsewhere cannot reach the server by
	// pointing its own name at 127.0.0.1 (DNS rebinding).
	Hosts   []string
	Limits  Limits
	Version string
	Log     *log.Logger
}

// Server serves the page and the API.
type Server struct {
	opt     Options
	csrf    string
	mux     *http.ServeMux
	pages   map[string]*pageTemplate
	mu      sync.Mutex // guards audit.json writes and the jobs
	jobs    map[string]*job
	ctx     context.Context
	cancel  context.CancelFunc
	running sync.WaitGroup
	cache   runCache
}

// New makes a Server on the data folder, creating it (0700) if needed.
func New(opt Options) (*Server, error) {
	if opt.Pipeline == nil {
		return nil, errors.New("web: no pipeline")
	}
	if opt.Limits == (Limits{}) {
		opt.Limits = DefaultLimits
	}
	if opt.Log == nil {
		opt.Log = log.New(os.Stderr, "", log.LstdFlags)
	}
	if err := os.MkdirAll(opt.Data, 0o700); err != nil {
		return nil, fmt.Errorf("cannot make the data folder %s: %w", opt.Data, err)
	}
	// A new audit or an upload stopped part way (the server killed) left
	// only its hidden staging folder: never an audit, removed now.
	for _, pat := range []string{".upload-*", "*/.upload-*"} {
		if stale, err := filepath.Glob(filepath.Join(opt.Data, pat)); err == nil {
			for _, p := range stale {
				os.RemoveAll(p)
			}
		}
	}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return nil, err
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte("csrf"))
	s := &Server{opt: opt, csrf: hex.EncodeToString(mac.Sum(nil)), jobs: map[string]*job{}}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	var err error
	if s.pages, err = parsePages(); err != nil {
		return nil, err
	}
	s.routes()
	return s, nil
}

// Close cancels every running step and waits for it to stop: a run stopped
// part way leaves its folder as it was before the run.
func (s *Server) Close() {
	s.cancel()
	s.running.Wait()
}

// Handler is the whole server with its safety layers: the token, the
// allowed hosts, cross-origin protection and the security headers.
func (s *Server) Handler() http.Handler {
	cop := http.NewCrossOriginProtection()
	return s.headers(s.hostCheck(s.tokenCheck(cop.Handler(s.mux))))
}

// csp forbids everything not served by this server: no CDN, no external
// font or script, no inline script.
const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
	"frame-src 'self'; object-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'self'"

func (s *Server) headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "SAMEORIGIN")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

func (s *Server) hostCheck(next http.Handler) http.Handler {
	if len(s.opt.Hosts) == 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		host = strings.Trim(strings.ToLower(host), "[]")
		for _, ok := range s.opt.Hosts {
			if host == ok {
				next.ServeHTTP(w, r)
				return
			}
		}
		http.Error(w, "This server answers only to the address cpdaudit serve printed.", http.StatusMisdirectedRequest)
	})
}

const tokenCookie = "cpdaudit_token"

func (s *Server) tokenCheck(next http.Handler) http.Handler {
	if s.opt.Token == "" {
		return next
	}
	want := []byte(s.opt.Token)
	good := func(got string) bool { return subtle.ConstantTimeCompare([]byte(got), want) == 1 }
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c, err := r.Cookie(tokenCookie); err == nil && good(c.Value) {
			next.ServeHTTP(w, r)
			return
		}
		if a := r.Header.Get("Authorization"); strings.HasPrefix(a, "Bearer ") && good(strings.TrimPrefix(a, "Bearer ")) {
			next.ServeHTTP(w, r)
			return
		}
		if q := r.URL.Query(); q.Has("token") && good(q.Get("token")) {
			http.SetCookie(w, &http.Cookie{Name: tokenCookie, Value: s.opt.Token, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				// The token leaves the address bar and the history.
				q.Del("token")
				u := *r.URL
				u.RawQuery = q.Encode()
				http.Redirect(w, r, u.RequestURI(), http.StatusSeeOther)
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="cpdaudit"`)
		http.Error(w, "This server needs its token: open the address cpdaudit serve printed (it ends with ?token=...), or send the header \"Authorization: Bearer TOKEN\".", http.StatusUnauthorized)
	})
}

func (s *Server) routes() {
	m := http.NewServeMux()
	static, _ := fs.Sub(assets, "static")
	m.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	m.HandleFunc("GET /{$}", s.home)
	m.HandleFunc("POST /audits", s.createAudit)
	m.HandleFunc("GET /audits/{id}", s.openAudit)
	m.HandleFunc("GET /audits/{id}/check", s.checkPage)
	m.HandleFunc("POST /audits/{id}/files", s.replaceFiles)
	m.HandleFunc("POST /audits/{id}/check", s.checkAgain)
	m.HandleFunc("POST /audits/{id}/run", s.startRun)
	m.HandleFunc("GET /audits/{id}/run", s.runPage)
	m.HandleFunc("POST /audits/{id}/cancel", s.cancelRun)
	m.HandleFunc("GET /audits/{id}/events", s.events)
	m.HandleFunc("GET /audits/{id}/results", s.resultsPage)
	m.HandleFunc("GET /audits/{id}/members/{member}", s.memberPage)
	m.HandleFunc("GET /audits/{id}/members/{member}/{doc}", s.memberPDF)
	m.HandleFunc("GET /audits/{id}/sample", s.samplePage)
	m.HandleFunc("POST /audits/{id}/sample", s.drawSample)
	m.HandleFunc("GET /audits/{id}/decisions", s.decisionsPage)
	m.HandleFunc("POST /audits/{id}/decisions", s.uploadDecisions)
	m.HandleFunc("GET /audits/{id}/final", s.finalPage)
	m.HandleFunc("GET /audits/{id}/downloads", s.downloadsPage)
	m.HandleFunc("GET /audits/{id}/download/{name}", s.download)

	m.HandleFunc("GET /api/audits", s.apiList)
	m.HandleFunc("POST /api/audits", s.apiCreate)
	m.HandleFunc("GET /api/audits/{id}", s.apiState)
	m.HandleFunc("POST /api/audits/{id}/run", s.apiRun)
	m.HandleFunc("POST /api/audits/{id}/cancel", s.apiCancel)
	m.HandleFunc("POST /api/audits/{id}/sample", s.apiSample)
	m.HandleFunc("POST /api/audits/{id}/decisions", s.apiDecisions)
	m.HandleFunc("GET /api/audits/{id}/outcomes", s.apiOutcomes)
	m.HandleFunc("GET /api/audits/{id}/files", s.apiFiles)
	m.HandleFunc("GET /api/audits/{id}/files/{name}", s.download)
	s.mux = m
}

// audit loads the audit named in the path, answering 404 itself when
// there is none.
func (s *Server) audit(w http.ResponseWriter, r *http.Request) *Audit {
	a, err := loadAudit(s.opt.Data, r.PathValue("id"))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			s.notFound(w, r, "There is no audit "+r.PathValue("id")+" in the data folder.")
		} else {
			s.fail(w, r, err)
		}
		return nil
	}
	return a
}

// auditWithRun is audit for a page that shows a run's results: an audit
// not yet run is sent to its run page (and nil returned).
func (s *Server) auditWithRun(w http.ResponseWriter, r *http.Request) *Audit {
	a := s.audit(w, r)
	if a != nil && !a.HasRun() {
		http.Redirect(w, r, pathFor("audits", a.ID, "run"), http.StatusSeeOther)
		return nil
	}
	return a
}

// checkForm parses a posted form (not an upload: see readForm), within
// the request limit, and checks its CSRF token. It answers itself and
// returns false when the form is refused.
func (s *Server) checkForm(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, s.opt.Limits.Request)
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, r, http.StatusBadRequest, "The form could not be read: "+err.Error())
		return false
	}
	if subtle.ConstantTimeCompare([]byte(r.PostFormValue("csrf")), []byte(s.csrf)) != 1 {
		s.errorPage(w, r, errForged.(*uploadError).status, errForged.Error())
		return false
	}
	return true
}

// apiCheck is the API's protection against forms posted from other
// sites: a script must send the header X-Requested-By (any value), which
// a form cannot, and a browser sends only after a preflight this server
// never allows.
func (s *Server) apiCheck(w http.ResponseWriter, r *http.Request) bool {
	if r.Header.Get("X-Requested-By") == "" {
		apiError(w, http.StatusForbidden, "send the header X-Requested-By (any value) with every POST to the API")
		return false
	}
	return true
}

func (s *Server) logf(format string, a ...any) { s.opt.Log.Printf(format, a...) }

// pathFor builds a page's address from escaped parts.
func pathFor(parts ...string) string {
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return "/" + strings.Join(parts, "/")
}
