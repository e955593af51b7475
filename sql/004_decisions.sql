-- Decision records, for the audit queries and the API: the same records as on stdout, chain included, one row each.
-- Partitioned by day on the record's time so that retention drops whole days; partitions are created ahead by the
-- service, and the default partition catches anything outside them so that a record is never refused.
CREATE TABLE decisions (
    decision_id  uuid        NOT NULL,
    time         timestamptz NOT NULL,
    instance     text        NOT NULL,
    -- One run per process start: a chain is (instance, run), its records in seq order.
    run          uuid        NOT NULL,
    seq          bigint      NOT NULL,
    prev         text        NOT NULL,
    hash         text        NOT NULL,
    decision     text        NOT NULL CHECK (decision IN ('allow', 'deny', 'no_opinion')),
    user_name    text        NOT NULL,
    elevation_id uuid        NULL,
    template     text        NULL,
    degraded     boolean     NOT NULL,
    -- The record exactly as written to stdout (json, not jsonb: kept byte for byte, and any string it holds is accepted).
    record       json        NOT NULL,
    PRIMARY KEY (decision_id, time)
) PARTITION BY RANGE (time);

CREATE TABLE decisions_default PARTITION OF decisions DEFAULT;

CREATE INDEX decisions_time ON decisions (time DESC, decision_id DESC);
CREATE INDEX decisions_elevation ON decisions (elevation_id, time DESC) WHERE elevation_id IS NOT NULL;
CREATE INDEX decisions_user ON decisions (user_name, time DESC);
CREATE INDEX decisions_chain ON decisions (instance, run, seq);
