using AuthzWebhook.Windows;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AuthzWebhook.Tests.Windows;

/// <summary>
/// Freshness is what lets a replica grant at all (invariant 3): it must start stale, stay fresh only for the configured
/// bound after a confirmation, and never be pulled backwards by a late, older confirmation.
/// </summary>
public sealed class WindowFreshnessTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new(TestWindows.Now);
    private readonly WindowFreshness _freshness;

    public WindowFreshnessTests() =>
        _freshness = new WindowFreshness(_time, Options.Create(new WindowOptions { StalenessBound = Bound, MaxTimeWithoutPostgres = WithoutPostgres }));

    private static readonly TimeSpan WithoutPostgres = TimeSpan.FromMinutes(5);

    [Fact]
    public void Never_confirmed_is_not_fresh()
    {
        Assert.False(_freshness.IsFresh());
        Assert.Null(_freshness.ConfirmedAt);
    }

    [Fact]
    public void Fresh_right_after_a_confirmation_and_up_to_the_bound()
    {
        _freshness.Confirm(_time.GetUtcNow());
        Assert.True(_freshness.IsFresh());

        _time.Advance(Bound);
        Assert.True(_freshness.IsFresh());
    }

    [Fact]
    public void Stale_once_the_bound_has_passed()
    {
        _freshness.Confirm(_time.GetUtcNow());

        _time.Advance(Bound + TimeSpan.FromTicks(1));

        Assert.False(_freshness.IsFresh());
    }

    [Fact]
    public void A_new_confirmation_makes_it_fresh_again()
    {
        _freshness.Confirm(_time.GetUtcNow());
        _time.Advance(Bound * 2);
        Assert.False(_freshness.IsFresh());

        _freshness.Confirm(_time.GetUtcNow());

        Assert.True(_freshness.IsFresh());
    }

    [Fact]
    public void Confirmation_never_moves_backwards()
    {
        var now = _time.GetUtcNow();
        _freshness.Confirm(now);

        _freshness.Confirm(now.AddMinutes(-5));

        Assert.Equal(now, _freshness.ConfirmedAt);
        _time.Advance(Bound);
        Assert.True(_freshness.IsFresh());
    }

    [Fact]
    public void Old_confirmation_arriving_first_does_not_count_as_fresh()
    {
        // A reconcile that read Postgres long ago proves nothing about now.
        _freshness.Confirm(_time.GetUtcNow() - Bound - TimeSpan.FromSeconds(1));

        Assert.False(_freshness.IsFresh());
    }

    [Fact]
    public void Explicit_instant_is_judged_like_the_clock()
    {
        var confirmed = _time.GetUtcNow();
        _freshness.Confirm(confirmed);

        Assert.True(_freshness.IsFresh(confirmed + Bound));
        Assert.False(_freshness.IsFresh(confirmed + Bound + TimeSpan.FromTicks(1)));
    }

    [Fact]
    public void Confirmation_in_another_offset_is_compared_in_utc()
    {
        var local = new DateTimeOffset(2026, 11, 27, 16, 0, 0, TimeSpan.FromHours(2)); // 14:00 UTC

        _freshness.Confirm(local);

        Assert.Equal(TestWindows.Now, _freshness.ConfirmedAt);
        Assert.True(_freshness.IsFresh());
    }

    [Fact]
    public void Feed_heartbeats_alone_never_make_a_replica_fresh()
    {
        _freshness.ConfirmFromFeed(_time.GetUtcNow());

        Assert.False(_freshness.IsFresh());
    }

    [Fact]
    public void Feed_heartbeats_keep_it_fresh_only_until_the_last_Postgres_reload_is_too_old()
    {
        _freshness.Confirm(_time.GetUtcNow());

        _time.Advance(WithoutPostgres - TimeSpan.FromSeconds(1));
        _freshness.ConfirmFromFeed(_time.GetUtcNow());
        Assert.True(_freshness.IsFresh());

        _time.Advance(TimeSpan.FromSeconds(2));
        _freshness.ConfirmFromFeed(_time.GetUtcNow());
        Assert.False(_freshness.IsFresh());

        _freshness.Confirm(_time.GetUtcNow());
        Assert.True(_freshness.IsFresh());
    }

    [Fact]
    public void Feed_heartbeats_older_than_the_bound_do_not_count()
    {
        _freshness.Confirm(_time.GetUtcNow());
        _freshness.ConfirmFromFeed(_time.GetUtcNow());

        _time.Advance(Bound + TimeSpan.FromSeconds(1));

        Assert.False(_freshness.IsFresh());
    }
}
