package fastflate

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// readGz is the inflated content of testdata/name.
func readGz(b testing.TB, name string) []byte {
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		b.Fatal(err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// The benchmarks compress as cpdaudit does: a pooled writer, Reset, one
// Write, Close. "page" is a letter's first page content stream (zlib, as
// fpdf writes it), "font" the letter's font subset, "json" a member's
// line of results.jsonl.gz (gzip), "cidmap" the letter's CIDToGIDMap
// (128 KB, nearly all zero bytes). user-ns/op is the process's user CPU
// per operation (with -cpu 1, the benchmark's), steadier than ns/op on a
// shared machine.
func BenchmarkCompress(b *testing.B) {
	page := readGz(b, "page1.stream.gz")
	font := readGz(b, "fontsubset.stream.gz")
	line := readGz(b, "memberline.json.gz")
	cidmap := readGz(b, "cidtogidmap.stream.gz")
	var buf bytes.Buffer
	run := func(b *testing.B, data []byte, w interface {
		io.WriteCloser
		Reset(io.Writer)
	}) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		cpu0 := userCPU()
		defer func() {
			if cpu := userCPU() - cpu0; cpu > 0 {
				b.ReportMetric(float64(cpu)/float64(b.N), "user-ns/op")
			}
		}()
		for b.Loop() {
			buf.Reset()
			w.Reset(&buf)
			if _, err := w.Write(data); err != nil {
				b.Fatal(err)
			}
			if err := w.Close(); err != nil {
				b.Fatal(err)
			}
		}
	}
	for _, in := range []struct {
		name string
		data []byte
	}{{"page", page}, {"font", font}, {"cidmap", cidmap}} {
		b.Run(in.name+"/stdlib", func(b *testing.B) {
			w, _ := zlib.NewWriterLevel(io.Discard, zlib.BestSpeed)
			run(b, in.data, w)
		})
		b.Run(in.name+"/fastflate", func(b *testing.B) {
			w, _ := NewZlibWriterLevel(io.Discard, BestSpeed)
			run(b, in.data, w)
		})
	}
	b.Run("json/stdlib", func(b *testing.B) {
		w, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed)
		run(b, line, w)
	})
	b.Run("json/fastflate", func(b *testing.B) {
		w, _ := NewGzipWriterLevel(io.Discard, BestSpeed)
		run(b, line, w)
	})
}

// BenchmarkCompressCold is BenchmarkCompress's page stream through 64
// pooled writers in turn, so that each finds its tables out of the cache,
// as in a run, where the layout of a letter passes between two streams.
func BenchmarkCompressCold(b *testing.B) {
	page := readGz(b, "page1.stream.gz")
	line := readGz(b, "memberline.json.gz")
	type resetter interface {
		io.WriteCloser
		Reset(io.Writer)
	}
	run := func(b *testing.B, data []byte, ws []resetter) {
		var buf bytes.Buffer
		b.SetBytes(int64(len(data)))
		cpu0 := userCPU()
		defer func() {
			if cpu := userCPU() - cpu0; cpu > 0 {
				b.ReportMetric(float64(cpu)/float64(b.N), "user-ns/op")
			}
		}()
		i := 0
		for b.Loop() {
			w := ws[i%len(ws)]
			i++
			buf.Reset()
			w.Reset(&buf)
			if _, err := w.Write(data); err != nil {
				b.Fatal(err)
			}
			if err := w.Close(); err != nil {
				b.Fatal(err)
			}
		}
	}
	const n = 64
	b.Run("page/stdlib", func(b *testing.B) {
		ws := make([]resetter, n)
		for i := range ws {
			ws[i], _ = zlib.NewWriterLevel(io.Discard, zlib.BestSpeed)
		}
		run(b, page, ws)
	})
	b.Run("page/fastflate", func(b *testing.B) {
		ws := make([]resetter, n)
		for i := range ws {
			ws[i], _ = NewZlibWriterLevel(io.Discard, BestSpeed)
		}
		run(b, page, ws)
	})
	b.Run("json/stdlib", func(b *testing.B) {
		ws := make([]resetter, n)
		for i := range ws {
			ws[i], _ = gzip.NewWriterLevel(io.Discard, gzip.BestSpeed)
		}
		run(b, line, ws)
	})
	b.Run("json/fastflate", func(b *testing.B) {
		ws := make([]resetter, n)
		for i := range ws {
			ws[i], _ = NewGzipWriterLevel(io.Discard, BestSpeed)
		}
		run(b, line, ws)
	})
}

// BenchmarkWriteTokens: writeTokens alone on the tokens of a letter's
// page stream (its codes made once).
func BenchmarkWriteTokens(b *testing.B) {
	data := readGz(b, "page1.stream.gz")
	d, _ := NewWriter(io.Discard, BestSpeed)
	c := &d.d
	tokens := c.bestSpeed.encode(nil, data)
	tokens = append(tokens, endBlockMarker)
	c.w.indexTokens()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		c.w.reset(io.Discard)
		c.w.writeTokens(tokens, c.w.literalEncoding.codes, c.w.offsetEncoding.codes)
	}
}
