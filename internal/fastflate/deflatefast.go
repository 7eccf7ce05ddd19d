// Copyright 2016 The Go Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package fastflate

import (
	"encoding/binary"
	"math"
	"math/bits"
	"slices"
)

// This encoding algorithm, which prioritizes speed over output size, is
// based on Snappy's LZ77-style encoder: github.com/golang/snappy

const (
	tableBits  = 14             // Bits used in the table.
	tableSize  = 1 << tableBits // Size of the table.
	tableMask  = tableSize - 1  // Mask for table indices. Redundant, but can eliminate bounds checks.
	tableShift = 32 - tableBits // Right-shift to get the tableBits most significant bits of a uint32.

	// Reset the buffer offset when reaching this.
	// Offsets are stored between blocks as int32 values.
	// Since the offset we are checking against is at the beginning
	// of the buffer, we need to subtract the current and input
	// buffer to not risk overflowing the int32.
	bufferReset = math.MaxInt32 - maxStoreBlockSize*2
)

// load32 and load64 are little-endian loads at b[i:]. fastflate: Go
// reslices to b[i:i+4:len(b)] and combines four bytes, which leaves a
// bounds check per byte here; binary.LittleEndian's loads have one.
func load32(b []byte, i int32) uint32 {
	return binary.LittleEndian.Uint32(b[i:])
}

func load64(b []byte, i int32) uint64 {
	return binary.LittleEndian.Uint64(b[i:])
}

func hash(u uint32) uint32 {
	return (u * 0x1e35a7bd) >> tableShift
}

// These constants are defined by the Snappy implementation so that its
// assembly implementation can fast-path some 16-bytes-at-a-time copies. They
// aren't necessary in the pure Go implementation, as we don't use those same
// optimizations, but using the same thresholds doesn't really hurt.
const (
	inputMargin            = 16 - 1
	minNonLiteralBlockSize = 1 + 1 + inputMargin
)

type tableEntry struct {
	val    uint32 // Value at destination
	offset int32
}

// deflateFast maintains the table for matches,
// and the previous byte block for cross block matching.
type deflateFast struct {
	table [tableSize]tableEntry
	prev  []byte // Previous block, zero length if unknown.
	cur   int32  // Current match offset.

	// fastflate: the array prev had before encode took the block it
	// encoded as prev (keep); the compressor's next window.
	spare []byte

	// fastflate: a block with no history (the first of a stream, which
	// for cpdaudit is nearly every block) is matched with fresh instead
	// of table; see encodeFresh. freshCur is e.cur of that block, and
	// tableStale says table has not yet been brought up to date with it.
	fresh      [tableSize]uint16
	freshCur   int32
	tableStale bool

	// fastflate: the frequencies of the literal/length and offset codes of
	// the tokens of the last encode, counted as they are made (Go counts
	// them in a second pass over the tokens, indexTokens). They are the
	// huffmanBitWriter's literalFreq and offsetFreq (compressor.init).
	litFreq [maxNumLit]int32
	offFreq [32]int32
}

func newDeflateFast() *deflateFast {
	return &deflateFast{cur: maxStoreBlockSize, prev: make([]byte, 0, maxStoreBlockSize)}
}

// encode encodes a block given in src and appends tokens
// to dst and returns the result.
func (e *deflateFast) encode(dst []token, src []byte) []token {
	// fastflate: the block after one matched by encodeFresh matches
	// against table, which must first hold what that block wrote.
	if len(e.prev) > 0 && e.tableStale {
		e.syncTable()
	}

	// Ensure that e.cur doesn't wrap.
	if e.cur >= bufferReset {
		e.shiftOffsets()
	}

	clear(e.litFreq[:])
	clear(e.offFreq[:])

	// This check isn't in the Snappy implementation, but there, the caller
	// instead of the callee handles this case.
	if len(src) < minNonLiteralBlockSize {
		e.cur += maxStoreBlockSize
		e.prev = e.prev[:0]
		return e.emitLiteral(dst, src)
	}

	if len(e.prev) == 0 && len(src) <= maxStoreBlockSize {
		return e.encodeFresh(dst, src)
	}

	// sLimit is when to stop looking for offset/length copies. The inputMargin
	// lets us use a fast path for emitLiteral in the main loop, while we are
	// looking for copies.
	sLimit := int32(len(src) - inputMargin)

	// nextEmit is where in src the next emitLiteral should start from.
	nextEmit := int32(0)
	s := int32(0)
	cv := load32(src, s)
	nextHash := hash(cv)

	for {
		// Copied from the C++ snappy implementation:
		//
		// Heuristic match skipping: If 32 bytes are scanned with no matches
		// found, start looking only at every other byte. If 32 more bytes are
		// scanned (or skipped), look at every third byte, etc.. When a match
		// is found, immediately go back to looking at every byte. This is a
		// small loss (~5% performance, ~0.1% density) for compressible data
		// due to more bookkeeping, but for non-compressible data (such as
		// JPEG) it's a huge win since the compressor quickly "realizes" the
		// data is incompressible and doesn't bother looking for matches
		// everywhere.
		//
		// The "skip" variable keeps track of how many bytes there are since
		// the last match; dividing it by 32 (ie. right-shifting by five) gives
		// the number of bytes to move ahead for each iteration.
		skip := int32(32)

		nextS := s
		var candidate tableEntry
		for {
			s = nextS
			bytesBetweenHashLookups := skip >> 5
			nextS = s + bytesBetweenHashLookups
			skip += bytesBetweenHashLookups
			if nextS > sLimit {
				goto emitRemainder
			}
			candidate = e.table[nextHash&tableMask]
			now := load32(src, nextS)
			e.table[nextHash&tableMask] = tableEntry{offset: s + e.cur, val: cv}
			nextHash = hash(now)

			offset := s - (candidate.offset - e.cur)
			if offset > maxMatchOffset || cv != candidate.val {
				// Out of range or not matched.
				cv = now
				continue
			}
			break
		}

		// A 4-byte match has been found. We'll later see if more than 4 bytes
		// match. But, prior to the match, src[nextEmit:s] are unmatched. Emit
		// them as literal bytes.
		dst = e.emitLiteral(dst, src[nextEmit:s])

		// Call emitCopy, and then see if another emitCopy could be our next
		// move. Repeat until we find no match for the input immediately after
		// what was consumed by the last emitCopy call.
		//
		// If we exit this loop normally then we need to call emitLiteral next,
		// though we don't yet know how big the literal will be. We handle that
		// by proceeding to the next iteration of the main loop. We also can
		// exit this loop via goto if we get close to exhausting the input.
		for {
			// Invariant: we have a 4-byte match at s, and no need to emit any
			// literal bytes prior to s.

			// fastflate: a run of one byte (runSteps).
			if candidate.offset-e.cur == s-1 {
				if k := runSteps(src, s, sLimit); k > 0 {
					dst = e.emitRun(dst, k)
					s += k * maxMatchLength
					v := load32(src, s)
					candidate = tableEntry{offset: e.cur + s - 1, val: v}
					e.table[hash(v)&tableMask] = tableEntry{offset: e.cur + s, val: v}
				}
			}

			// Extend the 4-byte match as long as possible.
			//
			s += 4
			t := candidate.offset - e.cur + 4
			l := e.matchLen(s, t, src)

			// matchToken is flate's equivalent of Snappy's emitCopy. (length,offset)
			dst = e.emitMatch(dst, uint32(l+4-baseMatchLength), uint32(s-t-baseMatchOffset))
			s += l
			nextEmit = s
			if s >= sLimit {
				goto emitRemainder
			}

			// We could immediately start working at s now, but to improve
			// compression we first update the hash table at s-1 and at s. If
			// another emitCopy is not our next move, also calculate nextHash
			// at s+1. At least on GOARCH=amd64, these three hash calculations
			// are faster as one load64 call (with some shifts) instead of
			// three load32 calls.
			x := load64(src, s-1)
			prevHash := hash(uint32(x))
			e.table[prevHash&tableMask] = tableEntry{offset: e.cur + s - 1, val: uint32(x)}
			x >>= 8
			currHash := hash(uint32(x))
			candidate = e.table[currHash&tableMask]
			e.table[currHash&tableMask] = tableEntry{offset: e.cur + s, val: uint32(x)}

			offset := s - (candidate.offset - e.cur)
			if offset > maxMatchOffset || uint32(x) != candidate.val {
				cv = uint32(x >> 8)
				nextHash = hash(cv)
				s++
				break
			}
		}
	}

emitRemainder:
	if int(nextEmit) < len(src) {
		dst = e.emitLiteral(dst, src[nextEmit:])
	}
	e.cur += int32(len(src))
	e.keep(src)
	return dst
}

// keep makes src, the block just encoded, the previous block. fastflate:
// Go copies it into prev; here prev becomes src itself (the compressor's
// window), and prev's array goes to e.spare, which the compressor takes
// as its window for the next block (compressor.encSpeed), so the block is
// not copied.
func (e *deflateFast) keep(src []byte) {
	e.spare = e.prev[:0]
	e.prev = src
}

// encodeFresh is encode for a block with no history: the first block
// after NewWriter, Reset or a block of under 17 bytes (len(e.prev) == 0).
// Every entry of table is then out of reach (its offset more than
// maxMatchOffset behind the block's first byte: reset and the short
// block move e.cur on by at least that much), so only the entries the
// block itself writes can match. They are kept in fresh, a position plus
// one per hash (0: none) in 2 bytes instead of table's 8, cleared here:
// 32 KB that stay in the first-level cache, where table's 128 KB is cold
// after the layout work between two streams. The value table keeps
// beside each offset is read back from src, where it came from. The
// entries are read, compared and written in the order encode uses, so
// the same matches are found and the tokens are the same.
func (e *deflateFast) encodeFresh(dst []token, src []byte) []token {
	clear(e.fresh[:])
	e.freshCur = e.cur
	e.tableStale = true

	sLimit := int32(len(src) - inputMargin)
	nextEmit := int32(0)
	s := int32(0)
	cv := load32(src, s)
	nextHash := hash(cv)

	for {
		// Heuristic match skipping, as in encode.
		skip := int32(32)

		nextS := s
		var candidate int32
		for {
			s = nextS
			bytesBetweenHashLookups := skip >> 5
			nextS = s + bytesBetweenHashLookups
			skip += bytesBetweenHashLookups
			if nextS > sLimit {
				goto emitRemainder
			}
			p := e.fresh[nextHash&tableMask]
			now := load32(src, nextS)
			e.fresh[nextHash&tableMask] = uint16(s + 1)
			nextHash = hash(now)

			candidate = int32(p) - 1
			if p == 0 || s-candidate > maxMatchOffset || cv != load32(src, candidate) {
				// None, out of range or not matched.
				cv = now
				continue
			}
			break
		}

		dst = e.emitLiteral(dst, src[nextEmit:s])

		for {
			// A run of one byte (runSteps).
			if candidate == s-1 {
				if k := runSteps(src, s, sLimit); k > 0 {
					dst = e.emitRun(dst, k)
					s += k * maxMatchLength
					e.fresh[hash(load32(src, s))&tableMask] = uint16(s + 1)
					candidate = s - 1
				}
			}

			// A 4-byte match at s with candidate; extend it (matchLen
			// within the block).
			s += 4
			t := candidate + 4
			s1 := min(int(s)+maxMatchLength-4, len(src))
			l := int32(commonPrefix(src[s:s1], src[t:]))

			dst = e.emitMatch(dst, uint32(l+4-baseMatchLength), uint32(s-t-baseMatchOffset))
			s += l
			nextEmit = s
			if s >= sLimit {
				goto emitRemainder
			}

			// The hashes at s-1 and s, as in encode.
			x := load64(src, s-1)
			prevHash := hash(uint32(x))
			e.fresh[prevHash&tableMask] = uint16(s) // s-1, plus one
			x >>= 8
			currHash := hash(uint32(x))
			p := e.fresh[currHash&tableMask]
			e.fresh[currHash&tableMask] = uint16(s + 1)

			candidate = int32(p) - 1
			if p == 0 || s-candidate > maxMatchOffset || uint32(x) != load32(src, candidate) {
				cv = uint32(x >> 8)
				nextHash = hash(cv)
				s++
				break
			}
		}
	}

emitRemainder:
	if int(nextEmit) < len(src) {
		dst = e.emitLiteral(dst, src[nextEmit:])
	}
	e.cur += int32(len(src))
	e.keep(src)
	return dst
}

// syncTable writes into table what encode would have left there after
// the block encodeFresh matched (now e.prev): that block's entries, with
// their offsets and values. The other slots keep entries older than the
// block, out of reach as encodeFresh found them and as encode's would be
// (e.cur only grows, and shiftOffsets maps all of them to zero), so no
// later match can tell them from encode's.
//
// fastflate: fresh is mostly empty after a block of long runs (a
// CIDToGIDMap), so it is read eight slots at a time and empty groups are
// skipped with one test.
func (e *deflateFast) syncTable() {
	prev := e.prev
	for i := 0; i < len(e.fresh); i += 8 {
		f := (*[8]uint16)(e.fresh[i : i+8])
		if f[0]|f[1]|f[2]|f[3]|f[4]|f[5]|f[6]|f[7] == 0 {
			continue
		}
		for j, p := range f {
			if p != 0 {
				pos := int32(p) - 1
				e.table[i+j] = tableEntry{offset: pos + e.freshCur, val: load32(prev, pos)}
			}
		}
	}
	e.tableStale = false
}

// emitLiteral appends a literal token for each byte of lit and counts
// them. fastflate: the slice is extended once, not checked by append per
// byte.
func (e *deflateFast) emitLiteral(dst []token, lit []byte) []token {
	n := len(dst)
	dst = slices.Grow(dst, len(lit))[:n+len(lit)]
	out := dst[n:]
	out = out[:len(lit)]
	freq := (*[256]int32)(e.litFreq[:256])
	for i, v := range lit {
		out[i] = literalToken(uint32(v))
		freq[v]++
	}
	return dst
}

// emitMatch appends a match token and counts its length and offset codes.
func (e *deflateFast) emitMatch(dst []token, xlength, xoffset uint32) []token {
	oc := offsetCodeLen(xoffset) & 31
	e.litFreq[lengthCodesStart+lengthCodes[uint8(xlength)]]++
	e.offFreq[oc]++
	return append(dst, matchToken(xlength, xoffset, oc))
}

// runSteps is the number of steps encode (or encodeFresh) would take in
// a row, from a 4-byte match at s with offset 1 (so src[s-1:s+4] is one
// byte repeated), that each emit a match of maxMatchLength at offset 1
// and come back to that state. fastflate: Go takes them one by one,
// comparing the match byte by byte and hashing after it; a CIDToGIDMap
// is 128 KB of them. A step is such a step when the byte goes on through
// src[s+261] (the 258 bytes matched and the four hashed after them, so
// that the hashes at s+257 and s+258 are the same slot and the candidate
// is s+257, offset 1 again) and s+258 < sLimit (encode does not stop).
// Its effects are the match token and the slot of the byte's hash, left
// holding s+258; the caller makes them for all k steps at once.
func runSteps(src []byte, s, sLimit int32) int32 {
	pat := uint64(src[s]) * 0x0101010101010101
	k := int32(0)
	for s+maxMatchLength < sLimit && isRun((*[maxMatchLength]byte)(src[s+4:s+4+maxMatchLength]), pat) {
		k++
		s += maxMatchLength
	}
	return k
}

// isRun reports whether every byte of b is pat's (pat is a byte
// repeated eight times).
func isRun(b *[maxMatchLength]byte, pat uint64) bool {
	for i := 0; i+32 <= maxMatchLength; i += 32 {
		q := b[i : i+32]
		if (binary.LittleEndian.Uint64(q)^pat)|(binary.LittleEndian.Uint64(q[8:])^pat)|
			(binary.LittleEndian.Uint64(q[16:])^pat)|(binary.LittleEndian.Uint64(q[24:])^pat) != 0 {
			return false
		}
	}
	return binary.LittleEndian.Uint64(b[maxMatchLength-8:]) == pat
}

// emitRun appends k matches of maxMatchLength at offset 1 and counts
// their codes, as k calls of emitMatch would.
func (e *deflateFast) emitRun(dst []token, k int32) []token {
	const xlength, xoffset = maxMatchLength - baseMatchLength, 1 - baseMatchOffset
	t := matchToken(xlength, xoffset, offsetCode(xoffset))
	for range k {
		dst = append(dst, t)
	}
	e.litFreq[lengthCodesStart+lengthCodes[xlength]] += k
	e.offFreq[offsetCode(xoffset)] += k
	return dst
}

// offsetCodeLen is offsetCode(off) for off < 32768, from the offset's
// bit length instead of a table chosen by branches on its size, which
// mispredict as the offsets of a block vary: codes 2k and 2k+1 hold the
// offsets of k+1 bits, the second those whose bit below the top is 1;
// offsets 0 and 1 are their own codes (TestOffsetCodeLen). Small enough
// for emitMatch to stay inlined.
func offsetCodeLen(off uint32) uint32 {
	// off|1 gives 0 and 1 one bit, and the bit then read is their own.
	l := uint32(bits.Len32(off | 1))
	return 2*l - 2 + (off>>((max(l, 2)-2)&31))&1
}

// matchLen returns the match length between src[s:] and src[t:].
// t can be negative to indicate the match is starting in e.prev.
// We assume that src[s-4:s] and src[t-4:t] already match.
func (e *deflateFast) matchLen(s, t int32, src []byte) int32 {
	s1 := int(s) + maxMatchLength - 4
	if s1 > len(src) {
		s1 = len(src)
	}

	// If we are inside the current block
	if t >= 0 {
		b := src[t:]
		a := src[s:s1]
		b = b[:len(a)]
		// Extend the match to be as long as possible.
		return int32(commonPrefix(a, b))
	}

	// We found a match in the previous block.
	tp := int32(len(e.prev)) + t
	if tp < 0 {
		return 0
	}

	// Extend the match to be as long as possible.
	a := src[s:s1]
	b := e.prev[tp:]
	if len(b) > len(a) {
		b = b[:len(a)]
	}
	a = a[:len(b)]
	if i := commonPrefix(a, b); i < len(b) {
		return int32(i)
	}

	// If we reached our limit, we matched everything we are
	// allowed to in the previous block and we return.
	n := int32(len(b))
	if int(s+n) == s1 {
		return n
	}

	// Continue looking for more matches in the current block.
	a = src[s+n : s1]
	b = src[:len(a)]
	return int32(commonPrefix(a, b)) + n
}

// commonPrefix is the number of leading bytes a and b share; len(b) must
// be at least len(a). fastflate: Go's loops compare a byte at a time; this
// compares eight, and finds the first differing byte of a word from its
// lowest set bit (the loads are little-endian, so byte i is bits 8i to
// 8i+7).
func commonPrefix(a, b []byte) int {
	b = b[:len(a)]
	n := 0
	for ; len(a)-n >= 8; n += 8 {
		if x := binary.LittleEndian.Uint64(a[n:]) ^ binary.LittleEndian.Uint64(b[n:]); x != 0 {
			return n + bits.TrailingZeros64(x)>>3
		}
	}
	for ; n < len(a); n++ {
		if a[n] != b[n] {
			return n
		}
	}
	return n
}

// Reset resets the encoding history.
// This ensures that no matches are made to the previous block.
func (e *deflateFast) reset() {
	e.prev = e.prev[:0]
	// Bump the offset, so all matches will fail distance check.
	// Nothing should be >= e.cur in the table.
	e.cur += maxMatchOffset

	// Protect against e.cur wraparound.
	if e.cur >= bufferReset {
		e.shiftOffsets()
	}
}

// shiftOffsets will shift down all match offset.
// This is only called in rare situations to prevent integer overflow.
//
// See https://golang.org/issue/18636 and https://github.com/golang/go/issues/34121.
func (e *deflateFast) shiftOffsets() {
	if len(e.prev) == 0 {
		// We have no history; just clear the table.
		clear(e.table[:])
		e.cur = maxMatchOffset + 1
		return
	}

	// Shift down everything in the table that isn't already too far away.
	for i := range e.table[:] {
		v := e.table[i].offset - e.cur + maxMatchOffset + 1
		if v < 0 {
			// We want to reset e.cur to maxMatchOffset + 1, so we need to shift
			// all table entries down by (e.cur - (maxMatchOffset + 1)).
			// Because we ignore matches > maxMatchOffset, we can cap
			// any negative offsets at 0.
			v = 0
		}
		e.table[i].offset = v
	}
	e.cur = maxMatchOffset + 1
}
