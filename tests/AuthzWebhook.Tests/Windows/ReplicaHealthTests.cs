using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using AuthzWebhook.Observability;
using AuthzWebhook.Windows;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AuthzWebhook.Tests.Windows;

/// <summary>
/// Degraded mode is visible: entry, the switch to no opinion and back, and exit are each logged once, and the time
/// spent degraded adds up across episodes.
/// </summary>
public sealed class ReplicaHealthTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new(TestWindows.Now);
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly WindowFreshness _freshness;
    private readonly ReplicaHealth _health;
    private readonly RecordingLogger<ReplicaHealth> _log = new();

    public ReplicaHealthTests()
    {
        var options = Options.Create(new WindowOptions { StalenessBound = Bound });
        _freshness = new WindowFreshness(_time, options);
        _health = new ReplicaHealth(_freshness, _time, options, new AuthzMetrics(_services.GetRequiredService<IMeterFactory>()), _log);
    }

    public void Dispose() => _services.Dispose();

    [Fact]
    public void It_starts_degraded_and_leaves_once_the_windows_are_confirmed_fresh()
    {
        Assert.True(_health.IsDegraded);
        _time.Advance(TimeSpan.FromSeconds(2));

        _freshness.Confirm(_time.GetUtcNow());
        _health.Evaluate();

        Assert.False(_health.IsDegraded);
        Assert.Equal(TimeSpan.FromSeconds(2), _health.DegradedTime);
        Assert.Equal(["Granting: elevation windows confirmed fresh", "Degraded mode left after 2.0 s: both stores answer and the window index is confirmed fresh"], _log.Messages);
    }

    [Fact]
    public void A_store_that_does_not_answer_makes_it_degraded_while_it_still_grants_then_granting_stops_at_the_bound()
    {
        Fresh();

        _health.Report(UnreachableStores.Redis, reachable: false);
        _health.Report(UnreachableStores.Redis, reachable: false);
        Assert.True(_health.IsDegraded);
        Assert.Equal(UnreachableStores.Redis, _health.Unreachable);
        var entered = Assert.Single(_log.Messages);
        Assert.StartsWith("Degraded mode entered: Redis unreachable; granting from memory until 2026-", entered, StringComparison.Ordinal);

        _health.Report(UnreachableStores.Postgres, reachable: false);
        _time.Advance(Bound + TimeSpan.FromSeconds(1));
        _health.Evaluate();
        _health.Evaluate();

        Assert.Equal(2, _log.Messages.Count);
        Assert.StartsWith("Granting stopped: elevation windows not confirmed fresh since ", _log.Messages[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Time_spent_degraded_adds_up_over_episodes_and_counts_the_current_one()
    {
        Fresh();

        _health.Report(UnreachableStores.Postgres, reachable: false);
        _time.Advance(TimeSpan.FromSeconds(5));
        _health.Report(UnreachableStores.Postgres, reachable: true);
        _time.Advance(TimeSpan.FromSeconds(60));
        _freshness.Confirm(_time.GetUtcNow());
        _health.Report(UnreachableStores.Redis, reachable: false);
        _time.Advance(TimeSpan.FromSeconds(3));

        Assert.Equal(TimeSpan.FromSeconds(8), _health.DegradedTime);
        Assert.True(_health.IsDegraded);
        Assert.Contains("Degraded mode left after 5.0 s: both stores answer and the window index is confirmed fresh", _log.Messages);
    }

    [Fact]
    public void The_metrics_show_the_mode_the_time_and_which_store_is_unreachable()
    {
        Fresh();
        _health.Report(UnreachableStores.Postgres, reachable: false);
        _time.Advance(TimeSpan.FromSeconds(4));
        var seen = new ConcurrentDictionary<string, double>();
        using var listener = new MeterListener();
        var meters = _services.GetRequiredService<IMeterFactory>();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == meters)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) =>
            seen[instrument.Name + (tags.Length > 0 ? "/" + tags[0].Value : "")] = value);
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => seen[instrument.Name] = value);
        listener.Start();

        listener.RecordObservableInstruments();

        Assert.Equal(1, seen["authz.degraded"]);
        Assert.Equal(4, seen["authz.degraded.time"]);
        Assert.Equal(0, seen["authz.store.up/postgres"]);
        Assert.Equal(1, seen["authz.store.up/redis"]);
    }

    private void Fresh()
    {
        _freshness.Confirm(_time.GetUtcNow());
        _health.Evaluate();
        _log.Messages.Clear();
    }
}
