package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

type testSettings struct {
	Funders []string `toml:"funders"`
	File    string   `toml:"file"`
	Limit   int      `toml:"limit"`
}

func loadBody(t *testing.T, body string) *Config {
	t.Helper()
	p := filepath.Join(t.TempDir(), "c.toml")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(p)
	if err != nil {
		t.Fatalf("Load: %v (settings are decoded by DecodeSettings, not Load)", err)
	}
	return cfg
}

// Good settings decode into the struct; a source without settings leaves it as it is.
func TestDecodeSettings(t *testing.T) {
	cfg := loadBody(t, "[sources.a.settings]\nfunders = [\"X\", \"Y\"]\nfile = \"f.csv\"\n[sources.b]\nenabled = false\n")
	var got testSettings
	if set, err := cfg.DecodeSettings("a", &got); !set || err != nil {
		t.Fatalf("a: set %v, %v", set, err)
	}
	if want := (testSettings{Funders: []string{"X", "Y"}, File: "f.csv"}); !reflect.DeepEqual(got, want) {
		t.Errorf("a: %+v, want %+v", got, want)
	}
	kept := testSettings{File: "default"}
	if set, err := cfg.DecodeSettings("b", &kept); set || err != nil || kept.File != "default" {
		t.Errorf("b (no settings): set %v, %v, %+v", set, err, kept)
	}
	if set, err := (&Config{}).DecodeSettings("a", &kept); set || err != nil {
		t.Errorf("defaults only: set %v, %v", set, err)
	}
}

// Every wrong type and unknown key is reported, each naming its key (and the line, for a type).
func TestDecodeSettingsIsStrict(t *testing.T) {
	cfg := loadBody(t, "[sources.a.settings]\nfunders = \"GB-GOR-PB188\"\nfile = 3\nlimit = \"ten\"\nfunder = [\"X\"]\n"+
		"[sources.b]\nsettings = \"x\"\n")
	var s testSettings
	set, err := cfg.DecodeSettings("a", &s)
	if !set || err == nil {
		t.Fatalf("set %v, err %v; want every problem", set, err)
	}
	for _, want := range []string{
		"sources.a.settings.funders: want a list of strings: toml: line 2",
		"sources.a.settings.file: want a string: toml: line 3",
		"sources.a.settings.limit: want a whole number: toml: line 4",
		"sources.a.settings.funder: unknown setting (the source's settings: file, funders, limit)",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if _, err := cfg.DecodeSettings("b", &s); err == nil || !strings.Contains(err.Error(), "sources.b.settings: want a table of settings, not a string") {
		t.Errorf("settings not a table: %v", err)
	}
}
