// cpdaudit patch: SplitText's fast path for valid UTF-8 must split as
// upstream's code (splitTextRunes) does, and AppendSplitText append the
// same lines.

package fpdf

import (
	"math/rand"
	"os"
	"reflect"
	"strings"
	"testing"
	"unicode"
)

func TestSplitTextAsUpstream(t *testing.T) {
	b, err := os.ReadFile("../../report/fonts/DejaVuSans.ttf")
	if err != nil {
		t.Skipf("DejaVu Sans not found: %v", err)
	}
	pdf := New("P", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes("dejavu", "", b)
	pdf.SetFont("dejavu", "", 9)
	alpha := []string{"a", "word", "W", " ", " ", "  ", "\n", "\t", "\u00a0", "\u3000", "中", "文", "é", "—", "’", "…", "ﬁ", "\U0001F600", "x-y", "\r", "\v", "\f", "\u0085", "\x1c"}
	rng := rand.New(rand.NewSource(1))
	for range 50000 {
		var sb strings.Builder
		for k := rng.Intn(40); k >= 0; k-- {
			sb.WriteString(alpha[rng.Intn(len(alpha))])
		}
		txt := sb.String()
		w := 1 + rng.Float64()*60
		got, want := pdf.SplitText(txt, w), pdf.splitTextRunes(txt, w)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("SplitText(%q, %g) = %q, want %q", txt, w, got, want)
		}
		splitASCIIOff = true
		general := pdf.SplitText(txt, w)
		splitASCIIOff = false
		if !reflect.DeepEqual(general, want) {
			t.Fatalf("SplitText(%q, %g) without its ASCII loop = %q, want %q", txt, w, general, want)
		}
		// AppendSplitText adds the same lines after what is there.
		prefix := []string{"kept", ""}
		if app := pdf.AppendSplitText(prefix, txt, w); !reflect.DeepEqual(app[:2], prefix) || !reflect.DeepEqual(app[2:], append([]string{}, want...)) {
			t.Fatalf("AppendSplitText(%q, %q, %g) = %q, want the prefix and %q", prefix, txt, w, app, want)
		}
	}
}

// asciiSpace, SplitText's table for ASCII, must be unicode.IsSpace.
func TestASCIISpaceAsUnicode(t *testing.T) {
	for c := range rune(len(asciiSpace)) {
		if asciiSpace[c] != unicode.IsSpace(c) {
			t.Errorf("asciiSpace[%q] = %v, unicode.IsSpace says %v", c, asciiSpace[c], unicode.IsSpace(c))
		}
	}
}

// FuzzSplitText compares SplitText (its loop for ASCII and the general
// one) with upstream's code on any text and width.
func FuzzSplitText(f *testing.F) {
	b, err := os.ReadFile("../../report/fonts/DejaVuSans.ttf")
	if err != nil {
		f.Skipf("DejaVu Sans not found: %v", err)
	}
	pdf := New("P", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes("dejavu", "", b)
	pdf.SetFont("dejavu", "", 9)
	for _, s := range []string{"a word and another word", "Wwwwwwwwwwwwwwwwwwwwwwww", "a\n\nb", "x  y\tz", "中文 é—’ words", ""} {
		f.Add(s, 20.0)
	}
	f.Fuzz(func(t *testing.T, txt string, w float64) {
		if !(w > 0 && w < 1000) {
			return
		}
		want := pdf.splitTextRunes(txt, w)
		if got := pdf.SplitText(txt, w); !reflect.DeepEqual(got, want) {
			t.Fatalf("SplitText(%q, %g) = %q, want %q", txt, w, got, want)
		}
		splitASCIIOff = true
		defer func() { splitASCIIOff = false }()
		if got := pdf.SplitText(txt, w); !reflect.DeepEqual(got, want) {
			t.Fatalf("SplitText(%q, %g) without its ASCII loop = %q, want %q", txt, w, got, want)
		}
	})
}

// BenchmarkSplitText wraps a letter's kind of table text (ASCII with a
// few other characters) to a table column, with the ASCII loop of patch
// 34 and without it.
func BenchmarkSplitText(b *testing.B) {
	font, err := os.ReadFile("../../report/fonts/DejaVuSans.ttf")
	if err != nil {
		b.Skipf("DejaVu Sans not found: %v", err)
	}
	pdf := New("P", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes("dejavu", "", font)
	pdf.SetFont("dejavu", "", 8)
	txt := "Partial reflection. Say what you will do differently in your practice because of this activity, and how you’ll know it worked."
	for _, off := range []bool{false, true} {
		name := "ascii-loop"
		if off {
			name = "general"
		}
		b.Run(name, func(b *testing.B) {
			splitASCIIOff = off
			defer func() { splitASCIIOff = false }()
			var lines []string
			for b.Loop() {
				lines = pdf.AppendSplitText(lines[:0], txt, 60)
			}
		})
	}
}
