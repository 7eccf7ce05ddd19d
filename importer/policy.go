package importer

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/ies/cpdaudit/audit"
)

// DefaultPolicyFile is the default policy file (audit.DefaultPolicyFile),
// what `cpdaudit policy` prints.
var DefaultPolicyFile = audit.DefaultPolicyFile

// ReadPolicy reads a policy file. Keys it leaves out keep their default
// values; a bad file is an error naming the file and the key.
func ReadPolicy(path string) (audit.Policy, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return audit.Policy{}, fmt.Errorf("cannot read the policy file: %w", err)
	}
	return ParsePolicy(data, path)
}

// ParsePolicy decodes a policy file's contents over audit.DefaultPolicy(),
// so missing keys keep their defaults, and validates the result. name is
// used in messages. Unknown keys, values of the wrong type and values out
// of range are errors that name the key, in plain English.
func ParsePolicy(data []byte, name string) (audit.Policy, error) {
	p := audit.DefaultPolicy()
	md, err := toml.Decode(string(data), &p)
	if err != nil {
		return audit.Policy{}, fmt.Errorf("policy file %s: %s", name, plainTOMLError(err))
	}
	if und := md.Undecoded(); len(und) > 0 {
		keys := make([]string, len(und))
		for i, k := range und {
			keys[i] = k.String()
		}
		sort.Strings(keys)
		what := "unknown key"
		if len(keys) > 1 {
			what = "unknown keys"
		}
		return audit.Policy{}, fmt.Errorf("policy file %s: %s %s: check the spelling against `cpdaudit policy`", name, what, strings.Join(keys, ", "))
	}
	if err := p.Validate(); err != nil {
		return audit.Policy{}, fmt.Errorf("policy file %s: %w", name, err)
	}
	return p, nil
}

var (
	lastKeyRe = regexp.MustCompile(`(?:line (\d+) )?\(last key "([^"]*)"\): `)
	typeRe    = regexp.MustCompile(`TOML value has type (\w+); destination has type (\w+)`)
)

// plainTOMLError rewrites the TOML decoder's technical message into words
// for office staff: the line, the key, and what kind of value is needed.
func plainTOMLError(err error) string {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		where := fmt.Sprintf("line %d", pe.Position.Line)
		if pe.LastKey != "" {
			where += ", key " + pe.LastKey
		}
		return fmt.Sprintf("%s: %s", where, pe.Message)
	}
	msg := strings.TrimPrefix(err.Error(), "toml: ")
	where := ""
	if m := lastKeyRe.FindStringSubmatch(msg); m != nil {
		if m[1] != "" {
			where = "line " + m[1] + ", "
		}
		where += "key " + m[2] + ": "
		msg = strings.Replace(msg, m[0], "", 1)
	}
	if m := typeRe.FindStringSubmatch(msg); m != nil {
		msg = fmt.Sprintf("the value is %s but %s is needed", kindName(m[1]), kindName(m[2]))
	}
	return where + msg
}

// kindName names a TOML or Go type in plain words.
func kindName(t string) string {
	switch t {
	case "string":
		return "text"
	case "float64", "float", "float32":
		return "a number"
	case "int", "int64", "integer":
		return "a whole number"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "a list in [brackets]"
	case "map", "table", "struct":
		return "a [section]"
	}
	return t
}
