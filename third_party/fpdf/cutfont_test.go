// cpdaudit patch: a document must come out the same whether its font parts
// are made (a cache miss) or taken from cutFonts (a hit).

package fpdf

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"reflect"
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
