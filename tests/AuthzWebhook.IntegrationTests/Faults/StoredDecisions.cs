using Npgsql;

namespace AuthzWebhook.IntegrationTests.Faults;

/// <summary>The decisions stored in a fault test's database.</summary>
internal static class StoredDecisions
{
    /// <summary>Every stored decision's id and record text, in chain order (instance, run, seq), duplicates included.</summary>
    public static async Task<(List<Guid> Ids, List<string> Lines)> ReadAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT decision_id, record::text FROM decisions ORDER BY instance, run, seq", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<Guid>();
        var lines = new List<string>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetGuid(0));
            lines.Add(reader.GetString(1));
        }

        return (ids, lines);
    }

    /// <summary>Only the ids, without a time limit: a soak stores millions of records, too many to read as text.</summary>
    public static async Task<HashSet<Guid>> ReadIdsAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT decision_id FROM decisions", connection) { CommandTimeout = 0 };
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new HashSet<Guid>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }
}
