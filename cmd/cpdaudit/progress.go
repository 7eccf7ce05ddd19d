package main

import (
	"fmt"
	"strings"
	"sync"

	"github.com/ies/cpdaudit/internal/english"
	"github.com/ies/cpdaudit/pipeline"
)

// plural is english.Plural, under the short name this package's messages
// use.
var plural = english.Plural

// progress reports on stderr: a redrawn bar on a terminal, plain lines
// (at most about ten for the members) otherwise, nothing with --quiet
// except warnings. It is safe for concurrent use by the workers.
type progress struct {
	mu         sync.Mutex
	closed     bool // the command has returned: print nothing more
	stdio      IO
	quiet      bool
	total      int
	done       int
	lastPlain  int
	barVisible bool
}

func newProgress(stdio IO, quiet bool) *progress { return &progress{stdio: stdio, quiet: quiet} }

func (p *progress) line(s string) {
	if p.closed {
		return
	}
	p.clearBar()
	fmt.Fprintln(p.stdio.Err, s)
}

// close ends the progress when the command returns: a stage still
// finishing in the background after Ctrl-C (see interruptible) prints
// nothing more.
func (p *progress) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clearBar()
	p.closed = true
}

// Report prints the pipeline's events: a stage that says what it does
// as a line ("Reading 4 files..."), each file read as an indented line,
// the members audited as a bar or a line at each tenth, and warnings.
func (p *progress) Report(e pipeline.Event) {
	switch {
	case e.Kind == pipeline.Warning:
		p.warn(e.Message)
	case e.Kind == pipeline.Started && e.Stage == pipeline.StageAudit:
		p.startMembers(e.Total, e.Message)
	case e.Kind == pipeline.Started && e.Message != "":
		p.stage(e.Message)
	case e.Kind == pipeline.Step && e.Stage == pipeline.StageAudit:
		p.memberDone()
	case e.Kind == pipeline.Step && e.Message != "":
		p.note("  " + e.Message)
	}
}

func (p *progress) stage(s string) {
	if p.quiet {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.line(s + "...")
}

func (p *progress) note(s string) {
	if p.quiet {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.line(s)
}

func (p *progress) warn(s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.line("warning: " + s)
}

func (p *progress) startMembers(n int, msg string) {
	if p.quiet {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.total, p.done, p.lastPlain = n, 0, 0
	p.line(msg + "...")
}

func (p *progress) memberDone() {
	if p.quiet {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	if p.closed {
		return
	}
	if p.stdio.IsTTY {
		const width = 30
		filled := width * p.done / max(p.total, 1)
		fmt.Fprintf(p.stdio.Err, "\r  [%s%s] %d/%d members", strings.Repeat("#", filled), strings.Repeat(" ", width-filled), p.done, p.total)
		p.barVisible = true
		return
	}
	// Plain lines at each tenth of a large run, and one line at the end, so
	// a log file stays short whatever the membership size.
	pct := 100 * p.done / max(p.total, 1)
	if p.done == p.total || (p.total >= 100 && pct >= p.lastPlain+10) {
		p.lastPlain = pct - pct%10
		fmt.Fprintf(p.stdio.Err, "  %d/%d members (%d%%)\n", p.done, p.total, pct)
	}
}

func (p *progress) clearBar() {
	if p.barVisible {
		fmt.Fprint(p.stdio.Err, "\r\033[K")
		p.barVisible = false
	}
}

func (p *progress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clearBar()
}
