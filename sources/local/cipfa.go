package local

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/sources"
	"github.com/cornerstone-data/cornerstone/sources/fetch"
)

func init() {
	RegisterTemplate(NeighboursTemplate)
	sources.Register(Neighbours{})
}

// MaxNeighbourRank is the largest rank a CIPFA nearest-neighbours list holds (15 neighbours).
const MaxNeighbourRank = 15

// NeighboursTemplate is the "cipfa-neighbours" import: a licensed CIPFA nearest-neighbours list,
// one row per council and neighbour.
var NeighboursTemplate = Template{
	Name:   "cipfa-neighbours",
	Source: "cipfa-neighbours",
	Title:  "CIPFA nearest neighbours (licensed list)",
	Description: "A CIPFA Nearest Neighbours Model list, for councils that hold a CIPFA licence: one row per council and " +
		"neighbour, the closest neighbour ranked 1. The list is licensed: it is loaded only from a file you supply, never " +
		"downloaded, and who holds the licence is recorded with every row. Reports that use it say so.",
	Columns: []Column{
		{Name: "area_code", Type: Text, Required: true, Example: "E09000003", Doc: "GSS code of the council whose neighbours are listed (E09000003); MHCLG E-codes are not accepted"},
		{Name: "neighbour_code", Type: Text, Required: true, Example: "E09000005", Doc: "GSS code of the neighbour (E09000005); not the council itself"},
		{Name: "rank", Type: Integer, Required: true, Example: "1", Doc: fmt.Sprintf("1 for the nearest neighbour up to %d; each rank once per council and model", MaxNeighbourRank)},
		{Name: "model", Type: Text, Required: true, Example: "CIPFA NN 2019", Doc: "the CIPFA model and edition the list comes from (CIPFA NN 2019)"},
		{Name: "licence_holder", Type: Text, Required: true, Example: "London Borough of Barnet", Doc: "who holds the CIPFA licence under which the list is used"},
	},
}

// NeighbourRow is one decoded row of a nearest-neighbours file.
type NeighbourRow struct {
	AreaCode      string `csv:"area_code"`
	NeighbourCode string `csv:"neighbour_code"`
	Rank          int64  `csv:"rank"`
	Model         string `csv:"model"`
	LicenceHolder string `csv:"licence_holder"`
}

// Neighbours is the cipfa-neighbours source: a licensed CIPFA nearest-neighbours list imported
// with `cornerstone ingest cipfa-neighbours --from FILE` (a CSV made from the cipfa-neighbours
// template), or read from the file named by the source's `file` setting (`file = "PATH"` under
// `[sources.cipfa-neighbours.settings]` in the config), so scheduled runs pick up a replaced list.
// CIPFA's lists are licensed, so nothing is ever discovered on the web: without the setting,
// discovery finds nothing and says the source is import-only, which is not a failure (OnDemand).
//
// A file is one release: dataset "nearest-neighbours", vintage "<models> licensed to
// <licence holders>", so a corrected file from the same holder for the same model replaces its
// predecessor.
type Neighbours struct{}

// NeighboursDataset is the dataset of every nearest-neighbours release.
const NeighboursDataset = "nearest-neighbours"

// NeighboursTable is raw.cipfa_neighbours.
var NeighboursTable = warehouse.Table{Schema: "raw", Name: "cipfa_neighbours", Doc: "Licensed CIPFA nearest-neighbours lists as imported, one row per council and neighbour", Columns: []warehouse.Column{
	{Name: "area_code", Type: "VARCHAR", Doc: "GSS code of the council"},
	{Name: "neighbour_code", Type: "VARCHAR", Doc: "GSS code of the neighbour"},
	{Name: "rank", Type: "INTEGER", Doc: fmt.Sprintf("1 (nearest) to %d", MaxNeighbourRank)},
	{Name: "model", Type: "VARCHAR", Doc: "CIPFA model and edition, as written (CIPFA NN 2019)"},
	{Name: "licence_holder", Type: "VARCHAR", Doc: "who holds the CIPFA licence"},
}}

// Info describes the source.
func (Neighbours) Info() sources.Info {
	return sources.Info{
		ID:           "cipfa-neighbours",
		Title:        "CIPFA nearest neighbours (licensed, imported)",
		Publisher:    "CIPFA (Chartered Institute of Public Finance and Accountancy)",
		Licence:      "CIPFA licence held by the importing council; not open data: use and publication as the licence allows",
		Homepage:     "https://www.cipfa.org/services/cipfastats/nearest-neighbour-model",
		Tables:       []warehouse.Table{NeighboursTable},
		Cadence:      sources.Cadence{Every: "irregular", Note: "imported when a licence holder supplies a list; CIPFA revises its model every few years"},
		Schedule:     "0 6 * * *",
		MaxDrop:      1, // an import may cover fewer councils than the previous one
		MaxFileBytes: MaxReturnBytes,
	}
}

// NeighboursSettings are the source's settings ([sources.cipfa-neighbours.settings]).
type NeighboursSettings struct {
	// File is a nearest-neighbours CSV read on every run.
	File string `toml:"file"`
}

// NewSettings returns the settings struct the config is decoded into (sources.Configurable).
func (Neighbours) NewSettings() any { return &NeighboursSettings{} }

// OnDemand marks the source as import-only: discovery finding nothing is not a failure.
func (Neighbours) OnDemand() bool { return true }

// Discover returns the file named by the `file` setting as one release. Without it there is
// nothing to discover (the lists are licensed and never downloaded): it says so and returns no
// release.
func (Neighbours) Discover(ctx context.Context, env *sources.Env) ([]sources.Release, error) {
	path := sources.SettingsOf[NeighboursSettings](env, "cipfa-neighbours").File
	if path == "" {
		if env.Progress != nil {
			env.Progress.Logf("cipfa-neighbours is import-only (CIPFA's lists are licensed): load a list with `cornerstone ingest cipfa-neighbours --from FILE` (template: `cornerstone template cipfa-neighbours`) or set file = \"PATH\" under [sources.cipfa-neighbours.settings] in the config")
		}
		return nil, nil
	}
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("reading the cipfa-neighbours file setting: %w", err)
	}
	return []sources.Release{{Title: "CIPFA nearest neighbours " + filepath.Base(path),
		Assets: []sources.Asset{{Path: path, Name: filepath.Base(path), Kind: fetch.KindCSV}}}}, nil
}

// Identify validates the file (every problem reported, nothing loaded) and names the release from
// its models and licence holders.
func (Neighbours) Identify(ctx context.Context, rel *sources.Release, files []sources.Fetched) error {
	recs, err := readFile(files[0].Path, files[0].Name)
	if err != nil {
		return err
	}
	rows, err := decodeNeighbours(files[0].Name, recs)
	if err != nil {
		return err
	}
	models, holders, areas := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, r := range rows {
		models[r.Model], holders[r.LicenceHolder], areas[r.AreaCode] = true, true, true
	}
	if rel.Dataset == "" {
		rel.Dataset = NeighboursDataset
	}
	if rel.Vintage == "" {
		rel.Vintage = strings.Join(neighbourKeys(models), " + ") + " licensed to " + strings.Join(neighbourKeys(holders), " + ")
	}
	if rel.Title == "" || strings.HasPrefix(rel.Title, "CIPFA nearest neighbours ") {
		rel.Title = fmt.Sprintf("CIPFA nearest neighbours (%s) for %d councils, licensed to %s",
			strings.Join(neighbourKeys(models), ", "), len(areas), strings.Join(neighbourKeys(holders), ", "))
	}
	return nil
}

// Load writes the validated rows.
func (Neighbours) Load(ctx context.Context, ld *sources.Loader) error {
	f, err := ld.File("")
	if err != nil {
		return err
	}
	recs, err := readFile(f.Path, f.Filename)
	if err != nil {
		return err
	}
	rows, err := decodeNeighbours(f.Filename, recs)
	if err != nil {
		return err
	}
	w, err := ld.Writer(ctx, NeighboursTable.Name)
	if err != nil {
		return err
	}
	for i, r := range rows {
		if err := w.Append(f.Filename, "", i+2, r.AreaCode, r.NeighbourCode, r.Rank, r.Model, r.LicenceHolder); err != nil {
			return err
		}
	}
	return nil
}

var neighbourGSSRe = regexp.MustCompile(`^[EWSN]\d{8}$`)

// DecodeNeighbours validates a nearest-neighbours file and decodes it. Every problem is reported
// at once in one *sources.ValidationError (row, column, value, why): the template's checks
// (header, required cells, whole-number ranks) and this list's own: codes must be GSS codes, ranks
// 1 to MaxNeighbourRank, no council its own neighbour, no pair twice and no rank twice for a
// council and model. Rows count the header as row 1.
func DecodeNeighbours(file string, body []byte) ([]NeighbourRow, error) {
	recs, err := ReadRecords(file, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	return decodeNeighbours(file, recs)
}

// decodeNeighbours is DecodeNeighbours on the file's records.
func decodeNeighbours(file string, all [][]string) ([]NeighbourRow, error) {
	rows, derr := DecodeRecords[NeighbourRow](NeighboursTemplate, file, all)
	var verr *sources.ValidationError
	if derr != nil && !errors.As(derr, &verr) {
		return nil, derr
	}
	if verr != nil {
		for _, p := range verr.Problems {
			if p.Row == 1 {
				return nil, verr // the header is wrong: cell checks would be noise
			}
		}
	} else {
		verr = &sources.ValidationError{File: file}
	}
	reported := map[string]bool{}
	for _, p := range verr.Problems {
		reported[fmt.Sprint(p.Row, "|", p.Column)] = true
	}
	add := func(row int, col, value, why string) {
		if !reported[fmt.Sprint(row, "|", col)] {
			reported[fmt.Sprint(row, "|", col)] = true
			verr.Problems = append(verr.Problems, sources.Problem{Row: row, Column: col, Value: value, Why: why})
		}
	}
	recs, header, width := neighbourRecords(all)
	if len(recs) == 0 && len(verr.Problems) == 0 {
		verr.Problems = append(verr.Problems, sources.Problem{Row: 2, Why: "the file has no neighbours below the header"})
	}
	get := func(rec []string, col string) string {
		if i, ok := header[col]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	pairs, ranks := map[string]int{}, map[string]int{}
	for n, rec := range recs {
		row := n + 2
		if len(rec) != width {
			continue // Decode reported the row's field count
		}
		area, nb, model := get(rec, "area_code"), get(rec, "neighbour_code"), get(rec, "model")
		for _, c := range []struct{ col, v string }{{"area_code", area}, {"neighbour_code", nb}} {
			if c.v != "" && !neighbourGSSRe.MatchString(c.v) {
				add(row, c.col, c.v, "not a GSS code (E09000003): nine characters, a letter E, W, S or N and eight digits")
			}
		}
		rankText := get(rec, "rank")
		rank, rerr := strconv.ParseInt(strings.ReplaceAll(rankText, ",", ""), 10, 64)
		if rankText != "" && rerr == nil && (rank < 1 || rank > MaxNeighbourRank) {
			add(row, "rank", rankText, fmt.Sprintf("out of range: ranks run from 1 (nearest) to %d", MaxNeighbourRank))
		}
		if area != "" && area == nb {
			add(row, "neighbour_code", nb, "a council cannot be its own neighbour")
		}
		if area != "" && nb != "" && area != nb {
			key := area + "|" + nb + "|" + model
			if prev, dup := pairs[key]; dup {
				add(row, "neighbour_code", nb, fmt.Sprintf("duplicate pair: %s is already a neighbour of %s in %q on row %d", nb, area, model, prev))
			} else {
				pairs[key] = row
			}
		}
		if area != "" && rerr == nil && rank >= 1 && rank <= MaxNeighbourRank {
			key := area + "|" + model + "|" + strconv.FormatInt(rank, 10)
			if prev, dup := ranks[key]; dup {
				add(row, "rank", rankText, fmt.Sprintf("rank %d of %s in %q is already given on row %d", rank, area, model, prev))
			} else {
				ranks[key] = row
			}
		}
	}
	if len(verr.Problems) > 0 {
		order := map[string]int{}
		for i, c := range NeighboursTemplate.Columns {
			order[c.Name] = i + 1
		}
		sort.SliceStable(verr.Problems, func(i, j int) bool {
			a, b := verr.Problems[i], verr.Problems[j]
			if a.Row != b.Row {
				return a.Row < b.Row
			}
			return order[a.Column] < order[b.Column]
		})
		return nil, verr
	}
	return rows, nil
}

// neighbourRecords splits the records for the checks across rows: the records below the header,
// the header's column indexes and its width.
func neighbourRecords(recs [][]string) ([][]string, map[string]int, int) {
	if len(recs) == 0 {
		return nil, nil, 0
	}
	header := map[string]int{}
	for i, h := range recs[0] {
		if _, dup := header[strings.TrimSpace(h)]; !dup {
			header[strings.TrimSpace(h)] = i
		}
	}
	return recs[1:], header, len(recs[0])
}

func neighbourKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
