// Copyright ©2023 The go-pdf Authors. All rights reserved.
// Use of this source code is governed by a MIT-style
// license that can be found in the LICENSE file.

package fpdf

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
)

// SplitText splits UTF-8 encoded text into several lines using the current
// font. Each line has its length limited to a maximum width given by w. This
// function can be used to determine the total height of wrapped text for
// vertical placement purposes.
//
// cpdaudit patch: upstream converted the text to runes and every line back
// to a string. For valid UTF-8, the same lines are now cut from the text
// itself; other text goes the old way (splitTextRunes), which turns each
// invalid byte into U+FFFD.
func (f *Fpdf) SplitText(txt string, w float64) (lines []string) {
	return f.AppendSplitText(nil, txt, w)
}

// AppendSplitText appends SplitText(txt, w) to lines and returns the
// extended slice (cpdaudit patch: a letter wraps some 400 table cells, and
// a slice of lines for each was a fifth of its allocations; the caller
// can keep a row's lines in one).
func (f *Fpdf) AppendSplitText(lines []string, txt string, w float64) []string {
	if !utf8.ValidString(txt) {
		return append(lines, f.splitTextRunes(txt, w)...)
	}
	cw := f.currentFont.Cw
	wmax := int(math.Ceil((w - 2*f.cMargin) * 1000 / f.fontSize))
	s := strings.TrimRight(txt, "\n")
	nb := len(s)
	// As in splitTextRunes, but i, j and sep are byte offsets, and sepEnd
	// is the offset after the separator (upstream's sep+1).
	sep, sepEnd := -1, 0
	i := 0
	j := 0
	l := 0

	// acw is cw's ASCII part, when it has one (cpdaudit patch 34).
	var acw *[utf8.RuneSelf]int
	if len(cw) >= utf8.RuneSelf && !splitASCIIOff {
		acw = (*[utf8.RuneSelf]int)(cw[:utf8.RuneSelf])
	}
	for i < nb {
		// cpdaudit patch 34: a run of ASCII characters (most of a
		// letter) in a loop of its own: the same steps as below for a
		// character of one byte, without the tests for longer ones and
		// the width table's bounds.
		for ; acw != nil && i < nb && s[i] < utf8.RuneSelf; i++ {
			c := s[i]
			l += acw[c]
			if asciiSpace[c] {
				sep, sepEnd = i, i+1
			}
			if c == '\n' || l > wmax {
				if sep == -1 {
					if i == j {
						i++
					}
					sep = i
				} else {
					i = sepEnd
				}
				lines = append(lines, s[j:sep])
				sep = -1
				j = i
				l = 0
				i-- // the loop's i++ undone: i is where the next line starts
			}
		}
		if i >= nb {
			break
		}
		// ASCII (most of a letter) without decoding: one byte, and a
		// space exactly when unicode.IsSpace says so.
		c, size := rune(s[i]), 1
		if c >= utf8.RuneSelf {
			c, size = utf8.DecodeRuneInString(s[i:])
		}

		if int(c) >= len(cw) {
			// Decimal representation of c is greater than the font width's array size so it can't be used as index.
			l += cw[f.currentFont.Desc.MissingWidth]
		} else {
			l += cw[c]
		}

		if c < utf8.RuneSelf {
			if asciiSpace[c] {
				sep, sepEnd = i, i+1
			}
		} else if unicode.IsSpace(c) || isChinese(c) {
			sep, sepEnd = i, i+size
		}
		if c == '\n' || l > wmax {
			if sep == -1 {
				if i == j {
					i += size
				}
				sep = i
			} else {
				i = sepEnd
			}
			lines = append(lines, s[j:sep])
			sep = -1
			j = i
			l = 0
		} else {
			i += size
		}
	}
	if i != j {
		lines = append(lines, s[j:i])
	}
	return lines
}

// splitASCIIOff turns AppendSplitText's loop for ASCII off, for the tests
// that compare with the general one.
var splitASCIIOff bool

// splitTextRunes is upstream's SplitText.
func (f *Fpdf) splitTextRunes(txt string, w float64) (lines []string) {
	cw := f.currentFont.Cw
	wmax := int(math.Ceil((w - 2*f.cMargin) * 1000 / f.fontSize))
	s := []rune(txt) // Return slice of UTF-8 runes
	nb := len(s)
	for nb > 0 && s[nb-1] == '\n' {
		nb--
	}
	s = s[0:nb]
	sep := -1
	i := 0
	j := 0
	l := 0

	for i < nb {
		c := s[i]

		if int(c) >= len(cw) {
			// Decimal representation of c is greater than the font width's array size so it can't be used as index.
			l += cw[f.currentFont.Desc.MissingWidth]
		} else {
			l += cw[c]
		}

		if unicode.IsSpace(c) || isChinese(c) {
			sep = i
		}
		if c == '\n' || l > wmax {
			if sep == -1 {
				if i == j {
					i++
				}
				sep = i
			} else {
				i = sep + 1
			}
			lines = append(lines, string(s[j:sep]))
			sep = -1
			j = i
			l = 0
		} else {
			i++
		}
	}
	if i != j {
		lines = append(lines, string(s[j:i]))
	}
	return lines
}

// asciiSpace says which ASCII characters unicode.IsSpace reports as
// spaces (cpdaudit patch).
var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}
