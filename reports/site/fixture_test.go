package site

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/cornerstone-data/cornerstone/internal/warehouse"
)

// fixtureSQL fills a test warehouse with a few rows of every table the packs read, in the
// contracted shapes. The figures are test fixtures, not statistics.
var fixtureSQL = []string{
	`CREATE TABLE core.areas (area_code VARCHAR, name VARCHAR, tier VARCHAR, ecode VARCHAR, region VARCHAR, nation VARCHAR,
		valid_from DATE, valid_to DATE, county_code VARCHAR, is_current BOOLEAN)`,
	`INSERT INTO core.areas VALUES
		('E08000016', 'Barnsley', 'metropolitan district', 'E4401', 'Yorkshire and The Humber', 'England', DATE '1974-04-01', NULL, NULL, true),
		('E06000023', 'City of Bristol', 'unitary', 'E0102', 'South West', 'England', DATE '1996-04-01', NULL, NULL, true),
		('E06000001', 'Hartlepool', 'unitary', 'E0701', 'North East', 'England', DATE '1996-04-01', NULL, NULL, true),
		('E06000019', 'Herefordshire', 'unitary', 'E1801', 'West Midlands', 'England', DATE '1998-04-01', NULL, NULL, true),
		('E92000001', 'England', 'country', NULL, NULL, 'England', NULL, NULL, NULL, true)`,
	`INSERT INTO meta.releases (source, dataset, vintage, title, publisher, licence, url, sha256, retrieved_at) VALUES
		('mhclg-ro5', 'revenue-outturn', '2023-24', 'Revenue outturn 2023 to 2024 (RO5)', 'Ministry of Housing, Communities and Local Government', 'Open Government Licence v3.0', 'https://www.gov.uk/ro5-2023-24', 'aaaa', TIMESTAMPTZ '2025-01-10 10:00:00+00'),
		('mhclg-ro5', 'revenue-outturn', '2022-23', 'Revenue outturn 2022 to 2023 (RO5)', 'Ministry of Housing, Communities and Local Government', 'Open Government Licence v3.0', 'https://www.gov.uk/ro5-2022-23', 'bbbb', TIMESTAMPTZ '2024-01-10 10:00:00+00'),
		('ace-investment', 'npo', '2023-26', 'Investment Programme 2023-26', 'Arts Council England', 'Open Government Licence v3.0', 'https://www.artscouncil.org.uk/npo', 'cccc', TIMESTAMPTZ '2025-02-01 10:00:00+00')`,
	`CREATE TABLE marts.kpi_catalogue (kpi_id VARCHAR, title VARCHAR, theme VARCHAR, definition VARCHAR, numerator VARCHAR, denominator VARCHAR,
		unit VARCHAR, polarity VARCHAR, sources VARCHAR, caveats VARCHAR)`,
	`INSERT INTO marts.kpi_catalogue VALUES
		('CS-02', 'Net library spend per head', 'Spend', 'Net current expenditure on the library service per resident', 'NCE library service', 'population', '£ per head', 'context', 'mhclg-ro5, ons-population', 'Counties, unitaries, mets and London only'),
		('CS-08', 'Library visits per 1,000 residents', 'Library use', 'Physical visits per 1,000 residents', 'visits', 'population / 1000', 'visits per 1,000', 'higher_is_better', 'ace-libraries', ''),
		('CS-15', 'Adults engaging with the arts', 'Engagement', 'Share of adults engaging with the arts in person', 'engaged', 'adults', '%', 'higher_is_better', 'dcms-participation', 'Survey estimate'),
		('CS-16', 'External cultural investment per head', 'Funding and investment', 'Awards per resident', 'awards', 'population', '£ per head', 'context', 'ace-investment', 'Head-office effect'),
		('CS-19', 'Satisfaction with libraries', 'Satisfaction', 'Share satisfied', 'satisfied', 'respondents', '%', 'higher_is_better', 'local surveys', 'Local only')`,
	`CREATE TABLE marts.kpi_values (kpi_id VARCHAR, area_code VARCHAR, period VARCHAR, value DOUBLE, numerator DOUBLE, denominator DOUBLE, unit VARCHAR,
		boundary_basis VARCHAR, coverage VARCHAR, sources VARCHAR)`,
	`INSERT INTO marts.kpi_values VALUES
		('CS-02', 'E08000016', '2014-15', 20.1, 4934550, 245500, '£ per head', 'as_constituted', 'reported', 'mhclg-ro5'),
		('CS-02', 'E08000016', '2019-20', 16.5, 4075500, 247000, '£ per head', 'as_constituted', 'reported', 'mhclg-ro5'),
		('CS-02', 'E08000016', '2023-24', 13.87, 3467500, 250000, '£ per head', 'as_constituted', 'reported', 'mhclg-ro5'),
		('CS-02', 'E06000023', '2014-15', 15.0, NULL, NULL, '£ per head', 'as_constituted', 'reported', 'mhclg-ro5'),
		('CS-02', 'E06000023', '2023-24', 12.0, NULL, NULL, '£ per head', 'as_constituted', 'reported', 'mhclg-ro5'),
		('CS-02', 'E06000001', '2014-15', 18.0, NULL, NULL, '£ per head', 'as_constituted', 'reported', 'mhclg-ro5'),
		('CS-02', 'E06000001', '2023-24', 14.0, NULL, NULL, '£ per head', 'as_constituted', 'reported', 'mhclg-ro5'),
		('CS-02', 'E06000019', '2014-15', 21.0, NULL, NULL, '£ per head', 'as_constituted', 'reported', 'mhclg-ro5'),
		('CS-02', 'E06000019', '2023-24', 16.0, NULL, NULL, '£ per head', 'as_constituted', 'reported', 'mhclg-ro5'),
		('CS-08', 'E08000016', '2022-23', 2100, NULL, NULL, 'visits per 1,000', 'as_constituted', 'reported', 'ace-libraries'),
		('CS-08', 'E08000016', '2023-24', 2310, NULL, NULL, 'visits per 1,000', 'current', 'reported', 'ace-libraries'),
		('CS-08', 'E08000016', '2022-23', 2000, NULL, NULL, 'visits per 1,000', 'current', 'reported', 'ace-libraries'),
		('CS-08', 'E06000023', '2023-24', 2500, NULL, NULL, 'visits per 1,000', 'as_constituted', 'reported', 'ace-libraries'),
		('CS-15', 'E08000016', '2023-24', 78.2, NULL, NULL, '%', 'as_constituted', 'survey', 'dcms-participation'),
		('CS-16', 'E08000016', '2023-24', 9.5, NULL, NULL, '£ per head', 'as_constituted', 'reported', 'ace-investment')`,
	`CREATE TABLE marts.kpi_benchmarks (kpi_id VARCHAR, area_code VARCHAR, period VARCHAR, peer_median DOUBLE, peer_gap DOUBLE, peer_rank INTEGER, peer_n INTEGER,
		national_rank INTEGER, national_n INTEGER, national_percentile DOUBLE, zscore DOUBLE, direction VARCHAR, change_3y_real DOUBLE,
		coverage_reporting INTEGER, coverage_expected INTEGER)`,
	`INSERT INTO marts.kpi_benchmarks VALUES
		('CS-02', 'E08000016', '2014-15', 18.0, 0.1167, 2, 3, 10, 150, 0.93, 0.8, NULL, NULL, 140, 152),
		('CS-02', 'E08000016', '2023-24', 13.68, 0.0139, 2, 3, 40, 150, 0.73, 0.2, 'decreasing', -0.08, 100, 152),
		('CS-08', 'E08000016', '2023-24', 2400, -0.0375, 2, 3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`,
	`CREATE TABLE marts.peer_neighbours (area_code VARCHAR, neighbour_code VARCHAR, rank INTEGER, distance DOUBLE, model_version VARCHAR, reasons VARCHAR)`,
	`INSERT INTO marts.peer_neighbours VALUES
		('E08000016', 'E06000001', 1, 0.21, 'cs-nn-1', 'similar deprivation and population density'),
		('E08000016', 'E06000019', 2, 0.35, 'cs-nn-1', 'similar age profile'),
		('E08000016', 'E06000023', 3, 0.52, 'cs-nn-1', 'similar library provision'),
		('E06000001', 'E08000016', 1, 0.21, 'cs-nn-1', 'similar deprivation')`,
	`CREATE TABLE core.spend (area_code VARCHAR, ecode VARCHAR, financial_year VARCHAR, form VARCHAR, service_line VARCHAR, measure VARCHAR,
		value_gbp DOUBLE, status VARCHAR, source_release VARCHAR, vintage VARCHAR)`,
	`INSERT INTO core.spend VALUES
		('E08000016', 'E4401', '2022-23', 'RO5', 'Library service', 'C7', 3600000, 'final', 'Revenue outturn 2022 to 2023 (RO5)', '2022-23'),
		('E08000016', 'E4401', '2023-24', 'RO5', 'Library service', 'C7', 3467500, 'final', 'Revenue outturn 2023 to 2024 (RO5)', '2023-24'),
		('E08000016', 'E4401', '2022-23', 'RO5', 'Culture and heritage - Museums and galleries', 'C7', 1200000, 'final', 'Revenue outturn 2022 to 2023 (RO5)', '2022-23'),
		('E08000016', 'E4401', '2023-24', 'RO5', 'Culture and heritage - Museums and galleries', 'C7', 1150000, 'final', 'Revenue outturn 2023 to 2024 (RO5)', '2023-24'),
		('E08000016', 'E4401', '2023-24', 'RO5', 'TOTAL CULTURAL AND RELATED SERVICES', 'C7', 15000000, 'final', 'Revenue outturn 2023 to 2024 (RO5)', '2023-24'),
		('E08000016', 'E4401', '2023-24', 'RO5', 'Library service', 'C1', 2000000, 'final', 'Revenue outturn 2023 to 2024 (RO5)', '2023-24')`,
	`CREATE TABLE core.library_activity (area_code VARCHAR, authority_name VARCHAR, period_start DATE, period_end DATE, measure VARCHAR, format VARCHAR,
		age_band VARCHAR, value DOUBLE)`,
	`INSERT INTO core.library_activity VALUES
		('E08000016', 'Barnsley', DATE '2022-04-01', DATE '2023-03-31', 'Physical visits', 'All', 'All', 500000),
		('E08000016', 'Barnsley', DATE '2023-04-01', DATE '2024-03-31', 'Physical visits', 'All', 'All', 577500),
		('E08000016', 'Barnsley', DATE '2022-04-01', DATE '2023-03-31', 'Issues', 'Print', 'Adult', 300000),
		('E08000016', 'Barnsley', DATE '2022-04-01', DATE '2023-03-31', 'Issues', 'Print', 'Children', 200000),
		('E08000016', 'Barnsley', DATE '2023-04-01', DATE '2024-03-31', 'Issues', 'Print', 'Adult', 310000),
		('E08000016', 'Barnsley', DATE '2023-04-01', DATE '2024-03-31', 'Issues', 'Print', 'Children', 190000)`,
	`CREATE TABLE core.library_sites (site_id VARCHAR, name VARCHAR, area_code VARCHAR)`,
	`INSERT INTO core.library_sites VALUES ('1', 'Barnsley Central Library', 'E08000016'), ('2', 'Penistone Library', 'E08000016'), ('3', 'Hoyland Library', 'E08000016')`,
	`CREATE TABLE core.museum_visits (museum VARCHAR, museum_group VARCHAR, coverage VARCHAR, period_start DATE, grain VARCHAR, visits DOUBLE, revised BOOLEAN, note VARCHAR)`,
	`CREATE TABLE core.engagement (area_code VARCHAR, area_name VARCHAR, survey_year VARCHAR, measure VARCHAR, percentage DOUBLE, lower_ci DOUBLE, upper_ci DOUBLE,
		respondents INTEGER, base VARCHAR)`,
	`INSERT INTO core.engagement VALUES
		('E08000016', 'Barnsley', '2023-24', 'Engaged with the arts in person', 78.2, 75.1, 81.3, 612, NULL),
		('E08000016', 'Barnsley', '2023-24', 'Visited a library', 31.4, 27.9, 34.9, 612, NULL),
		('E92000001', 'England', '2023-24', 'Engaged with the arts in person', 90.0, 89.5, 90.5, 33000, NULL),
		('E92000001', 'England', '2023-24', 'Visited a library', 32.0, 31.5, 32.5, 33000, NULL)`,
	`CREATE TABLE core.funding_awards (award_id VARCHAR, funder VARCHAR, programme VARCHAR, recipient_name VARCHAR, recipient_id VARCHAR, area_code VARCHAR,
		current_area_code VARCHAR, award_date DATE, period_start DATE, period_end DATE, amount_gbp DOUBLE, annual_amount_gbp DOUBLE, location_basis VARCHAR,
		source VARCHAR, release VARCHAR)`,
	`INSERT INTO core.funding_awards VALUES
		('A1', 'Arts Council England', 'National Portfolio 2023-26', 'Barnsley Civic', 'GB-CHC-1', 'E08000016', 'E08000016', DATE '2022-11-04', DATE '2023-04-01', DATE '2026-03-31', 1500000, 500000, 'recipient address', 'ace-investment', '2023-26'),
		('A2', 'Arts Council England', 'Project Grants', 'Penistone Arts', 'GB-CHC-2', 'E08000016', 'E08000016', DATE '2023-06-01', NULL, NULL, 30000, 30000, 'recipient address', 'ace-investment', '2023-26'),
		('A3', 'National Lottery Heritage Fund', '=cmd|'' /C calc''!A0', 'Elsecar Heritage', 'GB-CHC-3', 'E08000016', 'E08000016', DATE '2024-01-15', NULL, NULL, 250000, 125000, 'beneficiary location', '360giving', 'GrantNav 2024-06'),
		('A4', 'Arts Council England', 'Project Grants', 'Bristol Old Vic', 'GB-CHC-4', 'E06000023', 'E06000023', DATE '2023-05-01', NULL, NULL, 90000, 90000, 'recipient address', 'ace-investment', '2023-26')`,
	`CREATE TABLE core.investment_returns (area_code VARCHAR, financial_year VARCHAR, source_type VARCHAR, amount_gbp DOUBLE, note VARCHAR)`,
	`INSERT INTO core.investment_returns VALUES
		('E08000016', '2023-24', 'Council capital', 400000, NULL),
		('E08000016', '2023-24', 'Business sponsorship', 25000, NULL),
		('E08000016', '2023-24', '@SUM(A1)', 1000, 'formula-looking source type')`,
}

// fixtureDB creates a warehouse file holding the fixture and returns it opened read-only, as the
// report command opens it.
func fixtureDB(t *testing.T, stmts []string) *warehouse.DB {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	w, err := warehouse.Open(ctx, warehouse.Options{Path: path, Command: "test"})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range stmts {
		if _, err := w.Exec(ctx, q); err != nil {
			w.Close()
			t.Fatalf("%v\n%s", err, q)
		}
	}
	w.Close()
	ro, err := warehouse.Open(ctx, warehouse.Options{Path: path, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ro.Close() })
	return ro
}
