package importer

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// supported are the extensions cpdaudit reads.
var supported = map[string]bool{".csv": true, ".xlsx": true, ".xlsm": true}

// legacy are spreadsheet types people send that cpdaudit does not read;
// each gets advice on converting it.
var legacy = map[string]string{
	".xls":     "an old Excel 97-2003 workbook (.xls)",
	".xlsb":    "an Excel binary workbook (.xlsb)",
	".ods":     "an OpenDocument spreadsheet (.ods)",
	".numbers": "an Apple Numbers spreadsheet (.numbers)",
}

// Discover expands files and folders (folders recursively) into a sorted,
// de-duplicated list of .csv, .xlsx and .xlsm files. A path that does not
// exist, or a file given by name with an unsupported type, is an Issue.
// Legacy .xls, .xlsb, .ods and .numbers files (named or found in a folder)
// are an Issue that says how to convert them. Something that is not a
// regular file (a named pipe, a device, a socket, or a folder named like
// x.csv) is an Issue when it is named, or found in a folder under a name
// cpdaudit would read; it is never opened, as reading a pipe or a device
// can wait for ever. Other files in folders, hidden files and folders, and
// Office lock files (~$x.xlsx) are skipped silently.
func Discover(paths []string) (files []string, issues []Issue) {
	seen := map[string]bool{}
	add := func(p string) {
		p = filepath.Clean(p)
		key := p
		if abs, err := filepath.Abs(p); err == nil {
			key = abs
		}
		if !seen[key] {
			seen[key] = true
			files = append(files, p)
		}
	}
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			issues = append(issues, *openIssue(p, err))
			continue
		}
		ext := strings.ToLower(filepath.Ext(p))
		switch {
		case legacy[ext] != "":
			// Checked first: a .numbers document is a folder on a Mac.
			issues = append(issues, legacyIssue(p, ext))
		case st.IsDir() && supported[ext]:
			issues = append(issues, notAFile(p, st.Mode()))
		case st.IsDir():
			issues = append(issues, walk(p, add)...)
		case !st.Mode().IsRegular():
			issues = append(issues, notAFile(p, st.Mode()))
		case supported[ext]:
			add(p)
		default:
			issues = append(issues, Issue{File: p, Kind: ErrUnsupported,
				Problem: "cpdaudit reads only .csv, .xlsx and .xlsm files",
				Action:  "Save the CPD record as an Excel workbook (.xlsx) or a CSV file"})
		}
	}
	slices.Sort(files)
	slices.SortStableFunc(issues, func(a, b Issue) int { return strings.Compare(a.File, b.File) })
	return files, issues
}

func walk(root string, add func(string)) []Issue {
	var issues []Issue
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			issues = append(issues, *openIssue(p, err))
			if d != nil && d.IsDir() && p != root {
				return fs.SkipDir
			}
			return nil
		}
		name := d.Name()
		if p != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "~$")) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		ext := strings.ToLower(filepath.Ext(name))
		switch {
		case legacy[ext] != "" && p != root:
			issues = append(issues, legacyIssue(p, ext))
			if d.IsDir() {
				return fs.SkipDir
			}
		case d.IsDir() && supported[ext] && p != root:
			issues = append(issues, notAFile(p, d.Type()))
			return fs.SkipDir
		case d.IsDir():
		case supported[ext] && d.Type().IsRegular():
			add(p)
		case supported[ext] && d.Type()&fs.ModeSymlink != 0:
			// A link to a file is read like the file; a broken link or
			// a loop is reported, never silently dropped. Links to
			// folders are not followed, so a folder loop cannot hang.
			st, err := os.Stat(p)
			switch {
			case err != nil:
				issues = append(issues, *openIssue(p, err))
			case st.Mode().IsRegular():
				add(p)
			default:
				issues = append(issues, notAFile(p, st.Mode()))
			}
		case supported[ext]:
			issues = append(issues, notAFile(p, d.Type()))
		}
		return nil
	})
	if err != nil {
		issues = append(issues, *openIssue(root, err))
	}
	return issues
}

// notAFile is the issue of a path that is not a regular file, by what it
// is instead. It is never opened.
func notAFile(p string, mode fs.FileMode) Issue {
	iss := Issue{File: p, Kind: ErrUnsupported,
		Action: "Give the CPD records as a .csv, .xlsx or .xlsm file saved on disk"}
	switch {
	case mode.IsDir():
		iss.Problem = "this is a folder, not a file, although its name ends in " + filepath.Ext(p) + ", so nothing in it was read"
		iss.Action = "If it holds CPD records, rename the folder so its name does not end in " + filepath.Ext(p) + ", or give the files inside it"
	case mode&fs.ModeNamedPipe != 0:
		iss.Problem = "this is a named pipe (FIFO), not a file, so it was not read (reading it could wait for ever)"
	case mode&fs.ModeSocket != 0:
		iss.Problem = "this is a socket, not a file, so it was not read"
	case mode&fs.ModeDevice != 0, mode&fs.ModeCharDevice != 0:
		iss.Problem = "this is a device, not a file, so it was not read"
	default:
		iss.Problem = "this is not a regular file, so it was not read"
	}
	return iss
}

func legacyIssue(p, ext string) Issue {
	return Issue{File: p, Kind: ErrUnsupported,
		Problem: "this is " + legacy[ext] + ", which cpdaudit does not read",
		Action:  "Open it in Excel (or LibreOffice) and use File > Save As, choosing Excel Workbook (.xlsx), then run again"}
}
