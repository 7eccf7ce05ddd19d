package agreement

import (
	"math"
	"strings"
	"testing"
)

func TestCohensKappa(t *testing.T) {
	tests := []struct {
		a, b []string
		want float64
	}{
		{[]string{"y", "n", "y", "n"}, []string{"y", "n", "y", "n"}, 1},
		{[]string{"y", "y", "n", "n"}, []string{"y", "n", "y", "n"}, 0},
		// Textbook example: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no -> 0.4.
		{append(rep("y", 25), rep("n", 25)...), append(append(append(rep("y", 20), rep("n", 5)...), rep("y", 10)...), rep("n", 15)...), 0.4},
		{[]string{"a", "a"}, []string{"a", "a"}, 1},
		{nil, nil, 0},
		{[]string{"a"}, []string{"a", "b"}, 0},
	}
	for i, tt := range tests {
		if got := CohensKappa(tt.a, tt.b); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("case %d: kappa %v, want %v", i, got, tt.want)
		}
	}
}

func rep(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

func TestPrecisionRecallAndConfusion(t *testing.T) {
	truth := []bool{true, true, false, false, true}
	pred := []bool{true, false, true, false, true}
	p, r := PrecisionRecall(truth, pred)
	if math.Abs(p-2.0/3) > 1e-9 || math.Abs(r-2.0/3) > 1e-9 {
		t.Errorf("precision %v recall %v", p, r)
	}
	c := NewConfusion([]string{"x", "y"}, []string{"x", "y", "z"}, []string{"x", "x", "z"})
	if strings.Join(c.Labels, ",") != "x,y,z" || c.Counts[1][0] != 1 || c.Counts[2][2] != 1 || c.Counts[0][0] != 1 {
		t.Errorf("%+v", c)
	}
}
