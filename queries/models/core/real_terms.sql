-- name: core.real_terms
-- depends: core.gdp_deflators
-- materialized: macro
-- description: Scalar macro: real_terms(value_gbp, in_year, prices_of) converts pounds of financial year in_year ('2019-20') into prices of financial year prices_of ('2024-25') with the GDP deflator: value_gbp * deflator(prices_of) / deflator(in_year). NULL when either year has no deflator in core.gdp_deflators.
CREATE OR REPLACE MACRO core.real_terms(value_gbp, in_year, prices_of) AS
    value_gbp
    * (SELECT max(b.deflator) FROM core.gdp_deflators AS b WHERE b.financial_year = prices_of)
    / (SELECT max(t.deflator) FROM core.gdp_deflators AS t WHERE t.financial_year = in_year)
