package audit

import (
	_ "embed"

	"github.com/BurntSushi/toml"
)

// DefaultPolicyFile is the default policy as a commented TOML file: what
// `cpdaudit policy` prints and office staff copy to change a rule, and the
// one place every default number and word list is written. DefaultPolicy
// decodes it; no Go code repeats a value.
//
//go:embed policy.toml
var DefaultPolicyFile []byte

// DefaultPolicy returns the policy values SPEC.md sets, decoded from
// DefaultPolicyFile. Each call returns a fresh copy that the caller may
// change. A test decodes the file, so a broken one never ships.
//
// Word lists are matched as whole words, ignoring case, punctuation and
// British/American spelling (analyse = analyze); the last word of an entry
// also matches its plural and -ed/-ing forms (client matches clients,
// improve matches improved and improving). "-ing" in an entry stands for
// any word ending in -ing ("by -ing" matches "by checking").
func DefaultPolicy() Policy {
	var p Policy
	if _, err := toml.Decode(string(DefaultPolicyFile), &p); err != nil {
		panic("audit: the embedded policy.toml does not decode: " + err.Error())
	}
	return p
}
