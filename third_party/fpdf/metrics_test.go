// cpdaudit patch: reading a glyph's metrics must not write to the font
// file's bytes, which every document made from that font shares.

package fpdf

import (
	"bytes"
	"testing"
)

func TestGetMetricsLeavesFontBytes(t *testing.T) {
	// An hmtx table of 2 long metrics (advance, side bearing) followed by
	// the side bearings of glyphs 2 and 3, which share the last advance.
	hmtx := []byte{0, 10, 0, 1, 0, 20, 0, 2, 0, 3, 0, 4}
	font := append([]byte{}, hmtx...)
	utf := &utf8FontFile{
		fileReader:        &fileReader{array: font},
		tableDescriptions: map[string]*tableDescription{"hmtx": {name: "hmtx", position: 0, size: len(hmtx)}},
	}
	if got := utf.getMetrics(2, 3); !bytes.Equal(got, []byte{0, 20, 0, 4}) {
		t.Errorf("metrics of glyph 3 = %v, want advance 20 and side bearing 4", got)
	}
	if !bytes.Equal(font, hmtx) {
		t.Errorf("getMetrics changed the font's bytes: %v, was %v", font, hmtx)
	}
}
