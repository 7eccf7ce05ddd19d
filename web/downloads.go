package web

import (
	"archive/zip"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// download is one file the page offers: its name in the address, the file
// or folder in the run folder, and what it is for. Only these can be
// downloaded, and only from the audit's own run folder.
type download struct {
	Name, Rel, What string
	Zip             bool // Rel is a folder, sent as one zip of its PDFs
}

var downloads = []download{
	{"summary.xlsx", "summary.xlsx", "The office workbook: Summary, Activities, Import issues, Compliance and Run sheets; give a copy to each assessor", false},
	{"feedback.zip", "feedback", "Every member's pre-screen feedback PDF, as one zip", true},
	{"summary.csv", "summary.csv", "A row per member, for other systems", false},
	{"activities.csv", "activities.csv", "A row per activity, for other systems", false},
	{"import-issues.csv", "import-issues.csv", "Every row that could not be used", false},
	{"run.json", "run.json", "The record of the run: version, year, inputs with SHA-256, row accounting", false},
	{"sample.csv", "sample.csv", "The members drawn for review, and why", false},
	{"sample.json", "sample.json", "The sample's seed, rate and method", false},
	{"letters.csv", "letters.csv", "The mailing list: each member's email, final outcome, letter and feedback", false},
	{"final-letters.zip", "final", "The final letters and the final feedback PDFs, as one zip", true},
	{"final-summary.csv", "final-summary.csv", "Each member's decision and final outcome", false},
	{"final-summary.xlsx", "final-summary.xlsx", "The workbook with the decisions, Final outcomes and Agreement sheets", false},
}

func findDownload(name string) (download, bool) {
	for _, d := range downloads {
		if d.Name == name {
			return d, true
		}
	}
	return download{}, false
}

// FileInfo is a file the audit offers, for the page and the API.
type FileInfo struct {
	Name string `json:"name"`
	What string `json:"what"`
	Size int64  `json:"size,omitempty"`
	URL  string `json:"url"`
}

func available(a *Audit) []FileInfo {
	var out []FileInfo
	for _, d := range downloads {
		fi, err := os.Lstat(filepath.Join(a.RunDir(), d.Rel))
		if err != nil || (d.Zip && !fi.IsDir()) || (!d.Zip && !fi.Mode().IsRegular()) {
			continue
		}
		f := FileInfo{Name: d.Name, What: d.What, URL: pathFor("audits", a.ID, "download", d.Name)}
		if !d.Zip {
			f.Size = fi.Size()
		}
		out = append(out, f)
	}
	return out
}

func (s *Server) downloadsPage(w http.ResponseWriter, r *http.Request) {
	a := s.audit(w, r)
	if a == nil {
		return
	}
	s.render(w, r, http.StatusOK, "downloads", page{Title: "Downloads", A: a, Nav: "downloads", D: available(a)})
}

func (s *Server) download(w http.ResponseWriter, r *http.Request) {
	a := s.audit(w, r)
	if a == nil {
		return
	}
	d, ok := findDownload(r.PathValue("name"))
	if !ok {
		s.notFound(w, r, "There is no file "+r.PathValue("name")+" to download.")
		return
	}
	if d.Zip {
		s.serveZip(w, r, a, d)
		return
	}
	ctype := map[string]string{".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".csv": "text/csv; charset=utf-8", ".json": "application/json"}[filepath.Ext(d.Name)]
	s.serveFile(w, r, a, d.Rel, ctype, true)
}

// serveFile sends rel, a path this package made, from the audit's run
// folder; a symbolic link or anything but a regular file is not sent.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, a *Audit, rel, ctype string, attach bool) {
	path := filepath.Join(a.RunDir(), rel)
	fi, err := os.Lstat(path)
	if err != nil || !fi.Mode().IsRegular() {
		s.notFound(w, r, "This audit has no "+filepath.ToSlash(rel)+" yet.")
		return
	}
	f, err := os.Open(path)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", ctype)
	disp := "inline"
	if attach {
		disp = "attachment"
	}
	w.Header().Set("Content-Disposition", disp+`; filename="`+a.ID+"-"+filepath.Base(rel)+`"`)
	if ctype == "application/pdf" {
		// The browser's own PDF viewer must be allowed to show it in the
		// member's page.
		w.Header().Set("Content-Security-Policy", "frame-ancestors 'self'")
	}
	http.ServeContent(w, r, "", fi.ModTime(), f)
}

// serveZip streams the PDFs of a folder of the run (and of its feedback/
// sub-folder) as one zip, with fixed times so the same files give the
// same zip.
func (s *Server) serveZip(w http.ResponseWriter, r *http.Request, a *Audit, d download) {
	root := filepath.Join(a.RunDir(), d.Rel)
	if fi, err := os.Lstat(root); err != nil || !fi.IsDir() {
		s.notFound(w, r, "This audit has no "+d.Rel+" folder yet.")
		return
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="`+a.ID+"-"+d.Name+`"`)
	zw := zip.NewWriter(w)
	for _, sub := range []string{"", "feedback"} {
		entries, err := os.ReadDir(filepath.Join(root, sub))
		if err != nil {
			continue
		}
		for _, e := range entries {
			if !e.Type().IsRegular() || !strings.HasSuffix(e.Name(), ".pdf") {
				continue
			}
			if err := addToZip(zw, filepath.Join(root, sub, e.Name()), filepath.ToSlash(filepath.Join(sub, e.Name()))); err != nil {
				s.logf("%s: %v", d.Name, err)
				return // the zip is cut short; the browser reports a failed download
			}
		}
	}
	if err := zw.Close(); err != nil {
		s.logf("%s: %v", d.Name, err)
	}
}

func addToZip(zw *zip.Writer, path, name string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	h := &zip.FileHeader{Name: name, Method: zip.Deflate, Modified: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)}
	zf, err := zw.CreateHeader(h)
	if err != nil {
		return err
	}
	_, err = io.Copy(zf, f)
	return err
}
