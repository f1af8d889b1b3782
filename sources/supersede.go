package sources

import (
	"context"
	"fmt"
	"strings"

	"github.com/cornerstone-data/cornerstone/internal/warehouse"
)

// Accumulator is implemented by sources whose files are returns that add to what is held rather
// than replace a whole release: a council may return the projects of one period in several files.
// For them the ingest driver does not clear the release's earlier rows before Load; Load writes
// its rows and then calls Loader.Supersede, which removes only the held rows the file restates
// (or, with Options.Replace, every held row of the organisations and periods the file covers).
// A file identical to one already loaded is unchanged even when a later file of the same release
// has been loaded since.
type Accumulator interface {
	Accumulates() bool
}

// Supersession says which held rows of a raw table a return's rows supersede.
type Supersession struct {
	// Table is the raw table (its name, without the schema).
	Table string
	// Scope are the columns naming whose return and which period it is (organisation,
	// period_start, period_end): --replace withdraws every held row of a scope the file covers.
	Scope []string
	// Item are the columns naming one thing returned within a scope (project; measure and site):
	// a row supersedes the held rows of the same scope and item, and no other.
	Item []string
	// Keep, when set, is an SQL condition on the held row (alias o) and the new row (alias n) under
	// which a held row of the same item stays: "o.submitted_at > n.submitted_at" keeps a later
	// submission that an earlier one, loaded after it, must not undo.
	Keep string
	// What names the rows in notes ("contributions", "figures").
	What string
}

// Supersede is called by an Accumulator's Load after its rows are written (it closes the table's
// writer). Without Replace it deletes the rows of earlier loads that have the scope and item of
// one of this load's rows (unless Keep holds), and notes each scope where items held from earlier
// returns stay because this file does not restate them; with Replace it deletes every earlier row
// of each scope this load covers and notes what it withdrew. Columns may be NULL (compared with IS
// NOT DISTINCT FROM).
func (l *Loader) Supersede(ctx context.Context, s Supersession) error {
	t, ok := l.tables[s.Table]
	if !ok {
		return fmt.Errorf("table raw.%s is not declared by source %s", s.Table, l.Release.Source)
	}
	if w, ok := l.writers[s.Table]; ok {
		if err := w.Close(); err != nil {
			return err
		}
	}
	table := warehouse.Qualified(t.Schema, t.Name)
	same := func(cols []string) string {
		parts := make([]string, len(cols))
		for i, c := range cols {
			parts[i] = fmt.Sprintf("n.%s IS NOT DISTINCT FROM o.%s", c, c)
		}
		return strings.Join(parts, " AND ")
	}
	inScope := "EXISTS (SELECT 1 FROM " + table + " AS n WHERE n._load_id = $1 AND " + same(s.Scope) + ")"
	restated := "EXISTS (SELECT 1 FROM " + table + " AS n WHERE n._load_id = $1 AND " + same(s.Scope) + " AND " + same(s.Item)
	if s.Keep != "" {
		restated += " AND NOT (" + s.Keep + ")"
	}
	restated += ")"
	scopeText := "concat_ws(', ', " + strings.Join(prefixed("o.", s.Scope), ", ") + ")"
	itemText := "concat_ws(' / ', " + strings.Join(prefixed("o.", s.Item), ", ") + ")"

	if l.Replace {
		rows, err := l.tx.Query(ctx, "SELECT "+scopeText+", count(*), count(DISTINCT o._load_id) FROM "+table+" AS o WHERE o._load_id <> $1 AND "+inScope+
			" GROUP BY 1 ORDER BY 1", l.LoadID)
		if err != nil {
			return fmt.Errorf("reading the returns %s replaces: %w", table, err)
		}
		var notes []string
		for rows.Next() {
			var scope string
			var n, loads int64
			if err := rows.Scan(&scope, &n, &loads); err != nil {
				rows.Close()
				return err
			}
			notes = append(notes, fmt.Sprintf("--replace withdrew %d %s of %d earlier return(s) for %s", n, s.What, loads, scope))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if _, err := l.tx.Exec(ctx, "DELETE FROM "+table+" AS o WHERE o._load_id <> $1 AND "+inScope, l.LoadID); err != nil {
			return fmt.Errorf("withdrawing earlier returns from %s: %w", table, err)
		}
		l.Note(notes...)
		return nil
	}

	res, err := l.tx.Exec(ctx, "DELETE FROM "+table+" AS o WHERE o._load_id <> $1 AND "+restated, l.LoadID)
	if err != nil {
		return fmt.Errorf("superseding earlier returns in %s: %w", table, err)
	}
	if n, err := res.RowsAffected(); err == nil && n > 0 {
		l.Notef("superseded %d %s of earlier returns that this file restates", n, s.What)
	}
	rows, err := l.tx.Query(ctx, "SELECT "+scopeText+", string_agg(DISTINCT '\"' || "+itemText+" || '\"', ', ' ORDER BY '\"' || "+itemText+" || '\"'), count(*) FROM "+table+
		" AS o WHERE o._load_id <> $1 AND "+inScope+" AND NOT "+restated+" GROUP BY 1 ORDER BY 1", l.LoadID)
	if err != nil {
		return fmt.Errorf("reading the returns %s keeps: %w", table, err)
	}
	defer rows.Close()
	for rows.Next() {
		var scope, items string
		var n int64
		if err := rows.Scan(&scope, &items, &n); err != nil {
			return err
		}
		l.Notef("kept %d %s of %s held for %s from earlier returns: this file does not restate them (load it with --replace to withdraw them)",
			n, s.What, items, scope)
	}
	return rows.Err()
}

func prefixed(p string, cols []string) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = p + c
	}
	return out
}
