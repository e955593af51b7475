using System.Text.Json;
using Dapper;
using Npgsql;

namespace AuthzWebhook.AuditEvents;

/// <summary>
/// Stores audit events in one statement per batch, each linked to its decision and, through it or through the window
/// the user held, to its elevation. An event the API server sends again is stored once (key: the SHA-256 of the event,
/// see <see cref="AuditEvent.Key"/>).
/// Reads back those of one elevation for its activity.
/// </summary>
internal sealed class AuditEventStore(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Stores a batch in one statement. If Postgres refuses it for good (a value it cannot take in one event), each
    /// event is stored alone, so that the rest of the batch is kept, and a refused one is set aside in
    /// <c>audit_events_rejected</c> as its bytes, so that it is not lost either.
    /// </summary>
    /// <returns>How many events were newly stored, and how many Postgres refused (set aside, or lost if even that failed).</returns>
    public async Task<(int Stored, int Refused)> StoreAsync(IReadOnlyList<(AuditEvent Event, Guid? Elevation)> batch, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        try
        {
            return (await InsertAsync(batch, receivedAt, cancellationToken).ConfigureAwait(false), 0);
        }
        catch (Exception ex) when (DecisionStore.PostgresRefusal.IsForGood(ex))
        {
        }

        var (stored, refused) = (0, 0);
        foreach (var one in batch)
        {
            try
            {
                stored += await InsertAsync([one], receivedAt, cancellationToken).ConfigureAwait(false);
            }
            catch (Npgsql.PostgresException ex) when (DecisionStore.PostgresRefusal.IsForGood(ex))
            {
                refused++;
                await SetAsideAsync(one.Event, receivedAt, ex, cancellationToken).ConfigureAwait(false);
            }
        }

        return (stored, refused);
    }

    /// <summary>Keeps a refused event's bytes; if Postgres refuses even that, the caller's count and log are all that remain.</summary>
    private async Task SetAsideAsync(AuditEvent refused, DateTimeOffset receivedAt, Npgsql.PostgresException why, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO audit_events_rejected (event_key, received_at, sqlstate, error, event)
                VALUES (@key, @receivedAt, @sqlState, @error, @event)
                ON CONFLICT (event_key) DO NOTHING
                """,
                new { key = refused.Key, receivedAt = receivedAt.UtcDateTime, sqlState = why.SqlState, error = why.MessageText, @event = System.Text.Encoding.UTF8.GetBytes(refused.Json) },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
        catch (Npgsql.PostgresException ex) when (DecisionStore.PostgresRefusal.IsForGood(ex))
        {
        }
    }

    private async Task<int> InsertAsync(IReadOnlyList<(AuditEvent Event, Guid? Elevation)> batch, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return 0;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO audit_events (event_key, audit_id, stage, time, received_at, user_name, impersonated_user, verb, api_group, resource, subresource, namespace, name,
                                      request_uri, response_code, authorization_decision, decision_id, elevation_id, truncated, replaced, event)
            SELECT e.event_key, e.audit_id, e.stage, e.time, @receivedAt, e.user_name, e.impersonated_user, e.verb, e.api_group, e.resource, e.subresource, e.namespace, e.name,
                   e.request_uri, e.response_code, e.authorization_decision, e.decision_id,
                   COALESCE(e.elevation_id, (SELECT d.elevation_id FROM decisions d WHERE d.decision_id = e.decision_id LIMIT 1)),
                   e.truncated, e.replaced, e.event::json
              FROM unnest(@keys, @auditIds, @stages, @times, @users, @impersonated, @verbs, @apiGroups, @resources, @subresources, @namespaces, @names,
                          @uris, @codes, @authorizations, @decisionIds, @elevationIds, @truncated, @replaced, @events)
                AS e(event_key, audit_id, stage, time, user_name, impersonated_user, verb, api_group, resource, subresource, namespace, name,
                     request_uri, response_code, authorization_decision, decision_id, elevation_id, truncated, replaced, event)
            ON CONFLICT (event_key) DO NOTHING
            """,
            new
            {
                receivedAt = receivedAt.UtcDateTime,
                keys = batch.Select(b => b.Event.Key).ToArray(),
                auditIds = batch.Select(b => b.Event.AuditId).ToArray(),
                stages = batch.Select(b => b.Event.Stage).ToArray(),
                times = batch.Select(b => (b.Event.Time ?? receivedAt).UtcDateTime).ToArray(),
                users = batch.Select(b => b.Event.User).ToArray(),
                impersonated = batch.Select(b => b.Event.ImpersonatedUser).ToArray(),
                verbs = batch.Select(b => b.Event.Verb).ToArray(),
                apiGroups = batch.Select(b => b.Event.ApiGroup).ToArray(),
                resources = batch.Select(b => b.Event.Resource).ToArray(),
                subresources = batch.Select(b => b.Event.Subresource).ToArray(),
                namespaces = batch.Select(b => b.Event.Namespace).ToArray(),
                names = batch.Select(b => b.Event.Name).ToArray(),
                uris = batch.Select(b => b.Event.RequestUri).ToArray(),
                codes = batch.Select(b => b.Event.ResponseCode).ToArray(),
                authorizations = batch.Select(b => b.Event.Authorization).ToArray(),
                decisionIds = batch.Select(b => b.Event.DecisionId).ToArray(),
                elevationIds = batch.Select(b => b.Elevation).ToArray(),
                truncated = batch.Select(b => b.Event.Truncated).ToArray(),
                replaced = batch.Select(b => b.Event.Replaced).ToArray(),
                events = batch.Select(b => b.Event.Json).ToArray(),
            },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>
    /// A page of the audit events stored under an elevation (directly, or through a decision that cited it), oldest
    /// first: at most <paramref name="limit"/> events and <paramref name="maxBytes"/> bytes of stored JSON (but always
    /// the first event, however large: one event is at most <c>AuditSink:MaxBodyBytes</c>). <c>Next</c> is where the
    /// next page starts, null when none is left.
    /// </summary>
    public async Task<(IReadOnlyList<JsonElement> Events, AuditEventCursor? Next)> ForElevationAsync(Guid elevationId, AuditEventCursor? after, int limit, int maxBytes, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // The page is chosen on sizes alone (one row more than asked tells whether another page exists), and only the
        // events that fit are fetched: with request and response bodies an event can be megabytes.
        var rows = (await connection.QueryAsync<PageRow>(new CommandDefinition(
            """
            WITH candidates AS (
                SELECT a.time, a.event_key, octet_length(a.event::text) AS size FROM audit_events a
                 WHERE (a.elevation_id = @elevationId
                        OR a.decision_id IN (SELECT d.decision_id FROM decisions d WHERE d.elevation_id = @elevationId))
                   AND (@afterTime::timestamptz IS NULL OR (a.time, a.event_key) > (@afterTime, @afterKey))
                 ORDER BY a.time, a.event_key
                 LIMIT @limit + 1),
            sized AS (
                SELECT time, event_key, count(*) OVER () AS fetched, row_number() OVER w AS n, sum(size) OVER w AS running
                  FROM candidates WINDOW w AS (ORDER BY time, event_key ROWS UNBOUNDED PRECEDING))
            SELECT s.time, s.event_key AS key, s.fetched, a.event::text AS event
              FROM sized s JOIN audit_events a ON a.event_key = s.event_key
             WHERE s.n <= @limit AND (s.n = 1 OR s.running <= @maxBytes)
             ORDER BY s.time, s.event_key
            """,
            new { elevationId, afterTime = after?.Time.UtcDateTime, afterKey = after?.Key ?? [], limit, maxBytes = (long)maxBytes },
            cancellationToken: cancellationToken)).ConfigureAwait(false)).AsList();
        var events = rows.Select(r => Parse(r.Event)).ToArray();
        var more = rows.Count > 0 && rows[0].Fetched > rows.Count;
        return (events, more ? new AuditEventCursor(new DateTimeOffset(DateTime.SpecifyKind(rows[^1].Time, DateTimeKind.Utc)), rows[^1].Key) : null);
    }

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private sealed class PageRow
    {
        public DateTime Time { get; init; }

        public byte[] Key { get; init; } = [];

        public long Fetched { get; init; }

        public string Event { get; init; } = string.Empty;
    }
}
