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
	"github.com/ies/cpdaudit/internal/memberid"
)

// MemberRecord is one member with every activity accepted for them; the
// activities are in a Store until Activities reads them.
type MemberRecord struct {
	Member audit.Member
	Rows   []Ref // in input order (file order, then row order)
	store  *Store
	hashes []uint64 // see ReflectionHashes
}

// ReflectionHashes are the hashes of the member's reflections, in input
// order, as the store's HashReflections function gave them (the
// reflections it gave none for left out). ok is false when the store was
// given no such function: read the activities back instead.
func (m MemberRecord) ReflectionHashes() (hashes []uint64, ok bool) {
	if len(m.Rows) == 0 {
		return nil, true
	}
	return m.hashes, m.store != nil && m.store.hash != nil
}

// Activities reads the member's activities back from the store, in input
// order.
func (m MemberRecord) Activities() ([]audit.Activity, error) {
	if len(m.Rows) == 0 {
		return nil, nil
	}
	acts, err := m.store.GetAll(m.Rows)
	// A row may have written the id otherwise (007 for 000007).
	for i := range acts {
		acts[i].MemberID = m.Member.ID
	}
	return acts, err
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

// dupKey is what makes two activity rows of one member the same activity.
// The member is not in it: rows are compared within a member, once the
// member each row names is known (see resolver).
type dupKey struct {
	title      string
	category   audit.Category
	day        int64
	hours      float64
	reflection string
}

func keyOf(a *audit.Activity) dupKey {
	return dupKey{a.Title, a.Category, a.Date.Unix(), a.Hours, a.Reflection}
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
	rows := 0
	for _, f := range files {
		rows += len(f.Rows) + len(f.Activities)
	}
	// Made at its size: grown as rows came, the map of 164,000 rows was
	// rehashed a dozen times, on the path between the import and the audit.
	dups := dupFinder{st: st, first: make(map[dupSlot]Ref, rows)}
	rs := resolver{reg: reg}
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
		var matched idsMatched
		for _, r := range rows {
			id, amb := rs.member(r.MemberID)
			if amb != nil {
				iss, err := ambiguousIssue(st, r, amb, f.idColumns)
				if err != nil {
					return Merged{}, err
				}
				dupIssues = append(dupIssues, iss)
				fileAcc.Accepted--
				fileAcc.Rejected++
				continue
			}
			iss, err := dups.check(id, r)
			if err != nil {
				return Merged{}, err
			}
			if iss != nil {
				dupIssues = append(dupIssues, *iss)
				fileAcc.Accepted--
				fileAcc.Rejected++
				continue
			}
			if id != r.MemberID {
				matched.add(r.MemberID, id)
			}
			m.Years[r.Year]++
			rec := byID[id]
			if rec == nil {
				rec = &MemberRecord{Member: audit.Member{ID: id}, store: st}
				byID[id] = rec
			}
			rec.Rows = append(rec.Rows, r.Ref)
			if r.reflOK {
				rec.hashes = append(rec.hashes, r.refl)
			}
			if r.Name != "" {
				ns := names[id]
				if !slices.ContainsFunc(ns, func(d nameSeen) bool { return d.name == r.Name || sameName(d.name, r.Name) }) {
					names[id] = append(ns, nameSeen{name: r.Name, ref: r.Ref})
				}
			}
		}
		m.Issues = append(m.Issues, withDuplicates(f.Issues, dupIssues)...)
		m.Notices = append(m.Notices, f.Notices...)
		if n := matched.notice(f.File.Path, f.idColumns, reg != nil); n != nil {
			m.Notices = append(m.Notices, *n)
		}
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
	// A rejected row's id may be written another way than its member's
	// (0123 for 123): it is resolved the way accepted rows are.
	flags := rejectedFlags(m.Issues, rs.find)
	for _, id := range slices.Sorted(maps.Keys(flags)) {
		if r, ok := byID[id]; ok {
			r.Member.Flags = append(r.Member.Flags, flags[id])
		}
	}
	m.Members = make([]MemberRecord, 0, len(byID))
	for _, r := range byID {
		m.Members = append(m.Members, *r)
	}
	slices.SortFunc(m.Members, func(a, b MemberRecord) int { return memberid.Compare(a.Member.ID, b.Member.ID) })
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
	row := Row{Ref: ref, MemberID: a.MemberID, Name: a.MemberName, Year: a.Date.Year(), key: dupHash(a)}
	if st.hash != nil {
		row.refl, row.reflOK = st.hash(a.Reflection)
	}
	return row, nil
}

// dupFinder finds exact duplicate rows of a member by their hash,
// confirming each match on the stored activities, so a hash collision
// never rejects a row.
type dupFinder struct {
	st    *Store
	first map[dupSlot]Ref   // the first row with each hash
	more  map[dupSlot][]Ref // later rows whose hash collided with a different activity
}

// dupSlot is a member (as resolved) and the hash of an activity's dupKey.
type dupSlot struct {
	member string
	key    uint64
}

// check returns the duplicate issue for r, a row of member id, or nil
// when r is the first of its kind (and is then remembered).
func (d *dupFinder) check(id string, r Row) (*Issue, error) {
	slot := dupSlot{id, r.key}
	first, ok := d.first[slot]
	if !ok {
		d.first[slot] = r.Ref
		return nil, nil
	}
	a, err := d.st.Get(r.Ref)
	if err != nil {
		return nil, err
	}
	for _, ref := range append([]Ref{first}, d.more[slot]...) {
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
		d.more = map[dupSlot][]Ref{}
	}
	d.more[slot] = append(d.more[slot], r.Ref)
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
		parts[i] = quote(d.name) + " (" + d.where + ")"
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
func rejectedFlags(issues []Issue, member func(id string) string) map[string]string {
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
		id := member(is.MemberID)
		rows := byMember[id]
		k := rowKey{is.File, is.Sheet, is.Row}
		if len(rows) == 0 || rows[len(rows)-1].key != k {
			rows = append(rows, &rowCells{key: k})
			byMember[id] = rows
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

// resolver says which member each row's id names, the one way ids are
// compared (memberid): a register member's id as the register writes it
// (000007 for a row's 7), or else the id as the first row that gave it
// wrote it, so 007 and 7 in two files are one member.
type resolver struct {
	reg    *Register
	others memberid.Index[string]
	// The last id resolved: a member's rows usually come together.
	last, lastID string
	lastAmb      []string
}

// member returns the member id a row's id names, or, when the register
// has two members it could be, their ids.
func (rs *resolver) member(written string) (id string, ambiguous []string) {
	if written == rs.last && rs.last != "" {
		return rs.lastID, rs.lastAmb
	}
	id, ambiguous = rs.resolve(written)
	rs.last, rs.lastID, rs.lastAmb = written, id, ambiguous
	return id, ambiguous
}

func (rs *resolver) resolve(written string) (string, []string) {
	if rs.reg != nil {
		rm, f := rs.reg.Find(written)
		switch f.Match {
		case memberid.Exact, memberid.Same:
			return rm.ID, nil
		case memberid.Ambiguous:
			return "", f.Candidates
		}
	}
	if f := rs.others.Find(written); f.Match != memberid.None {
		return f.Value, nil // a non-register id is never ambiguous: see below
	}
	// The first way of writing it is the one kept; a later one with the
	// same Key finds it above, so no two are ever added for one Key.
	rs.others.Add(written, written)
	return written, nil
}

// find is the member id a written id names, as member resolves it, but
// without noting a new id: for the flags of rejected rows. An ambiguous id
// names no member ("").
func (rs *resolver) find(written string) string {
	if rs.reg != nil {
		rm, f := rs.reg.Find(written)
		switch f.Match {
		case memberid.Exact, memberid.Same:
			return rm.ID
		case memberid.Ambiguous:
			return ""
		}
	}
	if f := rs.others.Find(written); f.Match != memberid.None {
		return f.Value
	}
	return written
}

// ambiguousIssue rejects a row whose member id could be either of two
// register members.
func ambiguousIssue(st *Store, r Row, candidates []string, idColumns map[string]string) (Issue, error) {
	a, err := st.Get(r.Ref)
	if err != nil {
		return Issue{}, err
	}
	return Issue{
		File: a.Source.File, Sheet: a.Source.Sheet, Row: a.Source.Row, Line: a.Source.Line,
		Column: idColumns[a.Source.Sheet], Value: r.MemberID, Kind: ErrAmbiguousID,
		Problem: fmt.Sprintf("member number %s could be member %s of the register, which lists them as different members; the row was not counted",
			r.MemberID, orList(candidates)),
		Action: "Write the member number exactly as the register writes it",
	}, nil
}

func orList(ids []string) string {
	if len(ids) <= 1 {
		return strings.Join(ids, "")
	}
	return strings.Join(ids[:len(ids)-1], ", ") + " or " + ids[len(ids)-1]
}

// idsMatched counts, for one file, the rows whose member id was written
// otherwise than the member's (007 for 000007), for one notice per file.
type idsMatched struct {
	rows                  int
	firstWritten, firstID string
}

func (m *idsMatched) add(written, id string) {
	if m.rows == 0 {
		m.firstWritten, m.firstID = written, id
	}
	m.rows++
}

func (m *idsMatched) notice(file string, idColumns map[string]string, withRegister bool) *Notice {
	if m.rows == 0 {
		return nil
	}
	n := &Notice{File: file, Message: fmt.Sprintf("member numbers are compared by their value, so leading zeros do not matter (and other ids ignore upper and lower case): %s is member %s", m.firstWritten, m.firstID)}
	if withRegister {
		n.Message += " of the register"
	}
	if m.rows > 1 {
		n.Message += fmt.Sprintf(" (%s rows in all are matched this way)", thousands(int64(m.rows)))
	}
	if len(idColumns) == 1 {
		for sheet, col := range idColumns {
			n.Sheet, n.Column = sheet, col
		}
	}
	return n
}
