// Package report lays audit results out as files: one feedback PDF per
// member, the office's summary workbook, the CSV tables and run.json.
//
// It builds plain tables first (rows.go) and the writers only lay those out,
// so the PDF, XLSX and CSV outputs always agree. It never parses input.
package report
