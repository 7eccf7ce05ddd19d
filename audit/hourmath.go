package audit

import (
	"math"
	"strconv"
)

// Hour arithmetic (sums that allow for rounding noise) and how hours are
// written for people.

// eps absorbs floating-point noise in hour sums (29.999999 is 30): a
// thousandth of a second, far below any hours a member records.
const eps = 1e-6

// atLeast reports whether a >= b allowing for rounding noise.
func atLeast(a, b float64) bool { return a >= b-eps }

// roundUpTo rounds h up to a multiple of step (0 means no rounding).
func roundUpTo(h, step float64) float64 {
	if step <= 0 {
		return h
	}
	return math.Ceil(h/step-eps) * step
}

// FormatHours formats hours for people and for the output tables: at most
// two decimals, no trailing zeros, a dot as the decimal mark (1.5, 30,
// 1.33), never "-0".
func FormatHours(h float64) string {
	return strconv.FormatFloat(RoundHours(h), 'f', -1, 64)
}

// RoundHours rounds to two decimals: finer than a minute, and the value
// FormatHours shows. Adding 0 turns a negative zero (from rounding a tiny
// negative, or 30 x 0 / 12 rounded up) into 0.
func RoundHours(h float64) float64 { return math.Round(h*100)/100 + 0 }

// formatHoursUp formats h rounded up to the hundredth, for amounts a
// member must add: adding the shown amount is always enough.
func formatHoursUp(h float64) string {
	return strconv.FormatFloat(math.Ceil(h*100-eps*100)/100, 'f', -1, 64)
}

// hoursWord is "1 hour" or "2.5 hours".
func hoursWord(h float64) string {
	s := FormatHours(h)
	if s == "1" {
		return "1 hour"
	}
	return s + " hours"
}
