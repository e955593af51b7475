-- Elevation windows: the decision path's source of truth. A window's id is the elevation's id,
-- so the id in a webhook reason leads straight to the request, its approvals and its history.
CREATE TABLE elevation_windows (
    id                uuid        PRIMARY KEY,
    subject_kind      text        NOT NULL CHECK (subject_kind IN ('user', 'group')),
    subject           text        NOT NULL CHECK (length(subject) BETWEEN 1 AND 512),
    template          text        NOT NULL CHECK (length(template) BETWEEN 1 AND 63),
    namespaces        text[]      NOT NULL DEFAULT '{}',
    eligibility_group text        NOT NULL CHECK (length(eligibility_group) BETWEEN 1 AND 512),
    starts_at         timestamptz NOT NULL,
    expires_at        timestamptz NOT NULL,
    revoked_at        timestamptz NULL,
    -- Grows on every change so replicas can order what reaches them from Redis and from Postgres.
    version           bigint      NOT NULL DEFAULT 1 CHECK (version > 0),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT elevation_windows_period CHECK (expires_at > starts_at),
    CONSTRAINT elevation_windows_revoked_after_start CHECK (revoked_at IS NULL OR revoked_at >= created_at - interval '1 minute')
);

-- Every replica's reconcile reads the windows that have not expired yet.
CREATE INDEX elevation_windows_expires_at ON elevation_windows (expires_at);
CREATE INDEX elevation_windows_subject ON elevation_windows (subject_kind, subject);
