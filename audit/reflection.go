package audit

import (
	"strings"
)

// reflectionMatchers are the compiled word lists of ReflectionPolicy.
type reflectionMatchers struct {
	quality, work, users, benefit, reason, learning *matcher
	negation, notNegation, hedge                    *matcher
	notReason, career                               *matcher
}

func compileReflection(p ReflectionPolicy) *reflectionMatchers {
	return &reflectionMatchers{
		quality: newMatcher(p.QualityWords), work: newMatcher(p.WorkWords),
		users: newMatcher(p.UserWords), benefit: newMatcher(p.BenefitWords),
		reason: newMatcher(p.ReasonWords), learning: newMatcher(p.LearningWords),
		negation: newExactMatcher(p.NegationWords), notNegation: newMatcher(p.NotNegations),
		hedge: newMatcher(p.HedgeWords), notReason: newMatcher(p.NotReasons),
		career: newMatcher(p.CareerWords),
	}
}

// AnalyseReflection is the standard 4 analyser on one reflection text. It
// looks, sentence by sentence (a bullet or a line is a sentence too), for
//
//   - the quality element: a quality of work (accurate, efficient, fewer
//     errors, more confident ...) tied to the member's own work (I, my,
//     or a work word such as reports or advice), with a reason in the same
//     sentence or opening the next one (because, so that, which means ...);
//   - the users element: users of the member's work (clients, students,
//     the team, the public ...) gaining something (benefit, help, clearer,
//     save ...), with a reason.
//
// An element in a negated clause ("it did not change how I work", "no real
// benefit to clients") does not count, nor does a benefit to the member
// ("colleagues helped me"), nor users named as company ("with colleagues").
// Future tense: a firm intention with a concrete use and a reason counts
// ("I will use the checklist on every walkover because ..."), since the
// guidance asks for the value the member believes the activity had and a
// firm, reasoned plan states it; speculation after a hedge word ("might",
// "hopefully", "could") does not.
//
// The evidence is the sentence that carried each element, verbatim (two
// sentences when the reason opened the next one).
func AnalyseReflection(text string, p ReflectionPolicy) ReflectionFinding {
	return compiledPolicy(Policy{Reflection: p}).refl.analyse(text)
}

// sentenceInfo is what one sentence holds.
type sentenceInfo struct {
	span
	quality       bool // quality word on own work, not negated or hedged
	qualityReason bool // ... with a reason in the sentence
	users         bool // user gaining a benefit, not negated or hedged
	usersReason   bool // ... with a reason in the sentence
	mentions      bool // users named as users, even without a benefit
	reasonOpener  bool // a reason word within the first three words
	hedged        bool // an element followed a hedge word
}

func (rm *reflectionMatchers) analyse(text string) ReflectionFinding {
	if rm.isMissing(text) {
		return ReflectionFinding{Level: Missing, Advice: "Write a reflection for this activity: what difference it made to the quality of your work and why, and how it benefited the users of your work (clients, colleagues, students ...) and why."}
	}
	sents := sentences(text)
	var f ReflectionFinding
	var qualityNoReason, usersNoReason, hedged bool
	infos := make([]sentenceInfo, len(sents))
	prevMentions := false
	for i, sp := range sents {
		infos[i] = rm.sentence(text, sp, prevMentions)
		prevMentions = infos[i].mentions
	}
	for i, sp := range sents {
		s := infos[i]
		f.MentionsUsers = f.MentionsUsers || s.mentions
		hedged = hedged || s.hedged
		// A reason may open the next sentence: "This is because ...".
		ev := s.span
		nextOpens := i+1 < len(sents) && infos[i+1].reasonOpener
		evNext := span{sp.start, sp.end}
		if nextOpens {
			evNext.end = sents[i+1].end
		}
		if s.quality {
			switch {
			case s.qualityReason && !f.Quality:
				f.Quality, f.QualityEvidence = true, text[ev.start:ev.end]
			case nextOpens && !f.Quality:
				f.Quality, f.QualityEvidence = true, text[evNext.start:evNext.end]
			case !s.qualityReason:
				qualityNoReason = true
			}
		}
		if s.users {
			switch {
			case s.usersReason && !f.Users:
				f.Users, f.UsersEvidence = true, text[ev.start:ev.end]
			case nextOpens && !f.Users:
				f.Users, f.UsersEvidence = true, text[evNext.start:evNext.end]
			case !s.usersReason:
				usersNoReason = true
			}
		}
	}
	switch {
	case f.Quality && f.Users:
		f.Level = Adequate
	case f.Quality || f.Users:
		f.Level = Partial
	default:
		f.Level = Descriptive
	}
	f.Advice = advice(f, qualityNoReason, usersNoReason, hedged)
	return f
}

// isMissing: empty or white space only. A placeholder such as "n/a" is
// text, so it is descriptive: SPEC.md keeps missing for an empty box.
func (rm *reflectionMatchers) isMissing(text string) bool {
	return strings.TrimSpace(text) == ""
}

// firstPerson words tie a quality to the member's own work.
var firstPerson = map[string]bool{"i": true, "my": true, "me": true, "myself": true, "we": true, "our": true, "us": true, "im": true, "ive": true, "id": true}

// companion words before a user word make the users company or a source,
// not people who benefited ("with colleagues", "from clients").
var companion = map[string]bool{"with": true, "from": true, "alongside": true, "among": true, "amongst": true, "by": true, "other": true, "fellow": true}

// selfObject words right after a benefit word make the member the one who
// benefited ("helped me").
var selfObject = map[string]bool{"me": true, "myself": true, "my": true}

// clauseWords end a clause like punctuation does: a negation before them
// does not reach past them.
var clauseWords = map[string]bool{
	"but": true, "because": true, "although": true, "though": true, "however": true, "which": true,
	"whereas": true, "while": true, "so": true, "and": true, "as": true, "since": true,
	"yet": true, "therefore": true, "meaning": true, "whilst": true, "instead": true, "then": true,
}

// negationWindow is how many words either side of a negation it reaches
// (within its clause): "no real benefit to clients", "benefit ... was minimal".
const negationWindow = 4

// sentence reads one sentence. prevMentions says the sentence before named
// users, so "they" and "them" here may be those users.
func (rm *reflectionMatchers) sentence(text string, s span, prevMentions bool) sentenceInfo {
	info := sentenceInfo{span: s}
	toks := tokenize(text[s.start:s.end])
	clause := make([]int, len(toks))
	c := 0
	for i, t := range toks {
		if t.boundary || clauseWords[t.w] {
			c++
		}
		clause[i] = c
	}
	// Negated words, skipping phrases such as "not only", "no longer".
	excluded := mask(len(toks), rm.notNegation.find(toks))
	negated := make([]bool, len(toks))
	for _, m := range rm.negation.find(toks) {
		if excluded[m.i] {
			continue
		}
		for k := max(0, m.i-negationWindow); k < min(len(toks), m.j+negationWindow); k++ {
			if clause[k] == clause[m.i] {
				negated[k] = true
			}
		}
	}
	career := map[int]bool{}
	for _, m := range rm.career.find(toks) {
		career[clause[m.i]] = true
	}
	hedgeAt := len(toks)
	if ms := rm.hedge.find(toks); len(ms) > 0 {
		hedgeAt = ms[0].i
	}
	usable := func(m match) bool {
		return !negated[m.i] && !career[clause[m.i]] && m.i < hedgeAt
	}

	// Reasons, without look-alikes such as "by attending".
	notReason := mask(len(toks), rm.notReason.find(toks))
	var reasons []match
	for _, m := range rm.reason.find(toks) {
		if notReason[m.i] || (toks[m.i].w == "as" && m.i > 0 && notReasonAs[toks[m.i-1].w]) {
			continue
		}
		reasons = append(reasons, m)
		if m.i <= 2 {
			info.reasonOpener = true
		}
	}
	for i, t := range toks {
		// ", so ..." joins a consequence ("I added a section, so they're
		// more complete") unless an intensifier follows ("so much").
		if t.w == "so" && i > 0 && toks[i-1].boundary && (i+1 >= len(toks) || !intensified[toks[i+1].w]) {
			reasons = append(reasons, match{i, i + 1, -1})
		}
	}
	// A reason must be more than the element itself: "allowed me to" is
	// both an ability and a reason, so it needs another reason; "which
	// saves them time" joins the benefit to what came before, so it counts.
	reasonBesides := func(m match) bool {
		for _, r := range reasons {
			if r.i < m.i || r.j > m.j {
				return true
			}
		}
		return false
	}

	// Users named as users, not as company ("with colleagues").
	userClause := map[int]bool{}
	users := rm.users.find(toks)
	for _, m := range users {
		if m.i > 0 && companion[toks[m.i-1].w] {
			continue
		}
		info.mentions = true
		userClause[clause[m.i]] = true
	}
	for i, t := range toks {
		if benefitVerb[t.w] && i > 0 && !toks[i-1].boundary && !notBeneficiary[toks[i-1].w] &&
			!strings.HasSuffix(toks[i-1].w, "ly") && len(rm.work.find(toks[i-1:i])) == 0 {
			info.mentions = true // "the first-years benefited": whoever benefits is a user
			userClause[clause[i-1]] = true
		}
		if prevMentions && thirdPerson[t.w] {
			userClause[clause[i]] = true // "they" may be the users named before
		}
	}

	// Whose is each quality word: the member's (I, my, a work word) or the
	// users' ("clients now understand their risk better")? The nearest
	// owner named before it decides; pronouns (they, their) take the owner
	// of the last name before them.
	owner, work := rm.owners(toks, users, prevMentions)
	learning := rm.learning.find(toks)
	for _, m := range rm.quality.find(toks) {
		switch {
		case m.i >= hedgeAt:
			info.hedged = true
		case ownerOf(owner, work, m) != ownMember || !usable(m) || followedBy(learning, m.j, 2):
		default:
			info.quality = true
			info.qualityReason = info.qualityReason || reasonBesides(m)
		}
	}

	if len(userClause) > 0 || info.mentions {
		for _, m := range rm.benefit.find(toks) {
			switch {
			case m.i >= hedgeAt:
				info.hedged = true
			case !usable(m):
			case m.j < len(toks) && selfObject[toks[m.j].w]:
			case m.j+1 < len(toks) && selfObject[toks[m.j+1].w] && toks[m.j].w == "to":
			default:
				info.users = true
				info.usersReason = info.usersReason || reasonBesides(m)
			}
		}
	}
	return info
}

// mask marks the tokens the matches cover.
func mask(n int, ms []match) []bool {
	out := make([]bool, n)
	for _, m := range ms {
		for k := m.i; k < m.j && k < n; k++ {
			out[k] = true
		}
	}
	return out
}

// benefitVerb forms name a beneficiary just before them.
var benefitVerb = map[string]bool{"benefit": true, "benefits": true, "benefited": true, "benefitted": true, "benifits": true, "benifit": true}

// notBeneficiary words before "benefit" are not people who benefit.
var notBeneficiary = map[string]bool{
	"i": true, "we": true, "this": true, "it": true, "that": true, "which": true, "also": true, "will": true,
	"would": true, "could": true, "can": true, "should": true, "may": true, "might": true, "to": true,
	"and": true, "not": true, "has": true, "have": true, "had": true, "the": true, "a": true, "real": true,
	"direct": true, "main": true, "course": true, "training": true, "session": true, "workshop": true,
	"webinar": true, "conference": true, "event": true, "activity": true, "day": true, "module": true,
	"reading": true, "learning": true, "of": true, "no": true, "any": true, "some": true, "big": true,
	"great": true, "greatest": true, "biggest": true, "further": true, "clear": true, "mutual": true,
	"cpd": true, "did": true, "does": true, "do": true, "my": true, "our": true, "me": true,
}

// thirdPerson pronouns stand for someone named before: the users or the
// member's own work.
var thirdPerson = map[string]bool{
	"they": true, "them": true, "their": true, "theyre": true, "theyve": true, "theyll": true, "theyd": true,
	"he": true, "him": true, "his": true, "she": true, "her": true, "hes": true, "shes": true,
}

// intensified: "so" before these is "very", not "therefore".
var intensified = map[string]bool{"much": true, "many": true, "far": true, "very": true, "well": true, "useful": true, "good": true, "interesting": true, "helpful": true}

// Owners of a quality word.
const (
	ownNobody = iota
	ownMember
	ownUsers
)

// owners returns, for each token, who the nearest name up to it refers to:
// the member (I, my, a work word), the users (a user word), or nobody yet;
// and which tokens are work words. users are the user-word matches in toks.
// Pronouns stand for the last person named before them; at the start of a
// sentence, for the users when the sentence before named some.
func (rm *reflectionMatchers) owners(toks []token, users []match, prevMentions bool) (owner []int, work []bool) {
	mark := make([]int, len(toks))
	work = make([]bool, len(toks))
	for _, m := range rm.work.find(toks) {
		mark[m.i], work[m.i] = ownMember, true
	}
	for _, m := range users {
		if m.i == 0 || !companion[toks[m.i-1].w] {
			for k := m.i; k < m.j; k++ {
				mark[k], work[k] = ownUsers, false
			}
		}
	}
	owner = make([]int, len(toks))
	last, person := ownNobody, ownNobody
	if prevMentions {
		person = ownUsers
	}
	for i, t := range toks {
		switch {
		case mark[i] == ownUsers:
			last, person = ownUsers, ownUsers
		case mark[i] == ownMember:
			last = ownMember
		case firstPerson[t.w]:
			last, person = ownMember, ownMember
		case thirdPerson[t.w] && person != ownNobody:
			last = person
		}
		owner[i] = last
	}
	return owner, work
}

// ownerOf is the owner of the quality match m: a work word just after it
// ("clearer contaminated land reports"), else the nearest name before it,
// else the first one after it.
func ownerOf(owner []int, work []bool, m match) int {
	for k := m.j; k < len(work) && k < m.j+3; k++ {
		if work[k] {
			return ownMember
		}
	}
	if o := owner[m.i]; o != ownNobody {
		return o
	}
	for k := m.j; k < len(owner); k++ {
		if owner[k] != ownNobody {
			return owner[k]
		}
	}
	return ownNobody
}

// notReasonAs: "as" after these words is a comparison, not a reason
// ("as well as my", "such as the").
var notReasonAs = map[string]bool{"such": true, "well": true, "as": true, "same": true, "just": true, "so": true}

// followedBy reports whether a match starts within n tokens after j.
func followedBy(ms []match, j, n int) bool {
	for _, m := range ms {
		if m.i >= j && m.i < j+n {
			return true
		}
	}
	return false
}

// advice says in plain words what the reflection lacks.
func advice(f ReflectionFinding, qualityNoReason, usersNoReason, intent bool) string {
	var parts []string
	switch {
	case f.Quality:
	case qualityNoReason:
		parts = append(parts, "say why the activity improved the quality of your work (for example \"because\", \"which means\")")
	default:
		parts = append(parts, "say what difference the activity made to the quality of your own work, and why")
	}
	switch {
	case f.Users:
	case usersNoReason:
		parts = append(parts, "say why it benefited the users of your work")
	case f.MentionsUsers:
		parts = append(parts, "say how the users you mention benefited, and why")
	default:
		parts = append(parts, "say how it benefited the users of your work (clients, colleagues, students, the public ...) and why")
	}
	if len(parts) == 0 {
		return ""
	}
	s := "To strengthen this reflection, " + strings.Join(parts, "; and ") + "."
	if intent {
		s += " Say what the activity has changed or will change for certain, rather than what it might."
	}
	return s
}
