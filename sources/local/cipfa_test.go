package local_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cornerstone-data/cornerstone/sources"
	"github.com/cornerstone-data/cornerstone/sources/local"
	"github.com/cornerstone-data/cornerstone/sources/sourcestest"
)

const neighboursHeader = "area_code,neighbour_code,rank,model,licence_holder\n"

func neighboursFile(t testing.TB, name, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestNeighboursInfo(t *testing.T) { sourcestest.TestInfo(t, local.Neighbours{}) }

// TestNeighboursTemplateLoads: the file `cornerstone template cipfa-neighbours` writes is a valid
// import as it stands, and passes the ingest driver's contract.
func TestNeighboursTemplateLoads(t *testing.T) {
	tmpl, err := local.LookupTemplate("cipfa-neighbours")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := tmpl.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), neighboursHeader) {
		t.Fatalf("template header: %q", buf.String())
	}
	env := sourcestest.TestLoad(t, local.Neighbours{}, neighboursFile(t, "cipfa-neighbours.csv", buf.String()), sources.Options{})
	var area, nb, model, holder, vintage string
	var rank int
	if err := env.DB.QueryRow(context.Background(), `SELECT area_code, neighbour_code, rank, model, licence_holder, _vintage FROM raw.cipfa_neighbours`).
		Scan(&area, &nb, &rank, &model, &holder, &vintage); err != nil {
		t.Fatal(err)
	}
	if area != "E09000003" || nb != "E09000005" || rank != 1 || model != "CIPFA NN 2019" || holder != "London Borough of Barnet" ||
		vintage != "CIPFA NN 2019 licensed to London Borough of Barnet" {
		t.Fatalf("row %s %s %d %s %s %s", area, nb, rank, model, holder, vintage)
	}
	var doc bytes.Buffer
	if err := tmpl.WriteDoc(&doc); err != nil || !strings.Contains(doc.String(), "`cornerstone ingest cipfa-neighbours --from FILE`") {
		t.Fatalf("doc: %v\n%s", err, doc.String())
	}
}

// TestNeighboursEveryProblemAtOnce: one file with many kinds of mistake reports each one, with
// its row, column, value and reason, and decodes nothing.
func TestNeighboursEveryProblemAtOnce(t *testing.T) {
	body := neighboursHeader +
		"E09000003,E09000005,1,CIPFA NN 2019,LB Barnet\n" + // 2 ok
		"E0900003,E09000010,2,CIPFA NN 2019,LB Barnet\n" + // 3 bad area code
		"E09000003,E5031,3,CIPFA NN 2019,LB Barnet\n" + // 4 an E-code
		"E09000003,E09000015,0,CIPFA NN 2019,LB Barnet\n" + // 5 rank 0
		"E09000003,E09000016,16,CIPFA NN 2019,LB Barnet\n" + // 6 rank 16
		"E09000003,E09000005,4,CIPFA NN 2019,LB Barnet\n" + // 7 duplicate pair with row 2
		"E09000003,E09000003,5,CIPFA NN 2019,LB Barnet\n" + // 8 self-neighbour
		"E09000003,E09000017,1,CIPFA NN 2019,LB Barnet\n" + // 9 rank 1 again
		"E09000003,E09000018,six,CIPFA NN 2019,\n" + // 10 rank not a number, no licence holder
		"E09000003,E09000005,1,CIPFA NN 2021,LB Barnet\n" // 11 ok: another model
	_, err := local.DecodeNeighbours("nn.csv", []byte(body))
	var ve *sources.ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, sources.ErrInvalid) {
		t.Fatalf("err = %v", err)
	}
	want := []string{
		`row 3 column "area_code" value "E0900003": not a GSS code`,
		`row 4 column "neighbour_code" value "E5031": not a GSS code`,
		`row 5 column "rank" value "0": out of range: ranks run from 1 (nearest) to 15`,
		`row 6 column "rank" value "16": out of range`,
		`row 7 column "neighbour_code" value "E09000005": duplicate pair: E09000005 is already a neighbour of E09000003 in "CIPFA NN 2019" on row 2`,
		`row 8 column "neighbour_code" value "E09000003": a council cannot be its own neighbour`,
		`row 9 column "rank" value "1": rank 1 of E09000003 in "CIPFA NN 2019" is already given on row 2`,
		`row 10 column "rank" value "six": not a whole number`,
		`row 10 column "licence_holder" value "": required`,
	}
	if len(ve.Problems) != len(want) {
		t.Fatalf("%d problems, want %d:\n%v", len(ve.Problems), len(want), err)
	}
	for i, w := range want {
		if !strings.HasPrefix(ve.Problems[i].String(), w) {
			t.Errorf("problem %d:\n got %s\nwant %s…", i, ve.Problems[i], w)
		}
	}
	if !strings.Contains(err.Error(), "nn.csv: 9 problem(s), nothing loaded") {
		t.Errorf("message: %v", err)
	}
}

func TestNeighboursHeaderProblems(t *testing.T) {
	_, err := local.DecodeNeighbours("nn.csv", []byte("area_code,neighbor_code,rank,model\nE09000003,E09000005,1,x\n"))
	var ve *sources.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v", err)
	}
	for _, w := range []string{`column "neighbour_code" value "": required column missing`, `column "licence_holder" value "": required column missing`, `did you mean "neighbour_code"`} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("%v lacks %q", err, w)
		}
	}
	for _, p := range ve.Problems {
		if p.Row != 1 {
			t.Errorf("a header problem should stop the cell checks: %s", p)
		}
	}
	if _, err := local.DecodeNeighbours("nn.csv", []byte(neighboursHeader)); err == nil || !strings.Contains(err.Error(), "no neighbours below the header") {
		t.Errorf("header only: %v", err)
	}
}

// TestNeighboursBadImportChangesNothing: through the ingest driver a bad file fails as invalid,
// naming the source and file, and leaves the list already held as it was.
func TestNeighboursBadImportChangesNothing(t *testing.T) {
	env := sourcestest.Env(t)
	good := neighboursFile(t, "barnet-nn.csv", neighboursHeader+
		"E09000003,E09000005,1,CIPFA NN 2019,LB Barnet\nE09000003,E09000010,2,CIPFA NN 2019,LB Barnet\n")
	if _, err := sourcestest.Ingest(t, env, local.Neighbours{}, good, sources.Options{}); err != nil {
		t.Fatal(err)
	}
	before := sourcestest.Stats(t, env)
	bad := neighboursFile(t, "barnet-nn.csv", neighboursHeader+
		"E09000003,E09000005,1,CIPFA NN 2019,LB Barnet\nE09000003,E09000003,2,CIPFA NN 2019,LB Barnet\n")
	_, err := sourcestest.Ingest(t, env, local.Neighbours{}, bad, sources.Options{})
	if err == nil || sources.Reason(err) != sources.ReasonInvalid || !strings.Contains(err.Error(), "cipfa-neighbours") ||
		!strings.Contains(err.Error(), `row 3 column "neighbour_code"`) {
		t.Fatalf("err = %v (reason %s)", err, sources.Reason(err))
	}
	sourcestest.Unchanged(t, before, sourcestest.Stats(t, env))
}

// TestNeighboursImportOnly: without a file setting discovery finds nothing, which is not a
// failure (the lists are licensed, never downloaded); with one, that file is the release.
func TestNeighboursImportOnly(t *testing.T) {
	env := sourcestest.Env(t)
	res, err := sources.Ingest(context.Background(), env, local.Neighbours{}, sources.Options{})
	if err != nil || len(res.Loads) != 0 {
		t.Fatalf("no setting: %v %+v", err, res)
	}
	path := neighboursFile(t, "nn.csv", neighboursHeader+"E09000003,E09000005,1,CIPFA NN 2019,LB Barnet\n")
	env.Settings = map[string]any{"cipfa-neighbours": &local.NeighboursSettings{File: path}}
	res, err = sources.Ingest(context.Background(), env, local.Neighbours{}, sources.Options{})
	if err != nil || len(res.Loads) != 1 || res.Loads[0].Status != sources.StatusLoaded ||
		res.Loads[0].Release.Title != "CIPFA nearest neighbours (CIPFA NN 2019) for 1 councils, licensed to LB Barnet" {
		t.Fatalf("file setting: %v %+v", err, res)
	}
	env.Settings["cipfa-neighbours"] = &local.NeighboursSettings{File: filepath.Join(t.TempDir(), "missing.csv")}
	if _, err := sources.Ingest(context.Background(), env, local.Neighbours{}, sources.Options{}); err == nil || !strings.Contains(err.Error(), "missing.csv") {
		t.Fatalf("missing file: %v", err)
	}
}

// FuzzNeighbours feeds arbitrary text named as an import through the real ingest driver.
func FuzzNeighbours(f *testing.F) {
	sourcestest.Fuzz(f, local.Neighbours{}, "cipfa-neighbours.csv", sources.Options{},
		[]byte(neighboursHeader+"E09000003,E09000005,1,CIPFA NN 2019,LB Barnet\n"),
		[]byte(neighboursHeader+"E09000003,E09000003,16,,\n\"x\n"))
}

// FuzzDecodeNeighbours feeds arbitrary text to the validator directly: it may reject, never
// panic, and what it accepts satisfies every rule.
func FuzzDecodeNeighbours(f *testing.F) {
	f.Add([]byte(neighboursHeader + "E09000003,E09000005,1,CIPFA NN 2019,LB Barnet\n"))
	f.Add([]byte(neighboursHeader + "E09000003,E09000005,\"1,0\",m,h\nE09000003,E09000005,1,m,h\n"))
	f.Add([]byte("\ufeff" + neighboursHeader + "E09000003,E09000005, 2 ,m,h,extra\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		rows, err := local.DecodeNeighbours("f.csv", b)
		if err != nil {
			return
		}
		if len(rows) == 0 {
			t.Fatal("accepted a file without rows")
		}
		pairs, ranks := map[string]bool{}, map[string]bool{}
		for _, r := range rows {
			p, k := r.AreaCode+r.NeighbourCode+"|"+r.Model, r.AreaCode+"|"+r.Model+"|"+string(rune('a'+r.Rank))
			if r.Rank < 1 || r.Rank > local.MaxNeighbourRank || r.AreaCode == r.NeighbourCode || pairs[p] || ranks[k] ||
				len(r.AreaCode) != 9 || len(r.NeighbourCode) != 9 {
				t.Fatalf("accepted a bad row %+v", r)
			}
			pairs[p], ranks[k] = true, true
		}
	})
}
