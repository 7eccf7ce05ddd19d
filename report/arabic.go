package report

import "unicode"

// Arabic letters change shape with their neighbours: a letter joined on
// both sides takes its medial form, and so on. fpdf draws one glyph per
// character, with no OpenType shaping, so shapeArabic replaces each
// letter with the Unicode presentation form of its position before the
// text is drawn; the fonts used for Arabic map those forms to the same
// glyphs a shaping engine would pick. Lam followed by alef becomes the
// lam-alef ligature, which Arabic requires. Letters outside the table
// (rare extended letters) keep their isolated shape and are reported by
// needsShaping.

// arabicForms are a letter's isolated, final, initial and medial forms;
// zero where the letter has none (letters that join only to the letter
// before them have no initial or medial form).
var arabicForms = map[rune][4]rune{
	0x0621: {0xFE80, 0, 0, 0},
	0x0622: {0xFE81, 0xFE82, 0, 0},
	0x0623: {0xFE83, 0xFE84, 0, 0},
	0x0624: {0xFE85, 0xFE86, 0, 0},
	0x0625: {0xFE87, 0xFE88, 0, 0},
	0x0626: {0xFE89, 0xFE8A, 0xFE8B, 0xFE8C},
	0x0627: {0xFE8D, 0xFE8E, 0, 0},
	0x0628: {0xFE8F, 0xFE90, 0xFE91, 0xFE92},
	0x0629: {0xFE93, 0xFE94, 0, 0},
	0x062A: {0xFE95, 0xFE96, 0xFE97, 0xFE98},
	0x062B: {0xFE99, 0xFE9A, 0xFE9B, 0xFE9C},
	0x062C: {0xFE9D, 0xFE9E, 0xFE9F, 0xFEA0},
	0x062D: {0xFEA1, 0xFEA2, 0xFEA3, 0xFEA4},
	0x062E: {0xFEA5, 0xFEA6, 0xFEA7, 0xFEA8},
	0x062F: {0xFEA9, 0xFEAA, 0, 0},
	0x0630: {0xFEAB, 0xFEAC, 0, 0},
	0x0631: {0xFEAD, 0xFEAE, 0, 0},
	0x0632: {0xFEAF, 0xFEB0, 0, 0},
	0x0633: {0xFEB1, 0xFEB2, 0xFEB3, 0xFEB4},
	0x0634: {0xFEB5, 0xFEB6, 0xFEB7, 0xFEB8},
	0x0635: {0xFEB9, 0xFEBA, 0xFEBB, 0xFEBC},
	0x0636: {0xFEBD, 0xFEBE, 0xFEBF, 0xFEC0},
	0x0637: {0xFEC1, 0xFEC2, 0xFEC3, 0xFEC4},
	0x0638: {0xFEC5, 0xFEC6, 0xFEC7, 0xFEC8},
	0x0639: {0xFEC9, 0xFECA, 0xFECB, 0xFECC},
	0x063A: {0xFECD, 0xFECE, 0xFECF, 0xFED0},
	0x0641: {0xFED1, 0xFED2, 0xFED3, 0xFED4},
	0x0642: {0xFED5, 0xFED6, 0xFED7, 0xFED8},
	0x0643: {0xFED9, 0xFEDA, 0xFEDB, 0xFEDC},
	0x0644: {0xFEDD, 0xFEDE, 0xFEDF, 0xFEE0},
	0x0645: {0xFEE1, 0xFEE2, 0xFEE3, 0xFEE4},
	0x0646: {0xFEE5, 0xFEE6, 0xFEE7, 0xFEE8},
	0x0647: {0xFEE9, 0xFEEA, 0xFEEB, 0xFEEC},
	0x0648: {0xFEED, 0xFEEE, 0, 0},
	0x0649: {0xFEEF, 0xFEF0, 0xFBE8, 0xFBE9},
	0x064A: {0xFEF1, 0xFEF2, 0xFEF3, 0xFEF4},
	// Persian and Urdu letters, from Presentation Forms-A.
	0x0671: {0xFB50, 0xFB51, 0, 0},
	0x0679: {0xFB66, 0xFB67, 0xFB68, 0xFB69},
	0x067E: {0xFB56, 0xFB57, 0xFB58, 0xFB59},
	0x0686: {0xFB7A, 0xFB7B, 0xFB7C, 0xFB7D},
	0x0688: {0xFB88, 0xFB89, 0, 0},
	0x0691: {0xFB8C, 0xFB8D, 0, 0},
	0x0698: {0xFB8A, 0xFB8B, 0, 0},
	0x06A4: {0xFB6A, 0xFB6B, 0xFB6C, 0xFB6D},
	0x06A9: {0xFB8E, 0xFB8F, 0xFB90, 0xFB91},
	0x06AF: {0xFB92, 0xFB93, 0xFB94, 0xFB95},
	0x06BE: {0xFBAA, 0xFBAB, 0xFBAC, 0xFBAD},
	0x06C0: {0xFBA4, 0xFBA5, 0, 0},
	0x06C1: {0xFBA6, 0xFBA7, 0xFBA8, 0xFBA9},
	0x06CC: {0xFBFC, 0xFBFD, 0xFBFE, 0xFBFF},
	0x06D2: {0xFBAE, 0xFBAF, 0, 0},
}

// lamAlef maps the alef after a lam to the isolated lam-alef ligature; its
// final form is the next code point.
var lamAlef = map[rune]rune{0x0622: 0xFEF5, 0x0623: 0xFEF7, 0x0625: 0xFEF9, 0x0627: 0xFEFB}

const (
	zwnj = 0x200C // zero width non-joiner: keeps two letters apart
	zwj  = 0x200D // zero width joiner: joins as if a letter followed
	lam  = 0x0644
)

type joining uint8

const (
	joinNone joining = iota
	joinRight
	joinDual
	joinCausing
	joinTransparent
)

func joiningOf(r rune) joining {
	if f, ok := arabicForms[r]; ok {
		switch {
		case f[2] != 0:
			return joinDual
		case f[1] != 0:
			return joinRight
		}
		return joinNone
	}
	switch {
	case r == 0x0640 || r == zwj: // tatweel
		return joinCausing
	case r >= 0x0600 && r <= 0x08FF && unicode.Is(unicode.Mn, r):
		return joinTransparent
	}
	return joinNone
}

// shapeArabic returns rs with every Arabic letter in its contextual form
// and lam-alef pairs as ligatures, in logical order. has reports whether
// the font drawing the letter has a form; a form it lacks is left as the
// plain letter. Zero width joiners and non-joiners stay: the fonts draw
// them as nothing, and copied text keeps them (a Persian name may need
// its non-joiner).
func shapeArabic(rs []rune, has func(base, form rune) bool) []rune {
	out := make([]rune, 0, len(rs))
	// neighbour finds the nearest letter before (step -1) or after (+1) i
	// that is not a transparent mark.
	neighbour := func(i, step int) joining {
		for j := i + step; j >= 0 && j < len(rs); j += step {
			if jt := joiningOf(rs[j]); jt != joinTransparent {
				return jt
			}
		}
		return joinNone
	}
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		forms, ok := arabicForms[r]
		if !ok {
			out = append(out, r)
			continue
		}
		jt := joiningOf(r)
		prev := neighbour(i, -1)
		joinsPrev := (jt == joinRight || jt == joinDual) && (prev == joinDual || prev == joinCausing)
		if r == lam {
			// The alef may follow marks on the lam (a vowel sign); the
			// marks then go on the ligature.
			k := i + 1
			for k < len(rs) && joiningOf(rs[k]) == joinTransparent {
				k++
			}
			if k < len(rs) {
				if lig, ok := lamAlef[rs[k]]; ok {
					if joinsPrev {
						lig++
					}
					if has(r, lig) {
						out = append(out, lig)
						out = append(out, rs[i+1:k]...)
						i = k
						continue
					}
				}
			}
		}
		next := neighbour(i, +1)
		joinsNext := jt == joinDual && (next == joinRight || next == joinDual || next == joinCausing)
		form := forms[0]
		switch {
		case joinsPrev && joinsNext:
			form = forms[3]
		case joinsPrev:
			form = forms[1]
		case joinsNext:
			form = forms[2]
		}
		if form == 0 || !has(r, form) {
			form = r
		}
		out = append(out, form)
	}
	return out
}

// arabicToUnicode maps each presentation form shapeArabic draws back to
// the letters it stands for, for the PDF's ToUnicode map: copying a name
// from the letter, or pdftotext, gives "محمد", not its joined forms.
var arabicToUnicode = func() map[rune]string {
	m := make(map[rune]string)
	for base, forms := range arabicForms {
		for _, f := range forms {
			if f != 0 {
				m[f] = string(base)
			}
		}
	}
	for alef, lig := range lamAlef {
		m[lig] = string([]rune{lam, alef})
		m[lig+1] = string([]rune{lam, alef})
	}
	return m
}()
