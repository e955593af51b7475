using AuthzWebhook.Windows;
using Microsoft.Extensions.DependencyInjection;

namespace AuthzWebhook.IntegrationTests.Infrastructure;

/// <summary>
/// Base of every integration test: its own database and Redis key prefix on the shared servers, real TLS, and
/// service instances that are disposed with the test.
/// </summary>
[Collection(SharedServersDefinition.Name)]
public abstract class IntegrationTest(TestServers servers) : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _disposables = [];
    private TestIdentityProvider? _idp;

    protected TestServers Servers { get; } = servers;

    protected TestPki Pki { get; } = new();

    protected string Database { get; private set; } = string.Empty;

    protected string RedisPrefix { get; } = "t" + Guid.NewGuid().ToString("N")[..12] + ":";

    /// <summary>This test's identity provider (WireMock discovery + JWKS), started on first use; every instance trusts it.</summary>
    protected TestIdentityProvider Idp => _idp ??= new TestIdentityProvider();

    public virtual Task InitializeAsync()
    {
        Database = Servers.CreateDatabase();
        return Task.CompletedTask;
    }

    public virtual async Task DisposeAsync()
    {
        for (var i = _disposables.Count - 1; i >= 0; i--)
        {
            await _disposables[i].DisposeAsync();
        }

        Pki.Dispose();
        _idp?.Dispose();
    }

    /// <summary>
    /// Starts a service instance on this test's database and key prefix (or the given ones); <paramref name="configureServices"/>
    /// runs after the service's own registrations.
    /// </summary>
    protected async Task<WebhookServer> StartServerAsync(
        string? policy = null,
        TimeProvider? timeProvider = null,
        string? postgres = null,
        string? redis = null,
        IDictionary<string, string?>? overrides = null,
        string environment = "Test",
        Action<IServiceCollection>? configureServices = null)
    {
        var settings = new Dictionary<string, string?>(Idp.Settings);
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var server = new WebhookServer(Pki, postgres ?? Database, redis ?? Servers.RedisConfiguration, RedisPrefix, policy ?? TestPolicies.Standard, timeProvider, settings, environment, configureServices);
        _disposables.Add(server);
        await server.StartAsync();
        return server;
    }

    protected T Track<T>(T disposable)
        where T : IAsyncDisposable
    {
        _disposables.Add(disposable);
        return disposable;
    }

    private protected static ElevationWindow UserWindow(
        string user,
        string template,
        string[] namespaces,
        DateTimeOffset startsAt,
        TimeSpan duration,
        string eligibilityGroup = "oidc:sre") =>
        new(Guid.CreateVersion7(), SubjectKind.User, user, template, namespaces, eligibilityGroup, startsAt, startsAt + duration, null, 1);

    private protected static ElevationWindow GroupWindow(
        string group,
        string template,
        string[] namespaces,
        DateTimeOffset startsAt,
        TimeSpan duration,
        string eligibilityGroup) =>
        new(Guid.CreateVersion7(), SubjectKind.Group, group, template, namespaces, eligibilityGroup, startsAt, startsAt + duration, null, 1);

    /// <summary>Polls until <paramref name="condition"/> holds; returns how long it took.</summary>
    protected static async Task<TimeSpan> EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            if (started.Elapsed > timeout)
            {
                Assert.Fail($"{what} did not happen within {timeout.TotalSeconds:0.#}s");
            }

            await Task.Delay(10);
        }

        return started.Elapsed;
    }
}
