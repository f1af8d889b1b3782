package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// Hostile input end to end: quotes, semicolons and SQL fragments in CSV fields and area codes, a
// very long field, a warehouse and landing path full of quotes and semicolons, and invalid UTF-8.
// Values load as text, byte for byte, and nothing else in the warehouse changes.
func TestHostileInputLoadsAsText(t *testing.T) {
	dir := filepath.Join(t.TempDir(), `it's; DROP TABLE meta.releases; --"x`)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, `w'; ATTACH 'evil.db' AS e; --.duckdb`)
	data := filepath.Join(dir, "data'; --")
	hostile := []string{
		`Robert'); DROP TABLE raw.threesixtygiving_grants; --`,
		`"; DELETE FROM meta.releases WHERE ''='`,
		`=HYPERLINK("http://evil.example/","click")`,
		`E06000001'; --`,
		strings.Repeat("long field ", 20_000) + "end",
	}
	big := bigGrants(t, t.TempDir(), "hostile_grants_2025-01-01.csv", len(hostile))
	b, _ := os.ReadFile(big)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	for i, h := range hostile { // the title (2nd column) and recipient name (11th) of each row
		f := strings.Split(lines[i+1], ",")
		q := `"` + strings.ReplaceAll(h, `"`, `""`) + `"`
		f[1], f[10] = q, q
		if i == 3 {
			f[14], f[20] = h, h // area codes
		}
		lines[i+1] = strings.Join(f, ",")
	}
	if err := os.WriteFile(big, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := run(t, "ingest", "threesixtygiving", "--from", big, "--no-build", "--db", db, "--data", data)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	w := openRO(t, db)
	ctx := context.Background()
	for _, h := range hostile {
		var n int
		if err := w.QueryRow(ctx, `SELECT count(*) FROM raw.threesixtygiving_grants WHERE title = ? AND recipient_org_name = ?`, h, h).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("%.60q stored %d times, want once, verbatim", h, n)
		}
	}
	var releases, grants int
	w.QueryRow(ctx, `SELECT count(*) FROM meta.releases`).Scan(&releases)
	w.QueryRow(ctx, `SELECT count(*) FROM raw.threesixtygiving_grants`).Scan(&grants)
	w.Close()
	if releases != 1 || grants != len(hostile) {
		t.Errorf("releases %d, grants %d", releases, grants)
	}

	// Invalid UTF-8 in a field: a clear error or the bytes as given; never a crash, and a failure
	// changes nothing.
	before := dataStats(t, db)
	bad := filepath.Join(t.TempDir(), "bad_utf8_2025-02-01.csv")
	os.WriteFile(bad, []byte(lines[0]+"\n"+strings.Replace(lines[1], "Robert", "Rob\xff\xfeert", 1)+"\n"), 0o644)
	code, _, stderr = run(t, "ingest", "threesixtygiving", "--from", bad, "--no-build", "--db", db, "--data", data)
	t.Logf("invalid UTF-8: exit %d: %s", code, firstLines(stderr, 3))
	if code == 1 {
		if !strings.Contains(stderr, "bad_utf8_2025-02-01.csv") {
			t.Errorf("the error does not name the file:\n%s", stderr)
		}
		if after := dataStats(t, db); after != before {
			t.Errorf("a failed load changed data")
		}
		return
	} else if code != 0 {
		t.Fatalf("exit %d", code)
	}
	w = openRO(t, db)
	var title string
	if err := w.QueryRow(ctx, `SELECT title FROM raw.threesixtygiving_grants WHERE _file = 'bad_utf8_2025-02-01.csv'`).Scan(&title); err != nil {
		t.Fatal(err)
	}
	t.Logf("invalid UTF-8 stored as %q", title)
	if !utf8.ValidString(title) {
		t.Errorf("invalid UTF-8 reached the warehouse: %q", title)
	}
}
