// Package importer turns the files the IES office sends (CSV and Excel CPD
// exports, members' own workbooks, the member register and the policy file)
// into audit values, and everything it could not use into Issues.
//
// Its promise is zero loss: every data row read ends as exactly one
// accepted activity or one rejected row with at least one Issue, or is
// counted as blank. Accounting holds the counts and Check verifies them.
// It knows nothing of PDFs or workbooks written for output.
package importer
