package review

import (
	"github.com/ies/cpdaudit/audit"
	"github.com/ies/cpdaudit/internal/agreement"
)

// Agreement measures how often assessors agreed with the pre-screen. Only
// members of the run with an applied decision count; EXEMPT members are
// left out, because an exemption comes from the register, not the tool.
type Agreement struct {
	// Decided is every applied, non-exempt decision: tool outcome against
	// final outcome, REVIEW counting as a disagreement because the tool did
	// not decide.
	Decided Line
	// ToolDecided is the members the tool called MET or NOT_MET.
	ToolDecided Line
	// ReviewToMet and ReviewToNotMet are how assessors settled REVIEW.
	ReviewToMet, ReviewToNotMet int
	// Confusion is pre-screen outcome (MET, NOT_MET, REVIEW) against final
	// outcome (MET, NOT_MET).
	Confusion agreement.Confusion
	Standards [4]StandardAgreement
}

// Line is agreement over one group of members.
type Line struct {
	N int
	// Agreed is how many final outcomes equal the pre-screen outcome.
	Agreed int
	// Kappa is Cohen's kappa between the pre-screen and the final outcome,
	// when KappaDefined.
	Kappa float64
	// KappaDefined is false when there is nothing to measure: no members,
	// or one label throughout on both sides (agreement.CohensKappa then says 1,
	// but a run where everyone is MET says nothing about agreement).
	KappaDefined bool
}

// Rate is Agreed / N, 0 when N is 0.
func (l Line) Rate() float64 {
	if l.N == 0 {
		return 0
	}
	return float64(l.Agreed) / float64(l.N)
}

// StandardAgreement is what can be said about one standard when assessors
// decide per member, not per standard.
type StandardAgreement struct {
	Standard audit.Standard
	// Attributable counts members whose other three standards were MET, so
	// the final outcome is a verdict on this standard alone (taking the
	// assessor to accept the other MET verdicts). Only MET and NOT_MET
	// verdicts of this standard count here.
	Attributable Line
	// ReviewToMet and ReviewToNotMet are members whose only non-MET
	// standard was this one, at REVIEW, and how the assessor settled it.
	ReviewToMet, ReviewToNotMet int
	// Overturned counts members with this standard NOT_MET and a final MET
	// outcome: the assessor disagreed with this standard for certain,
	// whatever the other standards said.
	Overturned int
	// NotMet counts decided members with this standard NOT_MET.
	NotMet int
}

// Measure computes the agreement between the tool and the assessors.
func Measure(finals []Final) Agreement {
	var a Agreement
	var allTool, allFinal, decTool, decFinal []string
	var stdTool, stdFinal [4][]string
	for i := range finals {
		f := &finals[i]
		if !f.Applied() || f.Outcome == audit.Exempt {
			continue
		}
		tool, fin := string(f.Outcome), string(f.Final)
		allTool, allFinal = append(allTool, tool), append(allFinal, fin)
		if f.Outcome == audit.Met || f.Outcome == audit.NotMet {
			decTool, decFinal = append(decTool, tool), append(decFinal, fin)
		}
		if f.Outcome == audit.Review {
			if f.Final == audit.Met {
				a.ReviewToMet++
			} else {
				a.ReviewToNotMet++
			}
		}
		for k, v := range f.Standards {
			sa := &a.Standards[k]
			if v == audit.NotMet {
				sa.NotMet++
				if f.Final == audit.Met {
					sa.Overturned++
				}
			}
			if !othersMet(f.Standards, k) {
				continue
			}
			switch v {
			case audit.Met, audit.NotMet:
				stdTool[k], stdFinal[k] = append(stdTool[k], string(v)), append(stdFinal[k], fin)
			case audit.Review:
				if f.Final == audit.Met {
					sa.ReviewToMet++
				} else {
					sa.ReviewToNotMet++
				}
			}
		}
	}
	a.Decided = line(allTool, allFinal)
	a.ToolDecided = line(decTool, decFinal)
	a.Confusion = agreement.NewConfusion([]string{string(audit.Met), string(audit.NotMet), string(audit.Review)}, allTool, allFinal)
	for k := range a.Standards {
		a.Standards[k].Standard = audit.Standard(k + 1)
		a.Standards[k].Attributable = line(stdTool[k], stdFinal[k])
	}
	return a
}

func line(tool, final []string) Line {
	l := Line{N: len(tool), Kappa: agreement.CohensKappa(tool, final)}
	labels := map[string]bool{}
	for i := range tool {
		labels[tool[i]], labels[final[i]] = true, true
	}
	l.KappaDefined = len(labels) > 1
	for i := range tool {
		if tool[i] == final[i] {
			l.Agreed++
		}
	}
	return l
}

func othersMet(v [4]audit.Verdict, k int) bool {
	for i, x := range v {
		if i != k && x != audit.Met {
			return false
		}
	}
	return true
}
