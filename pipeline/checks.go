package pipeline

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/ies/cpdaudit/importer"
)

// markUnread: when some input could not be read, a member with no
// activities found may have their record in it, so their flag says so
// (and audit.Env.UnreadInputs makes their outcome REVIEW, not NOT_MET).
func (im *imported) markUnread() {
	im.unread = importer.UnreadFiles(im.issues)
	if im.unread == 0 {
		return
	}
	flag := importer.UnreadFlag(im.unread)
	for i := range im.members {
		m := &im.members[i]
		if len(m.Rows) > 0 {
			continue
		}
		if k := slices.Index(m.Member.Flags, importer.FlagNoActivities); k >= 0 {
			m.Member.Flags[k] = flag
		} else {
			m.Member.Flags = append(m.Member.Flags, flag)
		}
	}
}

// withoutActivities counts the members with no activity found.
func (im *imported) withoutActivities() int {
	n := 0
	for _, m := range im.members {
		if len(m.Rows) == 0 {
			n++
		}
	}
	return n
}

// yearWarning is the warning for a --year that most accepted activities
// are not dated in ("412 of 415 activities are dated 2024; is --year 2025
// right?"), or "" when it fits. years counts the activities by year.
func yearWarning(given int, years map[int]int) string {
	if given == 0 {
		return "" // taken from the data, so it fits
	}
	total, outside, other, otherN := 0, 0, 0, 0
	for y, n := range years {
		total += n
		if y == given {
			continue
		}
		outside += n
		if n > otherN || (n == otherN && y < other) {
			other, otherN = y, n
		}
	}
	if total == 0 || outside*2 <= total {
		return ""
	}
	if otherN == outside {
		return fmt.Sprintf("%d of %d activities are dated %d; is --year %d right?", outside, total, other, given)
	}
	return fmt.Sprintf("%d of %d activities are dated outside %d (most of them, %d, in %d); is --year %d right?",
		outside, total, given, otherN, other, given)
}

// unreadWarning is the warning that ends a run in which some input could
// not be read: the run's exit status is then 3.
func unreadWarning(im *imported) string {
	msg := fmt.Sprintf("%d input %s could not be read (see Import issues)", im.unread, plural(im.unread, "file", "files"))
	if n := im.withoutActivities(); n > 0 {
		msg += fmt.Sprintf("; %d %s with no activities found %s marked REVIEW, not NOT_MET, as their record may be in %s",
			n, plural(n, "member", "members"), plural(n, "is", "are"), plural(im.unread, "that file", "those files"))
	}
	return msg
}

// nothingRead is the error of a run in which no activity row was
// accepted: letters would tell every member in the register that they
// recorded nothing, because of unreadable files or a wrong INPUT. The
// issues say why; the first few are in the message.
func nothingRead(im *imported) error {
	if im.acc.Accepted > 0 {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "no CPD activity could be read from the %d input %s (%s), so nothing was audited and no letters were written",
		len(im.files), plural(len(im.files), "file", "files"), im.acc)
	const show = 10
	if len(im.issues) > 0 {
		b.WriteString(". Why:")
	}
	for i, is := range im.issues {
		if i == show {
			fmt.Fprintf(&b, "\n  ... and %d more; \"cpdaudit check\" with the same INPUT lists them all", len(im.issues)-show)
			break
		}
		b.WriteString("\n  " + is.Error())
	}
	if len(im.issues) == 0 {
		b.WriteString("; check that INPUT names the CPD activity exports, not only the member register")
	}
	return fmt.Errorf("%w%s", ErrNothingRead, strings.TrimPrefix(b.String(), ErrNothingRead.Error()))
}

// chooseYear returns --year, or the one calendar year all activities fall
// in (years counts the activities by year).
func chooseYear(given int, years map[int]int) (int, error) {
	if given != 0 {
		return given, nil
	}
	if len(years) == 1 {
		for y := range years {
			return y, nil
		}
	}
	keys := make([]int, 0, len(years))
	for y := range years {
		keys = append(keys, y)
	}
	sort.Ints(keys)
	var parts []string
	for _, y := range keys {
		parts = append(parts, fmt.Sprintf("%d (%d %s)", y, years[y], plural(years[y], "activity", "activities")))
	}
	if len(parts) == 0 {
		return 0, usagef("no activity has a date, so the CPD year cannot be taken from the data: give it with --year YYYY")
	}
	return 0, usagef("the activities fall in more than one year: %s; give the CPD year with --year YYYY", strings.Join(parts, ", "))
}
