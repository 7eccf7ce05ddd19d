package main

import (
	"errors"
	"fmt"
	"io"
	iofs "io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/ies/cpdaudit/audit"
	"github.com/ies/cpdaudit/importer"
	"github.com/ies/cpdaudit/report"
)

// cmdPolicy prints the default policy file, ready to be edited and passed
// back with --policy.
func cmdPolicy(args []string, stdio IO) error {
	if err := noArgs("policy", args, stdio); err != nil {
		return err
	}
	_, err := stdio.Out.Write(importer.DefaultPolicyFile)
	return err
}

// cmdTemplate writes a blank member CPD workbook. It never replaces an
// existing file unless --force is given: the file may be a member's
// filled-in record.
func cmdTemplate(args []string, stdio IO) error {
	fs := newFlagSet("template", "cpdaudit template [--force] [--policy FILE] FILE.xlsx", stdio)
	force := fs.Bool("force", false, "replace FILE if it already exists")
	policyFile := fs.String("policy", "", "policy `file` whose numbers the notes quote (default: the default policy)")
	rest, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("template takes one argument, the workbook to write (e.g. cpdaudit template my-cpd-2025.xlsx)")
	}
	path := rest[0]
	if !strings.EqualFold(filepath.Ext(path), ".xlsx") {
		return usagef("the template must be an .xlsx file (got %s)", path)
	}
	if !*force {
		if _, err := os.Lstat(path); err == nil {
			return fmt.Errorf("%s already exists and was left as it is: give another file name, or add --force to replace it", path)
		} else if !errors.Is(err, iofs.ErrNotExist) {
			return fmt.Errorf("cannot write %s: %w", path, err)
		}
	}
	p := audit.DefaultPolicy()
	if *policyFile != "" {
		if p, err = importer.ReadPolicy(*policyFile); err != nil {
			return err
		}
	}
	if err := report.WriteFileAtomic(path, 0o644, func(w io.Writer) error { return report.WriteTemplateFor(w, p) }); err != nil {
		return err
	}
	fmt.Fprintf(stdio.Out, "Wrote %s: a blank CPD record for a member to fill in.\n", path)
	return nil
}
