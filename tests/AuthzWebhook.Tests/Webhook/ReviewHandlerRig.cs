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

/// <summary>
/// A <see cref="ReviewHandler"/> wired as the service wires it: the development policy, a fake clock, windows confirmed
/// fresh at <c>TestWindows.Now</c>, both stores reachable and a record buffer of 1024 records.
/// </summary>
internal sealed class ReviewHandlerRig : IAsyncDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    private ReviewHandlerRig(string instance)
    {
        var policyOptions = Options.Create(new PolicyOptions { Path = Path.Combine(AppContext.BaseDirectory, "policy", "development.yaml") });
        Policy = new PolicyProvider(policyOptions, new TestEnvironment(), Time, NullLogger<PolicyProvider>.Instance);
        var windowOptions = Options.Create(new WindowOptions());
        var freshness = new WindowFreshness(Time, windowOptions);
        freshness.Confirm(Now);
        var metrics = new AuthzMetrics(_services.GetRequiredService<IMeterFactory>());
        Records = new DecisionRecordBuffer(Options.Create(new DecisionLogOptions { Capacity = 1024 }), metrics);
        Health = new ReplicaHealth(freshness, Time, windowOptions, metrics, NullLogger<ReplicaHealth>.Instance);
        Handler = new ReviewHandler(new DecisionEngine(Windows, freshness), Policy, Health, Records, metrics, Time, Options.Create(new InstanceOptions { InstanceName = instance }), windowOptions);
    }

    public FakeTimeProvider Time { get; } = new(Now);

    public ActiveWindowIndex Windows { get; } = new();

    public PolicyProvider Policy { get; }

    public DecisionRecordBuffer Records { get; }

    public ReplicaHealth Health { get; }

    public ReviewHandler Handler { get; }

    public static async Task<ReviewHandlerRig> StartAsync(string instance)
    {
        var rig = new ReviewHandlerRig(instance);
        await rig.Policy.StartAsync(CancellationToken.None);
        return rig;
    }

    public async ValueTask DisposeAsync()
    {
        await Policy.StopAsync(CancellationToken.None);
        Policy.Dispose();
        await _services.DisposeAsync();
    }

    private sealed class TestEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Test";

        public string ApplicationName { get; set; } = "AuthzWebhook.Tests";

        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
