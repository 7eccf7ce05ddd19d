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

// field is one member of an orderedObject.
type field struct {
	Key   string
	Value any
}

// orderedObject is a JSON object that keeps its keys in the given order.
// The policy is written in the order of the policy file, which a reader
// comparing the two expects; a map would sort the keys alphabetically.
type orderedObject []field

// MarshalJSON writes the fields in order.
func (o orderedObject) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(f.Key)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(f.Value)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return []byte(b.String()), nil
}

// tomlObject turns a policy struct into an ordered JSON object keyed by the
// struct's toml tags: run.json then names every value exactly as the
// policy file does, and a new policy field appears without code here.
func tomlObject(v reflect.Value) orderedObject {
	t := v.Type()
	obj := orderedObject{}
	for i := range t.NumField() {
		sf := t.Field(i)
		name, ok := tomlName(sf)
		if !ok {
			continue
		}
		fv := v.Field(i)
		switch {
		case fv.Kind() == reflect.Struct:
			obj = append(obj, field{name, tomlObject(fv)})
		case fv.Kind() == reflect.Slice && fv.IsNil():
			obj = append(obj, field{name, []any{}})
		default:
			obj = append(obj, field{name, fv.Interface()})
		}
	}
	return obj
}

// policyValue is one policy setting for the Run sheet.
type policyValue struct {
	Name  string
	Value any
}

// policyValues flattens the policy to dotted names (hours.required) for the
// Run sheet. Numbers stay numbers; word lists are joined with commas.
func policyValues(p audit.Policy) []policyValue {
	var out []policyValue
	var walk func(prefix string, o orderedObject)
	walk = func(prefix string, o orderedObject) {
		for _, f := range o {
			name := prefix + f.Key
			switch v := f.Value.(type) {
			case orderedObject:
				walk(name+".", v)
			case []string:
				out = append(out, policyValue{name, strings.Join(v, ", ")})
			case []any:
				out = append(out, policyValue{name, ""})
			default:
				out = append(out, policyValue{name, v})
			}
		}
	}
	walk("", tomlObject(reflect.ValueOf(p)))
	return out
}

// tomlName is the policy key a struct field is written under: its toml tag,
// or its name; ok is false for a field the policy file does not hold.
func tomlName(sf reflect.StructField) (name string, ok bool) {
	if !sf.IsExported() {
		return "", false
	}
	name, _, _ = strings.Cut(sf.Tag.Get("toml"), ",")
	if name == "-" {
		return "", false
	}
	if name == "" {
		name = sf.Name
	}
	return name, true
}
