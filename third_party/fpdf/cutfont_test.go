// cpdaudit patch: a document must come out the same whether its font parts
// are made (a cache miss) or taken from cutFonts (a hit).

package fpdf

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"maps"
	"math/rand"
	"os"
	"reflect"
	"sort"
	"testing"
	"time"
)

func TestCutFontCacheSameBytes(t *testing.T) {
	font, err := os.ReadFile("../../report/fonts/DejaVuSans.ttf")
	if err != nil {
		t.Skipf("DejaVu Sans not found: %v", err)
	}
	doc := func(text string) []byte {
		pdf := New("P", "mm", "A4", "")
		// Both dates: an unset one is the wall clock, which would differ
		// between the two documents across a second boundary.
		pdf.SetCreationDate(time.Unix(0, 0).UTC())
		pdf.SetModificationDate(time.Unix(0, 0).UTC())
		pdf.SetCompression(true)
		pdf.AddUTF8FontFromBytes("dejavu", "", font)
		pdf.SetFont("dejavu", "", 9)
		pdf.AddPage()
		pdf.CellFormat(0, 5, text, "", 1, "L", false, 0, "")
		var b bytes.Buffer
		if err := pdf.Output(&b); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	for i := range 20 {
		text := fmt.Sprintf("Zoë %d — Łukasz, Siân ŵ %c%c", i, 'A'+rune(i), 0x400+rune(i))
		cutFonts.Lock()
		cutFonts.m = nil
		cutFonts.lru.Init()
		cutFonts.Unlock()
		miss := doc(text)
		if n := len(cutFonts.m); n != 1 {
			t.Fatalf("%d cut fonts cached after one document, want 1", n)
		}
		hit := doc(text)
		if !bytes.Equal(miss, hit) {
			t.Fatalf("%q: the document differs when its font parts come from the cache", text)
		}
	}
}

// TestCutFontCacheLRU checks the cache keeps at most maxCutFonts values
// and drops the least recently used one, not the oldest made (patch 22).
func TestCutFontCacheLRU(t *testing.T) {
	cutFonts.Lock()
	cutFonts.m = nil
	cutFonts.lru.Init()
	cutFonts.Unlock()
	defer func() {
		cutFonts.Lock()
		cutFonts.m = nil
		cutFonts.lru.Init()
		cutFonts.Unlock()
	}()
	var src [1]byte
	key := func(i int) cutFontKey { return cutFontKey{src: &src[0], n: 1, runes: fmt.Sprint(i)} }
	values := make([]*cutFont, maxCutFonts+2)
	for i := range values {
		values[i] = &cutFont{length1: i}
	}
	for i := range maxCutFonts {
		keepCutFont(key(i), values[i])
	}
	// The oldest, used again, must outlive the second oldest.
	if c := cachedCutFont(key(0)); c != values[0] {
		t.Fatalf("key 0: got %v, want the value kept", c)
	}
	keepCutFont(key(maxCutFonts), values[maxCutFonts])
	if c := cachedCutFont(key(1)); c != nil {
		t.Errorf("key 1, least recently used, is still cached")
	}
	for _, i := range []int{0, 2, maxCutFonts - 1, maxCutFonts} {
		if c := cachedCutFont(key(i)); c != values[i] {
			t.Errorf("key %d: got %v, want the value kept", i, c)
		}
	}
	// A value already cached is not replaced.
	keepCutFont(key(0), values[maxCutFonts+1])
	if c := cachedCutFont(key(0)); c != values[0] {
		t.Errorf("key 0 was replaced")
	}
	if n, l := len(cutFonts.m), cutFonts.lru.Len(); n != maxCutFonts || l != maxCutFonts {
		t.Errorf("%d keys and %d list entries cached, want %d", n, l, maxCutFonts)
	}
}

// TestUsedRunesKey checks that two maps get the same key exactly when
// they are equal (patch 26).
func TestUsedRunesKey(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	var maps []map[int]int
	keys := map[string]int{}
	for i := range 20000 {
		m := map[int]int{}
		for range rng.Intn(12) {
			k := []int{rng.Intn(300), rng.Intn(70000), rng.Intn(3) - 1, 63, 64, 255, 256}[rng.Intn(7)]
			v := k
			if rng.Intn(5) == 0 {
				v = []int{0, k + 1, -1, 1 << 40}[rng.Intn(4)]
			}
			m[k] = v
		}
		maps = append(maps, m)
		key := usedRunesKey(m)
		if j, ok := keys[key]; ok {
			if !reflect.DeepEqual(maps[j], m) {
				t.Fatalf("%v and %v have the same key %q", maps[j], m, key)
			}
		} else {
			keys[key] = i
		}
		if again := usedRunesKey(maps[i]); again != key {
			t.Fatalf("%v: key %q, then %q", m, key, again)
		}
	}
	if len(keys) < 10000 {
		t.Fatalf("only %d keys for 20,000 maps", len(keys))
	}
}

// subsetFonts are the font files the subsetting tests cut: DejaVu Sans
// (the letters' font, with composite glyphs for accented letters) and the
// fallback fonts report embeds.
func subsetFonts(t testing.TB) map[string][]byte {
	fonts := map[string][]byte{}
	b, err := os.ReadFile("../../report/fonts/DejaVuSans.ttf")
	if err != nil {
		t.Skipf("DejaVu Sans not found: %v", err)
	}
	fonts["DejaVuSans"] = b
	for _, name := range []string{"NotoSansArabic-Regular", "NotoSansHebrew-Regular", "NotoSansDevanagari-Regular"} {
		gz, err := os.ReadFile("../../report/fonts/" + name + ".ttf.gz")
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(bytes.NewReader(gz))
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		fonts[name] = b
	}
	return fonts
}

// randomUsedRunes is a document's used runes as fpdf keeps them (every
// rune as itself, 0 and the page-count alias's among them), drawn from
// the runes of a letter and of the font's cmap, with some runes the font
// lacks.
func randomUsedRunes(rng *rand.Rand, cmap []int) map[int]int {
	used := map[int]int{0: 0}
	for _, c := range "{nb}" {
		used[int(c)] = int(c)
	}
	n := rng.Intn(120)
	for range n {
		var c int
		switch rng.Intn(4) {
		case 0:
			c = 32 + rng.Intn(95)
		case 1:
			c = []int{0xE9, 0xE8, 0xFC, 0xF6, 0x2019, 0x201C, 0x201D, 0x2013, 0x2014, 0x2022, 0x2026, 0xA3, 0x20AC, 0x141, 0x175, 0xEB}[rng.Intn(16)]
		case 2:
			c = cmap[rng.Intn(len(cmap))]
		default:
			c = rng.Intn(0x11000)
		}
		used[c] = c
	}
	return used
}

// TestGenerateCutFontMatchesUpstream compares the subset font, and what
// GenerateCutFont leaves for putfonts (CodeSymbolDictionary, LastRune),
// with upstream's code (cutfont_ref_test.go) on random sets of runes
// (patch 28).
func TestGenerateCutFontMatchesUpstream(t *testing.T) {
	rng := rand.New(rand.NewSource(28))
	rounds := 400
	if testing.Short() {
		rounds = 60
	}
	for name, b := range subsetFonts(t) {
		probe, err := parsedUTF8Font(b)
		if err != nil {
			t.Fatal(err)
		}
		probe.GenerateCutFont(map[int]int{0: 0})
		var cmap []int
		for c := range probe.charSymbolDictionary {
			cmap = append(cmap, c)
		}
		sort.Ints(cmap)
		for i := range rounds {
			used := randomUsedRunes(rng, cmap)
			if i == 0 {
				used = map[int]int{0: 0}
			}
			ref, err := parsedUTF8Font(b)
			if err != nil {
				t.Fatal(err)
			}
			want := ref.refGenerateCutFont(maps.Clone(used))
			fast, err := parsedUTF8Font(b)
			if err != nil {
				t.Fatal(err)
			}
			got := fast.GenerateCutFont(maps.Clone(used))
			if !bytes.Equal(got, want) {
				t.Fatalf("%s, runes %v: subset of %d bytes, upstream's %d, or different bytes", name, used, len(got), len(want))
			}
			if !reflect.DeepEqual(fast.CodeSymbolDictionary, ref.CodeSymbolDictionary) {
				t.Fatalf("%s, runes %v: CodeSymbolDictionary\n%v\nupstream's\n%v", name, used, fast.CodeSymbolDictionary, ref.CodeSymbolDictionary)
			}
			if fast.LastRune != ref.LastRune {
				t.Fatalf("%s, runes %v: LastRune %d, upstream's %d", name, used, fast.LastRune, ref.LastRune)
			}
		}
	}
}

// BenchmarkGenerateCutFont subsets DejaVu Sans for a letter's characters
// (ASCII and a few others), with patch 28 and with upstream's code.
func BenchmarkGenerateCutFont(b *testing.B) {
	font := subsetFonts(b)["DejaVuSans"]
	used := map[int]int{0: 0}
	for c := range 127 - 32 {
		used[c+32] = c + 32
	}
	for _, c := range []int{0xE9, 0x2019, 0x201C, 0x201D, 0x2013, 0x2022, 0x2026, 0xA3} {
		used[c] = c
	}
	utf, err := parsedUTF8Font(font)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("patched", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			utf.GenerateCutFont(used)
		}
	})
	b.Run("upstream", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			utf.refGenerateCutFont(used)
		}
	})
}
