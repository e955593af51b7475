using AuthzWebhook.Benchmarks.Engine;
using AuthzWebhook.Decisions;
using AuthzWebhook.DecisionStore;
using AuthzWebhook.Hosting;
using AuthzWebhook.IntegrationTests.Infrastructure;
using AuthzWebhook.Windows;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace AuthzWebhook.Benchmarks.Load;

/// <summary>
/// The service as it runs in production, composed by its own <c>AddAuthzWebhook</c>/<c>MapAuthzWebhook</c>: its
/// listeners, a throwaway Postgres and Redis, the 100-template benchmark policy, decision records written to a file
/// (and stored in Postgres unless that is turned off), and windows created through <see cref="WindowWriter"/> so that the measured reviews are real allows.
/// </summary>
internal sealed class RealEndpoint : IAsyncDisposable
{
    private readonly LocalPostgres _postgres;
    private readonly LocalRedis _redis;
    private readonly string _workDirectory;
    private readonly WebApplication _app;

    private RealEndpoint(LocalPostgres postgres, LocalRedis redis, string workDirectory, WebApplication app, int port, bool decisionStore)
    {
        DecisionStore = decisionStore;
        _postgres = postgres;
        _redis = redis;
        _workDirectory = workDirectory;
        _app = app;
        Uri = new Uri($"https://127.0.0.1:{port}/authorize?timeout=10s");
    }

    public Uri Uri { get; }

    /// <summary>Whether this instance stores its decision records in Postgres.</summary>
    public bool DecisionStore { get; }

    /// <summary>Records not yet in Postgres (memory and spool); null when the store is off.</summary>
    public long? StoreBacklog => DecisionStore ? _app.Services.GetRequiredService<DecisionStoreQueue>().Backlog : null;

    /// <summary>Lines in the decision log file and their mean length in bytes (newline included).</summary>
    public (long Lines, double MeanBytes) DecisionLogShape()
    {
        var path = Path.Combine(_workDirectory, "bench-decisions.jsonl");
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var lines = 0L;
        var buffer = new byte[1 << 16];
        int read;
        while ((read = file.Read(buffer)) > 0)
        {
            lines += buffer.AsSpan(0, read).Count((byte)'\n');
        }

        return (lines, lines == 0 ? 0 : (double)file.Length / lines);
    }

    /// <summary>Records the service's record buffer has dropped so far: a writer that falls behind changes what is measured.</summary>
    public long RecordsDropped => _app.Services.GetRequiredService<DecisionRecordBuffer>().Dropped;

    public static async Task<RealEndpoint> StartAsync(TestPki pki, bool decisionStore, bool databaseIdle, CancellationToken cancellationToken)
    {
        var postgres = new LocalPostgres();
        if (databaseIdle)
        {
            postgres.YieldCpu();
        }

        LocalRedis? redis = null;
        var workDirectory = Directory.CreateTempSubdirectory("authz-bench-").FullName;
        WebApplication? app = null;
        try
        {
            redis = new LocalRedis();
            var port = FreePort.Next();
            app = await StartAppAsync(pki, CreateDatabase(postgres.AdminConnectionString, "authz_bench"), redis.Configuration, workDirectory, port, "bench", BenchmarkPolicy.Yaml(), cancellationToken, decisionStore);
            return new RealEndpoint(postgres, redis, workDirectory, app, port, decisionStore);
        }
        catch
        {
            // Never leave a Postgres or Redis process behind when start-up fails.
            if (app is not null)
            {
                await app.DisposeAsync();
            }

            redis?.Dispose();
            postgres.Dispose();
            Directory.Delete(workDirectory, recursive: true);
            throw;
        }
    }

    /// <summary>One instance of the service with production settings on the given database and Redis, started and loaded.</summary>
    internal static async Task<WebApplication> StartAppAsync(
        TestPki pki, string postgresConnection, string redisConfiguration, string workDirectory, int port, string instanceName, string policyYaml, CancellationToken cancellationToken,
        bool decisionStore = true)
    {
        var policyPath = Path.Combine(workDirectory, instanceName + "-policy.yaml");
        await File.WriteAllTextAsync(policyPath, policyYaml, cancellationToken);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, EnvironmentName = Environments.Production });
        builder.Configuration.AddInMemoryCollection(ListenerSettings.For(pki, port));
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AuthzWebhook:InstanceName"] = instanceName,
            ["AuthzWebhook:Policy:Path"] = policyPath,
            ["AuthzWebhook:Postgres:ConnectionString"] = postgresConnection,
            ["AuthzWebhook:Redis:Configuration"] = redisConfiguration,
            ["AuthzWebhook:Redis:KeyPrefix"] = "bench:",
            ["AuthzWebhook:DecisionLog:Output"] = Path.Combine(workDirectory, instanceName + "-decisions.jsonl"),
            ["AuthzWebhook:DecisionStore:Enabled"] = decisionStore ? "true" : "false",
            // Each instance its own spool, in the work directory: never the production path, never shared.
            ["AuthzWebhook:DecisionStore:SpoolPath"] = Path.Combine(workDirectory, instanceName + "-decisions.spool"),
        });
        builder.AddAuthzWebhook();
        var app = builder.Build();
        app.MapAuthzWebhook();
        await app.StartAsync(cancellationToken);

        var synchronizer = app.Services.GetRequiredService<WindowSynchronizer>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!synchronizer.IsLoaded)
        {
            if (DateTime.UtcNow > deadline)
            {
                await app.DisposeAsync();
                throw new TimeoutException("the service's window index did not load within 30 s");
            }

            await Task.Delay(20, cancellationToken);
        }

        return app;
    }

    /// <summary>Creates <paramref name="count"/> windows shaped like the engine benchmark's, through Postgres and Redis.</summary>
    public async Task CreateWindowsAsync(int count, CancellationToken cancellationToken)
    {
        var writer = _app.Services.GetRequiredService<WindowWriter>();
        var now = _app.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        var users = BenchmarkWindows.UserCount(count);
        var groupWindows = BenchmarkWindows.GroupWindowCount(count);
        var windows = Enumerable.Range(0, count - groupWindows).Select(j => BenchmarkWindows.Window(j, SubjectKind.User, BenchmarkWindows.User(j % users), now))
            .Concat(Enumerable.Range(0, groupWindows).Select(j => BenchmarkWindows.Window(j, SubjectKind.Group, BenchmarkWindows.Squad(j / 2), now)));
        await Parallel.ForEachAsync(
            windows,
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (window, ct) => await writer.CreateAsync(window, ct));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        finally
        {
            _redis.Dispose();
            _postgres.Dispose();
            Directory.Delete(_workDirectory, recursive: true);
        }
    }

    /// <summary>Creates <paramref name="name"/> (a constant, never input) and returns a connection string for it.</summary>
    internal static string CreateDatabase(string adminConnectionString, string name)
    {
        using (var connection = new NpgsqlConnection(adminConnectionString))
        {
            connection.Open();
            using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            command.ExecuteNonQuery();
        }

        return new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name, Pooling = true }.ConnectionString;
    }
}
