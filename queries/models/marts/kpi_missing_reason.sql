-- name: marts.kpi_missing_reason
-- depends:
-- materialized: macro
-- description: Why a KPI value is NULL, in one line a page can show, or NULL when numerator and denominator give a value (the denominator is positive): num_missing when the numerator is NULL, den_missing when the denominator is NULL, zero_reason when the denominator is 0, else 'negative denominator'. Every reason starts with its kind and a colon ('not reported: …', 'population missing: …', 'source not loaded: …', 'zero denominator: …', 'suppressed by publisher: …'), so code can group them.
CREATE OR REPLACE MACRO marts.kpi_missing_reason(num, den, num_missing, den_missing, zero_reason) AS
    CASE
        WHEN num IS NULL THEN num_missing
        WHEN den IS NULL THEN den_missing
        WHEN den = 0 THEN zero_reason
        WHEN den < 0 THEN 'negative denominator: the denominator is below zero'
    END
