package fastflate

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// bitCountsGo is Go 1.26.8's bitCounts (huffman_code.go), with its
// leafCounts rows, kept as the reference for the chain of bitCounts.
func (h *huffmanEncoder) bitCountsGo(list []literalNode, maxBits int32) []int32 {
	if maxBits >= maxBitsLimit {
		panic("flate: maxBits too large")
	}
	n := int32(len(list))
	list = list[0 : n+1]
	list[n] = maxNode()

	// The tree can't have greater depth than n - 1, no matter what. This
	// saves a little bit of work in some small cases
	if maxBits > n-1 {
		maxBits = n - 1
	}

	// Create information about each of the levels.
	// A bogus "Level 0" whose sole purpose is so that
	// level1.prev.needed==0.  This makes level1.nextPairFreq
	// be a legitimate value that never gets chosen.
	var levels [maxBitsLimit]levelInfo
	// leafCounts[i] counts the number of literals at the left
	// of ancestors of the rightmost node at level i.
	// leafCounts[i][j] is the number of literals at the left
	// of the level j ancestor.
	var leafCounts [maxBitsLimit][maxBitsLimit]int32

	for level := int32(1); level <= maxBits; level++ {
		// For every level, the first two items are the first two characters.
		// We initialize the levels as if we had already figured this out.
		levels[level] = levelInfo{
			level:        level,
			lastFreq:     list[1].freq,
			nextCharFreq: list[2].freq,
			nextPairFreq: list[0].freq + list[1].freq,
		}
		leafCounts[level][level] = 2
		if level == 1 {
			levels[level].nextPairFreq = math.MaxInt32
		}
	}

	// We need a total of 2*n - 2 items at top level and have already generated 2.
	levels[maxBits].needed = 2*n - 4

	level := maxBits
	for {
		l := &levels[level]
		if l.nextPairFreq == math.MaxInt32 && l.nextCharFreq == math.MaxInt32 {
			// We've run out of both leaves and pairs.
			// End all calculations for this level.
			// To make sure we never come back to this level or any lower level,
			// set nextPairFreq impossibly large.
			l.needed = 0
			levels[level+1].nextPairFreq = math.MaxInt32
			level++
			continue
		}

		prevFreq := l.lastFreq
		if l.nextCharFreq < l.nextPairFreq {
			// The next item on this row is a leaf node.
			n := leafCounts[level][level] + 1
			l.lastFreq = l.nextCharFreq
			// Lower leafCounts are the same of the previous node.
			leafCounts[level][level] = n
			l.nextCharFreq = list[n].freq
		} else {
			// The next item on this row is a pair from the previous row.
			// nextPairFreq isn't valid until we generate two
			// more values in the level below
			l.lastFreq = l.nextPairFreq
			// Take leaf counts from the lower level, except counts[level] remains the same.
			// fastflate: the whole row is copied (one fixed-size move instead
			// of a call to memmove) and counts[level] put back; the entries
			// above level are never read from this row.
			keep := leafCounts[level][level]
			leafCounts[level] = leafCounts[level-1]
			leafCounts[level][level] = keep
			levels[l.level-1].needed = 2
		}

		if l.needed--; l.needed == 0 {
			// We've done everything we need to do for this level.
			// Continue calculating one level up. Fill in nextPairFreq
			// of that level with the sum of the two nodes we've just calculated on
			// this level.
			if l.level == maxBits {
				// All done!
				break
			}
			levels[l.level+1].nextPairFreq = prevFreq + l.lastFreq
			level++
		} else {
			// If we stole from below, move down temporarily to replenish it.
			for levels[level-1].needed > 0 {
				level--
			}
		}
	}

	// Somethings is wrong if at the end, the top level is null or hasn't used
	// all of the leaves.
	if leafCounts[maxBits][maxBits] != n {
		panic("leafCounts[maxBits][maxBits] != n")
	}

	bitCount := h.bitCount[:maxBits+1]
	bits := 1
	counts := &leafCounts[maxBits]
	for level := maxBits; level > 0; level-- {
		// chain.leafCount gives the number of literals requiring at least "bits"
		// bits to encode.
		bitCount[bits] = counts[level] - counts[level-1]
		bits++
	}
	return bitCount
}

// TestBitCountsSameAsGo: bitCounts (Huffman's tree, or package-merge
// where the limit binds) and packageMerge alone give Go's bit counts on
// random frequency tables of 3 to 286 symbols at the limits the writer
// uses (15 for literals and offsets, 7 for the code length codes):
// uniform, with many ties, and exponential (deep trees, so the limit
// binds).
func TestBitCountsSameAsGo(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 15))
	var h, ref huffmanEncoder
	rounds := 100000
	if raceEnabled {
		rounds = 5000
	}
	huffman, limited := 0, 0
	for i := range rounds {
		n := 3 + r.IntN(maxNumLit-2)
		if i%2 == 0 {
			n = 3 + r.IntN(30)
		}
		freq := make([]int32, n)
		for j := range freq {
			switch i % 5 {
			case 0:
				freq[j] = 1 + r.Int32N(1000)
			case 1:
				freq[j] = 1 + r.Int32N(3)
			case 2:
				freq[j] = 1 + int32(math.Min(r.ExpFloat64()*float64(1+r.IntN(5000)), 60000))
			case 3:
				freq[j] = int32(1) << r.IntN(16)
			case 4:
				freq[j] = 1 + r.Int32N(1+int32(r.IntN(8)))
			}
		}
		list := make([]literalNode, n+1)
		for j, f := range freq {
			list[j] = literalNode{uint16(j), f}
		}
		list = list[:n]
		h.sortByFreq(list)
		for _, maxBits := range []int32{7, 15} {
			if n > 1<<maxBits {
				continue
			}
			want := slices.Clone(ref.bitCountsGo(append(make([]literalNode, 0, n+1), list...), maxBits))
			got := h.bitCounts(append(make([]literalNode, 0, n+1), list...), maxBits)
			if !slices.Equal(got, want) {
				t.Fatalf("table %d (%d symbols, max %d bits, %v): bit counts %v, Go's %v", i, n, maxBits, freq, got, want)
			}
			got = h.packageMerge(append(make([]literalNode, 0, n+1), list...), maxBits)
			if !slices.Equal(got, want) {
				t.Fatalf("table %d (%d symbols, max %d bits, %v): package-merge's bit counts %v, Go's %v", i, n, maxBits, freq, got, want)
			}
			if _, ok := h.huffmanBitCounts(list, min(maxBits, int32(n)-1)); ok {
				huffman++
			} else {
				limited++
			}
		}
	}
	// Both paths taken, each many times.
	if huffman < rounds/2 || limited < rounds/20 {
		t.Fatalf("%d tables by Huffman's tree, %d limited by package-merge", huffman, limited)
	}
}

// TestBitCountsHuffmanSameAsGo: on every sorted table of 3 to 11
// frequencies from 1 to 9 (1 to 6 above 8 symbols), where equal weights
// abound, bitCounts gives Go's counts at the limits 3, 4, 5, 7 and 15.
func TestBitCountsHuffmanSameAsGo(t *testing.T) {
	var h, ref huffmanEncoder
	for n := 3; n <= 11; n++ {
		if raceEnabled && n > 8 {
			break
		}
		top := int32(9)
		if n > 8 {
			top = 6
		}
		freq := make([]int32, n)
		for i := range freq {
			freq[i] = 1
		}
		for {
			list := make([]literalNode, n, n+1)
			for j, f := range freq {
				list[j] = literalNode{uint16(j), f}
			}
			for _, maxBits := range []int32{3, 4, 5, 7, 15} {
				if n > 1<<maxBits {
					continue // no code fits
				}
				want := slices.Clone(ref.bitCountsGo(append(make([]literalNode, 0, n+1), list...), maxBits))
				got := h.bitCounts(append(make([]literalNode, 0, n+1), list...), maxBits)
				if !slices.Equal(got, want) {
					t.Fatalf("frequencies %v, max %d bits: bit counts %v, Go's %v", freq, maxBits, got, want)
				}
			}
			// The next non-decreasing table.
			k := n - 1
			for k >= 0 && freq[k] == top {
				k--
			}
			if k < 0 {
				break
			}
			freq[k]++
			for j := k + 1; j < n; j++ {
				freq[j] = freq[k]
			}
		}
	}
}

// FuzzBitCounts: any table of 3 or more frequencies (a byte each, plus
// one, times the first byte's scale) gives Go's bit counts at the limits
// 7 and 15.
func FuzzBitCounts(f *testing.F) {
	f.Add([]byte{1, 1, 1, 1})
	f.Add([]byte{3, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233})
	f.Add([]byte{200, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255, 7, 7, 1, 2, 3})
	var h, ref huffmanEncoder
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 4 || len(data) > maxNumLit+1 {
			return
		}
		scale := 1 + int32(data[0])
		list := make([]literalNode, 0, len(data))
		for i, b := range data[1:] {
			list = append(list, literalNode{uint16(i), (1 + int32(b)) * scale})
		}
		h.sortByFreq(list)
		for _, maxBits := range []int32{7, 15} {
			if len(list) > 1<<maxBits {
				continue // no code fits
			}
			want := slices.Clone(ref.bitCountsGo(append(make([]literalNode, 0, len(list)+1), list...), maxBits))
			got := h.bitCounts(append(make([]literalNode, 0, len(list)+1), list...), maxBits)
			if !slices.Equal(got, want) {
				t.Fatalf("frequencies %v, max %d bits: bit counts %v, Go's %v", list, maxBits, got, want)
			}
		}
	})
}

// BenchmarkBitCounts: bitCounts (here Huffman's tree) against Go's on the
// literal/length code frequencies of a letter's page stream.
func BenchmarkBitCounts(b *testing.B) {
	data := readGz(b, "page1.stream.gz")
	e := newDeflateFast()
	e.encode(nil, data)
	freq := e.litFreq[:]
	var list []literalNode
	for i, f := range freq {
		if f != 0 {
			list = append(list, literalNode{uint16(i), f})
		}
	}
	var h huffmanEncoder
	h.sortByFreq(list)
	n := len(list)
	work := make([]literalNode, n+1)
	b.Run("go", func(b *testing.B) {
		for b.Loop() {
			copy(work, list)
			h.bitCountsGo(work[:n], 15)
		}
	})
	b.Run("fastflate", func(b *testing.B) {
		for b.Loop() {
			copy(work, list)
			h.bitCounts(work[:n], 15)
		}
	})
}

// TestSortByFreqSameOrder: sortByFreq (radix sort for long lists) orders
// random lists in literal order as Go's byFreq does (frequency, then
// literal), including ties, frequencies under 256 (one pass) and at 2^16
// and above (the fallback).
func TestSortByFreqSameOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	var h huffmanEncoder
	for i := range 5000 {
		n := 1 + r.IntN(maxNumLit)
		limit := []int32{3, 255, 256, 5000, 1<<16 - 1, 1 << 16, 1 << 20}[i%7]
		var list []literalNode
		for lit := range maxNumLit {
			if len(list) < n && r.IntN(maxNumLit) < n {
				list = append(list, literalNode{uint16(lit), 1 + r.Int32N(limit)})
			}
		}
		want := slices.Clone(list)
		slices.SortFunc(want, func(a, b literalNode) int {
			if a.freq != b.freq {
				return int(a.freq - b.freq)
			}
			return int(a.literal) - int(b.literal)
		})
		h.sortByFreq(list)
		if !slices.Equal(list, want) {
			t.Fatalf("list %d (%d nodes, frequencies to %d): order differs from byFreq's", i, len(list), limit)
		}
	}
}

// BenchmarkSortByFreq: the literal/length codes of a letter's page stream.
func BenchmarkSortByFreq(b *testing.B) {
	data := readGz(b, "page1.stream.gz")
	e := newDeflateFast()
	e.encode(nil, data)
	var list []literalNode
	for i, f := range e.litFreq {
		if f != 0 {
			list = append(list, literalNode{uint16(i), f})
		}
	}
	work := make([]literalNode, len(list))
	var h huffmanEncoder
	b.Run("radix", func(b *testing.B) {
		for b.Loop() {
			copy(work, list)
			h.sortByFreq(work)
		}
	})
}
