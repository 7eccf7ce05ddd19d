package web

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// fake is a Pipeline that writes a small run folder from the committed
// fixture fixtures/review/run2025, so the handlers can be tested without
// the audit itself (the browser test in cmd/cpdaudit runs the real one).
type fake struct {
	mu sync.Mutex
	// block makes Run wait for its context: a long run to cancel.
	block   bool
	started chan struct{}
	// steps, when set, are the members done one by one, reported as they
	// arrive; the run completes when it is closed.
	steps  chan int
	checks []Inputs
	runs   int
	// holdCheck, when set, keeps Check going until it is closed or the
	// check is stopped.
	holdCheck chan struct{}
	// holdFinal keeps Finalize going until it is closed.
	holdFinal chan struct{}
}

func (f *fake) Check(ctx context.Context, in Inputs, p Progress) (*CheckResult, error) {
	p.Progress("Reading files", 0, len(in.Files))
	if f.holdCheck != nil {
		select {
		case <-f.holdCheck:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	f.mu.Lock()
	f.checks = append(f.checks, in)
	f.mu.Unlock()
	res := &CheckResult{Files: len(in.Files), Members: 15, Rows: "rows read 3 = accepted 2 + rejected 1 + blank 0"}
	for _, p := range in.Files {
		if strings.Contains(filepath.Base(p), "bad") {
			res.Issues = append(res.Issues, Issue{File: p, Row: 4, Column: "F (Number of hours)", Value: "eight",
				Problem: "hours 'eight' is not a number", Action: "write the hours as a number, e.g. 8 or 7.5"})
		}
	}
	return res, nil
}

func (f *fake) Run(ctx context.Context, in Inputs, out string, p Progress) (*RunResult, error) {
	f.mu.Lock()
	f.runs++
	started := f.started
	f.mu.Unlock()
	p.Progress("Reading files", 0, 0)
	if f.block {
		if started != nil {
			close(started)
		}
		<-ctx.Done()
		return nil, ctx.Err()
	}
	for _, p0 := range in.Files {
		if strings.Contains(filepath.Base(p0), "fail") {
			return nil, fmt.Errorf("no CPD activity could be read from %s", p0)
		}
	}
	if f.steps != nil {
		for n := range f.steps {
			p.Progress("Auditing members", n, 15)
		}
	} else {
		for i := range 15 {
			p.Progress("Auditing members", i+1, 15)
		}
	}
	if err := os.MkdirAll(filepath.Join(out, "feedback"), 0o700); err != nil {
		return nil, err
	}
	src := filepath.Join("..", "fixtures", "review", "run2025")
	for _, name := range []string{"summary.csv", "summary.xlsx", "results.jsonl.gz", "run.json"} {
		b, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(out, name), b, 0o600); err != nil {
			return nil, err
		}
	}
	for i := 1; i <= 15; i++ {
		pdf := fmt.Sprintf("%%PDF-1.4 feedback of 1001%02d\n", i)
		if err := os.WriteFile(filepath.Join(out, "feedback", fmt.Sprintf("1001%02d.pdf", i)), []byte(pdf), 0o600); err != nil {
			return nil, err
		}
	}
	return &RunResult{}, nil
}

func (f *fake) Sample(_ context.Context, dir string, o SampleRequest, p Progress) (*SampleResult, error) {
	p.Progress("Drawing the sample", 0, 0)
	if o.Rate == "13%" {
		return nil, fmt.Errorf("cannot write %s: it is open in another program", filepath.Join(dir, "summary.xlsx"))
	}
	if o.Rate == "" || strings.HasPrefix(o.Rate, "-") {
		return nil, fmt.Errorf("--rate %q: give a share such as 5%%", o.Rate)
	}
	csv := "member_id,name,grade,outcome,reason\n100102,Łukasz Nowak,Associate,NOT_MET,NOT_MET\n100105,Some One,Full,REVIEW,REVIEW\n"
	if err := os.WriteFile(filepath.Join(dir, "sample.csv"), []byte(csv), 0o600); err != nil {
		return nil, err
	}
	return &SampleResult{Seed: "42", Rate: o.Rate, Summary: []string{"Sample: 2 members for review"}}, nil
}

func (f *fake) Finalize(ctx context.Context, dir string, decisions []string, p Progress) (*FinalizeResult, error) {
	p.Progress("Writing the final letters", 0, 1)
	if f.holdFinal != nil {
		select {
		case <-f.holdFinal:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	for _, d := range decisions {
		if strings.Contains(filepath.Base(d), "other-run") {
			return nil, fmt.Errorf("%s was made from another run than the one now in %s", d, dir)
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "final", "feedback"), 0o700); err != nil {
		return nil, err
	}
	os.WriteFile(filepath.Join(dir, "final", "100102.pdf"), []byte("%PDF-1.4 letter"), 0o600)
	os.WriteFile(filepath.Join(dir, "final", "feedback", "100102.pdf"), []byte("%PDF-1.4 final feedback"), 0o600)
	fs := "member_id,name,prescreen_outcome,decision,final_outcome,assessor_comment,problem,comment_to_member,decisions_file\n" +
		"100102,Łukasz Nowak,NOT_MET,Confirm,NOT_MET,,,,d.xlsx\n" +
		"100105,Some One,REVIEW,Confirm,,,Confirm cannot settle a REVIEW outcome,,d.xlsx\n"
	os.WriteFile(filepath.Join(dir, "final-summary.csv"), []byte(fs), 0o600)
	ls := "member_id,name,email,outcome,letter,feedback,note\n100102,Łukasz Nowak,l@example.org,NOT_MET,final/100102.pdf,final/feedback/100102.pdf,\n"
	os.WriteFile(filepath.Join(dir, "letters.csv"), []byte(ls), 0o600)
	return &FinalizeResult{Letters: 1, Decided: 1, Agreed: 1, Problems: []Problem{{File: decisions[0], MemberID: "100105", Problem: "Confirm cannot settle a REVIEW outcome"}}}, nil
}
