// Copyright 2009 The Go Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package fastflate

import (
	"math"
	"math/bits"
	"slices"
)

// hcode is a huffman code with a bit code and bit length.
type hcode struct {
	code, len uint16
}

type huffmanEncoder struct {
	codes     []hcode
	freqcache []literalNode
	bitCount  [17]int32
	keys      []uint64      // sort keys of generate, kept to avoid allocation
	chain     []chainNode   // bitCounts' nodes, kept to avoid allocation
	radixTmp  []literalNode // sortByFreq's second buffer
	pairFreq  []int32       // huffmanBitCounts' pairs, kept to avoid allocation
	parent    []int32
}

type literalNode struct {
	literal uint16
	freq    int32
}

// A levelInfo describes the state of the constructed tree for a given depth.
type levelInfo struct {
	// Our level.  for better printing
	level int32

	// The frequency of the last node at this level
	lastFreq int32

	// The frequency of the next character to add to this level
	nextCharFreq int32

	// The frequency of the next pair (from level below) to add to this level.
	// Only valid if the "needed" value of the next lower level is 0.
	nextPairFreq int32

	// The number of chains remaining to generate for this level before moving
	// up to the next level
	needed int32
}

// set sets the code and length of an hcode.
func (h *hcode) set(code uint16, length uint16) {
	h.len = length
	h.code = code
}

func maxNode() literalNode { return literalNode{math.MaxUint16, math.MaxInt32} }

func newHuffmanEncoder(size int) *huffmanEncoder {
	return &huffmanEncoder{codes: make([]hcode, size)}
}

func (h *huffmanEncoder) bitLength(freq []int32) int {
	var total int
	for i, f := range freq {
		if f != 0 {
			total += int(f) * int(h.codes[i].len)
		}
	}
	return total
}

const maxBitsLimit = 16

// bitCounts computes the number of literals assigned to each bit size in the Huffman encoding.
// It is only called when list.length >= 3.
// The cases of 0, 1, and 2 literals are handled by special case code.
//
// list is an array of the literals with non-zero frequencies
// and their associated frequencies. The array is in order of increasing
// frequency and has as its last element a special element with frequency
// MaxInt32.
//
// maxBits is the maximum number of bits that should be used to encode any literal.
// It must be less than 16.
//
// bitCounts returns an integer slice in which slice[i] indicates the number of literals
// that should be encoded in i bits.
//
// fastflate: when Huffman's own tree (huffmanBitCounts) is no deeper than
// maxBits, its counts are returned; otherwise Go's package-merge
// (packageMerge) limits the lengths.
func (h *huffmanEncoder) bitCounts(list []literalNode, maxBits int32) []int32 {
	if maxBits >= maxBitsLimit {
		panic("flate: maxBits too large")
	}
	if bc, ok := h.huffmanBitCounts(list, min(maxBits, int32(len(list))-1)); ok {
		return bc
	}
	return h.packageMerge(list, maxBits)
}

// huffmanBitCounts builds Huffman's tree over list (sorted by frequency,
// at least 3 nodes) with two queues, the leaves in list order and the
// pairs in the order they are made, always joining the two lightest
// items and taking the pair when a leaf and a pair weigh the same, and
// returns how many leaves lie at each depth, in a slice of maxBits+1,
// if none is deeper than maxBits. fastflate: these are package-merge's
// counts. Package-merge's level lists are built by the same rule (the
// leaves merged with the pairs of the level below, a pair first on
// equal weights), and where the limit does not bind it chose this tree
// on every table tried: every sorted table of 3 to 11 frequencies up to
// 9 (TestBitCountsHuffmanSameAsGo), millions of random ones, uniform,
// exponential and full of ties (TestBitCountsSameAsGo), and
// FuzzBitCounts, all against Go's bitCounts. It takes n steps where
// package-merge takes about two per bit of every code.
func (h *huffmanEncoder) huffmanBitCounts(list []literalNode, maxBits int32) ([]int32, bool) {
	n := int32(len(list))
	if h.pairFreq == nil {
		h.pairFreq = make([]int32, maxNumLit)
		h.parent = make([]int32, 2*maxNumLit)
	}
	// pairFreq[j] is pair j's weight; parent[i] is the pair holding
	// leaf i, parent[n+j] the pair holding pair j.
	pairFreq := h.pairFreq[:n-1]
	parent := h.parent[:2*n-1]
	leaf, pair := int32(0), int32(0)
	for j := int32(0); j < n-1; j++ {
		var f int32
		for range 2 {
			if leaf < n && (pair == j || list[leaf].freq < pairFreq[pair]) {
				f += list[leaf].freq
				parent[leaf] = j
				leaf++
			} else {
				f += pairFreq[pair]
				parent[n+pair] = j
				pair++
			}
		}
		pairFreq[j] = f
	}
	// Depths: the root (pair n-2) is 0; a pair's parent comes after it.
	depth := pairFreq // reused
	depth[n-2] = 0
	for j := n - 3; j >= 0; j-- {
		d := depth[parent[n+j]] + 1
		if d >= maxBits {
			// Its leaves would be deeper than maxBits.
			return nil, false
		}
		depth[j] = d
	}
	bitCount := h.bitCount[:maxBits+1]
	clear(bitCount)
	for _, p := range parent[:n] {
		bitCount[depth[p]+1]++
	}
	return bitCount, true
}

// packageMerge is Go's bitCounts.
func (h *huffmanEncoder) packageMerge(list []literalNode, maxBits int32) []int32 {
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
	// Go keeps leafCounts[i][j], the number of literals at the left of
	// the level j ancestor of the rightmost node at level i, and copies
	// row i-1 into row i at every pair. fastflate: the same numbers as a
	// chain: count[i] is leafCounts[i][i], and tail[i] the node holding
	// leafCounts[i][i-1] and the node of row i-1 in its turn (0: none,
	// all zero); a pair adds one node instead of copying a row.
	var count [maxBitsLimit]int32
	var tail [maxBitsLimit]int32
	if bound := 1 + 2*int(n)*int(maxBits); cap(h.chain) < bound {
		// At most one node per item, and a level has fewer than 2n items.
		h.chain = make([]chainNode, 0, bound)
	}
	nodes := h.chain[:1]

	for level := int32(1); level <= maxBits; level++ {
		// For every level, the first two items are the first two characters.
		// We initialize the levels as if we had already figured this out.
		levels[level] = levelInfo{
			level:        level,
			lastFreq:     list[1].freq,
			nextCharFreq: list[2].freq,
			nextPairFreq: list[0].freq + list[1].freq,
		}
		count[level] = 2
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
			n := count[level] + 1
			l.lastFreq = l.nextCharFreq
			// Lower leafCounts are the same of the previous node.
			count[level] = n
			l.nextCharFreq = list[n].freq
		} else {
			// The next item on this row is a pair from the previous row.
			// nextPairFreq isn't valid until we generate two
			// more values in the level below
			l.lastFreq = l.nextPairFreq
			// Take leaf counts from the lower level, except counts[level] remains the same.
			nodes = append(nodes, chainNode{count: count[level-1], tail: tail[level-1]})
			tail[level] = int32(len(nodes) - 1)
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
	h.chain = nodes[:0]

	// Somethings is wrong if at the end, the top level is null or hasn't used
	// all of the leaves.
	if count[maxBits] != n {
		panic("leafCounts[maxBits][maxBits] != n")
	}

	// counts is leafCounts[maxBits], read down the chain.
	var counts [maxBitsLimit]int32
	counts[maxBits] = count[maxBits]
	for i, t := maxBits-1, tail[maxBits]; i > 0 && t != 0; i-- {
		counts[i] = nodes[t].count
		t = nodes[t].tail
	}

	bitCount := h.bitCount[:maxBits+1]
	bits := 1
	for level := maxBits; level > 0; level-- {
		// chain.leafCount gives the number of literals requiring at least "bits"
		// bits to encode.
		bitCount[bits] = counts[level] - counts[level-1]
		bits++
	}
	return bitCount
}

// chainNode is a row of Go's leafCounts in bitCounts: count is its last
// entry, tail the node of the rest (0: all zero).
type chainNode struct {
	count, tail int32
}

// Look at the leaves and assign them a bit count and an encoding as specified
// in RFC 1951 3.2.2
//
// fastflate: Go's version sorts each run of literals of one length by
// literal and numbers them in that order. The same codes come from two
// passes without a sort: the lengths first, then the literals in
// increasing order, each taking the next code of its length (RFC 1951's
// own construction of the canonical code). numSymbols is len(freq).
func (h *huffmanEncoder) assignEncodingAndSize(bitCount []int32, list []literalNode, numSymbols int) {
	var nextCode [maxBitsLimit + 1]uint16
	code := uint16(0)
	for n, bits := range bitCount {
		code <<= 1
		if n == 0 || bits == 0 {
			continue
		}
		nextCode[n] = code
		// The literals list[len(list)-bits] .. list[len(list)-bits]
		// are encoded using "bits" bits.
		for _, node := range list[len(list)-int(bits):] {
			h.codes[node.literal].len = uint16(n)
		}
		code += uint16(bits)
		list = list[0 : len(list)-int(bits)]
	}
	codes := h.codes[:numSymbols]
	for i := range codes {
		if n := codes[i].len; n != 0 {
			codes[i].code = reverseBits(nextCode[n], uint8(n))
			nextCode[n]++
		}
	}
}

// Update this Huffman Code object to be the minimum code for the specified frequency count.
//
// freq is an array of frequencies, in which freq[i] gives the frequency of literal i.
// maxBits  The maximum number of bits to use for any literal.
func (h *huffmanEncoder) generate(freq []int32, maxBits int32) {
	if h.freqcache == nil {
		// Allocate a reusable buffer with the longest possible frequency table.
		// Possible lengths are codegenCodeCount, offsetCodeCount and maxNumLit.
		// The largest of these is maxNumLit, so we allocate for that case.
		h.freqcache = make([]literalNode, maxNumLit+1)
	}
	list := h.freqcache[:len(freq)+1]
	// Number of non-zero literals
	count := 0
	// Set list to be the set of all non-zero literals and their frequencies
	for i, f := range freq {
		if f != 0 {
			list[count] = literalNode{uint16(i), f}
			count++
		} else {
			h.codes[i].len = 0
		}
	}

	list = list[:count]
	if count <= 2 {
		// Handle the small cases here, because they are awkward for the general case code. With
		// two or fewer literals, everything has bit length 1.
		for i, node := range list {
			// "list" is in order of increasing literal value.
			h.codes[node.literal].set(uint16(i), 1)
		}
		return
	}
	h.sortByFreq(list)

	// Get the number of literals for each bit count
	bitCount := h.bitCounts(list, maxBits)
	// And do the assignment
	h.assignEncodingAndSize(bitCount, list, len(freq))
}

// sortByFreq sorts list by frequency, then literal: Go's byFreq order,
// which is total (literals are unique), so any correct sort gives the same
// list. fastflate: list comes in literal order, so a stable sort by
// frequency alone gives that order: a radix sort, a byte of the frequency
// at a time, for the long lists (the literal/length codes; frequencies
// under 2^16, as a block has at most 65,536 tokens); for the others one
// integer key per node sorted by slices.Sort, instead of sort.Sort
// through an interface.
func (h *huffmanEncoder) sortByFreq(list []literalNode) {
	if len(list) >= 64 && h.radixSortByFreq(list) {
		return
	}
	if cap(h.keys) < len(list) {
		h.keys = make([]uint64, maxNumLit+1)
	}
	keys := h.keys[:len(list)]
	for i, node := range list {
		keys[i] = uint64(uint32(node.freq))<<16 | uint64(node.literal)
	}
	slices.Sort(keys)
	for i, k := range keys {
		list[i] = literalNode{literal: uint16(k), freq: int32(k >> 16)}
	}
}

// radixSortByFreq sorts list, in literal order, stably by frequency, and
// reports whether it could (every frequency under 2^16).
func (h *huffmanEncoder) radixSortByFreq(list []literalNode) bool {
	maxFreq := int32(0)
	for _, node := range list {
		maxFreq = max(maxFreq, node.freq)
	}
	if maxFreq >= 1<<16 {
		return false
	}
	if len(h.radixTmp) < len(list) {
		h.radixTmp = make([]literalNode, maxNumLit+1)
	}
	tmp := h.radixTmp[:len(list)]
	radixPass(tmp, list, 0)
	if maxFreq < 1<<8 {
		copy(list, tmp)
		return true
	}
	radixPass(list, tmp, 8)
	return true
}

// radixPass puts src into dst stably ordered by the byte of the frequency
// at shift.
func radixPass(dst, src []literalNode, shift uint) {
	var start [256]int32
	for _, node := range src {
		start[uint8(node.freq>>shift)]++
	}
	sum := int32(0)
	for i, c := range start {
		start[i] = sum
		sum += c
	}
	dst = dst[:len(src)]
	for _, node := range src {
		b := uint8(node.freq >> shift)
		dst[start[b]] = node
		start[b]++
	}
}

func reverseBits(number uint16, bitLength byte) uint16 {
	return bits.Reverse16(number << (16 - bitLength))
}
