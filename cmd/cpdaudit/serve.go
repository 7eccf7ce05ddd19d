package main

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ies/cpdaudit/pipeline"
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
	// One server per data folder: a second one would tidy away the first
	// one's uploads in progress when it starts.
	if err := os.MkdirAll(o.Data, 0o700); err != nil {
		return fmt.Errorf("cannot make the data folder %s: %w; give another --data", o.Data, err)
	}
	release, stale, err := pipeline.LockFolder(o.Data, "serve", func(dir, path, holder string) error {
		return fmt.Errorf("another cpdaudit serve is using the data folder %s (%s); open the page it serves, or give this one another --data. If no server is running (it was stopped, or the computer restarted), delete %s and start again", dir, holder, path)
	})
	if err != nil {
		return err
	}
	defer release()
	if stale != "" {
		fmt.Fprintln(stdio.Err, "cpdaudit: "+stale)
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

// cmdPipeline is the page's pipeline: the pipeline package, which the
// commands check, run, sample and finalize call too.
type cmdPipeline struct {
	workers int
}

// Check is pipeline.Check, with the issues as the page shows them.
func (p *cmdPipeline) Check(ctx context.Context, in web.Inputs, pr web.Progress) (*web.CheckResult, error) {
	res, err := pipeline.Check(ctx, pipeline.Options{Inputs: in.Files, Year: in.Year, Register: in.Register,
		Policy: in.Policy, Workers: p.workers, Version: version, Progress: pageProgress(pr, nil)})
	if err != nil {
		return nil, err
	}
	out := &web.CheckResult{Members: res.Members, Files: len(res.Files), Rows: res.Accounting.String(), Warnings: res.Warnings}
	for _, is := range res.Issues {
		out.Issues = append(out.Issues, web.Issue{File: is.File, Sheet: is.Sheet, Row: is.Row, Column: is.Column,
			Value: is.Value, Problem: is.Problem, Action: is.Action, MemberID: is.MemberID})
	}
	for _, n := range res.Notices {
		out.Notices = append(out.Notices, n.String())
	}
	return out, nil
}

// stageNames are the pipeline's stages as the page names them.
var stageNames = map[string]string{
	pipeline.StageImport:  "Reading the files",
	pipeline.StageMerge:   "Putting each member's rows together",
	pipeline.StageIndex:   "Comparing reflections across members",
	pipeline.StageAudit:   "Auditing members and writing their feedback",
	pipeline.StageWrite:   "Writing the workbook and the tables",
	pipeline.StageSample:  "Drawing the sample and recording it in summary.xlsx",
	pipeline.StageLetters: "Writing the final letters",
}

// pageProgress passes the pipeline's progress events on to the page, by
// the stages' names in words, numbered among stages when given ("Step 4
// of 5: Auditing members ..."). The warnings are in the step's result.
func pageProgress(pr web.Progress, stages []string) pipeline.Progress {
	return pipeline.ProgressFunc(func(e pipeline.Event) {
		if e.Kind == pipeline.Warning {
			return
		}
		name := stageNames[e.Stage]
		if name == "" {
			name = e.Stage
		}
		if i := slices.Index(stages, e.Stage); i >= 0 {
			name = fmt.Sprintf("Step %d of %d: %s", i+1, len(stages), name)
		}
		pr.Progress(name, e.Done, e.Total)
	})
}

// Run is pipeline.Run, its progress events passed on to the page.
func (p *cmdPipeline) Run(ctx context.Context, in web.Inputs, out string, pr web.Progress) (*web.RunResult, error) {
	res, err := pipeline.Run(ctx, pipeline.Options{Inputs: in.Files, Year: in.Year, Register: in.Register,
		Policy: in.Policy, Workers: p.workers, Out: out, Previous: in.Previous, Force: in.Force,
		Version: version, Progress: pageProgress(pr, pipeline.RunStages())})
	if err != nil {
		return nil, err
	}
	r := &web.RunResult{Unread: res.Status == pipeline.Incomplete, Warnings: res.Warnings}
	if res.Superseded != "" {
		if rel, err := filepath.Rel(out, res.Superseded); err == nil {
			r.Superseded = filepath.ToSlash(rel)
		}
	}
	return r, nil
}

// Sample is pipeline.Sample; the summary is what the command prints.
func (p *cmdPipeline) Sample(ctx context.Context, dir string, req web.SampleRequest, pr web.Progress) (*web.SampleResult, error) {
	rate, err := review.ParseRate(req.Rate)
	if err != nil {
		return nil, fmt.Errorf("the share %q: %v", req.Rate, err)
	}
	if req.Min < 0 {
		return nil, fmt.Errorf("the least number of MET members must be 0 or more")
	}
	seed, chosen, err := sampleSeed(req.Seed)
	if err != nil {
		return nil, err
	}
	res, err := pipeline.Sample(ctx, pipeline.SampleOptions{RunDir: dir, Rate: rate, Min: req.Min, Seed: seed,
		Stratify: req.Stratify, Exclude: req.Exclude, Progress: pageProgress(pr, nil)})
	if err != nil {
		return nil, err
	}
	var out, errOut bytes.Buffer
	printSample(IO{Out: &out, Err: &errOut}, dir, res.Sample, chosen)
	return &web.SampleResult{Seed: res.Record.Seed, Rate: req.Rate, Summary: lines(out.String(), errOut.String(), dir)}, nil
}

// Finalize is pipeline.Finalize.
func (p *cmdPipeline) Finalize(ctx context.Context, dir string, decisions []string, pr web.Progress) (*web.FinalizeResult, error) {
	date, err := letterDate("")
	if err != nil {
		return nil, err
	}
	res, err := pipeline.Finalize(ctx, pipeline.FinalizeOptions{RunDir: dir, Decisions: decisions, LetterDate: date,
		Workers: p.workers, Version: version, Progress: pageProgress(pr, nil)})
	if err != nil {
		return nil, err
	}
	a := res.Agreement
	out := &web.FinalizeResult{Letters: res.Letters, Outcomes: map[string]int{}, Agreed: a.ToolDecided.Agreed, Decided: a.ToolDecided.N,
		Kappa: a.ToolDecided.Kappa, KappaDefined: a.ToolDecided.KappaDefined, ReviewToMet: a.ReviewToMet, ReviewToNotMet: a.ReviewToNotMet}
	for i := range res.Finals {
		if f := &res.Finals[i]; f.InRun && f.Problem == "" {
			out.Outcomes[string(f.Final)]++
		}
	}
	for _, pr := range res.Problems {
		id := ""
		if pr.InRun {
			id = pr.ID
		}
		out.Problems = append(out.Problems, web.Problem{File: pr.File, MemberID: id, Problem: pr.Problem})
	}
	var buf bytes.Buffer
	printFinal(&buf, dir, res.Finals, res.Agreement, res.Letters, res.Date)
	out.Summary = lines(buf.String(), "", dir)
	return out, nil
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
