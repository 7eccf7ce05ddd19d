package fastflate

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// The tests here compare every byte this package writes with what the
// standard library writes for the same input at BestSpeed: that identity
// is the package's whole contract (cpdaudit's PDFs and results file must
// not change by a byte when the compressor is swapped).

// stdWriters and ourWriters are reused across inputs with Reset, as
// cpdaudit's pools reuse them, so state left by one input would show as a
// difference on the next.
type writers struct {
	std struct {
		f *flate.Writer
		z *zlib.Writer
		g *gzip.Writer
	}
	our struct {
		f *Writer
		z *ZlibWriter
		g *GzipWriter
	}
}

func newWriters(t testing.TB) *writers {
	var w writers
	var err error
	if w.std.f, err = flate.NewWriter(io.Discard, flate.BestSpeed); err != nil {
		t.Fatal(err)
	}
	if w.std.z, err = zlib.NewWriterLevel(io.Discard, zlib.BestSpeed); err != nil {
		t.Fatal(err)
	}
	if w.std.g, err = gzip.NewWriterLevel(io.Discard, gzip.BestSpeed); err != nil {
		t.Fatal(err)
	}
	if w.our.f, err = NewWriter(io.Discard, BestSpeed); err != nil {
		t.Fatal(err)
	}
	if w.our.z, err = NewZlibWriterLevel(io.Discard, BestSpeed); err != nil {
		t.Fatal(err)
	}
	if w.our.g, err = NewGzipWriterLevel(io.Discard, BestSpeed); err != nil {
		t.Fatal(err)
	}
	return &w
}

type flusher interface {
	io.WriteCloser
	Reset(io.Writer)
}

// write sends data to w in pieces of the given sizes (the rest in one
// piece), calling flush after the pieces whose index is in flushAt, and
// closes it.
func write(t testing.TB, w flusher, data []byte, pieces []int, flushAt map[int]bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	w.Reset(&buf)
	for i, n := range pieces {
		if n > len(data) {
			n = len(data)
		}
		if _, err := w.Write(data[:n]); err != nil {
			t.Fatal(err)
		}
		data = data[n:]
		if flushAt[i] {
			if f, ok := w.(interface{ Flush() error }); ok {
				if err := f.Flush(); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if len(data) > 0 {
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// same fails t unless the three formats' bytes are the standard
// library's for data written in the given pieces.
func (w *writers) same(t testing.TB, name string, data []byte, pieces []int, flushAt map[int]bool) {
	t.Helper()
	pairs := []struct {
		format   string
		std, our flusher
	}{
		{"flate", w.std.f, w.our.f},
		{"zlib", w.std.z, w.our.z},
		{"gzip", w.std.g, w.our.g},
	}
	for _, p := range pairs {
		if p.format != "flate" && len(flushAt) > 0 {
			continue // only the flate writer has Flush here
		}
		want := write(t, p.std, data, pieces, flushAt)
		got := write(t, p.our, data, pieces, flushAt)
		if !bytes.Equal(got, want) {
			at := 0
			for at < len(got) && at < len(want) && got[at] == want[at] {
				at++
			}
			t.Fatalf("%s, %s (%d bytes, pieces %v): %d bytes written, the standard library's %d; first difference at byte %d",
				name, p.format, len(data), pieces, len(got), len(want), at)
		}
	}
}

// inputs are the generated inputs: random bytes, text-like bytes and
// highly repetitive bytes at the sizes where the compressor changes path
// (stored under 17 bytes, Huffman only under 128, a full window at 65,535,
// matches across windows above it).
func inputs() map[string][]byte {
	r := rand.New(rand.NewPCG(18, 5))
	sizes := []int{0, 1, 2, 3, 4, 5, 15, 16, 17, 18, 64, 127, 128, 129, 255, 256, 1000, 4095, 4096,
		32767, 32768, 32769, 65534, 65535, 65536, 65537, 100000, 131070, 131071, 196605, 200000, 300000}
	words := []string{"the ", "member ", "recorded ", "hours ", "CPD ", "reflection ", "on ", "practice ", "\n", "0.", "1", "2", "BT ", "ET\n", "Tf ", "Td "}
	out := map[string][]byte{}
	for _, n := range sizes {
		random := make([]byte, n)
		for i := range random {
			random[i] = byte(r.Uint32())
		}
		out[fmt.Sprintf("random-%d", n)] = random

		var text []byte
		for len(text) < n {
			text = append(text, words[r.IntN(len(words))]...)
		}
		out[fmt.Sprintf("text-%d", n)] = text[:n]

		out[fmt.Sprintf("zeros-%d", n)] = make([]byte, n)

		rep := make([]byte, n)
		for i := range rep {
			rep[i] = "abcabcabd"[i%9]
		}
		out[fmt.Sprintf("repeat-%d", n)] = rep

		// Mostly repetitive with random bytes sprinkled in: long matches
		// cut short at random places, and offsets up to the window.
		mixed := make([]byte, n)
		for i := range mixed {
			switch {
			case r.IntN(50) == 0:
				mixed[i] = byte(r.Uint32())
			case i >= 30000 && r.IntN(3) == 0:
				mixed[i] = mixed[i-30000+r.IntN(100)]
			case i > 0:
				mixed[i] = mixed[i-1] + byte(i%3)
			}
		}
		out[fmt.Sprintf("mixed-%d", n)] = mixed

		// Few distinct bytes: Huffman codes of skewed frequencies, and
		// literal counts that tie.
		skew := make([]byte, n)
		for i := range skew {
			skew[i] = byte(r.ExpFloat64() * 3)
		}
		out[fmt.Sprintf("skew-%d", n)] = skew

		// Runs of one byte, of every length around the 258 of a match
		// and the 262 that runSteps needs, between random bytes.
		runs := make([]byte, 0, n)
		for len(runs) < n {
			b := byte(r.Uint32())
			if r.IntN(2) == 0 {
				b = 0
			}
			k := r.IntN(600)
			if r.IntN(4) == 0 {
				k = 250 + r.IntN(20)
			}
			for range k {
				runs = append(runs, b)
			}
			for range r.IntN(6) {
				runs = append(runs, byte(r.Uint32()))
			}
		}
		out[fmt.Sprintf("runs-%d", n)] = runs[:n]

		// As a CIDToGIDMap: zero bytes with a few glyph numbers.
		cidmap := make([]byte, n)
		for i := range cidmap {
			if r.IntN(400) == 0 {
				cidmap[i] = byte(1 + r.IntN(200))
			}
		}
		out[fmt.Sprintf("cidmap-%d", n)] = cidmap
	}
	return out
}

// runsInput expands spec into the input FuzzSameRuns compresses: each
// three bytes are a byte and a run length (up to 65,535), so that a
// fuzzer's small mutations make runs of any length at any place.
func runsInput(spec []byte) []byte {
	var out []byte
	for ; len(spec) >= 3 && len(out) < 300000; spec = spec[3:] {
		for range int(spec[1]) | int(spec[2])<<8 {
			out = append(out, spec[0])
		}
	}
	return append(out, spec...)
}

// FuzzSameRuns: inputs made of runs of one byte (runSteps' fast path),
// written in two pieces, give the standard library's bytes.
func FuzzSameRuns(f *testing.F) {
	f.Add([]byte{0, 0, 1}, uint16(0))
	f.Add([]byte{7, 1, 0, 0, 5, 1, 'a', 3, 0, 0, 200, 0}, uint16(300))
	f.Add([]byte{0, 0xff, 0xff, 1, 1, 0, 0, 0xfe, 0xff}, uint16(65535))
	f.Add([]byte{0, 6, 1, 2, 1, 0, 0, 2, 1, 3, 2, 0, 0, 0, 1}, uint16(17))
	w := newWriters(f)
	f.Fuzz(func(t *testing.T, spec []byte, split uint16) {
		w.same(t, "runs", runsInput(spec), []int{int(split)}, nil)
	})
}

func TestSameAsStdlibGenerated(t *testing.T) {
	w := newWriters(t)
	r := rand.New(rand.NewPCG(5, 18))
	for name, data := range inputs() {
		w.same(t, name, data, nil, nil)
		if raceEnabled && len(data) > 70000 {
			continue
		}
		// Many small writes, as json.Encoder and fpdf's callers make.
		var pieces []int
		for total := 0; total < len(data); {
			n := 1 + r.IntN(300)
			pieces = append(pieces, n)
			total += n
		}
		w.same(t, name+" in small pieces", data, pieces, nil)
		// Flushes at random places (flate only).
		flushAt := map[int]bool{}
		for i := range pieces {
			if r.IntN(20) == 0 {
				flushAt[i] = true
			}
		}
		w.same(t, name+" with flushes", data, pieces, flushAt)
	}
}

// TestSameAsStdlibFixtures compresses every file under fixtures/: the
// CSV and Excel exports, the reflection corpora, the review runs.
func TestSameAsStdlibFixtures(t *testing.T) {
	w := newWriters(t)
	root := filepath.Join("..", "..", "fixtures")
	n := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		w.same(t, path, data, nil, nil)
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 50 {
		t.Fatalf("only %d files under %s: the fixtures moved?", n, root)
	}
}

// TestSameAsStdlibPDFStreams compresses the uncompressed streams of a
// letter cpdaudit wrote (testdata/README): page content, a font subset,
// a CIDToGIDMap.
func TestSameAsStdlibPDFStreams(t *testing.T) {
	w := newWriters(t)
	streams := pdfStreams(t)
	for _, name := range slices.Sorted(maps.Keys(streams)) {
		w.same(t, name, streams[name], nil, nil)
	}
}

// pdfStreams reads testdata/*.stream.gz, by file name.
func pdfStreams(t testing.TB) map[string][]byte {
	paths, err := filepath.Glob(filepath.Join("testdata", "*.stream.gz"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) < 4 {
		t.Fatalf("%d testdata/*.stream.gz, want 4", len(paths))
	}
	out := map[string][]byte{}
	for _, path := range paths {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		data, err := io.ReadAll(zr)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out[path] = data
	}
	return out
}

func TestOtherLevelsRefused(t *testing.T) {
	for _, level := range []int{-2, -1, 0, 2, 6, 9, 10} {
		if _, err := NewWriter(io.Discard, level); err == nil {
			t.Errorf("NewWriter level %d: no error", level)
		}
		if _, err := NewZlibWriterLevel(io.Discard, level); err == nil {
			t.Errorf("NewZlibWriterLevel level %d: no error", level)
		}
		if _, err := NewGzipWriterLevel(io.Discard, level); err == nil {
			t.Errorf("NewGzipWriterLevel level %d: no error", level)
		}
	}
}

// FuzzSameAsStdlib: any input, written in two pieces split at any place,
// gives the standard library's bytes in all three formats.
func FuzzSameAsStdlib(f *testing.F) {
	f.Add([]byte{}, uint16(0))
	f.Add([]byte("BT /F1 12 Tf 72 720 Td (Hello) Tj ET\n"), uint16(10))
	f.Add(bytes.Repeat([]byte("abcd"), 40000), uint16(65535))
	for _, data := range pdfStreams(f) {
		f.Add(data, uint16(len(data)/2))
	}
	w := newWriters(f)
	f.Fuzz(func(t *testing.T, data []byte, split uint16) {
		w.same(t, "fuzz", data, []int{int(split)}, nil)
	})
}

// TestSameNearOffsetWrap: a pooled writer's match offsets grow with every
// block and Reset until shiftOffsets rebases them (after some 30,000
// streams); the bytes must not change there either. The standard
// library's writer starts fresh, ours just before the rebase.
func TestSameNearOffsetWrap(t *testing.T) {
	w := newWriters(t)
	data := inputs()["mixed-300000"]
	for _, before := range []int32{1, maxStoreBlockSize, maxStoreBlockSize + 1, 2 * maxStoreBlockSize, 3*maxStoreBlockSize + 7} {
		for _, reset := range []bool{false, true} {
			w.our.f.Reset(io.Discard)
			w.our.f.d.bestSpeed.cur = bufferReset - before
			var got bytes.Buffer
			if reset {
				w.our.f.Reset(&got)
			} else {
				w.our.f.d.w.writer = &got
			}
			w.our.f.Write(data)
			w.our.f.Close()
			var want bytes.Buffer
			w.std.f.Reset(&want)
			w.std.f.Write(data)
			w.std.f.Close()
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Errorf("offsets %d before the rebase (Reset %v): bytes differ from the standard library's", before, reset)
			}
		}
	}
}

// TestSameFreshBlocks: the blocks matched by encodeFresh (a stream's
// first, and any after a block under 17 bytes) and the blocks after them
// (syncTable), on one pooled writer pair over a random sequence of
// streams: large and small, whole, in pieces, and with flushes right
// after a few bytes (a block under 17 bytes mid-stream, then a fresh one).
func TestSameFreshBlocks(t *testing.T) {
	w := newWriters(t)
	r := rand.New(rand.NewPCG(8, 14))
	in := inputs()
	names := slices.Sorted(maps.Keys(in))
	rounds := 300
	if raceEnabled {
		rounds = 40
	}
	for i := range rounds {
		name := names[r.IntN(len(names))]
		data := in[name]
		var pieces []int
		flushAt := map[int]bool{}
		switch i % 3 {
		case 1:
			for total := 0; total < len(data); {
				n := 1 + r.IntN(70000)
				pieces = append(pieces, n)
				total += n
			}
		case 2:
			// A few bytes, flushed: a short block, then the rest.
			pieces = []int{r.IntN(17), r.IntN(17) + 17, 1 + r.IntN(100000), r.IntN(17)}
			flushAt = map[int]bool{0: true, 1: r.IntN(2) == 0, 2: r.IntN(2) == 0}
		}
		w.same(t, fmt.Sprintf("stream %d, %s", i, name), data, pieces, flushAt)
	}
}

// TestSameRunBreaks: a run of one byte broken by a single other byte at
// every distance from the run's start, then going on, in a stream's first
// block (encodeFresh) and in its second (encode): every place where
// runSteps must stop short of a step or the run's end.
func TestSameRunBreaks(t *testing.T) {
	w := newWriters(t)
	r := rand.New(rand.NewPCG(26, 2))
	head := inputs()["text-65535"]
	for at := range 800 {
		b := byte(0)
		if at%3 == 1 {
			b = byte(r.Uint32())
		}
		data := bytes.Repeat([]byte{b}, at+1500)
		data[at] = b + 1 + byte(r.IntN(255))
		if at%5 == 0 {
			data[at+1+r.IntN(600)] ^= 0x80
		}
		w.same(t, fmt.Sprintf("run of %#x broken at %d", b, at), data, nil, nil)
		if raceEnabled && at%10 != 0 {
			continue
		}
		// The same after a full first block.
		data = append(slices.Clip(head), data...)
		want := write(t, w.std.f, data, nil, nil)
		if got := write(t, w.our.f, data, nil, nil); !bytes.Equal(got, want) {
			t.Fatalf("run of %#x broken at %d, second block: bytes differ from the standard library's", b, at)
		}
	}
}

// TestOffsetCodeLen: offsetCodeLen is offsetCode for every offset a
// match can have.
func TestOffsetCodeLen(t *testing.T) {
	for off := uint32(0); off < maxMatchOffset; off++ {
		if got, want := offsetCodeLen(off), offsetCode(off); got != want {
			t.Fatalf("offset %d: code %d, offsetCode's %d", off, got, want)
		}
	}
}
