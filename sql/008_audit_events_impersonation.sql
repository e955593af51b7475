-- Under impersonation (kubectl --as), an audit event's user is who authenticated and impersonatedUser whom the request
-- acted as, the user the webhook decided for. The sink links such an event to the impersonated user's elevation and keeps
-- both names as columns (the event itself holds both too). Not indexed, like every text column of audit_events.
ALTER TABLE audit_events ADD COLUMN impersonated_user text;
