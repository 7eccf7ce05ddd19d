package importer

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// cleanText is what every cell read goes through (issue 15), so a name
// or a reflection reaches the letters and flags as the characters it
// means:
//   - NFC: "Zoë" typed as e plus a combining diaeresis becomes the one
//     character ë, which every font has; the two forms compare equal.
//   - Escape sequences typed or exported literally (\u00eb, \u200d, \n, as
//     a JSON export or a database dump writes them) become the characters
//     they stand for, so they are never printed as backslash codes. Text
//     that holds a Windows path (C:\new) or a doubled backslash is left
//     as it is: there the backslash is meant.
//   - Control characters other than tab and line ends, and the byte order
//     mark, are removed: they are invisible and no font draws them.
func cleanText(s string) string {
	if simpleText(s) {
		return s
	}
	if strings.IndexByte(s, '\\') >= 0 && !strings.Contains(s, `:\`) && !strings.Contains(s, `\\`) {
		s = decodeEscapes(s)
	}
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\t', r == '\n', r == '\r':
			return r
		case unicode.IsControl(r), r == '\uFEFF':
			return -1
		}
		return r
	}, s)
	return norm.NFC.String(s)
}

// simpleText: printable ASCII, tabs and line ends, no backslash; nothing
// for cleanText to do. Most cells are like this.
func simpleText(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x7f || c == '\\' || (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
			return false
		}
	}
	return true
}

// decodeEscapes turns \uXXXX (and a UTF-16 surrogate pair of them),
// \UXXXXXXXX, \n, \r\n, \r and \t into the characters they stand for.
// Any other backslash is kept.
func decodeEscapes(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], '\\')
		if j < 0 {
			b.WriteString(s[i:])
			break
		}
		b.WriteString(s[i : i+j])
		i += j
		rest := s[i:]
		switch {
		case strings.HasPrefix(rest, `\r\n`):
			b.WriteByte('\n')
			i += 4
		case strings.HasPrefix(rest, `\n`), strings.HasPrefix(rest, `\r`):
			b.WriteByte('\n')
			i += 2
		case strings.HasPrefix(rest, `\t`):
			b.WriteByte('\t')
			i += 2
		case strings.HasPrefix(rest, `\u`) && hexRun(rest[2:], 4):
			r := rune(hexValue(rest[2:6]))
			n := 6
			if utf16High(r) && strings.HasPrefix(rest[6:], `\u`) && hexRun(rest[8:], 4) {
				if lo := rune(hexValue(rest[8:12])); utf16Low(lo) {
					r = (r-0xD800)<<10 + (lo - 0xDC00) + 0x10000
					n = 12
				}
			}
			if utf8.ValidRune(r) {
				b.WriteRune(r)
			}
			i += n // a lone surrogate stands for nothing: it is dropped
		case strings.HasPrefix(rest, `\U`) && hexRun(rest[2:], 8):
			if r := rune(hexValue(rest[2:10])); utf8.ValidRune(r) {
				b.WriteRune(r)
			}
			i += 10
		default:
			b.WriteByte('\\')
			i++
		}
	}
	return b.String()
}

func hexRun(s string, n int) bool {
	if len(s) < n {
		return false
	}
	for i := 0; i < n; i++ {
		if !strings.ContainsRune("0123456789abcdefABCDEF", rune(s[i])) {
			return false
		}
	}
	return true
}

func hexValue(s string) uint64 {
	v, _ := strconv.ParseUint(s, 16, 32)
	return v
}

func utf16High(r rune) bool { return r >= 0xD800 && r < 0xDC00 }
func utf16Low(r rune) bool  { return r >= 0xDC00 && r < 0xE000 }

// oneLine is a single-line field's text (a name, a title): every run of
// white space, line breaks and no-break spaces included, becomes one
// space, so a name typed with Alt+Enter in Excel prints on one line.
func oneLine(s string) string {
	if simpleLine(s) {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// simpleLine: printable ASCII with single inner spaces and none at the
// ends, which oneLine would return unchanged.
func simpleLine(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || (c == ' ' && s[i-1] == ' ') {
			return false
		}
	}
	return true
}

// quote puts user text in quotes for a flag or message that a letter or
// the summary shows. Unlike %q it never writes Go escape codes (\u200d,
// \n): the text is shown as its characters, on one line.
func quote(s string) string { return `"` + oneLine(s) + `"` }
