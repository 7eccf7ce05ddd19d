package audit

import (
	_ "embed"
	"iter"
	"strings"
	"sync"
)

// reflectionLexicon holds the open word classes of the reflection judge,
// extracted from WordNet 3.0 by fixtures/reflections/lexicon (people and
// groups, evaluative adjectives, verbs of improving and of gaining). It is
// generated and committed, so no WordNet is needed to build or test.
//
//go:embed reflection_lexicon.txt
var reflectionLexicon string

// Word classes of the judge: bits of a token's tags. The lexicon gives
// the first five; the policy's word lists give all but tagComparative.
const (
	tagUser uint32 = 1 << iota
	tagGood
	tagBad
	tagImprove
	tagGain
	tagSelf
	tagWork
	tagNotUser
	tagPronoun
	tagCompanion
	tagReason
	tagNotReason
	tagChange
	tagFuture
	tagClause
	tagCareer
	tagLearning
	tagNegation
	tagNotNegation
	tagHedge
	tagSelfObject
	tagComparative // a comparative form of a good or bad word (clearer, more accurate)
	numTags        = iota
)

// tagNames name the classes in feature names (stable: the model's weights
// are keyed by them).
var tagNames = [numTags]string{
	"USER", "GOOD", "BAD", "IMPROVE", "GAIN", "SELF", "WORK", "NOTUSER", "PRON", "WITH",
	"REASON", "NOTREASON", "CHANGE", "FUTURE", "CLAUSE", "CAREER", "LEARN", "NEG", "NOTNEG",
	"HEDGE", "SELFOBJ", "COMPAR",
}

var lexiconClasses = map[string]uint32{
	"user": tagUser, "good": tagGood, "bad": tagBad, "improve": tagImprove, "gain": tagGain,
}

var (
	lexiconOnce sync.Once
	lexiconTags *table[uint32] // fnv64a of a word or "w1 w2" (normalised) -> tags
	// lexiconSlips holds every long evaluative, improving or gaining word
	// of the lexicon with one letter left out, so a word typed with one
	// slip ("consistant", "benifits") is found: a text word matches when
	// it, or it with one letter left out, is in here (one letter added,
	// dropped, changed or two swapped). The last letter is never left out:
	// a real word is often a lexicon word with another ending (landscape,
	// landscaper). Person nouns are left out: too many real words are one
	// letter from one.
	lexiconSlips *table[uint32]
	// lexiconNext has, for each word that starts a two-word phrase, bit
	// h&63 set for the hash h of every form of every second word of its
	// phrases: the tagger, which keeps it with the word, looks a pair up
	// only when the next word's bit is set (most are not).
	lexiconNext *table[uint64]
)

// lexStartsPhrase marks, in lexiconTags, a word that starts one of the
// lexicon's two-word phrases: the tagger hashes a word with the next and
// looks the pair up only after such a word, and learns it from the same
// lookup as the word's classes. A word marked only so has no classes: its
// value is this bit alone, where every word the lexicon classes has some
// class bit.
const lexStartsPhrase uint32 = 1 << 31

// slipMin is the shortest word matched despite a slip: shorter words have
// too many real neighbours (learned, learner).
const slipMin = 8

// lexicon returns the word classes of the embedded lexicon, keyed by the
// hash of a normalised word or two-word phrase, with inflected forms
// (plurals, -ed, -ing; comparatives of adjectives) added so a text needs
// one lookup a word.
func lexicon() *table[uint32] {
	lexiconOnce.Do(func() {
		lexiconTags, lexiconSlips, lexiconNext = parseLexicon(reflectionLexicon)
	})
	return lexiconTags
}

// lexiconNextWords returns lexiconNext.
func lexiconNextWords() *table[uint64] {
	lexicon()
	return lexiconNext
}

// lexiconSlip returns the classes of a long word not in the lexicon that
// is one slip away from a lexicon word.
func lexiconSlip(w string) uint32 {
	if len(w) < slipMin {
		return 0
	}
	if t, ok := lexiconSlips.get(fnv64a(fnvOffset64, w)); ok {
		return t
	}
	var t uint32
	prefix := fnvOffset64 // the hash of w[:i], carried on rather than redone
	for i := 0; i+1 < len(w); i++ {
		v, _ := lexiconSlips.get(fnv64a(prefix, w[i+1:]))
		t |= v
		prefix = fnv64a(prefix, w[i:i+1])
	}
	return t
}

// lexiconEntries yields each entry of the lexicon file data with the
// word class of its [section], as its words; sections of no known class
// and empty entries are skipped.
func lexiconEntries(data string) iter.Seq2[uint32, []string] {
	return func(yield func(uint32, []string) bool) {
		var class uint32
		for line := range strings.Lines(data) {
			line = strings.TrimSpace(line)
			if line == "" || line[0] == '#' {
				continue
			}
			if line[0] == '[' {
				name, _, _ := strings.Cut(line[1:], "]")
				class = lexiconClasses[name]
				continue
			}
			if ws := words(line); class != 0 && len(ws) > 0 && !yield(class, ws) {
				return
			}
		}
	}
}

func parseLexicon(data string) (*table[uint32], *table[uint32], *table[uint64]) {
	out := newTable[uint32](60000)
	slips := newTable[uint32](100000)
	next := newTable[uint64](4000)
	put := func(w string, t uint32) {
		*out.ref(fnv64a(fnvOffset64, w)) |= t
	}
	for class, ws := range lexiconEntries(data) {
		if len(ws) > 2 {
			continue // phrases of three words and more are rare in reflections
		}
		last := len(ws) - 1
		prefix := ""
		if last == 1 {
			prefix = ws[0] + " "
			*out.ref(fnv64a(fnvOffset64, ws[0])) |= lexStartsPhrase
		}
		for _, f := range lexiconForms(ws[last], class) {
			t := class
			if f != ws[last] && class&(tagGood|tagBad) != 0 {
				t |= tagComparative
			}
			put(prefix+f, t)
			if prefix != "" {
				*next.ref(fnv64a(fnvOffset64, ws[0])) |= 1 << (fnv64a(fnvOffset64, f) & 63)
			}
			if prefix == "" && len(f) >= slipMin && class != tagUser {
				for i := 0; i+1 < len(f); i++ {
					*slips.ref(fnv64a(fnv64a(fnvOffset64, f[:i]), f[i+1:])) |= t
				}
			}
		}
	}
	// A word both evaluative and a person ("representative", "professional")
	// is read as evaluative: reflections use it so far more often.
	for i, s := range out.slots {
		if t := s.val; t&tagUser != 0 && t&(tagGood|tagBad) != 0 {
			out.slots[i].val = t &^ tagUser
		}
	}
	out.seal()
	slips.seal()
	next.seal()
	return out, slips, next
}

// lexiconForms are w and the inflected forms a reflection may use: nouns
// and verbs take -s, -ed, -ing; adjectives their comparatives.
func lexiconForms(w string, class uint32) []string {
	out := []string{w}
	if strings.HasSuffix(w, "ly") || len(w) < 3 {
		return out
	}
	n := len(w)
	last := w[n-1]
	vowel := func(c byte) bool { return strings.IndexByte("aeiou", c) >= 0 }
	if class&(tagGood|tagBad) != 0 {
		switch {
		case last == 'e':
			out = append(out, w+"r")
		case last == 'y' && !vowel(w[n-2]):
			out = append(out, w[:n-1]+"ier")
		case !vowel(last) && vowel(w[n-2]) && (n < 3 || !vowel(w[n-3])) && last != 'w' && last != 'x' && last != 'y':
			out = append(out, w+"er", w+string(last)+"er") // faster; bigger
		default:
			out = append(out, w+"er")
		}
		return out
	}
	switch {
	case strings.HasSuffix(w, "s") || strings.HasSuffix(w, "x") || strings.HasSuffix(w, "ch") || strings.HasSuffix(w, "sh"):
		out = append(out, w+"es")
	case last == 'y' && !vowel(w[n-2]):
		out = append(out, w[:n-1]+"ies")
	default:
		out = append(out, w+"s")
	}
	if class&(tagImprove|tagGain) != 0 {
		switch {
		case last == 'e':
			out = append(out, w+"d", w[:n-1]+"ing")
		case last == 'y' && !vowel(w[n-2]):
			out = append(out, w[:n-1]+"ied", w+"ing")
		default:
			out = append(out, w+"ed", w+"ing")
			if !vowel(last) && vowel(w[n-2]) && !vowel(w[n-3]) && last != 'w' && last != 'x' && last != 'y' {
				out = append(out, w+string(last)+"ed", w+string(last)+"ing") // stopped
			}
		}
	}
	if class&tagUser != 0 && strings.HasSuffix(w, "man") {
		out = append(out, w[:n-3]+"men") // chairman, chairmen
	}
	return out
}
