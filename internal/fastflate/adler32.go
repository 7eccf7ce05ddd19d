package fastflate

import "encoding/binary"

// Adler-32 (RFC 1950), the zlib trailer's checksum. fastflate: Go's
// hash/adler32 adds byte after byte, two dependent additions per byte;
// this adds eight bytes per step. For bytes b0..b7 after sums s1 and s2,
// the byte-by-byte loop ends with s1 + (b0+...+b7) and
// s2 + 8*s1 + (8*b0 + 7*b1 + ... + 1*b7); the byte sum and the weighted
// sum are taken with a few multiplications on 16-bit lanes. The sums are
// reduced modulo 65521 at the same points as Go's (every adlerNmax bytes),
// well before they could overflow, so the value is the same on every
// input (TestAdler32SameAsStdlib). Runs of zero words take one
// multiplication (zeroPrefix).

const (
	adlerMod = 65521
	// adlerNmax is the largest n such that
	// 255 * n * (n+1) / 2 + (n+1) * (mod-1) <= 2^32-1 (zlib's NMAX); a
	// multiple of 8.
	adlerNmax = 5552

	lanes = 0x00ff00ff00ff00ff
	// Multiplying four 16-bit lanes x0..x3 (x0 lowest) by a constant with
	// lanes c0..c3 puts x0*c3 + x1*c2 + x2*c1 + x3*c0 in the top lane; no
	// lane's sum reaches 2^16 for bytes, so nothing carries into it.
	sumAll  = 0x0001000100010001
	weightE = 2 | 4<<16 | 6<<32 | 8<<48 // b0, b2, b4, b6 weigh 8, 6, 4, 2
	weightO = 1 | 3<<16 | 5<<32 | 7<<48 // b1, b3, b5, b7 weigh 7, 5, 3, 1
)

// adler32Update is hash/adler32's update: the checksum d continued over p.
func adler32Update(d uint32, p []byte) uint32 {
	s1, s2 := d&0xffff, d>>16
	for len(p) > 0 {
		var q []byte
		if len(p) > adlerNmax {
			p, q = p[:adlerNmax], p[adlerNmax:]
		}
		for len(p) >= 8 {
			v := binary.LittleEndian.Uint64(p)
			if v == 0 {
				// A run of zero bytes (a CIDToGIDMap is nearly all
				// zero): s1 stays, and s2 gains s1 per byte.
				z := zeroPrefix(p)
				s2 += uint32(z) * s1
				p = p[z:]
				continue
			}
			even, odd := v&lanes, v>>8&lanes
			if len(p) >= 16 {
				// Sixteen bytes: the first eight weigh 8 more than the
				// second eight, so both weighted sums come from two
				// multiplications of the lanes added together, plus 8
				// times the first eight's sum (no lane's sum reaches
				// 2^16: 510 * 20 at most).
				v1 := binary.LittleEndian.Uint64(p[8:])
				even1, odd1 := v1&lanes, v1>>8&lanes
				sum0 := uint32(((even + odd) * sumAll) >> 48)
				sum1 := uint32(((even1 + odd1) * sumAll) >> 48)
				s2 += 16*s1 + 8*sum0 + uint32(((even+even1)*weightE)>>48) + uint32(((odd+odd1)*weightO)>>48)
				s1 += sum0 + sum1
				p = p[16:]
				continue
			}
			s2 += 8*s1 + uint32((even*weightE)>>48) + uint32((odd*weightO)>>48)
			s1 += uint32(((even + odd) * sumAll) >> 48)
			p = p[8:]
		}
		for _, x := range p {
			s1 += uint32(x)
			s2 += s1
		}
		s1 %= adlerMod
		s2 %= adlerMod
		p = q
	}
	return s2<<16 | s1
}

// zeroPrefix is the length of p's run of leading zero bytes, counted in
// whole 8-byte words, at least one (p starts with one). fastflate: a run
// adds nothing to s1 and s1 per byte to s2, so adler32Update adds it in
// one multiplication: the same sums, exactly, as no reduction modulo
// 65521 falls inside it (p is at most adlerNmax bytes here).
func zeroPrefix(p []byte) int {
	n := 8
	for ; len(p)-n >= 32; n += 32 {
		q := p[n : n+32]
		if binary.LittleEndian.Uint64(q)|binary.LittleEndian.Uint64(q[8:])|
			binary.LittleEndian.Uint64(q[16:])|binary.LittleEndian.Uint64(q[24:]) != 0 {
			break
		}
	}
	for ; len(p)-n >= 8 && binary.LittleEndian.Uint64(p[n:]) == 0; n += 8 {
	}
	return n
}
