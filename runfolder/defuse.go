package runfolder

import "strings"

// formulaStarts are the first characters that make a spreadsheet program
// evaluate a cell as a formula.
const formulaStarts = "=+-@\t\r"

// Defuse prefixes s with a single quote when it starts with a character
// that makes a spreadsheet evaluate the cell (OWASP's advice against CSV
// injection). Every text cell of the run folder's CSV files that may hold
// input goes through it.
func Defuse(s string) string {
	if s != "" && strings.ContainsRune(formulaStarts, rune(s[0])) {
		return "'" + s
	}
	return s
}

// Undefuse removes the quote Defuse added, so a value read back from the
// run folder is the value written.
func Undefuse(s string) string {
	if len(s) >= 2 && s[0] == '\'' && strings.ContainsRune(formulaStarts, rune(s[1])) {
		return s[1:]
	}
	return s
}
