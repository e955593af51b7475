-- An audit event Postgres refuses for good (a value it cannot take, whatever the sink did to make it storable) is kept
-- here instead, as the bytes of the event, with why; the others of its batch are stored as usual. Keyed like
-- audit_events (the SHA-256 of the event), so an event sent again is kept once.
CREATE TABLE audit_events_rejected (
    event_key   bytea       PRIMARY KEY,
    received_at timestamptz NOT NULL,
    sqlstate    text        NOT NULL,
    error       text        NOT NULL,
    event       bytea       NOT NULL
);
