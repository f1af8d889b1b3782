// Package funding declares the raw tables that core.funding_awards reads: the Arts Council England
// Investment Programme and National Lottery Project Grants (sources/ace) and 360Giving grants
// (sources/threesixtygiving). Each funding source declares its own table in Info and the Family
// they share, so the model builds as soon as any funding source has loaded rather than waiting for
// all three (sources.Loaded); the warehouse creates all three tables when it is migrated.
package funding

import (
	"github.com/cornerstone-data/cornerstone/internal/warehouse"
)

// Family is the sources.Info.Family of the funding sources.
const Family = "funding"

// InvestmentProgrammeTable is raw.ace_investment_programme: one row per organisation as published.
var InvestmentProgrammeTable = warehouse.Table{Schema: "raw", Name: "ace_investment_programme",
	Doc: "Arts Council England Investment Programme data (NPOs and IPSOs), one row per organisation as published", Columns: []warehouse.Column{
		{Name: "applicant_name", Type: "VARCHAR"},
		{Name: "org_type", Type: "VARCHAR", Doc: "NPO, IPSO, NPO (Transfer) or IPSO (Transfer), as published"},
		{Name: "nymo", Type: "VARCHAR", Doc: "National Youth Music Organisation column (files after Nov 2022), as published"},
		{Name: "avg_annual_2018_22_gbp", Type: "DOUBLE", Doc: "2018-22 average annual funding, pounds a year"},
		{Name: "annual_2022_23_gbp", Type: "DOUBLE", Doc: "2022/23 annual funding (extension year), pounds"},
		{Name: "offer_period", Type: "VARCHAR", Doc: "the programme period named in the offer column header, e.g. 2023-26"},
		{Name: "offer_date", Type: "DATE", Doc: "the date in the offer column header ((Offered 4 Nov 2022))"},
		{Name: "offer_annual_gbp", Type: "DOUBLE", Doc: "annual funding offered for the period, pounds a year"},
		{Name: "main_discipline", Type: "VARCHAR"},
		{Name: "ace_area", Type: "VARCHAR"},
		{Name: "ons_region", Type: "VARCHAR"},
		{Name: "constituency", Type: "VARCHAR"},
		{Name: "local_authority", Type: "VARCHAR", Doc: "local authority name as published (ONS style, pre-2023 districts)"},
		{Name: "lucp", Type: "VARCHAR", Doc: "Levelling Up For Culture Place: LUCP or Non-LUCP"},
		{Name: "priority_place", Type: "VARCHAR", Doc: "Priority place or Non-Priority place"},
		{Name: "comments", Type: "VARCHAR"},
	}}

// ProjectGrantsTable is raw.ace_project_grants: one row per award as published.
var ProjectGrantsTable = warehouse.Table{Schema: "raw", Name: "ace_project_grants",
	Doc: "Arts Council England National Lottery Project Grants awards, one row per award as published", Columns: []warehouse.Column{
		{Name: "recipient", Type: "VARCHAR", Doc: "organisation or individual, as published"},
		{Name: "activity_name", Type: "VARCHAR"},
		{Name: "award_amount_gbp", Type: "DOUBLE", Doc: "pounds"},
		{Name: "award_date", Type: "DATE"},
		{Name: "decision_month", Type: "VARCHAR"},
		{Name: "decision_quarter", Type: "VARCHAR"},
		{Name: "ace_area", Type: "VARCHAR"},
		{Name: "local_authority", Type: "VARCHAR", Doc: "as published: old and new geographies mixed"},
		{Name: "main_discipline", Type: "VARCHAR"},
		{Name: "strand", Type: "VARCHAR"},
		{Name: "time_limited_priority", Type: "VARCHAR"},
	}}

// GrantsTable is raw.threesixtygiving_grants: one row per grant in a 360Giving dataset, the
// standard's fields whatever the file format (CSV, XLSX or JSON). Of repeated objects the first is
// kept, except beneficiary locations, where the first at local authority level is preferred and
// the number of locations is kept.
var GrantsTable = warehouse.Table{Schema: "raw", Name: "threesixtygiving_grants",
	Doc: "360Giving grants, one row per grant, mapped to the standard's fields", Columns: []warehouse.Column{
		{Name: "grant_id", Type: "VARCHAR", Doc: "Identifier / id"},
		{Name: "title", Type: "VARCHAR"},
		{Name: "description", Type: "VARCHAR"},
		{Name: "currency", Type: "VARCHAR"},
		{Name: "amount_awarded", Type: "DOUBLE", Doc: "in currency"},
		{Name: "amount_applied_for", Type: "DOUBLE"},
		{Name: "amount_disbursed", Type: "DOUBLE"},
		{Name: "award_date", Type: "DATE"},
		{Name: "planned_start", Type: "DATE"},
		{Name: "planned_end", Type: "DATE"},
		{Name: "planned_months", Type: "DOUBLE"},
		{Name: "recipient_org_id", Type: "VARCHAR"},
		{Name: "recipient_org_name", Type: "VARCHAR"},
		{Name: "recipient_org_charity_number", Type: "VARCHAR"},
		{Name: "recipient_org_company_number", Type: "VARCHAR"},
		{Name: "recipient_org_city", Type: "VARCHAR"},
		{Name: "recipient_org_postal_code", Type: "VARCHAR"},
		{Name: "recipient_org_location_code", Type: "VARCHAR"},
		{Name: "recipient_org_location_type", Type: "VARCHAR", Doc: "geoCodeType codelist (UA, NMD, MD, LONB, CTY, WD, RGN/GOR…)"},
		{Name: "recipient_org_location_name", Type: "VARCHAR"},
		{Name: "recipient_ind_id", Type: "VARCHAR"},
		{Name: "recipient_ind_name", Type: "VARCHAR"},
		{Name: "beneficiary_location_code", Type: "VARCHAR"},
		{Name: "beneficiary_location_type", Type: "VARCHAR"},
		{Name: "beneficiary_location_name", Type: "VARCHAR"},
		{Name: "beneficiary_location_country", Type: "VARCHAR"},
		{Name: "beneficiary_locations", Type: "INTEGER", Doc: "how many beneficiary locations the grant lists"},
		{Name: "funding_org_id", Type: "VARCHAR"},
		{Name: "funding_org_name", Type: "VARCHAR"},
		{Name: "programme_code", Type: "VARCHAR"},
		{Name: "programme_title", Type: "VARCHAR"},
		{Name: "location_scope", Type: "VARCHAR"},
		{Name: "from_open_call", Type: "VARCHAR"},
		{Name: "data_source", Type: "VARCHAR"},
		{Name: "last_modified", Type: "VARCHAR"},
		{Name: "publisher_org_id", Type: "VARCHAR", Doc: "publisher.org_id of the registry entry (empty for --from files)"},
	}}
