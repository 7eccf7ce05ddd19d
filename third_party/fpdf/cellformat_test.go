// cpdaudit patch: CellFormat writes its text with appendEscapedUTF16, which
// must give what upstream's escape(utf8toutf16(s, false)) gave.

package fpdf

import (
	"math/rand"
	"strings"
	"testing"
)

func TestAppendEscapedUTF16AsUpstream(t *testing.T) {
	var f Fpdf
	alpha := []string{"a", "(", ")", "\\", "\r", "\n", " ", "é", "Ž", "—", "’", "…", "ﬁ", "\u2028", "\u5c28", "\u0128", "\u0129", "\U0001F600", "\xff", "\xc3\xa9", "\x80", "\xbf", "\x00", "\x7f", "\xc0", "\xdf", "\xe0"}
	rng := rand.New(rand.NewSource(1))
	for range 100000 {
		var sb strings.Builder
		for k := rng.Intn(12); k >= 0; k-- {
			sb.WriteString(alpha[rng.Intn(len(alpha))])
		}
		s := sb.String()
		// Upstream panics on a sequence cut short at the end; so must this.
		want, wantOK := try(func() string { return "x" + f.escape(utf8toutf16(s, false)) })
		got, gotOK := try(func() string { return string(appendEscapedUTF16([]byte("x"), s)) })
		if got != want || gotOK != wantOK {
			t.Fatalf("%q: got %q (%v), want %q (%v)", s, got, gotOK, want, wantOK)
		}
	}
}

// FuzzAppendEscapedUTF16 compares appendEscapedUTF16 with upstream's
// escape(utf8toutf16(s, false)) on any bytes (patch 25).
func FuzzAppendEscapedUTF16(f *testing.F) {
	for _, s := range []string{"", "Plain text (with) \\ and \r", "Zoë — ‘quoted’ …", "\xc3", "\xe2\x80", "a\x80b\xffc"} {
		f.Add(s)
	}
	var p Fpdf
	f.Fuzz(func(t *testing.T, s string) {
		want, wantOK := try(func() string { return "x" + p.escape(utf8toutf16(s, false)) })
		got, gotOK := try(func() string { return string(appendEscapedUTF16([]byte("x"), s)) })
		if got != want || gotOK != wantOK {
			t.Fatalf("%q: got %q (%v), want %q (%v)", s, got, gotOK, want, wantOK)
		}
	})
}

func try(fn func() string) (s string, ok bool) {
	defer func() {
		if recover() != nil {
			s, ok = "", false
		}
	}()
	return fn(), true
}
