package config

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// DecodeSettings decodes the table [sources.<id>.settings] of the file into v, a pointer to a struct
// whose fields carry toml tags, strictly: a key the struct does not have and a value of the wrong
// type are errors naming the key (sources.<id>.settings.<key>) and, for a wrong type, the line; every
// problem is reported, joined. It leaves v as it is, and returns false, when the file sets no
// settings for id.
func (c *Config) DecodeSettings(id string, v any) (bool, error) {
	if !c.md.IsDefined("sources", id, "settings") {
		return false, nil
	}
	prefix := "sources." + id + ".settings"
	if typ := c.md.Type("sources", id, "settings"); typ != "Hash" && typ != "Inline Table" {
		return true, fmt.Errorf("%s: want a table of settings, not a %s", prefix, strings.ToLower(typ))
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		return true, fmt.Errorf("%s: decoding into %T: want a pointer to a struct", prefix, v)
	}
	fields := map[string]reflect.Value{}
	var names []string
	st := rv.Elem()
	for i := range st.NumField() {
		name, _, _ := strings.Cut(st.Type().Field(i).Tag.Get("toml"), ",")
		if name == "" || name == "-" || !st.Type().Field(i).IsExported() {
			continue
		}
		fields[name] = st.Field(i)
		names = append(names, name)
	}
	sort.Strings(names)
	var table map[string]toml.Primitive
	if err := c.md.PrimitiveDecode(c.Sources[id].Settings, &table); err != nil {
		return true, fmt.Errorf("%s: %w", prefix, err)
	}
	keys := make([]string, 0, len(table))
	for k := range table {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var errs []error
	for _, k := range keys {
		f, ok := fields[k]
		if !ok {
			known := "none"
			if len(names) > 0 {
				known = strings.Join(names, ", ")
			}
			errs = append(errs, fmt.Errorf("%s.%s: unknown setting (the source's settings: %s)", prefix, k, known))
			continue
		}
		if err := c.md.PrimitiveDecode(table[k], f.Addr().Interface()); err != nil {
			errs = append(errs, fmt.Errorf("%s.%s: want %s: %w", prefix, k, describe(f.Type()), err))
		}
	}
	return true, errors.Join(errs...)
}

// describe names a settings field's type for an error message.
func describe(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list of " + strings.TrimPrefix(strings.TrimPrefix(describe(t.Elem()), "a "), "an ") + "s"
	default:
		return "a " + t.String()
	}
}
