package web

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/ies/cpdaudit/audit"
	"github.com/ies/cpdaudit/report"
	"github.com/ies/cpdaudit/review"
	"github.com/ies/cpdaudit/runfolder"
)

// runRecord is run.json, as runfolder defines it.
type runRecord = runfolder.Record

func readRunRecord(dir string) (*runRecord, error) {
	b, err := os.ReadFile(filepath.Join(dir, "run.json"))
	if err != nil {
		return nil, err
	}
	var rec runRecord
	if err := json.Unmarshal(b, &rec); err != nil {
		return nil, fmt.Errorf("%s cannot be read: %w", filepath.Join(dir, "run.json"), err)
	}
	return &rec, nil
}

// memberRow is a member as the results table shows it.
type memberRow struct {
	review.Member
	Hours   string
	Flags   string
	Sampled string // the sample's reason, "" when not drawn
}

// runView is what the results, sample and final pages read from a run
// folder, kept while run.json is unchanged.
type runView struct {
	Run        *review.Run
	Record     *runRecord
	Rows       []memberRow
	Compliance report.Compliance
}

type runCache struct {
	mu    sync.Mutex
	views map[string]cachedView
}

type cachedView struct {
	mod  time.Time
	size int64
	v    *runView
}

func (c *runCache) forget(dir string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.views, dir)
}

// load reads the run folder dir through the review package (the reader
// of run folders sample and finalize use), and tallies the compliance
// rates with the code that writes the Compliance sheet.
func (c *runCache) load(dir string) (*runView, error) {
	fi, err := os.Stat(filepath.Join(dir, "run.json"))
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if cv, ok := c.views[dir]; ok && cv.mod.Equal(fi.ModTime()) && cv.size == fi.Size() {
		c.mu.Unlock()
		return cv.v, nil
	}
	c.mu.Unlock()
	run, err := review.ReadRun(dir)
	if err != nil {
		return nil, err
	}
	rec, err := readRunRecord(dir)
	if err != nil {
		return nil, err
	}
	v := &runView{Run: run, Record: rec}
	extra, err := summaryExtras(filepath.Join(dir, "summary.csv"))
	if err != nil {
		return nil, err
	}
	results := make([]audit.MemberResult, len(run.Members))
	v.Rows = make([]memberRow, len(run.Members))
	for i, m := range run.Members {
		results[i].Member.Grade = m.Grade
		results[i].Outcome = m.Outcome
		for k := range m.Standards {
			results[i].Standards[k].Verdict = m.Standards[k]
		}
		e := extra[m.ID]
		v.Rows[i] = memberRow{Member: m, Hours: e[0], Flags: e[1]}
	}
	v.Compliance = report.ComplianceRates(results, run.Policy)
	c.mu.Lock()
	if c.views == nil {
		c.views = map[string]cachedView{}
	}
	c.views[dir] = cachedView{mod: fi.ModTime(), size: fi.Size(), v: v}
	c.mu.Unlock()
	return v, nil
}

// summaryExtras reads the counted hours and flags of each member from
// summary.csv (SPEC.md's stable column names), which review.Run leaves out.
func summaryExtras(path string) (map[string][2]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := readCSV(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out := map[string][2]string{}
	for _, r := range recs {
		out[r["member_id"]] = [2]string{r["counted_hours"], r["flags"]}
	}
	return out, nil
}

// readCSV reads a CSV file cpdaudit wrote into maps by column name.
func readCSV(r io.Reader) ([]map[string]string, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, err
	}
	if len(head) > 0 {
		head[0] = strings.TrimPrefix(head[0], "\ufeff")
	}
	var out []map[string]string
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		m := make(map[string]string, len(head))
		for i, h := range head {
			if i < len(rec) {
				// Text cells that could be formulas are written with a
				// leading apostrophe in the CSV; show them as they were.
				m[h] = runfolder.Undefuse(rec[i])
			}
		}
		out = append(out, m)
	}
}

// readCSVFile reads dir/name, nil when it does not exist.
func readCSVFile(dir, name string) ([]map[string]string, error) {
	f, err := os.Open(filepath.Join(dir, name))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readCSV(f)
}
