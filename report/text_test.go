package report

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ies/cpdaudit/audit"
	"github.com/ies/cpdaudit/internal/testtool"
	"golang.org/x/text/unicode/norm"
)

func TestClean(t *testing.T) {
	for in, want := range map[string]string{
		"Zoe\u0308 Smith":             "Zoë Smith", // NFC: typed with a combining diaeresis
		"Sam 😀 Lee":                   "Sam [emoji] Lee",
		"👨\u200d👩\u200d👧 family":      "[emoji] family", // one emoji joined from three
		"🇬🇧🇫🇷":                        "[emoji][emoji]", // two flags
		"👍🏽 ok":                       "[emoji] ok",     // skin tone
		"❤\ufe0f":                     "❤",              // BMP emoji drawn by DejaVu, its selector dropped
		"a\tb\x00c\x7fd\u0085e":       "a b c d e",
		"in\u200bvis\u200eible\u00ad": "invisible",
		"line\u2028two":               "line\ntwo",
		"علی\u200cاکبر":               "علی\u200cاکبر", // the non-joiner is kept for shaping
		"Ŵyn Đặng":                    "Ŵyn Đặng",
	} {
		if got := clean(in); got != want {
			t.Errorf("clean(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestShapeArabic(t *testing.T) {
	all := func(base, form rune) bool { return true }
	for in, want := range map[string]string{
		// meem initial, hah medial, meem medial, dal final
		"محمد": "\uFEE3\uFEA4\uFEE4\uFEAA",
		// seen initial, lam-alef ligature (final: it joins the seen), meem isolated
		"سلام": "\uFEB3\uFEFC\uFEE1",
		"لا":   "\uFEFB",
		// the non-joiner ends the first word's joining, and stays
		"علی\u200cاکبر": "\uFECB\uFEE0\uFBFD\u200C\uFE8D\uFB90\uFE92\uFEAE",
		// a vowel mark between letters does not break the joining
		"مُحَمَّد": "\uFEE3\u064F\uFEA4\u064E\uFEE4\u064E\u0651\uFEAA",
		"ء":        "\uFE80",
	} {
		if got := string(shapeArabic([]rune(in), all)); got != want {
			t.Errorf("shapeArabic(%q) = %U, want %U", in, []rune(got), []rune(want))
		}
	}
	// A font without the forms gets the letters as typed.
	if got := string(shapeArabic([]rune("محمد"), func(rune, rune) bool { return false })); got != "محمد" {
		t.Errorf("without forms: %U", []rune(got))
	}
	// Every form maps back to its letters for copying.
	if arabicToUnicode[0xFEFC] != "لا" || arabicToUnicode[0xFEE3] != "م" {
		t.Error("arabicToUnicode does not map the forms back to the letters")
	}
}

func TestReorder(t *testing.T) {
	for in, want := range map[string]string{
		"abc":                   "abc",
		"محمد":                  "دمحم",
		"محمد علي":              "يلع دمحم",
		"Member 7 · محمد علي":   "Member 7 · يلع دمحم",
		"محمد 123":              "123 دمحم",              // a right-to-left paragraph: the number stays left to right
		"Dr محمد 123 (علي) and": "Dr (يلع) 123 دمحم and", // brackets paired and mirrored
		"a (علي) b":             "a (يلع) b",
		"דוד כהן-לוי":           "יול-ןהכ דוד",
		"Ali محمد 2025":         "Ali 2025 دمحم",                                    // digits after Arabic letters are Arabic numbers
		"مُحَمَّد":              "\u062F\u0651\u064E\u0645\u064E\u062D\u064F\u0645", // marks come before their letter
	} {
		if got := string(reorder([]rune(in))); got != want {
			t.Errorf("reorder(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFallbackFontsLoad(t *testing.T) {
	f := mustFonts(t)
	for c, want := range map[rune]string{
		'A': fontFamily, 'ë': fontFamily, 'Ŵ': fontFamily, 'ặ': fontFamily, 'Ж': fontFamily,
		'م': "NotoArabic", 0xFEE3: "NotoArabic", 0xFB90: "NotoArabic",
		'ד': "NotoHebrew", 'प': "NotoDevanagari",
		'王': "WQYCJK", 'あ': "WQYCJK", 'カ': "WQYCJK", '김': "WQYCJK", '。': "WQYCJK",
		'Ա': "DejaVuAll", 'ა': "DejaVuAll", '☺': "DejaVuAll",
	} {
		if i := f.fontFor(c); i < 0 || family(i) != want {
			t.Errorf("%q (%U) is drawn by font %d, want %s", c, c, i, want)
		}
	}
	for _, c := range []rune{'ไ', 0x20BB7, 0x1F600} {
		if i := f.fontFor(c); i >= 0 {
			t.Errorf("%U claims font %s", c, family(i))
		}
	}
	for _, ff := range fallbackFonts {
		if ff.err != nil {
			t.Error(ff.err)
		}
	}
}

func TestTextFlags(t *testing.T) {
	f := mustFonts(t)
	cases := []struct {
		name, title string
		want        []string
	}{
		{"Ŵyn Đặng", "Site visit", nil},
		{"محمد عبد الله", "דוד 王小明 김민준", nil},
		{"Sam 😀", "Site visit 👍", nil},
		{"प्रिया शर्मा", "Site visit", []string{"Name drawn without shaping (Devanagari): check the letter"}},
		{"कमल", "Site visit", nil}, // no vowel signs or conjuncts: drawn right as it is
		{"Somchai", "อบรม GIS", []string{"Activity text has characters no letter font can draw (Thai), shown as placeholders: check the letter"}},
	}
	for _, c := range cases {
		r := richMember()
		r.Member.Name = c.name
		r.Activities[0].Title = c.title
		got := f.TextFlags(&r)
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%s / %s: flags %q, want %q", c.name, c.title, got, c.want)
		}
	}
}

// pdfText is pdftotext's text of the PDF with poppler's direction marks
// (U+202A to U+202E, around right-to-left runs) removed and white space
// collapsed.
func pdfText(t *testing.T, path string, args ...string) string {
	t.Helper()
	out, err := exec.Command(testtool.Require(t, "pdftotext"), append(args, path, "-")...).Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	s := strings.Map(func(r rune) rune {
		if r >= 0x202A && r <= 0x202E {
			return -1
		}
		return r
	}, string(out))
	return strings.Join(strings.Fields(s), " ")
}

// pdfFonts lists the fonts pdffonts finds, as "name emb" (the subset tag
// removed), e.g. "utf8notoarabic yes".
func pdfFonts(t *testing.T, path string) []string {
	t.Helper()
	out, err := exec.Command(testtool.Require(t, "pdffonts"), path).Output()
	if err != nil {
		t.Fatalf("pdffonts %s: %v", path, err)
	}
	var fonts []string
	for _, line := range strings.Split(string(out), "\n")[2:] {
		f := strings.Fields(line)
		if len(f) < 7 {
			continue
		}
		name := f[0]
		if i := strings.IndexByte(name, '+'); i >= 0 {
			name = name[i+1:]
		}
		// name, type words, encoding, emb, sub, uni, object id
		fonts = append(fonts, name+" "+f[len(f)-5])
	}
	return fonts
}

func writeTestPDF(t *testing.T, dir, name string, write func(*bytes.Buffer) error) string {
	t.Helper()
	var b bytes.Buffer
	if err := write(&b); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestPDFNamesInEveryScript writes a feedback PDF and a final letter for
// names in each script and checks, with poppler's tools, that the name
// comes back as typed (so it was drawn, in an embedded font, in the order
// a reader expects) and which fonts the PDF embeds: a fallback only where
// the name needs it.
func TestPDFNamesInEveryScript(t *testing.T) {
	testtool.Require(t, "pdftotext")
	testtool.Require(t, "pdffonts")
	fonts := mustFonts(t)
	dir := t.TempDir()
	opts := PDFOptions{Version: "1.2.3-test", Created: testCreated}
	cases := []struct {
		script, name, want, font string
	}{
		{"arabic", "محمد عبد الله", "محمد عبد الله", "utf8notoarabic"},
		{"persian", "علی\u200cاکبر رضایی", "علی\u200cاکبر رضایی", "utf8notoarabic"},
		{"hebrew", "דוד כהן", "דוד כהן", "utf8notohebrew"},
		{"chinese", "王小明", "王小明", "utf8wqycjk"},
		{"japanese", "山田 花子", "山田 花子", "utf8wqycjk"},
		{"korean", "김민준", "김민준", "utf8wqycjk"},
		{"devanagari", "प्रिया शर्मा", "प्रिया शर्मा", "utf8notodevanagari"},
		{"armenian", "Արամ Խաչատրյան", "Արամ Խաչատրյան", "utf8dejavuall"},
		{"welsh-vietnamese", "Ŵyn Đặng", "Ŵyn Đặng", ""},
		{"combining", "Zoe\u0308 Smith", "Zoë Smith", ""},
		{"emoji", "Sam 😀 Lee", "Sam [emoji] Lee", ""},
	}
	for _, c := range cases {
		r := richMember()
		r.Member.Name = c.name
		l := finalLetter()
		l.Name = c.name
		for _, doc := range []struct {
			kind  string
			write func(*bytes.Buffer) error
		}{
			{"feedback", func(b *bytes.Buffer) error { return WritePDF(b, r, fonts, opts) }},
			{"final", func(b *bytes.Buffer) error { return WriteFinalPDF(b, l, fonts, opts) }},
		} {
			path := writeTestPDF(t, dir, c.script+"-"+doc.kind+".pdf", doc.write)
			text := pdfText(t, path, "-l", "1")
			if !strings.Contains(text, c.want) {
				t.Errorf("%s %s: the text lacks %q:\n%.300s", c.script, doc.kind, c.want, text)
			}
			if strings.Contains(text, "?") && c.script == "emoji" {
				t.Errorf("%s %s: an emoji became a question mark", c.script, doc.kind)
			}
			got := pdfFonts(t, path)
			want := []string{"utf8dejavu yes"}
			if c.font != "" {
				want = append(want, c.font+" yes")
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%s %s: fonts %q, want %q", c.script, doc.kind, got, want)
			}
		}
	}
}

// TestPDFTextInTables: member text in other scripts inside table cells
// wraps within its column, in the right font.
func TestPDFTextInTables(t *testing.T) {
	fonts := mustFonts(t)
	dir := t.TempDir()
	r := richMember()
	r.Activities[0].Title = strings.Repeat("地理信息系统培训课程", 4)
	r.Activities[1].Title = "دورة تدريبية في نظم المعلومات الجغرافية"
	r.Activities[2].Title = "קורס מערכות מידע גאוגרפיות"
	path := writeTestPDF(t, dir, "tables.pdf", func(b *bytes.Buffer) error {
		return WritePDF(b, r, fonts, PDFOptions{Created: testCreated})
	})
	text := strings.ReplaceAll(pdfText(t, path), " ", "")
	for _, want := range []string{strings.Repeat("地理信息系统培训课程", 4), "دورةتدريبيةفينظمالمعلوماتالجغرافية", "קורסמערכותמידעגאוגרפיות"} {
		if !strings.Contains(text, want) {
			t.Errorf("the activity table lacks %q", want)
		}
	}
	assertNoOverlap(t, path)
}

// TestPDFLongNameNeverOverprints: a name that wraps to three lines (and is
// cut after them), and a member line that wraps, push the text below them
// down, in the feedback and in the final letter; the running title of
// later pages stays on one line.
func TestPDFLongNameNeverOverprints(t *testing.T) {
	fonts := mustFonts(t)
	dir := t.TempDir()
	long := strings.Repeat("Bartholomew-Featherstonehaugh Wolfeschlegelsteinhausenbergerdorff ", 4)
	for _, name := range []string{long, "محمد عبد الله بن عبد العزيز آل سعود الفيصل الحسيني الهاشمي", "Maximilian Alexander von Habsburg-Lothringen-Featherstonehaugh"} {
		r := richMember()
		r.Member.Name = name
		r.Member.Registrations = []string{"CEnv", "CSci", "Chartered Environmentalist of the Society for the Environment", "Registered Environmental Practitioner"}
		l := finalLetter()
		l.Name = name
		fb := writeTestPDF(t, dir, "feedback.pdf", func(b *bytes.Buffer) error { return WritePDF(b, r, fonts, PDFOptions{Created: testCreated}) })
		fl := writeTestPDF(t, dir, "final.pdf", func(b *bytes.Buffer) error { return WriteFinalPDF(b, l, fonts, PDFOptions{Created: testCreated}) })
		assertNoOverlap(t, fb)
		assertNoOverlap(t, fl)
		if text := pdfText(t, fb, "-l", "1"); !strings.Contains(text, "Registered Environmental Practitioner") {
			t.Errorf("%.30s…: the member line lost its end:\n%.500s", name, text)
		}
	}
}

var bboxLine = regexp.MustCompile(`<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">`)

// assertNoOverlap fails when any two lines of text on a page of the PDF
// overlap: what a wrapped name drawn over the next line looks like to
// pdftotext's layout.
func assertNoOverlap(t *testing.T, path string) {
	t.Helper()
	out, err := exec.Command(testtool.Require(t, "pdftotext"), "-bbox-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext -bbox-layout %s: %v", path, err)
	}
	for pageNo, page := range strings.Split(string(out), "<page ")[1:] {
		var boxes [][4]float64
		for _, m := range bboxLine.FindAllStringSubmatch(page, -1) {
			var b [4]float64
			for i := range b {
				b[i], _ = strconv.ParseFloat(m[i+1], 64)
			}
			boxes = append(boxes, b)
		}
		// poppler's boxes run from the font's ascent to its descent, and
		// the fonts for Arabic and CJK have tall ones, so the boxes of
		// lines set 4.2 mm apart touch. Lines drawn over each other have
		// their middles close: compare the middle half of each box.
		band := func(b [4]float64) (float64, float64) {
			q := (b[3] - b[1]) / 4
			return b[1] + q, b[3] - q
		}
		for i, a := range boxes {
			for _, b := range boxes[i+1:] {
				at, ab := band(a)
				bt, bb := band(b)
				if a[0] < b[2]-1 && b[0] < a[2]-1 && at < bb && bt < ab {
					t.Errorf("%s page %d: text lines overlap at %v and %v", filepath.Base(path), pageNo+1, a, b)
				}
			}
		}
	}
}

// TestPDFOddText2: control characters, a reversing override, emoji and
// scripts no font has come out readable, and the PDF is valid and
// deterministic.
func TestPDFOddTextReadable(t *testing.T) {
	qpdf := testtool.Require(t, "qpdf")
	fonts := mustFonts(t)
	dir := t.TempDir()
	r := richMember()
	r.Member.Name = "Dr مُحَمَّد 123 (علي) and שָׁלוֹם, 👨\u200d👩\u200d👧 ไทย 𠮷田 \x01\x02"
	r.Activities[0].Title = "A\u0000B\tC\u202eD"
	path := writeTestPDF(t, dir, "odd.pdf", func(b *bytes.Buffer) error { return WritePDF(b, r, fonts, PDFOptions{Created: testCreated}) })
	if out, err := exec.Command(qpdf, "--check", path).CombinedOutput(); err != nil {
		t.Errorf("qpdf --check: %v\n%s", err, out)
	}
	text := pdfText(t, path)
	for _, want := range []string{"[emoji]", "[Thai text]", "[U+20BB7]田", "A B CD"} {
		if !strings.Contains(text, want) {
			t.Errorf("the text lacks %q:\n%.400s", want, text)
		}
	}
	var again bytes.Buffer
	if err := WritePDF(&again, r, fonts, PDFOptions{Created: testCreated}); err != nil {
		t.Fatal(err)
	}
	if first, _ := os.ReadFile(path); !bytes.Equal(first, again.Bytes()) {
		t.Error("the same member gave different bytes")
	}
}

// BenchmarkWritePDFFallback is BenchmarkWritePDF for a member whose name
// and one title need fallback fonts (Arabic and CJK): the cost only such
// members pay.
func BenchmarkWritePDFFallback(b *testing.B) {
	fonts := mustFonts(b)
	r := richMember()
	r.Member.Name = "محمد عبد الله"
	r.Activities[0].Title = "地理信息系统培训课程"
	opts := PDFOptions{Version: "bench", Created: testCreated}
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := WritePDF(&buf, r, fonts, opts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes/pdf")
}

// TestPDFFallbackConcurrent: writers sharing one Fonts unpack and use the
// fallback fonts at the same time (run under -race by make test) and
// still write the same bytes.
func TestPDFFallbackConcurrent(t *testing.T) {
	fonts := mustFonts(t)
	r := richMember()
	r.Member.Name = "김민준 محمد"
	r.Activities[0].Title = "प्रिया דוד 王小明 Արամ"
	results := make(chan []byte, 4)
	for range 4 {
		go func() {
			var b bytes.Buffer
			if err := WritePDF(&b, r, fonts, PDFOptions{Created: testCreated}); err != nil {
				t.Error(err)
			}
			results <- b.Bytes()
		}()
	}
	first := <-results
	for range 3 {
		if !bytes.Equal(<-results, first) {
			t.Error("concurrent writers gave different bytes")
		}
	}
}

// FuzzPDFText: any text in a member's name and title gives a PDF, never
// a panic or an error.
func FuzzPDFText(f *testing.F) {
	for _, s := range []string{"محمد 123 (علي)", "Zoe\u0308", "👨\u200d👩\u200d👧", "\u202e\u0000\t", "(((((", "ل\u064eا", "\xff\xfe", "प्रिया", "王小明", strings.Repeat("W", 300)} {
		f.Add(s)
	}
	fonts := mustFonts(f)
	f.Fuzz(func(t *testing.T, s string) {
		r := simpleMember("IES-1", s, audit.GradeFull, [4]audit.Verdict{audit.Met, audit.Met, audit.Met, audit.Met})
		r.Activities[0].Title = s
		r.Activities[0].Reflection.Advice = s
		r.Notes = []string{s}
		samePDFKnownPlain(t, r, fonts)
	})
}

// samePDFKnownPlain writes r's letter with the lines appendSplit found
// plain drawn as such, and with every line asked again (knownPlainOff),
// and fails unless the two are the same bytes.
func samePDFKnownPlain(t *testing.T, r audit.MemberResult, fonts *Fonts) {
	t.Helper()
	write := func(off bool) []byte {
		knownPlainOff = off
		defer func() { knownPlainOff = false }()
		var b bytes.Buffer
		if err := WritePDF(&b, r, fonts, PDFOptions{Created: testCreated}); err != nil {
			t.Fatalf("%q: %v", r.Member.Name, err)
		}
		return b.Bytes()
	}
	if general, fast := write(true), write(false); !bytes.Equal(general, fast) {
		t.Fatalf("%q: the letter differs when its plain lines are not checked again", r.Member.Name)
	}
}

// TestKnownPlainLines checks the table rows' plain lines (appendSplit's
// plain) against Fonts.plain asked for every line, on text of every kind
// a cell meets: plain ASCII and Latin, scripts drawn by the fallback
// fonts, right-to-left text, undrawable characters, new lines, and cells
// cut at maxLinesInCell with an ellipsis.
func TestKnownPlainLines(t *testing.T) {
	fonts := mustFonts(t)
	texts := []string{
		"Plain reason",
		"Zoë’s “quoted” – dash … and £5",
		"محمد 123 (علي)",
		"王小明 went to 北京",
		"a\nb\n\nc",
		"प्रिया",
		"👨\u200d👩\u200d👧 emoji",
		"\u202e\u0000\t",
		strings.Repeat("word ", 400),
		strings.Repeat("mot é ", 300) + "محمد",
		strings.Repeat("line\n", 40),
		strings.Repeat("W", 300),
	}
	for _, s := range texts {
		r := simpleMember("IES-1", s, audit.GradeFull, [4]audit.Verdict{audit.Met, audit.Review, audit.NotMet, audit.Met})
		r.Activities[0].Title = s
		r.Activities[0].Reflection.Advice = s
		r.Activities = append(r.Activities, r.Activities[0])
		r.Activities[1].Title = strings.ToUpper(s)
		r.Standards[1].Reason = s
		r.Notes = []string{s, "short"}
		r.Flags = []string{s}
		samePDFKnownPlain(t, r, fonts)
	}
}

// cleanAlreadyAgrees checks clean's fast test against the general one: a
// string it passes is in NFC and needs no cleaning, and an ASCII string
// passes exactly when it is printable or new lines.
func cleanAlreadyAgrees(t *testing.T, s string) {
	t.Helper()
	fast := cleanAlready(s)
	if fast && !(norm.NFC.IsNormalString(s) && !needsCleaning(s)) {
		t.Fatalf("cleanAlready(%q) is true, but clean changes it to %q", s, clean(s))
	}
	ascii := true
	printable := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		ascii = ascii && c < utf8.RuneSelf
		printable = printable && (c == '\n' || (c >= 0x20 && c < 0x7F))
	}
	if ascii && fast != printable {
		t.Fatalf("cleanAlready(%q) = %v for ASCII text, want %v", s, fast, printable)
	}
	n := 0
	for n < len(s) && s[n] >= 0x20 && s[n] < 0x7F {
		n++
	}
	if got := printableASCIIPrefix(s); got != n {
		t.Fatalf("printableASCIIPrefix(%q) = %d, want %d", s, got, n)
	}
}

func TestCleanAlready(t *testing.T) {
	// Every character below the table's bound, alone, after a letter and
	// before a combining mark or a Hangul vowel.
	for r := rune(0); r < cleanRunesMax+0x100; r++ {
		c := string(r)
		for _, s := range []string{c, "e" + c, c + "\u0301", c + "\u1161", "가" + c, "abcdefgh" + c + "ijklmnop"} {
			cleanAlreadyAgrees(t, s)
		}
	}
	// The characters that compose with one before them (Indic vowel
	// signs, Hangul vowels), after every character below the bound.
	for b := rune(0x80); b < 0x3000; b++ {
		if p := norm.NFC.PropertiesString(string(b)); p.CCC() == 0 && !p.BoundaryBefore() {
			for a := rune(0); a < cleanRunesMax; a++ {
				cleanAlreadyAgrees(t, string(a)+string(b))
			}
		}
	}
	alpha := []string{"a", "Z", " ", "~", "\n", "\t", "\x7f", "\x00", "\x1f", "é", "e", "\u0301", "\u0308", "\u0327", "Å", "\u212b",
		"\u2000", "\u2001", "—", "’", "…", "·", "\u00ad", "\u200b", "\u200d", "\u2028", "ﬁ", "\u1100", "\u1161", "가", "ά", "\u0344",
		"\u0958", "Ω", "\u2126", "😀", "\xff", "\xc3", "\ufffd", "Ł", "ŵ", "ặ", "\u0340"}
	rng := rand.New(rand.NewSource(1))
	for range 200000 {
		var sb strings.Builder
		for k := rng.Intn(20); k >= 0; k-- {
			sb.WriteString(alpha[rng.Intn(len(alpha))])
		}
		cleanAlreadyAgrees(t, sb.String())
	}
}

// FuzzCleanAlready checks clean's fast test against the general one on
// any text.
func FuzzCleanAlready(f *testing.F) {
	for _, s := range []string{"", "Plain text.\nMore", "Zoë Łukasz — ‘Siân’ …", "e\u0301", "\u212b", "a\tb", "\u1100\u1161", "12345678\x7f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cleanAlreadyAgrees(t, s)
	})
}
