using AuthzWebhook.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using AuthzWebhook.Windows;
using Npgsql;

namespace AuthzWebhook.IntegrationTests.Windows;

/// <summary>
/// A replica that cannot confirm its windows are fresh stops granting (invariant 3). Postgres and Redis are put
/// out of reach for one instance through fault proxies; the servers the other tests use are untouched.
/// </summary>
public sealed class StalenessTests(TestServers servers) : IntegrationTest(servers)
{
    private static readonly string Review = Reviews.Resource("oidc:alice@example.com", ["oidc:sre"], "get", "pods", "payments");
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(2);

    private TcpFaultProxy _postgresProxy = null!;
    private TcpFaultProxy _redisProxy = null!;

    private async Task<WebhookServer> StartBehindProxiesAsync(IDictionary<string, string?>? overrides = null)
    {
        var postgres = new NpgsqlConnectionStringBuilder(Database);
        _postgresProxy = Track(new TcpFaultProxy(postgres.Port));
        postgres.Host = "127.0.0.1";
        postgres.Port = _postgresProxy.Port;
        postgres.Timeout = 2;
        postgres.CommandTimeout = 2;
        var redisPort = int.Parse(Servers.RedisConfiguration.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
        _redisProxy = Track(new TcpFaultProxy(redisPort));

        var server = await StartServerAsync(postgres: postgres.ConnectionString, redis: $"127.0.0.1:{_redisProxy.Port}", overrides: overrides);
        await server.Service<WindowWriter>().CreateAsync(
            UserWindow("oidc:alice@example.com", "pod-debug", ["payments"], DateTimeOffset.UtcNow.AddSeconds(-1), TimeSpan.FromMinutes(30)), default);
        Assert.True((await server.ReviewAsync(Review)).Allowed);
        return server;
    }

    [Fact]
    public async Task With_both_stores_unreachable_past_the_bound_it_answers_no_opinion_with_an_evaluation_error_and_never_allows()
    {
        var server = await StartBehindProxiesAsync();

        _postgresProxy.Cut();
        _redisProxy.Cut();
        var cutAt = DateTime.UtcNow;

        ReviewResult result;
        do
        {
            result = await server.ReviewAsync(Review);
            Assert.True(DateTime.UtcNow - cutAt < Bound + TimeSpan.FromSeconds(3), "still allowing well past the staleness bound");
        }
        while (result.Allowed);

        Assert.True(DateTime.UtcNow - cutAt >= Bound - TimeSpan.FromMilliseconds(500), "stopped granting before the bound; the bound should be honoured, not shortened");
        Assert.False(result.Denied);
        Assert.NotNull(result.EvaluationError);
        var record = await server.WaitForRecordAsync(result.DecisionId);
        Assert.True(record.GetProperty("degraded").GetBoolean());
        Assert.Equal("no_opinion", record.GetProperty("decision").GetString());
        Assert.Equal(result.EvaluationError, record.GetProperty("evaluation_error").GetString());

        for (var i = 0; i < 20; i++)
        {
            Assert.False((await server.ReviewAsync(Review)).Allowed);
            await Task.Delay(50);
        }

        _postgresProxy.Restore();
        _redisProxy.Restore();
        await EventuallyAsync(async () => (await server.ReviewAsync(Review)).Allowed, TimeSpan.FromSeconds(15), "recovery after the stores return");
    }

    [Theory]
    [InlineData("redis")] // the Postgres reconcile keeps confirming freshness
    [InlineData("postgres")] // heartbeats through the unbroken Redis feed keep confirming it
    public async Task With_one_store_unreachable_the_other_keeps_it_granting(string lost)
    {
        var server = await StartBehindProxiesAsync();

        var logs = new CapturedLogs();
        server.Services.GetRequiredService<ILoggerFactory>().AddProvider(logs);
        (lost == "redis" ? _redisProxy : _postgresProxy).Cut();
        await Task.Delay(Bound * 2);

        // Granting from memory, and saying so: degraded in the record, the store named in the evaluation error.
        var result = await server.ReviewAsync(Review);
        Assert.True(result.Allowed, result.Reason);
        Assert.Contains(lost == "redis" ? "Redis unreachable" : "Postgres unreachable", result.EvaluationError, StringComparison.Ordinal);
        var record = await server.WaitForRecordAsync(result.DecisionId);
        Assert.True(record.GetProperty("degraded").GetBoolean());
        Assert.Contains(logs.Lines, line => line.Text.Contains("Degraded mode entered: " + (lost == "redis" ? "Redis" : "Postgres") + " unreachable", StringComparison.Ordinal));

        (lost == "redis" ? _redisProxy : _postgresProxy).Restore();
        await EventuallyAsync(async () => (await server.ReviewAsync(Review)).EvaluationError is null, TimeSpan.FromSeconds(15), "degraded mode to end once the store answers");
        var after = await server.ReviewAsync(Review);
        Assert.True(after.Allowed, after.Reason);
        Assert.False((await server.WaitForRecordAsync(after.DecisionId)).GetProperty("degraded").GetBoolean());
        Assert.Contains(logs.Lines, line => line.Text.Contains("Degraded mode left after", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_Postgres_still_down_a_proven_Redis_feed_restores_granting_from_memory()
    {
        var server = await StartBehindProxiesAsync();
        _postgresProxy.Cut();
        _redisProxy.Cut();
        await EventuallyAsync(async () => !(await server.ReviewAsync(Review)).Allowed, TimeSpan.FromSeconds(10), "granting to stop");

        _redisProxy.Restore();

        // The feed must prove itself (a heartbeat through it, then a reload from Redis) before it confirms freshness.
        await EventuallyAsync(async () => (await server.ReviewAsync(Review)).Allowed, TimeSpan.FromSeconds(15), "granting to resume through Redis alone");
    }

    [Fact]
    public async Task It_starts_and_grants_from_Postgres_while_Redis_is_unreachable()
    {
        var redisPort = int.Parse(Servers.RedisConfiguration.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
        var unreachable = Track(new TcpFaultProxy(redisPort));
        unreachable.Cut();

        var server = await StartServerAsync(redis: $"127.0.0.1:{unreachable.Port}");
        await server.Service<WindowWriter>().CreateAsync(
            UserWindow("oidc:alice@example.com", "pod-debug", ["payments"], DateTimeOffset.UtcNow.AddSeconds(-1), TimeSpan.FromMinutes(30)), default);

        var result = await server.ReviewAsync(Review);
        Assert.True(result.Allowed, result.Reason);
    }

    [Fact]
    public async Task Redis_heartbeats_alone_keep_it_granting_only_for_the_time_allowed_without_Postgres()
    {
        var server = await StartBehindProxiesAsync(new Dictionary<string, string?> { ["AuthzWebhook:Windows:MaxTimeWithoutPostgres"] = "00:00:04" });

        _postgresProxy.Cut();
        var cutAt = DateTime.UtcNow;
        await Task.Delay(Bound + TimeSpan.FromSeconds(0.5));
        Assert.True((await server.ReviewAsync(Review)).Allowed, "heartbeats should carry it past the staleness bound");

        await EventuallyAsync(async () => !(await server.ReviewAsync(Review)).Allowed, TimeSpan.FromSeconds(10), "granting to stop");

        Assert.InRange(DateTime.UtcNow - cutAt, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(8));
    }

    [Fact]
    public async Task Guardrails_still_deny_while_degraded()
    {
        var server = await StartBehindProxiesAsync();
        _postgresProxy.Cut();
        _redisProxy.Cut();
        await EventuallyAsync(async () => !(await server.ReviewAsync(Review)).Allowed, TimeSpan.FromSeconds(10), "granting to stop");

        var result = await server.ReviewAsync(Reviews.Resource("oidc:alice@example.com", ["oidc:sre"], "get", "secrets", "kube-system"));

        Assert.True(result.Denied);
        Assert.NotNull(result.EvaluationError);
    }
}
