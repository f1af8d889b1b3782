package config

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

var readmeTOML = regexp.MustCompile("(?s)```toml\n(.*?)```")

// FuzzLoad: any config file loads or fails with ErrInvalid naming the file, never panics. Seeded
// from the README's examples and a config with every section.
func FuzzLoad(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join("..", "..", "README.md")); err == nil {
		for _, m := range readmeTOML.FindAllSubmatch(b, -1) {
			f.Add(string(m[1]))
		}
	}
	f.Add(`db = "w.duckdb"
data = "data"
out = "site"
[warehouse]
memory_limit = "1GB"
threads = 2
[fetch]
timeout = "30s"
idle_timeout = "10s"
retries = 3
backoff_base = "1s"
backoff_max = "30s"
max_bytes = 1000000
max_redirects = 5
user_agent = "x"
mirror = "http://127.0.0.1:8080"
[sources.ons-population]
enabled = false
schedule = "0 6 * * 1"
settings = { a = 1 }
[schedule]
lock_wait = "1m"
retries = 2
retry_delay = "5m"
catch_up = true
[notify]
on = ["failure"]
[notify.webhook]
url = "https://example.org/hook"
[retention]
raw_days = 30
`)
	f.Add("[fetch]\nretries = \"three\n")
	f.Add("[sources.\"x'; DROP TABLE meta.runs; --\"]\nenabled = true\n")
	f.Add("db = \"../../../../etc/passwd\"\n")
	f.Fuzz(func(t *testing.T, body string) {
		p := filepath.Join(t.TempDir(), "c.toml")
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		cfg, err := Load(p)
		if err != nil {
			return
		}
		if cfg.Path != p {
			t.Fatalf("loaded config path %q", cfg.Path)
		}
		for id := range cfg.Sources {
			var settings struct {
				Names []string `toml:"names"`
				On    bool     `toml:"on"`
			}
			cfg.DecodeSettings(id, &settings)
		}
	})
}
