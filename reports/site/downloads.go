package site

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"

	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/reports/browser"
)

// download is one file on the downloads page.
type download struct {
	Name, Href, What string
	Rows             int64
}

// exportMarts writes every table and view of the marts schema to downloads/marts/<name>.parquet.
func (s *Site) exportMarts(ctx context.Context) ([]download, error) {
	var names []string
	err := scanAll(ctx, s.db, "information_schema.tables", `SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts' ORDER BY table_name`,
		func(r *sql.Rows) error {
			var n string
			if err := r.Scan(&n); err != nil {
				return err
			}
			names = append(names, n)
			return nil
		})
	if err != nil {
		return nil, err
	}
	var out []download
	for _, n := range names {
		if warehouse.CheckIdent(n) != nil {
			continue
		}
		rel := "downloads/marts/" + n + ".parquet"
		path, err := s.out.Fresh(rel)
		if err != nil {
			return nil, err
		}
		if err := s.db.ExportParquet(ctx, "marts", n, path); err != nil {
			return nil, err
		}
		var rows int64
		if err := s.db.QueryRow(ctx, "SELECT count(*) FROM "+warehouse.Qualified("marts", n)).Scan(&rows); err != nil {
			return nil, fmt.Errorf("counting marts.%s: %w", n, err)
		}
		out = append(out, download{Name: "marts." + n, Href: rel, What: "Parquet", Rows: rows})
	}
	return out, nil
}

// loadAreaNames names every area in core.areas, current or not (the newest name of a code).
func loadAreaNames(ctx context.Context, db *warehouse.DB) (map[string]string, error) {
	out := map[string]string{}
	ok, err := tableExists(ctx, db, "core", "areas")
	if err != nil || !ok {
		return out, err
	}
	err = scanAll(ctx, db, "core.areas", `SELECT area_code, arg_max(name, coalesce(valid_from, DATE '1900-01-01')) FROM core.areas GROUP BY area_code ORDER BY area_code`,
		func(r *sql.Rows) error {
			var c, n string
			if err := r.Scan(&c, &n); err != nil {
				return err
			}
			out[c] = n
			return nil
		})
	return out, err
}

// printPDFs prints every council's evidence pack to pdf/<code>.pdf with one headless browser.
func (s *Site) printPDFs(ctx context.Context, areas []Area) error {
	b, err := browser.Start(ctx, s.opts.Chromium)
	if err != nil {
		return fmt.Errorf("printing PDFs: %w", err)
	}
	defer b.Close()
	for _, a := range areas {
		pdf, err := b.PrintPDF(ctx, filepath.Join(s.out.root, "areas", a.Code+".html"))
		if err != nil {
			return fmt.Errorf("printing the PDF of %s (%s): %w", a.Name, a.Code, err)
		}
		if err := s.out.WriteFile("pdf/"+a.Code+".pdf", pdf); err != nil {
			return err
		}
		s.pdfs++
	}
	return nil
}
