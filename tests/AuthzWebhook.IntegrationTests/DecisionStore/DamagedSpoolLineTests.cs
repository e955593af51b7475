using System.Text.Json;
using AuthzWebhook.Decisions;
using AuthzWebhook.DecisionStore;
using AuthzWebhook.Hosting;
using AuthzWebhook.IntegrationTests.Infrastructure;
using Npgsql;

namespace AuthzWebhook.IntegrationTests.DecisionStore;

/// <summary>
/// A spool line damaged into other valid JSON (one changed byte in the time) cannot be sent to Postgres at all. It is
/// set aside like a record Postgres refuses, and the records behind it keep flowing; retried as if Postgres were down,
/// it would hold back every later record of the replica for good.
/// </summary>
public sealed class DamagedSpoolLineTests(TestServers servers) : IntegrationTest(servers)
{
    [Fact]
    public async Task A_record_whose_time_does_not_parse_is_set_aside_and_the_next_records_are_stored()
    {
        var spool = Path.Combine(Directory.CreateTempSubdirectory("authz-spool-").FullName, "decisions.spool");
        var chainer = new DecisionChainer();
        var damaged = chainer.Chain(new DecisionRecord
        {
            Time = "2026-1X-27T14:00:00.000000Z",
            DecisionId = Guid.CreateVersion7(),
            Decision = "no_opinion",
            Reason = "decision: none",
            User = new DecisionUser("oidc:x@example.com", string.Empty, [], new Dictionary<string, string[]>()),
            Request = new DecisionRequest("resource", "get", string.Empty, "v1", "pods", string.Empty, "payments", string.Empty, null),
            Instance = "test",
        });
        var line = JsonSerializer.SerializeToUtf8Bytes(damaged, AuthzJsonContext.Default.DecisionRecord);
        await File.WriteAllBytesAsync(spool, [.. SpoolLine.Prefix(chainer.Run), .. line, (byte)'\n']);

        var server = await StartServerAsync(overrides: new Dictionary<string, string?> { ["AuthzWebhook:DecisionStore:SpoolPath"] = spool });
        var after = (await server.ReviewAsync(Reviews.Resource("oidc:alice@example.com", ["system:authenticated"], "get", "pods", "payments"))).DecisionId;

        await EventuallyAsync(async () => await CountAsync("SELECT count(*) FROM decisions WHERE decision_id = @id", after) == 1, TimeSpan.FromSeconds(20), "the next record stored");
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM decisions_rejected WHERE decision_id = @id AND sqlstate = '22000'", damaged.DecisionId));
        Assert.Equal(0, server.Service<DecisionStoreQueue>().Backlog);
    }

    private async Task<long> CountAsync(string sql, Guid id)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", id);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
