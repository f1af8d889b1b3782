package plan

import (
	"errors"
	"fmt"
	"sort"

	"github.com/cornerstone-data/cornerstone/internal/config"
	"github.com/cornerstone-data/cornerstone/sources"
)

// Settings decodes each registered source's table [sources.<id>.settings] from the config into the
// source's own settings struct (sources.Configurable), strictly, for Env.Settings. It reports every
// problem at once, joined, each naming its key: a [sources.<id>] no registered source has, settings
// for a source that takes none, a setting the source does not have, and a value of the wrong type
// (with its line). The caller names the file.
func Settings(cfg *config.Config) (map[string]any, error) {
	out := map[string]any{}
	ids := make([]string, 0, len(cfg.Sources))
	for id := range cfg.Sources {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var errs []error
	for _, id := range ids {
		src, err := sources.Lookup(id)
		if err != nil {
			errs = append(errs, fmt.Errorf("sources.%s: %w", id, err))
			continue
		}
		c, ok := src.(sources.Configurable)
		if !ok {
			if set, _ := cfg.DecodeSettings(id, &struct{}{}); set {
				errs = append(errs, fmt.Errorf("sources.%s.settings: the source takes no settings", id))
			}
			continue
		}
		v := c.NewSettings()
		set, err := cfg.DecodeSettings(id, v)
		if err != nil {
			errs = append(errs, err)
		}
		if set && err == nil {
			out[id] = v
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}
