package audit

import (
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// copyItem is one reflection long enough to compare.
type copyItem struct {
	act    int
	hash   uint64
	shingl []uint64 // hashes of its three-word sequences (sorted and distinct only for nearSame)
}

// flagCopies flags reflections pasted onto several activities of the
// member (the same or near the same) and reflections shared word for word
// with another member. It returns the sentence for the member's feedback,
// or "" when there are none.
//
// sc is the member's copy scratch (newCopyScratch): the shingles of all
// the member's reflections share its buffer. Each reflection is read once
// for its copy hash and its shingles: by the judge, from its tokens
// (sc.scans), or here (appendCopyScan).
func flagCopies(r *MemberResult, s *StandardResult, p ReflectionPolicy, shared *ReflectionIndex, sc *copyScratch) string {
	sc.hashOf = slices.Grow(sc.hashOf[:0], len(r.Activities))[:len(r.Activities)]
	var items []copyItem
	var bounds [][2]int // where item k's shingles are in sc.shingles
	for i, a := range r.Activities {
		e := sc.scans[i]
		if !e.done {
			e.lo = len(sc.shingles)
			e.h, e.ok, sc.shingles = appendCopyScan(sc.shingles, a.Activity.Reflection, p.CopyMinWords)
			e.hi = len(sc.shingles)
		}
		sc.hashOf[i] = copyHashOf{e.h, e.ok}
		if !e.ok {
			continue
		}
		items = append(items, copyItem{act: i, hash: e.h})
		bounds = append(bounds, [2]int{e.lo, e.hi})
	}
	for k := range items {
		items[k].shingl = sc.shingles[bounds[k][0]:bounds[k][1]]
	}
	// Group by union-find: same text, or near the same. Comparing every
	// pair is quadratic, so very long records get the exact check only.
	parent := make([]int, len(items))
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	near := len(items) <= 400
	least := p.NearSameSimilarity - eps
	// Up to 64 reflections (every record but a few), the shared shingles
	// of every pair are counted in one pass over a hash table of them
	// (sharedShingles); beyond, each pair's sorted sets are merged.
	counted := len(items) <= 64
	if counted {
		sc.sharedShingles(items)
	} else {
		for k := range items {
			slices.Sort(items[k].shingl)
			items[k].shingl = slices.Compact(items[k].shingl)
		}
	}
	for i := range items {
		for j := i + 1; j < len(items); j++ {
			same := items[i].hash == items[j].hash
			if !same && counted {
				same = sc.jaccard(i, j, len(items)) >= least
			} else if !same && near {
				same = nearSame(items[i].shingl, items[j].shingl, least)
			}
			if same {
				if a, b := find(i), find(j); a != b {
					parent[max(a, b)] = min(a, b)
				}
			}
		}
	}
	var msgs []string
	for root := range items {
		if find(root) != root {
			continue
		}
		var group []int
		exact := true
		for k := range items {
			if find(k) == root {
				group = append(group, items[k].act)
				exact = exact && items[k].hash == items[root].hash
			}
		}
		if len(group) < 2 {
			continue
		}
		kind := "The same reflection"
		if !exact {
			kind = "Nearly the same reflection"
		}
		var names []string
		for _, i := range group {
			names = append(names, where(r.Activities[i].Activity))
		}
		r.Flags = append(r.Flags, fmt.Sprintf("%s on %d activities: %s", kind, len(group), strings.Join(names, ", ")))
		for k, i := range group {
			a := &r.Activities[i]
			// The names of the group but this one (names[k]).
			others := make([]string, 0, len(names)-1)
			others = append(append(others, names[:k]...), names[k+1:]...)
			a.Flags = append(a.Flags, strings.ToLower(kind[:1])+kind[1:]+" as "+strings.Join(others, ", "))
			s.Evidence = append(s.Evidence, Evidence{Source: a.Source, Activity: a.Title, Text: a.Activity.Reflection,
				Note: kind + " as " + strings.Join(others, ", ") + ": an assessor will check it."})
		}
		msgs = append(msgs, fmt.Sprintf("%s appears on %d activities (%s)", strings.ToLower(kind[:1])+kind[1:], len(group), strings.Join(names, ", ")))
	}
	// The index hashes as the copy check does when both follow the same
	// minimum, so the hashes made above are looked up as they are.
	sameMin := shared != nil && shared.minWords == p.CopyMinWords
	for i := range r.Activities {
		a := &r.Activities[i]
		var other string
		var ok bool
		if h := sc.hashOf[i]; sameMin {
			if h.ok {
				other, ok = shared.otherMemberHash(r.Member.ID, h.h)
			}
		} else {
			other, ok = shared.otherMember(r.Member.ID, a.Activity.Reflection)
		}
		if !ok {
			continue
		}
		// The other member's number goes to the assessor only, never into
		// text written to this member.
		r.Flags = append(r.Flags, fmt.Sprintf("Reflection on %s is word for word the same as one in member %s's record", where(a.Activity), other))
		a.Flags = append(a.Flags, "reflection word for word the same as one in member "+other+"'s record")
		s.Evidence = append(s.Evidence, Evidence{Source: a.Source, Activity: a.Title, Text: a.Activity.Reflection,
			Note: "Word for word the same as a reflection in another member's record: an assessor will check it."})
		msgs = append(msgs, fmt.Sprintf("the reflection on %s is word for word the same as one in another member's record", quote(a.Title)))
	}
	if len(msgs) == 0 {
		return ""
	}
	return capitalise(strings.Join(msgs, "; ")) + ". An assessor will check this, so this standard can be at most REVIEW."
}

// copyHashOf is an activity's copyHash.
type copyHashOf struct {
	h  uint64
	ok bool
}

// copyScratch is flagCopies' buffers, reused from member to member.
type copyScratch struct {
	shingles []uint64
	// scans[i] is activity i's copy hash and shingles when the judge made
	// them from its tokens (fromTokens).
	scans  []copyScan
	hashOf []copyHashOf
	// The table of sharedShingles: a shingle hash (0 is an empty slot;
	// the hash 0 itself is counted in zero) and the bits of the items
	// holding it; sizes[k] is item k's number of distinct shingles and
	// both[i*n+j] the number item i shares with item j.
	keys, masks  []uint64
	used, shared []uint32 // slots taken, and slots two items or more hold
	zero         uint64
	sizes        []int
	both         []int
}

// sharedShingles counts, for up to 64 items, the distinct shingles of
// each and those every two share: one pass over all the shingles, where
// sorting each item's and merging every pair's took a quarter of the
// audit. Duplicates within an item count once, as after slices.Compact.
//
// The table is kept from member to member, larger than needed when the
// last was larger; only the slots used are cleared and only the shared
// ones visited, so a member costs its shingles, not the table's size.
func (sc *copyScratch) sharedShingles(items []copyItem) {
	n, total := len(items), 0
	for _, it := range items {
		total += len(it.shingl)
	}
	if len(sc.keys) < 2*total {
		size := 16
		for size < 2*total {
			size *= 2
		}
		sc.keys = make([]uint64, size)
		sc.masks = make([]uint64, size)
	} else {
		for _, i := range sc.used {
			sc.keys[i], sc.masks[i] = 0, 0
		}
	}
	sc.used, sc.shared = sc.used[:0], sc.shared[:0]
	sc.sizes = resize(sc.sizes, n)
	sc.both = resize(sc.both, n*n)
	sc.zero = 0
	size := len(sc.keys)
	mask, shift := uint64(size-1), uint(64-bits.Len(uint(size-1)))
	for k, it := range items {
		bit := uint64(1) << k
		for _, h := range it.shingl {
			m := &sc.zero
			if h != 0 {
				i := (h * 0x9E3779B97F4A7C15) >> shift // Fibonacci hashing: the top bits mix every bit of h
				for sc.keys[i] != h && sc.keys[i] != 0 {
					i = (i + 1) & mask
				}
				if sc.keys[i] == 0 {
					sc.keys[i] = h
					sc.used = append(sc.used, uint32(i))
				}
				m = &sc.masks[i]
				if *m != 0 && *m&bit == 0 && *m&(*m-1) == 0 {
					sc.shared = append(sc.shared, uint32(i)) // its second item
				}
			}
			if *m&bit == 0 {
				*m |= bit
				sc.sizes[k]++
			}
		}
	}
	pairs := func(m uint64) {
		for a := m; a&(a-1) != 0; a &= a - 1 { // while two bits or more are left
			i := bits.TrailingZeros64(a)
			for b := a & (a - 1); b != 0; b &= b - 1 {
				sc.both[i*n+bits.TrailingZeros64(b)]++
			}
		}
	}
	for _, i := range sc.shared {
		pairs(sc.masks[i])
	}
	pairs(sc.zero)
}

// jaccard is jaccard(items[i].shingl, items[j].shingl), i < j, of the
// sets sharedShingles counted for n items: the same integers, so the same
// float.
func (sc *copyScratch) jaccard(i, j, n int) float64 {
	a, b, both := sc.sizes[i], sc.sizes[j], sc.both[i*n+j]
	if a == 0 && b == 0 {
		return 1
	}
	return float64(both) / float64(a+b-both)
}

// resize returns s with length n, all zero, reusing its array when it is
// large enough.
func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	clear(s)
	return s
}

var copyScratches = sync.Pool{New: func() any { return new(copyScratch) }}

// newCopyScratch returns a pooled copy scratch for a member with n
// activities, empty; put it back with release.
func newCopyScratch(n int) *copyScratch {
	sc := copyScratches.Get().(*copyScratch)
	sc.shingles = sc.shingles[:0]
	sc.scans = resize(sc.scans, n)
	return sc
}

func (sc *copyScratch) release() { copyScratches.Put(sc) }

// copyScan is one reflection's copyHash and, when ok, where its shingles
// are in copyScratch.shingles; done says it was made.
type copyScan struct {
	h      uint64
	ok     bool
	done   bool
	lo, hi int
}

// copyTarget is where the judge puts the copy scan it makes of a
// reflection from its tokens: activity i's, in sc, under the policy's
// copy_min_words.
type copyTarget struct {
	sc       *copyScratch
	i        int
	minWords int
}

// fromTokens makes the copy scan of text from toks, the judge's tokens
// of it, when copyScanTokens can; otherwise flagCopies reads text.
func (ct copyTarget) fromTokens(text string, toks []token) {
	sc := ct.sc
	lo := len(sc.shingles)
	h, ok, out, usable := copyScanTokens(sc.shingles, text, toks, ct.minWords)
	if !usable {
		return
	}
	sc.shingles = out
	sc.scans[ct.i] = copyScan{h: h, ok: ok, done: true, lo: lo, hi: len(out)}
}

// shingles hashes every run of three words, sorted, for near-copy checks.
func shingles(ws []string) []uint64 {
	out := make([]uint64, 0, max(len(ws)-2, 0))
	for i := 0; i+3 <= len(ws); i++ {
		out = append(out, shingleHash(fnv64a(fnvOffset64, ws[i]), fnv64a(fnvOffset64, ws[i+1]), fnv64a(fnvOffset64, ws[i+2])))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// shingleHash is the hash of a run of three words from their FNV-1a
// hashes, so that each word is hashed once, not once for each of the
// three runs it is in. Only whether two runs' hashes are equal matters
// (the sets are compared within one member's record). Each step is a
// bijection of each argument, so runs differing in one word never
// collide; others collide as rarely as any two 64-bit hashes.
func shingleHash(a, b, c uint64) uint64 {
	h := a * 0x9E3779B97F4A7C15
	h = (bits.RotateLeft64(h, 31) ^ b) * 0xBF58476D1CE4E5B9
	h = (bits.RotateLeft64(h, 31) ^ c) * 0x94D049BB133111EB
	return h ^ h>>31
}

// appendCopyScan is copyHash(s, minWords) and, when ok, the hashes of
// its three-word shingles appended to dst, unsorted and with any
// duplicates (shingles(copyWords(s)) as a multiset). ASCII text, nearly
// every reflection, is read once, lowercasing as it goes, without
// building its words; when !ok, dst is returned as it came.
func appendCopyScan(dst []uint64, s string, minWords int) (h uint64, ok bool, out []uint64) {
	lo := len(dst)
	h = fnvOffset64
	n := 0
	// The hashes of the last three words; wh is the current word's.
	var w [3]uint64
	for i := 0; ; {
		// Bytes between words, then a word's, by copyBytes.
		var c byte
		for ; i < len(s); i++ {
			if c = copyBytes[s[i]]; c != copySpace {
				break
			}
		}
		if i == len(s) {
			break
		}
		wh := fnvOffset64
		for ; i < len(s); i++ {
			if c = copyBytes[s[i]]; c == copySpace || c == copyNotASCII {
				break
			}
			wh = (wh ^ uint64(c)) * fnvPrime64
		}
		if c == copyNotASCII {
			return copyScanWords(dst[:lo], s, minWords)
		}
		h = copyStep(h, wh)
		w[0], w[1], w[2] = w[1], w[2], wh
		if n++; n < 3 {
			continue
		}
		dst = append(dst, shingleHash(w[0], w[1], w[2]))
	}
	if n < max(minWords, 1) {
		return 0, false, dst[:lo]
	}
	return h, true, dst
}

// copyScanWords is appendCopyScan through copyWords, for text that is
// not ASCII.
func copyScanWords(dst []uint64, s string, minWords int) (uint64, bool, []uint64) {
	ws := copyWords(s)
	h, ok := hashCopyWords(ws, minWords)
	if !ok {
		return 0, false, dst
	}
	return h, true, append(dst, shingles(ws)...)
}

// nearSame reports whether jaccard(a, b) >= least. The Jaccard index is
// at most the smaller set's size over the larger's (the intersection is no
// larger than one, the union no smaller than the other), and float
// division keeps that order, so sets of very different sizes are decided
// without the merge: most pairs of reflections differ in length.
//
// Pairs of similar length are then filtered on prefixes: when the index
// reaches least, the sets share at least k = ceil(least*max(|a|,|b|)) - 1
// elements (one less than the bound, for float rounding), and the
// smallest shared one lies among the first |a|-k+1 of a and the first
// |b|-k+1 of b (each set has k shared elements at or above it). Sets
// whose prefixes share nothing are below the threshold; the rest are
// decided by the full index.
func nearSame(a, b []uint64, least float64) bool {
	lo, hi := min(len(a), len(b)), max(len(a), len(b))
	if hi > 0 && float64(lo)/float64(hi) < least {
		return false
	}
	if k := int(math.Ceil(least*float64(hi))) - 1; k > 1 && k <= lo && !intersects(a[:len(a)-k+1], b[:len(b)-k+1]) {
		return false
	}
	return jaccard(a, b) >= least
}

// intersects reports whether two sorted sets share an element.
func intersects(a, b []uint64) bool {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			return true
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return false
}

// jaccard is |a ∩ b| / |a ∪ b| of two sorted sets.
func jaccard(a, b []uint64) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 1
	}
	i, j, both := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			both++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return float64(both) / float64(len(a)+len(b)-both)
}

// copyWords returns the words of s, lowercased, ignoring punctuation and
// spacing: the form in which two reflections are "word for word" the same.
// Words are runs of letters and digits. ASCII text, nearly every
// reflection, takes a path that allocates the list and at most one
// lowercased copy of s rather than a string per word: the copy checks
// split every reflection twice.
func copyWords(s string) []string {
	if !isASCII(s) {
		return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r)
		})
	}
	n, upper := 0, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		upper = upper || 'A' <= c && c <= 'Z'
		if isAlnumASCII(c) && (i == 0 || !isAlnumASCII(s[i-1])) {
			n++
		}
	}
	low := s
	if upper {
		low = strings.ToLower(s) // ASCII: same length, same word positions
	}
	ws := make([]string, 0, n)
	start := -1
	for i := 0; i <= len(low); i++ {
		if i < len(low) && isAlnumASCII(low[i]) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			ws = append(ws, low[start:i])
			start = -1
		}
	}
	return ws
}

// isASCII reports whether s has no byte above ASCII, eight bytes at a
// time.
func isASCII(s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		b := s[i : i+8]
		x := uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
			uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
		if x&highBits != 0 {
			return false
		}
	}
	for ; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// copyBytes is, for each byte, what the copy checks read in ASCII text:
// a letter or digit lowercased, copySpace for any other ASCII byte, and
// copyNotASCII for the bytes of other runes.
var copyBytes = func() (t [256]byte) {
	for c := range t {
		switch {
		case c >= utf8.RuneSelf:
			t[c] = copyNotASCII
		case isAlnumASCII(byte(c)):
			t[c] = byte(unicode.ToLower(rune(c)))
		default:
			t[c] = copySpace
		}
	}
	return t
}()

const (
	copySpace    = 0
	copyNotASCII = 0xff
)

// isAlnumASCII is unicode.IsLetter || unicode.IsDigit for an ASCII byte.
func isAlnumASCII(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// copyHash hashes the normalised words of s; ok is false when s has fewer
// than minWords words. It is hashCopyWords(copyWords(s)), computed for
// ASCII text without building the words: the shared-reflection index
// hashes every reflection of the run before the audit starts.
func copyHash(s string, minWords int) (uint64, bool) {
	h, wh, n, in := fnvOffset64, fnvOffset64, 0, false
	for i := 0; i < len(s); i++ {
		c := copyBytes[s[i]]
		if c == copyNotASCII {
			return hashCopyWords(copyWords(s), minWords)
		}
		if c == copySpace {
			if in {
				h = copyStep(h, wh)
				in = false
			}
			continue
		}
		if !in {
			n++
			in, wh = true, fnvOffset64
		}
		wh = (wh ^ uint64(c)) * fnvPrime64
	}
	if in {
		h = copyStep(h, wh)
	}
	if n < max(minWords, 1) {
		return 0, false
	}
	return h, true
}

// hashCopyWords is copyHash of the words ws: each word's FNV-1a hash
// taken into the hash in turn by copyStep.
func hashCopyWords(ws []string, minWords int) (uint64, bool) {
	if len(ws) < max(minWords, 1) {
		return 0, false
	}
	h := fnvOffset64
	for _, w := range ws {
		h = copyStep(h, fnv64a(fnvOffset64, w))
	}
	return h, true
}

// copyStep takes the next word, whose FNV-1a hash is wh, into the copy
// hash h. The hash is made of the words' hashes, not of the text's bytes,
// so that the judge's tokens, which carry their words' hashes, give it
// without reading the text again (copyScanTokens). Only whether two
// reflections' hashes are equal matters. As in shingleHash, each step is
// a bijection of h and of wh, so texts differing in one word never
// collide; others collide as rarely as any two 64-bit hashes, as the
// FNV-1a hash of the whole text, used before, did.
func copyStep(h, wh uint64) uint64 {
	return (bits.RotateLeft64(h, 31) ^ wh) * 0x9E3779B97F4A7C15
}

// copyScanTokens is appendCopyScan(dst, text, minWords) made from toks,
// the judge's tokens of text (appendTokens), without reading text again:
// usable is false, and dst comes back as it came, unless text is ASCII
// and each word token's word is its bytes in the text lowercased (no
// apostrophe dropped, no spelling folded: token.lower). Then the word
// tokens are copyWords(text): a token is a run of letters, digits and
// apostrophes, here with no apostrophe, and each carries its word's
// FNV-1a hash.
func copyScanTokens(dst []uint64, text string, toks []token, minWords int) (h uint64, ok bool, out []uint64, usable bool) {
	if !isASCII(text) {
		return 0, false, dst, false
	}
	lo := len(dst)
	h = fnvOffset64
	n := 0
	var w0, w1 uint64 // the hashes of the two words before
	for k := range toks {
		t := &toks[k]
		if t.boundary {
			continue
		}
		if !t.lower {
			return 0, false, dst[:lo], false
		}
		h = copyStep(h, t.h)
		if n++; n >= 3 {
			dst = append(dst, shingleHash(w0, w1, t.h))
		}
		w0, w1 = w1, t.h
	}
	if n < max(minWords, 1) {
		return 0, false, dst[:lo], true
	}
	return h, true, dst, true
}

// lowerASCII reports whether w is the ASCII letters and digits src
// lowercased.
func lowerASCII(src, w string) bool {
	if len(src) != len(w) {
		return false
	}
	for i := 0; i < len(src); i++ {
		if c := copyBytes[src[i]]; c == copySpace || c != w[i] {
			return false
		}
	}
	return true
}

// copyFromTokens turns copyTarget.fromTokens on; tests compare the
// audit with it off.
var copyFromTokens = true
