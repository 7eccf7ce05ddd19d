package report

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ies/cpdaudit/audit"
)

// encodingJSON is a result's line as encoding/json writes it.
func encodingJSON(r *audit.MemberResult) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	err := enc.Encode(r)
	return buf.Bytes(), err
}

// jsonStrings are strings with everything encoding/json escapes.
var jsonStrings = []string{
	"", "plain", `quote " and \ backslash`, "<html> & 'apos'", "tab\tnew\nline\rcr\bbs\fff", "\x00\x01\x1f\x7f",
	"naïve café Zoë", "日本語", "emoji 😀", "bad utf8 \xff\xfe\xc3", "\u2028line\u2029para", "\uFFFD", "\uFEFF bom",
	"_x0041_ excel", "=SUM(A1)", strings.Repeat("long ", 2000),
}

// fillRandom sets every field v holds, reached by reflection, to a random
// value, so a field added to the result types is filled without this test
// knowing of it.
func fillRandom(rng *rand.Rand, v reflect.Value, depth int) {
	if v.Type() == reflect.TypeFor[time.Time]() {
		zones := []*time.Location{time.UTC, time.FixedZone("a", 3600), time.FixedZone("b", -(5*3600 + 1800)), time.FixedZone("c", 45), time.FixedZone("d", 24*3600), time.FixedZone("e", -(23*3600 + 3599))}
		t := time.Date(rng.IntN(10002)-1, time.Month(1+rng.IntN(12)), 1+rng.IntN(28), rng.IntN(24), rng.IntN(60), rng.IntN(60), rng.IntN(3)*rng.IntN(1e9), zones[rng.IntN(len(zones))])
		if rng.IntN(10) == 0 {
			t = time.Time{}
		}
		v.Set(reflect.ValueOf(t))
		return
	}
	switch v.Kind() {
	case reflect.String:
		s := jsonStrings[rng.IntN(len(jsonStrings))]
		if rng.IntN(2) == 0 {
			s = randomText(rng, []rune("ab \"\\\n\t\x01\u2028é😀<>&"), rng.IntN(30))
			if rng.IntN(5) == 0 {
				s += "\xff"
			}
		}
		v.SetString(s)
	case reflect.Int, reflect.Int64:
		ints := []int64{0, 1, -1, 12, 2025, math.MaxInt64, math.MinInt64}
		v.SetInt(ints[rng.IntN(len(ints))])
	case reflect.Float64:
		floats := []float64{0, math.Copysign(0, -1), 0.5, 1.0 / 3, 32.5, 1e-6, 9.99e-7, 1e-9, 1e20, 1e21, 1.5e300, -4.25, 0.1 + 0.2, 123456.789}
		f := floats[rng.IntN(len(floats))]
		if rng.IntN(2) == 0 {
			f = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(50)-25))
		}
		v.SetFloat(f)
	case reflect.Bool:
		v.SetBool(rng.IntN(2) == 0)
	case reflect.Slice:
		n := rng.IntN(4)
		if n == 0 || depth > 4 {
			if rng.IntN(2) == 0 {
				v.Set(reflect.Zero(v.Type())) // nil: null
			} else {
				v.Set(reflect.MakeSlice(v.Type(), 0, 0)) // empty: []
			}
			return
		}
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := range n {
			fillRandom(rng, s.Index(i), depth+1)
		}
		v.Set(s)
	case reflect.Array:
		for i := range v.Len() {
			fillRandom(rng, v.Index(i), depth+1)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fillRandom(rng, v.Field(i), depth+1)
			}
		}
	default:
		panic("fillRandom: no random " + v.Type().String() + "; add its kind here and to appendResultJSON")
	}
}

func TestResultJSONAsEncodingJSON(t *testing.T) {
	var results []audit.MemberResult
	for _, in := range []Input{sampleInput(), previousInput()} {
		results = append(results, in.Results...)
	}
	rng := rand.New(rand.NewPCG(18, 7))
	for range 2000 {
		var r audit.MemberResult
		fillRandom(rng, reflect.ValueOf(&r).Elem(), 0)
		results = append(results, r)
	}
	// Numbers and dates encoding/json refuses.
	for _, bad := range []func(r *audit.MemberResult){
		func(r *audit.MemberResult) { r.CountedHours = math.NaN() },
		func(r *audit.MemberResult) { r.CategoryHours[2] = math.Inf(1) },
		func(r *audit.MemberResult) {
			r.Activities = []audit.ActivityResult{{Activity: audit.Activity{Date: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}}}
		},
		func(r *audit.MemberResult) {
			r.Activities = []audit.ActivityResult{{Reflection: audit.ReflectionFinding{UsersProb: math.Inf(-1)}}}
		},
	} {
		r := results[0]
		bad(&r)
		results = append(results, r)
	}
	refused := 0
	for i := range results {
		want, werr := encodingJSON(&results[i])
		got, ok := appendResultJSON(nil, &results[i])
		if werr != nil {
			refused++
			if ok {
				t.Errorf("result %d: encoding/json refuses it (%v), appendResultJSON wrote it", i, werr)
			}
			continue
		}
		if !ok {
			t.Errorf("result %d: appendResultJSON refused what encoding/json writes", i)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("result %d differs from encoding/json's:\n%s", i, firstDiff(want, got))
		}
	}
	if refused < 4 {
		t.Errorf("only %d results refused; the refusals are not tested", refused)
	}
}

// The results file's lines are what they were: encoding/json's, gzipped.
func TestEncodeResultAsEncodingJSON(t *testing.T) {
	in := sampleInput()
	for i := range in.Results {
		got, err := EncodeResult(&in.Results[i])
		if err != nil {
			t.Fatal(err)
		}
		want, err := encodingJSON(&in.Results[i])
		if err != nil {
			t.Fatal(err)
		}
		var line bytes.Buffer
		if err := writeJSONLine(&line, &in.Results[i]); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(line.Bytes(), want) {
			t.Fatalf("member %d: line differs from encoding/json's", i)
		}
		zr, err := gzip.NewReader(bytes.NewReader(got))
		if err != nil {
			t.Fatal(err)
		}
		unzipped, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(unzipped, want) {
			t.Fatalf("member %d: gzipped line differs from encoding/json's", i)
		}
	}
}

// BenchmarkEncodeResult is one member's line of results.jsonl.gz, JSON
// and gzip.
func BenchmarkEncodeResult(b *testing.B) {
	in := sampleInput()
	b.ReportAllocs()
	for b.Loop() {
		for i := range in.Results {
			if _, err := EncodeResult(&in.Results[i]); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkResultJSON is the JSON alone, encoding/json's and ours.
func BenchmarkResultJSON(b *testing.B) {
	in := sampleInput()
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for i := range in.Results {
				if _, err := encodingJSON(&in.Results[i]); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("appendResultJSON", func(b *testing.B) {
		b.ReportAllocs()
		var buf []byte
		for b.Loop() {
			for i := range in.Results {
				buf, _ = appendResultJSON(buf[:0], &in.Results[i])
			}
		}
	})
}

// TestPlainJSON8 compares the eight-byte test with the byte-by-byte one
// on every byte value at every position, among plain bytes and random
// ones.
func TestPlainJSON8(t *testing.T) {
	plain := func(c byte) bool { return c >= 0x20 && c < utf8.RuneSelf && c != '"' && c != '\\' }
	check := func(b []byte) {
		want := true
		for _, c := range b {
			want = want && plain(c)
		}
		if got := plainJSON8(string(b)); got != want {
			t.Fatalf("plainJSON8(%q) = %v", b, got)
		}
	}
	for pos := range 8 {
		for c := range 256 {
			b := []byte("abcdefgh")
			b[pos] = byte(c)
			check(b)
			b = []byte("\x7f ~!#[]}")
			b[pos] = byte(c)
			check(b)
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 200000 {
		var b [8]byte
		for i := range b {
			b[i] = byte(rng.IntN(256))
			if rng.IntN(4) > 0 {
				b[i] = byte(0x1e + rng.IntN(0x62))
			}
		}
		check(b[:])
	}
}

// FuzzJSONString compares one string with encoding/json's.
func FuzzJSONString(f *testing.F) {
	for _, s := range jsonStrings {
		f.Add(s)
	}
	f.Add("eight ok\"eight ok\\0123456\x1f01234567\u2028é")
	f.Fuzz(func(t *testing.T, s string) {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		var e jsonEnc
		e.string(s)
		if got := append(e.b, '\n'); !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("%q: got %s, encoding/json writes %s", s, got, want.Bytes())
		}
	})
}
