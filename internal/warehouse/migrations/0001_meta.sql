-- Schemas and the run ledger. Every statement is idempotent.
CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS core;
CREATE SCHEMA IF NOT EXISTS marts;
CREATE SCHEMA IF NOT EXISTS meta;

CREATE SEQUENCE IF NOT EXISTS meta.run_id_seq START 1;
CREATE SEQUENCE IF NOT EXISTS meta.load_id_seq START 1;

-- meta.runs: one row per cornerstone command that changes the warehouse.
CREATE TABLE IF NOT EXISTS meta.runs (
    run_id        BIGINT PRIMARY KEY,
    command       VARCHAR NOT NULL,
    started_at    TIMESTAMPTZ NOT NULL,
    finished_at   TIMESTAMPTZ,
    status        VARCHAR NOT NULL,      -- running, ok, failed, interrupted
    steps_ok      INTEGER,
    steps_failed  INTEGER,
    steps_skipped INTEGER,
    summary       VARCHAR,               -- JSON: one object per step
    error         VARCHAR,
    pid           INTEGER,
    host          VARCHAR
);

-- meta.loads: one row per attempt to load a source release, including unchanged and failed ones.
CREATE TABLE IF NOT EXISTS meta.loads (
    load_id       BIGINT PRIMARY KEY,
    run_id        BIGINT,
    source        VARCHAR NOT NULL,
    dataset       VARCHAR,
    vintage       VARCHAR,
    release       VARCHAR,               -- release title as published
    sha256        VARCHAR,               -- of the file, or of the sorted file hashes for multi-file releases
    files         VARCHAR,               -- JSON array of {name, sha256, url}
    rows          BIGINT,
    started_at    TIMESTAMPTZ NOT NULL,
    finished_at   TIMESTAMPTZ,
    status        VARCHAR NOT NULL,      -- loaded, unchanged, failed
    error         VARCHAR,
    notes         VARCHAR                -- JSON array of warnings (e.g. names that did not resolve)
);

-- meta.files: provenance of every landed raw file (mirrors the sidecar in the landing zone).
CREATE TABLE IF NOT EXISTS meta.files (
    source        VARCHAR NOT NULL,
    sha256        VARCHAR NOT NULL,
    filename      VARCHAR NOT NULL,
    path          VARCHAR NOT NULL,      -- relative to the landing root
    url           VARCHAR,
    final_url     VARCHAR,
    retrieved_at  TIMESTAMPTZ,
    etag          VARCHAR,
    last_modified VARCHAR,
    content_type  VARCHAR,
    size          BIGINT,
    publisher     VARCHAR,
    dataset       VARCHAR,
    vintage       VARCHAR,
    release       VARCHAR,
    licence       VARCHAR,
    PRIMARY KEY (source, sha256)
);

-- meta.releases: the release currently held per source, dataset and vintage; reports cite these.
CREATE TABLE IF NOT EXISTS meta.releases (
    source        VARCHAR NOT NULL,
    dataset       VARCHAR NOT NULL,
    vintage       VARCHAR NOT NULL,
    title         VARCHAR,
    publisher     VARCHAR,
    licence       VARCHAR,
    licence_url   VARCHAR,
    page_url      VARCHAR,
    url           VARCHAR,
    sha256        VARCHAR NOT NULL,
    files         VARCHAR,
    published_at  DATE,
    retrieved_at  TIMESTAMPTZ,
    loaded_at     TIMESTAMPTZ,
    load_id       BIGINT,
    rows          BIGINT,
    PRIMARY KEY (source, dataset, vintage)
);

-- meta.source_state: what each source last saw, for freshness.
CREATE TABLE IF NOT EXISTS meta.source_state (
    source           VARCHAR PRIMARY KEY,
    last_checked_at  TIMESTAMPTZ,
    last_status      VARCHAR,
    last_error       VARCHAR,
    last_release     VARCHAR,
    last_release_at  TIMESTAMPTZ
);

-- meta.models: the last successful build of each model.
CREATE TABLE IF NOT EXISTS meta.models (
    name          VARCHAR PRIMARY KEY,
    sql_sha256    VARCHAR,
    fingerprint   VARCHAR,               -- hash of the SQL and the state of every input when built
    rows          BIGINT,
    built_at      TIMESTAMPTZ,
    run_id        BIGINT
);

-- meta.test_results: every data test outcome of every build.
CREATE TABLE IF NOT EXISTS meta.test_results (
    run_id        BIGINT,
    test_id       VARCHAR NOT NULL,
    model         VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL,
    severity      VARCHAR NOT NULL,      -- warn, error
    status        VARCHAR NOT NULL,      -- pass, fail
    failures      BIGINT,
    sample        VARCHAR,               -- JSON array of failing rows (at most 10)
    message       VARCHAR,
    checked_at    TIMESTAMPTZ
);

-- meta.settings: warehouse-wide flags (demo = true marks every output as synthetic).
CREATE TABLE IF NOT EXISTS meta.settings (
    key           VARCHAR PRIMARY KEY,
    value         VARCHAR
);
