// cpdaudit patch (see CPDAUDIT-PATCHES.md): a cache of the parts of a
// UTF-8 font's PDF objects that depend only on the font file and the runes
// a document uses.

package fpdf

import (
	"container/list"
	"encoding/binary"
	"slices"
	"sync"
)

// cutFont is what putfonts writes for a UTF-8 font that depends only on
// the font file and the document's used runes: the subset font, its
// CIDToGIDMap (both compressed) and the /W array. Making it is about
// half of a small document's CPU (subsetting, then compressing 128 KiB of
// map and the subset); documents that use the same runes, such as letters
// written from one template, get the same bytes. Read-only once made.
type cutFont struct {
	length1 int    // length of the subset font before compression
	font    []byte // the subset font, compressed
	cidMap  []byte // the CIDToGIDMap, compressed
	widths  string // the contents of the /W array
}

// cutFontKey is a font file, known by the identity of its bytes as in
// utf8Cache, and the contents of a document's used runes (usedRunesKey).
type cutFontKey struct {
	src   *byte
	n     int
	runes string
}

// cutFonts holds the most recently used cutFont values, at most
// maxCutFonts of them. When full, the least recently used one goes
// (cpdaudit patch 22: it was the oldest made, so a set that many
// letters share was dropped and made again as often as a set used once).
var cutFonts struct {
	sync.Mutex
	m   map[cutFontKey]*list.Element // of *cutFontEntry
	lru list.List                    // most recently used first
}

type cutFontEntry struct {
	key cutFontKey
	c   *cutFont
}

// maxCutFonts bounds the cache to about 50 MB (a DejaVu Sans subset for a
// feedback letter compresses to about 25 KB). On 10,000 generated
// members, 2,293 sets of runes are used, 1,481 of them by one letter
// only: with 2,048 sets kept, 2,306 documents make theirs (1,024 kept
// first in, first out made 2,959).
const maxCutFonts = 2048

// cachedCutFont returns the cached value of key, or nil.
func cachedCutFont(key cutFontKey) *cutFont {
	cutFonts.Lock()
	defer cutFonts.Unlock()
	e := cutFonts.m[key]
	if e == nil {
		return nil
	}
	cutFonts.lru.MoveToFront(e)
	return e.Value.(*cutFontEntry).c
}

// keepCutFont caches c as the value of key, unless a value is cached
// already (another document made it meanwhile).
func keepCutFont(key cutFontKey, c *cutFont) {
	cutFonts.Lock()
	defer cutFonts.Unlock()
	if cutFonts.m == nil {
		cutFonts.m = make(map[cutFontKey]*list.Element)
	}
	if _, ok := cutFonts.m[key]; ok {
		return
	}
	if cutFonts.lru.Len() >= maxCutFonts {
		old := cutFonts.lru.Back()
		cutFonts.lru.Remove(old)
		delete(cutFonts.m, old.Value.(*cutFontEntry).key)
	}
	cutFonts.m[key] = cutFonts.lru.PushFront(&cutFontEntry{key, c})
}

// makeCutFont returns the cutFont of font, a UTF-8 font whose used runes
// are final, from the cache or made as upstream's putfonts made its parts.
// Encrypted documents encrypt their streams in place, so they get a new
// value that is not kept.
func (f *Fpdf) makeCutFont(font *fontDefType) *cutFont {
	src := font.utf8File.fileReader.array
	cacheable := len(src) > 0 && !f.protect.encrypted
	var key cutFontKey
	if cacheable {
		key = cutFontKey{src: &src[0], n: len(src), runes: usedRunesKey(font.usedRunes)}
		if c := cachedCutFont(key); c != nil {
			return c
		}
	}

	stream := font.utf8File.GenerateCutFont(font.usedRunes)
	c := &cutFont{length1: len(stream)}
	codeSignDictionary := font.utf8File.CodeSymbolDictionary
	delete(codeSignDictionary, 0)
	c.widths = cidWidths(font.Cw, font.usedRunes, font.utf8File.LastRune)

	// The 128 KiB map comes from a pool (cleared) instead of being
	// allocated for every document.
	cidMap := cidMaps.Get().(*[]byte)
	cidToGidMap := *cidMap
	clear(cidToGidMap)
	for cc, glyph := range codeSignDictionary {
		cidToGidMap[cc*2] = byte(glyph >> 8)
		cidToGidMap[cc*2+1] = byte(glyph & 0xFF)
	}
	mem := xmem.compress(cidToGidMap)
	cidMaps.Put(cidMap)
	c.cidMap = mem.copy()
	mem.release()

	mem = xmem.compress(stream)
	c.font = mem.copy()
	mem.release()

	if cacheable && stream != nil {
		keepCutFont(key, c)
	}
	return c
}

// usedRunesKey is the contents of a usedRunes map, one string for each
// (cpdaudit patch 26: it sorted every key): a bitmap of the runes below
// 256 that map to themselves (nearly all a letter uses), then the other
// entries in key order, each key followed by its value, as varints.
func usedRunesKey(used map[int]int) string {
	var low [4]uint64
	rest := make([]int, 0, 16)
	for k, v := range used {
		if k >= 0 && k < 256 && v == k {
			low[k>>6] |= 1 << (k & 63)
		} else {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	b := make([]byte, 0, 32+6*len(rest))
	for _, w := range low {
		b = binary.LittleEndian.AppendUint64(b, w)
	}
	for _, k := range rest {
		b = binary.AppendVarint(b, int64(k))
		b = binary.AppendVarint(b, int64(used[k]))
	}
	return string(b)
}

// cidMaps holds idle CIDToGIDMap buffers (see makeCutFont).
var cidMaps = sync.Pool{New: func() any {
	b := make([]byte, 256*256*2)
	return &b
}}
