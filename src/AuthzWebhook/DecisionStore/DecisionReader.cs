using System.Text.Json;
using Dapper;
using Npgsql;

namespace AuthzWebhook.DecisionStore;

/// <summary>Reads stored decision records back: filtered pages for the API, and whole chains for verification.</summary>
internal sealed class DecisionReader(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<(DateTimeOffset Time, Guid Id, JsonElement Record)>> ListAsync(DecisionQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // Each filter is either unset (NULL) or exact; the keyset condition continues after the previous page's last row.
        // The user name is indexed by its md5 (sql/006): a name long in bytes would not fit a btree row.
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            """
            SELECT time, decision_id, record::text AS record FROM decisions
             WHERE (@elevation::uuid IS NULL OR elevation_id = @elevation)
               AND (@user::text IS NULL OR (md5(user_name) = md5(@user) AND user_name = @user))
               AND (@decision::text IS NULL OR decision = @decision)
               AND (@since::timestamptz IS NULL OR time >= @since)
               AND (@until::timestamptz IS NULL OR time < @until)
               AND (@afterTime::timestamptz IS NULL OR (time, decision_id) < (@afterTime, @afterId))
             ORDER BY time DESC, decision_id DESC
             LIMIT @limit
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
            },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => (new DateTimeOffset(DateTime.SpecifyKind(r.Time, DateTimeKind.Utc)), r.DecisionId, Parse(r.Record)))];
    }

    /// <summary>Verifies the chains of the records in a time range, reading them in chain order (instance, run, seq).</summary>
    public async Task<(ChainReport Report, IReadOnlyList<Guid> Ids)> VerifyAsync(DateTimeOffset since, DateTimeOffset until, string? instance, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            """
            SELECT decision_id, record::text FROM decisions
             WHERE time >= @since AND time < @until AND (@instance::text IS NULL OR instance = @instance)
             ORDER BY instance, run, seq
            """,
            connection);
        command.Parameters.AddWithValue("since", since.UtcDateTime);
        command.Parameters.AddWithValue("until", until.UtcDateTime);
        command.Parameters.Add(new NpgsqlParameter("instance", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)instance ?? DBNull.Value });
        var ids = new List<Guid>();
        var lines = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                ids.Add(reader.GetGuid(0));
                lines.Add(reader.GetString(1));
            }
        }

        return (DecisionChainVerifier.Verify(lines), ids);
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

        public string Record { get; init; } = string.Empty;
    }
}
