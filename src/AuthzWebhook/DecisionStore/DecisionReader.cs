using System.Text.Json;
using Dapper;
using Npgsql;

namespace AuthzWebhook.DecisionStore;

/// <summary>Reads stored decision records back: pages bounded in rows and bytes for the API (chains are verified by <see cref="StoredChainVerifier"/>).</summary>
internal sealed class DecisionReader(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// One page of records, newest first: at most <see cref="DecisionQuery.Limit"/> rows and <paramref name="maxBytes"/>
    /// bytes of stored JSON (but always the first row, however large); <c>More</c> says whether records were left.
    /// </summary>
    public async Task<(IReadOnlyList<(DateTimeOffset Time, Guid Id, JsonElement Record)> Rows, bool More)> ListAsync(DecisionQuery query, int maxBytes, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // Each filter is either unset (NULL) or exact; the keyset condition continues after the previous page's last row.
        // The user name is indexed by its md5 (sql/006): a name long in bytes would not fit a btree row.
        // The page is chosen on sizes alone (one row more than asked tells whether another page exists), and only the
        // records that fit are fetched: a page never brings more than the byte bound (and one record) into memory.
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            """
            WITH candidates AS (
                SELECT time, decision_id, octet_length(record::text) AS size FROM decisions
                 WHERE (@elevation::uuid IS NULL OR elevation_id = @elevation)
                   AND (@user::text IS NULL OR (md5(user_name) = md5(@user) AND user_name = @user))
                   AND (@decision::text IS NULL OR decision = @decision)
                   AND (@since::timestamptz IS NULL OR time >= @since)
                   AND (@until::timestamptz IS NULL OR time < @until)
                   AND (@afterTime::timestamptz IS NULL OR (time, decision_id) < (@afterTime, @afterId))
                 ORDER BY time DESC, decision_id DESC
                 LIMIT @limit + 1),
            sized AS (
                SELECT time, decision_id, count(*) OVER () AS fetched, row_number() OVER w AS n, sum(size) OVER w AS running
                  FROM candidates WINDOW w AS (ORDER BY time DESC, decision_id DESC ROWS UNBOUNDED PRECEDING))
            SELECT s.time, s.decision_id, s.fetched, d.record::text AS record
              FROM sized s JOIN decisions d ON d.decision_id = s.decision_id AND d.time = s.time
             WHERE s.n <= @limit AND (s.n = 1 OR s.running <= @maxBytes)
             ORDER BY s.time DESC, s.decision_id DESC
            """,
            new
            {
                elevation = query.ElevationId,
                user = query.User,
                decision = query.Decision,
                since = query.Since?.UtcDateTime,
                until = query.Until?.UtcDateTime,
                afterTime = query.After?.CreatedAt.UtcDateTime,
                afterId = query.After?.Id ?? Guid.Empty,
                limit = query.Limit,
                maxBytes = (long)maxBytes,
            },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        var page = rows.Select(r => (new DateTimeOffset(DateTime.SpecifyKind(r.Time, DateTimeKind.Utc)), r.DecisionId, Parse(r.Record))).ToArray();
        var fetched = rows.FirstOrDefault()?.Fetched ?? 0;
        return (page, fetched > page.Length);
    }

    private static JsonElement Parse(string record)
    {
        using var document = JsonDocument.Parse(record);
        return document.RootElement.Clone();
    }

    private sealed class Row
    {
        public DateTime Time { get; init; }

        public Guid DecisionId { get; init; }

        public long Fetched { get; init; }

        public string Record { get; init; } = string.Empty;
    }
}
