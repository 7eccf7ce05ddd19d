package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/ies/cpdaudit/review"
	"github.com/ies/cpdaudit/web"
)

// serveOptions are the flags of serve.
type serveOptions struct {
	Addr    string
	Data    string
	Token   string
	Workers int
}

func newServeCmd(stdio IO) *cobra.Command {
	o := &serveOptions{}
	cmd := &cobra.Command{
		Use:   "serve [--addr 127.0.0.1:8080] [--data DIR] [--token TOKEN]",
		Short: "Start the web page: the whole year's audit in a browser, on this computer",
		Long: `Start a web server for the audit's page and print the address to open in a
browser. The page takes the office through the year: upload the exports and the
register, check them, run the audit, see the results, draw the sample, upload
the assessors' decisions and download the final letters. It uses the same code
as the commands. Every audit is a folder in --data; nothing is sent anywhere.

By default only this computer can open the page. Any other --addr needs
--token: every request must then carry it (the printed address does).`,
		Example: `  cpdaudit serve
  cpdaudit serve --data audits --addr 127.0.0.1:9000
  cpdaudit serve --addr 0.0.0.0:8080 --token "$(openssl rand -hex 16)"`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			defaultWorkers(cmd.Flags(), &o.Workers)
			if o.Workers < 1 {
				return usagef("--workers must be 1 or more (it is %d)", o.Workers)
			}
			o.Workers = clampWorkers(o.Workers, stdio)
			if o.Token == "" {
				// From the environment, where other users of the computer
				// cannot read it in the process list.
				o.Token = os.Getenv("CPDAUDIT_TOKEN")
			}
			return cmdServe(cmd.Context(), o, stdio)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&o.Addr, "addr", "127.0.0.1:8080", "the `HOST:PORT` to listen on; anything but this computer (127.0.0.1, localhost, ::1) needs --token")
	fs.StringVar(&o.Data, "data", "cpdaudit-data", "the `FOLDER` holding one folder per audit (made if missing; owner-only permissions)")
	fs.StringVar(&o.Token, "token", "", "a secret `TOKEN` every request must carry (required with a non-local --addr; default: $CPDAUDIT_TOKEN)")
	fs.IntVar(&o.Workers, "workers", 0, "`N` files and members processed at once (default: one per processor)")
	markDirs(cmd, "data")
	return cmd
}

// loopbackHosts are the names a browser on this computer reaches a
// loopback server by.
var loopbackHosts = []string{"localhost", "127.0.0.1", "::1"}

// isLoopback reports whether host (from --addr) is this computer only.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func cmdServe(ctx context.Context, o *serveOptions, stdio IO) error {
	host, _, err := net.SplitHostPort(o.Addr)
	if err != nil {
		return usagef("--addr %q is not HOST:PORT (e.g. --addr 127.0.0.1:8080)", o.Addr)
	}
	local := isLoopback(host)
	if !local && o.Token == "" {
		return usagef("--addr %s lets other computers open the page, which holds members' personal data: give --token with a long secret (e.g. --token \"$(openssl rand -hex 16)\"), or listen on 127.0.0.1", o.Addr)
	}
	if o.Token != "" && len(o.Token) < 16 {
		return usagef("--token must be at least 16 characters long, so that it cannot be guessed")
	}
	opt := web.Options{Data: o.Data, Pipeline: &cmdPipeline{workers: o.Workers}, Token: o.Token, Version: version,
		Log: log.New(stdio.Err, "serve: ", log.LstdFlags)}
	if local {
		opt.Hosts = append(append([]string{}, loopbackHosts...), strings.ToLower(host))
	}
	srv, err := web.New(opt)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w; give another --addr (another program may use that port)", o.Addr, err)
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	shown := ln.Addr().String()
	if h, p, err := net.SplitHostPort(shown); err == nil && (h == "0.0.0.0" || h == "::") {
		shown = net.JoinHostPort("localhost", p)
	}
	u := "http://" + shown + "/"
	if o.Token != "" {
		u += "?token=" + o.Token
	}
	abs, _ := filepath.Abs(o.Data)
	fmt.Fprintf(stdio.Out, "Open %s in your browser.\nAudits are kept in %s. Press Ctrl-C to stop the server.\n", u, abs)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		srv.Close()
		return err
	case <-ctx.Done():
	}
	// Stop any run (its folder is left as it was before the run) and wait
	// for it to let go of its folder; that also ends the progress streams,
	// so the requests still open finish and the server can stop.
	srv.Close()
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	hs.Shutdown(sctx)
	fmt.Fprintln(stdio.Err, "cpdaudit: the server stopped; every audit folder is as its last completed step left it.")
	return nil
}

// cmdPipeline is the page's pipeline: check, run, sample and finalize as
// the commands do them, with the same functions.
type cmdPipeline struct {
	workers int
}

func (p *cmdPipeline) options(in web.Inputs) *auditOptions {
	return &auditOptions{Year: in.Year, Register: in.Register, Policy: in.Policy, Workers: p.workers,
		Previous: in.Previous, Force: in.Force, Inputs: in.Files}
}

// Check is runCheck, with the issues kept instead of printed.
func (p *cmdPipeline) Check(ctx context.Context, in web.Inputs, pr web.Progress) (*web.CheckResult, error) {
	o := p.options(in)
	o.Out = filepath.Join(os.TempDir(), "cpdaudit-check-no-output")
	if err := o.validate(); err != nil {
		return nil, err
	}
	prog := newProgress(IO{Err: &progressWriter{p: pr}, IsTTY: true}, false)
	defer prog.close()
	if _, err := loadPolicy(o); err != nil {
		return nil, err
	}
	found, err := findInputs(o, false)
	if err != nil {
		return nil, err
	}
	tmp, err := runTempDir()
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	im, err := importAll(ctx, o, found, tmp, prog)
	if err != nil {
		return nil, tempHint(err, tmp)
	}
	defer im.close()
	res := &web.CheckResult{Members: len(im.members), Files: len(im.files), Rows: im.acc.String()}
	if _, err := chooseYear(o, im.years); err != nil {
		res.Error = err.Error()
	}
	if w := yearWarning(o, im.years); w != "" {
		res.Warnings = append(res.Warnings, w)
	}
	for _, is := range im.issues {
		res.Issues = append(res.Issues, web.Issue{File: is.File, Sheet: is.Sheet, Row: is.Row, Column: is.Column,
			Value: is.Value, Problem: is.Problem, Action: is.Action, MemberID: is.MemberID})
	}
	for _, n := range im.notices {
		res.Notices = append(res.Notices, n.String())
	}
	return res, nil
}

// Run is runAudit. Until the pipeline has a progress interface, the
// progress is read from the bar it draws for a terminal.
func (p *cmdPipeline) Run(ctx context.Context, in web.Inputs, out string, pr web.Progress) (*web.RunResult, error) {
	o := p.options(in)
	o.Out = out
	if err := o.validate(); err != nil {
		return nil, err
	}
	pw := &progressWriter{p: pr}
	var stdout bytes.Buffer
	code, err := runAudit(ctx, o, IO{In: strings.NewReader(""), Out: &stdout, Err: pw, IsTTY: true})
	if err != nil {
		return nil, err
	}
	res := &web.RunResult{Unread: code == exitIssues, Warnings: pw.warnings()}
	if m := regexp.MustCompile(`moved to (\S+) \(`).FindStringSubmatch(stdout.String()); m != nil {
		if rel, err := filepath.Rel(out, m[1]); err == nil {
			res.Superseded = filepath.ToSlash(rel)
		}
	}
	return res, nil
}

// progressWriter turns the progress runAudit writes for a terminal into
// calls of a web.Progress: stage lines ("Reading 4 files...") and the
// bar ("\r  [####   ] 5/15 members").
type progressWriter struct {
	p    web.Progress
	mu   sync.Mutex
	warn []string
	buf  []byte
}

var barRE = regexp.MustCompile(`(\d+)/(\d+) members`)

func (w *progressWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, b...)
	for {
		i := bytes.IndexAny(w.buf, "\r\n")
		if i < 0 {
			break
		}
		w.line(string(w.buf[:i]))
		w.buf = w.buf[i+1:]
	}
	// The bar is redrawn without a newline: read it as it comes.
	if m := barRE.FindStringSubmatch(string(w.buf)); m != nil {
		done, _ := strconv.Atoi(m[1])
		total, _ := strconv.Atoi(m[2])
		w.p.Progress("Auditing members and writing their feedback", done, total)
	}
	return len(b), nil
}

func (w *progressWriter) line(s string) {
	s = strings.TrimSpace(strings.TrimPrefix(s, "\033[K"))
	switch {
	case s == "":
	case strings.HasPrefix(s, "warning: "):
		w.warn = append(w.warn, strings.TrimPrefix(s, "warning: "))
	case strings.HasSuffix(s, "..."):
		w.p.Progress(strings.TrimSuffix(s, "..."), 0, 0)
	}
}

func (w *progressWriter) warnings() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.warn...)
}

// Sample is cmdSample.
func (p *cmdPipeline) Sample(ctx context.Context, dir string, req web.SampleRequest, pr web.Progress) (*web.SampleResult, error) {
	pr.Progress("Drawing the sample and recording it in summary.xlsx", 0, 0)
	o := &sampleOptions{Rate: req.Rate, Min: req.Min, Seed: req.Seed, Exclude: req.Exclude}
	if req.Stratify {
		o.Stratify = "grade"
	}
	if err := o.validate([]string{dir}); err != nil {
		return nil, err
	}
	var out, errOut bytes.Buffer
	if err := cmdSample(ctx, o, IO{Out: &out, Err: &errOut}); err != nil {
		return nil, err
	}
	res := &web.SampleResult{Rate: req.Rate}
	var rec struct {
		Seed string `json:"seed"`
		Rate string `json:"rate"`
	}
	if b, err := os.ReadFile(filepath.Join(dir, "sample.json")); err == nil && json.Unmarshal(b, &rec) == nil {
		res.Seed, res.Rate = rec.Seed, rec.Rate
	}
	res.Summary = lines(out.String(), errOut.String(), dir)
	return res, nil
}

// Finalize is finalizeStatus; the decisions are then read again to give
// the problems and the agreement as data.
func (p *cmdPipeline) Finalize(ctx context.Context, dir string, decisions []string, pr web.Progress) (*web.FinalizeResult, error) {
	pr.Progress("Writing the final letters", 0, 0)
	o := &finalizeOptions{Decisions: decisions, Workers: p.workers}
	if err := o.validate([]string{dir}); err != nil {
		return nil, err
	}
	var out, errOut bytes.Buffer
	if _, err := finalizeStatus(ctx, o, IO{Out: &out, Err: &errOut}); err != nil {
		return nil, err
	}
	run, err := review.ReadRun(dir)
	if err != nil {
		return nil, err
	}
	var ds []*review.Decisions
	for _, path := range decisions {
		d, err := review.ReadDecisions(path)
		if err != nil {
			return nil, err
		}
		ds = append(ds, d)
	}
	finals := review.Apply(run, ds...)
	a := review.Measure(finals)
	res := &web.FinalizeResult{Outcomes: map[string]int{}, Agreed: a.ToolDecided.Agreed, Decided: a.ToolDecided.N,
		Kappa: a.ToolDecided.Kappa, KappaDefined: a.ToolDecided.KappaDefined, ReviewToMet: a.ReviewToMet, ReviewToNotMet: a.ReviewToNotMet}
	for i := range finals {
		f := &finals[i]
		if f.InRun && f.Problem == "" {
			res.Outcomes[string(f.Final)]++
			if hasLetter(f) {
				res.Letters++
			}
		}
	}
	for _, pr := range review.Problems(finals) {
		id := ""
		if pr.InRun {
			id = pr.ID
		}
		res.Problems = append(res.Problems, web.Problem{File: pr.File, MemberID: id, Problem: pr.Problem})
	}
	res.Summary = lines(out.String(), "", dir)
	return res, nil
}

// lines splits a command's printed summary into lines, with the run
// folder's path left out (the page names the audit).
func lines(out, errOut, dir string) []string {
	var res []string
	for _, l := range strings.Split(strings.TrimSpace(out+"\n"+errOut), "\n") {
		l = strings.ReplaceAll(strings.TrimSpace(l), dir+string(filepath.Separator), "")
		if l != "" {
			res = append(res, l)
		}
	}
	return res
}

var _ web.Pipeline = (*cmdPipeline)(nil)
