-- The elevation lifecycle: requests, approvals, the history of every transition, and the outbox of notifications.
-- An elevation's id is also the id of its row in elevation_windows, created in the same transaction that activates it.
CREATE TABLE elevations (
    id                 uuid        PRIMARY KEY,
    state              text        NOT NULL CHECK (state IN ('pending', 'active', 'rejected', 'cancelled', 'expired', 'revoked')),
    template           text        NOT NULL CHECK (length(template) BETWEEN 1 AND 63),
    -- The Kubernetes username the API server will send for the requester, and the groups it had when asking.
    requester          text        NOT NULL CHECK (length(requester) BETWEEN 1 AND 512),
    requester_groups   text[]      NOT NULL DEFAULT '{}',
    eligibility_group  text        NOT NULL CHECK (length(eligibility_group) BETWEEN 1 AND 512),
    namespaces         text[]      NOT NULL DEFAULT '{}',
    duration_seconds   integer     NOT NULL CHECK (duration_seconds > 0),
    reason             text        NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
    ticket             text        NULL CHECK (ticket IS NULL OR length(ticket) BETWEEN 1 AND 128),
    required_approvals integer     NOT NULL CHECK (required_approvals >= 0),
    -- 0 for the request itself, then one more for each extension that needs approval.
    approval_round     integer     NOT NULL DEFAULT 0 CHECK (approval_round >= 0),
    pending_until      timestamptz NULL,
    extension_seconds  integer     NULL CHECK (extension_seconds IS NULL OR extension_seconds > 0),
    extension_reason   text        NULL,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    activated_at       timestamptz NULL,
    expires_at         timestamptz NULL,
    ended_at           timestamptz NULL,
    idempotency_key    text        NULL CHECK (idempotency_key IS NULL OR length(idempotency_key) BETWEEN 1 AND 200),
    request_hash       text        NULL,
    version            bigint      NOT NULL DEFAULT 1 CHECK (version > 0),
    CONSTRAINT elevations_active_has_window CHECK (state <> 'active' OR (activated_at IS NOT NULL AND expires_at > activated_at)),
    CONSTRAINT elevations_idempotency UNIQUE (requester, idempotency_key)
);

CREATE INDEX elevations_newest ON elevations (created_at DESC, id DESC);
CREATE INDEX elevations_requester ON elevations (requester, created_at DESC, id DESC);
CREATE INDEX elevations_ticket ON elevations (ticket) WHERE ticket IS NOT NULL;
-- The expiry job looks only at elevations that can still change by themselves.
CREATE INDEX elevations_open ON elevations (state, expires_at, pending_until) WHERE state IN ('pending', 'active');

CREATE TABLE elevation_approvals (
    elevation_id uuid        NOT NULL REFERENCES elevations (id),
    round        integer     NOT NULL,
    approver     text        NOT NULL CHECK (length(approver) BETWEEN 1 AND 512),
    mfa          boolean     NOT NULL,
    comment      text        NULL,
    approved_at  timestamptz NOT NULL,
    -- One approval per person per round: approving twice never counts twice.
    PRIMARY KEY (elevation_id, round, approver)
);

CREATE TABLE elevation_history (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    elevation_id uuid        NOT NULL REFERENCES elevations (id),
    at           timestamptz NOT NULL,
    actor        text        NOT NULL,
    action       text        NOT NULL,
    from_state   text        NULL,
    to_state     text        NOT NULL,
    comment      text        NULL
);

CREATE INDEX elevation_history_elevation ON elevation_history (elevation_id, id);

-- Written in the transaction that makes the change, delivered afterwards: a notification is never lost with a
-- restart and a slow or failing receiver never delays or fails the transition.
CREATE TABLE notification_outbox (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    receiver        text        NOT NULL,
    event           text        NOT NULL,
    elevation_id    uuid        NOT NULL,
    payload         jsonb       NOT NULL,
    created_at      timestamptz NOT NULL,
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    locked_until    timestamptz NULL,
    delivered_at    timestamptz NULL,
    failed_at       timestamptz NULL,
    last_error      text        NULL
);

CREATE INDEX notification_outbox_due ON notification_outbox (next_attempt_at) WHERE delivered_at IS NULL AND failed_at IS NULL;
