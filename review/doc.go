// Package review is the assessor's loop that follows an audit run: it
// chooses who gets a human review (Draw), reads the assessors' decisions
// back from an edited summary workbook (ReadDecisions), applies them to the
// run's pre-screen outcomes (Apply) and measures how often assessors agreed
// with the tool (Measure).
//
// Its functions take and return values; only the small readers and writers
// at the edges touch files, and nothing here prints. The command line in
// cmd/cpdaudit decides what to show and which exit status to use.
//
// The run folder is the contract between the steps: summary.csv is the
// pre-screen as the tool wrote it, and the workbook an assessor edits is
// checked against it cell by cell, so a decision is only ever applied to
// the record the assessor actually saw.
package review
