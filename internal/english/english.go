// Package english holds the small helpers every message in plain English
// needs, so each package words them the same way.
package english

// Plural is one when n is 1, many otherwise: Plural(n, "file", "files").
func Plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
