using AuthzWebhook.Observability;
using AuthzWebhook.Tests.Windows;
using AuthzWebhook.Windows;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AuthzWebhook.Tests.Observability;

/// <summary>Time spent degraded, as the metric reports it: from the moment the last proof went stale to the proof that ended it.</summary>
public sealed class DegradedTimeTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new(TestWindows.Now);
    private readonly WindowFreshness _freshness;
    private readonly DegradedTime _degraded;

    public DegradedTimeTests()
    {
        var options = Options.Create(new WindowOptions { StalenessBound = Bound, MaxTimeWithoutPostgres = TimeSpan.FromMinutes(5) });
        _freshness = new WindowFreshness(_time, options);
        _degraded = new DegradedTime(_freshness, _time, options);
    }

    [Fact]
    public void A_fresh_replica_accumulates_nothing()
    {
        _freshness.Confirm(_time.GetUtcNow());
        Assert.Equal(0, _degraded.Seconds());

        for (var i = 0; i < 5; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(10));
            _freshness.Confirm(_time.GetUtcNow());
            Assert.Equal(0, _degraded.Seconds());
        }

        Assert.False(_degraded.IsDegraded);
    }

    [Fact]
    public void A_degraded_spell_counts_from_when_the_proof_went_stale_to_the_proof_that_ended_it()
    {
        _freshness.Confirm(_time.GetUtcNow());
        Assert.Equal(0, _degraded.Seconds());

        // Stale from 30 s on; read at 45 s: 15 s so far.
        _time.Advance(TimeSpan.FromSeconds(45));
        Assert.True(_degraded.IsDegraded);
        Assert.Equal(15, _degraded.Seconds(), precision: 6);

        // Confirmed again at 50 s, read at 60 s: 5 s more, not 15.
        _time.Advance(TimeSpan.FromSeconds(5));
        _freshness.Confirm(_time.GetUtcNow());
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.False(_degraded.IsDegraded);
        Assert.Equal(20, _degraded.Seconds(), precision: 6);

        // And it stays there while fresh.
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(20, _degraded.Seconds(), precision: 6);
    }

    [Fact]
    public void Every_read_of_a_long_spell_adds_only_the_time_since_the_last_read()
    {
        _freshness.Confirm(_time.GetUtcNow());
        Assert.Equal(0, _degraded.Seconds());

        _time.Advance(TimeSpan.FromSeconds(40));
        Assert.Equal(10, _degraded.Seconds(), precision: 6);
        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(70, _degraded.Seconds(), precision: 6);
        Assert.Equal(70, _degraded.Seconds(), precision: 6);
    }
}
