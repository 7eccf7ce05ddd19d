package audit

import (
	"math"
	"math/bits"
	"strings"
	"unicode"
	"unicode/utf8"
)

// token is one word of a text, normalised for matching, with its byte
// position in the text it came from. A boundary token stands for clause
// punctuation (, ; : brackets, a free-standing dash); it has no word.
type token struct {
	w          string
	h          uint64 // fnv64a of w, for the tagger's lookups
	start, end int
	boundary   bool
	// lower: w is the token's bytes in the text lowercased, all ASCII
	// letters and digits (no apostrophe dropped, no spelling folded), so
	// it is a word of copyWords too (copyScanTokens).
	lower bool
}

// tokenize splits s into normalised words and clause boundaries. A hyphen
// or slash joins nothing (year-round = year round); apostrophes vanish so
// that didn't, didnt and client's, clients match alike.
func tokenize(s string) []token {
	return appendTokens(make([]token, 0, len(s)/5+1), s) // about one token per five bytes of prose
}

// appendTokens is tokenize appending to toks: the judge reuses one slice
// for every reflection a worker reads (see judgeScratch).
//
// A plain word (lowercase ASCII letters and digits, nearly every word) is
// hashed as it is read, and noted when it has a z: such a word is the
// text itself, and goes through normWord only when it may change there
// (mayRespell). Other words go through wordAt and normWord.
func appendTokens(toks []token, s string) []token {
	return appendTokensWith(toks, s, nil)
}

// appendTokensWith is appendTokens taking the lowercased words of ASCII
// words with capitals ("The", "I", "GIS") from lc, which keeps the ones
// it made: most are at the start of a sentence, and the same few
// recur. lc may be nil.
func appendTokensWith(toks []token, s string, lc *lowerCache) []token {
	start := -1
	plain := true // s[start:] so far is lowercase ASCII letters and digits only
	ascii := true // s[start:] so far is ASCII letters and digits only, h the hash of it lowercased
	h := fnvOffset64
	var spelling bool // a plain word with a z so far
	for i := 0; i < len(s); {
		// A word that starts with a run of plain bytes (nearly every
		// word) has the run read by a loop of its own.
		if c := s[i]; start < 0 && c < utf8.RuneSelf && asciiClass[c] == classPlain {
			start, plain, ascii = i, true, true
			h, spelling, i = scanPlain(s, i)
			// A space after it, most often, ends it and is no boundary.
			if i < len(s) && s[i] == ' ' {
				toks = appendWord(toks, s, start, i, true, true, spelling, h, lc)
				start = -1
				i++
			}
			continue
		}
		// ASCII bytes are classed by a table; other runes decoded, as a
		// range over s would (an invalid byte is utf8.RuneError, width 1).
		r, n := rune(s[i]), 1
		class := byte(classOther)
		if r < utf8.RuneSelf {
			class = asciiClass[r]
		} else {
			r, n = utf8.DecodeRuneInString(s[i:])
			switch {
			case unicode.IsLetter(r) || unicode.IsDigit(r):
				class = classLetter
			case r == '’' || r == '‘':
				class = classApostrophe
			}
		}
		switch class {
		case classPlain:
			if start < 0 {
				start, plain, ascii, h, spelling = i, true, true, fnvOffset64, false
			}
			if ascii {
				h = (h ^ uint64(r)) * fnvPrime64
				spelling = spelling || r == 'z'
			}
		case classLetter:
			if start < 0 {
				start, ascii, h, spelling = i, true, fnvOffset64, false
			}
			plain = false
			// An ASCII capital is hashed lowercased, as wordAt writes it.
			if ascii && r < utf8.RuneSelf {
				c := uint64(r) + 'a' - 'A'
				h = (h ^ c) * fnvPrime64
				spelling = spelling || c == 'z'
			} else {
				ascii = false
			}
		case classApostrophe:
			// Inside a word: dropped. Elsewhere: a quote, ignored.
			plain, ascii = false, false
		default:
			if start >= 0 {
				toks = appendWord(toks, s, start, i, plain, ascii, spelling, h, lc)
				start = -1
			}
			// isClausePunct, with ASCII bytes other than '-' by a table.
			p := byte(clauseMaybe)
			if r < utf8.RuneSelf {
				p = asciiPunct[r]
			}
			if p == clauseYes || p == clauseMaybe && isClausePunct(r, s, i) {
				toks = append(toks, token{start: i, end: i + n, boundary: true})
			}
		}
		i += n
	}
	if start >= 0 {
		toks = appendWord(toks, s, start, len(s), plain, ascii, spelling, h, lc)
	}
	return toks
}

// scanPlain reads the run of plain bytes from s[i]: its hash, whether
// it has a z, and where it ends.
func scanPlain(s string, i int) (h uint64, z bool, end int) {
	h = fnvOffset64
	for ; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || asciiClass[c] != classPlain {
			break
		}
		h = (h ^ uint64(c)) * fnvPrime64
		z = z || c == 'z'
	}
	return h, z, i
}

// appendWord appends the token of the word s[start:end]: plain says it
// is lowercase ASCII letters and digits only, ascii that it is ASCII
// letters and digits only; then h is the hash of it lowercased and z
// whether that has a z. Such a word lowercased is wordAt's, and goes
// through normWord only when it may change there (mayRespell).
func appendWord(toks []token, s string, start, end int, plain, ascii, z bool, h uint64, lc *lowerCache) []token {
	w := s[start:end]
	switch {
	case plain:
	case ascii:
		w = lc.lower(w, h)
	default:
		if w = normWord(wordAt(w, false)); w != "" {
			toks = append(toks, token{w: w, h: fnv64a(fnvOffset64, w), start: start, end: end})
		}
		return toks
	}
	lower := true
	if mayRespell(w, z, h) {
		if n := normWord(w); n != w {
			w, h, lower = n, fnv64a(fnvOffset64, n), false
		}
	}
	return append(toks, token{w: w, h: h, start: start, end: end, lower: lower})
}

// lowerCache keeps lowercased words by their hash (direct-mapped): the
// tokenizer made a string for every capitalised word.
type lowerCache [256]string

// lower is w, ASCII letters and digits, lowercased; h is the hash of
// that. lc may be nil.
func (lc *lowerCache) lower(w string, h uint64) string {
	var slot *string
	if lc != nil {
		slot = &lc[(h^h>>32)&uint64(len(lc)-1)]
		if lowerASCII(w, *slot) {
			return *slot
		}
	}
	var b strings.Builder // one allocation, as wordAt's
	b.Grow(len(w))
	for i := 0; i < len(w); i++ {
		b.WriteByte(copyBytes[w[i]])
	}
	l := b.String()
	if slot != nil {
		*slot = l
	}
	return l
}

// mayRespell is false when normWord(w) is surely w, for a plain word w
// with hash h that has a z when z is true: every suffix rule has a z or
// ends in "eled" or "eling", and britishWords' keys are by their hashes
// in britishFilter.
func mayRespell(w string, z bool, h uint64) bool {
	if z {
		return true
	}
	// "eled" and "eling" end in d and g: most words are past at one byte.
	if c := w[len(w)-1]; (c == 'd' || c == 'g') && (strings.HasSuffix(w, "eled") || strings.HasSuffix(w, "eling")) {
		return true
	}
	b := h >> (64 - 12)
	return britishFilter[b/64]&(1<<(b%64)) != 0 && britishLens[w[0]]&lenBit(len(w)) != 0
}

// britishFilter has a bit set for the top 12 bits of the hash of every
// key of britishWords.
var britishFilter = func() (f [4096 / 64]uint64) {
	for w := range britishWords {
		b := fnv64a(fnvOffset64, w) >> (64 - 12)
		f[b/64] |= 1 << (b % 64)
	}
	return f
}()

// Classes of characters for the tokenizer.
const (
	classOther      = iota // ends a word; maybe a clause boundary
	classPlain             // a-z, 0-9
	classLetter            // any other letter or digit
	classApostrophe        // ' ’ ‘
)

// asciiPunct is isClausePunct of each ASCII byte: clauseYes, clauseNo,
// or clauseMaybe where it depends on the bytes around ('-').
var asciiPunct = func() (t [utf8.RuneSelf]byte) {
	for c := range t {
		switch {
		case c == '-':
			t[c] = clauseMaybe
		case isClausePunct(rune(c), string(rune(c)), 0):
			t[c] = clauseYes
		}
	}
	return t
}()

const (
	clauseNo = iota
	clauseYes
	clauseMaybe
)

// asciiClass is the class of each ASCII byte.
var asciiClass = func() (t [utf8.RuneSelf]byte) {
	for c := range t {
		switch r := rune(c); {
		case 'a' <= r && r <= 'z' || '0' <= r && r <= '9':
			t[c] = classPlain
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			t[c] = classLetter
		case r == '\'':
			t[c] = classApostrophe
		}
	}
	return t
}()

// wordAt is the word written as w (letters, digits and apostrophes only)
// lowercased without its apostrophes. Most words are already plain, and
// then w itself is the word: no copy.
func wordAt(w string, plain bool) string {
	if plain {
		return w
	}
	b := make([]byte, 0, len(w))
	for _, r := range w {
		if r == '\'' || r == '’' || r == '‘' {
			continue
		}
		b = utf8.AppendRune(b, unicode.ToLower(r))
	}
	return string(b)
}

// wordCount is len(words(s)) without building the words: the number of
// runs of letters and digits (apostrophes inside a run do not split it).
func wordCount(s string) int { return wordCountUpTo(s, math.MaxInt) }

// wordCountUpTo is min(wordCount(s), limit), counting no further than
// limit: the level check needs a description's count only when it is
// short.
func wordCountUpTo(s string, limit int) int {
	if limit <= 0 {
		return 0
	}
	n := 0
	in := false
	for i := 0; i < len(s); i++ {
		// ASCII bytes, nearly all, by the tokenizer's table.
		c := s[i]
		if c >= utf8.RuneSelf {
			return n + wordCountRunes(s[i:], in, limit-n)
		}
		switch asciiClass[c] {
		case classPlain, classLetter:
			if !in {
				if n++; n == limit {
					return n
				}
				in = true
			}
		case classApostrophe:
		default:
			in = false
		}
	}
	return n
}

// wordCountRunes is wordCountUpTo of s, in a word already when in is
// true; limit is above 0.
func wordCountRunes(s string, in bool, limit int) int {
	n := 0
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if !in {
				if n++; n == limit {
					return n
				}
				in = true
			}
		case r == '\'' || r == '’' || r == '‘':
		default:
			in = false
		}
	}
	return n
}

// isClausePunct reports whether the rune at s[i] ends a clause: commas,
// semicolons, colons, brackets and a dash standing between spaces.
func isClausePunct(r rune, s string, i int) bool {
	switch r {
	case ',', ';', ':', '(', ')', '[', ']':
		return true
	case '-', '–', '—':
		before := i == 0 || s[i-1] == ' '
		after := i+utf8.RuneLen(r) >= len(s) || s[i+utf8.RuneLen(r)] == ' '
		return (before && after) || r != '-'
	}
	return false
}

// words returns the words of s, normalised, without boundaries.
func words(s string) []string {
	var out []string
	for _, t := range tokenize(s) {
		if !t.boundary {
			out = append(out, t.w)
		}
	}
	return out
}

// britishSuffixes maps American spellings to British ones by their ending,
// so lists and texts compare alike whichever spelling either uses.
var britishSuffixes = [...][2]string{
	{"izations", "isations"}, {"ization", "isation"}, {"izing", "ising"}, {"ized", "ised"},
	{"izes", "ises"}, {"izer", "iser"}, {"ize", "ise"},
	{"yzing", "ysing"}, {"yzed", "ysed"}, {"yzes", "yses"}, {"yze", "yse"},
	{"eling", "elling"}, {"eled", "elled"},
}

// britishWords are whole-word spelling variants the suffix rules miss.
var britishWords = map[string]string{
	"behavior": "behaviour", "behaviors": "behaviours", "behavioral": "behavioural",
	"color": "colour", "colors": "colours", "favor": "favour", "favorable": "favourable",
	"honor": "honour", "labor": "labour", "neighbor": "neighbour", "neighbors": "neighbours",
	"neighborhood": "neighbourhood", "endeavor": "endeavour", "programme": "program",
	"programmes": "programs", "center": "centre", "centers": "centres", "fulfill": "fulfil",
	"judgment": "judgement", "practise": "practice", "practised": "practiced", "practising": "practicing",
	"license": "licence", "defense": "defence", "catalog": "catalogue", "dialog": "dialogue",
	"enrollment": "enrolment", "skillful": "skilful", "rigor": "rigour", "gray": "grey",
	"modeling": "modelling", "modeled": "modelled", "coworker": "co worker", "coworkers": "co workers",
}

// normWord lowercases w (already lowercase from tokenize) and folds
// American spelling into British.
func normWord(w string) string {
	if len(w) > 0 && britishLens[w[0]]&lenBit(len(w)) != 0 {
		if v, ok := britishWords[w]; ok {
			return v
		}
	}
	// Every suffix has a z or "el": most words need no loop.
	if strings.IndexByte(w, 'z') < 0 && !strings.Contains(w, "el") {
		return w
	}
	for _, s := range britishSuffixes {
		if len(w) > len(s[0])+1 && strings.HasSuffix(w, s[0]) {
			return w[:len(w)-len(s[0])] + s[1]
		}
	}
	return w
}

// britishLens marks, per first byte, the lengths of britishWords' keys:
// normWord is called for every word of every reflection, and most need
// no map lookup.
var britishLens = func() (m [256]uint64) {
	for w := range britishWords {
		m[w[0]] |= lenBit(len(w))
	}
	return m
}()

// lenBit is the bit of a word length in a mask of lengths; lengths from
// 63 share the last bit.
func lenBit(n int) uint64 { return 1 << min(n, 63) }

// phrase is one compiled word-list entry: its normalised words. ing is
// true for the "-ing" wildcard word ("by -ing").
type phrase struct {
	words []string
	text  string // the entry as the policy wrote it, for evidence
	tags  uint32 // the word classes of its list (reflection tagger)
}

// matcher finds the entries of one word list in a token slice. Lookups
// go through a map on the first word so a long list costs little per word.
type matcher struct {
	byFirst map[string][]int // a form of the first word -> entries
	// first is byFirst by the words' FNV hashes (token.h), which the
	// tagger probes several times faster than the map; firstKeys[i-1]
	// is the word and its entries for a value i. nil if two keys' hashes
	// collide: then byFirst is used.
	first     *table[int32]
	firstKeys []firstKey
	// starts marks the first bytes of byFirst's keys: a word starting
	// with any other byte needs no lookup. Most lists are short, and a
	// sentence is matched against eleven of them.
	starts [256]bool
	// lens and fuzzyLens mark, per first byte, the lengths (lenBit) of
	// byFirst's and fuzzy's keys: the tagger looks up every word, and a
	// word of another length needs no map lookup.
	lens, fuzzyLens [256]uint64
	phrases         []phrase
	fuzzy           map[uint64][]fuzzyForm // fuzzyKey(first letter, length) -> single-word forms for typo matching
	// fuzzyBy is fuzzy by first byte and length (under 63), which
	// fuzzyFind reads up to three times for every long word not in the
	// lists: an array index instead of a map probe.
	fuzzyBy [256]*[63][]fuzzyForm
}

// fuzzyForms is m.fuzzy[fuzzyKey(first, n)].
func (m *matcher) fuzzyForms(first byte, n int) []fuzzyForm {
	if b := m.fuzzyBy[first]; b != nil && n < len(b) {
		return b[n]
	}
	return m.fuzzy[fuzzyKey(first, n)]
}

// fuzzyKey packs a first letter and a length into one integer: a map on it
// is several times faster to probe than one on a struct, and fuzzyFind
// probes it for every long word not in the list.
func fuzzyKey(first byte, n int) uint64 { return uint64(n)<<8 | uint64(first) }

type fuzzyForm struct {
	form  string
	entry int
	bytes uint32 // byteSet(form)
}

// byteSet has bit b&31 set for every byte b of w. A word one edit or one
// swap from another has at most one such bit the other lacks, each way
// (bits shared by several bytes only lose differences), so fuzzyFind
// skips most forms on two popcounts.
func byteSet(w string) uint32 {
	var m uint32
	for i := 0; i < len(w); i++ {
		m |= 1 << (w[i] & 31)
	}
	return m
}

// suffixes a word-list entry's last word may take: plural, past, -ing, -ly.
var suffixes = [...]string{"s", "es", "ed", "d", "ing", "ly"}

// forms returns w and its inflected forms (improve: improves, improved,
// improving; study: studies, studied).
func forms(w string) []string {
	out := []string{w}
	for _, s := range suffixes {
		out = append(out, w+s)
	}
	if strings.HasSuffix(w, "e") && len(w) > 2 {
		out = append(out, w[:len(w)-1]+"ing")
	}
	if strings.HasSuffix(w, "y") && len(w) > 2 {
		out = append(out, w[:len(w)-1]+"ies", w[:len(w)-1]+"ied")
	}
	return out
}

// fuzzyMin is the shortest word form matched despite a one-letter typo:
// shorter words have too many real neighbours (better/letter).
const fuzzyMin = 7

// fuzzyExclude are real words one typo away from a list word.
var fuzzyExclude = map[string]bool{"equality": true, "affective": true, "defective": true, "inequality": true, "thorough": true, "through": true}

func newMatcher(list []string) *matcher {
	m := emptyMatcher()
	m.add(list, true, 0)
	return m.done()
}

func emptyMatcher() *matcher {
	return &matcher{byFirst: map[string][]int{}, fuzzy: map[uint64][]fuzzyForm{}}
}

// add compiles the entries of list into m, each carrying tags. One
// matcher can hold several lists: the reflection judge finds all its word
// classes in one pass over a text. With inflect false the entries match
// only as written (no inflected forms, no typos): negation words need it,
// as "not" inflected gives "notes" and "no" gives "nod".
func (m *matcher) add(list []string, inflect bool, tags uint32) {
	for _, e := range list {
		ws := words(e)
		if len(ws) == 0 {
			continue
		}
		// "-ing" tokenizes to "ing": the wildcard for any -ing word.
		id := len(m.phrases)
		m.phrases = append(m.phrases, phrase{words: ws, text: e, tags: tags})
		if len(ws) == 1 && !inflect {
			m.byFirst[ws[0]] = appendUnique(m.byFirst[ws[0]], id)
			continue
		}
		if len(ws) == 1 {
			for _, f := range forms(ws[0]) {
				m.byFirst[f] = appendUnique(m.byFirst[f], id)
				// Typos are matched against the word and its plural only:
				// a derived form one slip from a common word makes false
				// matches (trainee -> "traineing" ~ "training").
				if len(f) >= fuzzyMin && (f == ws[0] || f == ws[0]+"s") {
					k := fuzzyKey(f[0], len(f))
					m.fuzzy[k] = append(m.fuzzy[k], fuzzyForm{f, id, byteSet(f)})
				}
			}
			continue
		}
		m.byFirst[ws[0]] = appendUnique(m.byFirst[ws[0]], id)
	}
}

type firstKey struct {
	w   string
	ids []int
	// ids split for the judge's tagger, which only ORs entries' tags
	// into the words they cover: single is the tags of the one-word
	// entries (which always match), multi the entries of several words,
	// and next has bit b&31 set for the first byte b of every second
	// word of multi's entries (all bits for the "-ing" wildcard).
	single uint32
	multi  []multiEntry
	next   uint32
}

// multiEntry is an entry of several words: its id, and the first byte of
// its second word (0 for the "-ing" wildcard). matchAt matches no second
// word with another first byte: it compares the word whole, or as an
// inflection, which keeps every byte of the entry's word but its last,
// and keeps the word whole when it is one byte.
type multiEntry struct {
	id   int
	next byte
}

// entriesOf returns byFirst[t.w].
func (m *matcher) entriesOf(t token) []int {
	if m.first == nil {
		return m.byFirst[t.w]
	}
	if v, ok := m.first.get(t.h); ok && m.firstKeys[v-1].w == t.w {
		return m.firstKeys[v-1].ids
	}
	return nil
}

// done finishes m after its lists were added.
func (m *matcher) done() *matcher {
	m.first = newTable[int32](len(m.byFirst))
	for w, ids := range m.byFirst {
		m.starts[w[0]] = true
		m.lens[w[0]] |= lenBit(len(w))
		if m.first == nil {
			continue
		}
		v := m.first.ref(fnv64a(fnvOffset64, w))
		if *v != 0 {
			m.first = nil // a collision: never seen, but then the map decides
			continue
		}
		k := firstKey{w: w, ids: ids}
		for _, id := range ids {
			switch ws := m.phrases[id].words; {
			case len(ws) == 1:
				k.single |= m.phrases[id].tags
			case ws[1] == "ing":
				k.multi = append(k.multi, multiEntry{id, 0})
				k.next = ^uint32(0)
			default:
				k.multi = append(k.multi, multiEntry{id, ws[1][0]})
				k.next |= 1 << (ws[1][0] & 31)
			}
		}
		m.firstKeys = append(m.firstKeys, k)
		*v = int32(len(m.firstKeys))
	}
	if m.first != nil {
		m.first.seal()
	}
	for _, fs := range m.fuzzy {
		for _, f := range fs {
			m.fuzzyLens[f.form[0]] |= lenBit(len(f.form))
			if n := len(f.form); n < 63 {
				if m.fuzzyBy[f.form[0]] == nil {
					m.fuzzyBy[f.form[0]] = new([63][]fuzzyForm)
				}
				m.fuzzyBy[f.form[0]][n] = fs
			}
		}
	}
	return m
}

func appendUnique(s []int, v int) []int {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

// match is one list entry found in a token slice: tokens [i, j).
type match struct {
	i, j  int
	entry int
}

// find returns every match in toks, in order of position. A phrase never
// spans a clause boundary.
func (m *matcher) find(toks []token) []match {
	return m.appendMatches(nil, toks)
}

// appendMatches is find appending to out.
func (m *matcher) appendMatches(out []match, toks []token) []match {
	for i, t := range toks {
		// No entry, and so no typo of one (fuzzyFind keeps the first
		// letter), starts with another byte.
		if t.boundary || !m.starts[t.w[0]] {
			continue
		}
		var ids []int
		if m.lens[t.w[0]]&lenBit(len(t.w)) != 0 {
			ids = m.entriesOf(t)
		}
		for _, id := range ids {
			if j, ok := m.matchAt(toks, i, id); ok {
				out = append(out, match{i, j, id})
			}
		}
		if len(ids) == 0 {
			if id, ok := m.fuzzyFind(t.w); ok {
				out = append(out, match{i, i + 1, id})
			}
		}
	}
	return out
}

// fuzzyFind matches a long word with one typo (becuase, benifits,
// stakholders) to a single-word entry starting with the same letter. Seven
// letter words only match with two letters swapped: a single changed
// letter too often makes another real word (learned/learner,
// through/thorough).
func (m *matcher) fuzzyFind(w string) (int, bool) {
	if len(m.fuzzy) == 0 || len(w) < fuzzyMin {
		return 0, false
	}
	var set uint32
	for d := -1; d <= 1; d++ {
		if m.fuzzyLens[w[0]]&lenBit(len(w)+d) == 0 {
			continue
		}
		if set == 0 {
			set = byteSet(w)
		}
		for _, f := range m.fuzzyForms(w[0], len(w)+d) {
			if bits.OnesCount32(set&^f.bytes) > 1 || bits.OnesCount32(f.bytes&^set) > 1 {
				continue
			}
			var near bool
			if min(len(w), len(f.form)) < fuzzyAnyEdit {
				near = len(w) == len(f.form) && swappedPair(w, f.form)
			} else {
				near = withinOneEdit(w, f.form)
			}
			// The exclusions are looked up last: most words have no
			// near form at all.
			if near {
				if fuzzyExclude[w] {
					return 0, false
				}
				return f.entry, true
			}
		}
	}
	return 0, false
}

// fuzzyAnyEdit is the shortest word matched despite any one-letter slip.
const fuzzyAnyEdit = 8

// swappedPair reports whether a and b differ only by two neighbouring
// letters swapped (becuase/because).
func swappedPair(a, b string) bool {
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
}

// matchAt checks whether entry id matches starting at toks[i]; the last
// word may be inflected and "ing" matches any -ing word.
func (m *matcher) matchAt(toks []token, i, id int) (int, bool) {
	ws := m.phrases[id].words
	if len(ws) == 1 {
		return i + 1, true
	}
	for k, w := range ws {
		p := i + k
		if p >= len(toks) || toks[p].boundary {
			return 0, false
		}
		got := toks[p].w
		switch {
		case w == "ing":
			if len(got) <= 4 || !strings.HasSuffix(got, "ing") {
				return 0, false
			}
		case k == len(ws)-1:
			if !inflectionOf(got, w) {
				return 0, false
			}
		case got != w:
			return 0, false
		}
	}
	return i + len(ws), true
}

// inflectionOf reports whether got is one of forms(w), without building
// them: it runs for every candidate phrase.
func inflectionOf(got, w string) bool {
	if !strings.HasPrefix(got, w[:len(w)-1]) {
		return false
	}
	if strings.HasPrefix(got, w) {
		rest := got[len(w):]
		if rest == "" {
			return true
		}
		for _, s := range suffixes {
			if rest == s {
				return true
			}
		}
	}
	if len(w) <= 2 {
		return false
	}
	rest := got[len(w)-1:] // got starts with w less its last letter
	switch w[len(w)-1] {
	case 'e':
		return rest == "ing"
	case 'y':
		return rest == "ies" || rest == "ied"
	}
	return false
}

// withinOneEdit reports whether a and b differ by at most one insertion,
// deletion, substitution or swap of two neighbouring letters.
func withinOneEdit(a, b string) bool {
	if a == b {
		return true
	}
	la, lb := len(a), len(b)
	if la-lb > 1 || lb-la > 1 {
		return false
	}
	i := 0
	for i < la && i < lb && a[i] == b[i] {
		i++
	}
	switch {
	case la == lb:
		if a[i+1:] == b[i+1:] {
			return true // substitution
		}
		return i+1 < la && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:] // swap
	case la > lb:
		return a[i+1:] == b[i:]
	default:
		return a[i:] == b[i+1:]
	}
}

// containsInto reports whether any entry of m occurs in toks (a
// tokenized text), and the first; the matches go in sc's buffer.
func (m *matcher) containsInto(sc *judgeScratch, toks []token) (phrase string, ok bool) {
	sc.matches = m.appendMatches(sc.matches[:0], toks)
	if len(sc.matches) == 0 {
		return "", false
	}
	return m.phrases[sc.matches[0].entry].text, true
}

// span is a byte range [start, end) of a text.
type span struct{ start, end int }

// abbreviations end with a full stop that does not end a sentence.
var abbreviations = map[string]bool{
	"e.g": true, "i.e": true, "eg": true, "ie": true, "etc": true, "dr": true, "mr": true, "mrs": true,
	"ms": true, "approx": true, "no": true, "vs": true, "cf": true, "inc": true, "ltd": true, "st": true,
	"fig": true, "incl": true, "esp": true, "prof": true,
}

// sentences splits text into sentences, as byte ranges of text: lines
// (bullet lists are one item a line) and, within a line, full stops,
// question and exclamation marks followed by a space. Bullet markers and
// surrounding spaces are left out of the range, so text[span] is the
// sentence verbatim.
func sentences(text string) []span {
	return appendSentences(nil, text)
}

// appendSentences is sentences appending to out.
func appendSentences(out []span, text string) []span {
	add := func(s, e int) {
		for s < e {
			r, n := utf8.DecodeRuneInString(text[s:])
			if !unicode.IsSpace(r) && !isBullet(r) {
				break
			}
			s += n
		}
		// A numbered bullet: "1." or "2)" at the start.
		if k := s; k < e {
			for k < e && text[k] >= '0' && text[k] <= '9' {
				k++
			}
			if k > s && k < e && k-s <= 2 && (text[k] == '.' || text[k] == ')') && k+1 < e && text[k+1] == ' ' {
				s = k + 2
			}
		}
		for s < e {
			r, n := utf8.DecodeLastRuneInString(text[s:e])
			if !unicode.IsSpace(r) {
				break
			}
			e -= n
		}
		if s < e {
			out = append(out, span{s, e})
		}
	}
	for lineStart := 0; lineStart <= len(text); {
		i := lineEnd(text, lineStart)
		splitLine(text, lineStart, i, add)
		lineStart = i + 1
	}
	return out
}

// lineEnd is the index of the first '\n' or '\r' in text from start, or
// len(text): two searches of the whole rest by IndexByte, which compares
// many bytes at a time, are faster than a loop over its bytes (most
// reflections are one line).
func lineEnd(text string, start int) int {
	t := text[start:]
	if k := strings.IndexByte(t, '\n'); k >= 0 {
		t = t[:k]
	}
	if k := strings.IndexByte(t, '\r'); k >= 0 {
		t = t[:k]
	}
	return start + len(t)
}

// maySplit reports whether any of the eight bytes from s[i] is marked
// in sentenceByte: . ! ? or a byte above ASCII. Each test is exact: a
// byte of x^ones(c) is zero only where x's byte is c, and hasZero is
// true only when some byte is.
func maySplit(s string, i int) bool {
	b := s[i : i+8] // one bounds check, and the eight loads become one
	x := uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
	return x&highBits != 0 || hasZero(x^('.'*lowBits)) || hasZero(x^('!'*lowBits)) || hasZero(x^('?'*lowBits))
}

const (
	lowBits  = 0x0101010101010101
	highBits = 0x8080808080808080
)

// hasZero reports whether some byte of x is zero.
func hasZero(x uint64) bool { return (x-lowBits)&^x&highBits != 0 }

// sentenceByte marks the bytes splitLine looks at: . ! ? and the bytes
// of runes not ASCII (the inline bullets are among them).
var sentenceByte = func() (t [256]bool) {
	for c := range t {
		t[c] = c == '.' || c == '!' || c == '?' || c >= utf8.RuneSelf
	}
	return t
}()

func isBullet(r rune) bool {
	switch r {
	case '-', '*', '•', '·', '▪', '◦', '‣', '–', '—', '>', '○', '■', '●', '➢', '✓':
		return true
	}
	return false
}

// splitLine cuts text[s:e] into sentences at . ! ? followed by a space, and
// at bullets written inline (" • ").
func splitLine(text string, s, e int, add func(int, int)) {
	start := s
	for i := s; i < e; {
		// An ASCII byte other than . ! ? ends nothing (the inline bullets
		// are not ASCII): no rune to decode.
		// Eight bytes at a time while none is one splitLine looks at.
		for i+8 <= e && !maySplit(text, i) {
			i += 8
		}
		if i >= e {
			break
		}
		var r rune
		var n int
		if c := text[i]; !sentenceByte[c] {
			i++
			continue
		} else if c < utf8.RuneSelf {
			r, n = rune(c), 1
		} else {
			r, n = utf8.DecodeRuneInString(text[i:e])
		}
		switch {
		case r == '.' || r == '!' || r == '?':
			j := i + n
			for j < e && (text[j] == '.' || text[j] == '!' || text[j] == '?' || text[j] == '"' || text[j] == ')') {
				j++
			}
			if (j == e || text[j] == ' ' || text[j] == '\t') && !(r == '.' && endsWithAbbreviation(text[start:i])) {
				add(start, j)
				start = j
			}
			i = j
			continue
		case r == '•' || r == '▪' || r == '●' || r == '◦' || r == '➢':
			add(start, i)
			start = i
		}
		i += n
	}
	add(start, e)
}

// endsWithAbbreviation reports whether s ends with e.g, etc or a single
// letter (an initial), so the full stop after it is no sentence end.
func endsWithAbbreviation(s string) bool {
	k := len(s)
	for k > 0 && s[k-1] != ' ' && s[k-1] != '(' {
		k--
	}
	// Every abbreviation is at most six ASCII bytes, and no rune that
	// lowercases to ASCII is in one (only the Kelvin sign does, to k), so
	// a longer word is neither one nor a single letter: no lowercased
	// copy, which every capitalised word before a full stop made.
	if len(s)-k > 6 {
		return false
	}
	w := strings.ToLower(s[k:])
	return abbreviations[w] || (utf8.RuneCountInString(w) == 1 && w != "i" && unicode.IsLetter([]rune(w)[0]))
}
