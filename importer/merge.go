package importer

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ies/cpdaudit/audit"
)

// MemberRecord is one member with every activity accepted for them.
type MemberRecord struct {
	Member     audit.Member
	Activities []audit.Activity // in input order (file order, then row order)
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

// Merge groups accepted activities by member id (sorted by id), joins the
// register (reg may be nil: then every member is audited with what the rows
// say, no flag), and rejects exact duplicate activity rows across and within
// files (same member, title, category, date, hours and reflection) as
// Issues naming the row they duplicate, adjusting the accounting (accepted
// -1, rejected +1). It flags a member who is not in the register and
// conflicting details (two different names for one id) in Member.Flags,
// and includes register members with no activities at all (FlagNoActivities)
// so the office sees who sent nothing.
//
// issues holds every file's issues, in file order, with the duplicate
// issues placed among their file's rows; the register's own issues are not
// included (they are in reg.Issues). acc is the sum of the files'
// accounting after de-duplication, and acc.Check() passes.
func Merge(files []FileResult, reg *Register) (members []MemberRecord, issues []Issue, acc Accounting) {
	seen := map[dupKey]audit.Source{}
	byID := map[string]*MemberRecord{}
	names := map[string][]nameSeen{} // names seen per member id, in input order
	for _, f := range files {
		fileAcc := f.Accounting
		var dups []Issue
		for _, a := range f.Activities {
			k := dupKey{a.MemberID, a.Title, a.Category, a.Date.Unix(), a.Hours, a.Reflection}
			if first, dup := seen[k]; dup {
				dups = append(dups, duplicateIssue(a, first))
				fileAcc.Accepted--
				fileAcc.Rejected++
				continue
			}
			seen[k] = a.Source
			r := byID[a.MemberID]
			if r == nil {
				r = &MemberRecord{Member: audit.Member{ID: a.MemberID}}
				byID[a.MemberID] = r
			}
			r.Activities = append(r.Activities, a)
			if a.MemberName != "" {
				names[a.MemberID] = append(names[a.MemberID], nameSeen{a.MemberName, sourceText(a.Source)})
			}
		}
		issues = append(issues, withDuplicates(f.Issues, dups)...)
		acc = acc.Add(fileAcc)
	}
	for id, r := range byID {
		if reg != nil {
			if m, ok := reg.Member(id); ok {
				r.Member = m
				r.Member.Flags = slices.Clone(m.Flags)
				if m.Name != "" {
					names[id] = append([]nameSeen{{m.Name, "the register"}}, names[id]...)
				}
			} else {
				r.Member.Flags = append(r.Member.Flags, FlagNotInRegister)
			}
		}
		if ns := names[id]; len(ns) > 0 {
			if r.Member.Name == "" {
				r.Member.Name = ns[0].name
			}
			if flag := nameConflict(id, ns); flag != "" {
				r.Member.Flags = append(r.Member.Flags, flag)
			}
		}
	}
	if reg != nil {
		for _, m := range reg.Members {
			if _, ok := byID[m.ID]; !ok {
				m.Flags = append(slices.Clone(m.Flags), FlagNoActivities)
				byID[m.ID] = &MemberRecord{Member: m}
			}
		}
	}
	members = make([]MemberRecord, 0, len(byID))
	for _, r := range byID {
		members = append(members, *r)
	}
	slices.SortFunc(members, func(a, b MemberRecord) int { return compareIDs(a.Member.ID, b.Member.ID) })
	return members, issues, acc
}

type nameSeen struct{ name, where string }

// nameConflict returns a flag listing the different names given for one
// member, or "" when they agree (ignoring case and spacing).
func nameConflict(id string, ns []nameSeen) string {
	var distinct []nameSeen
	for _, n := range ns {
		if !slices.ContainsFunc(distinct, func(d nameSeen) bool { return sameName(d.name, n.name) }) {
			distinct = append(distinct, n)
		}
	}
	if len(distinct) < 2 {
		return ""
	}
	parts := make([]string, len(distinct))
	for i, d := range distinct {
		parts[i] = fmt.Sprintf("%q (%s)", d.name, d.where)
	}
	return "conflicting names for member " + id + ": " + strings.Join(parts, ", ")
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

func duplicateIssue(a audit.Activity, first audit.Source) Issue {
	return Issue{
		File: a.Source.File, Sheet: a.Source.Sheet, Row: a.Source.Row, Line: a.Source.Line, Kind: ErrDuplicate,
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
