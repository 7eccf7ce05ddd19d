package fastflate

import (
	"bytes"
	"hash/adler32"
	"math/rand/v2"
	"testing"
)

// TestAdler32SameAsStdlib: adler32Update gives hash/adler32's checksum on
// random, all-0xff (the largest sums), zero and mostly zero inputs of every length to
// 300 and random lengths to 100,000, whole and continued over random
// splits (as the zlib writer sees its Writes).
func TestAdler32SameAsStdlib(t *testing.T) {
	r := rand.New(rand.NewPCG(32, 1))
	var lengths []int
	for n := range 300 {
		lengths = append(lengths, n)
	}
	lengths = append(lengths, adlerNmax-1, adlerNmax, adlerNmax+1, 2*adlerNmax, 2*adlerNmax+7, 65535, 65536, 100000)
	for range 200 {
		lengths = append(lengths, r.IntN(100001))
	}
	for _, n := range lengths {
		random := make([]byte, n)
		for i := range random {
			random[i] = byte(r.Uint32())
		}
		// Zero bytes with a few others, as in a CIDToGIDMap: zero runs of
		// every length and alignment, next to all-0xff words.
		sparse := make([]byte, n)
		for i := range sparse {
			switch r.IntN(300) {
			case 0:
				sparse[i] = byte(r.Uint32())
			case 1:
				copy(sparse[i:], bytes.Repeat([]byte{0xff}, r.IntN(20)))
			}
		}
		for kind, data := range map[string][]byte{"random": random, "0xff": bytes.Repeat([]byte{0xff}, n), "zeros": make([]byte, n), "sparse": sparse} {
			want := adler32.Checksum(data)
			if got := adler32Update(1, data); got != want {
				t.Fatalf("%s, %d bytes: %08x, hash/adler32 %08x", kind, n, got, want)
			}
			// Continued over pieces split at random places.
			d := uint32(1)
			for rest := data; len(rest) > 0; {
				k := 1 + r.IntN(min(len(rest), 1+r.IntN(20000)))
				d = adler32Update(d, rest[:k])
				rest = rest[k:]
			}
			if d != want {
				t.Fatalf("%s, %d bytes in pieces: %08x, hash/adler32 %08x", kind, n, d, want)
			}
		}
	}
}

// FuzzAdler32: any input, split at any place, gives hash/adler32's
// checksum.
func FuzzAdler32(f *testing.F) {
	f.Add([]byte("BT /F1 12 Tf ET"), uint16(3))
	f.Add(bytes.Repeat([]byte{0xff}, 3*adlerNmax+5), uint16(adlerNmax-3))
	sparse := make([]byte, 2*adlerNmax+77)
	for i := 5; i < len(sparse); i += 997 {
		sparse[i] = 0xff
	}
	f.Add(sparse, uint16(1001))
	f.Fuzz(func(t *testing.T, data []byte, split uint16) {
		k := min(int(split), len(data))
		want := adler32.Checksum(data)
		if got := adler32Update(adler32Update(1, data[:k]), data[k:]); got != want {
			t.Fatalf("%d bytes split at %d: %08x, hash/adler32 %08x", len(data), k, got, want)
		}
	})
}

func BenchmarkAdler32(b *testing.B) {
	data := readGz(b, "page1.stream.gz")
	b.SetBytes(int64(len(data)))
	b.Run("stdlib", func(b *testing.B) {
		for b.Loop() {
			adler32.Checksum(data)
		}
	})
	b.Run("fastflate", func(b *testing.B) {
		for b.Loop() {
			adler32Update(1, data)
		}
	})
}
