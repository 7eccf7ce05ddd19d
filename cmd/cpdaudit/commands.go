package main

import (
	"errors"
	"fmt"
	"io"
	iofs "io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ies/cpdaudit/audit"
	"github.com/ies/cpdaudit/importer"
	"github.com/ies/cpdaudit/report"
	"github.com/ies/cpdaudit/staged"
)

// newPolicyCmd prints the default policy file, ready to be edited and
// passed back with --policy.
func newPolicyCmd(stdio IO) *cobra.Command {
	return &cobra.Command{
		Use:   "policy",
		Short: "Print the default policy: every rule and number the audit applies",
		Long: `Print the default policy file (TOML): every rule and number the audit applies,
with comments. Save it, change what your institution does differently, and give
it back to run or check with --policy.`,
		Example: `  cpdaudit policy > policy.toml
  cpdaudit run --policy policy.toml --year 2025 exports/`,
		Args: noArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := stdio.Out.Write(importer.DefaultPolicyFile)
			return err
		},
	}
}

// newTemplateCmd writes a blank member CPD workbook. It never replaces an
// existing file unless --force is given: the file may be a member's
// filled-in record.
func newTemplateCmd(stdio IO) *cobra.Command {
	var (
		force      bool
		policyFile string
	)
	cmd := &cobra.Command{
		Use:   "template [options] FILE.xlsx",
		Short: "Write a blank CPD record workbook for members to fill in",
		Long: `Write a blank CPD record workbook (.xlsx) for a member to fill in: the columns
cpdaudit reads, with a note on each. Filled-in copies can be given to run and
check as they are. An existing file is never replaced without --force.`,
		Example: `  cpdaudit template my-cpd-2025.xlsx
  cpdaudit template --policy policy.toml --force my-cpd-2025.xlsx`,
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
			return []cobra.Completion{"xlsx"}, cobra.ShellCompDirectiveFilterFileExt
		},
		RunE: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("template takes one argument, the workbook to write (e.g. cpdaudit template my-cpd-2025.xlsx)")
			}
			path := args[0]
			if !strings.EqualFold(filepath.Ext(path), ".xlsx") {
				return usagef("the template must be an .xlsx file (got %s)", path)
			}
			if !force {
				if _, err := os.Lstat(path); err == nil {
					return fmt.Errorf("%s already exists and was left as it is: give another file name, or add --force to replace it", path)
				} else if !errors.Is(err, iofs.ErrNotExist) {
					return fmt.Errorf("cannot write %s: %w", path, err)
				}
			}
			p := audit.DefaultPolicy()
			if policyFile != "" {
				var err error
				if p, err = importer.ReadPolicy(policyFile); err != nil {
					return err
				}
			}
			if err := staged.WriteFile(path, true, func(w io.Writer) error { return report.WriteTemplateFor(w, p) }); err != nil {
				return err
			}
			fmt.Fprintf(stdio.Out, "Wrote %s: a blank CPD record for a member to fill in.\n", path)
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "replace FILE.xlsx if it already exists")
	cmd.Flags().StringVar(&policyFile, "policy", "", "a policy `FILE` whose numbers the notes quote (default: the default policy)")
	markFiles(cmd, "policy", "toml")
	return cmd
}
