package fpdf

import (
	"strings"
	"testing"
)

// cpdaudit patch: tests of SetUTF8ToUnicode's CMap.

func TestToUnicodeCMap(t *testing.T) {
	m := map[rune]string{0xFEE3: "\u0645", 0xFEFB: "\u0644\u0627", 0xFEAA: "\u062F"}
	// Only used characters are mapped; 0xFEAA is not used.
	got := toUnicodeCMap(m, map[int]int{0x41: 1, 0xFEE3: 1, 0xFEFB: 1})
	for _, want := range []string{
		"3 beginbfrange\n<0000> <FEE2> <0000>\n<FEE4> <FEFA> <FEE4>\n<FEFC> <FFFF> <FEFC>\nendbfrange\n",
		"2 beginbfchar\n<FEE3> <0645>\n<FEFB> <06440627>\nendbfchar\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("CMap lacks\n%s\ngot:\n%s", want, got)
		}
	}
	if toUnicodeCMap(m, map[int]int{0x41: 1}) != toUnicode {
		t.Error("with no mapped character used, the CMap is not the identity one")
	}
}

func TestSetUTF8ToUnicodeUnknownFont(t *testing.T) {
	p := New("P", "mm", "A4", "")
	p.SetUTF8ToUnicode("nosuch", "", map[rune]string{})
	if p.Err() == false {
		t.Error("a map for a font never added is not an error")
	}
}
