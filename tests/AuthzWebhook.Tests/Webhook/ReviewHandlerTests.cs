using System.Diagnostics;
using System.Diagnostics.Metrics;
using AuthzWebhook.Decisions;
using AuthzWebhook.Hosting;
using AuthzWebhook.Observability;
using AuthzWebhook.Policy;
using AuthzWebhook.Webhook;
using AuthzWebhook.Windows;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static AuthzWebhook.Tests.Windows.TestWindows;

namespace AuthzWebhook.Tests.Webhook;

/// <summary>An allow is only ever given with its decision record (invariant 5): when the record cannot be kept, no allow.</summary>
public sealed class ReviewHandlerTests : IAsyncLifetime, IDisposable
{
    private readonly FakeTimeProvider _time = new(Now);
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly ActiveWindowIndex _windows = new();
    private PolicyProvider _policy = null!;
    private DecisionLog _log = null!;
    private ReviewHandler _handler = null!;
    private ReplicaHealth _health = null!;

    private static readonly ReviewRequest AliceReadsLogs = AliceReadsLogsIn("payments");

    private static ReviewRequest AliceReadsLogsIn(string ns) => new()
    {
        User = "oidc:alice@example.com",
        Groups = ["oidc:sre"],
        IsResourceRequest = true,
        Verb = "get",
        Resource = "pods",
        Subresource = "log",
        Namespace = ns,
        Name = "api-1",
    };

    public async Task InitializeAsync()
    {
        var policyOptions = Options.Create(new PolicyOptions { Path = Path.Combine(AppContext.BaseDirectory, "policy", "development.yaml") });
        _policy = new PolicyProvider(policyOptions, new TestEnvironment(), _time, NullLogger<PolicyProvider>.Instance);
        await _policy.StartAsync(CancellationToken.None);
        var windowOptions = Options.Create(new WindowOptions());
        var freshness = new WindowFreshness(_time, windowOptions);
        freshness.Confirm(Now);
        var metrics = new AuthzMetrics(_services.GetRequiredService<IMeterFactory>());
        _log = new DecisionLog(Options.Create(new DecisionLogOptions { Capacity = 1024 }), metrics);
        _health = new ReplicaHealth(freshness, _time, windowOptions, metrics, NullLogger<ReplicaHealth>.Instance);
        _handler = new ReviewHandler(new DecisionEngine(_windows, freshness), _policy, _health, _log, metrics, _time, Options.Create(new InstanceOptions { InstanceName = "unit" }), windowOptions);
        _windows.Apply(ForUser("oidc:alice@example.com"));
    }

    public Task DisposeAsync() => _policy.StopAsync(CancellationToken.None);

    public void Dispose()
    {
        _policy.Dispose();
        _services.Dispose();
    }

    [Fact]
    public void An_allow_is_given_with_its_record()
    {
        var answer = _handler.Handle(AliceReadsLogs, _time.GetTimestamp());

        Assert.True(answer.Allowed, answer.Reason);
        Assert.True(_log.Reader.TryRead(out var record));
        Assert.Equal(answer.DecisionId, record.DecisionId);
        Assert.Equal("allow", record.Decision);
    }

    [Theory]
    [InlineData("redis", "Redis unreachable")]
    [InlineData("postgres", "Postgres unreachable")]
    public void With_a_store_unreachable_but_windows_fresh_it_grants_from_memory_and_says_degraded(string lost, string said)
    {
        var store = lost == "redis" ? UnreachableStores.Redis : UnreachableStores.Postgres;
        _health.Report(store, reachable: false);

        var answer = _handler.Handle(AliceReadsLogs, _time.GetTimestamp());

        Assert.True(answer.Allowed, answer.Reason);
        Assert.Contains(said, answer.EvaluationError, StringComparison.Ordinal);
        Assert.True(_log.Reader.TryRead(out var record));
        Assert.True(record.Degraded);
        Assert.Equal(answer.EvaluationError, record.EvaluationError);

        _health.Report(store, reachable: true);
        var recovered = _handler.Handle(AliceReadsLogs, _time.GetTimestamp());
        Assert.Null(recovered.EvaluationError);
        Assert.True(_log.Reader.TryRead(out var after));
        Assert.False(after.Degraded);
    }

    [Fact]
    public void Past_the_staleness_bound_it_never_grants_even_a_window_it_holds()
    {
        _health.Report(UnreachableStores.Postgres | UnreachableStores.Redis, reachable: false);
        _time.Advance(new WindowOptions().StalenessBound + TimeSpan.FromTicks(1));

        var answer = _handler.Handle(AliceReadsLogs, _time.GetTimestamp());

        Assert.False(answer.Allowed);
        Assert.False(answer.Denied);
        Assert.Contains("not confirmed fresh", answer.EvaluationError, StringComparison.Ordinal);
        Assert.True(_log.Reader.TryRead(out var record));
        Assert.True(record.Degraded);
    }

    [Fact]
    public void With_the_record_buffer_full_an_allow_is_withheld()
    {
        while (_log.Backlog < 1024)
        {
            _handler.Handle(AliceReadsLogsIn("elsewhere"), _time.GetTimestamp());
        }

        var answer = _handler.Handle(AliceReadsLogs, _time.GetTimestamp());

        Assert.False(answer.Allowed);
        Assert.False(answer.Denied);
        Assert.StartsWith($"decision {answer.DecisionId}", answer.Reason, StringComparison.Ordinal);
        Assert.NotNull(answer.EvaluationError);
        Assert.Equal(1, _log.Dropped);
    }

    [Theory]
    [InlineData(ActivityTraceFlags.Recorded, true)]
    [InlineData(ActivityTraceFlags.None, false)]
    public void The_record_names_the_trace_only_when_it_is_recorded(ActivityTraceFlags flags, bool named)
    {
        var traceId = ActivityTraceId.CreateRandom();
        using var activity = new Activity("review").SetParentId(traceId, ActivitySpanId.CreateRandom(), flags).Start();

        _handler.Handle(AliceReadsLogs, _time.GetTimestamp());

        Assert.True(_log.Reader.TryRead(out var record));
        Assert.Equal(named ? traceId.ToHexString() : null, record.TraceId);
    }

    private sealed class TestEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Test";

        public string ApplicationName { get; set; } = "AuthzWebhook.Tests";

        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
