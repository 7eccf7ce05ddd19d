package importer

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/ies/cpdaudit/audit"
)

func TestPolicyDefaultFileIsDefaultPolicy(t *testing.T) {
	p, err := ParsePolicy(DefaultPolicyFile, "policy.toml")
	if err != nil {
		t.Fatal(err)
	}
	if want := audit.DefaultPolicy(); !reflect.DeepEqual(p, want) {
		t.Errorf("embedded policy.toml decodes to\n%+v\nwant audit.DefaultPolicy()\n%+v", p, want)
	}
}

// TestPolicyDefaultFileHasEveryKey: the default file is the only place a
// default is written, so it must set every key of the policy; a key left
// out would silently default to zero.
func TestPolicyDefaultFileHasEveryKey(t *testing.T) {
	var p audit.Policy
	md, err := toml.Decode(string(DefaultPolicyFile), &p)
	if err != nil {
		t.Fatal(err)
	}
	var walk func(rt reflect.Type, path []string)
	walk = func(rt reflect.Type, path []string) {
		for i := 0; i < rt.NumField(); i++ {
			f := rt.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
			if name == "" || name == "-" {
				continue
			}
			key := append(slices.Clone(path), name)
			if f.Type.Kind() == reflect.Struct {
				walk(f.Type, key)
				continue
			}
			if !md.IsDefined(key...) {
				t.Errorf("policy.toml does not set %s", strings.Join(key, "."))
			}
		}
	}
	walk(reflect.TypeOf(p), nil)
}

func TestPolicyMissingKeysKeepDefaults(t *testing.T) {
	p, err := ParsePolicy([]byte("[hours]\nrequired = 20\n\n[reflection]\nuser_words = [\"patient\"]\n"), "mine.toml")
	if err != nil {
		t.Fatal(err)
	}
	want := audit.DefaultPolicy()
	want.Hours.Required = 20
	want.Reflection.UserWords = []string{"patient"}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("got %+v\nwant %+v", p, want)
	}
}

func TestPolicyErrorsNameTheKey(t *testing.T) {
	tests := []struct {
		name, file string
		want       []string // all must appear in the message
	}{
		{"unknown key", "[reflection]\nmet_shre = 0.5\n", []string{"mine.toml", "unknown key", "reflection.met_shre"}},
		{"unknown section", "[hourz]\nrequired = 30\n", []string{"unknown key", "hourz"}},
		{"text for a number", "[hours]\nrequired = \"thirty\"\n", []string{"mine.toml", "hours.required", "text", "a number"}},
		{"number for a list", "[level]\nentry_level_words = 3\n", []string{"level.entry_level_words"}},
		{"share above 1", "[reflection]\nmet_share = 1.5\n", []string{"reflection.met_share", "1.5"}},
		{"negative hours", "[hours]\nmax_per_day = -2\n", []string{"hours.max_per_day", "-2"}},
		{"review above met", "[reflection]\nreview_share = 0.9\n", []string{"reflection.review_share"}},
		{"too many categories", "[balance]\nrequired_categories = 6\n", []string{"balance.required_categories", "6"}},
		{"empty word list", "[reflection]\nreason_words = []\n", []string{"reflection.reason_words"}},
		{"syntax", "[hours\nrequired = 30\n", []string{"mine.toml", "line "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParsePolicy([]byte(tt.file), "mine.toml")
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestPolicyReadFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.toml")
	if err := os.WriteFile(path, []byte("[balance]\nmax_largest_share = 0.8\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := ReadPolicy(path)
	if err != nil {
		t.Fatal(err)
	}
	if p.Balance.MaxLargestShare != 0.8 {
		t.Errorf("max_largest_share = %v, want 0.8", p.Balance.MaxLargestShare)
	}
	if _, err := ReadPolicy(filepath.Join(t.TempDir(), "none.toml")); err == nil {
		t.Error("missing file: no error")
	}
}
