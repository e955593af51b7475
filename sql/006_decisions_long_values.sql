-- A btree index row holds at most about 2,704 bytes, and a review's user name is bounded in characters (1,024 by
-- default), not in bytes: 1,019 CJK characters take 3 KB in UTF-8. Postgres refused such a record for its index on
-- user_name, and the delivery retried it, and every record behind it, forever. The user name is now indexed by its md5
-- (always 32 bytes); queries match md5(user_name) = md5(...) and then user_name itself. The other indexed text columns
-- of decisions are bounded well below the limit: instance (253 characters), template (63), prev and hash (64).
DROP INDEX decisions_user;
CREATE INDEX decisions_user ON decisions (md5(user_name), time DESC);

-- Records Postgres refuses for good (a data error, a violated constraint, a limit exceeded: SQLSTATE classes 22, 23 and
-- 54) are set aside here, so that they never block the records behind them: the line exactly as written to stdout, as
-- bytes (whatever it holds fits), with the refusal. Only the decision id is indexed.
CREATE TABLE decisions_rejected (
    decision_id uuid        PRIMARY KEY,
    instance    text        NOT NULL,
    run         uuid        NOT NULL,
    seq         bigint      NOT NULL,
    rejected_at timestamptz NOT NULL,
    sqlstate    text        NOT NULL,
    error       text        NOT NULL,
    line        bytea       NOT NULL
);
