package cli

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/cornerstone-data/cornerstone/internal/warehouse"
)

// The fault matrix's hostile-input and security cases (issue #20): queries that would write or
// read files, a query needing an extension, huge and hostile council returns, a shared-string
// bomb, a sheet altered after its checksum, files a person put in the site folder, --from a named
// pipe, and the smaller ones (a duplicate header, a byte order mark and escape codes in cells, a
// bad --vintage, an unknown model, a huge thread count, what a killed download left behind).
func hostileCases(t *testing.T, m *mirror) []faultCase {
	_, xlsx := m.sampleKey(t, xlsxFile)
	_, csv := m.sampleKey(t, csvFile)
	serve := func(suffix, contentType string, body []byte) func(*testing.T, *faultEnv) ([]string, func()) {
		return func(t *testing.T, e *faultEnv) ([]string, func()) {
			e.m.override(t, suffix, serveBody(contentType, body))
			return nil, nil
		}
	}
	sql := func(query func(e *faultEnv) string) func(*testing.T, *faultEnv) ([]string, func()) {
		return func(t *testing.T, e *faultEnv) ([]string, func()) {
			return []string{"sql", "--config", e.cfg, query(e)}, nil
		}
	}
	from := func(name string, body []byte, extra ...string) func(*testing.T, *faultEnv) ([]string, func()) {
		return func(t *testing.T, e *faultEnv) ([]string, func()) {
			p := filepath.Join(e.dir, name)
			if err := os.WriteFile(p, body, 0o644); err != nil {
				t.Fatal(err)
			}
			return append([]string{"ingest", "local-returns", "--no-build", "--config", e.cfg, "--from", p}, extra...), nil
		}
	}
	wide := strings.Repeat("h", 3<<20)
	return []faultCase{
		{name: "sql-copy-to", fault: "`sql \"copy (select 1) to '<the warehouse>' (format csv)\"`: a query that would overwrite the warehouse", target: csvSource, about: "sql",
			setup: sql(func(e *faultEnv) string { return "copy (select 1) to '" + e.db + "' (format csv)" }),
			code:  1, says: []string{"refused"}},
		{name: "sql-read-file", fault: "`sql \"select * from read_text('/etc/hostname')\"`: a query reading a file outside the warehouse", target: csvSource, about: "sql",
			setup: sql(func(e *faultEnv) string { return "select * from read_text('/etc/hostname')" }),
			code:  1, says: []string{"refused", "/etc/hostname"}},
		{name: "sql-attach", fault: "`sql \"attach '<another file>'\"`", target: csvSource, about: "sql",
			setup: sql(func(e *faultEnv) string { return "attach '" + filepath.Join(e.dir, "other.duckdb") + "' as o" }),
			code:  1, says: []string{"refused the ATTACH statement"}},
		{name: "sql-install", fault: "`sql \"install httpfs\"`", target: csvSource, about: "sql",
			setup: sql(func(e *faultEnv) string { return "install httpfs" }),
			code:  1, says: []string{"refused the LOAD/INSTALL statement"}},
		{name: "extension-offline", fault: "`sql` with a query needing an extension that is not built in (sqlite_scanner): offline, nothing downloaded", target: csvSource, about: "sql",
			setup: sql(func(e *faultEnv) string { return "select * from sqlite_scan('x.db', 't')" }),
			code:  1, says: []string{"sqlite_scanner", "never downloaded"}},
		{name: "huge-return", fault: "a 100 MB council return on one line, no comma", target: csvSource, about: "local-returns",
			setup: from("huge-return.csv", bytes.Repeat([]byte("x"), 100_000_000)),
			code:  1, says: []string{"local-returns", "huge-return.csv", "file too large", "33554432"},
			after: ledgerUnder4KiB},
		{name: "huge-return-line", fault: "a 30 MB council return on one line: under the returns' 32 MiB, over the readers' 16 MiB a line", target: csvSource, about: "local-returns",
			setup: from("long-line.csv", bytes.Repeat([]byte("x"), 30_000_000)),
			code:  1, says: []string{"local-returns", "long-line.csv", "MaxRecordBytes"},
			after: ledgerUnder4KiB},
		{name: "huge-header-return", fault: "a council return whose header has a 3 MiB column name and a row of 3 MiB cells", target: csvSource, about: "local-returns",
			setup: from("wide-header.csv", []byte("area_code,period_start,"+wide+"\nE06000065,"+wide+","+wide+"\n")),
			code:  1, says: []string{"local-returns", "wide-header.csv", "clipped: 3145728 bytes"},
			after: ledgerUnder4KiB},
		{name: "shared-strings-bomb", fault: "the XLSX's shared strings inflate to 200 MB from a few hundred KB", target: xlsxSource,
			setup: serve(xlsxFile, xlsxType, sharedStringsBomb(t, xlsx, 200_000_000)),
			code:  1, says: []string{xlsxSource, xlsxFile, "sharedStrings.xml", "MaxInflateRatio"}},
		{name: "zip-checksum", fault: "a digit of the XLSX's stored worksheet changed, its CRC-32 not", target: xlsxSource,
			setup: serve(xlsxFile, xlsxType, alteredStoredSheet(t, xlsx)),
			code:  1, says: []string{xlsxSource, xlsxFile, "checksum error", "xl/worksheets/sheet1.xml"}},
		{name: "site-foreign-files", fault: "`report` over a site holding a person's notes, a `custom/` folder and a copy of the warehouse", target: csvSource, about: "report",
			setup: foreignSiteFiles, code: 1, says: []string{"notes.txt", "custom/page.html", "backup/w.duckdb", "did not write"},
			after: func(t *testing.T, e *faultEnv) []string {
				var out []string
				for _, name := range []string{"notes.txt", "custom/page.html", "backup/w.duckdb"} {
					if _, err := os.Stat(filepath.Join(e.dir, "site", filepath.FromSlash(name))); err != nil {
						out = append(out, fmt.Sprintf("site/%s: %v", name, err))
					}
				}
				return out
			}},
		{name: "from-named-pipe", fault: "`--from` a named pipe that no process writes to", target: csvSource,
			setup: func(t *testing.T, e *faultEnv) ([]string, func()) {
				p := filepath.Join(e.dir, "returns.csv")
				if err := syscall.Mkfifo(p, 0o644); err != nil {
					t.Skipf("cannot make a named pipe: %v", err)
				}
				return []string{"ingest", csvSource, "--no-build", "--config", e.cfg, "--from", p}, nil
			},
			code: 1, says: []string{csvSource, "returns.csv", "not a regular file (a named pipe)"}},
		{name: "duplicate-header", fault: "the CSV header gains a second `Name` column", target: csvSource,
			setup: serve(csvFile, "text/csv", withHeader(csv, func(h string) string { return h + ",Name" })),
			code:  1, says: []string{csvSource, csvFile, `header "Name" appears in two columns`}},
		{name: "bom-in-cell", fault: "a byte order mark (U+FEFF) at the start of a data row, as when two files are joined: loaded without it", target: csvSource,
			setup: serve(csvFile, "text/csv", withFirstCell(csv, "\ufeff")),
			code:  0, loads: true,
			after: func(t *testing.T, e *faultEnv) []string {
				code, out, stderr := run(t, "sql", "--db", e.db, "--format", "csv", "select count(*) as n from raw.ace_library_sites t where strpos(t::varchar, chr(65279)) > 0")
				if code != 0 || out != "n\n0\n" {
					return []string{fmt.Sprintf("rows holding U+FEFF: exit %d %q %s", code, out, stderr)}
				}
				return nil
			}},
		{name: "escape-codes-in-cells", fault: "terminal escape codes in a library's name: loaded as text, shown escaped by `sql` and `runs`", target: csvSource,
			setup: serve(csvFile, "text/csv", withFirstCell(csv, "\x1b[2J\x1b]0;pwned\x07")),
			code:  0, loads: true,
			after: func(t *testing.T, e *faultEnv) []string {
				code, out, stderr := run(t, "sql", "--db", e.db, "select reporting_service from raw.ace_library_sites where reporting_service like chr(27) || '%'")
				if code != 0 || strings.ContainsAny(out, "\x1b\x07") || !strings.Contains(out, `\x1b[2J\x1b]0;pwned\x07`) {
					return []string{fmt.Sprintf("sql --format table: exit %d %q %s", code, out, stderr)}
				}
				return nil
			}},
		{name: "bad-vintage", fault: "`--vintage` holding a newline and an escape code", target: csvSource,
			setup: func(t *testing.T, e *faultEnv) ([]string, func()) {
				p := filepath.Join(e.dir, csvFile)
				os.WriteFile(p, csv, 0o644)
				return []string{"ingest", csvSource, "--no-build", "--config", e.cfg, "--from", p, "--vintage", "2023\n\x1b[2J"}, nil
			},
			code: 2, says: []string{"--vintage", "U+000A"}},
		{name: "unknown-model", fault: "`build` names a model that does not exist (a usage error, as `ingest` of an unknown source)", target: csvSource, about: "build",
			setup: func(t *testing.T, e *faultEnv) ([]string, func()) {
				return []string{"build", "--config", e.cfg, "core.no_such_model"}, nil
			},
			code: 2, says: []string{`unknown model "core.no_such_model"`}},
		{name: "threads-3000", fault: "the config sets `[warehouse] threads = 3000`: DuckDB gets one thread per core", target: csvSource, about: "sql",
			setup: func(t *testing.T, e *faultEnv) ([]string, func()) {
				cfg := enabledConfig(t, filepath.Join(e.dir, "threads.toml"), e.m.URL, matrixSources, "\n[warehouse]\nthreads = 3000\n")
				return []string{"sql", "--config", cfg, "select current_setting('threads')"}, nil
			},
			code: 0,
			after: func(t *testing.T, e *faultEnv) []string {
				cfg := filepath.Join(e.dir, "threads.toml")
				code, out, stderr := run(t, "sql", "--config", cfg, "--db", e.db, "--format", "csv", "select current_setting('threads') as threads")
				if want := fmt.Sprintf("threads\n%d\n", runtime.NumCPU()); code != 0 || out != want {
					return []string{fmt.Sprintf("threads: exit %d %q, want %q %s", code, out, want, stderr)}
				}
				return nil
			}},
		{name: "killed-download-leftovers", fault: "`data/.tmp` holds a partial download and a staging folder left by a process killed by `kill -9`: removed at start", target: csvSource,
			setup: func(t *testing.T, e *faultEnv) ([]string, func()) {
				for _, p := range []string{".tmp/.fetch-123.part", ".tmp/in-456/" + csvFile, ".tmp/land-789/provenance.json"} {
					p = filepath.Join(e.dir, "data", filepath.FromSlash(p))
					os.MkdirAll(filepath.Dir(p), 0o755)
					os.WriteFile(p, csv[:len(csv)/3], 0o644)
				}
				return nil, nil
			},
			code: 0, loads: true,
			after: func(t *testing.T, e *faultEnv) []string {
				entries, _ := os.ReadDir(filepath.Join(e.dir, "data", ".tmp"))
				var out []string
				for _, d := range entries {
					if d.Name() != ".lock" {
						out = append(out, "left in data/.tmp: "+d.Name())
					}
				}
				return out
			}},
	}
}

// ledgerUnder4KiB checks that no run-ledger field the case wrote exceeds 4 KiB.
func ledgerUnder4KiB(t *testing.T, e *faultEnv) []string {
	w, err := warehouse.Open(context.Background(), warehouse.Options{Path: e.db, ReadOnly: true})
	if err != nil {
		return []string{err.Error()}
	}
	defer w.Close()
	var out []string
	for _, q := range []string{
		`SELECT max(length(coalesce(error, ''))), max(length(coalesce(summary, ''))) FROM meta.runs`,
		`SELECT max(length(coalesce(error, ''))), max(length(coalesce(notes, '') || coalesce(vintage, '') || coalesce(release, ''))) FROM meta.loads`,
		`SELECT max(length(coalesce(last_error, ''))), 0 FROM meta.source_state`,
	} {
		var a, b int
		if err := w.QueryRow(context.Background(), q).Scan(&a, &b); err != nil || a > 4096 || b > 4096 {
			out = append(out, fmt.Sprintf("%s: %d and %d bytes (%v)", q, a, b, err))
		}
	}
	return out
}

// withFirstCell returns a copy of body with prefix at the start of the first data row's first cell
// (inside its quotes).
func withFirstCell(body []byte, prefix string) []byte {
	head, rest, _ := bytes.Cut(body, []byte("\n"))
	var b bytes.Buffer
	b.Write(head)
	b.WriteByte('\n')
	if bytes.HasPrefix(rest, []byte(`"`)) {
		b.WriteString(`"` + prefix)
		rest = rest[1:]
	} else {
		b.WriteString(prefix)
	}
	b.Write(rest)
	return b.Bytes()
}

// sharedStringsBomb returns the XLSX with a shared string table (replacing its own, if any) of size
// bytes of one short string repeated, which deflates a few hundred times.
func sharedStringsBomb(t *testing.T, real []byte, size int) []byte {
	without := rewriteZip(t, real, func(zw *zip.Writer, f *zip.File) bool { return f.Name == "xl/sharedStrings.xml" })
	zr, err := zip.NewReader(bytes.NewReader(without), int64(len(without)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.DefaultCompression)
	crc := crc32.NewIEEE()
	w := io.MultiWriter(fw, crc)
	head := `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`
	io.WriteString(w, head)
	item := []byte(`<si><t>a</t></si>`)
	chunk := bytes.Repeat(item, (1<<20)/len(item))
	n := len(head)
	for n+len(chunk)+6 <= size {
		w.Write(chunk)
		n += len(chunk)
	}
	io.WriteString(w, `</sst>`)
	n += 6
	fw.Close()
	zf, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/sharedStrings.xml", Method: zip.Deflate, CRC32: crc.Sum32(),
		CompressedSize64: uint64(comp.Len()), UncompressedSize64: uint64(n)})
	if err != nil {
		t.Fatal(err)
	}
	zf.Write(comp.Bytes())
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// alteredStoredSheet returns the XLSX with its first worksheet stored (not compressed) and the
// first digit of a cell value in it changed afterwards, its CRC-32 left as it was.
func alteredStoredSheet(t *testing.T, real []byte) []byte {
	stored := rewriteZip(t, real, func(zw *zip.Writer, f *zip.File) bool {
		if f.Name != "xl/worksheets/sheet1.xml" {
			return false
		}
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Store})
		w.Write(b)
		return true
	})
	i := bytes.Index(stored, []byte("<v>"))
	if i < 0 || stored[i+3] < '0' || stored[i+3] > '9' {
		t.Fatal("no stored numeric cell to alter")
	}
	out := append([]byte(nil), stored...)
	out[i+3] = '0' + (out[i+3]-'0'+1)%10
	return out
}

// foreignSiteFiles writes a site for the case's warehouse, then puts in it what a person might:
// notes, a custom/ folder and a copy of the warehouse; the command is the next `report`.
func foreignSiteFiles(t *testing.T, e *faultEnv) ([]string, func()) {
	site := filepath.Join(e.dir, "site")
	if code, _, stderr := run(t, "report", "--config", e.cfg, "--db", e.db, "--out", site); code != 0 {
		t.Fatalf("the first report: exit %d: %s", code, stderr)
	}
	db, _ := os.ReadFile(e.db)
	for name, body := range map[string][]byte{"notes.txt": []byte("my notes"), "custom/page.html": []byte("<p>mine</p>"), "backup/w.duckdb": db} {
		p := filepath.Join(site, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return []string{"report", "--config", e.cfg, "--out", site}, nil
}
