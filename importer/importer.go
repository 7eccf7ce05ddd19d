package importer

import "github.com/ies/cpdaudit/audit"

// FileInfo identifies one input file for the run record.
type FileInfo struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

// FileResult is everything read from one input file.
type FileResult struct {
	File       FileInfo
	Activities []audit.Activity
	Issues     []Issue
	Accounting Accounting
}
