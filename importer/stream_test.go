package importer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// withBufSize runs the rest of a test with tiny read buffers, so buffer
// boundaries fall inside characters, line ends and quoted cells.
func withBufSize(t testing.TB, n int) {
	old := bufSize
	bufSize = n
	t.Cleanup(func() { bufSize = old })
}

// rowsOf renders every row a CSV source gives, or the issue that stops
// it, for comparing two readers.
func rowsOf(next rowSource, iss *Issue) []string {
	if iss != nil {
		return []string{fmt.Sprintf("issue [%v] %s", iss.Kind, iss.Problem)}
	}
	var out []string
	for {
		r, ok := next()
		if !ok {
			return out
		}
		s := fmt.Sprintf("row %d line %d", r.row, r.line)
		if r.err != nil {
			s += " error " + r.err.Error()
		}
		for _, c := range r.cells {
			s += fmt.Sprintf(" %q", c.Text)
		}
		out = append(out, s)
	}
}

// sameRowsAsBefore: the streaming reader, from memory and from a file,
// gives exactly the rows, row numbers and lines the whole-file reader gave.
func sameRowsAsBefore(t testing.TB, data []byte) {
	t.Helper()
	opts := DefaultOptions()
	want := rowsOf(oldCSVRows("x.csv", data, opts, activitySchema))
	got := rowsOf(csvRows(bytesInput("x.csv", data), opts, activitySchema))
	diffRows(t, "from memory", got, want, data)

	path := filepath.Join(t.TempDir(), "x.csv")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	in, _, iss := openInput(path, opts)
	if iss != nil {
		t.Fatalf("open: %v", iss)
	}
	defer in.file.Close()
	got = rowsOf(csvRows(in, opts, activitySchema))
	diffRows(t, "from a file", got, want, data)
	if iss := in.afterReading(); iss != nil {
		t.Fatalf("after reading: %v", iss)
	}
}

func diffRows(t testing.TB, how string, got, want []string, data []byte) {
	t.Helper()
	for i := range max(len(got), len(want)) {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			t.Fatalf("%s, %d bytes of input (%.80q...): row %d of %d differs:\ngot  %.300s\nwant %.300s",
				how, len(data), data, i, len(want), g, w)
		}
	}
}

// bigCSV is an export of n records with multi-line reflections of all
// lengths (some longer than any read buffer), blank lines between
// records, doubled quotes and two rows with quoting errors.
func bigCSV(n int, eol string, seed uint64) string {
	rng := rand.New(rand.NewPCG(seed, 1))
	var b strings.Builder
	b.WriteString("Member Number,Name,Title,Learning Category,Date,Number of hours,Reflections" + eol)
	for i := range n {
		var refl []string
		for range rng.IntN(4) + 1 {
			refl = append(refl, strings.Repeat("Réflexion £ ", rng.IntN(40))+strings.Repeat("x", rng.IntN(3)*rng.IntN(3000)))
		}
		title, hours := fmt.Sprintf("Course %d", i), "1.5"
		switch rng.IntN(50) {
		case 0:
			title = `A "bare" quote` // csv.ErrBareQuote: one bad row
		case 1:
			title = `"quoted "" twice"`
		case 2:
			hours = "1,5" // an unquoted decimal comma: a row wider than the header
		}
		fmt.Fprintf(&b, "%d,Zoë Müller,%s,SDL,14/03/2025,%s,\"%s\"%s", 10000+i, title, hours, strings.Join(refl, eol), eol)
		for range rng.IntN(3) * rng.IntN(2) {
			b.WriteString(eol) // blank rows
		}
	}
	b.WriteString(`20000,Last,"stray "quote" in quotes",SDL,14/03/2025,1,x` + eol + "20001,After,Fine,SDL,14/03/2025,1,") // no final line end
	return b.String()
}

func encode(t testing.TB, e encoding.Encoding, s string) []byte {
	t.Helper()
	out, err := e.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// A CSV bigger than every buffer, with quoted cells spanning lines across
// the buffer boundaries, in each encoding and line-end style, reads to the
// same rows and lines as when the whole file was held.
func TestCSVStreamSameAsWhole(t *testing.T) {
	lf := bigCSV(400, "\n", 1)
	crlf := bigCSV(400, "\r\n", 2)
	cases := map[string][]byte{
		"utf8-lf":          []byte(lf),
		"utf8-crlf":        []byte(crlf),
		"utf8-bom":         append([]byte("\xEF\xBB\xBF"), crlf...),
		"cp1252":           encode(t, charmap.Windows1252, crlf),
		"utf16le-bom":      encode(t, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), crlf),
		"utf16be-bom":      encode(t, unicode.UTF16(unicode.BigEndian, unicode.UseBOM), lf),
		"utf16le-no-bom":   encode(t, unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), crlf),
		"utf16be-no-bom":   encode(t, unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), lf),
		"old-mac":          []byte(strings.ReplaceAll(lf, "\n", "\r")),
		"old-mac-cp1252":   encode(t, charmap.Windows1252, strings.ReplaceAll(lf, "\n", "\r")),
		"semicolon-tab":    []byte(strings.NewReplacer(",", ";").Replace(lf)),
		"blank-then-data":  []byte(strings.Repeat(" \n", 40<<10) + lf),
		"long-first-line":  []byte(strings.Repeat("x", 100<<10) + "\n" + lf),
		"invalid-utf8-bom": append([]byte("\xEF\xBB\xBF\xE9"), lf...),
	}
	if len(lf) < 4*bufSize || len(lf) < 4*delimScanSize {
		t.Fatalf("the test file is only %d bytes", len(lf))
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) { sameRowsAsBefore(t, data) })
	}
	// Every buffer tiny: boundaries everywhere.
	withBufSize(t, 17)
	small := bigCSV(40, "\r\n", 3)
	for name, data := range map[string][]byte{
		"tiny-buffers-utf8":    []byte(small),
		"tiny-buffers-utf16":   encode(t, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), small),
		"tiny-buffers-cp1252":  encode(t, charmap.Windows1252, small),
		"tiny-buffers-old-mac": []byte(strings.ReplaceAll(small, "\r\n", "\r")),
	} {
		t.Run(name, func(t *testing.T) { sameRowsAsBefore(t, data) })
	}
}

// The whole import of a large file (activities, issues with their rows
// and lines, accounting) is what it was, in every encoding.
func TestCSVStreamImportSameAsWhole(t *testing.T) {
	crlf := bigCSV(300, "\r\n", 4)
	for name, data := range map[string][]byte{
		"utf8":    []byte(crlf),
		"cp1252":  encode(t, charmap.Windows1252, crlf),
		"utf16le": encode(t, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), crlf),
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "big.csv")
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			res := ImportActivities(path, DefaultOptions())
			checkAccounting(t, res)
			want := oldImport(t, path, data)
			if g, w := fmt.Sprint(summary(res), res.Issues, res.Accounting), fmt.Sprint(summary(want), want.Issues, want.Accounting); g != w {
				t.Fatalf("the import differs from the whole-file reader's:\ngot  %.2000s\nwant %.2000s", g, w)
			}
			if res.Accounting.Accepted < 250 || res.Accounting.Rejected < 2 || res.Accounting.Blank == 0 {
				t.Fatalf("accounting %v: the test file lacks good, bad or blank rows", res.Accounting)
			}
			if !slices.ContainsFunc(res.Issues, func(is Issue) bool { return strings.Contains(is.Problem, "decimal comma (1,5)") }) {
				t.Fatal("the test file has no row widened by a decimal comma")
			}
			if res.Activities[0].MemberName != "Zoë Müller" || !strings.Contains(res.Activities[0].Reflection, "£") && !strings.Contains(res.Activities[0].Reflection, "x") {
				t.Fatalf("decoded %+v", res.Activities[0])
			}
		})
	}
}

// oldImport imports data with the whole-file CSV reader.
func oldImport(t *testing.T, name string, data []byte) FileResult {
	t.Helper()
	opts := DefaultOptions()
	var ti tableImport
	ti.init(name, activitySchema)
	next, delim, iss := oldCSVTable(name, data, opts, activitySchema)
	if iss != nil {
		ti.res.Issues = append(ti.res.Issues, *iss)
		return ti.res
	}
	at := place{file: name, opts: opts, delim: delim}
	ts := tableScan{at: at, sc: ti.sc, convert: ti.rowFunc(at)}
	ts.run(next)
	ti.finishCSV(name, &ts)
	ti.finishRows()
	return ti.res
}

// Random small inputs made of the characters CSV parsing turns on give
// the same rows as the whole-file reader, with buffers of a few bytes.
func TestCSVStreamRandom(t *testing.T) {
	withBufSize(t, 16)
	rng := rand.New(rand.NewPCG(7, 7))
	n := 3000
	if testing.Short() {
		n = 300
	}
	for range n {
		sameRowsAsBefore(t, randomCSV(rng))
	}
}

var csvTokens = []string{"a", "1", ",", ";", "\t", `"`, `""`, "\n", "\r", "\r\n", " ", "é", "\xE9", "£", "\x00",
	"Member Number", "Title", "Learning Category", "Date", "Hours", "14/03/2025", "SDL", "\xEF\xBB\xBF", "\xFF\xFE"}

func randomCSV(rng *rand.Rand) []byte {
	var b []byte
	if rng.IntN(3) == 0 {
		b = append(b, "Member Number,Title,Learning Category,Date,Hours\n"...)
	}
	for range rng.IntN(60) {
		b = append(b, csvTokens[rng.IntN(len(csvTokens))]...)
	}
	switch rng.IntN(6) {
	case 0:
		return encodeOrNil(unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), b)
	case 1:
		return encodeOrNil(unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), b)
	}
	return b
}

func encodeOrNil(e encoding.Encoding, b []byte) []byte {
	out, err := e.NewEncoder().Bytes(b)
	if err != nil {
		return b
	}
	return out
}

// FuzzCSVStream: for any input the streaming reader gives the whole-file
// reader's rows, also when every buffer is tiny.
func FuzzCSVStream(f *testing.F) {
	addFixtures(f, ".csv")
	f.Add([]byte("Member Number;Title;Category;Date;Hours\r1;\"a\rb\";SDL;14/03/2025;1,5\r\r\r2;x;Other;1/1/2025;1:30"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sameRowsAsBefore(t, data)
		withBufSize(t, 16)
		sameRowsAsBefore(t, data)
	})
}

// utf8Check over pieces agrees with utf8.Valid over the whole, wherever
// the pieces are cut.
func TestUTF8CheckPieces(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	parts := []string{"a", "é", "€", "😀", "\xE2\x82", "\xAC", "\xF0\x9F", "\x98\x80", "\xFF", "\xC0\x80", "\xED\xA0\x80", "\xEF\xBF\xBD", "\x80"}
	for range 20000 {
		var b []byte
		for range rng.IntN(12) {
			b = append(b, parts[rng.IntN(len(parts))]...)
		}
		var c utf8Check
		for rest := b; ; {
			k := min(len(rest), rng.IntN(5))
			c.write(rest[:k])
			rest = rest[k:]
			if len(rest) == 0 {
				break
			}
		}
		if c.valid() != utf8.Valid(b) {
			t.Fatalf("%q: utf8Check says %v", b, c.valid())
		}
	}
}

// The search for the encrypted-workbook stream finds it across a buffer
// boundary, and the encrypted fixture is still recognised with tiny
// buffers.
func TestContainsAt(t *testing.T) {
	withBufSize(t, 16)
	pat := encryptedPackage
	for at := range 80 {
		data := make([]byte, 200)
		copy(data[at:], pat)
		if !containsAt(bytes.NewReader(data), int64(len(data)), pat) {
			t.Fatalf("not found at %d", at)
		}
		if containsAt(bytes.NewReader(data), int64(at+len(pat)-1), pat) {
			t.Fatalf("found past the size at %d", at)
		}
	}
	res := ImportActivities(badFixture("encrypted.xlsx"), DefaultOptions())
	if len(res.Issues) != 1 || !errors.Is(res.Issues[0], ErrEncrypted) {
		t.Fatalf("issues %v", res.Issues)
	}
}

// A file that changes between the hashing pass and the reading is one
// issue, with no rows and no hash: the hash would not be of what was read.
func TestFileChangedWhileReading(t *testing.T) {
	good, err := os.ReadFile(fixture("dialects", "utf8.csv"))
	if err != nil {
		t.Fatal(err)
	}
	workbook := fixture("good", "libreoffice.xlsx")
	other, err := os.ReadFile(fixture("good", "date1904-openpyxl.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		file   string
		change func(t *testing.T, path string)
	}{
		{"appended", "a.csv", func(t *testing.T, path string) {
			f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(f, "20003,New Member,Late row,SDL,14/03/2025,1,,")
			f.Close()
		}},
		{"rewritten-same-size", "a.csv", func(t *testing.T, path string) {
			changed := bytes.Replace(good, []byte("20001"), []byte("29999"), 1)
			if err := os.WriteFile(path, changed, 0o644); err != nil {
				t.Fatal(err)
			}
			// Whatever the clock's resolution, the time is not the same.
			later := time.Now().Add(time.Hour)
			if err := os.Chtimes(path, later, later); err != nil {
				t.Fatal(err)
			}
		}},
		{"truncated", "a.csv", func(t *testing.T, path string) {
			if err := os.Truncate(path, 100); err != nil {
				t.Fatal(err)
			}
		}},
		{"workbook-replaced", "w.xlsx", func(t *testing.T, path string) {
			// Saved by a program that writes a new file and renames it
			// over the old: the open handle still reads the old one, but
			// excelize opens the new one by name.
			tmp := path + ".new"
			if err := os.WriteFile(tmp, other, 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(tmp, path); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), tc.file)
			data := good
			if strings.HasSuffix(tc.file, ".xlsx") {
				data, _ = os.ReadFile(workbook)
			}
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			// Unchanged, it reads.
			if res := ImportActivities(path, DefaultOptions()); len(res.Issues) > 0 || len(res.Activities) != 3 {
				t.Fatalf("unchanged file: %v", res.Issues)
			}
			testHookHashed = func(p string) { tc.change(t, p) }
			defer func() { testHookHashed = nil }()
			res := ImportActivities(path, DefaultOptions())
			if len(res.Issues) != 1 || !errors.Is(res.Issues[0], ErrBadFile) ||
				!strings.Contains(res.Issues[0].Problem, "the file changed while it was being read") {
				t.Fatalf("issues %v", res.Issues)
			}
			if len(res.Activities) != 0 || res.Accounting != (Accounting{}) || res.File.SHA256 != "" || res.File.Path != path {
				t.Fatalf("result of a changed file: %+v", res)
			}
			reg := ReadRegister(path, DefaultOptions())
			if len(reg.Issues) != 1 || !strings.Contains(reg.Issues[0].Problem, "the file changed while it was being read") || len(reg.Members) != 0 {
				t.Fatalf("register: %v", reg.Issues)
			}
		})
	}
}

// failingReaderAt fails every read past a point, as a disk or a network
// share can.
type failingReaderAt struct {
	data []byte
	from int64
}

func (f failingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off+int64(len(p)) > f.from {
		return copy(p, f.data[off:max(off, f.from)]), errors.New("input/output error")
	}
	return copy(p, f.data[off:]), nil
}

// A read that fails half way is an issue about the file, not a quietly
// shorter file.
func TestReadErrorHalfWay(t *testing.T) {
	data := []byte(bigCSV(100, "\n", 5))
	in := bytesInput("x.csv", data)
	in.r = &recordingReaderAt{r: failingReaderAt{data: data, from: int64(len(data) / 2)}}
	res, _ := importInput(in, DefaultOptions(), activitySchema)
	if res.Accounting.Read == 0 {
		t.Fatalf("nothing read before the failure: %v", res.Issues)
	}
	iss := in.afterReading()
	if iss == nil || !errors.Is(iss, ErrBadFile) || !strings.Contains(iss.Problem, "input/output error") {
		t.Fatalf("issue %v", iss)
	}
}

// blankCSV is a CSV of about size bytes whose rows are all blank but one:
// reading it keeps nothing, so the memory it takes is the reader's own.
func blankCSV(t testing.TB, size int) string {
	path := filepath.Join(t.TempDir(), "blank.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := io.Writer(f)
	fmt.Fprint(w, "Member Number,Title,Learning Category,Date,Hours,Reflection\r\n")
	// Rows of about 300 bytes, some with quoted cells over three lines.
	pad := strings.Repeat(" ", 100)
	chunk := strings.Repeat(pad+","+pad+",,,,\r\n,\""+pad+"\r\n\r\n"+pad+"\",,,,\r\n", 1000)
	for n := 0; n < size; n += len(chunk) {
		fmt.Fprint(w, chunk)
	}
	fmt.Fprint(w, "1,Last,SDL,14/03/2025,1,\"done\"\r\n")
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// peakHeap runs f and returns the most heap in use while it ran, above
// what was in use before, sampled every few milliseconds. The collector
// runs often meanwhile, so that the peak is what f keeps, not garbage
// waiting for the next collection.
func peakHeap(f func()) uint64 {
	defer debug.SetGCPercent(debug.SetGCPercent(5))
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base, peak := ms.HeapInuse, ms.HeapInuse
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	})
	f()
	close(stop)
	wg.Wait()
	return peak - base
}

// Reading a CSV takes memory for its buffers, not for the file: a 32 MB
// file (whose rows are kept by nobody) is read in well under 32 MB.
func TestCSVMemoryDoesNotGrowWithFile(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and reads a 32 MB file")
	}
	const size = 32 << 20
	path := blankCSV(t, size)
	var res FileResult
	peak := peakHeap(func() { res = ImportActivities(path, DefaultOptions()) })
	if len(res.Issues) > 0 || res.Accounting.Accepted != 1 || res.Accounting.Blank < 100_000 {
		t.Fatalf("issues %v, accounting %v", res.Issues, res.Accounting)
	}
	t.Logf("peak heap in use while reading a %d MB CSV: %.1f MB", size>>20, float64(peak)/(1<<20))
	if peak > size/4 {
		t.Fatalf("reading a %d MB CSV took %.1f MB of heap: it is being held whole", size>>20, float64(peak)/(1<<20))
	}
}

// BenchmarkCSVStream50MB reads a generated 50 MB CSV and reports the peak
// heap in use, which stays at the size of the buffers (compare
// -benchmem's B/op, the total allocated, which grows with the rows).
func BenchmarkCSVStream50MB(b *testing.B) {
	path := blankCSV(b, 50<<20)
	b.ReportAllocs()
	var peak uint64
	for b.Loop() {
		peak = max(peak, peakHeap(func() {
			if res := ImportActivities(path, DefaultOptions()); len(res.Issues) > 0 {
				b.Fatal(res.Issues[0].Error())
			}
		}))
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}
