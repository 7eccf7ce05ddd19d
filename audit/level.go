package audit

import (
	"fmt"
	"math"
	"strings"

	"github.com/ies/cpdaudit/internal/english"
)

// seniority says whether the member is senior (a senior grade or a
// chartered registration) and in words why, or that it is unknown.
func seniority(m Member, p LevelPolicy) (senior, known bool, why string) {
	for _, reg := range p.CharteredRegistrations {
		if m.HasRegistration(reg) {
			return true, true, "you hold the chartered registration " + reg
		}
	}
	if m.Grade == GradeUnknown {
		return false, false, ""
	}
	for _, g := range p.SeniorGrades {
		if strings.EqualFold(string(m.Grade), g) {
			return true, true, "you are a " + string(m.Grade) + " member"
		}
	}
	return false, true, "you are a " + string(m.Grade) + " member"
}

// levelStandard is standard 3. It is a judgement the tool leaves to an
// assessor: it returns REVIEW with each signal and its evidence, or MET
// when it finds none, never NOT_MET.
func levelStandard(r *MemberResult, c *compiled, p LevelPolicy) StandardResult {
	s := StandardResult{Standard: StandardLevel}
	senior, known, who := seniority(r.Member, p)

	var entry []string
	counted, thin := 0, 0
	// The tokens and matches of each activity go in the judge's pooled
	// buffers (taken only for a senior member, the only one tokenised).
	var sc *judgeScratch
	defer func() {
		if sc != nil {
			sc.release()
		}
	}()
	var thinEv []Evidence
	for i := range r.Activities {
		a := &r.Activities[i]
		if !a.Counted {
			continue
		}
		counted++
		// The count is shown only for a thin description: below the
		// minimum, it is counted no further (min(words, minimum)).
		blank := strings.TrimSpace(a.Description) == ""
		limit := p.ThinMinWords
		if blank {
			limit = math.MaxInt
		}
		n := wordCountUpTo(a.Title, limit)
		if n += wordCountUpTo(a.Description, limit-n); blank || n < p.ThinMinWords {
			thin++
			thinEv = append(thinEv, Evidence{Source: a.Source, Activity: a.Title, Text: strings.TrimSpace(a.Description),
				Note: fmt.Sprintf("Described in %d %s (title and description together): too little to judge the level.", n, english.Plural(n, "word", "words"))})
		}
		if !senior {
			continue
		}
		if sc == nil {
			sc = judgeScratches.Get().(*judgeScratch)
		}
		sc.toks = appendTokensWith(sc.toks[:0], a.Title+". "+a.Description, &sc.lower)
		word, ok := c.entry.containsInto(sc, sc.toks)
		if !ok {
			continue
		}
		if ctx, ok := c.context.containsInto(sc, sc.toks); ok {
			s.Evidence = append(s.Evidence, Evidence{Source: a.Source, Activity: a.Title, Text: word,
				Note: fmt.Sprintf("Entry-level wording (%s), explained by the description (%s): no signal.", quote(word), quote(ctx))})
			continue
		}
		note := fmt.Sprintf("entry-level activity (%s) for a senior member", quote(word))
		a.Flags = append(a.Flags, note)
		entry = append(entry, quote(a.Title))
		s.Evidence = append(s.Evidence, Evidence{Source: a.Source, Activity: a.Title, Text: word,
			Note: fmt.Sprintf("The title or description says %s, which suggests an entry-level activity, and %s; nothing in the description explains why (a new role, a refresher, a return from a break, preparing to teach or supervise).", quote(word), who)})
		s.NextSteps = append(s.NextSteps, fmt.Sprintf("If %s was a refresher, for a new role, after a career break, or to teach, train or supervise others, say so in its description.", quote(a.Title)))
	}

	var reasons []string
	if len(entry) > 0 {
		reasons = append(reasons, fmt.Sprintf("%s looks entry level for your experience (%s): an assessor will check it.", orList(entry, "and"), who))
	}
	if counted > 0 && float64(thin) > p.ThinMaxShare*float64(counted)+eps {
		s.Evidence = append(s.Evidence, thinEv...)
		reasons = append(reasons, fmt.Sprintf("%d of your %d activities have descriptions too short to judge their level (no description, or fewer than %d words in title and description together).", thin, counted, p.ThinMinWords))
		s.NextSteps = append(s.NextSteps, fmt.Sprintf("Describe each activity in at least %d words (title and description together): what it covered and why it suited your role and experience. %d of your %d activities have less.", p.ThinMinWords, thin, counted))
	}
	gradeNote := ""
	if !known {
		gradeNote = " Your membership grade is not known, so no check of level against grade was possible."
	}
	if len(reasons) == 0 {
		s.Verdict = Met
		s.Reason = "Nothing suggests an activity below the level of your role and experience, and the descriptions are detailed enough to judge." + gradeNote
		return s
	}
	s.Verdict = Review
	s.Reason = strings.Join(reasons, " ") + gradeNote
	return s
}
