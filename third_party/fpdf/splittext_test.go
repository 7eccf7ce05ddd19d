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
