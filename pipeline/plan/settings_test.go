package plan_test

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/cornerstone-data/cornerstone/internal/config"
	"github.com/cornerstone-data/cornerstone/pipeline/plan"
	"github.com/cornerstone-data/cornerstone/sources"
	_ "github.com/cornerstone-data/cornerstone/sources/all"
	"github.com/cornerstone-data/cornerstone/sources/local"
	"github.com/cornerstone-data/cornerstone/sources/threesixtygiving"
)

// The sources' settings reach them typed: what the file says is what SettingsOf returns, and a
// source the file does not configure reads its zero settings.
func TestSettingsReachTheSources(t *testing.T) {
	p := filepath.Join(t.TempDir(), "cornerstone.toml")
	body := "[sources.threesixtygiving.settings]\nfunders = [\"GB-GOR-PB188\"]\n\n" +
		"[sources.local-investment-returns.settings]\ndir = \"returns\"\nurls = [\"https://example.org/r.csv\"]\n\n" +
		"[sources.ons-population]\nenabled = false\n"
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(p)
	if err != nil {
		t.Fatal(err)
	}
	settings, err := plan.Settings(cfg)
	if err != nil {
		t.Fatal(err)
	}
	env := &sources.Env{Settings: settings}
	if got := sources.SettingsOf[threesixtygiving.Settings](env, threesixtygiving.ID); !reflect.DeepEqual(got.Funders, []string{"GB-GOR-PB188"}) {
		t.Errorf("threesixtygiving: %+v", got)
	}
	want := local.InvestmentSettings{Dir: "returns", URLs: []string{"https://example.org/r.csv"}}
	if got := sources.SettingsOf[local.InvestmentSettings](env, "local-investment-returns"); !reflect.DeepEqual(got, want) {
		t.Errorf("local-investment-returns: %+v, want %+v", got, want)
	}
	if got := sources.SettingsOf[local.NeighboursSettings](env, "cipfa-neighbours"); got.File != "" {
		t.Errorf("cipfa-neighbours, not configured: %+v", got)
	}
	if len(settings) != 2 {
		t.Errorf("settings for %d sources, want the 2 configured with settings: %v", len(settings), settings)
	}
}
