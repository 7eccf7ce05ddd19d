package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// job is a run going on in the background.
type job struct {
	kind     string // kindCheck, kindRun, kindSample or kindFinal
	mu       sync.Mutex
	cancel   context.CancelFunc
	stage    string
	done     int
	total    int
	running  bool
	err      string
	canceled bool
	changed  chan struct{} // closed and replaced at every change
}

// State is a run's progress as the page and the API show it.
type State struct {
	Kind     string `json:"kind,omitempty"` // "check", "run", "sample" or "finalize"
	Running  bool   `json:"running"`
	Stage    string `json:"stage"`
	Done     int    `json:"done"`
	Total    int    `json:"total"`
	Error    string `json:"error,omitempty"`
	Canceled bool   `json:"canceled,omitempty"`
}

func (j *job) Progress(stage string, done, total int) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.stage, j.done, j.total = stage, done, total
	j.notify()
}

func (j *job) notify() {
	close(j.changed)
	j.changed = make(chan struct{})
}

func (j *job) state() (State, <-chan struct{}) {
	j.mu.Lock()
	defer j.mu.Unlock()
	return State{Kind: j.kind, Running: j.running, Stage: j.stage, Done: j.done, Total: j.total, Error: j.err, Canceled: j.canceled}, j.changed
}

// jobState is the run's state of audit id: idle when none ran since the
// server started.
func (s *Server) jobState(id string) (State, <-chan struct{}) {
	s.mu.Lock()
	j := s.jobs[id]
	s.mu.Unlock()
	if j == nil {
		return State{}, nil
	}
	return j.state()
}

// errBusy is a second check or run of the same audit while one is going.
var errBusy = errors.New("a check or run of this audit is already going on")

// Kinds of job.
const (
	kindCheck  = "check"
	kindRun    = "run"
	kindSample = "sample"
	kindFinal  = "finalize"
)

// launch runs work in the background as the audit's job of the kind,
// unless one is going on already. work saves what it produced; its error,
// already in words for the page, is the job's.
func (s *Server) launch(id, kind string, work func(ctx context.Context, j *job) error) error {
	s.mu.Lock()
	if j := s.jobs[id]; j != nil {
		if st, _ := j.state(); st.Running {
			s.mu.Unlock()
			return errBusy
		}
	}
	ctx, cancel := context.WithCancel(s.ctx)
	j := &job{kind: kind, cancel: cancel, running: true, stage: "Starting", changed: make(chan struct{})}
	s.jobs[id] = j
	s.running.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.running.Done()
		defer cancel()
		err := work(ctx, j)
		j.mu.Lock()
		defer j.mu.Unlock()
		j.running = false
		switch {
		case err != nil && ctx.Err() != nil:
			j.canceled = true
			j.err = "The " + kind + " was stopped; the audit's folder is as it was before it started."
		case err != nil:
			j.err = err.Error()
		}
		j.notify()
	}()
	return nil
}

// update reads the audit again (audit.json may have changed while a job
// went on), lets edit change it and saves it.
func (s *Server) update(a *Audit, edit func(cur *Audit)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, err := loadAudit(s.opt.Data, a.ID)
	if err != nil {
		cur = a
	}
	edit(cur)
	if err := saveMeta(cur); err != nil {
		s.logf("%s: %v", cur.ID, err)
	}
}

// startCheck checks the audit's files in the background.
func (s *Server) startCheck(a *Audit) error {
	return s.launch(a.ID, kindCheck, func(ctx context.Context, j *job) error {
		s.check(ctx, a, j)
		if err := ctx.Err(); err != nil {
			return err // not checked: the page offers the check again
		}
		s.update(a, func(cur *Audit) { cur.Check = a.Check })
		return nil
	})
}

// start runs the audit in the background. A run into a folder that holds
// a sample or final results moves them aside (they are kept in the run
// folder's superseded/), as "run --force" does: the page asked first.
func (s *Server) start(a *Audit) error {
	if a.CLI {
		return errors.New("this audit was run with the command line: its inputs are not here, so run it again with the command line")
	}
	if len(a.Inputs) == 0 {
		return errors.New("this audit has no files to audit: upload the exports first")
	}
	in := s.inputs(a)
	in.Force = true
	return s.launch(a.ID, kindRun, func(ctx context.Context, j *job) error {
		res, err := s.opt.Pipeline.Run(ctx, in, a.RunDir(), j)
		defer s.cache.forget(a.RunDir())
		if err != nil && ctx.Err() != nil {
			return err
		}
		var failed error
		s.update(a, func(cur *Audit) {
			if err != nil {
				// Named as uploaded, not by where the page keeps the files.
				cur.RunError = s.tidy(cur, err.Error())
				failed = errors.New(cur.RunError)
				return
			}
			for i, w := range res.Warnings {
				res.Warnings[i] = s.tidy(cur, w)
			}
			cur.Run, cur.RunError = res, ""
			if rec, err := readRunRecord(cur.RunDir()); err == nil {
				cur.Year = rec.CPDYear
			}
			cur.Sample, cur.Final, cur.Decisions = nil, nil, nil
		})
		return failed
	})
}

func (s *Server) stop(id string) bool {
	s.mu.Lock()
	j := s.jobs[id]
	s.mu.Unlock()
	if j == nil {
		return false
	}
	if st, _ := j.state(); !st.Running {
		return false
	}
	j.cancel()
	return true
}

// events streams the run's progress as server-sent events, one JSON State
// per change, until the run ends or the page goes away.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	a := s.audit(w, r)
	if a == nil {
		return
	}
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming is not supported", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	tick := time.NewTicker(15 * time.Second)
	defer tick.Stop()
	for {
		st, changed := s.jobState(a.ID)
		b, _ := json.Marshal(st)
		fmt.Fprintf(w, "data: %s\n\n", b)
		fl.Flush()
		if !st.Running || changed == nil {
			return
		}
		select {
		case <-changed:
			// At most ten events a second, however fast members finish.
			time.Sleep(100 * time.Millisecond)
		case <-tick.C:
		case <-r.Context().Done():
			return
		case <-s.ctx.Done():
			return
		}
	}
}
