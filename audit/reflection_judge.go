package audit

import (
	"math"
	"math/bits"
	"slices"
	"strings"
	"sync"
)

// judge is a reflection policy compiled for the standard 4 judge: all its
// word lists in one matcher, each entry carrying its word class, and the
// WordNet lexicon. It is read-only once built.
type judge struct {
	classes      *matcher
	placeholders map[string]bool // a placeholder's words joined by spaces
	longestPH    int             // words in the longest placeholder
	lex          *table[uint32]
	lexNext      *table[uint64] // lexiconNext
}

func compileJudge(p ReflectionPolicy) *judge {
	m := emptyMatcher()
	// Function words are matched exactly: inflecting "no" gives "nod",
	// "not" gives "notes", "will" gives "wills".
	m.add(p.SelfWords, false, tagSelf)
	m.add(p.SelfObjectWords, false, tagSelfObject)
	m.add(p.WorkWords, true, tagWork)
	m.add(p.QualityWords, true, tagGood)
	m.add(p.UserWords, true, tagUser)
	m.add(p.NotUserWords, true, tagNotUser)
	m.add(p.PronounWords, false, tagPronoun)
	m.add(p.CompanionWords, false, tagCompanion)
	m.add(p.BenefitWords, true, tagGain)
	m.add(p.ReasonWords, true, tagReason)
	m.add(p.NotReasons, true, tagNotReason)
	m.add(p.ChangeWords, true, tagChange)
	m.add(p.FutureWords, false, tagFuture)
	m.add(p.ClauseWords, false, tagClause)
	m.add(p.CareerWords, true, tagCareer)
	m.add(p.LearningWords, true, tagLearning)
	m.add(p.NegationWords, false, tagNegation)
	m.add(p.NotNegations, true, tagNotNegation)
	m.add(p.HedgeWords, false, tagHedge)
	j := &judge{classes: m.done(), placeholders: map[string]bool{}, lex: lexicon(), lexNext: lexiconNextWords()}
	for _, ph := range p.Placeholders {
		ws := words(ph)
		j.placeholders[strings.Join(ws, " ")] = true
		j.longestPH = max(j.longestPH, len(ws))
	}
	return j
}

// lexTags are the lexicon's classes v for a word the policy's lists
// tagged policy: without the person class when the policy classes the
// word otherwise.
func lexTags(v, policy uint32) uint32 {
	if policy != 0 && policy&tagUser == 0 {
		return v &^ tagUser
	}
	return v
}

// isMissing: empty, white space only, no letter or digit at all ("-",
// "."), or placeholders only ("N/A", "TBC", "N/A - see above").
func (j *judge) isMissing(text string) bool {
	if len(text) > 80 {
		return false // longer than any run of placeholders: saves splitting every reflection twice
	}
	ws := words(text)
	for i := 0; i < len(ws); {
		n := min(j.longestPH, len(ws)-i)
		for ; n > 0 && !j.placeholders[strings.Join(ws[i:i+n], " ")]; n-- {
		}
		if n == 0 {
			return false
		}
		i += n
	}
	return true
}

// tagInto returns the word classes of each token, in sc.tags.
func (j *judge) tagInto(sc *judgeScratch, toks []token) []uint32 {
	return j.tagWith(sc, toks, nil)
}

// tagWith is tagInto; with the memo and a model's table w, it also puts
// each word's own weights in sc.weights, for features.
func (j *judge) tagWith(sc *judgeScratch, toks []token, w *table[[2]float32]) []uint32 {
	sc.tags = slices.Grow(sc.tags[:0], len(toks))[:len(toks)]
	tags := sc.tags
	clear(tags)
	sc.weights = sc.weights[:0]
	if memoWords > 0 && j.classes.first != nil && len(j.classes.firstKeys) < math.MaxUint16 {
		j.tagMemo(sc, toks, tags, w)
		return tags
	}
	sc.matches = j.classes.appendMatches(sc.matches[:0], toks)
	for _, m := range sc.matches {
		t := j.classes.phrases[m.entry].tags
		for k := m.i; k < m.j; k++ {
			tags[k] |= t
		}
	}
	for i, t := range toks {
		if t.boundary {
			continue
		}
		// The policy's lists win over WordNet: a word the policy classes
		// otherwise is no person ("sooner" is also an Oklahoman).
		v, _ := j.lex.get(t.h)
		first := v&lexStartsPhrase != 0
		if v &^= lexStartsPhrase; v != 0 {
			tags[i] |= lexTags(v, tags[i])
		} else if tags[i] == 0 {
			tags[i] |= lexiconSlip(t.w)
		}
		if first {
			j.lexPair(toks, tags, i)
		}
	}
	for i, t := range tags {
		tags[i] = lookAlikes(t)
	}
	return tags
}

// lexPair tags the words i and i+1 with the lexicon's classes of the
// two-word phrase they make, if it is one (word i starts some phrase).
func (j *judge) lexPair(toks []token, tags []uint32, i int) {
	if i+1 < len(toks) && !toks[i+1].boundary {
		if v, ok := j.lex.get(fnv64a(fnv64a(toks[i].h, " "), toks[i+1].w)); ok {
			v &^= lexStartsPhrase
			tags[i] |= lexTags(v, tags[i])
			tags[i+1] |= lexTags(v, tags[i+1])
		}
	}
}

// lookAlikes is a word's final classes t.
func lookAlikes(t uint32) uint32 {
	// Look-alikes: "not only" negates nothing, "by attending" and
	// "such as" give no reason.
	if t&tagNotNegation != 0 {
		t &^= tagNegation
	}
	if t&tagNotReason != 0 {
		t &^= tagReason
	}
	// "I" and "my" are the member, whatever WordNet says of "I".
	if t&tagSelf != 0 {
		t &^= tagUser | tagGood | tagBad
	}
	return t
}

// tagMemo is tagWith's general path (appendMatches, then the lexicon,
// then the look-alikes, each a pass over toks) in one pass, through the
// memo of words: each word's slot is visited once for the lists' tags,
// its lexicon value, its slip and its weights. The steps for word i run
// in the general path's order as far as they read each other's results:
// the lists' matches starting at i, the lexicon pair of words i-1 and i
// (which reads word i's list tags only), word i's lexicon classes, then
// word i-1's look-alikes (no later step changes its tags). The pair of
// words i-1 and i is looked up only when word i's hash has its bit in
// word i-1's lexNext (lexiconNext).
func (j *judge) tagMemo(sc *judgeScratch, toks []token, tags []uint32, w *table[[2]float32]) {
	if sc.memoJudge != j || len(sc.memo) != memoWords {
		sc.memo = resize(sc.memo, memoWords) // another policy's words match otherwise
		sc.memoJudge = j
	}
	if w != nil {
		sc.weights = slices.Grow(sc.weights, len(toks))[:len(toks)]
	}
	m := j.classes
	var wid uint32
	if w != nil {
		wid = w.id
	}
	var pair uint64 // lexNext of word i-1 when it starts a lexicon phrase, else 0
	for i := range toks {
		t := &toks[i]
		if t.boundary {
			if i > 0 {
				tags[i-1] = lookAlikes(tags[i-1])
			}
			pair = 0
			continue
		}
		e := sc.memoOf(j, t)
		if m.starts[t.w[0]] {
			if e.done&memoListed != 0 {
				tags[i] |= e.tags
				// Entries of several words, if the next word may be their
				// second (see multiEntry).
				if e.multi != 0 && i+1 < len(toks) && !toks[i+1].boundary && e.next&(1<<(toks[i+1].w[0]&31)) != 0 {
					c := toks[i+1].w[0]
					for _, me := range m.firstKeys[e.multi-1].multi {
						if me.next != 0 && me.next != c {
							continue
						}
						if k, ok := m.matchAt(toks, i, me.id); ok {
							pt := m.phrases[me.id].tags
							for q := i; q < k; q++ {
								tags[q] |= pt
							}
						}
					}
				}
			} else {
				if e.done&memoFuzzy == 0 {
					if id, ok := m.fuzzyFind(t.w); ok {
						e.tags = m.phrases[id].tags
					}
					e.done |= memoFuzzy
				}
				tags[i] |= e.tags
			}
		}
		if pair&(1<<(t.h&63)) != 0 {
			j.lexPair(toks, tags, i-1)
		}
		v := e.lex
		pair = 0
		if v&lexStartsPhrase != 0 {
			pair = e.lexNext
		}
		if v &^= lexStartsPhrase; v != 0 {
			tags[i] |= lexTags(v, tags[i])
		} else if tags[i] == 0 {
			if e.done&memoSlip == 0 {
				e.slip = lexiconSlip(t.w)
				e.done |= memoSlip
			}
			tags[i] |= e.slip
		}
		if i > 0 {
			tags[i-1] = lookAlikes(tags[i-1])
		}
		if w != nil {
			if e.wm != wid || wid == 0 {
				fw := t.w
				e.done &^= memoWeight | memoNum
				if isNumber(fw) {
					fw = "0"
					e.done |= memoNum
				}
				var ok bool
				e.wv, ok = w.get(fnv64a(featureHashes.word, fw))
				if ok {
					e.done |= memoWeight
				}
				e.wm = wid
			}
			sc.weights[i] = wordWeight{e.wv, e.done&memoWeight != 0, e.done&memoNum != 0}
		}
	}
	if n := len(toks); n > 0 {
		tags[n-1] = lookAlikes(tags[n-1])
	}
}

// wordMemo is what the tagger looked up for one word: the tags of the
// judge's one-word entries it is and the entries of several words it
// starts (listed), or, once needed, the tags of its typo match; its
// lexicon value and, once needed, its lexicon slip. A worker's
// judgeScratch keeps the words it met last in a direct-mapped memo: a
// reflection's words are mostly words read before (in the same
// reflection, the member's others, other members'), and the memo, small
// enough to stay in the cache, answers for them instead of the lists'
// and the lexicon's tables and the typo searches.
//
// The word itself is kept in the slot (memoOf keeps no longer word): the
// string it came from is an earlier reflection's, long out of the cache,
// and comparing with it cost a cache miss for nearly every word. A slot
// is 64 bytes (TestWordMemoSize), the fields in order of size so that
// none is padded.
type wordMemo struct {
	h       uint64
	lexNext uint64 // lexiconNext's value when lex has lexStartsPhrase
	// The word's weights under the model whose table's id is wm (0: not
	// looked up yet), when memoWeight; memoNum: it is a number (its
	// feature is "w:0").
	wv    [2]float32
	word  [memoWordLen]byte // the word's bytes, wlen of them
	tags  uint32            // firstKey.single when listed, else the typo match's tags (memoFuzzy)
	next  uint32            // firstKey.next
	lex   uint32
	slip  uint32
	wm    uint32
	multi uint16 // firstKeys' index + 1 when its entries include some of several words, or 0
	wlen  uint8
	// memoListed: the word starts some entry of the lists; memoFuzzy,
	// memoSlip: which of the typo tags and slip are set; memoWeight,
	// memoNum: see wv.
	done uint8
}

// memoWordLen is the longest word the memo keeps.
const memoWordLen = 16

// wordWeight is a word's own feature's weights (ok: the model has it),
// and whether the word is a number (its feature is "w:0").
type wordWeight struct {
	v       [2]float32
	ok, num bool
}

const (
	memoFuzzy = 1 << iota
	memoSlip
	memoWeight
	memoListed
	memoNum
)

// memoWords is the size of the memo (a power of two); 0 turns it off
// (tests compare the two).
var memoWords = 4096

// memoOf returns t's memo slot, filled for t: the slot of another word
// is taken over. A word longer than memoWordLen gets sc.long, filled
// afresh.
func (sc *judgeScratch) memoOf(j *judge, t *token) *wordMemo {
	var e *wordMemo
	if len(t.w) > memoWordLen {
		e = &sc.long
		*e = wordMemo{h: t.h}
	} else {
		e = &sc.memo[(t.h^t.h>>32)&uint64(len(sc.memo)-1)]
		if e.h == t.h && int(e.wlen) == len(t.w) && string(e.word[:e.wlen]) == t.w {
			return e
		}
		*e = wordMemo{h: t.h, wlen: uint8(len(t.w))}
		copy(e.word[:], t.w)
	}
	m := j.classes
	// As entriesOf, which appendMatches calls only for words whose first
	// byte and length some entry has.
	if m.starts[t.w[0]] && m.lens[t.w[0]]&lenBit(len(t.w)) != 0 {
		if v, ok := m.first.get(t.h); ok && m.firstKeys[v-1].w == t.w {
			k := &m.firstKeys[v-1]
			e.done, e.tags = memoListed, k.single
			if len(k.multi) > 0 {
				e.multi, e.next = uint16(v), k.next // tagWith takes the memo only when firstKeys fit
			}
		}
	}
	e.lex, _ = j.lex.get(t.h)
	if e.lex&lexStartsPhrase != 0 {
		e.lexNext, _ = j.lexNext.get(t.h)
	}
	return e
}

// Facts about one sentence: the parts of a claim the judge found. Each is
// a feature of its own, and the core ones are crossed in pairs.
const (
	fGoodOwn     = iota // an evaluative word about the member's own work ("my logs are consistent")
	fImproveOwn         // improving the member's own work ("I have refined my method")
	fBadOwn             // a fault in the member's work (errors, gaps), with fewer/less or a change
	fGoodUser           // an evaluative word about the users ("clients understand better")
	fGoodOther          // an evaluative word with no owner, or the activity's ("the trainer was clear")
	fComparative        // a comparative (clearer, more accurate, fewer)
	fLearnOnly          // learning or confidence with no effect on the work
	fEvalNeg            // an evaluative word negated
	fEvalHedged         // an evaluative word after a hedge
	fUser               // users named as users (not "with colleagues")
	fUserWith           // users named as company or source
	fNotUser            // the activity's people (trainer, speaker)
	fPronUser           // a pronoun standing for users named before
	fGainUser           // users gaining something
	fGainSelf           // the member gaining ("helped me")
	fGainNeg            // a gain negated
	fGainHedged         // a gain after a hedge
	fUserFirst          // the users come before their gain ("clients now get")
	fUserAfter          // the users come after the gain ("saves the client")
	fSelf               // I, my, we, our
	fWork               // a work word
	fChange             // a change of practice (now, no longer, instead of)
	fFuture             // an intention (will, from now on)
	fReason             // a reason word
	fReasonOpen         // a reason word within the first three words
	fColon              // a colon: what follows explains what precedes
	fReasonAfter        // a reason word after the first element word
	fNotReason          // a look-alike reason (by attending, because the trainer)
	fCareer             // the member's career only
	fNeg                // a negation anywhere
	fHedge              // a hedge anywhere
	fShort              // fewer than six words
	fLong               // more than thirty words
	fQClaim             // derived: an evaluative claim on the member's own work
	fUClaim             // derived: users and what they gained
	numFacts
)

var factNames = [numFacts]string{
	"goodOwn", "improveOwn", "badOwn", "goodUser", "goodOther", "comparative", "learnOnly",
	"evalNeg", "evalHedged", "user", "userWith", "notUser", "pronUser", "gainUser", "gainSelf",
	"gainNeg", "gainHedged", "userFirst", "userAfter", "self", "work", "change", "future",
	"reason", "reasonOpen", "colon", "reasonAfter", "notReason", "career", "neg", "hedge",
	"short", "long", "qClaim", "uClaim",
}

// coreFacts are crossed in pairs ("qClaim&reason", "uClaim&neg"): a
// linear model cannot see that a claim needs its reason otherwise.
var coreFacts = []int{
	fGoodOwn, fImproveOwn, fBadOwn, fGoodUser, fComparative, fLearnOnly, fEvalNeg, fEvalHedged,
	fUser, fPronUser, fGainUser, fGainSelf, fGainNeg, fGainHedged, fChange, fFuture, fReason,
	fReasonOpen, fColon, fReasonAfter, fNotReason, fCareer, fQClaim, fUClaim, fSelf,
}

// coreBits has bit a set when facts has coreFacts[a]: five table reads,
// one per byte of facts.
func coreBits(facts uint64) uint32 {
	var c uint32
	for b := range coreByByte {
		c |= coreByByte[b][byte(facts>>(8*b))]
	}
	return c
}

// coreByByte[b][v] is coreBits of the facts v<<(8*b).
var coreByByte = func() (t [(numFacts + 7) / 8][256]uint32) {
	for a, f := range coreFacts {
		for v := range 256 {
			if v&(1<<(f%8)) != 0 {
				t[f/8][v] |= 1 << a
			}
		}
	}
	return t
}()

// contextFacts of the sentences either side are features too: a reason
// often opens the next sentence ("That way ..."), and "they" stands for
// users named in the sentence before.
var contextFacts = []int{fQClaim, fUClaim, fUser, fGainUser, fGoodOwn, fChange}

// sentence is one sentence as the judge read it.
type sentence struct {
	span
	lo, hi int    // its tokens
	facts  uint64 // bits of the facts above
}

func (s sentence) has(f int) bool { return s.facts&(1<<f) != 0 }

// cannotCarry says the sentence lacks what an element needs whatever its
// words, by the reading conventions of SPEC.md: quality needs the
// member's own work or practice (I, my, we, a work word) and is not
// carried by a negated or hedged claim, by learning or confidence alone,
// or by the member's career; users need someone other than the member,
// and are not carried by a hedged or negated gain ("it may help clients",
// "no real benefit to clients") or the member's own ("colleagues helped
// me").
// The model never weighs such a sentence for the element.
func (s sentence) cannotCarry(e int) bool {
	if e == elemQuality {
		claim := s.has(fGoodOwn) || s.has(fImproveOwn) || s.has(fBadOwn)
		return !s.has(fSelf) && !s.has(fWork) ||
			(s.has(fEvalNeg) || s.has(fEvalHedged)) && !claim ||
			s.has(fLearnOnly) && !s.has(fQClaim) ||
			s.has(fCareer) && !s.has(fQClaim)
	}
	return !s.has(fUser) && !s.has(fPronUser) ||
		(s.has(fGainHedged) || s.has(fGainNeg) || s.has(fGainSelf)) && !s.has(fGainUser) && !s.has(fGoodUser)
}

// Owners of an element word.
const (
	ownNobody = iota
	ownMember
	ownUsers
	ownOther // the activity's people
)

// read finds the facts of the sentence toks[lo:hi]. prevUsers says the
// sentence before named users, so "they" here may be them.
func (j *judge) read(text string, toks []token, tags []uint32, lo, hi int, prevUsers bool) uint64 {
	var facts uint64
	set := func(f int) { facts |= 1 << f }
	n := hi - lo
	if n < 6 {
		set(fShort)
	}
	if n > 30 {
		set(fLong)
	}

	// Clauses end at punctuation and at clause and reason words: a
	// negation or a hedge reaches no further.
	var clause [64]int
	var clauseOf []int
	if n <= len(clause) {
		clauseOf = clause[:n]
	} else {
		clauseOf = make([]int, n)
	}
	c := 0
	for k := lo; k < hi; k++ {
		t := tags[k]
		if toks[k].boundary || t&(tagClause|tagReason) != 0 && (k == lo || tags[k-1]&(tagClause|tagReason) == 0) {
			c++
		}
		clauseOf[k-lo] = c
	}
	var negArr [64]bool
	var negated []bool
	if n <= len(negArr) {
		negated = negArr[:n]
	} else {
		negated = make([]bool, n)
	}
	hedgeAt := hi
	firstElem := hi
	var anyTag uint32 // the classes of any word: the facts of a class anywhere are set after the loop
	for k := lo; k < hi; k++ {
		t := tags[k]
		if t&tagNegation != 0 {
			set(fNeg)
			for q := max(lo, k-negationWindow); q < min(hi, k+negationWindow+1); q++ {
				if clauseOf[q-lo] == clauseOf[k-lo] {
					negated[q-lo] = true
				}
			}
		}
		if t&tagHedge != 0 && hedgeAt == hi {
			hedgeAt = k
			set(fHedge)
		}
		if t&tagReason != 0 {
			set(fReason)
			// Opening the sentence: first, or after words naming nobody
			// ("This is because", "That way"), not "Clients benefit because".
			open := k-lo < 3
			for q := lo; q < k && open; q++ {
				open = tags[q]&(tagUser|tagSelf|tagWork|tagPronoun|tagGain|tagGood) == 0
			}
			if open {
				set(fReasonOpen)
			}
			if k > firstElem {
				set(fReasonAfter)
			}
		}
		if toks[k].boundary && text[toks[k].start] == ':' {
			set(fColon)
		}
		if t&(tagGood|tagImprove|tagBad|tagGain) != 0 && firstElem == hi {
			firstElem = k
		}
		anyTag |= t
		if t&tagComparative != 0 || t&(tagGood|tagBad) != 0 && k > lo && (toks[k-1].w == "more" || toks[k-1].w == "less") {
			set(fComparative)
		}
	}
	for _, c := range [...]struct {
		tag  uint32
		fact int
	}{{tagSelf, fSelf}, {tagWork, fWork}, {tagChange, fChange}, {tagFuture, fFuture}, {tagNotReason, fNotReason}, {tagCareer, fCareer}} {
		if anyTag&c.tag != 0 {
			set(c.fact)
		}
	}

	// Who each word is about: the nearest person named before it. Users
	// named after "with" or "from" are company; pronouns stand for the
	// last person named (at the start, the users of the sentence before).
	var ownArr [64]uint8
	var owner []uint8
	if n <= len(ownArr) {
		owner = ownArr[:n]
	} else {
		owner = make([]uint8, n)
	}
	last := uint8(ownNobody)
	person := uint8(ownNobody)
	if prevUsers {
		person = ownUsers
	}
	// "They" and "them" stand for the first plural thing named ("my
	// inspections now include ..., which has made them more thorough"),
	// else the last users named ("the team ..., so they now pick"); "he"
	// and "she" for the last person.
	firstPlural, lastUsers := uint8(ownNobody), false
	users := false
	for k := lo; k < hi; k++ {
		t := tags[k]
		plural := func() bool { return strings.HasSuffix(toks[k].w, "s") && !strings.HasSuffix(toks[k].w, "ss") }
		switch {
		case t&tagNotUser != 0:
			set(fNotUser)
			last, person = ownOther, ownOther
		case t&tagUser != 0 && t&tagWork == 0:
			if k > lo && tags[k-1]&tagCompanion != 0 {
				set(fUserWith)
				last, person = ownOther, ownOther
			} else {
				set(fUser)
				users, lastUsers = true, true
				last, person = ownUsers, ownUsers
				if firstPlural == ownNobody && plural() {
					firstPlural = ownUsers
				}
			}
		case t&(tagSelf|tagWork) != 0:
			last = ownMember
			if t&tagSelf != 0 {
				person = ownMember
			} else if firstPlural == ownNobody && plural() {
				firstPlural = ownMember
			}
		case t&tagPronoun != 0:
			switch {
			case !strings.HasPrefix(toks[k].w, "th"):
				last = person
			case firstPlural != ownNobody:
				last = firstPlural
			case lastUsers:
				last = ownUsers
			case last == ownNobody:
				last = person
			}
			if last == ownUsers {
				set(fPronUser)
				users = true
			}
		}
		owner[k-lo] = last
	}

	learning := false
	for k := lo; k < hi; k++ {
		t := tags[k]
		if t&tagLearning != 0 {
			learning = true
		}
		if t&(tagGood|tagImprove|tagBad) != 0 {
			own := ownerAt(tags, owner, lo, hi, k)
			learnAfter := false
			for q := k + 1; q < min(hi, k+3); q++ {
				learnAfter = learnAfter || tags[q]&tagLearning != 0
			}
			// A negated fault is a claim: "my forms have no transcription
			// errors", "my designs don't oversize the battery".
			bad := t&(tagGood|tagImprove) == 0
			switch {
			case negated[k-lo] && !bad:
				set(fEvalNeg)
			case k > hedgeAt:
				set(fEvalHedged)
			case learnAfter:
			case own == ownMember && t&tagImprove != 0:
				set(fImproveOwn)
			case own == ownMember && !bad:
				set(fGoodOwn)
			case own == ownMember:
				set(fBadOwn)
			case own == ownUsers && t&tagGood != 0:
				set(fGoodUser)
			case t&tagGood != 0:
				set(fGoodOther)
			}
		}
		if t&tagGain != 0 && users {
			self := k+1 < hi && tags[k+1]&tagSelfObject != 0 ||
				k+2 < hi && tags[k+2]&tagSelfObject != 0 && tags[k+1] == 0
			// A gain is negated by a negation just before it ("no real
			// benefit", "didn't help"), not when what is negated is a
			// harm ("they don't get caught out", "don't get fined").
			negGain := false
			for q := max(lo, k-2); q < k; q++ {
				negGain = negGain || tags[q]&tagNegation != 0 && clauseOf[q-lo] == clauseOf[k-lo]
			}
			for q := k + 1; q < min(hi, k+4); q++ {
				negGain = negGain && tags[q]&tagBad == 0
			}
			switch {
			case negGain:
				set(fGainNeg)
			case negated[k-lo]:
			case k > hedgeAt:
				set(fGainHedged)
			case self:
				set(fGainSelf)
			default:
				// Whose gain: the users' when they come before it ("clients
				// now get") or just after it in its clause ("saves the
				// client"), not "improve my reports".
				usersBefore := owner[k-lo] == ownUsers
				for q := k - 1; q >= lo && clauseOf[q-lo] == clauseOf[k-lo] && !usersBefore; q-- {
					usersBefore = owner[q-lo] == ownUsers // "people who read my reports can now ..."
				}
				switch {
				case usersBefore:
					set(fGainUser)
					set(fUserFirst)
				default:
					for q := k + 1; q < min(hi, k+5) && clauseOf[q-lo] == clauseOf[k-lo]; q++ {
						if owner[q-lo] == ownUsers {
							set(fGainUser)
							set(fUserAfter)
							break
						}
					}
				}
			}
		}
	}
	has := func(f int) bool { return facts&(1<<f) != 0 }
	if learning && !has(fGoodOwn) && !has(fImproveOwn) && !has(fBadOwn) {
		set(fLearnOnly)
	}
	if has(fGoodOwn) || has(fImproveOwn) || has(fBadOwn) ||
		has(fChange) && has(fSelf) && (has(fGoodOther) || has(fComparative)) {
		set(fQClaim)
	}
	if (has(fUser) || has(fPronUser)) && (has(fGainUser) || has(fGoodUser)) {
		set(fUClaim)
	}
	return facts
}

// ownerAt is who the element word at k is about: a work word just after
// it ("clearer contaminated land reports") makes it the member's, else
// the nearest person named before it, else the first named after it.
func ownerAt(tags []uint32, owner []uint8, lo, hi, k int) uint8 {
	for q := k + 1; q < min(hi, k+4); q++ {
		if tags[q]&tagWork != 0 {
			return ownMember
		}
		if tags[q]&(tagUser|tagPronoun|tagSelf) != 0 {
			break
		}
	}
	if o := owner[k-lo]; o != ownNobody {
		return o
	}
	for q := k + 1; q < hi; q++ {
		if o := owner[q-lo]; o != ownNobody {
			return o
		}
	}
	return ownNobody
}

// featureSink receives a sentence's features: it adds up their weights
// (judging) or keeps their names (training).
type featureSink struct {
	w  *table[[2]float32] // nil when only naming
	cw *constWeights      // w's weights of the constant features; nil when only naming
	// weights are the words' own weights under w, by token (the tagger
	// took them from its memo of words); nil: looked up in w.
	weights []wordWeight
	score   [2]float32
	naming  bool
	names   []string
	hashes  []uint64 // the hash given with each name (tests check them)
}

// addConst adds the constant feature whose hash is h, with its weight
// from cw when judging: the same weight w holds under h.
func (s *featureSink) addConst(cw *weight, h uint64) {
	if s.cw != nil {
		if cw.ok {
			s.score[0] += cw.v[0]
			s.score[1] += cw.v[1]
		}
	} else {
		s.add(h)
	}
}

// weight is a feature's weights, and whether the model has the feature.
type weight struct {
	v  [2]float32
	ok bool
}

// constWeights are a model's weights of the features whose names are
// constants (featureHashes): every sentence has a dozen or more, and an
// array read is cheaper than a lookup in the model's large table.
type constWeights struct {
	bias, prevUser, nextReasonOpen, nextReasonOpenShort weight
	fact, prev, next                                    [numFacts]weight
	pair                                                [numFacts][numFacts]weight
	order                                               [numTags][numTags]weight
}

// namingWeights stand in for constWeights when only naming.
var namingWeights constWeights

func newConstWeights(w *table[[2]float32]) *constWeights {
	fh := &featureHashes
	cw := new(constWeights)
	get := func(h uint64) weight {
		v, ok := w.get(h)
		return weight{v, ok}
	}
	cw.bias, cw.prevUser = get(fh.bias), get(fh.prevUser)
	cw.nextReasonOpen, cw.nextReasonOpenShort = get(fh.nextReasonOpen), get(fh.nextReasonOpenShort)
	for f := range numFacts {
		cw.fact[f], cw.prev[f], cw.next[f] = get(fh.fact[f]), get(fh.prev[f]), get(fh.next[f])
		for g := range numFacts {
			cw.pair[f][g] = get(fh.pair[f][g])
		}
	}
	for a := range numTags {
		for b := range numTags {
			cw.order[a][b] = get(fh.order[a][b])
		}
	}
	return cw
}

// add adds the feature whose hash is h, the FNV-1a hash of its name:
// features passes hashes it computed once (featureHashes) or carried on
// from word to word, so judging hashes no name twice. The name itself is
// given to name, and only when naming: building the list of parts for
// every feature cost more than looking its weight up.
func (s *featureSink) add(h uint64) {
	if s.w != nil {
		if v, ok := s.w.get(h); ok {
			s.score[0] += v[0]
			s.score[1] += v[1]
		}
	}
}

// name keeps the name of the feature just added (parts joined), and its
// hash, when naming.
func (s *featureSink) name(h uint64, parts ...string) {
	s.names = append(s.names, strings.Join(parts, ""))
	s.hashes = append(s.hashes, h)
}

// fnvOf is the FNV-1a hash of the parts joined.
func fnvOf(parts ...string) uint64 {
	h := fnvOffset64
	for _, p := range parts {
		h = fnv64a(h, p)
	}
	return h
}

// featureHashes are the hashes of the feature names made of constants.
var featureHashes = func() (fh struct {
	bias, prevUser, nextReasonOpen, nextReasonOpenShort uint64
	fact, prev, next                                    [numFacts]uint64
	pair                                                [numFacts][numFacts]uint64
	order                                               [numTags][numTags]uint64
	word, bigram                                        uint64 // "w:" and "b:", to go on with
	afterStart                                          uint64 // "b:^ "
}) {
	fh.bias = fnvOf("bias")
	fh.prevUser = fnvOf("prev:user")
	fh.nextReasonOpen = fnvOf("next:reasonOpen")
	fh.nextReasonOpenShort = fnvOf("next:reasonOpen&short")
	for f := range numFacts {
		fh.fact[f] = fnvOf("f:", factNames[f])
		fh.prev[f] = fnvOf("prev:", factNames[f], "&reasonOpen")
		fh.next[f] = fnvOf("next:reasonOpen&", factNames[f])
		for g := range numFacts {
			fh.pair[f][g] = fnvOf("p:", factNames[f], "&", factNames[g])
		}
	}
	for a := range numTags {
		for b := range numTags {
			fh.order[a][b] = fnvOf("o:", tagNames[a], "<", tagNames[b])
		}
	}
	fh.word, fh.bigram = fnvOf("w:"), fnvOf("b:")
	fh.afterStart = fnvOf("b:^ ")
	return fh
}()

// features sends the features of sentence i to sink: its facts, pairs
// of its core facts, the facts of its neighbours, the order of its word
// classes, and its words and word pairs.
func features(text string, toks []token, tags []uint32, sents []sentence, i int, sink *featureSink) {
	fh := &featureHashes
	naming := sink.naming
	cw := sink.cw
	if cw == nil {
		cw = &namingWeights // only naming: addConst reads none
	}
	s := sents[i]
	sink.addConst(&cw.bias, fh.bias)
	if naming {
		sink.name(fh.bias, "bias")
	}
	// The facts set, in increasing order; then pairs of the core facts
	// set, in coreFacts' order: bit a of core is coreFacts[a].
	for m := s.facts & (1<<numFacts - 1); m != 0; m &= m - 1 {
		f := bits.TrailingZeros64(m)
		sink.addConst(&cw.fact[f], fh.fact[f])
		if naming {
			sink.name(fh.fact[f], "f:", factNames[f])
		}
	}
	core := coreBits(s.facts)
	for ma := core; ma != 0; ma &= ma - 1 {
		fa := coreFacts[bits.TrailingZeros32(ma)]
		for mb := ma & (ma - 1); mb != 0; mb &= mb - 1 {
			fb := coreFacts[bits.TrailingZeros32(mb)]
			sink.addConst(&cw.pair[fa][fb], fh.pair[fa][fb])
			if naming {
				sink.name(fh.pair[fa][fb], "p:", factNames[fa], "&", factNames[fb])
			}
		}
	}
	// A reason may open the next sentence ("That way ..."), and this
	// sentence may be the reason for the one before ("This is because
	// ..."); "they" may be users named before.
	if i > 0 {
		p := sents[i-1]
		for _, f := range contextFacts {
			if p.has(f) && s.has(fReasonOpen) {
				sink.addConst(&cw.prev[f], fh.prev[f])
				if naming {
					sink.name(fh.prev[f], "prev:", factNames[f], "&reasonOpen")
				}
			}
		}
		if p.has(fUser) {
			sink.addConst(&cw.prevUser, fh.prevUser)
			if naming {
				sink.name(fh.prevUser, "prev:user")
			}
		}
	}
	if i+1 < len(sents) && sents[i+1].has(fReasonOpen) {
		sink.addConst(&cw.nextReasonOpen, fh.nextReasonOpen)
		if naming {
			sink.name(fh.nextReasonOpen, "next:reasonOpen")
		}
		for m := core; m != 0; m &= m - 1 {
			g := coreFacts[bits.TrailingZeros32(m)]
			sink.addConst(&cw.next[g], fh.next[g])
			if naming {
				sink.name(fh.next[g], "next:reasonOpen&", factNames[g])
			}
		}
		if s.has(fShort) {
			sink.addConst(&cw.nextReasonOpenShort, fh.nextReasonOpenShort)
			if naming {
				sink.name(fh.nextReasonOpenShort, "next:reasonOpen&short")
			}
		}
	}

	// The order of word classes: "SELF<GOOD", "USER<GAIN", "GOOD<REASON".
	// Only the bits set are visited, in increasing order as a loop over
	// every class would.
	var seen uint32
	var pairs [numTags]uint32
	for k := s.lo; k < s.hi; k++ {
		t := tags[k] &^ (tagClause | tagNotNegation)
		if t == 0 {
			continue
		}
		for m := seen; m != 0; m &= m - 1 {
			pairs[bits.TrailingZeros32(m)] |= t
		}
		seen |= t
	}
	for a := range numTags {
		for m := pairs[a]; m != 0; m &= m - 1 {
			b := bits.TrailingZeros32(m)
			sink.addConst(&cw.order[a][b], fh.order[a][b])
			if naming {
				sink.name(fh.order[a][b], "o:", tagNames[a], "<", tagNames[b])
			}
		}
	}

	// Words and word pairs. after is the hash of "b:" + prev + " ", from
	// which the next pair's hash goes on. The three hashes that read a
	// word (its feature, its pair with the word before, the start of its
	// pair with the next) are made in one pass over it (fnv3).
	prev := "^"
	after := featureHashes.afterStart
	for k := s.lo; k < s.hi; k++ {
		w := toks[k].w
		var word, pair uint64
		if toks[k].boundary {
			w = text[toks[k].start:toks[k].end]
			if w != ":" {
				w = ","
			}
			pair, after = fnv2(after, fh.bigram, w)
		} else if sink.weights != nil && !naming {
			// The word's own weights as the tagger found them in its
			// memo: the same lookup, made once per word and model, and
			// added in the same order.
			e := &sink.weights[k]
			if e.num {
				w = "0"
			}
			pair, after = fnv2(after, fh.bigram, w)
			if e.ok {
				sink.score[0] += e.v[0]
				sink.score[1] += e.v[1]
			}
		} else {
			if isNumber(w) {
				w = "0"
			}
			word, pair, after = fnv3(fh.word, after, fh.bigram, w)
			sink.add(word)
			if naming {
				sink.name(word, "w:", w)
			}
		}
		after = (after ^ ' ') * fnvPrime64
		sink.add(pair)
		if naming {
			sink.name(pair, "b:", prev, " ", w)
		}
		prev = w
	}
	end := fnv64a(after, "$")
	sink.add(end)
	if naming {
		sink.name(end, "b:", prev, " $")
	}
}

// fnv3 is fnv64a(a, w), fnv64a(b, w), fnv64a(c, w) in one pass: the three
// chains of multiplications run side by side.
func fnv3(a, b, c uint64, w string) (uint64, uint64, uint64) {
	for i := 0; i < len(w); i++ {
		x := uint64(w[i])
		a = (a ^ x) * fnvPrime64
		b = (b ^ x) * fnvPrime64
		c = (c ^ x) * fnvPrime64
	}
	return a, b, c
}

// fnv2 is fnv3 with two chains.
func fnv2(a, b uint64, w string) (uint64, uint64) {
	for i := 0; i < len(w); i++ {
		x := uint64(w[i])
		a = (a ^ x) * fnvPrime64
		b = (b ^ x) * fnvPrime64
	}
	return a, b
}

func isNumber(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] >= '0' && w[i] <= '9' {
			return true
		}
	}
	return false
}

// judgeScratch holds the slices the judge fills for one reflection, to be
// reused for the next: a profile of 1,000 generated members had the
// tokens alone at a third of the audit's allocation. Nothing returned by
// analyse points into them.
type judgeScratch struct {
	spans   []span
	toks    []token
	tags    []uint32
	matches []match
	sents   []sentence
	text    []byte       // a title's words (isYearRound)
	weights []wordWeight // each token's own weights, when tagged for a model
	// The memo of words, for memoJudge's lists (see wordMemo). It stays
	// with the scratch from reflection to reflection.
	memo      []wordMemo
	memoJudge *judge
	long      wordMemo // memoOf's slot for a word too long for the memo
	lower     lowerCache
	// isYearRound's answers for the titles met last, for the year-round
	// titles from titlesFor.
	titles    [64]titleMemo
	titlesFor *yearRoundTitle
}

var judgeScratches = sync.Pool{New: func() any { return new(judgeScratch) }}

// release returns sc to the pool, dropping its references to the text.
func (sc *judgeScratch) release() {
	clear(sc.toks)
	sc.toks = sc.toks[:0]
	judgeScratches.Put(sc)
}

// sentencesOf splits text into the judge's sentences and reads each.
func (j *judge) sentencesOf(text string) ([]token, []uint32, []sentence) {
	return j.sentencesInto(new(judgeScratch), text, nil)
}

// sentencesInto is sentencesOf with sc's buffers; given a model's table
// w, it also leaves the words' own weights in sc.weights (see tagWith).
func (j *judge) sentencesInto(sc *judgeScratch, text string, w *table[[2]float32]) ([]token, []uint32, []sentence) {
	sc.spans = appendSentences(sc.spans[:0], text)
	spans := sc.spans
	sc.toks = appendTokensWith(sc.toks[:0], text, &sc.lower)
	toks := sc.toks
	tags := j.tagWith(sc, toks, w)
	sents := sc.sents[:0]
	k := 0
	for _, sp := range spans {
		for k < len(toks) && toks[k].start < sp.start {
			k++
		}
		lo := k
		for k < len(toks) && toks[k].start < sp.end {
			k++
		}
		if lo == k {
			continue // no word and no punctuation: nothing to read
		}
		sents = append(sents, sentence{span: sp, lo: lo, hi: k})
	}
	prevUsers := false
	for i := range sents {
		s := &sents[i]
		s.facts = j.read(text, toks, tags, s.lo, s.hi, prevUsers)
		prevUsers = s.has(fUser) || s.has(fPronUser)
	}
	sc.sents = sents
	return toks, tags, sents
}
