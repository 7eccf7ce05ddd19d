package web

import (
	"fmt"
	"html"
	"html/template"
	"strings"

	"github.com/ies/cpdaudit/report"
)

// Colours of the verdicts, dark enough for white text beside them to be
// unnecessary: the numbers are written after the bar, in black.
var verdictColours = []struct{ name, colour string }{
	{"MET", "#2e7d32"}, {"REVIEW", "#b8860b"}, {"NOT_MET", "#c62828"}, {"EXEMPT", "#757575"},
}

// barChart draws one stacked bar per tally (MET, REVIEW, NOT_MET,
// EXEMPT, as shares of its members) with its MET rate written beside it,
// as an SVG drawn here: no script, nothing fetched. The figures are also
// in the table under each chart, for screen readers.
func barChart(title string, ts []report.Tally) template.HTML {
	const labelW, barW, rowH, top, rateW = 330.0, 340.0, 30.0, 28.0, 170.0
	width := labelW + barW + rateW
	height := top + rowH*float64(len(ts)) + 8
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %.0f %.0f" width="%.0f" height="%.0f" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`,
		width, height, width, height, html.EscapeString(title))
	fmt.Fprintf(&b, `<title>%s</title>`, html.EscapeString(title))
	// Legend.
	x := labelW
	for _, v := range verdictColours {
		fmt.Fprintf(&b, `<rect x="%.0f" y="6" width="12" height="12" fill="%s"/><text x="%.0f" y="16" font-size="12">%s</text>`, x, v.colour, x+16, v.name)
		x += 16 + 8*float64(len(v.name)) + 14
	}
	for i, t := range ts {
		y := top + rowH*float64(i)
		n := t.Met + t.Review + t.NotMet + t.Exempt
		fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" font-size="13" text-anchor="end">%s</text>`, labelW-8, y+17, html.EscapeString(shorten(t.Label, 50)))
		counts := []int{t.Met, t.Review, t.NotMet, t.Exempt}
		x := labelW
		for k, c := range counts {
			if n == 0 || c == 0 {
				continue
			}
			w := barW * float64(c) / float64(n)
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.0f" width="%.1f" height="20" fill="%s"><title>%s: %d %s</title></rect>`,
				x, y+3, w, verdictColours[k].colour, html.EscapeString(t.Label), c, verdictColours[k].name)
			x += w
		}
		rate := "no member assessed"
		if r, ok := t.MetRate(); ok {
			rate = fmt.Sprintf("%.0f%% MET (%d of %d)", 100*r, t.Met, t.Assessed())
		}
		fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" font-size="13">%s</text>`, labelW+barW+8, y+17, rate)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
