package importer

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/ies/cpdaudit/audit"
	"github.com/ies/cpdaudit/internal/memberid"
)

// MaxHours is the most hours one activity row may claim: there are no more
// hours than that in a (leap) year, so a larger value is a typing mistake.
const MaxHours = 366 * 24

// Dates outside these years are almost certainly typing mistakes (a
// two-digit year read wrongly, a stray number), so they are issues.
const (
	minYear = 1950
	maxYear = 2100
)

// maxValueLen bounds the text the parsers look at: no real hours, date or
// category is longer, and it keeps the parsers cheap on hostile input.
const maxValueLen = 100

var (
	reNumber = regexp.MustCompile(`^(\d+(?:[.,]\d*)?|[.,]\d+|[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?)$`)
	// 1h30, 1 h 30 min, 1hr 30mins, 2 hours, 1.5h, 1 hour 30 minutes.
	reHoursMinutes = regexp.MustCompile(`^(\d+(?:[.,]\d+)*)\s*(?:h|hr|hrs|hour|hours)\.?(?:\s*(?:and\s*)?(\d+)\s*(?:m|min|mins|minute|minutes)?\.?)?$`)
	reMinutes      = regexp.MustCompile(`^(\d+(?:[.,]\d+)*)\s*(?:m|min|mins|minute|minutes)\.?$`)
	reClock        = regexp.MustCompile(`^(\d+):(\d{2})(?::(\d{2}))?$`)
)

// ParseHours reads a duration as people type it and returns it in hours:
// "1.5", "1,5" (decimal comma), "1h30", "1 h 30 min", "90 mins", "1:30",
// "2 hours". The result is more than zero and at most MaxHours. Errors
// match ErrBadHours (or ErrMissingValue for an empty cell) with errors.Is.
func ParseHours(s string) (float64, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return 0, badValue(ErrMissingValue, "the number of hours is empty")
	}
	if len(s) > maxValueLen {
		return 0, badValue(ErrBadHours, "this is not a number of hours")
	}
	h, ok := parseDuration(s)
	switch {
	case !ok && strings.HasPrefix(s, "-"):
		return 0, badValue(ErrBadHours, "the number of hours is negative")
	case !ok:
		return 0, badValue(ErrBadHours, "this is not a number of hours (write it like 1.5, 1h30 or 90 mins)")
	case h == 0:
		return 0, badValue(ErrBadHours, "the number of hours is zero")
	case h > MaxHours || math.IsNaN(h) || math.IsInf(h, 0):
		return 0, badValue(ErrBadHours, "the number of hours is more than there are in a year")
	}
	return h, nil
}

func parseDuration(s string) (float64, bool) {
	if m := reNumber.FindStringSubmatch(s); m != nil {
		return decimal(m[1])
	}
	if m := reHoursMinutes.FindStringSubmatch(s); m != nil {
		h, ok := decimal(m[1])
		if !ok {
			return 0, false
		}
		if m[2] == "" {
			return h, true
		}
		min, err := strconv.Atoi(m[2])
		if err != nil || min >= 60 {
			return 0, false
		}
		return h + float64(min)/60, true
	}
	if m := reMinutes.FindStringSubmatch(s); m != nil {
		min, ok := decimal(m[1])
		return min / 60, ok
	}
	if m := reClock.FindStringSubmatch(s); m != nil {
		h, err1 := strconv.Atoi(m[1])
		min, err2 := strconv.Atoi(m[2])
		sec := 0
		if m[3] != "" {
			sec, _ = strconv.Atoi(m[3])
		}
		if err1 != nil || err2 != nil || min >= 60 || sec >= 60 {
			return 0, false
		}
		return float64(h) + float64(min)/60 + float64(sec)/3600, true
	}
	return 0, false
}

// reThousands is a number with commas between groups of three digits:
// 1,000 or 12,500.5.
var reThousands = regexp.MustCompile(`^[1-9][0-9]{0,2}(?:,[0-9]{3})+(?:\.[0-9]+)?$`)

// decimal parses a number written with a dot or a comma as the decimal
// separator ("1,5" is one and a half). A comma followed by exactly three
// digits, as in 1,000, is a thousands separator: nobody gives hours to the
// thousandth, and reading 1,000 as one hour would hide a typing mistake
// that the audit flags when it is read as a thousand hours.
func decimal(s string) (float64, bool) {
	if reThousands.MatchString(s) {
		s = strings.ReplaceAll(s, ",", "")
	}
	f, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	return f, err == nil
}

// FormatHours is the canonical form of an hours value: a decimal number
// with a dot, as the output tables write it. ParseHours reads it back to
// the same value.
func FormatHours(h float64) string { return strconv.FormatFloat(h, 'f', -1, 64) }

// excelEpoch is day 0 of Excel's 1900 date system as it really counts:
// Excel believes 1900 was a leap year, so from serial 61 (1 March 1900) on
// the serial is the number of days since 30 December 1899.
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// excel1904Offset converts a serial of the 1904 date system (used by old
// Mac workbooks) to the 1900 system.
const excel1904Offset = 1462

// The serials ParseDate accepts: the same years as typed dates.
var (
	minSerial = float64(time.Date(minYear, 1, 1, 0, 0, 0, 0, time.UTC).Sub(excelEpoch).Hours() / 24)
	maxSerial = float64(time.Date(maxYear, 12, 31, 0, 0, 0, 0, time.UTC).Sub(excelEpoch).Hours()/24) + 1
)

var (
	reSerial = regexp.MustCompile(`^\d+(?:\.\d+)?$`)
	// 2025-03-14, 2025/03/14, optionally with a time (ISO or a database export).
	reISO = regexp.MustCompile(`^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[t ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:z|[+-]\d{2}:?\d{2})?)?$`)
	// 14/03/2025, 14-03-2025, 14.03.25, optionally with a time: day first (UK).
	reDMY = regexp.MustCompile(`^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})(?: \d{1,2}:\d{2}(?::\d{2})?(?: ?[ap]m)?)?$`)
	// 14 Mar 2025, 14-Mar-25, 14th March 2025.
	reDMonY = regexp.MustCompile(`^(\d{1,2})(?:st|nd|rd|th)?[- ]([a-z]+)\.?[- ](\d{4}|\d{2})$`)
	// March 14, 2025; Mar 14th 2025.
	reMonDY = regexp.MustCompile(`^([a-z]+)\.? (\d{1,2})(?:st|nd|rd|th)? (\d{4})$`)
)

var monthNames = map[string]time.Month{
	"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3,
	"apr": 4, "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7,
	"aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
	"oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}

var weekdayPrefix = regexp.MustCompile(`^(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.? `)

// ParseDate reads a calendar date as people type it in the UK: "2025-03-14",
// "14/03/2025" (day first), "14 Mar 2025", "March 14, 2025", or an Excel
// serial date such as "45730" (1900 date system). A two-digit year is read
// within the hundred years that end ten years after the current year
// (14/03/99 is 1999). The result is midnight UTC on that day. Errors match
// ErrBadDate (or ErrMissingValue).
//
// An import reads a whole file's dates in one order, which may be month
// first (see dateOrder); ParseDate is day first.
func ParseDate(s string) (time.Time, error) {
	t, _, err := parseDate(s, dateContext{pivot: time.Now().Year()})
	return t, err
}

// dateOrder is how a file's numeric dates such as 03/04/2025 are read.
type dateOrder int

const (
	dayFirst   dateOrder = iota // 03/04/2025 is 3 April (UK), the default
	monthFirst                  // 03/04/2025 is 4 March (US)
)

// dateContext is what reading a date needs to know beyond its text.
type dateContext struct {
	order dateOrder
	// pivot is the CPD year (or the current year when it is not known):
	// a two-digit year is read within the hundred years that end ten
	// years after it.
	pivot int
}

// slashKind says how a numeric date (a/b/y) could be read.
type slashKind int

const (
	notSlash       slashKind = iota // not a numeric a/b/y date
	slashBoth                       // a/b/y is the same day either way (a == b), or no day at all
	slashAmbiguous                  // a valid day read either way, and they differ: 03/04/2025
	slashDayOnly                    // valid only day first: 14/03/2025
	slashMonthOnly                  // valid only month first: 03/14/2025
)

// parseDate is ParseDate in a context; kind says, for a numeric a/b/y
// date, which orders it is valid in, so a file's order can be chosen.
func parseDate(s string, dc dateContext) (time.Time, slashKind, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return time.Time{}, notSlash, badValue(ErrMissingValue, "the date is empty")
	}
	if len(s) > maxValueLen {
		return time.Time{}, notSlash, badValue(ErrBadDate, "this is not a date")
	}
	if reSerial.MatchString(s) {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f < minSerial || f >= maxSerial {
			return time.Time{}, notSlash, badValue(ErrBadDate, "this number is not a date (write dates like 14/03/2025)")
		}
		return serialDate(f), notSlash, nil
	}
	s = strings.Join(strings.Fields(strings.ReplaceAll(s, ",", " ")), " ")
	s = weekdayPrefix.ReplaceAllString(s, "")
	var y, d int
	var mon time.Month
	kind := notSlash
	switch m := matchAny(s, reISO, reDMY, reDMonY, reMonDY); {
	case m.re == reISO:
		y, mon, d = atoi(m.sub[1]), time.Month(atoi(m.sub[2])), atoi(m.sub[3])
	case m.re == reDMY:
		a, b := atoi(m.sub[1]), atoi(m.sub[2])
		y = year(m.sub[3], dc.pivot)
		dayOK, monthOK := validDay(y, b, a), validDay(y, a, b)
		switch {
		case a == b || (!dayOK && !monthOK):
			kind = slashBoth
		case dayOK && monthOK:
			kind = slashAmbiguous
		case dayOK:
			kind = slashDayOnly
		default:
			kind = slashMonthOnly
		}
		d, mon = a, time.Month(b)
		if dc.order == monthFirst {
			d, mon = b, time.Month(a)
		}
		switch {
		case kind == slashMonthOnly && dc.order == dayFirst:
			return time.Time{}, kind, badValue(ErrBadDate, "there is no month "+m.sub[2]+"; dates are read day first (14/03/2025 is 14 March)")
		case kind == slashDayOnly && dc.order == monthFirst:
			return time.Time{}, kind, badValue(ErrBadDate, "there is no month "+m.sub[1]+"; the dates of this file are read month first (03/14/2025 is 14 March), because some of them can only be read that way")
		}
	case m.re == reDMonY:
		d, mon, y = atoi(m.sub[1]), monthNames[m.sub[2]], year(m.sub[3], dc.pivot)
	case m.re == reMonDY:
		mon, d, y = monthNames[m.sub[1]], atoi(m.sub[2]), atoi(m.sub[3])
	default:
		return time.Time{}, notSlash, badValue(ErrBadDate, "this is not a date (write it like 14/03/2025 or 2025-03-14)")
	}
	if !validDay(y, int(mon), d) {
		return time.Time{}, kind, badValue(ErrBadDate, "there is no such day in the calendar")
	}
	if y < minYear || y > maxYear {
		return time.Time{}, kind, badValue(ErrBadDate, "the year "+strconv.Itoa(y)+" looks wrong")
	}
	return time.Date(y, mon, d, 0, 0, 0, 0, time.UTC), kind, nil
}

// validDay reports whether day d of month m exists in year y.
func validDay(y, m, d int) bool {
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	return t.Day() == d && int(t.Month()) == m
}

// serialDate turns an Excel 1900-system serial into its calendar day; the
// fraction (a time of day) is dropped.
func serialDate(serial float64) time.Time {
	return excelEpoch.AddDate(0, 0, int(math.Floor(serial)))
}

// FormatDate is the canonical form of a date: ISO 8601, as the output
// tables write it. ParseDate reads it back to the same day.
func FormatDate(t time.Time) string { return t.Format(time.DateOnly) }

type reMatch struct {
	re  *regexp.Regexp
	sub []string
}

func matchAny(s string, res ...*regexp.Regexp) reMatch {
	for _, re := range res {
		if m := re.FindStringSubmatch(s); m != nil {
			return reMatch{re, m}
		}
	}
	return reMatch{}
}

// atoi is for digits a regexp already matched, so it cannot fail; a value
// out of int range becomes 0, which the calendar check then rejects.
func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// year reads a year; a two-digit one is taken within the hundred years
// that end ten years after pivot (the CPD year): with 2025, 25 is 2025,
// 35 is 2035 and 99 is 1999, never 2099.
func year(s string, pivot int) int {
	y := atoi(s)
	if len(s) == 2 {
		last := pivot + 10
		y += last - last%100
		if y > last {
			y -= 100
		}
	}
	return y
}

// categoryNames maps a category, reduced to lower-case words without the
// generic words "learning", "activity" and "activities", to its canonical
// name. Only spellings of the five names and their usual abbreviations are
// here: a category that is not clearly one of the five is an issue, never
// a guess.
var categoryNames = map[string]audit.Category{
	"formal":                 audit.FormalLearning,
	"formal educational":     audit.FormalLearning,
	"formal education":       audit.FormalLearning,
	"educational formal":     audit.FormalLearning,
	"educational":            audit.FormalLearning,
	"fl":                     audit.FormalLearning,
	"work based":             audit.WorkBasedLearning,
	"workbased":              audit.WorkBasedLearning,
	"wbl":                    audit.WorkBasedLearning,
	"professional":           audit.ProfessionalActivity,
	"pa":                     audit.ProfessionalActivity,
	"self directed":          audit.SelfDirectedLearning,
	"selfdirected":           audit.SelfDirectedLearning,
	"self direct":            audit.SelfDirectedLearning,
	"sdl":                    audit.SelfDirectedLearning,
	"other":                  audit.OtherCategory,
	"others":                 audit.OtherCategory,
	"formal and educational": audit.FormalLearning,
}

// categoryList is the five names, for messages.
const categoryList = "Formal Learning, Work-Based Learning, Professional Activity, Self-Directed Learning or Other"

// ParseCategory reads a learning category in any case and its usual
// variants ("Self directed", "SDL", "Formal/Educational", "Work based
// learning", "Professional activities") and returns the canonical name.
// An unknown category is an error matching ErrBadCategory that names the
// five valid ones.
func ParseCategory(s string) (audit.Category, error) {
	if strings.TrimSpace(s) == "" {
		return "", badValue(ErrMissingValue, "the learning category is empty")
	}
	if len(s) <= maxValueLen {
		if c, ok := categoryNames[categoryKey(s)]; ok {
			return c, nil
		}
	}
	return "", badValue(ErrBadCategory, "this is not one of the five learning categories: "+categoryList)
}

func categoryKey(s string) string {
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	kept := words[:0]
	for _, w := range words {
		switch w {
		case "learning", "activity", "activities", "cpd":
			continue
		}
		kept = append(kept, w)
	}
	return strings.Join(kept, " ")
}

// cellID is the member id in a cell, cleaned (memberid.Clean). A number
// cell shown with leading zeros (7 in a cell formatted 000000, which
// Excel shows as 000007) is read as Excel shows it; any other number
// cell is read as the number it holds, whatever its format.
func cellID(c cell) string {
	raw := memberid.Clean(c.Raw)
	if c.Text != c.Raw && memberid.Numeric(raw) {
		if shown := memberid.Clean(c.Text); memberid.Numeric(shown) && memberid.Key(shown) == memberid.Key(raw) {
			return shown
		}
	}
	return raw
}
