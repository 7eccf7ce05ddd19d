package pipeline

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/ies/cpdaudit/audit"
	"github.com/ies/cpdaudit/importer"
	"github.com/ies/cpdaudit/report"
	"github.com/ies/cpdaudit/staged"
)

// auditStage evaluates every member of j and stages their PDF beside the
// tables t as soon as their result is ready, workers at once, and adds
// each result to the tables in member order (sorted by id) whatever the
// timing: a result that finishes early waits in a reorder buffer until
// every earlier one has been added, and is dropped once added.
func (j *auditJob) auditStage(ctx context.Context, t *tables) error {
	fonts, err := j.warm.loadFonts()
	if err != nil {
		return fmt.Errorf("internal error, please report it: loading the PDF fonts: %w", err)
	}
	pdfOpts := report.PDFOptions{Version: j.o.Version, Created: documentDate(j.env.Year), Policy: j.env.Policy}
	n, workers := len(j.members), j.o.workers()
	j.rep.started(StageAudit, n, fmt.Sprintf("Auditing %d %s and writing their feedback", n, plural(n, "member", "members")))
	g, gctx := errgroup.WithContext(ctx)
	// A member is handed out only when it is within the window of the next
	// one to add, so one slow member cannot make the buffer grow without
	// bound while the workers race ahead; the tokens are taken here, in
	// member order, so a later member can never take the last one while an
	// earlier one waits. The workers are long-lived goroutines: a new one
	// per member grew its stack again for every letter (0.25 to 0.35 s of
	// 10,000 members went to copying stacks).
	ro := newReorder(reorderWindow(workers), n, t)
	var done counter
	jobs := make(chan int)
	for range workers {
		g.Go(func() error {
			for i := range jobs {
				if err := gctx.Err(); err != nil {
					return err
				}
				r, encoded, err := j.auditMember(&j.members[i], t.out, fonts, pdfOpts)
				if err != nil {
					return err
				}
				done.step(j.rep, StageAudit, n, "")
				if err := ro.done(i, r, encoded); err != nil {
					return err
				}
			}
			return nil
		})
	}
feed:
	for i := range j.members {
		select {
		case ro.slots <- struct{}{}:
		case <-gctx.Done():
			break feed
		}
		select {
		case jobs <- i:
		case <-gctx.Done():
			break feed
		}
	}
	close(jobs)
	if err := g.Wait(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if ro.next != n {
		return fmt.Errorf("internal error, please report it: %d of %d members reached the tables", ro.next, n)
	}
	return nil
}

// auditMember evaluates one member, stages their PDF and encodes their
// line of the results file, so the one goroutine writing in order only
// copies bytes. The member's record is dropped: the result holds what the
// tables need.
func (j *auditJob) auditMember(m *importer.MemberRecord, out *staged.Dir, fonts *report.Fonts, pdfOpts report.PDFOptions) (audit.MemberResult, []byte, error) {
	rec := j.o.Timing
	t0 := time.Now()
	acts, err := m.Activities()
	if err != nil {
		return audit.MemberResult{}, nil, err
	}
	r := audit.Evaluate(m.Member, acts, j.env)
	*m = importer.MemberRecord{}
	rec.since(WorkAudit, t0)
	t1 := time.Now()
	name := filepath.Join("feedback", report.FeedbackFileName(r.Member.ID))
	if err := out.Write(name, func(w io.Writer) error { return report.WritePDF(w, r, fonts, pdfOpts) }); err != nil {
		return r, nil, err
	}
	// After the PDF, so the note reaches the summary for the office, not
	// the member's own letter.
	r.Flags = append(r.Flags, fonts.TextFlags(&r)...)
	rec.since(WorkPDF, t1)
	t2 := time.Now()
	encoded, err := report.EncodeResult(&r)
	if err != nil {
		return r, nil, fmt.Errorf("cannot write %s: member %s: %w", filepath.Join(j.o.Out, report.ResultsFile), r.Member.ID, err)
	}
	rec.since(WorkAudit, t2) // keeping the result is part of auditing it
	return r, encoded, nil
}

// counter numbers the units of a stage as they finish, from any worker,
// and reports each in order: a progress bar never goes back.
type counter struct {
	mu sync.Mutex
	n  int
}

// step reports one more unit of stage done, of total.
func (c *counter) step(rep reporter, stage string, total int, msg string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	rep.step(stage, c.n, total, msg)
}

// reorderWindow is how many members may be in flight or waiting in the
// reorder buffer at once: enough that a worker rarely waits for a slow
// member, few enough that the buffer's results stay a small, fixed amount
// of memory.
func reorderWindow(workers int) int { return 16 * max(workers, 1) }

// pending is a result waiting for an earlier one, with its encoded line.
type pending struct {
	r       audit.MemberResult
	encoded []byte
}

// reorder adds results to the tables in index order. Workers deposit
// results in any order; whichever deposits the next one due adds it and
// every consecutive one after it, so the tables are written by one
// goroutine at a time. The mutex guards only the buffer, not the adding:
// a worker depositing a result while another adds returns to its next
// member at once, rather than leaving its core idle until the tables are
// written.
type reorder struct {
	mu      sync.Mutex
	next    int             // index of the next result to add
	pending map[int]pending // results waiting for an earlier one
	adding  bool            // a worker is adding results to the tables
	tables  *tables
	err     error // the tables' first error; later results are dropped
	// slots holds a token for every member started and not yet added; its
	// capacity is the window.
	slots chan struct{}
}

func newReorder(window, n int, t *tables) *reorder {
	return &reorder{pending: make(map[int]pending, min(window, n)), tables: t, slots: make(chan struct{}, window)}
}

// done deposits result i and, unless another worker is at it, adds what
// is now in order. It returns the tables' error, which stops the run.
func (ro *reorder) done(i int, r audit.MemberResult, encoded []byte) error {
	ro.mu.Lock()
	defer ro.mu.Unlock()
	if ro.err != nil {
		return ro.err
	}
	ro.pending[i] = pending{r, encoded}
	if ro.adding {
		// The worker adding finds this result before it stops.
		return nil
	}
	ro.adding = true
	defer func() { ro.adding = false }()
	for {
		p, ok := ro.pending[ro.next]
		if !ok {
			return nil
		}
		delete(ro.pending, ro.next)
		ro.next++
		<-ro.slots // never blocks: every started member holds a token
		ro.mu.Unlock()
		err := ro.tables.add(p.r, p.encoded)
		ro.mu.Lock()
		if err != nil {
			ro.err = err
			ro.pending = nil
			return err
		}
	}
}
