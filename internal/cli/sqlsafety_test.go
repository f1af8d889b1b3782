package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cornerstone-data/cornerstone/internal/warehouse"
)

// smallWarehouse makes a warehouse holding one table with a cell full of escape codes, and a run
// in the ledger whose command and error hold them too.
func smallWarehouse(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "w.duckdb")
	w, err := warehouse.Open(ctx, warehouse.Options{Path: db})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for _, q := range []string{
		`CREATE TABLE core.notes AS SELECT 'plain' AS note UNION ALL SELECT 'red ' || chr(27) || '[31malert' || chr(27) || ']0;title' || chr(7)`,
		`INSERT INTO meta.runs (run_id, command, started_at, status, error) VALUES (1, 'cornerstone ingest ' || chr(27) || '[2J', now(), 'failed', 'bad ' || chr(27) || '[31mcell' || chr(13) || 'over')`,
	} {
		if _, err := w.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

// `sql` runs queries only, reading nothing but the warehouse: COPY TO (over the warehouse itself),
// ATTACH, INSTALL and read_text of a file outside it are each refused with a clear message, and the
// warehouse file is byte for byte the same afterwards.
func TestSQLIsReadOnly(t *testing.T) {
	db := smallWarehouse(t)
	before, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(t.TempDir(), "secret.txt")
	os.WriteFile(outside, []byte("secret"), 0o600)
	for _, q := range []string{
		"copy (select 1) to '" + db + "' (format csv)",
		"attach '" + filepath.Join(filepath.Dir(db), "other.duckdb") + "' as o",
		"install httpfs",
		"select * from read_text('" + outside + "')",
		"select * from read_text('/etc/hostname')",
		"select 1; copy (select 1) to 'x.csv'",
	} {
		code, out, stderr := run(t, "sql", "--db", db, q)
		if code != 1 || out != "" || !strings.Contains(stderr, "refused") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q: want exit 1 and a refusal", q, code, out, stderr)
		}
		if strings.Contains(out+stderr, "secret") && !strings.Contains(q, "secret") {
			t.Errorf("%s: the file's content was printed", q)
		}
	}
	after, _ := os.ReadFile(db)
	if !bytes.Equal(before, after) {
		t.Error("the warehouse file changed")
	}
	code, out, _ := run(t, "sql", "--help")
	if code != 0 || !strings.Contains(out, "file and network access are off") {
		t.Errorf("sql --help does not say the query cannot reach files: %s", out)
	}
}

// Control characters from data are escaped wherever they reach a terminal: `sql --format table`,
// `runs`, and error messages on stderr.
func TestControlCharactersNeverReachTheTerminal(t *testing.T) {
	db := smallWarehouse(t)
	code, out, stderr := run(t, "sql", "--db", db, "select note from core.notes order by note")
	if code != 0 || strings.ContainsAny(out, "\x1b\x07") || !strings.Contains(out, `red \x1b[31malert\x1b]0;title\x07`) {
		t.Errorf("sql table: exit %d: %q %s", code, out, stderr)
	}
	code, out, stderr = run(t, "runs", "--db", db)
	if code != 0 || strings.ContainsAny(out, "\x1b\r") || !strings.Contains(out, `\x1b[2J`) || !strings.Contains(out, `bad \x1b[31mcell over`) {
		t.Errorf("runs: exit %d: %q %s", code, out, stderr)
	}
	code, _, stderr = run(t, "sql", "--db", db, "select * from \"\x1b[31mno such table\"")
	if code != 1 || strings.Contains(stderr, "\x1b") || !strings.Contains(stderr, `\x1b[31mno such table`) {
		t.Errorf("stderr: exit %d: %q", code, stderr)
	}
}
