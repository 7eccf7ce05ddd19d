package pipeline

import (
	"github.com/ies/cpdaudit/audit"
	"github.com/ies/cpdaudit/report"
)

// warmUp is the audit's fixed costs, started while the inputs are read:
// the PDF fonts (about 20 ms) and the policy's word lists compiled with
// the lexicon and the judge's model decoded (about 100 ms), which the
// first audit would otherwise do while every other worker waits on it.
// At 1,000 members that is a tenth of a run's wall time; overlapped with
// the import it costs none. Nothing here depends on the inputs, so the
// results are the same whenever they are made.
type warmUp struct {
	done  chan struct{}
	fonts *report.Fonts
	err   error
}

// startWarmUp starts the fixed costs for policy in the background. It
// cannot be stopped part way, but it is short: a run cancelled meanwhile
// returns without waiting for it.
func startWarmUp(policy audit.Policy) *warmUp {
	w := &warmUp{done: make(chan struct{})}
	go func() {
		defer close(w.done)
		w.fonts, w.err = report.LoadFonts()
		// One made-up member compiles the policy's matchers and the model
		// into audit's caches (keyed by the policy), where the run's own
		// Evaluate calls find them. Its result is thrown away.
		audit.Evaluate(audit.Member{ID: "warm-up"}, []audit.Activity{{
			Title: "warm-up", Hours: 1,
			Reflection: "I learned to check my results, which improved the quality of my reports for my clients.",
		}}, audit.Env{Year: 2000, Policy: policy})
	}()
	return w
}

// loadFonts waits for the fonts; a nil warmUp loads them now.
func (w *warmUp) loadFonts() (*report.Fonts, error) {
	if w == nil {
		return report.LoadFonts()
	}
	<-w.done
	return w.fonts, w.err
}
