package audit

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"
)

// copyVariants are texts the copy checks must read alike or apart:
// capitals, apostrophes, folded spellings, text that is not ASCII.
func copyVariants(t *testing.T) []string {
	texts := append(corpusLines(t), "", " ", "a", "A", "The SAME text, twice!", "  lead\tand trail  ", "x1 2y_z--Q",
		"don't stop", "clients' reports were late", "'tis the season for it", "ÉCOLE and école", "Mixed ümlaut WORDS",
		"9", "end.", "café", "x é", "a b c d é", "a\xffb c d", "A-B-C-D-E", "We organize the Organized teams; color COLOR",
		"behavior coworkers labeled modeling", "I now log every borehole: that way my logs are consistent",
		"It’s a curly one – with a dash", "Tabs\tand\nlines\r\nand ALL CAPS 2025")
	for _, s := range corpusLines(t)[:200] {
		texts = append(texts, strings.ToUpper(s), strings.ReplaceAll(s, "s ", "'s "))
	}
	return texts
}

// The copy scan the judge makes from its tokens (copyScanTokens) is
// appendCopyScan's, shingles in the same order, whenever it is made; and
// it is made for most of the corpora's reflections.
func TestCopyScanTokens(t *testing.T) {
	texts := copyVariants(t)
	usable := 0
	for _, s := range texts {
		toks := tokenize(s)
		for _, min := range []int{0, 1, 5, 12} {
			h, ok, got, use := copyScanTokens([]uint64{7}, s, toks, min)
			if !use {
				if !slices.Equal(got, []uint64{7}) {
					t.Fatalf("copyScanTokens(%q) unusable but changed dst: %x", s, got)
				}
				continue
			}
			if min == 5 {
				usable++
			}
			wh, wok, want := appendCopyScan([]uint64{7}, s, min)
			if h != wh || ok != wok || !slices.Equal(got, want) {
				t.Fatalf("copyScanTokens(%q, %d) = %x %v %x, want %x %v %x", s, min, h, ok, got, wh, wok, want)
			}
		}
	}
	if usable < len(texts)/2 {
		t.Errorf("the judge's tokens served %d of %d texts", usable, len(texts))
	}
	for _, s := range []string{"don't stop now please", "we organize it well", "a café for all of us", "clients' reports were late"} {
		if _, _, _, use := copyScanTokens(nil, s, tokenize(s), 1); use {
			t.Errorf("copyScanTokens(%q) used the tokens: their words are not the copy words", s)
		}
	}
}

// The copy hash is made of the words' hashes (copyStep) rather than of
// the text's bytes: on the corpora and their variants it puts texts in
// the same classes as the FNV-1a hash of the words each followed by a
// space, used before, and those are the classes of the word lists.
func TestCopyHashClasses(t *testing.T) {
	oldHash := func(ws []string) uint64 {
		h := fnvOffset64
		for _, w := range ws {
			h = fnv64a(fnv64a(h, w), " ")
		}
		return h
	}
	byWords := map[string]int{} // the words joined -> class
	byOld := map[uint64]int{}
	byNew := map[uint64]int{}
	for _, s := range copyVariants(t) {
		ws := copyWords(s)
		if len(ws) == 0 {
			continue
		}
		key := strings.Join(ws, " ")
		class, seen := byWords[key]
		if !seen {
			class = len(byWords)
			byWords[key] = class
		}
		h, _ := hashCopyWords(ws, 1)
		for _, c := range []struct {
			m map[uint64]int
			h uint64
		}{{byOld, oldHash(ws)}, {byNew, h}} {
			if got, ok := c.m[c.h]; ok && got != class {
				t.Fatalf("%q: hash %x is another text's", s, c.h)
			} else if !ok {
				c.m[c.h] = class
			}
		}
	}
	if len(byOld) != len(byWords) || len(byNew) != len(byWords) {
		t.Fatalf("%d texts, %d old hashes, %d new", len(byWords), len(byOld), len(byNew))
	}
}

// Members whose copy scans the judge made from its tokens are audited as
// when flagCopies reads every reflection: pasted, near and shared
// reflections, with capitals, apostrophes, folded spellings and text that
// is not ASCII among them.
func TestEvaluateCopyFromTokens(t *testing.T) {
	texts := copyVariants(t)
	var members [][]Activity
	for lo := 0; lo+16 <= len(texts); lo += 13 {
		var acts []Activity
		for k, s := range texts[lo : lo+16] {
			acts = append(acts, Activity{MemberID: "M", Title: "Activity " + string(rune('A'+k)),
				Category: FormalLearning, Date: time.Date(2025, time.Month(1+k%12), 1+k, 0, 0, 0, 0, time.UTC),
				Hours: 2, Reflection: s, Source: Source{File: "acts.csv", Row: k + 2}})
		}
		// A pasted copy, one in capitals, a near copy, a copy with an
		// apostrophe folded in.
		acts[1].Reflection = acts[0].Reflection
		acts[3].Reflection = strings.ToUpper(acts[2].Reflection)
		acts[5].Reflection = acts[4].Reflection + " It was good."
		acts[7].Reflection = strings.Replace(acts[6].Reflection, " ", "' ", 1)
		members = append(members, acts)
	}
	p := DefaultPolicy()
	ix := NewReflectionIndexFor(p.Reflection)
	for i, acts := range members {
		for k := range acts {
			acts[k].MemberID = "M" + string(rune('0'+i%10)) + string(rune('0'+i/10%10)) + string(rune('0'+i/100))
		}
		ix.Add(acts[0].MemberID, acts)
	}
	e := Env{Year: 2025, Policy: p, Shared: ix}
	defer func() { copyFromTokens = true }()
	copies := 0
	for _, acts := range members {
		m := Member{ID: acts[0].MemberID}
		copyFromTokens = false
		want := Evaluate(m, acts, e)
		copyFromTokens = true
		got := Evaluate(m, acts, e)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("member %s: with the judge's scans\n%+v\nwant\n%+v", m.ID, got, want)
		}
		copies += len(got.Flags)
	}
	if len(members) < 50 || copies < len(members) {
		t.Fatalf("%d members, %d flags: too few to compare", len(members), copies)
	}
}

// isYearRound keeps its answers for the titles met last: they are the
// answers without the memo, on the year-round titles, their slips and
// variants and many other titles (more than the memo's slots, so titles
// are found, missed and replaced), under two policies in turn.
func TestYearRoundMemo(t *testing.T) {
	p := DefaultPolicy()
	other := DefaultPolicy()
	other.Reflection.YearRoundTitles = []string{"Annual review of my CPD", "Reflection on the year"}
	policies := []*compiled{compiledPolicy(p), compiledPolicy(other)}
	var titles []string
	for _, y := range append(p.Reflection.YearRoundTitles, other.Reflection.YearRoundTitles...) {
		titles = append(titles, y, strings.ToUpper(y), y+" 2025", "2025 "+y, y[:len(y)-1], y[1:], "My "+y, y+" and more")
	}
	for _, s := range corpusLines(t)[:400] {
		if f := strings.Fields(s); len(f) > 3 {
			titles = append(titles, strings.Join(f[:3], " "))
		}
	}
	yes := 0
	for r := range 3 {
		for i, title := range titles {
			c := policies[(i+r)%2]
			want := isYearRoundIn(new(judgeScratch), title, c.yearRound)
			if got := isYearRound(title, c.yearRound); got != want {
				t.Fatalf("isYearRound(%q) = %v, want %v", title, got, want)
			}
			if want {
				yes++
			}
		}
	}
	if yes < 20 {
		t.Fatalf("only %d year-round titles", yes)
	}
}

// The level check counts words no further than the minimum, but a blank
// description's title is counted whole: the evidence shows the count.
func TestThinCountShown(t *testing.T) {
	acts := spread(30)
	acts[0].Description = "  "
	acts[0].Title = "One two three four five six seven eight nine ten eleven"
	for i := 1; i < len(acts); i++ {
		acts[i].Description = "Short text here."
	}
	r := Evaluate(Member{ID: "M1"}, acts, env())
	var notes []string
	for _, e := range r.Standards[2].Evidence {
		notes = append(notes, e.Note)
	}
	got := strings.Join(notes, "|")
	for _, want := range []string{"Described in 11 words", "Described in 5 words"} {
		if !strings.Contains(got, want) {
			t.Errorf("level evidence %q lacks %q", got, want)
		}
	}
}

// A memo slot is one cache line.
func TestWordMemoSize(t *testing.T) {
	if n := unsafe.Sizeof(wordMemo{}); n != 64 {
		t.Fatalf("a wordMemo is %d bytes, want 64", n)
	}
}

// The tagger looks a pair up only when the next word's bit is in the
// first word's lexiconNext: every two-word phrase of the lexicon, in
// every form its second word takes, has its bit there.
func TestLexiconNextWords(t *testing.T) {
	lex, next := lexicon(), lexiconNextWords()
	pairs := 0
	for class, ws := range lexiconEntries(reflectionLexicon) {
		if len(ws) != 2 {
			continue
		}
		h := fnv64a(fnvOffset64, ws[0])
		mask, _ := next.get(h)
		for _, f := range lexiconForms(ws[1], class) {
			if _, ok := lex.get(fnv64a(fnv64a(h, " "), f)); !ok {
				t.Fatalf("%q %q is not in the lexicon", ws[0], f)
			}
			if mask&(1<<(fnv64a(fnvOffset64, f)&63)) == 0 {
				t.Fatalf("%q %q: the bit of %q is not in %q's lexiconNext", ws[0], f, f, ws[0])
			}
			pairs++
		}
	}
	if pairs < 1000 {
		t.Fatalf("only %d pairs", pairs)
	}
}

// withinTwoEdits is editDistance(a, b) <= 2: on every pair of strings of
// up to five letters from three, on the year-round titles and their
// slips, and on titles longer than its buffers.
func TestWithinTwoEdits(t *testing.T) {
	var small []string
	var grow func(s string)
	grow = func(s string) {
		small = append(small, s)
		if len(s) < 5 {
			for _, c := range "abc" {
				grow(s + string(c))
			}
		}
	}
	grow("")
	check := func(a, b string) {
		t.Helper()
		if got, want := withinTwoEdits([]byte(a), b), editDistance(a, b) <= 2; got != want {
			t.Fatalf("withinTwoEdits(%q, %q) = %v, want %v", a, b, got, want)
		}
	}
	for _, a := range small {
		for _, b := range small {
			check(a, b)
		}
	}
	long := strings.Repeat("reflection on the year ", 4)
	titles := []string{long, long[1:], long + "x", strings.Replace(long, "on", "no", 1)}
	for _, y := range DefaultPolicy().Reflection.YearRoundTitles {
		titles = append(titles, y)
		for i := range len(y) {
			titles = append(titles, y[:i]+y[i+1:], y[:i]+"x"+y[i:], y[:i]+"x"+y[i+1:], y[:i]+"xy"+y[i+1:])
		}
	}
	for _, a := range titles {
		for _, b := range titles {
			check(a, b)
		}
	}
}

// editDistance is the Levenshtein distance, which isYearRound computed
// in full before withinTwoEdits.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
