using AuthzWebhook.DecisionStore;
using AuthzWebhook.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AuthzWebhook.IntegrationTests.DecisionStore;

/// <summary>What was set aside (decision records and audit events Postgres refused) is kept as long as the records, then dropped with them.</summary>
public sealed class SetAsideRetentionTests(TestServers servers) : IntegrationTest(servers)
{
    [Fact]
    public async Task Set_aside_rows_older_than_the_retention_are_deleted_and_newer_ones_kept()
    {
        var server = await StartServerAsync(overrides: new Dictionary<string, string?> { ["AuthzWebhook:DecisionStore:RetentionDays"] = "7" });
        await ExecuteAsync(
            """
            INSERT INTO decisions_rejected (decision_id, instance, run, seq, rejected_at, sqlstate, error, line) VALUES
                (gen_random_uuid(), 'a', gen_random_uuid(), 1, now() - interval '30 days', '23514', 'old', '\x7b7d'),
                (gen_random_uuid(), 'a', gen_random_uuid(), 2, now() - interval '1 day', '23514', 'recent', '\x7b7d');
            INSERT INTO audit_events_rejected (event_key, received_at, sqlstate, error, event) VALUES
                ('\x01', now() - interval '30 days', '23514', 'old', '\x7b7d'),
                ('\x02', now() - interval '1 day', '23514', 'recent', '\x7b7d');
            """);

        var partitions = server.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<DecisionPartitions>().Single();
        await partitions.MaintainAsync(CancellationToken.None);

        Assert.Equal(["recent"], await ErrorsAsync("decisions_rejected"));
        Assert.Equal(["recent"], await ErrorsAsync("audit_events_rejected"));
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<List<string>> ErrorsAsync(string table)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        // The table name is one of two constants of this test.
        await using var command = new NpgsqlCommand($"SELECT error FROM {table} ORDER BY error", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var errors = new List<string>();
        while (await reader.ReadAsync())
        {
            errors.Add(reader.GetString(0));
        }

        return errors;
    }
}
