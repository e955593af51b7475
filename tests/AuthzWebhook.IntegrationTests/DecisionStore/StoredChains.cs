using System.Globalization;
using System.Text.Json;
using AuthzWebhook.Decisions;
using AuthzWebhook.DecisionStore;
using AuthzWebhook.Hosting;
using Npgsql;
using NpgsqlTypes;

namespace AuthzWebhook.IntegrationTests.DecisionStore;

/// <summary>
/// Writes chained decision records straight into <c>decisions</c> with binary COPY, as the service's writer stores them:
/// tens of thousands in a second, so that tests can show how the read endpoints behave on a large table.
/// </summary>
internal static class StoredChains
{
    /// <summary>Stores one instance's chain of <paramref name="count"/> records, the last one a minute ago; returns their ids in seq order.</summary>
    public static async Task<IReadOnlyList<Guid>> InsertAsync(string database, string instance, int count, int reasonLength = 40, Guid? elevation = null)
    {
        var chainer = new DecisionChainer();
        var ids = new List<Guid>(count);
        var start = DateTimeOffset.UtcNow.AddMinutes(-1).AddMilliseconds(-count);
        var padding = new string('r', reasonLength);
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var copy = await connection.BeginBinaryImportAsync(
            "COPY decisions (decision_id, time, instance, run, seq, prev, hash, decision, user_name, elevation_id, template, degraded, record) FROM STDIN (FORMAT BINARY)");
        for (var i = 0; i < count; i++)
        {
            var time = start.AddMilliseconds(i);
            var record = chainer.Chain(Record(instance, time, padding, elevation));
            ids.Add(record.DecisionId);
            await copy.StartRowAsync();
            await copy.WriteAsync(record.DecisionId, NpgsqlDbType.Uuid);
            await copy.WriteAsync(time.UtcDateTime, NpgsqlDbType.TimestampTz);
            await copy.WriteAsync(instance, NpgsqlDbType.Text);
            await copy.WriteAsync(chainer.Run, NpgsqlDbType.Uuid);
            await copy.WriteAsync(record.Chain!.Seq, NpgsqlDbType.Bigint);
            await copy.WriteAsync(record.Chain.Prev, NpgsqlDbType.Text);
            await copy.WriteAsync(record.Chain.Hash, NpgsqlDbType.Text);
            await copy.WriteAsync(record.Decision, NpgsqlDbType.Text);
            await copy.WriteAsync(record.User.Name, NpgsqlDbType.Text);
            if (elevation is { } e)
            {
                await copy.WriteAsync(e, NpgsqlDbType.Uuid);
            }
            else
            {
                await copy.WriteNullAsync();
            }

            await copy.WriteNullAsync();
            await copy.WriteAsync(false, NpgsqlDbType.Boolean);
            await copy.WriteAsync(JsonSerializer.Serialize(record, AuthzJsonContext.Default.DecisionRecord), NpgsqlDbType.Json);
        }

        await copy.CompleteAsync();
        return ids;
    }

    /// <summary>
    /// Replaces a stored record by a forgery that is consistent in itself (its hash matches its content) but links to
    /// a made-up previous record: only a check of the link to the record before it can catch it.
    /// </summary>
    public static async Task ForgeLinkAsync(string database, Guid decisionId)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        string text;
        await using (var read = new NpgsqlCommand("SELECT record::text FROM decisions WHERE decision_id = @id", connection))
        {
            read.Parameters.AddWithValue("id", decisionId);
            text = (string)(await read.ExecuteScalarAsync())!;
        }

        var record = JsonSerializer.Deserialize(text, AuthzJsonContext.Default.DecisionRecord)!;
        var prev = new string('f', 64);
        using var document = JsonDocument.Parse(JsonSerializer.Serialize(record with { Chain = null }, AuthzJsonContext.Default.DecisionRecord));
        var hash = ChainHash.Compute(record.Chain!.Seq, prev, document.RootElement);
        var forged = record with { Chain = new DecisionChain(record.Chain.Seq, prev, hash) };
        await using var write = new NpgsqlCommand("UPDATE decisions SET record = @record::json, prev = @prev, hash = @hash WHERE decision_id = @id", connection);
        write.Parameters.AddWithValue("record", JsonSerializer.Serialize(forged, AuthzJsonContext.Default.DecisionRecord));
        write.Parameters.AddWithValue("prev", prev);
        write.Parameters.AddWithValue("hash", hash);
        write.Parameters.AddWithValue("id", decisionId);
        Assert.Equal(1, await write.ExecuteNonQueryAsync());
    }

    private static DecisionRecord Record(string instance, DateTimeOffset time, string reason, Guid? elevation) => new()
    {
        Time = time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
        DecisionId = Guid.CreateVersion7(),
        Decision = "no_opinion",
        Reason = reason,
        ElevationId = elevation,
        User = new DecisionUser("oidc:alice@example.com", string.Empty, ["oidc:sre"], new Dictionary<string, string[]>()),
        Request = new DecisionRequest("resource", "get", string.Empty, "v1", "pods", "log", "payments", "api-1", null),
        LatencyMicroseconds = 40,
        Instance = instance,
    };
}
