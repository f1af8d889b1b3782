package site

import (
	"context"
	"database/sql"
	"sync"
)

// areaSets holds query results read once for every area, by name (the funding sections' award
// groupings among them). Councils' sections used to run their queries once per council, 317 times over at national scale, and DuckDB's per-query cost
// (planning a small query, scanning a table whose rows are not sorted by area) was a fifth of the
// site's CPU time; one query per section for all areas costs about one of those. Safe for
// concurrent use by the council workers.
type areaSets struct {
	mu   sync.Mutex
	sets map[string]*areaSet
}

// areaSet is one query's rows for every area, loaded once.
type areaSet struct {
	once sync.Once
	err  error
	rows any // map[string][]T
}

// byArea returns area's rows of q, reading q for every area on first use under name. q's first
// column is the area code, and it orders its rows by area first and then as the per-area query
// would; scan reads one row: the area code and the rest as a T. table names what q reads, for
// errors.
func byArea[T any](ctx context.Context, s *Site, name, table, q string, area string, scan func(*sql.Rows) (string, T, error)) ([]T, error) {
	s.areaSets.mu.Lock()
	if s.areaSets.sets == nil {
		s.areaSets.sets = map[string]*areaSet{}
	}
	set, ok := s.areaSets.sets[name]
	if !ok {
		set = &areaSet{}
		s.areaSets.sets[name] = set
	}
	s.areaSets.mu.Unlock()
	set.once.Do(func() {
		rows := map[string][]T{}
		set.err = scanAll(ctx, s.db, table, q, func(r *sql.Rows) error {
			code, x, err := scan(r)
			if err != nil {
				return err
			}
			rows[code] = append(rows[code], x)
			return nil
		})
		set.rows = rows
	})
	if set.err != nil {
		return nil, set.err
	}
	return set.rows.(map[string][]T)[area], nil
}
