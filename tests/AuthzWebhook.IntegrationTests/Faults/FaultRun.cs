using System.Collections.Concurrent;
using System.Diagnostics;
using AuthzWebhook.DecisionStore;
using AuthzWebhook.IntegrationTests.Infrastructure;
using AuthzWebhook.Windows;
using Npgsql;

namespace AuthzWebhook.IntegrationTests.Faults;

/// <summary>
/// One fault scenario's world and its accounting. Its own Postgres and Redis (killing them disturbs no other test),
/// each behind a fault proxy; two service instances on them; windows for a set of users, some revoked and some
/// expiring while the fault lasts; reviews flowing against both instances throughout. Afterwards every answer is
/// checked against what Postgres says the window was when the review was sent, every decision id returned against
/// the decisions stored, and every chain verified.
/// </summary>
internal sealed class FaultRun : IAsyncDisposable
{
    /// <summary>
    /// How long after its revocation is acknowledged a window may still be honoured by another replica: the feed
    /// normally delivers in milliseconds; when it does not (Redis down, a message lost), the next Postgres reconcile
    /// (every 0.5 s in these tests) does, plus a second for the reload on a loaded two-core machine.
    /// </summary>
    public static readonly TimeSpan RevocationBound = TimeSpan.FromSeconds(1.5);

    private const int Holders = 12;
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _revokedAt = new();
    private readonly List<Guid> _toRevoke = [];
    private readonly string _probeUser = "oidc:probe@example.com";
    private ReviewLoad? _load;

    private FaultRun(LocalPostgres postgres, LocalRedis redis, TcpFaultProxy postgresProxy, TcpFaultProxy redisProxy, string database)
    {
        Postgres = postgres;
        Redis = redis;
        PostgresProxy = postgresProxy;
        RedisProxy = redisProxy;
        Database = database;
    }

    public LocalPostgres Postgres { get; }

    public LocalRedis Redis { get; }

    public TcpFaultProxy PostgresProxy { get; }

    public TcpFaultProxy RedisProxy { get; }

    public string Database { get; }

    public List<WebhookServer> Servers { get; } = [];

    /// <summary>
    /// Starts the stores and two instances through <paramref name="startServer"/> (postgres connection string, redis
    /// configuration), creates the windows and starts the load.
    /// </summary>
    public static async Task<FaultRun> StartAsync(TestPki pki, Func<string, string, Task<WebhookServer>> startServer, IReadOnlyList<string>? moreUsers = null)
    {
        var postgres = new LocalPostgres();
        var redis = new LocalRedis();
        var database = postgres.CreateDatabase("authz_faults");
        var postgresProxy = new TcpFaultProxy(postgres.Port);
        var redisProxy = new TcpFaultProxy(redis.Port);
        var run = new FaultRun(postgres, redis, postgresProxy, redisProxy, database);
        var viaProxy = new NpgsqlConnectionStringBuilder(database) { Host = "127.0.0.1", Port = postgresProxy.Port }.ConnectionString;
        for (var i = 0; i < 2; i++)
        {
            run.Servers.Add(await startServer(viaProxy, $"127.0.0.1:{redisProxy.Port}"));
        }

        var writer = run.Servers[0].Service<WindowWriter>();
        var now = DateTimeOffset.UtcNow;
        var users = new List<string>();
        for (var i = 0; i < Holders; i++)
        {
            var user = $"oidc:holder{i}@example.com";
            users.Add(user);
            // A third expire a few seconds in, while the fault lasts; a third get revoked during it.
            var lifetime = i % 3 == 0 ? TimeSpan.FromSeconds(4) : TimeSpan.FromMinutes(30);
            var window = await writer.CreateAsync(Window(user, now, lifetime), default);
            if (i % 3 == 1)
            {
                run._toRevoke.Add(window.Id);
            }
        }

        await writer.CreateAsync(Window(run._probeUser, now, TimeSpan.FromMinutes(30)), default);
        users.Add("oidc:nobody@example.com");
        users.AddRange(moreUsers ?? []);
        foreach (var server in run.Servers)
        {
            await WaitAsync(async () => (await server.ReviewAsync(Probe(run._probeUser))).Allowed, TimeSpan.FromSeconds(10), "every instance to hold the windows");
        }

        run._load = new ReviewLoad(pki, run.Servers, users);
        return run;
    }

    /// <summary>Revokes the windows set aside for it, through the first instance; one whose revocation fails (Postgres down) stays live.</summary>
    public async Task RevokeAsync()
    {
        var writer = Servers[0].Service<WindowWriter>();
        foreach (var id in _toRevoke.Where(id => !_revokedAt.ContainsKey(id)))
        {
            try
            {
                if (await writer.RevokeAsync(id, DateTimeOffset.UtcNow, default) is not null)
                {
                    _revokedAt[id] = DateTimeOffset.UtcNow;
                }
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                // Not acknowledged: if it committed anyway, the accounting takes Postgres's word for when.
            }
        }
    }

    /// <summary>
    /// Revokes the windows set aside for it in Postgres alone, as if every feed message about them were lost: only
    /// the reconcile can carry them to the replicas.
    /// </summary>
    public async Task RevokeWithoutFeedAsync()
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        foreach (var id in _toRevoke)
        {
            await using var command = new NpgsqlCommand("UPDATE elevation_windows SET revoked_at = now(), version = version + 1, updated_at = now() WHERE id = @id", connection);
            command.Parameters.AddWithValue("id", id);
            await command.ExecuteNonQueryAsync();
            _revokedAt[id] = DateTimeOffset.UtcNow;
        }
    }

    /// <summary>Time until every instance allows the probe's live window again without a degraded answer.</summary>
    public async Task<TimeSpan> RecoverAsync()
    {
        var started = Stopwatch.StartNew();
        foreach (var server in Servers)
        {
            await WaitAsync(
                async () => await server.ReviewAsync(Probe(_probeUser)) is { Allowed: true, EvaluationError: null } && !server.Service<ReplicaHealth>().IsDegraded,
                TimeSpan.FromSeconds(60),
                $"{server.InstanceName} to grant again, not degraded");
        }

        return started.Elapsed;
    }

    /// <summary>Time until no instance allows any of the revoked windows' holders any more.</summary>
    public async Task<TimeSpan> RevokedEverywhereAsync()
    {
        var started = Stopwatch.StartNew();
        var holders = Enumerable.Range(0, Holders).Where(i => i % 3 == 1).Select(i => $"oidc:holder{i}@example.com").ToList();
        foreach (var server in Servers)
        {
            foreach (var holder in holders)
            {
                await WaitAsync(async () => !(await server.ReviewAsync(Probe(holder))).Allowed, TimeSpan.FromSeconds(30), $"{server.InstanceName} to stop allowing {holder}");
            }
        }

        return started.Elapsed;
    }

    /// <summary>Stops the load, waits for every record to reach Postgres, and counts what went wrong.</summary>
    public async Task<FaultResult> AccountAsync(string scenario, TimeSpan recovery)
    {
        var answers = await StopAndDrainAsync(TimeSpan.FromSeconds(60));
        var windows = await WindowsAsync();
        var wrongAllows = answers.Count(a => a.Allowed && IsWrongAllow(a, windows));
        var (storedIds, storedLines) = await StoredDecisions.ReadAsync(Database);
        var returned = answers.Where(a => a.DecisionId is not null).Select(a => a.DecisionId!.Value).ToList();
        var stored = storedIds.ToHashSet();
        var lost = returned.Count(id => !stored.Contains(id));
        var written = Servers.SelectMany(ReadLines).ToList();
        var duplicated = (storedIds.Count - stored.Count) + (written.Count - written.Select(DecisionIdOf).Distinct().Count());
        var chains = DecisionChainVerifier.Verify(storedLines).IsIntact && Servers.All(s => DecisionChainVerifier.Verify(ReadLines(s)).IsIntact);
        var degraded = answers.Where(a => a.Degraded).Select(a => a.SentAt).ToList();
        var degradedFor = degraded.Count == 0 ? TimeSpan.Zero : degraded.Max() - degraded.Min();
        return new FaultResult(scenario, answers.Count, answers.Count(a => a.Status != 200), degraded.Count, degradedFor, wrongAllows, lost, duplicated, chains, recovery);
    }

    /// <summary>
    /// Stops the load, waits for every record to reach Postgres, and counts per minute from <paramref name="start"/>:
    /// reviews, errors, wrong allows, lost records and the 99th percentile latency.
    /// </summary>
    public async Task<List<SoakMinute>> AccountByMinuteAsync(DateTimeOffset start)
    {
        var answers = await StopAndDrainAsync(TimeSpan.FromSeconds(120));

        var windows = await WindowsAsync();
        var stored = await StoredDecisions.ReadIdsAsync(Database);
        return [.. answers
            .GroupBy(a => (int)((a.SentAt - start).TotalMinutes))
            .OrderBy(g => g.Key)
            .Select(g =>
            {
                var latencies = g.Where(a => a.Status == 200).Select(a => a.Latency).Order().ToList();
                return new SoakMinute(
                    g.Key + 1,
                    g.Count(a => a.Status == 200),
                    g.Count(a => a.Status != 200),
                    g.Count(a => a.Degraded),
                    g.Count(a => a.Allowed && IsWrongAllow(a, windows)),
                    g.Count(a => a.DecisionId is { } id && !stored.Contains(id)),
                    latencies.Count == 0 ? TimeSpan.Zero : latencies[(int)Math.Ceiling(latencies.Count * 0.99) - 1]);
            })];
    }

    /// <summary>Stops the load and waits until every instance has stored every record; returns every answer.</summary>
    private async Task<IReadOnlyList<ReviewAnswer>> StopAndDrainAsync(TimeSpan timeout)
    {
        await _load!.StopAsync();
        foreach (var server in Servers)
        {
            await WaitAsync(() => Task.FromResult(server.Service<DecisionStoreQueue>().Backlog == 0), timeout, "every record stored");
        }

        return _load.Answers;
    }

    public async ValueTask DisposeAsync()
    {
        if (_load is not null)
        {
            await _load.DisposeAsync();
        }

        foreach (var server in Servers)
        {
            await server.DisposeAsync();
        }

        await PostgresProxy.DisposeAsync();
        await RedisProxy.DisposeAsync();
        Redis.Dispose();
        Postgres.Dispose();
    }

    private bool IsWrongAllow(ReviewAnswer answer, Dictionary<Guid, (string Subject, DateTimeOffset ExpiresAt, DateTimeOffset? RevokedAt)> windows)
    {
        if (answer.ElevationId is not { } id || !windows.TryGetValue(id, out var window) || window.Subject != answer.User)
        {
            return true;
        }

        if (answer.SentAt > window.ExpiresAt)
        {
            return true;
        }

        var revoked = _revokedAt.TryGetValue(id, out var acknowledged) ? acknowledged : window.RevokedAt;
        return revoked is { } at && answer.SentAt > at + RevocationBound;
    }

    private async Task<Dictionary<Guid, (string Subject, DateTimeOffset ExpiresAt, DateTimeOffset? RevokedAt)>> WindowsAsync()
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT id, subject, expires_at, revoked_at FROM elevation_windows", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var windows = new Dictionary<Guid, (string, DateTimeOffset, DateTimeOffset?)>();
        while (await reader.ReadAsync())
        {
            windows[reader.GetGuid(0)] = (reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2), reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3));
        }

        return windows;
    }


    private static List<string> ReadLines(WebhookServer server)
    {
        using var stream = new FileStream(server.DecisionLogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }

        return lines;
    }

    private static string DecisionIdOf(string line) => System.Text.Json.JsonDocument.Parse(line).RootElement.GetProperty("decision_id").GetString()!;

    private static string Probe(string user) => Reviews.Resource(user, ["oidc:sre"], "get", "pods", "payments", "log", name: "api-1");

    private static ElevationWindow Window(string user, DateTimeOffset now, TimeSpan lifetime) =>
        new(Guid.CreateVersion7(), SubjectKind.User, user, "pod-debug", ["payments"], "oidc:sre", now.AddSeconds(-1), now + lifetime, null, 1);

    private static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or Xunit.Sdk.XunitException && deadline.Elapsed < timeout)
            {
                // Not answering yet.
            }

            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"waited {timeout.TotalSeconds:0} s for {what}");
            }

            await Task.Delay(50);
        }
    }
}
