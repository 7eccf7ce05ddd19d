package importer

import (
	"cmp"
	"errors"
	"fmt"
	"hash/maphash"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/ies/cpdaudit/audit"
)

// MemberRecord is one member with every activity accepted for them; the
// activities are in a Store until Activities reads them.
type MemberRecord struct {
	Member audit.Member
	Rows   []Ref // in input order (file order, then row order)
	store  *Store
}

// Activities reads the member's activities back from the store, in input
// order.
func (m MemberRecord) Activities() ([]audit.Activity, error) {
	if len(m.Rows) == 0 {
		return nil, nil
	}
	return m.store.GetAll(m.Rows)
}

// Merged is what Merge returns.
type Merged struct {
	Members []MemberRecord // sorted by member id
	// Issues holds every file's issues, in file order, with the duplicate
	// issues placed among their file's rows; the register's own issues are
	// not included (they are in Register.Issues).
	Issues []Issue
	// Notices holds every file's notices, in file order.
	Notices []Notice
	// Accounting is the sum of the files' accounting after
	// de-duplication; Accounting.Check() passes.
	Accounting Accounting
	// Years counts the accepted activities by the year of their date, so
	// the CPD year can be taken from the data.
	Years map[int]int
}

// Flags Merge puts in Member.Flags. They are constants so the report and
// tests can recognise them.
const (
	FlagNotInRegister = "not in the member register: audited with the details in the activity rows only"
	FlagNoActivities  = "no CPD activities found in the inputs"
)

// dupKey is what makes two activity rows the same activity.
type dupKey struct {
	member, title string
	category      audit.Category
	day           int64
	hours         float64
	reflection    string
}

func keyOf(a *audit.Activity) dupKey {
	return dupKey{a.MemberID, a.Title, a.Category, a.Date.Unix(), a.Hours, a.Reflection}
}

// dupSeed is random per run: dupHash only narrows the search, every match
// is confirmed on the activities themselves.
var dupSeed = maphash.MakeSeed()

// dupHash is the hash of a's duplicate key. Rows keep it, not the key,
// whose reflection text is what a large import cannot keep in memory.
func dupHash(a *audit.Activity) uint64 { return maphash.Comparable(dupSeed, keyOf(a)) }

// Merge groups the accepted activities by member id (sorted by id), joins
// the register (reg may be nil: then every member is audited with what the
// rows say, no flag), and rejects exact duplicate activity rows across and
// within files (same member, title, category, date, hours and reflection)
// as Issues naming the row they duplicate, adjusting the accounting
// (accepted -1, rejected +1). It flags a member who is not in the register
// and conflicting details (two different names for one id) in
// Member.Flags, and includes register members with no activities at all
// (FlagNoActivities) so the office sees who sent nothing.
//
// The files' activities must be in st (FileResult.Rows); activities held
// in memory (FileResult.Activities) are put there first. The error is
// st's: reading or writing it failed.
func Merge(files []FileResult, reg *Register, st *Store) (Merged, error) {
	m := Merged{Years: map[int]int{}}
	dups := dupFinder{st: st, first: map[uint64]Ref{}}
	byID := map[string]*MemberRecord{}
	names := map[string][]nameSeen{} // distinct names per member id, in input order
	for _, f := range files {
		rows := f.Rows
		if len(f.Activities) > 0 {
			var err error
			if rows, err = storeActivities(st, f.Activities); err != nil {
				return Merged{}, err
			}
		}
		fileAcc := f.Accounting
		var dupIssues []Issue
		for _, r := range rows {
			iss, err := dups.check(r)
			if err != nil {
				return Merged{}, err
			}
			if iss != nil {
				dupIssues = append(dupIssues, *iss)
				fileAcc.Accepted--
				fileAcc.Rejected++
				continue
			}
			m.Years[r.Year]++
			rec := byID[r.MemberID]
			if rec == nil {
				rec = &MemberRecord{Member: audit.Member{ID: r.MemberID}, store: st}
				byID[r.MemberID] = rec
			}
			rec.Rows = append(rec.Rows, r.Ref)
			if r.Name != "" {
				ns := names[r.MemberID]
				if !slices.ContainsFunc(ns, func(d nameSeen) bool { return d.name == r.Name || sameName(d.name, r.Name) }) {
					names[r.MemberID] = append(ns, nameSeen{name: r.Name, ref: r.Ref})
				}
			}
		}
		m.Issues = append(m.Issues, withDuplicates(f.Issues, dupIssues)...)
		m.Notices = append(m.Notices, f.Notices...)
		m.Accounting = m.Accounting.Add(fileAcc)
	}
	for id, r := range byID {
		if reg != nil {
			if rm, ok := reg.Member(id); ok {
				r.Member = rm
				r.Member.Flags = slices.Clone(rm.Flags)
				if rm.Name != "" {
					names[id] = append([]nameSeen{{name: rm.Name, where: "the register"}}, names[id]...)
				}
			} else {
				r.Member.Flags = append(r.Member.Flags, FlagNotInRegister)
			}
		}
		if ns := names[id]; len(ns) > 0 {
			if r.Member.Name == "" {
				r.Member.Name = ns[0].name
			}
			flag, err := nameConflict(id, ns, st)
			if err != nil {
				return Merged{}, err
			}
			if flag != "" {
				r.Member.Flags = append(r.Member.Flags, flag)
			}
		}
	}
	if reg != nil {
		for _, rm := range reg.Members {
			if _, ok := byID[rm.ID]; !ok {
				rm.Flags = append(slices.Clone(rm.Flags), FlagNoActivities)
				byID[rm.ID] = &MemberRecord{Member: rm, store: st}
			}
		}
	}
	flags := rejectedFlags(m.Issues)
	for _, id := range slices.Sorted(maps.Keys(flags)) { // in order: two ids may name one member
		flag := flags[id]
		if r, ok := byID[id]; ok {
			r.Member.Flags = append(r.Member.Flags, flag)
		} else if reg != nil {
			// The register may write the id another way (0123 for 123).
			if rm, ok := reg.Member(id); ok {
				if r, ok := byID[rm.ID]; ok {
					r.Member.Flags = append(r.Member.Flags, flag)
				}
			}
		}
	}
	m.Members = make([]MemberRecord, 0, len(byID))
	for _, r := range byID {
		m.Members = append(m.Members, *r)
	}
	slices.SortFunc(m.Members, func(a, b MemberRecord) int { return compareIDs(a.Member.ID, b.Member.ID) })
	return m, nil
}

// storeActivities puts activities held in memory into st.
func storeActivities(st *Store, acts []audit.Activity) ([]Row, error) {
	rows := make([]Row, len(acts))
	for i := range acts {
		var err error
		if rows[i], err = putRow(st, &acts[i]); err != nil {
			return nil, err
		}
	}
	return rows, nil
}

// putRow puts a into st and returns the Row merging needs of it.
func putRow(st *Store, a *audit.Activity) (Row, error) {
	ref, err := st.Put(a)
	if err != nil {
		return Row{}, err
	}
	return Row{Ref: ref, MemberID: a.MemberID, Name: a.MemberName, Year: a.Date.Year(), key: dupHash(a)}, nil
}

// dupFinder finds exact duplicate rows by their hash, confirming each
// match on the stored activities, so a hash collision never rejects a row.
type dupFinder struct {
	st    *Store
	first map[uint64]Ref   // the first row with each hash
	more  map[uint64][]Ref // later rows whose hash collided with a different activity
}

// check returns the duplicate issue for r, or nil when r is the first of
// its kind (and is then remembered).
func (d *dupFinder) check(r Row) (*Issue, error) {
	first, ok := d.first[r.key]
	if !ok {
		d.first[r.key] = r.Ref
		return nil, nil
	}
	a, err := d.st.Get(r.Ref)
	if err != nil {
		return nil, err
	}
	for _, ref := range append([]Ref{first}, d.more[r.key]...) {
		b, err := d.st.Get(ref)
		if err != nil {
			return nil, err
		}
		if keyOf(&a) == keyOf(&b) {
			iss := duplicateIssue(a, b.Source)
			return &iss, nil
		}
	}
	if d.more == nil {
		d.more = map[uint64][]Ref{}
	}
	d.more[r.key] = append(d.more[r.key], r.Ref)
	return nil, nil
}

// nameSeen is a name given for a member and where it was first given:
// where, or else the row at ref.
type nameSeen struct {
	name, where string
	ref         Ref
}

// nameConflict returns a flag listing the different names given for one
// member, or "" when they agree (ignoring case and spacing). Only then are
// the rows that gave them read back, to say where each was given.
func nameConflict(id string, ns []nameSeen, st *Store) (string, error) {
	var distinct []nameSeen
	for _, n := range ns {
		if !slices.ContainsFunc(distinct, func(d nameSeen) bool { return sameName(d.name, n.name) }) {
			distinct = append(distinct, n)
		}
	}
	if len(distinct) < 2 {
		return "", nil
	}
	parts := make([]string, len(distinct))
	for i, d := range distinct {
		if d.where == "" {
			a, err := st.Get(d.ref)
			if err != nil {
				return "", err
			}
			d.where = sourceText(a.Source)
		}
		parts[i] = fmt.Sprintf("%q (%s)", d.name, d.where)
	}
	return "conflicting names for member " + id + ": " + strings.Join(parts, ", "), nil
}

func sameName(a, b string) bool {
	return strings.EqualFold(strings.Join(strings.Fields(a), " "), strings.Join(strings.Fields(b), " "))
}

func sourceText(s audit.Source) string {
	out := s.File
	if s.Sheet != "" {
		out += " sheet " + strconv.Quote(s.Sheet)
	}
	return out + " row " + strconv.Itoa(s.Row)
}

// maxRowsInFlag: a member's flag names this many rejected rows, then
// counts the rest.
const maxRowsInFlag = 3

// rejectedFlags returns, per member id, the flag that says which of the
// member's rows could not be read: "1 row of your record could not be
// read: row 11 of cpd-export-2025.csv, hours 'eight'". A duplicate row is
// not among them: it was counted once.
func rejectedFlags(issues []Issue) map[string]string {
	type rowKey struct {
		file, sheet string
		row         int
	}
	type rowCells struct {
		key   rowKey
		cells []string
	}
	byMember := map[string][]*rowCells{}
	for _, is := range issues {
		if is.MemberID == "" || is.Row == 0 || errors.Is(is.Kind, ErrDuplicate) {
			continue
		}
		rows := byMember[is.MemberID]
		k := rowKey{is.File, is.Sheet, is.Row}
		if len(rows) == 0 || rows[len(rows)-1].key != k {
			rows = append(rows, &rowCells{key: k})
			byMember[is.MemberID] = rows
		}
		last := rows[len(rows)-1]
		if is.cell != "" {
			last.cells = append(last.cells, is.cell)
		}
	}
	flags := make(map[string]string, len(byMember))
	for id, rows := range byMember {
		parts := make([]string, 0, maxRowsInFlag+1)
		for i, r := range rows {
			if i == maxRowsInFlag {
				parts = append(parts, fmt.Sprintf("and %d more (see Import issues)", len(rows)-maxRowsInFlag))
				break
			}
			where := "row " + strconv.Itoa(r.key.row)
			if r.key.sheet != "" {
				where += " of sheet " + strconv.Quote(r.key.sheet) + " in " + baseName(r.key.file)
			} else {
				where += " of " + baseName(r.key.file)
			}
			if len(r.cells) > 0 {
				where += ", " + strings.Join(r.cells, ", ")
			}
			parts = append(parts, where)
		}
		what := "1 row of your record could not be read: "
		if len(rows) > 1 {
			what = strconv.Itoa(len(rows)) + " rows of your record could not be read: "
		}
		flags[id] = what + strings.Join(parts, "; ")
	}
	return flags
}

// baseName is the file name without its folder, as a member knows it.
func baseName(path string) string {
	if i := strings.LastIndexAny(path, `/\`); i >= 0 {
		return path[i+1:]
	}
	return path
}

func duplicateIssue(a audit.Activity, first audit.Source) Issue {
	return Issue{
		MemberID: a.MemberID,
		File:     a.Source.File, Sheet: a.Source.Sheet, Row: a.Source.Row, Line: a.Source.Line, Kind: ErrDuplicate,
		Value:   a.Title,
		Problem: "this activity is an exact duplicate of " + sourceText(first) + " (same member, title, category, date, hours and reflection), so it was not counted twice",
		Action:  "Delete one of the two rows; if they were two separate sessions, make their titles differ (for example add \"part 2\")",
	}
}

// withDuplicates places a file's duplicate issues among its other issues
// by sheet (in the order the file's issues first name them) and row.
func withDuplicates(fileIssues, dups []Issue) []Issue {
	if len(dups) == 0 {
		return fileIssues
	}
	out := append(slices.Clone(fileIssues), dups...)
	order := map[string]int{}
	for _, is := range out {
		if _, ok := order[is.Sheet]; !ok {
			order[is.Sheet] = len(order)
		}
	}
	slices.SortStableFunc(out, func(a, b Issue) int {
		return cmp.Or(cmp.Compare(order[a.Sheet], order[b.Sheet]), cmp.Compare(a.Row, b.Row))
	})
	return out
}
