package report

import (
	"encoding/binary"
	"errors"
)

// coverage is the set of BMP characters a font has a glyph for. fpdf
// draws only the Basic Multilingual Plane (its width table has 65,536
// entries), so nothing above it is needed.
type coverage [0x10000 / 64]uint64

func (c *coverage) has(r rune) bool {
	return r >= 0 && r < 0x10000 && c[r>>6]&(1<<(r&63)) != 0
}

func (c *coverage) add(r rune) {
	if r >= 0 && r < 0x10000 {
		c[r>>6] |= 1 << (r & 63)
	}
}

// fontCoverage reads the characters a TrueType font maps to a glyph other
// than .notdef from its Unicode cmap (format 4, or format 12 where the font
// has one). The fonts are our own embedded files; the checks are there so
// a damaged file gives an error, not a panic.
func fontCoverage(ttf []byte) (*coverage, error) {
	bad := errors.New("the font's character map cannot be read")
	u16 := func(o int) (int, bool) {
		if o < 0 || o+2 > len(ttf) {
			return 0, false
		}
		return int(binary.BigEndian.Uint16(ttf[o:])), true
	}
	u32 := func(o int) (int, bool) {
		if o < 0 || o+4 > len(ttf) {
			return 0, false
		}
		return int(binary.BigEndian.Uint32(ttf[o:])), true
	}
	numTables, ok := u16(4)
	if !ok {
		return nil, bad
	}
	cmap := -1
	for i := range numTables {
		rec := 12 + 16*i
		if rec+16 > len(ttf) {
			return nil, bad
		}
		if string(ttf[rec:rec+4]) == "cmap" {
			cmap, _ = u32(rec + 8)
		}
	}
	if cmap < 0 {
		return nil, bad
	}
	n, ok := u16(cmap + 2)
	if !ok {
		return nil, bad
	}
	best, bestFormat := -1, 0
	for i := range n {
		rec := cmap + 4 + 8*i
		platform, ok1 := u16(rec)
		encoding, ok2 := u16(rec + 2)
		off, ok3 := u32(rec + 4)
		if !ok1 || !ok2 || !ok3 {
			return nil, bad
		}
		unicode := platform == 0 || (platform == 3 && (encoding == 1 || encoding == 10))
		format, _ := u16(cmap + off)
		if unicode && (format == 4 || format == 12) && format > bestFormat {
			best, bestFormat = cmap+off, format
		}
	}
	c := new(coverage)
	switch bestFormat {
	case 4:
		segX2, ok := u16(best + 6)
		if !ok {
			return nil, bad
		}
		ends, starts, deltas, ranges := best+14, best+16+segX2, best+16+2*segX2, best+16+3*segX2
		for s := 0; s < segX2; s += 2 {
			end, ok1 := u16(ends + s)
			start, ok2 := u16(starts + s)
			delta, ok3 := u16(deltas + s)
			ro, ok4 := u16(ranges + s)
			if !ok1 || !ok2 || !ok3 || !ok4 {
				return nil, bad
			}
			for ch := start; ch <= end && ch < 0xFFFF; ch++ {
				g := 0
				if ro == 0 {
					g = (ch + delta) & 0xFFFF
				} else if gi, ok := u16(ranges + s + ro + 2*(ch-start)); ok && gi != 0 {
					g = (gi + delta) & 0xFFFF
				}
				if g != 0 {
					c.add(rune(ch))
				}
			}
		}
	case 12:
		groups, ok := u32(best + 12)
		if !ok {
			return nil, bad
		}
		for i := range groups {
			g := best + 16 + 12*i
			start, ok1 := u32(g)
			end, ok2 := u32(g + 4)
			gid, ok3 := u32(g + 8)
			if !ok1 || !ok2 || !ok3 {
				return nil, bad
			}
			for ch := start; ch <= end && ch < 0x10000; ch++ {
				if gid+ch-start != 0 {
					c.add(rune(ch))
				}
			}
		}
	default:
		return nil, bad
	}
	return c, nil
}
