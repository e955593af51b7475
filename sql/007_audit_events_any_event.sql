-- The audit sink takes every event the API server can produce, each on its own (one odd event used to refuse its
-- whole batch, which the API server then dropped after its retries):
--   * audit_id is text: clients set the Audit-ID header to any string, not only a UUID;
--   * the key is event_key, the SHA-256 of the event as stored: an event sent again (the same bytes) is stored once,
--     while two requests that share a client-chosen audit id and stage are two rows. Rows stored before this keep their
--     key from the event they hold, which is what was posted;
--   * an event lacking its stage or user is kept, with empty strings;
--   * truncated: a string field was cut to AuditSink:MaxStringLength; replaced: characters that are not text (NUL,
--     unpaired surrogates, invalid UTF-8) were replaced by U+FFFD, in the columns and in the event.
-- No text column of audit_events is indexed, so no value can exceed what an index row takes.
ALTER TABLE audit_events DROP CONSTRAINT audit_events_pkey;
ALTER TABLE audit_events ALTER COLUMN audit_id TYPE text USING audit_id::text;
ALTER TABLE audit_events ADD COLUMN event_key bytea;
UPDATE audit_events SET event_key = sha256(convert_to(event::text, 'UTF8'));
ALTER TABLE audit_events ALTER COLUMN event_key SET NOT NULL;
ALTER TABLE audit_events ADD PRIMARY KEY (event_key);
ALTER TABLE audit_events DROP CONSTRAINT audit_events_stage_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_stage_length CHECK (length(stage) <= 32);
ALTER TABLE audit_events ADD COLUMN truncated boolean NOT NULL DEFAULT false;
ALTER TABLE audit_events ADD COLUMN replaced boolean NOT NULL DEFAULT false;
