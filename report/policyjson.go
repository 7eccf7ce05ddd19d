package report

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/ies/cpdaudit/audit"
)

// PolicyFromRunJSON reads back the policy a run recorded in run.json (the
// object WriteJSON wrote under "policy", keyed as the policy file is).
// Keys the record lacks, such as a section added by a later version, keep
// their default values, so the letters of an older run still have a
// letterhead.
func PolicyFromRunJSON(raw json.RawMessage) (audit.Policy, error) {
	p := audit.DefaultPolicy()
	if len(raw) == 0 || string(raw) == "null" {
		return p, nil
	}
	if err := fromTOMLObject(raw, reflect.ValueOf(&p).Elem(), ""); err != nil {
		return audit.Policy{}, err
	}
	return p, nil
}

// fromTOMLObject fills the struct v from a JSON object keyed by the
// struct's toml tags: the inverse of tomlObject.
func fromTOMLObject(raw json.RawMessage, v reflect.Value, prefix string) error {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return fmt.Errorf("policy %s: %w", strings.TrimSuffix(prefix, "."), err)
	}
	t := v.Type()
	for i := range t.NumField() {
		sf := t.Field(i)
		name, ok := tomlName(sf)
		if !ok {
			continue
		}
		val, ok := obj[name]
		if !ok {
			continue
		}
		fv := v.Field(i)
		if fv.Kind() == reflect.Struct {
			if err := fromTOMLObject(val, fv, prefix+name+"."); err != nil {
				return err
			}
			continue
		}
		if err := json.Unmarshal(val, fv.Addr().Interface()); err != nil {
			return fmt.Errorf("policy %s%s: %w", prefix, name, err)
		}
	}
	return nil
}
