-- What an approval and a request depended on, so that they can be re-checked against the policy in force:
-- the approver's groups and MFA at the time, the template as it was requested, and stable subject ids
-- (issuer + sub) beside usernames for the two-person rule.
ALTER TABLE elevation_approvals ADD COLUMN approver_groups text[] NOT NULL DEFAULT '{}';
ALTER TABLE elevation_approvals ADD COLUMN approver_subject text NULL CHECK (approver_subject IS NULL OR length(approver_subject) <= 1024);
ALTER TABLE elevations ADD COLUMN template_fingerprint text NULL;
ALTER TABLE elevations ADD COLUMN requester_subject text NULL CHECK (requester_subject IS NULL OR length(requester_subject) <= 1024);

-- Ticket references are matched without regard to case (INC-4711 and inc-4711 are one ticket).
CREATE INDEX elevations_ticket_folded ON elevations (lower(ticket)) WHERE ticket IS NOT NULL;

-- A closed ticket stays closed: no new request may name it and no pending request under it may be activated.
CREATE TABLE closed_tickets (
    ticket    text        PRIMARY KEY CHECK (ticket = lower(ticket) AND length(ticket) BETWEEN 1 AND 128),
    closed_at timestamptz NOT NULL,
    closed_by text        NOT NULL,
    reason    text        NOT NULL
);

-- Revocation times come from the replica's clock and created_at from the database's; a replica whose clock lags
-- must still be able to revoke.
ALTER TABLE elevation_windows DROP CONSTRAINT elevation_windows_revoked_after_start;

ALTER TABLE elevation_history ADD CONSTRAINT elevation_history_comment_length CHECK (comment IS NULL OR length(comment) <= 2200);
ALTER TABLE elevation_approvals ADD CONSTRAINT elevation_approvals_comment_length CHECK (comment IS NULL OR length(comment) <= 2000);
ALTER TABLE elevations ADD CONSTRAINT elevations_extension_reason_length CHECK (extension_reason IS NULL OR length(extension_reason) <= 2000);
