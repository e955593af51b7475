using AuthzWebhook.Windows;
using static AuthzWebhook.Tests.Windows.TestWindows;

namespace AuthzWebhook.Tests.Windows;

/// <summary>
/// Whoever can write to Redis chooses a change's version too. A change that passes as narrowing must not carry that
/// version into the index, or it would outrank the real revocation from the feed and from Postgres, and a reload that
/// replays it over a snapshot saying "revoked" would bring the window back.
/// </summary>
public sealed class ForgedVersionTests
{
    private const string Alice = "oidc:alice@example.com";

    [Fact]
    public void A_narrowing_from_redis_keeps_the_version_this_replica_holds()
    {
        var index = new ActiveWindowIndex();
        var known = ForUser(Alice, version: 3);
        index.Apply(known);

        Assert.True(index.ApplyNarrowing(known with { ExpiresAt = known.ExpiresAt.AddMinutes(-5), Version = long.MaxValue - 1 }));

        Assert.Equal(3, index.Find(known.Id)!.Version);
        Assert.Equal(known.ExpiresAt.AddMinutes(-5), index.Find(known.Id)!.ExpiresAt);
    }

    [Fact]
    public void The_real_revocation_applies_after_an_unchanged_window_was_sent_with_a_huge_version()
    {
        var index = new ActiveWindowIndex();
        var known = ForUser(Alice, version: 3);
        index.Apply(known);
        index.ApplyNarrowing(known with { Version = long.MaxValue - 1 });

        // The revocation as Postgres holds it (version 4), read back by the confirm loop or a reload.
        Assert.True(index.Apply(known with { RevokedAt = Now, Version = 4 }));

        Assert.Empty(index.ForUser(Alice));
    }

    [Fact]
    public void A_revocation_wins_over_any_unrevoked_copy_and_nothing_unrevoked_replaces_it()
    {
        var index = new ActiveWindowIndex();
        var known = ForUser(Alice, version: long.MaxValue);
        index.Apply(known);

        Assert.True(index.Apply(known with { RevokedAt = Now, Version = 4 }));
        Assert.False(index.Apply(known with { Version = long.MaxValue }));
        Assert.False(index.ApplyNarrowing(known with { ExpiresAt = Now.AddMinutes(1), Version = long.MaxValue }));

        Assert.Empty(index.ForUser(Alice));
    }

    [Fact]
    public void A_forged_change_resent_during_a_reload_is_not_replayed_over_a_snapshot_that_says_revoked()
    {
        var index = new ActiveWindowIndex();
        var known = ForUser(Alice, version: 3);
        index.Apply(known);

        index.BeginReload();
        index.ApplyNarrowing(known with { Version = long.MaxValue });
        index.CompleteReload([known with { RevokedAt = Now, Version = 4 }]);

        Assert.Empty(index.ForUser(Alice));
        Assert.NotNull(index.Find(known.Id)!.RevokedAt);
    }

    [Fact]
    public void What_does_not_narrow_is_not_applied_unverified()
    {
        var index = new ActiveWindowIndex();
        var known = ForUser(Alice, version: 3);
        index.Apply(known);

        Assert.False(index.ApplyNarrowing(known with { ExpiresAt = known.ExpiresAt.AddHours(1), Version = 4 }));
        Assert.False(index.ApplyNarrowing(ForUser("oidc:mallory@example.com")));

        Assert.Equal(known, index.Find(known.Id));
        Assert.Empty(index.ForUser("oidc:mallory@example.com"));
    }
}
