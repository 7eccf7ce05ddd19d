package audit

import (
	"fmt"
	"strings"
)

// AnalyseReflection is the standard 4 judge on one reflection text, with
// the committed model. It reads the reflection sentence by sentence (a
// bullet or a line is a sentence too) for
//
//   - the quality element: the member's own work or practice (I, my, a
//     work word) with a change or an evaluative consequence (more
//     accurate, fewer gaps, my logs are consistent), and a reason;
//   - the users element: someone other than the member (clients, a town
//     council, people who read my reports) and what they gained, and a
//     reason.
//
// A reason may sit in the same sentence (because, as, since, so, that way,
// with the result that, by doing), after a colon, or open the next
// sentence. The word classes come from the policy's lists and from
// WordNet; a logistic regression, trained on labelled reflections, weighs
// them with the sentence's words. An element's probability is the highest
// of any sentence, and that sentence (with its neighbour when the reason
// sat there) is the evidence, verbatim.
//
// Negated benefits ("it did not change how I work"), hedged speculation
// ("it might help clients"), the member's career, and learning or
// confidence alone count for neither element. A firm intention with a
// concrete use and a reason counts ("I will use the checklist on every
// walkover because ..."): the guidance asks for the value the member
// believes the activity had, and a firm, reasoned plan states it.
//
// When the judge is unsure of an element, the reflection is Unclear: an
// assessor reads it.
func AnalyseReflection(text string, p ReflectionPolicy) ReflectionFinding {
	return AnalyseReflectionWith(text, p, DefaultReflectionModel())
}

// AnalyseReflectionWith is AnalyseReflection with another model (to
// measure a model trained on part of the labelled reflections).
func AnalyseReflectionWith(text string, p ReflectionPolicy, m *ReflectionModel) ReflectionFinding {
	return compiledPolicy(Policy{Reflection: p}).refl.analyse(text, m)
}

// ReflectionSentence is one sentence of a reflection as the judge reads
// it: its text, verbatim, and the names of its features. The training
// command (fixtures/reflections/train) learns the model from these.
type ReflectionSentence struct {
	Text     string
	Features []string
	// CannotCarry says, per element (quality, users), that the sentence
	// lacks what the element needs (SPEC.md's reading conventions): the
	// judge never scores it for that element.
	CannotCarry [2]bool
}

// ReflectionSentences returns the sentences of text with their features,
// or nil when the reflection is missing (blank or a placeholder).
func ReflectionSentences(text string, p ReflectionPolicy) []ReflectionSentence {
	j := compiledPolicy(Policy{Reflection: p}).refl
	if j.isMissing(text) {
		return nil
	}
	toks, tags, sents := j.sentencesOf(text)
	out := make([]ReflectionSentence, len(sents))
	for i, s := range sents {
		sink := featureSink{naming: true}
		features(text, toks, tags, sents, i, &sink)
		out[i] = ReflectionSentence{Text: text[s.start:s.end], Features: sink.names,
			CannotCarry: [2]bool{s.cannotCarry(elemQuality), s.cannotCarry(elemUsers)}}
	}
	return out
}

// Decisions on one element.
const (
	notFound = iota
	unsure
	found
)

func (j *judge) analyse(text string, m *ReflectionModel) ReflectionFinding {
	return j.analyseCopy(text, m, copyTarget{})
}

// analyseCopy is analyse; given a target (ct.sc not nil), it also makes
// the copy checks' scan of text from its tokens there, when it can.
func (j *judge) analyseCopy(text string, m *ReflectionModel, ct copyTarget) ReflectionFinding {
	if j.isMissing(text) {
		return ReflectionFinding{Level: Missing, Likely: Missing,
			Advice: "Write a reflection for this activity: what difference it made to the quality of your work and why, and how it benefited the users of your work (clients, colleagues, students ...) and why."}
	}
	sc := judgeScratches.Get().(*judgeScratch)
	defer sc.release()
	w, cw := m.weights(), m.constWeights()
	toks, tags, sents := j.sentencesInto(sc, text, w)
	if ct.sc != nil && copyFromTokens {
		ct.fromTokens(text, toks)
	}
	var weights []wordWeight
	if len(sc.weights) > 0 {
		weights = sc.weights
	}
	var best [2]int
	var prob [2]float64
	var f ReflectionFinding
	for i, s := range sents {
		f.MentionsUsers = f.MentionsUsers || s.has(fUser)
		gate := [2]bool{s.cannotCarry(elemQuality), s.cannotCarry(elemUsers)}
		if gate[0] && gate[1] {
			continue
		}
		sink := featureSink{w: w, cw: cw, weights: weights}
		features(text, toks, tags, sents, i, &sink)
		for e := range 2 {
			if p := sigmoid(sink.score[e]); !gate[e] && p > prob[e] {
				prob[e], best[e] = p, i
			}
		}
	}
	var decide [2]int
	var guess [2]bool
	for e := range 2 {
		b := m.Bands[e]
		switch {
		case prob[e] >= b.High:
			decide[e] = found
		case prob[e] >= b.Low:
			decide[e] = unsure
		}
		guess[e] = prob[e] >= b.Mid
	}
	f.QualityProb, f.UsersProb = prob[elemQuality], prob[elemUsers]
	f.Quality, f.Users = decide[elemQuality] == found, decide[elemUsers] == found
	f.QualityUnsure, f.UsersUnsure = decide[elemQuality] == unsure, decide[elemUsers] == unsure
	if decide[elemQuality] != notFound {
		f.QualityEvidence = evidence(text, sents, best[elemQuality])
	}
	if decide[elemUsers] != notFound {
		f.UsersEvidence = evidence(text, sents, best[elemUsers])
		f.MentionsUsers = true
	}
	f.Likely = levelOf(guess[elemQuality], guess[elemUsers])
	switch {
	case f.QualityUnsure || f.UsersUnsure:
		f.Level = Unclear
	default:
		f.Level = levelOf(f.Quality, f.Users)
	}
	f.Advice = advice(f, sents)
	return f
}

func levelOf(quality, users bool) ReflectionLevel {
	switch {
	case quality && users:
		return Adequate
	case quality || users:
		return Partial
	}
	return Descriptive
}

// evidence is sentence i verbatim, with the next sentence when that one
// opens with the reason ("My logs are consistent now. That way ..."), or
// the one before when sentence i is the reason for it ("This is because
// ...").
func evidence(text string, sents []sentence, i int) string {
	s := sents[i]
	start, end := s.start, s.end
	switch {
	case s.has(fReasonOpen) && i > 0 && (sents[i-1].has(fQClaim) || sents[i-1].has(fUClaim) || sents[i-1].has(fChange) || sents[i-1].has(fSelf)):
		// "I now log every borehole in the same order. That way my logs
		// are consistent": the change is in the sentence before.
		start = sents[i-1].start
	case !s.has(fReason) && !s.has(fColon) && i+1 < len(sents) && sents[i+1].has(fReasonOpen):
		end = sents[i+1].end
	}
	return text[start:end]
}

// advice says in plain words what the reflection lacks, or, when the
// judge is unsure, that an assessor will read it.
func advice(f ReflectionFinding, sents []sentence) string {
	if f.Level == Unclear {
		var which []string
		if f.QualityUnsure {
			which = append(which, fmt.Sprintf("the quality element in %q", f.QualityEvidence))
		}
		if f.UsersUnsure {
			which = append(which, fmt.Sprintf("the users element in %q", f.UsersEvidence))
		}
		return "Unclear: an assessor should read it, for " + strings.Join(which, " and ") + "."
	}
	var claimQ, claimU, users, hedged bool
	for _, s := range sents {
		claimQ = claimQ || s.has(fQClaim)
		claimU = claimU || s.has(fUClaim)
		users = users || s.has(fUser)
		hedged = hedged || s.has(fEvalHedged) || s.has(fGainHedged)
	}
	var parts []string
	switch {
	case f.Quality:
	case claimQ:
		parts = append(parts, "say why the activity improved the quality of your work (for example \"because\", \"which means\")")
	default:
		parts = append(parts, "say what difference the activity made to the quality of your own work, and why")
	}
	switch {
	case f.Users:
	case claimU:
		parts = append(parts, "say why it benefited the users of your work")
	case users:
		parts = append(parts, "say how the users you mention benefited, and why")
	default:
		parts = append(parts, "say how it benefited the users of your work (clients, colleagues, students, the public ...) and why")
	}
	if len(parts) == 0 {
		return ""
	}
	s := "To strengthen this reflection, " + strings.Join(parts, "; and ") + "."
	if hedged {
		s += " Say what the activity has changed or will change for certain, rather than what it might."
	}
	return s
}

// negationWindow is how many words either side of a negation it reaches
// (within its clause): "no real benefit to clients", "benefit ... was minimal".
const negationWindow = 4
