package sources

import "fmt"

// Configurable is implemented by sources that read settings from the config file's table
// [sources.<id>.settings]. NewSettings returns a pointer to a new zero settings struct whose fields
// carry toml tags; the file's table is decoded into it strictly (an unknown key or a value of the
// wrong type fails, naming the key and the file: see plan.Settings) and the result is passed in
// Env.Settings, where the source reads it with SettingsOf.
type Configurable interface {
	NewSettings() any
}

// SettingsOf returns the settings of source id from env (what its NewSettings decoded), or the
// zero value when the config sets none. It panics when env holds settings of another type for id:
// that is a programming error, not a configuration one.
func SettingsOf[T any](env *Env, id string) T {
	var zero T
	if env == nil || env.Settings[id] == nil {
		return zero
	}
	v, ok := env.Settings[id].(*T)
	if !ok {
		panic(fmt.Sprintf("sources: the settings of %s are %T, want *%T", id, env.Settings[id], zero))
	}
	return *v
}
