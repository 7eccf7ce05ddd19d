// cpdaudit patches 15 and 16: documents written on reused buffers, one
// after another or at once, must be the documents upstream writes, and the
// page-count alias replaced in place must be what bytes.ReplaceAll gives.

package fpdf

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// poolDoc writes a document of pages pages, each with lines lines of text
// in a UTF-8 font (a UTF-16 page-count alias) and a core font (a plain
// one), so documents of several sizes follow each other on the pools,
// in colours and font sizes drawn from more than the memos of patch 30
// keep, so documents find some in the memos others left there.
func poolDoc(t *testing.T, font []byte, pages, lines int, seed int64) []byte {
	t.Helper()
	rng := rand.New(rand.NewSource(seed))
	pdf := New("P", "mm", "A4", "")
	pdf.SetCreationDate(time.Unix(0, 0).UTC())
	pdf.SetModificationDate(time.Unix(0, 0).UTC())
	pdf.SetCatalogSort(true)
	pdf.SetCompression(seed%2 == 0)
	pdf.AliasNbPages("{nb}")
	pdf.AddUTF8FontFromBytes("dejavu", "", font)
	for p := range pages {
		pdf.AddPage()
		for l := range lines {
			// More colours and sizes than the memos keep (patch 30).
			size := 6 + float64(rng.Intn(40))/4
			if l%2 == 0 {
				pdf.SetFont("dejavu", "", size)
			} else {
				pdf.SetFont("helvetica", "", size)
			}
			c := rng.Intn(48)
			pdf.SetTextColor(c*5, 255-c*5, c%3*100)
			pdf.SetFillColor(c%2*255, c%2*255, c%2*255)
			pdf.SetDrawColor(c, c, 200)
			pdf.Rect(10, 10, 5, 5, "FD")
			pdf.CellFormat(0, 4, fmt.Sprintf("page %d of {nb}, line %d: %s", p+1, l, strings.Repeat("é", rng.Intn(20))), "", 1, "L", false, 0, "")
		}
	}
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		t.Fatal(err)
	}
	// A closed document writes nothing more, as upstream's drained buffer.
	var again bytes.Buffer
	if err := pdf.Output(&again); err != nil || again.Len() != 0 {
		t.Fatalf("a second Output wrote %d bytes (error %v), want none", again.Len(), err)
	}
	return b.Bytes()
}

func TestPooledBuffersSameBytes(t *testing.T) {
	font, err := os.ReadFile("../../report/fonts/DejaVuSans.ttf")
	if err != nil {
		t.Skipf("DejaVu Sans not found: %v", err)
	}
	type spec struct {
		pages, lines int
		seed         int64
	}
	var specs []spec
	for i := range 12 {
		specs = append(specs, spec{1 + i%4, 5 + 40*(i%3), int64(i)})
	}
	bufPoolOff = true
	var want [][]byte
	for _, s := range specs {
		want = append(want, poolDoc(t, font, s.pages, s.lines, s.seed))
	}
	bufPoolOff = false
	// One after another, twice over: large documents leave large slices
	// for small ones, and small ones small slices for large ones.
	for round := range 2 {
		for i, s := range specs {
			if got := poolDoc(t, font, s.pages, s.lines, s.seed); !bytes.Equal(got, want[i]) {
				t.Fatalf("round %d, document %d: differs on pooled buffers", round, i)
			}
		}
	}
	// At once (run under -race): no two documents share a buffer.
	var wg sync.WaitGroup
	errs := make(chan string, 4*len(specs))
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range specs {
				i := (k + g) % len(specs)
				s := specs[i]
				if got := poolDoc(t, font, s.pages, s.lines, s.seed); !bytes.Equal(got, want[i]) {
					errs <- fmt.Sprintf("goroutine %d, document %d: differs on pooled buffers", g, i)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func TestReplaceInPlace(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	alphabet := "ab{}n\x00\x00" // zero bytes: UTF-16 aliases start with one (patch 27)
	word := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[rng.Intn(len(alphabet))]
		}
		return string(b)
	}
	cases := [][3]string{
		{"x {nb} y {nb}{nb}", "{nb}", "12"},
		{"aaaa", "aa", "a"},
		{"aaa", "aa", ""},
		{"", "{nb}", "1"},
		{"{nb}", "{nb}", "1234"},
		{"abc", "", "x"},           // upstream's path: inserts everywhere
		{"a{nb}", "{nb}", "12345"}, // longer: upstream's path
		{"\x00{\x00n\x00b\x00}", "\x00{\x00n\x00b\x00}", "\x003"},
		{"{\x00n\x00b\x00}\x00{\x00n\x00b\x00}", "\x00{\x00n\x00b\x00}", "\x003"},
		{"\x00\x00\x00", "\x00\x00", "\x00"},
		{"a\x00", "\x00a", "b"},
	}
	for range 5000 {
		old := word(1 + rng.Intn(4))
		cases = append(cases, [3]string{word(rng.Intn(40)), old, word(rng.Intn(len(old) + 2))})
	}
	for _, c := range cases {
		s, old, repl := c[0], c[1], c[2]
		if got, want := indexAlias([]byte(s), old), bytes.Index([]byte(s), []byte(old)); got != want {
			t.Fatalf("indexAlias(%q, %q) = %d, want %d", s, old, got, want)
		}
		want := bytes.ReplaceAll([]byte(s), []byte(old), []byte(repl))
		buf := []byte(s)
		got, ok := replaceInPlace(buf, old, repl)
		if !ok {
			if len(old) != 0 && len(repl) <= len(old) {
				t.Fatalf("replaceInPlace(%q, %q, %q) refused a replacement no longer than the alias", s, old, repl)
			}
			if string(got) != s {
				t.Fatalf("replaceInPlace(%q, %q, %q) refused but changed the text to %q", s, old, repl, got)
			}
			continue
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("replaceInPlace(%q, %q, %q) = %q, want %q", s, old, repl, got, want)
		}
	}
}
