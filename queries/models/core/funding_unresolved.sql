-- name: core.funding_unresolved
-- depends: core.funding_awards
-- description: Every recipient in core.funding_awards whose award could not be placed in an area, with the name or code the publisher gave and why it did not resolve ('unknown name', 'ambiguous', 'no location given'), so no award is silently dropped from place totals. A name here needs an alias in queries/seeds/area_aliases.csv, or is not a local authority.
-- grain: source, dataset, recipient_name, area_label
-- test: not_null(source, dataset, recipient_name, resolution, awards)
-- test: unique(source, dataset, recipient_name, area_label)
SELECT
    source,
    dataset,
    recipient_name,
    area_label,
    any_value(resolution) AS resolution,
    count(*) AS awards,
    sum(amount_gbp) AS amount_gbp
FROM core.funding_awards
WHERE area_code IS NULL
GROUP BY source, dataset, recipient_name, area_label
