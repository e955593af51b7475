-- API server audit events posted to POST /audit that concern this service: those whose authorization reason carries
-- one of our decision ids, and those of users holding an active elevation. One row per event and stage, so that a
-- batch the API server sends again is stored once.
CREATE TABLE audit_events (
    audit_id       uuid        NOT NULL,
    stage          text        NOT NULL CHECK (length(stage) BETWEEN 1 AND 32),
    time           timestamptz NOT NULL,
    received_at    timestamptz NOT NULL,
    user_name      text        NOT NULL,
    verb           text        NOT NULL,
    api_group      text        NULL,
    resource       text        NULL,
    subresource    text        NULL,
    namespace      text        NULL,
    name           text        NULL,
    request_uri    text        NOT NULL,
    response_code  integer     NULL,
    authorization_decision text NULL,
    decision_id    uuid        NULL,
    elevation_id   uuid        NULL,
    -- The event exactly as posted.
    event          json        NOT NULL,
    PRIMARY KEY (audit_id, stage)
);

CREATE INDEX audit_events_decision ON audit_events (decision_id) WHERE decision_id IS NOT NULL;
CREATE INDEX audit_events_elevation ON audit_events (elevation_id, time) WHERE elevation_id IS NOT NULL;
CREATE INDEX audit_events_time ON audit_events (time);
