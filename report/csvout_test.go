package report

import (
	"bytes"
	"encoding/csv"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
)

// encodingCSV is records as csv.Writer writes them.
func encodingCSV(t *testing.T, records [][]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.WriteAll(records); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func ourCSV(t *testing.T, records [][]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := newCSVLines(&buf)
	for _, r := range records {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestCSVLinesAsEncodingCSV compares csvLines with csv.Writer on the
// awkward strings and random fields of the characters csv.Writer treats
// apart (every Unicode space among them, as a field's first character),
// enough lines to be written out several times.
func TestCSVLinesAsEncodingCSV(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	alphabet := []rune("ab,\"\r\n \t\v\f\u0085\u00a0\u2000\u3000\\.é😀\x00\xff")
	var records [][]string
	for range 5000 {
		rec := make([]string, rng.IntN(16))
		for i := range rec {
			switch rng.IntN(4) {
			case 0:
				rec[i] = awkwardStrings[rng.IntN(len(awkwardStrings))]
			case 1:
				rec[i] = `\.`
			default:
				rec[i] = randomText(rng, alphabet, rng.IntN(12))
			}
		}
		records = append(records, rec)
	}
	want, got := encodingCSV(t, records), ourCSV(t, records)
	if !bytes.Equal(got, want) {
		t.Fatalf("lines differ from csv.Writer's:\n%s", firstDiff(want, got))
	}
}

// A failed write is the error of the next Write, of Flush and of Error,
// as with csv.Writer.
func TestCSVLinesWriteError(t *testing.T) {
	fail := errors.New("disk full")
	w := newCSVLines(failingWriter{fail})
	long := []string{strings.Repeat("x", csvFlushAt)}
	if err := w.Write(long); !errors.Is(err, fail) {
		t.Fatalf("Write past the buffer: %v, want %v", err, fail)
	}
	if err := w.Write([]string{"a"}); !errors.Is(err, fail) {
		t.Errorf("next Write: %v", err)
	}
	w.Flush()
	if err := w.Error(); !errors.Is(err, fail) {
		t.Errorf("Error: %v", err)
	}
}

type failingWriter struct{ err error }

func (f failingWriter) Write([]byte) (int, error) { return 0, f.err }

// FuzzCSVLine compares a line of two fields with csv.Writer's.
func FuzzCSVLine(f *testing.F) {
	for _, s := range awkwardStrings {
		if len(s) < 1000 {
			f.Add(s, `\.`)
		}
	}
	f.Add("\u00a0nbsp", `a"b`)
	f.Fuzz(func(t *testing.T, a, b string) {
		recs := [][]string{{a, b}, {b}, {a}}
		if want, got := encodingCSV(t, recs), ourCSV(t, recs); !bytes.Equal(got, want) {
			t.Fatalf("%q, %q: got %q, csv.Writer writes %q", a, b, got, want)
		}
	})
}

// randomText is n runes drawn from alphabet, for the tests that compare
// an encoder with its reference on random text.
func randomText(rng *rand.Rand, alphabet []rune, n int) string {
	var sb strings.Builder
	for range n {
		sb.WriteRune(alphabet[rng.IntN(len(alphabet))])
	}
	return sb.String()
}
