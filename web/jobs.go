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
	return State{Running: j.running, Stage: j.stage, Done: j.done, Total: j.total, Error: j.err, Canceled: j.canceled}, j.changed
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

// errBusy is a second run of the same audit while one is going.
var errBusy = errors.New("a run of this audit is already going on")

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
	s.mu.Lock()
	if j := s.jobs[a.ID]; j != nil {
		if st, _ := j.state(); st.Running {
			s.mu.Unlock()
			return errBusy
		}
	}
	ctx, cancel := context.WithCancel(s.ctx)
	j := &job{cancel: cancel, running: true, stage: "Starting", changed: make(chan struct{})}
	s.jobs[a.ID] = j
	s.running.Add(1)
	s.mu.Unlock()
	in := s.inputs(a)
	in.Force = true
	go func() {
		defer s.running.Done()
		defer cancel()
		res, err := s.opt.Pipeline.Run(ctx, in, a.RunDir(), j)
		s.mu.Lock()
		defer s.mu.Unlock()
		// Read again: audit.json may have changed while the run went on.
		cur, lerr := loadAudit(s.opt.Data, a.ID)
		if lerr != nil {
			cur = a
		}
		j.mu.Lock()
		j.running = false
		switch {
		case err != nil && ctx.Err() != nil:
			j.canceled = true
			j.err = "The run was stopped; the audit's folder is as it was before it started."
		case err != nil:
			// Named as uploaded, not by where the page keeps the files.
			j.err = s.tidy(cur, err.Error())
			cur.RunError = j.err
		default:
			for i, w := range res.Warnings {
				res.Warnings[i] = s.tidy(cur, w)
			}
			cur.Run, cur.RunError = res, ""
			if rec, err := readRunRecord(cur.RunDir()); err == nil {
				cur.Year = rec.CPDYear
			}
			cur.Sample, cur.Final, cur.Decisions = nil, nil, nil
		}
		j.notify()
		j.mu.Unlock()
		if serr := saveMeta(cur); serr != nil {
			s.logf("%s: %v", cur.ID, serr)
		}
		s.cache.forget(cur.RunDir())
	}()
	return nil
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
