package models

import (
	"context"
	"fmt"

	"github.com/cornerstone-data/cornerstone/internal/warehouse"
)

// Validate reports every problem in the project at once: the static checks of Check, then, in an
// empty scratch warehouse holding the declared raw tables, whether each model's SQL prepares and
// creates its table and whether each test's SQL runs against it. A model whose dependency is
// broken is reported as blocked rather than with a cascade of errors. scratch must be a fresh
// read-write warehouse (an in-memory one is best); it is modified.
func (p *Project) Validate(ctx context.Context, scratch *warehouse.DB, raw []warehouse.Table) []error {
	known := map[string]bool{}
	for _, t := range raw {
		known[t.String()] = true
	}
	errs := p.Check(known)
	err := scratch.Update(ctx, func(tx *warehouse.Tx) error {
		for _, t := range raw {
			if err := tx.EnsureTable(ctx, t); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return append(errs, fmt.Errorf("preparing the scratch warehouse: %w", err))
	}
	order, cycles := p.Order()
	if len(cycles) > 0 {
		return errs
	}
	broken := map[string]bool{}
	for _, n := range order {
		m := p.Models[n]
		blocked := ""
		for _, d := range m.Depends {
			if broken[d] {
				blocked = d
				break
			}
		}
		if blocked != "" {
			broken[n] = true
			errs = append(errs, fmt.Errorf("%s: not checked: depends on %s, which is broken", m.Path, blocked))
			continue
		}
		err := scratch.Update(ctx, func(tx *warehouse.Tx) error {
			if _, err := tx.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+warehouse.Ident(m.Schema)); err != nil {
				return err
			}
			if m.Materialized == "macro" {
				if _, err := tx.Exec(ctx, m.SQL); err != nil {
					return fmt.Errorf("%s: macro does not prepare: %w", m.Path, err)
				}
				return nil
			}
			if m.Materialized == "seed" {
				if err := materialiseSeed(ctx, tx, p.fsys, m, false); err != nil {
					return fmt.Errorf("%s: seed does not load: %w", m.Path, err)
				}
				return nil
			}
			body := m.SQL
			if m.Materialized == "union" {
				body = UnionSQL(m.Parts)
			}
			stmt := "CREATE OR REPLACE TABLE " + warehouse.Qualified(m.Schema, m.Table) + " AS SELECT * FROM (\n" + body + "\n) LIMIT 0"
			if _, err := tx.Exec(ctx, stmt); err != nil {
				return fmt.Errorf("%s: SQL does not prepare: %w", m.Path, err)
			}
			return nil
		})
		if err != nil {
			broken[n] = true
			errs = append(errs, err)
			continue
		}
		for _, t := range m.Tests {
			if t.SQL == "" {
				continue
			}
			if err := scratch.Prepare(ctx, t.SQL); err != nil {
				errs = append(errs, fmt.Errorf("%s: test %s does not prepare: %w", m.Path, t.Spec, err))
			}
		}
	}
	return errs
}
