package review

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/ies/cpdaudit/audit"
)

// population makes n members with grades and outcomes spread the way a
// real membership is: mostly MET, some of every other outcome, some with no
// grade on record.
func population(n int) []Member {
	grades := append([]audit.Grade{audit.GradeUnknown}, audit.Grades...)
	outcomes := []audit.Verdict{audit.Met, audit.Met, audit.Met, audit.Met, audit.Met, audit.Met, audit.Review, audit.NotMet, audit.Exempt}
	r := rand.New(rand.NewPCG(1, 2))
	ms := make([]Member, n)
	for i := range ms {
		ms[i] = Member{
			ID:      fmt.Sprintf("%06d", 100000+i),
			Name:    fmt.Sprintf("Member %d", i),
			Grade:   grades[r.IntN(len(grades))],
			Outcome: outcomes[r.IntN(len(outcomes))],
		}
	}
	return ms
}

func ids(ps []Picked) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.ID + ":" + string(p.Reason)
	}
	return out
}

func TestSampleSameSeedSameSample(t *testing.T) {
	ms := population(2000)
	opts := SampleOptions{Rate: 0.05, Seed: 20250101, Stratify: true}
	a := Draw(ms, opts)
	b := Draw(ms, opts)
	if !slices.Equal(ids(a.Members), ids(b.Members)) {
		t.Fatal("the same seed drew two different samples")
	}
	// The order of the summary rows must not matter: candidates are sorted
	// by member id before the draw.
	shuffled := slices.Clone(ms)
	rand.New(rand.NewPCG(9, 9)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	if c := Draw(shuffled, opts); !slices.Equal(ids(a.Members), ids(c.Members)) {
		t.Error("reordering the summary changed the sample")
	}
	opts.Seed++
	if d := Draw(ms, opts); slices.Equal(ids(a.Members), ids(d.Members)) {
		t.Error("a different seed drew the very same random sample")
	}
}

// TestSampleKnownDraw pins the method recorded in sample.json: if this
// changes, samples recorded earlier can no longer be re-drawn and checked.
func TestSampleKnownDraw(t *testing.T) {
	var ms []Member
	for i := 1; i <= 20; i++ {
		ms = append(ms, Member{ID: fmt.Sprintf("A%02d", i), Outcome: audit.Met, Grade: audit.GradeFull})
	}
	s := Draw(ms, SampleOptions{Rate: 0.15, Seed: 42})
	got := ids(s.Members)
	want := []string{"A05:random sample", "A14:random sample", "A17:random sample"}
	if !slices.Equal(got, want) {
		t.Errorf("seed 42 drew %q, want %q (was the method in SampleMethod changed?)", got, want)
	}
}

func TestSampleRatePerStratum(t *testing.T) {
	ms := population(3000)
	for _, rate := range []float64{0.025, 0.05, 0.1} {
		s := Draw(ms, SampleOptions{Rate: rate, Seed: 7, Stratify: true})
		met := map[string]int{}
		for _, m := range ms {
			if m.Outcome == audit.Met {
				met[stratumName(m.Grade)]++
			}
		}
		drawn := map[string]int{}
		for _, p := range s.Members {
			if p.Reason == ReasonRandom {
				if p.Outcome != audit.Met {
					t.Errorf("%s drawn at random but is %s", p.ID, p.Outcome)
				}
				drawn[stratumName(p.Grade)]++
			}
		}
		if len(s.Strata) != len(met) {
			t.Errorf("rate %v: %d strata, want %d", rate, len(s.Strata), len(met))
		}
		for _, st := range s.Strata {
			want := int(math.Ceil(rate*float64(met[st.Name]) - 1e-9))
			if st.MET != met[st.Name] || st.Target != want || st.Drawn != want || drawn[st.Name] != want {
				t.Errorf("rate %v stratum %s: %+v, drew %d; want %d of %d", rate, st.Name, st, drawn[st.Name], want, met[st.Name])
			}
		}
	}
}

func TestSampleRateRoundsUp(t *testing.T) {
	mk := func(n int) []Member {
		var ms []Member
		for i := range n {
			ms = append(ms, Member{ID: fmt.Sprint(i), Outcome: audit.Met})
		}
		return ms
	}
	for _, c := range []struct {
		n    int
		rate float64
		want int
	}{{20, 0.05, 1}, {21, 0.05, 2}, {1, 0.05, 1}, {100, 0.1, 10}, {7, 0, 0}, {3, 1, 3}} {
		if got := Draw(mk(c.n), SampleOptions{Rate: c.rate}).Count(ReasonRandom); got != c.want {
			t.Errorf("%v of %d: drew %d, want %d", c.rate, c.n, got, c.want)
		}
	}
}

func TestSampleMin(t *testing.T) {
	ms := population(400)
	s := Draw(ms, SampleOptions{Rate: 0.01, Min: 12, Seed: 3})
	if n := s.Count(ReasonRandom); n != 12 {
		t.Errorf("--min 12 drew %d", n)
	}
	st := Draw(ms, SampleOptions{Rate: 0.01, Min: 12, Seed: 3, Stratify: true})
	if n := st.Count(ReasonRandom); n < 12 {
		t.Errorf("stratified --min 12 drew %d", n)
	}
	if st.EffectiveRate <= 0.01 {
		t.Errorf("effective rate %v not raised", st.EffectiveRate)
	}
	// A rate already above the minimum is left alone.
	if s := Draw(ms, SampleOptions{Rate: 0.5, Min: 2, Seed: 3}); s.EffectiveRate != 0.5 {
		t.Errorf("effective rate %v, want 0.5", s.EffectiveRate)
	}
}

func TestSampleExcludedNeverDrawn(t *testing.T) {
	ms := population(600)
	exclude := map[string]bool{}
	for i, m := range ms {
		if i%3 == 0 {
			exclude[m.ID] = true
		}
	}
	for seed := range uint64(200) {
		s := Draw(ms, SampleOptions{Rate: 0.2, Seed: seed, Stratify: seed%2 == 0, Exclude: exclude})
		for _, p := range s.Members {
			if p.Reason == ReasonRandom && exclude[p.ID] {
				t.Fatalf("seed %d drew excluded member %s", seed, p.ID)
			}
		}
	}
	// Excluding nearly everyone leaves too few to draw: all that are left
	// are drawn, and the stratum says so.
	all := map[string]bool{}
	for _, m := range ms[1:] {
		all[m.ID] = true
	}
	s := Draw(ms, SampleOptions{Rate: 0.5, Seed: 1, Exclude: all})
	if st := s.Strata[0]; st.Drawn > st.MET-st.Excluded || st.Drawn >= st.Target {
		t.Errorf("stratum %+v", st)
	}
}

func TestSampleHasEveryReviewAndNotMet(t *testing.T) {
	ms := population(1000)
	exclude := map[string]bool{}
	for _, m := range ms {
		exclude[m.ID] = true // audited last year: still listed when REVIEW or NOT_MET
	}
	s := Draw(ms, SampleOptions{Rate: 0.05, Seed: 11, Exclude: exclude})
	in := map[string]Reason{}
	for _, p := range s.Members {
		in[p.ID] = p.Reason
	}
	for _, m := range ms {
		switch m.Outcome {
		case audit.Review, audit.NotMet:
			if in[m.ID] != Reason(m.Outcome) {
				t.Errorf("%s (%s) listed as %q", m.ID, m.Outcome, in[m.ID])
			}
		case audit.Exempt:
			if _, ok := in[m.ID]; ok {
				t.Errorf("EXEMPT member %s sampled", m.ID)
			}
		}
	}
	if !slices.IsSortedFunc(s.Members, func(a, b Picked) int { return cmpString(a.ID, b.ID) }) {
		t.Error("sample not sorted by member id")
	}
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func TestParseRate(t *testing.T) {
	for _, c := range []struct {
		in   string
		want float64
		ok   bool
	}{
		{"5%", 0.05, true}, {" 2.5 % ", 0.025, true}, {"10", 0.1, true}, {"0", 0, true}, {"0.5%", 0.005, true},
		{"2,5%", 0.025, true}, {"100%", 1, true},
		{"0.05", 0, false}, {"101%", 0, false}, {"-1%", 0, false}, {"five", 0, false}, {"", 0, false}, {"NaN%", 0, false},
	} {
		got, err := ParseRate(c.in)
		if (err == nil) != c.ok || math.Abs(got-c.want) > 1e-12 {
			t.Errorf("ParseRate(%q) = %v, %v; want %v ok=%v", c.in, got, err, c.want, c.ok)
		}
	}
	if got := FormatRate(0.025); got != "2.5%" {
		t.Errorf("FormatRate(0.025) = %q", got)
	}
}

// Issue 15: an earlier sample that wrote 7 excludes member 000007.
func TestSampleExcludedByValue(t *testing.T) {
	ms := []Member{{ID: "000007", Outcome: audit.Met}, {ID: "000008", Outcome: audit.Met}}
	s := Draw(ms, SampleOptions{Rate: 1, Seed: 1, Exclude: map[string]bool{"7": true}})
	if got := ids(s.Members); !slices.Equal(got, []string{"000008:" + string(ReasonRandom)}) || s.Strata[0].Excluded != 1 {
		t.Fatalf("drawn %v, strata %+v", got, s.Strata)
	}
}
