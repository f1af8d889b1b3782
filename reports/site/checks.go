package site

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/cornerstone-data/cornerstone/internal/warehouse"
)

// qualityFlag is one KPI value resting on figures that failed a plausibility test
// (marts.kpi_values.quality_flag).
type qualityFlag struct{ Area, Period, Flag string }

// loadQualityFlags reads every flagged KPI value, by KPI, in area and period order. A warehouse
// whose marts.kpi_values has no quality_flag column (built before the column existed) has none.
func loadQualityFlags(ctx context.Context, db *warehouse.DB) (map[string][]qualityFlag, error) {
	out := map[string][]qualityFlag{}
	var n int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM information_schema.columns
		WHERE table_schema = 'marts' AND table_name = 'kpi_values' AND column_name = 'quality_flag'`).Scan(&n); err != nil {
		return nil, fmt.Errorf("reading %s: %w", tValues, err)
	}
	if n == 0 {
		return out, nil
	}
	err := scanAll(ctx, db, tValues, `SELECT DISTINCT kpi_id, area_code, period, quality_flag FROM marts.kpi_values
		WHERE quality_flag IS NOT NULL ORDER BY kpi_id, area_code, period`,
		func(r *sql.Rows) error {
			var k string
			var f qualityFlag
			if err := r.Scan(&k, &f.Area, &f.Period, &f.Flag); err != nil {
				return err
			}
			out[k] = append(out[k], f)
			return nil
		})
	return out, err
}

// checksSection is the "Data checks" section of a KPI page: one line per value resting on figures
// above their plausibility ceiling, kept as published. ok is false when no value is flagged.
func (s *Site) checksSection(kpi string) (sec section, ok bool) {
	flags := s.flags[kpi]
	if len(flags) == 0 {
		return section{}, false
	}
	sec = section{ID: "checks", Heading: "Data checks",
		Intro: []string{"These values rest on published figures that fail a plausibility test (meta.test_results); the figures are kept as published, not corrected or dropped."}}
	for _, f := range flags {
		sec.Sentences = append(sec.Sentences, fmt.Sprintf("%s (%s), %s: %s.", s.areaLabel(f.Area), f.Area, f.Period, f.Flag))
	}
	return sec, true
}
