package main

import (
	"runtime/debug"
	"strings"
)

// version, commit and date are set at build time by make (see the
// Makefile's LDFLAGS): version is the semantic version in the VERSION file,
// commit the short git commit, date the commit's date (not the build's, so
// two builds of one commit are identical).
var (
	version = "dev"
	commit  = ""
	date    = ""
)

// versionLine is what `cpdaudit version` and `--version` print, e.g.
// "cpdaudit 0.9.0 (commit e7ac224, 2026-12-05)". A plain `go build` or
// `go install` sets no ldflags; the commit and date then come from the
// build information Go records from git.
func versionLine() string {
	c, d := commit, date
	if c == "" {
		if bi, ok := debug.ReadBuildInfo(); ok {
			for _, s := range bi.Settings {
				switch s.Key {
				case "vcs.revision":
					c = s.Value
				case "vcs.time":
					d = s.Value
				}
			}
		}
	}
	if len(c) > 7 {
		c = c[:7]
	}
	d, _, _ = strings.Cut(d, "T")
	var extra []string
	if c != "" {
		extra = append(extra, "commit "+c)
	}
	if d != "" {
		extra = append(extra, d)
	}
	line := "cpdaudit " + version
	if len(extra) > 0 {
		line += " (" + strings.Join(extra, ", ") + ")"
	}
	return line
}
