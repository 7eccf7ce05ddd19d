package review

import (
	"cmp"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/ies/cpdaudit/audit"
	"github.com/ies/cpdaudit/internal/memberid"
	"github.com/ies/cpdaudit/runfolder"
)

// Reason says why a member is in the sample.
type Reason string

// The reasons, as written in sample.csv.
const (
	ReasonReview Reason = "REVIEW"
	ReasonNotMet Reason = "NOT_MET"
	ReasonRandom Reason = "random sample"
)

// SampleOptions choose the random part of the sample.
type SampleOptions struct {
	// Rate is the share of MET members drawn, 0 to 1 (0.05 for 5%).
	Rate float64
	// Min, when above 0, is the least number of MET members drawn in all.
	Min int
	// Seed fixes the draw: the same seed and summary give the same sample.
	Seed uint64
	// Stratify draws the rate within each membership grade separately.
	Stratify bool
	// Exclude holds member ids audited in earlier samples; they are never
	// drawn at random (a REVIEW or NOT_MET member is still listed, because
	// an assessor must decide on them whatever happened before). Ids are
	// compared the one way ids are compared everywhere (memberid): 7 in an
	// earlier sample excludes member 000007.
	Exclude map[string]bool
}

// Picked is one member of the sample.
type Picked struct {
	Member
	Reason Reason
}

// Stratum is the random draw within one membership grade (or among all MET
// members when the sample is not stratified).
type Stratum struct {
	// Name is the grade, "(grade unknown)", or "all members".
	Name string `json:"stratum"`
	// MET is the number of MET members in the stratum, excluded ones too:
	// the rate is a share of the membership, not of who is left.
	MET int `json:"met_members"`
	// Excluded is how many of them were audited before and not drawn.
	Excluded int `json:"excluded"`
	// Target is ceil(rate x MET), the number the rate asks for.
	Target int `json:"target"`
	// Drawn is Target, or fewer when too few members were left to draw.
	Drawn int `json:"drawn"`
}

// Sample is the result of Draw.
type Sample struct {
	Options SampleOptions
	// EffectiveRate is Rate, raised to Min / MET members when Min asks for
	// more; every stratum is then drawn at the raised rate, so the strata
	// stay proportionate.
	EffectiveRate float64
	Members       []Picked // sorted by member id
	Strata        []Stratum
}

// Count returns how many members were picked for the reason.
func (s Sample) Count(r Reason) int {
	n := 0
	for _, p := range s.Members {
		if p.Reason == r {
			n++
		}
	}
	return n
}

// unknownStratum names the stratum of members whose grade is not known.
const unknownStratum = "(grade unknown)"

// SampleMethod describes Draw for the record in sample.json, so anyone can
// re-draw the sample by hand or in another language.
const SampleMethod = "Every REVIEW and NOT_MET member is listed. MET members not excluded are grouped by stratum " +
	"(membership grade in the order Student, Affiliate, Graduate, Associate, Full, Fellow, then any other grade sorted, " +
	"then unknown grade; or one stratum when not stratified), sorted by member id (byte order) within each stratum. " +
	"One Go math/rand/v2 PCG generator seeded with (seed, seed) shuffles each stratum in that order with Rand.Shuffle, " +
	"and the first ceil(effective rate x MET members in the stratum) are drawn."

// Draw chooses the members for human review. It is deterministic: it
// depends only on its arguments, never on map order or the clock.
func Draw(members []Member, opts SampleOptions) Sample {
	s := Sample{Options: opts, EffectiveRate: opts.Rate}
	strata := map[string][]Member{}
	met := 0
	for _, m := range members {
		switch m.Outcome {
		case audit.Review:
			s.Members = append(s.Members, Picked{m, ReasonReview})
		case audit.NotMet:
			s.Members = append(s.Members, Picked{m, ReasonNotMet})
		case audit.Met:
			key := "all members"
			if opts.Stratify {
				key = stratumName(m.Grade)
			}
			strata[key] = append(strata[key], m)
			met++
		}
	}
	if opts.Min > 0 && met > 0 && ceilShare(opts.Rate, met) < opts.Min {
		s.EffectiveRate = math.Min(1, float64(opts.Min)/float64(met))
	}
	excluded := map[string]bool{}
	for id, ok := range opts.Exclude {
		if ok {
			excluded[memberid.Key(id)] = true
		}
	}
	rng := rand.New(rand.NewPCG(opts.Seed, opts.Seed))
	for _, name := range stratumOrder(strata) {
		all := strata[name]
		st := Stratum{Name: name, MET: len(all), Target: ceilShare(s.EffectiveRate, len(all))}
		var pool []Member
		for _, m := range all {
			if excluded[memberid.Key(m.ID)] {
				st.Excluded++
				continue
			}
			pool = append(pool, m)
		}
		slices.SortFunc(pool, func(a, b Member) int { return strings.Compare(a.ID, b.ID) })
		rng.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
		st.Drawn = min(st.Target, len(pool))
		for _, m := range pool[:st.Drawn] {
			s.Members = append(s.Members, Picked{m, ReasonRandom})
		}
		s.Strata = append(s.Strata, st)
	}
	slices.SortFunc(s.Members, func(a, b Picked) int { return strings.Compare(a.ID, b.ID) })
	return s
}

// ceilShare is ceil(rate x n), with a small tolerance so that 5% of 20 is
// 1 and not 2 because of binary floating point (0.05 x 20 = 1.0000000000000002).
func ceilShare(rate float64, n int) int {
	return int(math.Ceil(rate*float64(n) - 1e-9))
}

func stratumName(g audit.Grade) string {
	if g == audit.GradeUnknown {
		return unknownStratum
	}
	return string(g)
}

// stratumOrder lists the strata junior to senior, other grades sorted, and
// the unknown grade last: a fixed order, because one generator serves them
// all in turn.
func stratumOrder(strata map[string][]Member) []string {
	rank := func(name string) int {
		if i := slices.Index(audit.Grades, audit.Grade(name)); i >= 0 {
			return i
		}
		if name == unknownStratum {
			return len(audit.Grades) + 1
		}
		return len(audit.Grades)
	}
	names := make([]string, 0, len(strata))
	for n := range strata {
		names = append(names, n)
	}
	slices.SortFunc(names, func(a, b string) int {
		return cmp.Or(cmp.Compare(rank(a), rank(b)), strings.Compare(a, b))
	})
	return names
}

// ParseRate reads a sampling rate as people type it: "5%", "2.5 %", or a
// bare number of per cent ("5"). A bare number below 1 other than 0 is
// refused: "0.05" could mean 5% or 0.05%.
func ParseRate(s string) (float64, error) {
	t := strings.TrimSpace(s)
	pct := strings.HasSuffix(t, "%")
	t = strings.TrimSpace(strings.TrimSuffix(t, "%"))
	v, err := strconv.ParseFloat(strings.ReplaceAll(t, ",", "."), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not a rate: give a percentage such as 5%%", s)
	}
	if v < 0 || v > 100 {
		return 0, fmt.Errorf("%q is not a rate between 0%% and 100%%", s)
	}
	if !pct && v > 0 && v < 1 {
		return 0, fmt.Errorf("%q is ambiguous: write it with a per cent sign, e.g. %s%% or %g%%", s, t, v*100)
	}
	return v / 100, nil
}

// FormatRate writes a rate as a percentage without trailing zeros.
func FormatRate(r float64) string {
	return strconv.FormatFloat(math.Round(r*1e6)/1e4, 'f', -1, 64) + "%"
}

// ReadExcluded reads the member ids of an earlier sample: a sample.csv, or
// a run folder holding one.
func ReadExcluded(path string) ([]string, runfolder.MemberList, error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		path = filepath.Join(path, runfolder.SampleCSV)
	}
	var ref runfolder.MemberList
	ref.Path = path
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, ref, fmt.Errorf("cannot read the earlier sample %s: %w", path, err)
	}
	sum := sha256.Sum256(b)
	ref.SHA256 = hex.EncodeToString(sum[:])
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(b), "\ufeff")))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, ref, fmt.Errorf("%s is empty or not a CSV file: %w", path, err)
	}
	col := slices.IndexFunc(header, func(h string) bool { return runfolder.HeaderKey(h) == "memberid" })
	if col < 0 {
		return nil, ref, fmt.Errorf("%s has no member_id column; give a sample.csv written by \"cpdaudit sample\"", path)
	}
	var ids []string
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, ref, fmt.Errorf("%s: %w", path, err)
		}
		if col < len(rec) {
			if id := strings.TrimSpace(runfolder.Undefuse(rec[col])); id != "" {
				ids = append(ids, id)
			}
		}
	}
	ref.Members = len(ids)
	return ids, ref, nil
}

// WriteSampleCSV writes sample.csv: member_id, name, grade, outcome, reason.
func WriteSampleCSV(w io.Writer, s *Sample) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(runfolder.SampleColumns); err != nil {
		return err
	}
	for _, p := range s.Members {
		id, name := runfolder.Defuse(p.ID), runfolder.Defuse(p.Name)
		if err := cw.Write([]string{id, name, string(p.Grade), string(p.Outcome), string(p.Reason)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// SampleRecord is sample.json: everything needed to re-draw the sample
// and check it.
type SampleRecord struct {
	CPDYear int `json:"cpd_year"`
	// Summary is the summary.csv the sample was drawn from.
	Summary runfolder.MemberList `json:"summary"`
	// Seed is a string: a 64-bit seed does not survive a trip through a
	// spreadsheet or JavaScript as a number.
	Seed           string                 `json:"seed"`
	Rate           string                 `json:"rate"`
	Min            int                    `json:"min"`
	EffectiveRate  string                 `json:"effective_rate"`
	StratifiedBy   string                 `json:"stratified_by"`
	ExcludedFiles  []runfolder.MemberList `json:"excluded_files"`
	Strata         []Stratum              `json:"strata"`
	MembersSampled int                    `json:"members_sampled"`
	Review         int                    `json:"review"`
	NotMet         int                    `json:"not_met"`
	Random         int                    `json:"random_sample"`
	Method         string                 `json:"method"`
}

// StratifiedBy names the stratification for people: "membership grade" or
// "none".
func (s Sample) StratifiedBy() string {
	if s.Options.Stratify {
		return "membership grade"
	}
	return "none"
}

// Record builds sample.json's content.
func (s Sample) Record(year int, summary runfolder.MemberList, excluded []runfolder.MemberList) SampleRecord {
	return SampleRecord{
		CPDYear: year, Summary: summary,
		Seed: strconv.FormatUint(s.Options.Seed, 10), Rate: FormatRate(s.Options.Rate), Min: s.Options.Min,
		EffectiveRate: FormatRate(s.EffectiveRate), StratifiedBy: s.StratifiedBy(),
		// [] rather than null in JSON when nothing is excluded.
		ExcludedFiles: append([]runfolder.MemberList{}, excluded...), Strata: s.Strata,
		MembersSampled: len(s.Members), Review: s.Count(ReasonReview), NotMet: s.Count(ReasonNotMet),
		Random: s.Count(ReasonRandom), Method: SampleMethod,
	}
}

// WriteJSON writes the record, indented, with a final newline.
func (r SampleRecord) WriteJSON(w io.Writer) error {
	if r.Strata == nil {
		r.Strata = []Stratum{}
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// HashFile returns path with its SHA-256, for sample.json; the caller
// fills in how many members it lists.
func HashFile(path string) (runfolder.MemberList, error) {
	var ref runfolder.MemberList
	ref.Path = path
	b, err := os.ReadFile(path)
	if err != nil {
		return ref, err
	}
	sum := sha256.Sum256(b)
	ref.SHA256 = hex.EncodeToString(sum[:])
	return ref, nil
}
