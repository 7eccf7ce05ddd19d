package report

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// maxIDInName bounds the part of a file name taken from the member id, so
// a pasted paragraph in the id column cannot make an over-long path.
const maxIDInName = 48

// windowsReserved are device names Windows refuses as file names, with or
// without an extension, in any case.
var windowsReserved = map[string]bool{
	"CON": true, "PRN": true, "AUX": true, "NUL": true,
	"COM1": true, "COM2": true, "COM3": true, "COM4": true, "COM5": true, "COM6": true, "COM7": true, "COM8": true, "COM9": true,
	"LPT1": true, "LPT2": true, "LPT3": true, "LPT4": true, "LPT5": true, "LPT6": true, "LPT7": true, "LPT8": true, "LPT9": true,
}

// FeedbackFileName returns the file name of a member's feedback PDF.
//
// An id made only of digits, capital letters, '-' and '_' (12345,
// IES-01234), not starting with '-' and not a Windows device name, is used
// as it is: "<id>.pdf". Any other id is reduced to those characters and
// followed by '~' and a hash of the raw id ("ab12~3f9c0d1e2a.pdf"). The
// hash keeps apart ids that differ only in case or punctuation, which would
// otherwise share a file on Windows and macOS, whose file systems ignore
// case; '~' never occurs in a plain id, so a hashed name cannot clash with
// a plain one.
func FeedbackFileName(memberID string) string {
	if plainID(memberID) {
		return memberID + ".pdf"
	}
	var b strings.Builder
	for _, c := range memberID {
		if b.Len() >= maxIDInName {
			break
		}
		switch {
		case c >= '0' && c <= '9', c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c == '_':
			b.WriteRune(c)
		case c == '-' && b.Len() > 0:
			b.WriteRune(c)
		default:
			b.WriteByte('_')
		}
	}
	base := b.String()
	if base == "" {
		base = "member"
	}
	sum := sha256.Sum256([]byte(memberID))
	return base + "~" + hex.EncodeToString(sum[:5]) + ".pdf"
}

func plainID(id string) bool {
	if id == "" || len(id) > maxIDInName || id[0] == '-' || windowsReserved[id] {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
