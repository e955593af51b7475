using AuthzWebhook.DecisionStore;
using AuthzWebhook.IntegrationTests.Infrastructure;
using Npgsql;

namespace AuthzWebhook.IntegrationTests.DecisionStore;

/// <summary>
/// Every decision record also lands in Postgres, exactly once and chain intact, even when Postgres goes away while
/// decisions flow and when the service restarts before it is back.
/// </summary>
public sealed class DecisionStoreTests(TestServers servers) : IntegrationTest(servers)
{
    private static readonly string[] Groups = ["oidc:sre", "system:authenticated"];

    [Fact]
    public async Task Records_are_stored_byte_for_byte_as_written_with_their_chain()
    {
        var server = await StartServerAsync();
        var ids = await ReviewManyAsync(server, 40);

        await EventuallyAsync(async () => await CountAsync() == 40, TimeSpan.FromSeconds(15), "40 records in Postgres");

        var stored = await StoredLinesAsync();
        var written = File.ReadAllLines(server.DecisionLogPath).Where(l => l.Length > 0).ToList();
        Assert.Equal(written, stored);
        Assert.True(DecisionChainVerifier.Verify(stored).IsIntact);
        Assert.Equal(ids.Order(), (await DecisionIdsAsync()).Order());
    }

    [Fact]
    public async Task Postgres_going_away_while_decisions_flow_loses_and_duplicates_nothing()
    {
        var (server, proxy) = await StartBehindProxyAsync();
        var before = await ReviewManyAsync(server, 20);

        proxy.Cut();
        var during = await ReviewManyAsync(server, 60);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.True(server.Service<DecisionStoreQueue>().Backlog > 0, "records wait while Postgres is away");
        proxy.Restore();
        var after = await ReviewManyAsync(server, 20);

        await EventuallyAsync(async () => await CountAsync() == 100, TimeSpan.FromSeconds(40), "all 100 records in Postgres after the outage");
        Assert.Equal(100, (await DecisionIdsAsync()).Distinct().Count());
        Assert.Equal(before.Concat(during).Concat(after).Order(), (await DecisionIdsAsync()).Order());
        Assert.True(DecisionChainVerifier.Verify(await StoredLinesAsync()).IsIntact);
        Assert.Equal(0, server.Service<DecisionStoreQueue>().Backlog);
    }

    [Fact]
    public async Task Postgres_stopped_and_restarted_while_decisions_flow_loses_and_duplicates_nothing()
    {
        // A Postgres of its own: stopping the shared one would disturb every other test.
        using var postgres = new LocalPostgres();
        var database = new NpgsqlConnectionStringBuilder(postgres.AdminConnectionString) { Database = "authz", Timeout = 2, CommandTimeout = 2 }.ConnectionString;
        await using (var admin = new NpgsqlConnection(postgres.AdminConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand("CREATE DATABASE authz", admin);
            await create.ExecuteNonQueryAsync();
        }

        var server = await StartServerAsync(postgres: database);
        var before = await ReviewManyAsync(server, 20);

        postgres.Stop();
        var during = await ReviewManyAsync(server, 40);
        postgres.Start();
        var after = await ReviewManyAsync(server, 20);

        await EventuallyAsync(async () => await CountAsync(database) == 80, TimeSpan.FromSeconds(60), "all 80 records in Postgres after its restart");
        var stored = await DecisionIdsAsync(database);
        Assert.Equal(80, stored.Distinct().Count());
        Assert.Equal(before.Concat(during).Concat(after).Order(), stored.Order());
        Assert.True(DecisionChainVerifier.Verify(await StoredLinesAsync(database)).IsIntact);
        await server.DisposeAsync();
    }

    [Fact]
    public async Task Records_spooled_before_a_restart_are_delivered_by_the_next_start()
    {
        var spool = Path.Combine(Path.GetTempPath(), $"authz-spool-{Guid.NewGuid():N}", "decisions.spool");
        var settings = new Dictionary<string, string?> { ["AuthzWebhook:DecisionStore:SpoolPath"] = spool };
        var (stopping, proxy) = await StartBehindProxyAsync(settings);
        proxy.Cut();
        var ids = await ReviewManyAsync(stopping, 30);

        await stopping.DisposeAsync();
        Assert.True(File.Exists(spool), "the records still waiting at shutdown were spooled");
        Assert.Equal(30, File.ReadAllLines(spool).Length);

        var restarted = await StartServerAsync(overrides: settings);
        await EventuallyAsync(async () => (await DecisionIdsAsync()).Intersect(ids).Count() == 30, TimeSpan.FromSeconds(30), "the spooled records in Postgres");
        Assert.Equal(30, (await DecisionIdsAsync()).Count);
        Assert.Equal(0, restarted.Service<DecisionStoreQueue>().Backlog);
        Assert.False(File.Exists(spool), "a delivered spool is removed");
        Assert.True(DecisionChainVerifier.Verify(await StoredLinesAsync()).IsIntact);
    }

    private async Task<(WebhookServer Server, TcpFaultProxy Proxy)> StartBehindProxyAsync(IDictionary<string, string?>? overrides = null)
    {
        var postgres = new NpgsqlConnectionStringBuilder(Database);
        var proxy = Track(new TcpFaultProxy(postgres.Port));
        postgres.Host = "127.0.0.1";
        postgres.Port = proxy.Port;
        postgres.Timeout = 2;
        postgres.CommandTimeout = 2;
        var server = await StartServerAsync(postgres: postgres.ConnectionString, overrides: overrides);
        return (server, proxy);
    }

    private static async Task<List<Guid>> ReviewManyAsync(WebhookServer server, int count)
    {
        var ids = new List<Guid>(count);
        for (var i = 0; i < count; i++)
        {
            ids.Add((await server.ReviewAsync(Reviews.Resource("oidc:alice@example.com", Groups, "get", "pods", "payments", name: $"pod-{i}"))).DecisionId);
        }

        await server.WaitForRecordAsync(ids[^1]);
        return ids;
    }

    private Task<long> CountAsync() => CountAsync(Database);

    private static async Task<long> CountAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM decisions", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private Task<List<Guid>> DecisionIdsAsync() => DecisionIdsAsync(Database);

    private static async Task<List<Guid>> DecisionIdsAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT decision_id FROM decisions", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<Guid>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }

    /// <summary>The stored records in chain order (instance, run, seq), as text.</summary>
    private Task<List<string>> StoredLinesAsync() => StoredLinesAsync(Database);

    private static async Task<List<string>> StoredLinesAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT record::text FROM decisions ORDER BY instance, run, seq", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }

        return lines;
    }
}
