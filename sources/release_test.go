package sources

import (
	"errors"
	"testing"
)

func TestReleaseKeyAndLoadErrorLabel(t *testing.T) {
	for _, c := range []struct {
		rel  Release
		key  string
		want string
	}{
		{Release{Dataset: "libraries-location-dataset", Vintage: "2024-12"}, "libraries-location-dataset@2024-12",
			"loading ace-library-locations release libraries-location-dataset@2024-12 from bad.csv: boom"},
		// A --from file whose vintage is not known yet: no dangling "@".
		{Release{Dataset: "libraries-location-dataset"}, "libraries-location-dataset",
			"loading ace-library-locations release libraries-location-dataset from bad.csv: boom"},
		{Release{}, "", "loading ace-library-locations from bad.csv: boom"},
	} {
		if got := c.rel.Key(); got != c.key {
			t.Errorf("Key() = %q, want %q", got, c.key)
		}
		err := &LoadError{Source: "ace-library-locations", Release: c.rel.Key(), File: "bad.csv", Err: errors.New("boom")}
		if got := err.Error(); got != c.want {
			t.Errorf("error %q, want %q", got, c.want)
		}
	}
}
