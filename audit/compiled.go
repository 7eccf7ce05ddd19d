package audit

import (
	"math"
	"strconv"
	"strings"
	"sync"
)

// compiled is a policy with its word lists turned into matchers. Building
// the matchers costs far more than using them, so they are built once per
// distinct policy and shared; they are read-only after construction, so
// concurrent Evaluate calls may share them.
type compiled struct {
	refl      *judge
	entry     *matcher
	context   *matcher
	yearRound []yearRoundTitle
}

var (
	compiledMu    sync.Mutex
	compiledCache = map[uint64]*compiled{}
)

// compiledPolicy returns the matchers for p's word lists, from the cache
// when the same lists were compiled before.
func compiledPolicy(p Policy) *compiled {
	key := fingerprint(p)
	compiledMu.Lock()
	defer compiledMu.Unlock()
	if c, ok := compiledCache[key]; ok {
		return c
	}
	c := &compiled{
		refl:    compileJudge(p.Reflection),
		entry:   newMatcher(p.Level.EntryLevelWords),
		context: newMatcher(p.Level.ContextWords),
	}
	for _, t := range p.Reflection.YearRoundTitles {
		ws := strings.Join(words(t), " ")
		c.yearRound = append(c.yearRound, yearRoundTitle{words: ws, padded: " " + ws + " "})
	}
	if len(compiledCache) >= 16 {
		clear(compiledCache) // tests try many policies; a run uses one
	}
	compiledCache[key] = c
	return c
}

// fingerprint hashes every word list and switch the matchers depend on.
// Evaluate calls it for every member, so it hashes inline (fnv64a) rather
// than through hash/fnv, which allocates for every word.
func fingerprint(p Policy) uint64 {
	lists := [][]string{
		p.Level.EntryLevelWords, p.Level.ContextWords,
		p.Reflection.Placeholders, p.Reflection.SelfWords, p.Reflection.SelfObjectWords, p.Reflection.WorkWords,
		p.Reflection.QualityWords, p.Reflection.UserWords, p.Reflection.NotUserWords,
		p.Reflection.PronounWords, p.Reflection.CompanionWords, p.Reflection.BenefitWords,
		p.Reflection.ReasonWords, p.Reflection.NotReasons, p.Reflection.ChangeWords,
		p.Reflection.FutureWords, p.Reflection.ClauseWords, p.Reflection.CareerWords,
		p.Reflection.LearningWords, p.Reflection.NegationWords, p.Reflection.NotNegations,
		p.Reflection.HedgeWords, p.Reflection.YearRoundTitles,
	}
	h := fnvOffset64
	for _, l := range lists {
		h = fnv64a(h, strconv.Itoa(len(l)))
		for _, w := range l {
			h = fnv64a(fnv64a(h, w), "\x00")
		}
		h = fnv64a(h, "\x01")
	}
	return h
}

// eps absorbs floating-point noise in hour sums (29.999999 is 30): a
// thousandth of a second, far below any hours a member records.
const eps = 1e-6

// atLeast reports whether a >= b allowing for rounding noise.
func atLeast(a, b float64) bool { return a >= b-eps }

// roundUpTo rounds h up to a multiple of step (0 means no rounding).
func roundUpTo(h, step float64) float64 {
	if step <= 0 {
		return h
	}
	return math.Ceil(h/step-eps) * step
}

// FormatHours formats hours for people and for the output tables: at most
// two decimals, no trailing zeros, a dot as the decimal mark (1.5, 30,
// 1.33), never "-0".
func FormatHours(h float64) string {
	return strconv.FormatFloat(RoundHours(h), 'f', -1, 64)
}

// RoundHours rounds to two decimals: finer than a minute, and the value
// FormatHours shows. Adding 0 turns a negative zero (from rounding a tiny
// negative, or 30 x 0 / 12 rounded up) into 0.
func RoundHours(h float64) float64 { return math.Round(h*100)/100 + 0 }

// formatHoursUp formats h rounded up to the hundredth, for amounts a
// member must add: adding the shown amount is always enough.
func formatHoursUp(h float64) string {
	return strconv.FormatFloat(math.Ceil(h*100-eps*100)/100, 'f', -1, 64)
}

// hoursWord is "1 hour" or "2.5 hours".
func hoursWord(h float64) string {
	s := FormatHours(h)
	if s == "1" {
		return "1 hour"
	}
	return s + " hours"
}
