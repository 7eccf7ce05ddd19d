package audit

import (
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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
	// Every member of a run has the same policy: comparing its lists with
	// the last ones compiled (strings of the same policy share their
	// bytes, so each compares at once) is cheaper than hashing them all.
	lists := listsOf(p)
	if last := lastCompiled.Load(); last != nil && last.lists.equal(&lists) {
		return last.c
	}
	c := compiledByFingerprint(p)
	var kept policyLists
	for i, l := range lists {
		kept[i] = slices.Clone(l) // the caller may change its lists later
	}
	lastCompiled.Store(&compiledLists{kept, c})
	return c
}

// compiledLists is a policy's word lists and what they compiled to.
type compiledLists struct {
	lists policyLists
	c     *compiled
}

var lastCompiled atomic.Pointer[compiledLists]

// policyLists are the word lists the matchers are built from.
type policyLists [23][]string

func listsOf(p Policy) policyLists {
	return policyLists{
		p.Level.EntryLevelWords, p.Level.ContextWords,
		p.Reflection.Placeholders, p.Reflection.SelfWords, p.Reflection.SelfObjectWords, p.Reflection.WorkWords,
		p.Reflection.QualityWords, p.Reflection.UserWords, p.Reflection.NotUserWords,
		p.Reflection.PronounWords, p.Reflection.CompanionWords, p.Reflection.BenefitWords,
		p.Reflection.ReasonWords, p.Reflection.NotReasons, p.Reflection.ChangeWords,
		p.Reflection.FutureWords, p.Reflection.ClauseWords, p.Reflection.CareerWords,
		p.Reflection.LearningWords, p.Reflection.NegationWords, p.Reflection.NotNegations,
		p.Reflection.HedgeWords, p.Reflection.YearRoundTitles,
	}
}

func (a *policyLists) equal(b *policyLists) bool {
	for i := range a {
		if !slices.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

// compiledByFingerprint is compiledPolicy through the cache of policies
// by fingerprint.
func compiledByFingerprint(p Policy) *compiled {
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
		c.yearRound = append(c.yearRound, yearRoundTitle{words: ws, paddedBytes: []byte(" " + ws + " ")})
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
	lists := listsOf(p)
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
