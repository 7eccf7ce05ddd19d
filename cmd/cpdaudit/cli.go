package main

// The command line is built on spf13/cobra (with spf13/pflag), the library
// of the GitHub CLI, kubectl and Hugo: GNU-style --flags, help for every
// command from one definition, suggestions for misspelt commands, shell
// completion and a generated reference (docs/cli/). What cobra does not do
// is here: the old single-dash forms (-year 2025), suggestions for
// misspelt flags, and errors printed once with a one-line hint.

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

func init() {
	// The commands are listed in the order of a year's audit, not
	// alphabetically. Set once here, before any command is built.
	cobra.EnableCommandSorting = false
}

const rootLong = `cpdaudit audits IES members' CPD records against the four CPD standards:
it reads the office's CSV and Excel exports, writes a feedback PDF per member
and a summary workbook, and runs the assessors' review.

INPUT is a CSV or Excel file (.csv, .xlsx, .xlsm) or a folder, read recursively.
Options are written --name VALUE or --name=VALUE, before or after the inputs
(the old single-dash forms, -year 2025, still work).

Exit status:
  0   the run completed (whatever the verdicts)
  1   the run could not complete (no readable input or no activity read, an output that
      could not be written, another run writing to the same --out)
  2   wrong usage
  3   check found import issues; run could not read some input (members with
      no activities found are then REVIEW); finalize could not apply some decisions
  130 interrupted (Ctrl-C)`

const rootExample = `  cpdaudit check --year 2025 --register register.csv exports/
  cpdaudit run --year 2025 --register register.csv --out audit-2025 exports/
  cpdaudit help run`

// run is the whole program behind main, testable in-process.
func run(ctx context.Context, args []string, stdio IO) int {
	code := exitOK
	root := newRootCmd(stdio, &code)
	// An unknown command is found before any option is parsed: "cpdaudit
	// rn --year 2025" is about "rn", not about --year.
	if name := firstArg(args); name != "" && !strings.HasPrefix(name, "__") && subcommand(root, name) == nil {
		return reportError(unknownCommand(root, []string{name}), exitOK, helpHint(root), stdio)
	}
	// A nil slice would make cobra read os.Args.
	root.SetArgs(append([]string{}, normaliseArgs(root, args)...))
	cmd, err := root.ExecuteContextC(ctx)
	return reportError(err, code, helpHint(cmd), stdio)
}

// newRootCmd builds the command tree. A command that ends with an exit
// status other than 0 without an error (check's 3) sets *code.
func newRootCmd(stdio IO, code *int) *cobra.Command {
	root := &cobra.Command{
		Use:     "cpdaudit COMMAND [options]",
		Short:   "Audit IES members' CPD records against the four CPD standards",
		Long:    rootLong,
		Example: rootExample,
		Version: versionLine(),
		// Runnable so that "cpdaudit" alone can exit 2 as it always has,
		// and so that an unknown command reaches unknownCommand.
		Args: unknownCommand,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cmd.SetOut(stdio.Err)
			if err := cmd.Help(); err != nil {
				return err
			}
			return errUsageShown
		},
		SilenceErrors:              true,
		SilenceUsage:               true,
		SuggestionsMinimumDistance: 2,
	}
	root.SetIn(stdio.In)
	root.SetOut(stdio.Out)
	root.SetErr(stdio.Err)
	root.SetVersionTemplate("{{.Version}}\n")
	root.SetUsageFunc(usage)
	root.SetFlagErrorFunc(flagError)
	root.AddGroup(
		&cobra.Group{ID: "audit", Title: "The year's audit, in order:"},
		&cobra.Group{ID: "other", Title: "Other commands:"},
	)
	for _, c := range []*cobra.Command{
		newCheckCmd(stdio, code), newRunCmd(stdio, code), newSampleCmd(stdio),
		newFinalizeCmd(stdio, code), newServeCmd(stdio),
	} {
		c.GroupID = "audit"
		root.AddCommand(c)
	}
	for _, c := range []*cobra.Command{newPolicyCmd(stdio), newTemplateCmd(stdio), newVersionCmd(stdio)} {
		c.GroupID = "other"
		root.AddCommand(c)
	}
	root.SetHelpCommand(newHelpCmd(root))
	root.SetHelpCommandGroupID("other")
	root.SetCompletionCommandGroupID("other")
	// Made now rather than when cobra runs, so that the normalising of
	// single-dash flags and the generated reference see them.
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	// Before cobra's own -v/--version, which says "version for cpdaudit".
	root.Flags().BoolP("version", "v", false, "print the version, commit and build date")
	completionUsage(root)
	visit(root, func(c *cobra.Command) {
		c.InitDefaultHelpFlag()
		// cobra's own argument checks (of the completion commands) are
		// wrong usage too: exit 2, not 1.
		if check := c.Args; check != nil {
			c.Args = func(cmd *cobra.Command, args []string) error {
				var ue usageError
				if err := check(cmd, args); err != nil && !errors.As(err, &ue) {
					return usageError{Msg: err.Error()}
				} else if err != nil {
					return err
				}
				return nil
			}
		}
		// The synopses say [options], as the help does.
		c.DisableFlagsInUseLine = true
	})
	return root
}

// completionUsage makes "cpdaudit completion" without a shell, or with
// one it does not know, wrong usage; cobra would print the help and exit 0.
func completionUsage(root *cobra.Command) {
	comp := subcommand(root, "completion")
	if comp == nil {
		return
	}
	comp.Args = cobra.ArbitraryArgs
	comp.SuggestionsMinimumDistance = 2
	comp.Example = "  cpdaudit completion bash > ~/.local/share/bash-completion/completions/cpdaudit"
	comp.RunE = func(cmd *cobra.Command, args []string) error {
		const shells = "bash, zsh, fish or powershell"
		if len(args) == 0 {
			return usagef("completion needs the name of your shell, %s (e.g. cpdaudit completion bash)", shells)
		}
		msg := fmt.Sprintf("unknown shell %q: give %s", args[0], shells)
		if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
			msg = fmt.Sprintf("unknown shell %q; did you mean %q?", args[0], s[0])
		}
		return usageError{Msg: msg}
	}
}

// usage prints a command's synopsis, examples, commands and options (the
// part of the help after the description); cobra's own says "Flags" and
// does not wrap long option descriptions.
func usage(c *cobra.Command) error {
	var b strings.Builder
	b.WriteString("Usage:")
	if c.HasParent() && c.Runnable() && !c.HasAvailableSubCommands() {
		b.WriteString("\n  " + c.UseLine())
	}
	if c.HasAvailableSubCommands() {
		b.WriteString("\n  " + c.CommandPath() + " COMMAND [options]")
	}
	if len(c.Aliases) > 0 {
		b.WriteString("\n\nAlso called: " + strings.Join(c.Aliases, ", "))
	}
	if c.HasExample() {
		b.WriteString("\n\nExamples:\n" + c.Example)
	}
	if c.HasAvailableSubCommands() {
		list := func(title, group string) {
			var lines []string
			for _, s := range c.Commands() {
				if s.GroupID == group && (s.IsAvailableCommand() || s.Name() == "help") {
					lines = append(lines, fmt.Sprintf("  %-*s %s", s.NamePadding(), s.Name(), s.Short))
				}
			}
			if len(lines) > 0 {
				b.WriteString("\n\n" + title + "\n" + strings.Join(lines, "\n"))
			}
		}
		for _, g := range c.Groups() {
			list(g.Title, g.ID)
		}
		list("Commands:", "")
	}
	if c.HasAvailableLocalFlags() {
		b.WriteString("\n\nOptions:\n" + strings.TrimRight(c.LocalFlags().FlagUsagesWrapped(80), " \n"))
	}
	if c.HasAvailableInheritedFlags() {
		b.WriteString("\n\nOptions of every command:\n" + strings.TrimRight(c.InheritedFlags().FlagUsagesWrapped(80), " \n"))
	}
	if c.HasAvailableSubCommands() {
		help := strings.Join(append([]string{"cpdaudit", "help"}, strings.Fields(c.CommandPath())[1:]...), " ")
		fmt.Fprintf(&b, "\n\nRun \"%s COMMAND\" (or \"%s COMMAND --help\") for the options and an example of a command.", help, c.CommandPath())
	}
	b.WriteString("\n")
	_, err := fmt.Fprint(c.OutOrStderr(), b.String())
	return err
}

func visit(c *cobra.Command, fn func(*cobra.Command)) {
	fn(c)
	for _, s := range c.Commands() {
		visit(s, fn)
	}
}

// newHelpCmd replaces cobra's help command, which prints the top-level
// help and exits 0 for a topic it does not know: "cpdaudit help rn" is
// wrong usage, with a suggestion.
func newHelpCmd(root *cobra.Command) *cobra.Command {
	return &cobra.Command{
		Use:   "help [COMMAND]",
		Short: "Show the help of any command",
		Long:  "Show the description, options and an example of a command: \"cpdaudit help run\" is the same as \"cpdaudit run --help\".",
		Example: `  cpdaudit help
  cpdaudit help finalize`,
		ValidArgsFunction: func(_ *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var names []cobra.Completion
			for _, c := range root.Commands() {
				if c.IsAvailableCommand() {
					names = append(names, cobra.CompletionWithDesc(c.Name(), c.Short))
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(_ *cobra.Command, args []string) error {
			target, rest, err := root.Find(args)
			if err != nil {
				return usageError{Msg: err.Error()}
			}
			if target == root && len(rest) > 0 {
				return unknownCommand(root, rest)
			}
			return target.Help()
		},
	}
}

// unknownCommand is the root's argument check: any argument the root gets
// is a command cobra did not find.
func unknownCommand(root *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q", args[0])
	if s := root.SuggestionsFor(args[0]); len(s) > 0 {
		msg += fmt.Sprintf("; did you mean %q?", s[0])
	}
	return usageError{Msg: msg}
}

// flagError turns pflag's parse errors into plain messages, with a
// suggestion for a misspelt option.
func flagError(cmd *cobra.Command, err error) error {
	var (
		notExist *pflag.NotExistError
		noValue  *pflag.ValueRequiredError
		badValue *pflag.InvalidValueError
	)
	switch {
	case errors.As(err, &notExist):
		typed := "--" + notExist.GetSpecifiedName()
		name := notExist.GetSpecifiedName()
		if sh := notExist.GetSpecifiedShortnames(); sh != "" {
			typed, name = "-"+sh, sh
		}
		msg := "unknown option " + typed
		if s := suggestFlag(cmd, name); s != "" {
			msg += "; did you mean --" + s + "?"
		}
		return usageError{Msg: msg}
	case errors.As(err, &noValue):
		return usageError{Msg: strings.Replace(noValue.Error(), "flag needs an argument: ", "a value is needed after ", 1)}
	case errors.As(err, &badValue):
		f := badValue.GetFlag()
		what := "is not valid"
		if t := f.Value.Type(); t == "int" || t == "uint" {
			what = "is not a whole number"
		}
		return usageError{Msg: fmt.Sprintf("--%s %q %s", f.Name, badValue.GetValue(), what)}
	}
	return usageError{Msg: err.Error()}
}

// suggestFlag returns the option of cmd most like typed: one that starts
// with it, or one a couple of typing mistakes away.
func suggestFlag(cmd *cobra.Command, typed string) string {
	typed = strings.ToLower(typed)
	type cand struct {
		name string
		d    int
	}
	var cands []cand
	consider := func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		d := editDistance(typed, f.Name)
		if strings.HasPrefix(f.Name, typed) {
			d = 0
		}
		if d <= max(2, len(typed)/3) {
			cands = append(cands, cand{f.Name, d})
		}
	}
	cmd.Flags().VisitAll(consider)
	cmd.InheritedFlags().VisitAll(consider)
	if len(cands) == 0 {
		return ""
	}
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].d != cands[j].d {
			return cands[i].d < cands[j].d
		}
		return cands[i].name < cands[j].name
	})
	return cands[0].name
}

// editDistance is the Levenshtein distance between a and b, counting a
// swap of two neighbouring letters ("yaer") as one mistake.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	// d[i][j] is the distance between ra[:i] and rb[:j].
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

// normaliseArgs rewrites the single-dash long options that the standard
// flag package accepted (-year 2025, -out=x) as --year 2025 and --out=x,
// for the options the command has: pflag would read -year as the
// shorthands -y -e -a -r. A value that follows an option is never
// rewritten, nor is anything after "--".
func normaliseArgs(root *cobra.Command, args []string) []string {
	cmd := root
	out := make([]string, 0, len(args))
	// Shell completion passes the command line being typed after
	// __complete; it is read as the command itself would read it.
	if len(args) > 0 && (args[0] == cobra.ShellCompRequestCmd || args[0] == cobra.ShellCompNoDescRequestCmd) {
		out = append(out, args[0])
		args = args[1:]
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(out, args[i:]...)
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			if sub := subcommand(cmd, a); sub != nil {
				cmd = sub
			}
			out = append(out, a)
			continue
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		f := longFlag(cmd, name)
		if f != nil && !strings.HasPrefix(a, "--") && len(name) > 1 {
			a = "-" + a
		}
		out = append(out, a)
		// An option that takes a value, written without "=", takes the
		// next argument as it is, even when it starts with a dash.
		if f != nil && strings.HasPrefix(a, "--") && !hasValue && f.NoOptDefVal == "" && i+1 < len(args) {
			i++
			out = append(out, args[i])
		}
	}
	return out
}

// firstArg is the first argument that is not an option: the command.
// (The top level's options take no value.)
func firstArg(args []string) string {
	for _, a := range args {
		if a == "--" {
			return ""
		}
		if !strings.HasPrefix(a, "-") {
			return a
		}
	}
	return ""
}

func subcommand(cmd *cobra.Command, name string) *cobra.Command {
	for _, c := range cmd.Commands() {
		if c.Name() == name || c.HasAlias(name) {
			return c
		}
	}
	return nil
}

func longFlag(cmd *cobra.Command, name string) *pflag.Flag {
	if f := cmd.Flags().Lookup(name); f != nil {
		return f
	}
	return cmd.InheritedFlags().Lookup(name)
}

// helpHint is the one line printed under a usage error.
func helpHint(cmd *cobra.Command) string {
	if cmd == nil || !cmd.HasParent() || cmd.Name() == "help" {
		return "Run \"cpdaudit --help\" for usage."
	}
	return fmt.Sprintf("Run \"%s --help\" for usage.", cmd.CommandPath())
}
