package audit

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestAnalyseReflection(t *testing.T) {
	tests := []struct {
		name          string
		text          string
		level         ReflectionLevel
		quality       string // expected evidence ("" = element absent)
		users         string
		mentionsUsers bool
		// unsure: the judge may instead be unsure of this element (the
		// reflection Unclear, the same sentence as evidence): an assessor
		// reads it.
		unsure string
	}{
		{"empty", "", Missing, "", "", false, ""},
		{"white space", " \t\n\u00a0", Missing, "", "", false, ""},
		{"placeholder is missing", "n/a", Missing, "", "", false, ""},
		{"placeholders only", "N/A - see above", Missing, "", "", false, ""},
		{"no letters", "- .", Missing, "", "", false, ""},
		{"both elements",
			"Attended the course. My site reports are now more accurate because I check the units twice. Clients benefit because they get reliable advice.",
			Adequate, "My site reports are now more accurate because I check the units twice.", "Clients benefit because they get reliable advice.", true, ""},
		{"one sentence carries both",
			"Clients now get clearer contaminated land reports because I put a one-page site model at the front, so they can see the pollutant linkages quickly.",
			Adequate, "Clients now get clearer contaminated land reports because I put a one-page site model at the front, so they can see the pollutant linkages quickly.",
			"Clients now get clearer contaminated land reports because I put a one-page site model at the front, so they can see the pollutant linkages quickly.", true, ""},
		{"completing a course is not a more complete piece of work",
			"I completed the flood modelling course because the guidance changed in March.", Descriptive, "", "", false, ""},
		{"notes is not a negation (and clearer notes are the member's work too)",
			"Our customers now receive clearer waste transfer notes because I fill in both codes on every note, so they pass inspections without chasing us.",
			Adequate, "Our customers now receive clearer waste transfer notes because I fill in both codes on every note, so they pass inspections without chasing us.",
			"Our customers now receive clearer waste transfer notes because I fill in both codes on every note, so they pass inspections without chasing us.", true, ""},
		{"noted is not a negation",
			"I noted that my flood models are now more reliable because I calibrate them against gauge data.",
			Partial, "I noted that my flood models are now more reliable because I calibrate them against gauge data.", "", false, ""},
		{"clients named, no benefit", "I discussed the course with a client and presented it to 30 residents.", Descriptive, "", "", true, ""},
		{"benefit, no reason", "This was really useful for my work and my clients.", Descriptive, "", "", true, ""},
		{"quality, no reason", "The course improved my flood models.", Descriptive, "", "", false, ""},
		{"reason explains no benefit", "I feel more confident about bat surveys because the trainer was very experienced.", Descriptive, "", "", false, ""},
		{"naming the activity is no mechanism", "By attending the webinar I improved my reports.", Descriptive, "", "", false, ""},
		{"a concrete by is a mechanism", "By adding a limitations section to every report I have made my reports more transparent about uncertainty.",
			Partial, "By adding a limitations section to every report I have made my reports more transparent about uncertainty.", "", false, ""},
		{"negation", "It did not change how I work. There was no real benefit to clients because they already had the data.", Descriptive, "", "", true, ""},
		{"negation then positive",
			"The conference didn't change much in how I run surveys, but the session on thermal imaging did, so my breeding bird surveys are more complete.",
			Partial, "The conference didn't change much in how I run surveys, but the session on thermal imaging did, so my breeding bird surveys are more complete.", "", false, "quality"},
		{"firm future with a reason counts",
			"I will use the checklist on every walkover because it covers indicators I used to miss, which will make my walkover records more complete.",
			Partial, "I will use the checklist on every walkover because it covers indicators I used to miss, which will make my walkover records more complete.", "", false, ""},
		{"hedged future does not", "This might help my clients because they could get answers sooner.", Descriptive, "", "", true, ""},
		{"bare future does not", "I will use this in my work.", Descriptive, "", "", false, ""},
		{"team as users",
			"I walked the team through the new standing advice, so they now pick the right licence route first time instead of losing weeks.",
			Partial, "", "I walked the team through the new standing advice, so they now pick the right licence route first time instead of losing weeks.", true, ""},
		{"students as users, pronoun in next sentence",
			"Gave a guest lecture to MSc students on site investigation. They said it helped them understand how theory is applied, because I used photos from my own projects.",
			Partial, "", "They said it helped them understand how theory is applied, because I used photos from my own projects.", true, ""},
		{"quality without the word", "My bat surveys are now more reliable because I use two detectors at each station.",
			Partial, "My bat surveys are now more reliable because I use two detectors at each station.", "", false, ""},
		{"a change of practice with its effect on the member's work",
			"I now agree the monitoring plan before the first site visit, so my data gaps show up while there is still time to fill them.",
			Partial, "I now agree the monitoring plan before the first site visit, so my data gaps show up while there is still time to fill them.", "", false, ""},
		{"reason after as",
			"My noise predictions now cover the evening period rather than the daytime only, as the course showed how often complaints start after 7pm.",
			Partial, "My noise predictions now cover the evening period rather than the daytime only, as the course showed how often complaints start after 7pm.", "", false, ""},
		{"users' understanding is not own quality", "Clients now understand their risk better because I translate the conclusions into a one-page summary.",
			Partial, "", "Clients now understand their risk better because I translate the conclusions into a one-page summary.", true, ""},
		{"users from WordNet, not a list", "The hauliers no longer queue at the weighbridge, because I moved the tickets to a QR code.",
			Partial, "", "The hauliers no longer queue at the weighbridge, because I moved the tickets to a QR code.", true, "users"},
		{"colleagues helping me is not users", "Colleagues helped me a lot during the course because they had done it before.", Descriptive, "", "", true, ""},
		{"career only", "This will look good on my CV and helps me towards chartership because it covers the competency on legislation.", Descriptive, "", "", false, ""},
		{"bullet list",
			"• Refresher on stack monitoring\n• I now check the isokinetic ratio at every point, so my particulate results are valid\n• 6 hours including the exam",
			Partial, "I now check the isokinetic ratio at every point, so my particulate results are valid", "", false, ""},
		{"dash bullets, both",
			"- Learnt about GIS\n- my maps are clearer because I use the new styles\n- students understand the maps better because the legends are simpler",
			Adequate, "my maps are clearer because I use the new styles", "students understand the maps better because the legends are simpler", true, ""},
		{"typos and lower case",
			"my groundwater samples are more representitive now becuase i purge to stable parameters. the crew benifits because there are clear rules so less risk of exposure",
			Adequate, "my groundwater samples are more representitive now becuase i purge to stable parameters.", "the crew benifits because there are clear rules so less risk of exposure", true, ""},
		{"American spelling",
			"The modeling course made my models more realistic because I calibrate against gauges. Our municipal clients benefit because their program is prioritized on actual flooding behavior.",
			Adequate, "The modeling course made my models more realistic because I calibrate against gauges.", "Our municipal clients benefit because their program is prioritized on actual flooding behavior.", true, ""},
		{"reason opens the next sentence",
			"My reports are clearer now. This is because I put the conclusions first.",
			Partial, "My reports are clearer now. This is because I put the conclusions first.", "", false, "quality"},
		{"that way, in the next sentence",
			"I now log every borehole in the same order. That way my logs are consistent from one hole to the next.",
			Partial, "I now log every borehole in the same order. That way my logs are consistent from one hole to the next.", "", false, ""},
	}
	p := DefaultPolicy().Reflection
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := AnalyseReflection(tt.text, p)
			if f.Level == Unclear && tt.unsure != "" {
				// The judge hands it to an assessor, with the sentence in question.
				if !strings.Contains(f.Advice, "an assessor should read it") {
					t.Errorf("unclear without the assessor advice: %q", f.Advice)
				}
				if tt.unsure == "quality" && !(f.QualityUnsure && f.QualityEvidence == tt.quality) ||
					tt.unsure == "users" && !(f.UsersUnsure && f.UsersEvidence == tt.users) {
					t.Errorf("unsure of %s, but q %v/%v %q u %v/%v %q", tt.unsure, f.Quality, f.QualityUnsure, f.QualityEvidence, f.Users, f.UsersUnsure, f.UsersEvidence)
				}
				return
			}
			if f.Level != tt.level {
				t.Errorf("level %s, want %s (q=%v %.2f u=%v %.2f)", f.Level, tt.level, f.Quality, f.QualityProb, f.Users, f.UsersProb)
			}
			if f.QualityEvidence != tt.quality || f.Quality != (tt.quality != "") {
				t.Errorf("quality %v %q, want %q", f.Quality, f.QualityEvidence, tt.quality)
			}
			if f.UsersEvidence != tt.users || f.Users != (tt.users != "") {
				t.Errorf("users %v %q, want %q", f.Users, f.UsersEvidence, tt.users)
			}
			if f.MentionsUsers != tt.mentionsUsers {
				t.Errorf("mentions users %v, want %v", f.MentionsUsers, tt.mentionsUsers)
			}
			if f.Level != Adequate && f.Advice == "" {
				t.Error("no advice for a reflection that is not adequate")
			}
			// Evidence is verbatim: a piece of the text itself.
			for _, ev := range []string{f.QualityEvidence, f.UsersEvidence} {
				if !strings.Contains(tt.text, ev) {
					t.Errorf("evidence %q is not in the text", ev)
				}
			}
		})
	}
}

// TestAnalyseReflectionPolicyWords: the policy's word lists extend what the
// judge knows: a user word the office adds is read as users.
func TestAnalyseReflectionPolicyWords(t *testing.T) {
	p := DefaultPolicy().Reflection
	text := "My hydrographs are now more accurate because I use the new gauge data. The zorbs get flood warnings sooner because I send the alerts by text."
	if f := AnalyseReflection(text, p); f.Users || f.UsersUnsure {
		t.Fatalf("users found before the word was added: %q", f.UsersEvidence)
	}
	p.UserWords = append(p.UserWords[:len(p.UserWords):len(p.UserWords)], "zorb")
	if f := AnalyseReflection(text, p); f.Level != Adequate {
		t.Errorf("with 'zorb' a user word: %s (users %.2f)", f.Level, f.UsersProb)
	}
}

// TestUnclearReflection: an element the judge is unsure of makes the
// reflection unclear, with the sentence in question for the assessor.
func TestUnclearReflection(t *testing.T) {
	m := &ReflectionModel{Weights: DefaultReflectionModel().Weights, Bands: DefaultReflectionModel().Bands}
	m.Bands[elemUsers] = ReflectionBand{Low: 0.001, Mid: 0.5, High: 0.9999}
	f := AnalyseReflectionWith("My reports are more accurate because I check the units. Clients benefit because they get reliable advice.", DefaultPolicy().Reflection, m)
	if f.Level != Unclear || !f.UsersUnsure || f.Users || f.UsersEvidence != "Clients benefit because they get reliable advice." {
		t.Fatalf("got %s users %v unsure %v %q", f.Level, f.Users, f.UsersUnsure, f.UsersEvidence)
	}
	if f.Likely != Adequate {
		t.Errorf("likely %s, want adequate", f.Likely)
	}
	if !strings.Contains(f.Advice, "Unclear: an assessor should read it") || !strings.Contains(f.Advice, f.UsersEvidence) {
		t.Errorf("advice %q", f.Advice)
	}
}

// TestReflectionModelFile: the committed model parses, formats back to
// the same bytes, and a broken file is an error.
func TestReflectionModelFile(t *testing.T) {
	m, err := ParseReflectionModel(reflectionModelText)
	if err != nil {
		t.Fatal(err)
	}
	if string(m.Format()) != string(reflectionModelText) {
		t.Error("the model does not format back to the committed file")
	}
	for _, bad := range []string{
		"",
		"band\tquality\t0.5\t0.4\t0.6\nband\tusers\t0.1\t0.2\t0.3\n",
		"band\tquality\t0.1\t0.2\t0.3\nband\tusers\t0.1\t0.2\t0.3\nw:x\tone\t2\n",
	} {
		if _, err := ParseReflectionModel([]byte(bad)); err == nil {
			t.Errorf("no error for %q", bad)
		}
	}
}

func TestSentences(t *testing.T) {
	text := "First point, e.g. this one. Second!  Third?\n- bullet one\n2) numbered • inline"
	var got []string
	for _, s := range sentences(text) {
		got = append(got, text[s.start:s.end])
	}
	want := []string{"First point, e.g. this one.", "Second!", "Third?", "bullet one", "numbered", "inline"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestFuzzyMatching(t *testing.T) {
	m := newMatcher([]string{"because", "stakeholder", "learner", "thorough"})
	for w, want := range map[string]bool{
		"becuase": true, "beacuse": true, "stakholders": true, "stakeholders": true,
		"learned": false, "through": false, "bcause": false,
	} {
		if got := len(m.find(tokenize(w))) > 0; got != want {
			t.Errorf("%q matched %v, want %v", w, got, want)
		}
	}
}

func TestPolicyValidate(t *testing.T) {
	if err := DefaultPolicy().Validate(); err != nil {
		t.Fatalf("default policy invalid: %v", err)
	}
	tests := []struct {
		key    string
		change func(*Policy)
	}{
		{"reflection.met_share", func(p *Policy) { p.Reflection.MetShare = 1.5 }},
		{"reflection.review_share", func(p *Policy) { p.Reflection.ReviewShare = 0.8 }},
		{"hours.required", func(p *Policy) { p.Hours.Required = -1 }},
		{"hours.max_per_day", func(p *Policy) { p.Hours.MaxPerDay = 25 }},
		{"hours.round_up_to", func(p *Policy) { p.Hours.RoundUpTo = math.NaN() }},
		{"balance.substantive_min_share", func(p *Policy) { p.Balance.SubstantiveMinShare = -0.1 }},
		{"balance.required_categories_higher_education", func(p *Policy) { p.Balance.RequiredCategoriesHigherEducation = 0 }},
		{"balance.max_largest_share", func(p *Policy) { p.Balance.MaxLargestShare = 0 }},
		{"level.thin_max_share", func(p *Policy) { p.Level.ThinMaxShare = 2 }},
		{"reflection.gap_months", func(p *Policy) { p.Reflection.GapMonths = 13 }},
		{"reflection.self_words", func(p *Policy) { p.Reflection.SelfWords = nil }},
		{"reflection.user_words", func(p *Policy) { p.Reflection.UserWords = []string{"client", "?"} }},
		{"reflection.reason_words", func(p *Policy) { p.Reflection.ReasonWords = []string{"because", "!!"} }},
		{"reflection.near_same_similarity", func(p *Policy) { p.Reflection.NearSameSimilarity = 0 }},
	}
	for _, tt := range tests {
		p := DefaultPolicy()
		tt.change(&p)
		err := p.Validate()
		if err == nil || !strings.Contains(err.Error(), tt.key) {
			t.Errorf("%s: error %v", tt.key, err)
		}
	}
}

func TestReflectionIndex(t *testing.T) {
	text := "My site reports are now more accurate because I check the units twice."
	ix := NewReflectionIndex()
	ix.Add("A", []Activity{{Reflection: text}, {Reflection: "Useful."}})
	ix.Add("B", []Activity{{Reflection: "  my SITE reports are now more accurate, because I check the units twice!"}})
	ix.Add("C", []Activity{{Reflection: text}})
	if o, ok := ix.otherMember("A", text); !ok || o != "B" {
		t.Errorf("A: %q %v", o, ok)
	}
	if o, ok := ix.otherMember("C", text); !ok || o != "A" {
		t.Errorf("C: %q %v", o, ok)
	}
	if _, ok := ix.otherMember("A", "Useful."); ok {
		t.Error("a short text was indexed")
	}
	var nilIndex *ReflectionIndex
	if _, ok := nilIndex.otherMember("A", text); ok {
		t.Error("nil index found a copy")
	}
}

// The copy checks' ASCII paths must split and hash exactly as the general
// one (strings.FieldsFunc over the lowercased text) does.
func TestCopyWordsFastPath(t *testing.T) {
	general := func(s string) []string {
		return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r)
		})
	}
	texts := []string{"", " ", "a", "A", "The SAME text, twice!", "  lead\tand trail  ", "x1 2y_z--Q", "don't stop", "ÉCOLE and école",
		"Mixed ümlaut WORDS", "9", "end.", "café", "x é", "é x y z", "a b c d é", "a b c déf g", "a\xffb c d", "A-B-C-D-E"}
	for _, f := range []string{"corpus.csv", "heldout.csv", "blind.csv"} {
		data, err := os.ReadFile(filepath.Join("..", "fixtures", "reflections", f))
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, strings.Split(string(data), "\n")...)
	}
	for _, s := range texts {
		want := general(s)
		if got := copyWords(s); !slices.Equal(got, want) {
			t.Fatalf("copyWords(%q) = %q, want %q", s, got, want)
		}
		for _, min := range []int{0, 1, 5, 12} {
			wh, wok := hashCopyWords(want, min)
			if h, ok := copyHash(s, min); h != wh || ok != wok {
				t.Fatalf("copyHash(%q, %d) = %x %v, want %x %v", s, min, h, ok, wh, wok)
			}
			h, ok, got := appendCopyScan([]uint64{7}, s, min)
			if h != wh || ok != wok {
				t.Fatalf("appendCopyScan(%q, %d) = %x %v, want %x %v", s, min, h, ok, wh, wok)
			}
			wantSh := []uint64{7}
			if ok {
				wantSh = append(wantSh, shingles(want)...)
			}
			if got[0] != 7 {
				t.Fatalf("appendCopyScan(%q) changed what dst held", s)
			}
			slices.Sort(got[1:])
			if got = append(got[:1], slices.Compact(got[1:])...); !slices.Equal(got, wantSh) {
				t.Fatalf("appendCopyScan(%q, %d) shingles = %x, want %x", s, min, got, wantSh)
			}
		}
	}
}

// The copy check counts shared shingles in one table (sharedShingles):
// every pair's index must be jaccard's of the sorted sets, on groups of
// the corpora's reflections (neighbours in the files are often near
// copies) and on random sets with duplicates and the hash 0.
func TestSharedShinglesAsJaccard(t *testing.T) {
	texts := corpusLines(t)
	// Near copies of some, so that pairs above the threshold occur.
	for i := 0; i+1 < len(texts); i += 7 {
		texts = append(texts, texts[i]+" "+texts[i+1][:len(texts[i+1])/4])
	}
	// One scratch for every check, as a worker reuses it from member to
	// member: what one left in the table must not count for the next.
	sc := new(copyScratch)
	check := func(sets [][]uint64) {
		t.Helper()
		items := make([]copyItem, len(sets))
		sorted := make([][]uint64, len(sets))
		for k, s := range sets {
			items[k].shingl = s
			sorted[k] = slices.Compact(slices.Sorted(slices.Values(s)))
		}
		sc.sharedShingles(items)
		for i := range sets {
			for j := i + 1; j < len(sets); j++ {
				if got, want := sc.jaccard(i, j, len(sets)), jaccard(sorted[i], sorted[j]); got != want {
					t.Fatalf("sets %d and %d of %d: %v, want %v", i, j, len(sets), got, want)
				}
			}
		}
	}
	n := 0
	for lo := 0; lo < len(texts); lo += 61 {
		var sets [][]uint64
		for _, s := range texts[lo:min(lo+64, len(texts))] {
			if _, ok, sh := appendCopyScan(nil, s, 1); ok {
				sets = append(sets, sh)
			} else {
				sets = append(sets, nil) // an item may have no shingle
			}
		}
		check(sets)
		n += len(sets)
	}
	if n < 600 {
		t.Fatalf("only %d reflections compared", n)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		sets := make([][]uint64, 1+rng.IntN(64))
		for k := range sets {
			for range rng.IntN(30) {
				sets[k] = append(sets[k], uint64(rng.IntN(40)))
			}
		}
		check(sets)
	}
}

// nearSame decides as the full Jaccard index does.
func TestNearSameBound(t *testing.T) {
	set := func(n, from int) []uint64 {
		var s []uint64
		for i := range n {
			s = append(s, uint64(from+i))
		}
		return s
	}
	for la := 0; la < 30; la++ {
		for lb := 0; lb < 30; lb++ {
			for off := 0; off < 30; off += 3 {
				a, b := set(la, 0), set(lb, off)
				for _, least := range []float64{0.5, 0.8, 0.9 - 1e-6, 1} {
					if got, want := nearSame(a, b, least), jaccard(a, b) >= least; got != want {
						t.Fatalf("nearSame(%d, %d from %d, %v) = %v, want %v", la, lb, off, least, got, want)
					}
				}
			}
		}
	}
	// Random sets from a small universe, so that overlaps of every size
	// and position occur.
	rng := rand.New(rand.NewPCG(1, 2))
	random := func() []uint64 {
		var s []uint64
		for range rng.IntN(40) {
			s = append(s, uint64(rng.IntN(50)))
		}
		slices.Sort(s)
		return slices.Compact(s)
	}
	for range 200000 {
		a, b := random(), random()
		if rng.IntN(2) == 0 { // near copies: b is a with a few changes
			b = slices.Clone(a)
			for range rng.IntN(4) {
				if len(b) > 0 {
					b[rng.IntN(len(b))] = uint64(rng.IntN(50))
				}
			}
			slices.Sort(b)
			b = slices.Compact(b)
		}
		least := []float64{0.5, 0.7 - 1e-6, 0.8, 0.9}[rng.IntN(4)]
		if got, want := nearSame(a, b, least), jaccard(a, b) >= least; got != want {
			t.Fatalf("nearSame(%v, %v, %v) = %v, want %v", a, b, least, got, want)
		}
	}
}

// The judge adds features by hashes computed ahead or carried from word
// to word; each must be the hash of the feature's name, which is what the
// model's weights are stored under.
func TestFeatureHashes(t *testing.T) {
	j := compiledPolicy(DefaultPolicy()).refl
	n := 0
	for _, f := range []string{"corpus.csv", "heldout.csv"} {
		data, err := os.ReadFile(filepath.Join("..", "fixtures", "reflections", f))
		if err != nil {
			t.Fatal(err)
		}
		for _, text := range strings.Split(string(data), "\n") {
			toks, tags, sents := j.sentencesOf(text)
			for i := range sents {
				sink := featureSink{naming: true}
				features(text, toks, tags, sents, i, &sink)
				for k, name := range sink.names {
					if sink.hashes[k] != fnvOf(name) {
						t.Fatalf("%q: feature %q added with hash %x, want %x", text, name, sink.hashes[k], fnvOf(name))
					}
					n++
				}
			}
		}
	}
	if n < 10000 {
		t.Fatalf("only %d features checked", n)
	}
}

// corpusLines is every line of every corpus of labelled reflections
// (fixtures/reflections/*.csv): the fast paths are compared with the
// general ones on all of them.
func corpusLines(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "fixtures", "reflections", "*.csv"))
	if err != nil || len(files) < 5 {
		t.Fatalf("corpora: %v %v", files, err)
	}
	var lines []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, strings.Split(string(data), "\n")...)
	}
	return lines
}

// tokenizeGeneral is appendTokens as it was before plain words were
// hashed while read: every word through wordAt, normWord and fnv64a.
func tokenizeGeneral(s string) []token {
	var toks []token
	start := -1
	plain := true
	flush := func(end int) {
		if start >= 0 {
			if w := normWord(wordAt(s[start:end], plain)); w != "" {
				toks = append(toks, token{w: w, h: fnv64a(fnvOffset64, w), start: start, end: end,
					lower: lowerASCII(s[start:end], w)})
			}
			start = -1
		}
	}
	for i, r := range s {
		switch {
		case r < utf8.RuneSelf && ('a' <= r && r <= 'z' || '0' <= r && r <= '9'):
			if start < 0 {
				start, plain = i, true
			}
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if start < 0 {
				start = i
			}
			plain = false
		case r == '\'' || r == '’' || r == '‘':
			plain = false
		default:
			flush(i)
			if isClausePunct(r, s, i) {
				toks = append(toks, token{start: i, end: i + utf8.RuneLen(r), boundary: true})
			}
		}
	}
	flush(len(s))
	return toks
}

// The tokenizer's plain-word path (hashed while read, normWord only for
// words that can change) gives the tokens of the general one, on every
// corpus line and on the spellings normWord folds.
func TestTokenizeFastPath(t *testing.T) {
	texts := append(corpusLines(t), "", "a", "organize organizing labeled Labeled color COLOR Color's",
		"modeling, modeled; rel el elz zel 'quoted' don't", "Hello—world - fine – ok", "behavior behaviors Behavior coworkers",
		"realized realize catalog dialog izing ize ized", "9z 1el z9 Zz ÉCOLE école 'tis",
		"bad \xff byte, ab\xc3", "\xe2\x80 cut – dash — x - y", "’quoted‘ it’s Ça")
	for w := range britishWords {
		texts = append(texts, w, w+" x", strings.ToUpper(w[:1])+w[1:])
	}
	for _, s := range britishSuffixes {
		texts = append(texts, "real"+s[0], "x"+s[0], s[0])
	}
	// With a cache of lowercased words kept from text to text: the
	// corpora's capitalised words are many more than its 256 slots, so
	// words are found, missed and replaced.
	lc := new(lowerCache)
	for _, s := range texts {
		want := tokenizeGeneral(s)
		if got := tokenize(s); !slices.Equal(got, want) {
			t.Fatalf("tokenize(%q) =\n%v, want\n%v", s, got, want)
		}
		if got := appendTokensWith(nil, s, lc); !slices.Equal(got, want) {
			t.Fatalf("appendTokensWith(%q) =\n%v, want\n%v", s, got, want)
		}
	}
}

// fuzzyFind's byte-set test only skips forms no edit or swap reaches:
// every word of the corpora, and each with a letter changed, dropped,
// added or swapped, finds what a search of every form finds.
func TestFuzzyFindByteSets(t *testing.T) {
	m := compiledPolicy(DefaultPolicy()).refl.classes
	general := func(w string) (int, bool) {
		if len(m.fuzzy) == 0 || len(w) < fuzzyMin {
			return 0, false
		}
		for d := -1; d <= 1; d++ {
			for _, f := range m.fuzzy[fuzzyKey(w[0], len(w)+d)] {
				var near bool
				if min(len(w), len(f.form)) < fuzzyAnyEdit {
					near = len(w) == len(f.form) && swappedPair(w, f.form)
				} else {
					near = withinOneEdit(w, f.form)
				}
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
	seen := map[string]bool{}
	var ws []string
	for _, line := range corpusLines(t) {
		ws = append(ws, words(line)...)
	}
	for _, fs := range m.fuzzy {
		for _, f := range fs {
			ws = append(ws, f.form)
		}
	}
	found := 0
	for _, w := range ws {
		if len(w) < fuzzyMin-1 || seen[w] {
			continue
		}
		seen[w] = true
		variants := []string{w}
		for i := 1; i < len(w); i++ {
			variants = append(variants, w[:i]+w[i+1:], w[:i]+"x"+w[i:], w[:i]+"e"+w[i+1:])
			if i+1 < len(w) {
				variants = append(variants, w[:i]+w[i+1:i+2]+w[i:i+1]+w[i+2:])
			}
		}
		for _, v := range variants {
			gi, gok := m.fuzzyFind(v)
			wi, wok := general(v)
			if gi != wi || gok != wok {
				t.Fatalf("fuzzyFind(%q) = %d %v, want %d %v", v, gi, gok, wi, wok)
			}
			if gok {
				found++
			}
		}
	}
	if found < 100 {
		t.Fatalf("only %d typos found: the test reaches too little", found)
	}
}

// The tagger looks a word pair up in the lexicon only after a word marked
// lexStartsPhrase: every pair of the corpora the lexicon holds must start
// with one, and the tables' filters must let every key they hold through.
func TestLexiconPairFilter(t *testing.T) {
	lex := lexicon()
	pairs := 0
	for _, line := range corpusLines(t) {
		toks := tokenize(line)
		for i := 0; i+1 < len(toks); i++ {
			if toks[i].boundary || toks[i+1].boundary {
				continue
			}
			if _, ok := lex.get(fnv64a(fnv64a(toks[i].h, " "), toks[i+1].w)); !ok {
				continue
			}
			pairs++
			if v, _ := lex.get(toks[i].h); v&lexStartsPhrase == 0 {
				t.Fatalf("%q %q is in the lexicon, but %q is not marked as starting a phrase", toks[i].w, toks[i+1].w, toks[i].w)
			}
		}
	}
	if pairs < 20 {
		t.Fatalf("only %d lexicon pairs in the corpora", pairs)
	}
	for _, tb := range []*table[uint32]{lexiconTags, lexiconSlips} {
		for _, s := range tb.slots {
			if _, ok := tb.get(s.key); s.key != 0 && !ok {
				t.Fatalf("key %x not found", s.key)
			}
			// Words the lexicon classes keep a class besides the mark.
			if tb == lexiconTags && s.key != 0 && s.val&^lexStartsPhrase == 0 && s.val != lexStartsPhrase {
				t.Fatalf("key %x has no class", s.key)
			}
		}
	}
}

// splitLineGeneral is splitLine decoding every rune, as it did before
// ASCII bytes other than . ! ? were skipped.
func splitLineGeneral(text string, s, e int, add func(int, int)) {
	start := s
	for i := s; i < e; {
		r, n := utf8.DecodeRuneInString(text[i:e])
		switch {
		case r == '.' || r == '!' || r == '?':
			j := i + n
			for j < e && (text[j] == '.' || text[j] == '!' || text[j] == '?' || text[j] == '"' || text[j] == ')') {
				j++
			}
			if (j == e || text[j] == ' ' || text[j] == '\t') && !(r == '.' && endsWithAbbreviationGeneral(text[start:i])) {
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

// endsWithAbbreviationGeneral is endsWithAbbreviation lowercasing every
// word, however long.
func endsWithAbbreviationGeneral(s string) bool {
	k := len(s)
	for k > 0 && s[k-1] != ' ' && s[k-1] != '(' {
		k--
	}
	w := strings.ToLower(s[k:])
	return abbreviations[w] || (utf8.RuneCountInString(w) == 1 && w != "i" && unicode.IsLetter([]rune(w)[0]))
}

// wordCount's ASCII path counts as the rune loop does.
func TestWordCountFastPath(t *testing.T) {
	general := func(s string) int {
		n, in := 0, false
		for _, r := range s {
			switch {
			case unicode.IsLetter(r) || unicode.IsDigit(r):
				if !in {
					n++
					in = true
				}
			case r == '\'' || r == '’' || r == '‘':
			default:
				in = false
			}
		}
		return n
	}
	for _, s := range append(corpusLines(t), "", "a", "don't", "Ça va", "x–y", "naïve café", "ab\xffcd", "l'été 'x'") {
		want := general(s)
		if got := wordCount(s); got != want {
			t.Fatalf("wordCount(%q) = %d, want %d", s, got, want)
		}
		for limit := -1; limit <= 12; limit++ {
			if got := wordCountUpTo(s, limit); got != max(min(want, limit), 0) {
				t.Fatalf("wordCountUpTo(%q, %d) = %d, want %d", s, limit, got, min(want, limit))
			}
		}
	}
}

// The sentence splitter's ASCII path cuts every corpus line where the
// general one does.
func TestSplitLineFastPath(t *testing.T) {
	texts := append(corpusLines(t), "", ".", "a. b", "e.g. this. And • that ▪ x● y◦ z➢ w", "Dr. Who? Yes! (Really.) \"Quoted.\" ok",
		"é. è! ü? …. 1. 2) done.", "no.\tTab. end", "At the UK. Mr. Smith, APPROX. 3 ÉTC. e.g. INCL. x \u212Ag. É. Ünïcödé.")
	for _, s := range texts {
		var got, want [][2]int
		splitLine(s, 0, len(s), func(a, b int) { got = append(got, [2]int{a, b}) })
		splitLineGeneral(s, 0, len(s), func(a, b int) { want = append(want, [2]int{a, b}) })
		if !slices.Equal(got, want) {
			t.Fatalf("splitLine(%q) = %v, want %v", s, got, want)
		}
	}
	for _, s := range append(texts, "\n", "\r\n", "a\nb\rc", "a\r\n\r\nb\n", "one\ntwo. three\n• four\r") {
		checkLineEnd(t, s)
	}
}

// checkLineEnd compares lineEnd with a loop over the bytes, from every
// start in s.
func checkLineEnd(t *testing.T, s string) {
	t.Helper()
	for start := 0; start <= len(s); start++ {
		want := start
		for want < len(s) && s[want] != '\n' && s[want] != '\r' {
			want++
		}
		if got := lineEnd(s, start); got != want {
			t.Fatalf("lineEnd(%q, %d) = %d, want %d", s, start, got, want)
		}
	}
}

// The tagger's memo of words gives the tags the lookups give: on every
// corpus line, read twice (the second time from the memo), with the
// memo's usual size and with one of 8 words, where words of a reflection
// take each other's slots.
func TestTagMemo(t *testing.T) {
	j := compiledPolicy(DefaultPolicy()).refl
	lines := append(corpusLines(t), longWords...)
	defer func(n int) { memoWords = n }(memoWords)
	tagsOf := func(size int) [][]uint32 {
		memoWords = size
		sc := new(judgeScratch)
		var out [][]uint32
		for range 2 {
			for _, line := range lines {
				toks := appendTokens(nil, line)
				out = append(out, slices.Clone(j.tagInto(sc, toks)))
			}
		}
		return out
	}
	want := tagsOf(0)
	for _, size := range []int{4096, 8} {
		got := tagsOf(size)
		for i := range want {
			if !slices.Equal(got[i], want[i]) {
				t.Fatalf("memo of %d words: %q tagged %v, want %v", size, lines[i%len(lines)], got[i], want[i])
			}
		}
	}
	// Tagged for a model, the same tags, and each word's own weights as
	// the model's table has them ("w:0" for a number), two models taking
	// turns in one memo.
	other, err := ParseReflectionModel(DefaultReflectionModel().Format())
	if err != nil {
		t.Fatal(err)
	}
	for name, w := range other.Weights {
		other.Weights[name] = [2]float64{w[1] + 0.5, w[0]}
	}
	models := []*table[[2]float32]{DefaultReflectionModel().weights(), other.weights()}
	for _, size := range []int{4096, 8} {
		memoWords = size
		sc := new(judgeScratch)
		for r := range 2 {
			for i, line := range lines {
				w := models[(i+r)%2]
				toks := appendTokens(nil, line)
				if got := j.tagWith(sc, toks, w); !slices.Equal(got, want[i]) {
					t.Fatalf("memo of %d words, with weights: %q tagged %v, want %v", size, line, got, want[i])
				}
				for k, tok := range toks {
					if tok.boundary {
						continue
					}
					fw := tok.w
					if isNumber(fw) {
						fw = "0"
					}
					v, ok := w.get(fnvOf("w:", fw))
					if got := sc.weights[k]; got != (wordWeight{v, ok, isNumber(tok.w)}) {
						t.Fatalf("memo of %d words: %q word %q: weights %+v, want %v %v", size, line, tok.w, got, v, ok)
					}
				}
			}
		}
	}
}

// longWords are reflections with words longer than the memo keeps
// (memoWordLen), some of them list words or typos of them.
var longWords = []string{
	"My internationalisation reports are clearer because I check the responsibilities twice; clients benefit as misunderstandings are fewer.",
	"The counterproductiveness of uncharacteristically long words: stakeholderengagements improved because comprehensiveness matters to clients.",
	"I now understand environmentalism and electrochemistry better, which means my recommendationss are more accurate for the clients.",
}

// The judge's findings are the same, to the bit of every probability,
// with the memo of words (which keeps words' weights too) and without:
// on every corpus line, twice, alternating two models so that weights
// kept for one are never used for the other, with the memo's usual size
// and with one of 8 words.
func TestJudgeMemoFindings(t *testing.T) {
	j := compiledPolicy(DefaultPolicy()).refl
	other, err := ParseReflectionModel(DefaultReflectionModel().Format())
	if err != nil {
		t.Fatal(err)
	}
	for name, w := range other.Weights {
		other.Weights[name] = [2]float64{w[1] * 1.5, w[0] - 0.25}
	}
	models := []*ReflectionModel{DefaultReflectionModel(), other}
	lines := append(corpusLines(t), longWords...)
	defer func(n int) { memoWords = n }(memoWords)
	findings := func(size int) []ReflectionFinding {
		memoWords = size
		var out []ReflectionFinding
		for r := range 2 {
			for i, line := range lines {
				out = append(out, j.analyse(line, models[(i+r)%2]))
			}
		}
		return out
	}
	want := findings(0)
	for _, size := range []int{4096, 8} {
		got := findings(size)
		for i := range want {
			if !reflect.DeepEqual(got[i], want[i]) {
				t.Fatalf("memo of %d words: %q judged\n%+v, want\n%+v", size, lines[i%len(lines)], got[i], want[i])
			}
		}
	}
}

// The constant features' weights read from constWeights add up, to the
// bit, as the same features looked up in the model's table: every
// sentence of the corpora, under the committed model and another.
func TestConstWeights(t *testing.T) {
	j := compiledPolicy(DefaultPolicy()).refl
	other, err := ParseReflectionModel(DefaultReflectionModel().Format())
	if err != nil {
		t.Fatal(err)
	}
	for name, w := range other.Weights {
		other.Weights[name] = [2]float64{w[1] - 0.5, w[0] * 2}
	}
	n := 0
	for _, m := range []*ReflectionModel{DefaultReflectionModel(), other} {
		w, cw := m.weights(), m.constWeights()
		for _, text := range corpusLines(t) {
			toks, tags, sents := j.sentencesOf(text)
			for i := range sents {
				byTable, byConst := featureSink{w: w}, featureSink{w: w, cw: cw}
				features(text, toks, tags, sents, i, &byTable)
				features(text, toks, tags, sents, i, &byConst)
				if byTable.score != byConst.score {
					t.Fatalf("%q sentence %d: %v with constWeights, %v by the table", text, i, byConst.score, byTable.score)
				}
				n++
			}
		}
	}
	if n < 5000 {
		t.Fatalf("only %d sentences", n)
	}
}

// mayRespell lets a plain word skip normWord only when normWord leaves
// it as it is: every word of the corpora, every spelling normWord folds
// and words ending in each suffix it rewrites.
func TestMayRespell(t *testing.T) {
	ws := []string{"eled", "eling", "leveled", "traveling", "help", "helped", "self", "model", "modeling", "colors", "colours", "center"}
	for _, line := range corpusLines(t) {
		for _, tok := range tokenize(line) {
			ws = append(ws, tok.w, strings.ToLower(line[tok.start:tok.end]))
		}
	}
	for w := range britishWords {
		ws = append(ws, w, w+"s", w[1:], "x"+w)
	}
	for _, s := range britishSuffixes {
		ws = append(ws, "real"+s[0], "x"+s[0], s[0], "ab"+s[0][1:])
	}
	n := 0
	for _, w := range ws {
		if w == "" || w != wordAt(w, false) {
			continue // not plain
		}
		if !mayRespell(w, strings.Contains(w, "z"), fnv64a(fnvOffset64, w)) {
			if got := normWord(w); got != w {
				t.Fatalf("mayRespell(%q) is false, but normWord gives %q", w, got)
			}
			n++
		}
	}
	if n < 1000 {
		t.Fatalf("only %d words checked", n)
	}
}

// The tagger skips an entry of several words when the next word's first
// byte is not its second word's (multiEntry.next, firstKey.next):
// matchAt matches no such word. Every entry, with every corpus word
// after its first, and with the rest of the entry after that.
func TestMultiEntryNext(t *testing.T) {
	m := compiledPolicy(DefaultPolicy()).refl.classes
	seen := map[string]bool{}
	var ws []string
	for _, line := range corpusLines(t) {
		for _, tok := range tokenize(line) {
			if !tok.boundary && !seen[tok.w] {
				seen[tok.w] = true
				ws = append(ws, tok.w)
			}
		}
	}
	n := 0
	for _, k := range m.firstKeys {
		for _, me := range k.multi {
			p := m.phrases[me.id].words
			for _, w := range append(ws, p[1], p[1]+"s", p[1]+"ing") {
				toks := []token{{w: k.w}, {w: w}}
				for _, r := range p[2:] {
					toks = append(toks, token{w: r})
				}
				_, ok := m.matchAt(toks, 0, me.id)
				skip := me.next != 0 && me.next != w[0] || k.next&(1<<(w[0]&31)) == 0
				if ok && skip {
					t.Fatalf("entry %q matches %q, which the tagger skips", m.phrases[me.id].text, w)
				}
				n++
			}
		}
	}
	if n < 100000 {
		t.Fatalf("only %d cases", n)
	}
}

// FuzzJudgeFastPaths compares every fast path of the judge and the copy
// checks with its general path on free-form text: the tokenizer with
// tokenizeGeneral, the sentence splitter's with loops over every byte or
// rune, the copy scan with copyWords (and the one made from the judge's
// tokens with the copy scan), withinTwoEdits with editDistance against
// the year-round titles, the tags and findings
// through the memos (a worker's memo, kept from text to text, and one of
// 8 words) with those without.
func FuzzJudgeFastPaths(f *testing.F) {
	for _, s := range []string{"", "The course improved my reports because clients now get them sooner.",
		"I now log every borehole: that way my logs are consistent. Clients benefit, as they don't wait.",
		"Organized, labeled COLOR behavior; by attending (not only) the trainer's talk – becuase of it",
		"é x y z café", "a\xffb c d", "1. First item\n2) second - third • fourth"} {
		f.Add(s)
	}
	for _, s := range longWords {
		f.Add(s)
	}
	j := compiledPolicy(DefaultPolicy()).refl
	model := DefaultReflectionModel()
	worker := new(judgeScratch)
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := tokenize(s), tokenizeGeneral(s); !slices.Equal(got, want) {
			t.Fatalf("tokenize(%q) =\n%v, want\n%v", s, got, want)
		} else if got := appendTokensWith(nil, s, &worker.lower); !slices.Equal(got, want) {
			t.Fatalf("appendTokensWith(%q) =\n%v, want\n%v", s, got, want)
		}
		var gotS, wantS [][2]int
		splitLine(s, 0, len(s), func(a, b int) { gotS = append(gotS, [2]int{a, b}) })
		splitLineGeneral(s, 0, len(s), func(a, b int) { wantS = append(wantS, [2]int{a, b}) })
		if !slices.Equal(gotS, wantS) {
			t.Fatalf("splitLine(%q) = %v, want %v", s, gotS, wantS)
		}
		checkLineEnd(t, s)
		for _, y := range DefaultPolicy().Reflection.YearRoundTitles {
			if got, want := withinTwoEdits([]byte(s), y), editDistance(s, y) <= 2; got != want {
				t.Fatalf("withinTwoEdits(%q, %q) = %v, want %v", s, y, got, want)
			}
		}
		ws := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		wh, wok := hashCopyWords(ws, 3)
		h, ok, sh := appendCopyScan(nil, s, 3)
		if h != wh || ok != wok {
			t.Fatalf("appendCopyScan(%q) = %x %v, want %x %v", s, h, ok, wh, wok)
		}
		if h, ok := copyHash(s, 3); h != wh || ok != wok {
			t.Fatalf("copyHash(%q) = %x %v, want %x %v", s, h, ok, wh, wok)
		}
		if th, tok, tsh, use := copyScanTokens(nil, s, tokenize(s), 3); use && (th != h || tok != ok || !slices.Equal(tsh, sh)) {
			t.Fatalf("copyScanTokens(%q) = %x %v %x, want %x %v %x", s, th, tok, tsh, h, ok, sh)
		}
		if ok {
			slices.Sort(sh)
			want := shingles(ws)
			if sh = slices.Compact(sh); !slices.Equal(sh, want) {
				t.Fatalf("appendCopyScan(%q) shingles = %x, want %x", s, sh, want)
			}
		}
		defer func(n int) { memoWords = n }(memoWords)
		memoWords = 0
		wantTags := slices.Clone(j.tagInto(new(judgeScratch), tokenize(s)))
		want := j.analyse(s, model)
		for _, size := range []int{4096, 8} {
			memoWords = size
			sc := worker
			if size != 4096 {
				sc = new(judgeScratch)
			}
			if got := j.tagInto(sc, tokenize(s)); !slices.Equal(got, wantTags) {
				t.Fatalf("memo of %d words: %q tagged %v, want %v", size, s, got, wantTags)
			}
			if got := j.analyse(s, model); !reflect.DeepEqual(got, want) {
				t.Fatalf("memo of %d words: %q judged\n%+v, want\n%+v", size, s, got, want)
			}
		}
	})
}

// features visits the facts and the pairs of core facts by their bits:
// coreBits matches a loop over coreFacts on random facts, and every
// corpus sentence's features start with the facts, in increasing order,
// then the pairs of core facts in coreFacts' order, and have the core
// facts after a reason opening the next sentence in coreFacts' order, as
// loops over the lists give them (the weights are added in that order).
func TestCoreBits(t *testing.T) {
	naive := func(facts uint64) uint32 {
		var c uint32
		for a, f := range coreFacts {
			if facts&(1<<f) != 0 {
				c |= 1 << a
			}
		}
		return c
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 100000 {
		facts := r.Uint64() & (1<<numFacts - 1)
		if i < numFacts {
			facts = 1 << i
		}
		if got, want := coreBits(facts), naive(facts); got != want {
			t.Fatalf("coreBits(%b) = %b, want %b", facts, got, want)
		}
	}
	j := compiledPolicy(DefaultPolicy()).refl
	n := 0
	for _, text := range corpusLines(t) {
		toks, tags, sents := j.sentencesOf(text)
		for i, s := range sents {
			want := []string{"bias"}
			for f := range numFacts {
				if s.has(f) {
					want = append(want, "f:"+factNames[f])
				}
			}
			for a, fa := range coreFacts {
				for _, fb := range coreFacts[a+1:] {
					if s.has(fa) && s.has(fb) {
						want = append(want, "p:"+factNames[fa]+"&"+factNames[fb])
					}
				}
			}
			sink := featureSink{naming: true}
			features(text, toks, tags, sents, i, &sink)
			if got := sink.names[:min(len(want), len(sink.names))]; !slices.Equal(got, want) {
				t.Fatalf("%q sentence %d: features start %q, want %q", text, i, got, want)
			}
			var next, wantNext []string
			for _, name := range sink.names {
				if strings.HasPrefix(name, "next:reasonOpen&") && name != "next:reasonOpen&short" {
					next = append(next, name)
				}
			}
			for _, g := range coreFacts {
				if i+1 < len(sents) && sents[i+1].has(fReasonOpen) && s.has(g) {
					wantNext = append(wantNext, "next:reasonOpen&"+factNames[g])
				}
			}
			if !slices.Equal(next, wantNext) {
				t.Fatalf("%q sentence %d: features %q, want %q", text, i, next, wantNext)
			}
			n++
		}
	}
	if n < 3000 {
		t.Fatalf("only %d sentences", n)
	}
}

// read sets the facts of a word class anywhere in the sentence from the
// classes of all its words at once: each is set exactly when some word
// of the sentence has the class, on every corpus sentence.
func TestReadClassFacts(t *testing.T) {
	j := compiledPolicy(DefaultPolicy()).refl
	classFacts := map[uint32]int{tagSelf: fSelf, tagWork: fWork, tagChange: fChange, tagFuture: fFuture, tagNotReason: fNotReason, tagCareer: fCareer}
	n := 0
	for _, text := range corpusLines(t) {
		_, tags, sents := j.sentencesOf(text)
		for _, s := range sents {
			for tag, f := range classFacts {
				want := false
				for k := s.lo; k < s.hi; k++ {
					want = want || tags[k]&tag != 0
				}
				if s.has(f) != want {
					t.Fatalf("%q: fact %s is %v, want %v", text[s.start:s.end], factNames[f], s.has(f), want)
				}
				n += boolInt(want)
			}
		}
	}
	if n < 1000 {
		t.Fatalf("only %d facts set", n)
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// maySplit is true exactly when one of its eight bytes is marked in
// sentenceByte: every window of every corpus line, and random bytes
// (with the marked ones made common).
func TestMaySplit(t *testing.T) {
	check := func(s string, i int) {
		want := false
		for _, c := range []byte(s[i : i+8]) {
			want = want || sentenceByte[c]
		}
		if got := maySplit(s, i); got != want {
			t.Fatalf("maySplit(%q) = %v, want %v", s[i:i+8], got, want)
		}
	}
	for _, line := range corpusLines(t) {
		for i := 0; i+8 <= len(line); i++ {
			check(line, i)
		}
	}
	r := rand.New(rand.NewPCG(3, 4))
	some := []byte(".!?-,\x7f\x80\xff\x00 a.Z/>")
	for range 200000 {
		b := make([]byte, 8)
		for k := range b {
			if r.IntN(3) == 0 {
				b[k] = byte(r.IntN(256))
			} else {
				b[k] = some[r.IntN(len(some))]
			}
		}
		check(string(b), 0)
	}
}
