// Package agreement measures how far two raters agree: Cohen's kappa,
// precision and recall, and the confusion matrix. The assessor loop
// (review) and the judge's evaluation (fixtures/reflections) use it; the
// audit itself does not.
package agreement

import "slices"

// CohensKappa is the agreement between two raters' labels beyond chance:
// (observed - expected) / (1 - expected), where expected comes from each
// rater's label frequencies. It is 1 for perfect agreement and 0 for
// agreement no better than chance. It returns 0 when the slices differ in
// length or are empty, and 1 when both raters used one and the same label
// throughout (chance agreement is then total, and so is theirs).
func CohensKappa(a, b []string) float64 {
	if len(a) != len(b) || len(a) == 0 {
		return 0
	}
	n := float64(len(a))
	ca, cb := map[string]float64{}, map[string]float64{}
	agree := 0.0
	for i := range a {
		ca[a[i]]++
		cb[b[i]]++
		if a[i] == b[i] {
			agree++
		}
	}
	po := agree / n
	// Sum in sorted label order: float addition is not associative, and
	// the result must not depend on map order.
	labels := make([]string, 0, len(ca))
	for l := range ca {
		labels = append(labels, l)
	}
	slices.Sort(labels)
	pe := 0.0
	for _, l := range labels {
		pe += (ca[l] / n) * (cb[l] / n)
	}
	if pe >= 1 {
		if po >= 1 {
			return 1
		}
		return 0
	}
	return (po - pe) / (1 - pe)
}

// PrecisionRecall compares predicted yes/no findings with the truth:
// precision is the share of predicted yes that are true, recall the share
// of true yes that were predicted. An empty denominator gives 1 (nothing
// claimed, nothing wrong; nothing to find, nothing missed).
func PrecisionRecall(truth, pred []bool) (precision, recall float64) {
	var tp, fp, fn float64
	for i := range truth {
		if i >= len(pred) {
			break
		}
		switch {
		case truth[i] && pred[i]:
			tp++
		case !truth[i] && pred[i]:
			fp++
		case truth[i] && !pred[i]:
			fn++
		}
	}
	precision, recall = 1, 1
	if tp+fp > 0 {
		precision = tp / (tp + fp)
	}
	if tp+fn > 0 {
		recall = tp / (tp + fn)
	}
	return precision, recall
}

// Confusion counts label pairs: Counts[i][j] is how many items rater A put
// in Labels[i] and rater B in Labels[j].
type Confusion struct {
	Labels []string
	Counts [][]int
}

// NewConfusion builds the confusion matrix of a against b over labels
// (in that order); labels not in the list are added after it, sorted.
func NewConfusion(labels, a, b []string) Confusion {
	ls := slices.Clone(labels)
	var extra []string
	for _, v := range slices.Concat(a, b) {
		if !slices.Contains(ls, v) && !slices.Contains(extra, v) {
			extra = append(extra, v)
		}
	}
	slices.Sort(extra)
	ls = append(ls, extra...)
	c := Confusion{Labels: ls, Counts: make([][]int, len(ls))}
	for i := range c.Counts {
		c.Counts[i] = make([]int, len(ls))
	}
	for i := range a {
		if i < len(b) {
			c.Counts[slices.Index(ls, a[i])][slices.Index(ls, b[i])]++
		}
	}
	return c
}
