package pipeline

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/ies/cpdaudit/importer"
	"github.com/ies/cpdaudit/runfolder"
)

// runInputs is what discovery found for a run or check.
type runInputs struct {
	files   []string
	issues  []importer.Issue
	notices []importer.Notice
}

// findInputs expands the INPUT paths into the files to read. Files an
// earlier cpdaudit run wrote (its tables, found beside its run.json) are
// left out with a notice, and so is this run's own output folder when it
// lies inside an input folder: a run never reads its own results back as
// CPD records. For run (writes), an output that would replace an input
// file, the register or the policy file is wrong usage, refused before
// any input is read.
func findInputs(o *Options, writes bool) (runInputs, error) {
	files, issues := importer.Discover(o.Inputs)
	var in runInputs
	named := map[string]bool{}
	for _, p := range o.Inputs {
		named[filepath.Clean(p)] = true
	}
	out := resolvePath(o.Out)
	// The output folder is left out of the walk when it lies inside an
	// input folder; when it is an input folder itself, the files an
	// earlier run wrote there are recognised as such below.
	skipOut := false
	for _, p := range o.Inputs {
		if writes && within(resolvePath(p), out) {
			skipOut = true
		}
	}
	outNoted := false
	markers := map[string]bool{} // folder: it holds a cpdaudit run.json
	for _, f := range files {
		if skipOut && !named[f] && within(out, resolvePath(f)) {
			// Found by walking an input folder that holds the output
			// folder: left out, with one notice for the folder.
			if !outNoted {
				outNoted = true
				in.notices = append(in.notices, importer.Notice{File: o.Out,
					Message: "this is the run's output folder, inside an input folder, so nothing in it was read as CPD records"})
			}
			continue
		}
		if what, ok := ownOutput(f, markers); ok {
			in.notices = append(in.notices, importer.Notice{File: f,
				Message: "this is " + what + " written by an earlier cpdaudit run (its run.json is beside it), so it was not read as CPD records"})
			continue
		}
		if looksLikeOwnActivities(f) {
			in.notices = append(in.notices, importer.Notice{File: f,
				Message: "this looks like the activities.csv a cpdaudit run writes, but no run.json is beside it, so it was read as CPD records; if it is an earlier run's output, take it out of the inputs or its activities count twice"})
		}
		in.files = append(in.files, f)
	}
	for _, is := range issues {
		if skipOut && within(out, resolvePath(is.File)) && !named[filepath.Clean(is.File)] {
			continue // inside the output folder: not an input
		}
		in.issues = append(in.issues, is)
	}
	if !writes {
		return in, nil
	}
	targets := newOutputTargets(o.Out)
	for _, f := range in.files {
		if err := targets.refuse("the input", f); err != nil {
			return in, err
		}
	}
	for _, x := range []struct{ flag, path string }{{"--register", o.Register}, {"--policy", o.Policy}} {
		if x.path != "" {
			if err := targets.refuse(x.flag+" file", x.path); err != nil {
				return in, err
			}
		}
	}
	return in, nil
}

// outputTargets are the paths a run writes in its output folder, looked
// up once for all the inputs.
type outputTargets struct {
	outDir   string
	out      pathID
	entries  []pathID // runEntries, in order
	feedback string   // the feedback folder, resolved
}

// pathID is a path as written, resolved, and the file it names if any.
type pathID struct {
	given, resolved string
	fi              os.FileInfo
}

func newPathID(p string) pathID {
	id := pathID{given: p, resolved: resolvePath(p)}
	id.fi, _ = os.Stat(p)
	return id
}

// same: the same resolved path, or the same file on disk (a hard link).
func (a pathID) same(b pathID) bool {
	return a.resolved == b.resolved || (a.fi != nil && b.fi != nil && os.SameFile(a.fi, b.fi))
}

func newOutputTargets(outDir string) *outputTargets {
	t := &outputTargets{outDir: outDir, out: newPathID(outDir)}
	for _, name := range runEntries {
		id := newPathID(filepath.Join(outDir, name))
		t.entries = append(t.entries, id)
		if name == "feedback" {
			t.feedback = id.resolved
		}
	}
	return t
}

// refuse is a usage error when writing the run's outputs would replace
// path: path is the output folder itself, one of the files a run writes
// there, or inside its feedback folder.
func (t *outputTargets) refuse(what, path string) error {
	p := newPathID(path)
	if p.same(t.out) {
		return usagef("--out %s is %s %s: the run would write its output folder over it; give --out a new folder", t.outDir, what, path)
	}
	for _, e := range t.entries {
		if p.same(e) || (e.resolved == t.feedback && within(t.feedback, p.resolved)) {
			return usagef("--out %s would replace %s %s: the run writes %s there; give --out another folder, or move the input", t.outDir, what, path, e.given)
		}
	}
	return nil
}

// resolvePath is p made absolute, with its links resolved (or, when p
// does not exist yet, those of its folder), so two spellings of one place
// compare equal.
func resolvePath(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		return filepath.Clean(p)
	}
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		return r
	}
	dir, base := filepath.Split(abs)
	if d, err := filepath.EvalSymlinks(dir); err == nil {
		return filepath.Join(d, base)
	}
	return abs
}

// within reports whether path p lies inside folder dir (both resolved).
func within(dir, p string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != "." && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// ownOutput reports whether path is a table a cpdaudit run (or its sample
// or finalize) wrote: there is a run.json from cpdaudit in its folder (the
// marker), and its content is cpdaudit's (a CSV whose header starts with
// member_id or source_file, or a workbook with cpdaudit's Summary and Run
// sheets). what names it for the notice. markers caches, per folder,
// whether it holds a cpdaudit run.json.
func ownOutput(path string, markers map[string]bool) (what string, ok bool) {
	dir := filepath.Dir(path)
	marked, seen := markers[dir]
	if !seen {
		marked = isRunRecord(filepath.Join(dir, "run.json"))
		markers[dir] = marked
	}
	if !marked {
		return "", false
	}
	base := filepath.Base(path)
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		h := csvHeader(path)
		if strings.HasPrefix(h, "member_id,") || strings.HasPrefix(h, "source_file,") {
			return "the table " + base, true
		}
	case ".xlsx", ".xlsm":
		if isOwnWorkbook(path) {
			return "the workbook " + base, true
		}
	}
	return "", false
}

// activitiesHeader is the header line of the activities.csv a run writes.
var activitiesHeader = strings.Join(runfolder.ActivityColumns, ",")

// looksLikeOwnActivities: a CSV whose header is exactly the one of a run's
// activities.csv (checked only when ownOutput found no marker).
func looksLikeOwnActivities(path string) bool {
	return strings.EqualFold(filepath.Ext(path), ".csv") && csvHeader(path) == activitiesHeader
}

// isRunRecord: the file is a run.json cpdaudit wrote.
func isRunRecord(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() || fi.Size() > 64<<20 {
		return false
	}
	var rec struct {
		Tool string `json:"tool"`
	}
	return json.NewDecoder(f).Decode(&rec) == nil && rec.Tool == "cpdaudit"
}

// csvHeader is the first line of a CSV file (at most 4 KB, without a BOM
// or line end), or "" when it cannot be read.
func csvHeader(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	line, err := bufio.NewReader(io.LimitReader(f, 4<<10)).ReadString('\n')
	if err != nil && line == "" {
		return ""
	}
	line = strings.TrimPrefix(line, "\uFEFF")
	return strings.TrimRight(line, "\r\n")
}

// isOwnWorkbook: the workbook has the Summary and Run sheets of
// summary.xlsx (final-summary.xlsx is a copy of it). Only the small
// workbook part is read.
func isOwnWorkbook(path string) bool {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return false
	}
	defer zr.Close()
	for _, f := range zr.File {
		if !strings.EqualFold(f.Name, "xl/workbook.xml") || f.UncompressedSize64 > 1<<20 {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return false
		}
		b, err := io.ReadAll(io.LimitReader(rc, 1<<20))
		rc.Close()
		return err == nil && bytes.Contains(b, []byte(`name="Summary"`)) && bytes.Contains(b, []byte(`name="Run"`))
	}
	return false
}
