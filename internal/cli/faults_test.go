package cli

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/cornerstone-data/cornerstone/internal/warehouse"
)

// The fault matrix (issue #11): every fault the pipeline can meet on the way from a publisher to
// the warehouse, injected for real (loopback servers scripting the fault for one URL of the demo
// sample, bad files, bad config, a held lock, a write error in a subprocess). Each case must fail
// with exit 1 and an error naming what failed, leave every data table's row count and content hash
// exactly as before, and a clean re-run must then load what a clean run loads. The table of
// results is docs/RELIABILITY.md, rewritten with -update and otherwise compared (a stale doc fails).

var updateDocs = flag.Bool("update", false, "rewrite docs/RELIABILITY.md from the fault matrix")

// The sources the faults target: one XLSX (HM Treasury deflators), one ODS (DCMS museum
// indicators) and one CSV (ACE library locations). The base warehouse holds the la-register load.
const (
	xlsxSource = "hmt-gdp-deflators"
	odsSource  = "dcms-museum-indicators"
	csvSource  = "ace-library-locations"
	xlsxFile   = "GDP_Deflators_Qtrly_National_Accounts_September_2025_update.xlsx"
	odsFile    = "DCMS_sponsored_museums_and_galleries_annual_performance_indicators_2023_24_tables.ods"
	csvFile    = "basic-dataset-for-libraries-2023-enhanced.csv"
)

// faultEnv is what a case's setup gets: the mirror, the case's directory and warehouse.
type faultEnv struct {
	m   *mirror
	dir string
	db  string
	cfg string // the clean config; a case may write and return its own
}

// faultCase is one row of the matrix.
type faultCase struct {
	name   string // short name (the doc's first column)
	fault  string // what is injected, for the doc
	target string // the source the command ingests (and the clean re-run ingests)
	about  string // what the fault is about, for the doc, when not target (a command, a source)
	// setup injects the fault and returns the command line to run (nil: ingest target with
	// the clean config) and an undo func (nil: nothing to undo beyond clearing the mirror).
	setup func(t *testing.T, e *faultEnv) (args []string, undo func())
	// sub runs the command as a subprocess of the built binary with this environment added.
	sub  []string
	code int
	says []string // substrings the error must contain (what failed: source, file, reason)
	// loads marks a fault that is no error: the command loads the release (row counts equal a
	// clean run's) and warns; warns are substrings that stderr and `cornerstone runs` must show.
	loads bool
	warns []string
	// after, when set, checks the warehouse once the command has run and returns failures.
	after func(t *testing.T, e *faultEnv) []string
	// proc, when set, runs the command line itself (processes of the built binary beside each
	// other: a scheduler, a reader, a second scheduler) and returns the exit code, stderr, the
	// doc's message ("": the first error line) and failures of its own.
	proc func(t *testing.T, e *faultEnv, args []string) (code int, stderr, message string, failures []string)
	// builds marks a command that also builds models (a scheduler's jobs): the data compared is
	// what loads write (raw tables, meta but the model registry); the models derive from it.
	builds bool
}

func faultCases(t *testing.T, m *mirror) []faultCase {
	_, xlsx := m.sampleKey(t, xlsxFile)
	_, ods := m.sampleKey(t, odsFile)
	_, csv := m.sampleKey(t, csvFile)
	serve := func(suffix string, h http.HandlerFunc) func(*testing.T, *faultEnv) ([]string, func()) {
		return func(t *testing.T, e *faultEnv) ([]string, func()) {
			e.m.override(t, suffix, h)
			return nil, nil
		}
	}
	cases := []faultCase{
		{name: "http-5xx", fault: "the XLSX URL answers 503 on every attempt", target: xlsxSource,
			setup: serve(xlsxFile, func(w http.ResponseWriter, r *http.Request) {
				http.Error(w, "upstream unavailable", http.StatusServiceUnavailable)
			}),
			code: 1, says: []string{xlsxSource, xlsxFile, "503"}},
		{name: "timeout", fault: "the XLSX URL sends no response headers until the client gives up", target: xlsxSource,
			setup: serve(xlsxFile, stall(xlsxType, xlsx, false)),
			code:  1, says: []string{xlsxSource, xlsxFile}},
		{name: "stalled-body", fault: "the XLSX body stops after a third and the connection stays open", target: xlsxSource,
			setup: serve(xlsxFile, stall(xlsxType, xlsx, true)),
			code:  1, says: []string{xlsxSource, xlsxFile}},
		{name: "truncated-body", fault: "the XLSX connection closes after half the Content-Length", target: xlsxSource,
			setup: serve(xlsxFile, truncateHalf(xlsxType, xlsx)),
			code:  1, says: []string{xlsxSource, xlsxFile}},
		{name: "html-login-page", fault: "the XLSX URL answers 200 with an HTML sign-in page", target: xlsxSource,
			setup: serve(xlsxFile, serveBody("text/html; charset=utf-8",
				[]byte("<!DOCTYPE html><html><head><title>Sign in</title></head><body><form action=\"/login\"><input name=\"password\"></form></body></html>"))),
			code: 1, says: []string{xlsxSource, xlsxFile, "HTML"}},
		{name: "wrong-content-type", fault: "the XLSX URL answers 200 with a JSON error document", target: xlsxSource,
			setup: serve(xlsxFile, serveBody("application/json", []byte(`{"error": "file not found", "status": 404}`))),
			code:  1, says: []string{xlsxSource, xlsxFile}},
		{name: "redirect-loop", fault: "the XLSX URL redirects to itself", target: xlsxSource,
			setup: serve(xlsxFile, func(w http.ResponseWriter, r *http.Request) {
				// The mirror serves https://HOST/PATH at /HOST/PATH: send the client back to the
				// publisher's URL it asked for.
				http.Redirect(w, r, "https:/"+r.URL.EscapedPath(), http.StatusFound)
			}),
			code: 1, says: []string{xlsxSource, xlsxFile, "redirect"}},
		{name: "oversize", fault: "the XLSX is larger than fetch.max_bytes (4 KiB in this case's config)", target: xlsxSource,
			setup: func(t *testing.T, e *faultEnv) ([]string, func()) {
				cfg := enabledConfig(t, filepath.Join(e.dir, "small.toml"), e.m.URL, matrixSources, "max_bytes = 4096\n")
				return []string{"ingest", xlsxSource, "--no-build", "--config", cfg}, nil
			},
			code: 1, says: []string{xlsxSource, xlsxFile, "4096"}},
		{name: "corrupt-xlsx", fault: "the XLSX is 8 KiB of bytes that are not a zip", target: xlsxSource,
			setup: serve(xlsxFile, serveBody(xlsxType, append([]byte("PK\x03\x04"), bytes.Repeat([]byte{0xA5, 0x5A}, 4096)...))),
			code:  1, says: []string{xlsxSource, xlsxFile}},
		{name: "truncated-xlsx", fault: "a complete 200 response holding the first half of the XLSX", target: xlsxSource,
			setup: serve(xlsxFile, serveBody(xlsxType, xlsx[:len(xlsx)/2])),
			code:  1, says: []string{xlsxSource, xlsxFile}},
		{name: "zip-bomb", fault: "the XLSX worksheet declares 3 GiB inflated (16 MiB of '<' deflated to a few KiB)", target: xlsxSource,
			setup: serve(xlsxFile, serveBody(xlsxType, zipBomb(t, xlsx))),
			code:  1, says: []string{xlsxSource, xlsxFile}},
		{name: "truncated-ods", fault: "a complete 200 response holding the first half of the ODS", target: odsSource,
			setup: serve(odsFile, serveBody(odsType, ods[:len(ods)/2])),
			code:  1, says: []string{odsSource, odsFile}},
		{name: "corrupt-ods", fault: "the ODS content.xml replaced by malformed XML", target: odsSource,
			setup: serve(odsFile, serveBody(odsType, corruptODS(t, ods))),
			code:  1, says: []string{odsSource, odsFile}},
		{name: "renamed-column", fault: "the CSV header `Type` renamed `Library type`", target: csvSource,
			setup: serve(csvFile, serveBody("text/csv", withHeader(csv, func(h string) string {
				return strings.Replace(h, ",Type,", ",Library type,", 1)
			}))),
			code: 1, says: []string{csvSource, csvFile, "Type"}},
		{name: "missing-column", fault: "the CSV without its `Name` column (header only: the data rows keep their cells)", target: csvSource,
			setup: serve(csvFile, serveBody("text/csv", withHeader(csv, func(h string) string {
				return strings.Replace(h, ",Name,", ",,", 1)
			}))),
			code: 1, says: []string{csvSource, csvFile, "Name"}},
		{name: "renamed-optional-column", fault: "the CSV header `Year opened` (an optional column) renamed `Year Opened (approx)`: loaded, the column empty, with a warning", target: csvSource,
			setup: serve(csvFile, serveBody("text/csv", withHeader(csv, func(h string) string {
				return strings.Replace(h, ",Year opened,", ",Year Opened (approx),", 1)
			}))),
			code: 0, loads: true, warns: []string{csvFile + `: optional column "Year opened" not found, loaded as empty; nearest header found: "Year Opened (approx)"`},
			after: func(t *testing.T, e *faultEnv) []string {
				code, out, stderr := run(t, "sql", "--db", e.db, "--format", "csv",
					"SELECT count(*) > 0 AS loaded, count(year_opened) AS opened FROM raw.ace_library_sites")
				if code != 0 || out != "loaded,opened\ntrue,0\n" {
					return []string{fmt.Sprintf("raw.ace_library_sites after the load: exit %d %q %s (want rows, every year_opened NULL)", code, out, stderr)}
				}
				return nil
			}},
		{name: "duplicate-release", fault: "the release already held is published again (same bytes, new Last-Modified): not an error, nothing loaded twice", target: csvSource,
			setup: func(t *testing.T, e *faultEnv) ([]string, func()) {
				if code, _, stderr := run(t, "ingest", csvSource, "--no-build", "--config", e.cfg, "--db", e.db, "--data", filepath.Join(e.dir, "data")); code != 0 {
					t.Fatalf("first load: %s", stderr)
				}
				e.m.override(t, csvFile, serveBody("text/csv", csv))
				return nil, nil
			},
			code: 0, says: []string{csvSource, "unchanged"}},
		{name: "bad-from-file", fault: "`--from` names a file that does not exist", target: csvSource,
			setup: func(t *testing.T, e *faultEnv) ([]string, func()) {
				return []string{"ingest", csvSource, "--no-build", "--config", e.cfg, "--from", filepath.Join(e.dir, "no-such.csv")}, nil
			},
			code: 1, says: []string{csvSource, "no-such.csv"}},
		{name: "invalid-config", fault: "the config file is not valid TOML", target: csvSource,
			setup: func(t *testing.T, e *faultEnv) ([]string, func()) {
				p := filepath.Join(e.dir, "broken.toml")
				os.WriteFile(p, []byte("[fetch]\nretries = \"three\n[sources\n"), 0o644)
				return []string{"ingest", csvSource, "--no-build", "--config", p}, nil
			},
			code: 1, says: []string{"broken.toml"}},
		{name: "invalid-config-value", fault: "the config file sets fetch.timeout = \"-5s\"", target: csvSource,
			setup: func(t *testing.T, e *faultEnv) ([]string, func()) {
				p := enabledConfig(t, filepath.Join(e.dir, "negative.toml"), e.m.URL, matrixSources, "")
				b, _ := os.ReadFile(p)
				os.WriteFile(p, bytes.Replace(b, []byte(`timeout = "3s"`), []byte(`timeout = "-5s"`), 1), 0o644)
				return []string{"ingest", csvSource, "--no-build", "--config", p}, nil
			},
			code: 1, says: []string{"negative.toml", "imeout"}},
		{name: "concurrent-run", fault: "another process holds the writer lock (a second run starts)", target: csvSource,
			setup: func(t *testing.T, e *faultEnv) ([]string, func()) {
				l, err := warehouse.AcquireLock(e.db, "cornerstone ingest (the other run)")
				if err != nil {
					t.Fatal(err)
				}
				return nil, func() { l.Release() }
			},
			code: 1, says: []string{"is locked by", "the other run"}},
		{name: "write-error-landing", fault: "writes fail with EFBIG past 4 KiB (RLIMIT_FSIZE on the ingest subprocess): the landing zone is full", target: xlsxSource,
			sub:  []string{fsizeEnv + "=4096"},
			code: 1, says: []string{xlsxSource, xlsxFile, "too large"}},
		{name: "write-error-warehouse", fault: "writes fail with EFBIG past 48 KiB (RLIMIT_FSIZE): the file lands, the warehouse write fails", target: csvSource,
			sub:  []string{fsizeEnv + "=49152"},
			code: 1, says: []string{csvSource, "too large"}},
	}
	return append(cases, hostileCases(t, m)...)
}

var matrixSources = []string{"la-register", xlsxSource, odsSource, csvSource}

// fsizeEnv, when set for a re-executed test binary, makes TestMain set RLIMIT_FSIZE to its value and
// exec the command line that follows: the subprocess then gets EFBIG on any write past that offset,
// as on a full disk, without root or a tmpfs.
const fsizeEnv = "CORNERSTONE_TEST_FSIZE"

// execWithFileSizeLimit is called first in TestMain.
func execWithFileSizeLimit() {
	v := os.Getenv(fsizeEnv)
	if v == "" {
		return
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err == nil {
		err = syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: n, Max: n})
	}
	if err == nil {
		// Ignored, SIGXFSZ does not kill the process: the write fails with EFBIG, as on a full disk.
		signal.Ignore(syscall.SIGXFSZ)
		err = syscall.Exec(os.Args[1], os.Args[1:], os.Environ())
	}
	fmt.Fprintln(os.Stderr, "fault wrapper:", err)
	os.Exit(3)
}

type matrixResult struct {
	c                  faultCase
	code               int
	message            string
	unchanged, rerunOK bool
	loadedOK           bool // for a case that loads: row counts equal a clean run's
	rerunCode          int
	failures           []string
}

func TestFaultMatrix(t *testing.T) {
	bin := binary(t)
	m := newMirror(t)
	root := t.TempDir()

	// The base warehouse: la-register loaded, the target sources never loaded.
	baseDir := filepath.Join(root, "base")
	os.MkdirAll(baseDir, 0o755)
	cfg := enabledConfig(t, filepath.Join(root, "clean.toml"), m.URL, matrixSources, "")
	baseDB := filepath.Join(baseDir, "w.duckdb")
	if code, _, stderr := run(t, "ingest", "la-register", "--no-build", "--config", cfg, "--db", baseDB, "--data", filepath.Join(baseDir, "data")); code != 0 {
		t.Fatalf("base ingest exit %d:\n%s", code, stderr)
	}
	// What a clean run of each target loads.
	clean := map[string]string{}
	for _, id := range []string{xlsxSource, odsSource, csvSource} {
		dir := filepath.Join(root, "clean-"+id)
		os.MkdirAll(dir, 0o755)
		db := filepath.Join(dir, "w.duckdb")
		copyFile(t, baseDB, db)
		if code, _, stderr := run(t, "ingest", id, "--no-build", "--config", cfg, "--db", db, "--data", filepath.Join(dir, "data")); code != 0 {
			t.Fatalf("clean ingest of %s exit %d:\n%s", id, code, stderr)
		}
		clean[id] = rowCounts(dataStats(t, db))
		if clean[id] == rowCounts(dataStats(t, baseDB)) {
			t.Fatalf("a clean ingest of %s loaded nothing", id)
		}
	}

	var results []matrixResult
	for i, c := range append(faultCases(t, m), schedulerFaultCases(t, m)...) {
		res := matrixResult{c: c}
		t.Run(c.name, func(t *testing.T) {
			defer m.clear()
			e := &faultEnv{m: m, dir: filepath.Join(root, fmt.Sprintf("case-%02d", i))}
			os.MkdirAll(e.dir, 0o755)
			e.db = filepath.Join(e.dir, "w.duckdb")
			e.cfg = cfg
			copyFile(t, baseDB, e.db)
			data := filepath.Join(e.dir, "data")
			args, undo := c.setup0(t, e)
			before := c.stats(t, e.db)
			args = append(args, "--db", e.db, "--data", data)
			var stderr, message string
			if c.proc != nil {
				var fails []string
				res.code, stderr, message, fails = c.proc(t, e, args)
				res.failures = append(res.failures, fails...)
			} else if c.sub != nil {
				cmd := exec.Command(os.Args[0], append([]string{bin}, args...)...)
				cmd.Env = append(os.Environ(), c.sub...)
				var eb bytes.Buffer
				cmd.Stderr = &eb
				err := cmd.Run()
				var ee *exec.ExitError
				switch {
				case errors.As(err, &ee):
					res.code = ee.ExitCode()
				case err != nil:
					t.Fatal(err)
				}
				stderr = eb.String()
			} else {
				res.code, _, stderr = run(t, args...)
			}
			if undo != nil {
				undo()
			}
			m.clear()
			res.message = errorLine(stderr)
			if c.warns != nil {
				res.message = noteLine(stderr)
			}
			if message != "" {
				res.message = message
			}
			t.Logf("exit %d: %s", res.code, nonModel(stderr))
			if res.code != c.code {
				res.failures = append(res.failures, fmt.Sprintf("exit %d, want %d", res.code, c.code))
			}
			for _, s := range c.says {
				if !strings.Contains(stderr, s) {
					res.failures = append(res.failures, fmt.Sprintf("the error does not say %q", s))
				}
			}
			for _, l := range strings.Split(stderr, "\n") {
				if len(l) > 4096 || strings.ContainsAny(l, "\x1b\r\x07") {
					res.failures = append(res.failures, fmt.Sprintf("a %d-byte line with control characters or over 4 KiB on stderr: %.200q", len(l), l))
				}
			}
			if c.warns != nil {
				_, runs, _ := run(t, "runs", "--db", e.db, "--limit", "1")
				t.Logf("cornerstone runs:\n%s", runs)
				for _, w := range c.warns {
					if !strings.Contains(stderr, w) {
						res.failures = append(res.failures, fmt.Sprintf("stderr does not warn %q", w))
					}
					if !strings.Contains(runs, w) {
						res.failures = append(res.failures, fmt.Sprintf("`cornerstone runs` does not show %q:\n%s", w, runs))
					}
				}
			}
			after := c.stats(t, e.db)
			if c.loads {
				res.loadedOK = rowCounts(after) == clean[c.target]
				if !res.loadedOK {
					res.failures = append(res.failures, fmt.Sprintf("row counts after the load:\n%s\nclean run:\n%s", rowCounts(after), clean[c.target]))
				}
			} else {
				res.unchanged = after == before
				if !res.unchanged {
					res.failures = append(res.failures, fmt.Sprintf("data changed:\n%s\n%s", before, after))
				}
			}
			if c.after != nil {
				res.failures = append(res.failures, c.after(t, e)...)
			}
			// The clean re-run, with the same warehouse and landing zone.
			code, _, rerr := run(t, "ingest", c.target, "--no-build", "--config", cfg, "--db", e.db, "--data", data)
			res.rerunCode = code
			got := rowCounts(c.stats(t, e.db))
			res.rerunOK = code == 0 && got == c.reduce(clean[c.target])
			if !res.rerunOK {
				res.failures = append(res.failures, fmt.Sprintf("re-run exit %d, row counts:\n%s\nclean run:\n%s\n%s", code, got, clean[c.target], firstLines(rerr, 10)))
			}
			for _, f := range res.failures {
				t.Error(f)
			}
		})
		results = append(results, res)
	}
	checkDoc(t, renderReliability(results))
}

// setup0 runs the case's setup and fills in the default command line.
func (c faultCase) setup0(t *testing.T, e *faultEnv) ([]string, func()) {
	var args []string
	var undo func()
	if c.setup != nil {
		args, undo = c.setup(t, e)
	}
	if args == nil {
		args = []string{"ingest", c.target, "--no-build", "--config", e.cfg}
	}
	return args, undo
}

var (
	tempPathRe = regexp.MustCompile(`/[^\s"']*/(case-\d\d|base|clean-[a-z-]+)/`)
	loopbackRe = regexp.MustCompile(`127\.0\.0\.1:\d+`)
	pidRe      = regexp.MustCompile(`pid \d+`)
	sinceRe    = regexp.MustCompile(`since \d{4}-\d\d-\d\d[T ][0-9:]+Z?`)
	hostRe     = regexp.MustCompile(`on [^ ]+ \(`)
	urlRe      = regexp.MustCompile(`https?://[^\s)]*[^\s):]`)
	partRe     = regexp.MustCompile(`\.fetch-\d+\.part`)
)
