using AuthzWebhook.Windows;
using static AuthzWebhook.Tests.Windows.TestWindows;

namespace AuthzWebhook.Tests.Windows;

/// <summary>
/// Changes reach a replica from the change feed and from Postgres, in any order and more than once. The index must end
/// up with the newest version of each window, and a revocation must stick however late an older copy arrives.
/// </summary>
public sealed class ActiveWindowIndexTests
{
    private readonly ActiveWindowIndex _index = new();

    [Fact]
    public void User_window_is_found_by_its_user_only()
    {
        var window = ForUser("oidc:alice@example.com");

        Assert.True(_index.Apply(window));

        Assert.Equal([window], _index.ForUser("oidc:alice@example.com"));
        Assert.Empty(_index.ForUser("oidc:bob@example.com"));
        Assert.Empty(_index.ForGroup("oidc:alice@example.com"));
        Assert.Same(window, _index.Find(window.Id));
        Assert.Equal(1, _index.Count);
    }

    [Fact]
    public void Group_window_is_found_by_its_group_only()
    {
        var window = ForGroup("oidc:sre");

        _index.Apply(window);

        Assert.Equal([window], _index.ForGroup("oidc:sre"));
        Assert.Empty(_index.ForUser("oidc:sre"));
        Assert.Empty(_index.ForGroup("oidc:developers"));
    }

    [Fact]
    public void Lookups_are_case_sensitive_like_Kubernetes_names()
    {
        _index.Apply(ForUser("oidc:alice@example.com"));

        Assert.Empty(_index.ForUser("oidc:Alice@example.com"));
    }

    [Fact]
    public void Several_windows_of_one_user_are_all_found()
    {
        var first = ForUser("alice");
        var second = ForUser("alice", template: "read-logs");

        _index.Apply(first);
        _index.Apply(second);

        Assert.Equal(2, _index.ForUser("alice").Length);
        Assert.Contains(first, _index.ForUser("alice"));
        Assert.Contains(second, _index.ForUser("alice"));
        Assert.Equal(2, _index.Count);
    }

    [Fact]
    public void Newer_version_replaces_the_older_one()
    {
        var v1 = ForUser("alice", version: 1);
        var v2 = v1 with { ExpiresAt = v1.ExpiresAt.AddMinutes(30), Version = 2 };

        _index.Apply(v1);
        Assert.True(_index.Apply(v2));

        Assert.Equal([v2], _index.ForUser("alice"));
        Assert.Same(v2, _index.Find(v1.Id));
        Assert.Equal(1, _index.Count);
    }

    [Fact]
    public void Older_or_same_version_is_ignored()
    {
        var v1 = ForUser("alice", version: 1);
        var v2 = v1 with { ExpiresAt = v1.ExpiresAt.AddMinutes(30), Version = 2 };
        _index.Apply(v2);

        Assert.False(_index.Apply(v1));
        Assert.False(_index.Apply(v2 with { ExpiresAt = v1.ExpiresAt.AddHours(5) }));

        Assert.Equal([v2], _index.ForUser("alice"));
    }

    [Fact]
    public void Revoked_window_disappears_from_lookups()
    {
        var window = ForUser("alice");
        _index.Apply(window);

        Assert.True(_index.Apply(Revoked(window)));

        Assert.Empty(_index.ForUser("alice"));
        Assert.Equal(0, _index.Count);
    }

    [Fact]
    public void Later_arriving_older_upsert_does_not_resurrect_a_revoked_window()
    {
        var v1 = ForUser("alice");
        _index.Apply(v1);
        _index.Apply(Revoked(v1));

        Assert.False(_index.Apply(v1));

        Assert.Empty(_index.ForUser("alice"));
    }

    [Fact]
    public void Revocation_seen_before_the_window_itself_still_wins()
    {
        // The feed can deliver the revocation before a reconcile delivers the original row.
        var v1 = ForUser("alice");
        _index.Apply(Revoked(v1));

        Assert.False(_index.Apply(v1));

        Assert.Empty(_index.ForUser("alice"));
    }

    [Fact]
    public void Revoking_one_window_keeps_the_others_of_that_user()
    {
        var kept = ForUser("alice");
        var revoked = ForUser("alice", template: "read-logs");
        _index.Apply(kept);
        _index.Apply(revoked);

        _index.Apply(Revoked(revoked));

        Assert.Equal([kept], _index.ForUser("alice"));
        Assert.Equal(1, _index.Count);
    }

    [Fact]
    public void Changes_during_a_reload_are_replayed_over_the_snapshot()
    {
        var window = ForUser("alice");
        _index.Apply(window);

        _index.BeginReload();
        var snapshot = new[] { window }; // read from Postgres before the revocation below was written
        var added = ForGroup("oidc:sre");
        _index.Apply(Revoked(window));
        _index.Apply(added);
        _index.CompleteReload(snapshot);

        Assert.Empty(_index.ForUser("alice"));
        Assert.Equal([added], _index.ForGroup("oidc:sre"));
    }

    [Fact]
    public void Reload_snapshot_replaces_what_the_index_held_before()
    {
        var gone = ForUser("alice");
        var kept = ForUser("bob");
        _index.Apply(gone);

        _index.BeginReload();
        _index.CompleteReload([kept]);

        Assert.Empty(_index.ForUser("alice"));
        Assert.Equal([kept], _index.ForUser("bob"));
    }

    [Fact]
    public void Reload_snapshot_keeps_revocations_as_tombstones()
    {
        var v1 = ForUser("alice");

        _index.BeginReload();
        _index.CompleteReload([Revoked(v1)]);

        Assert.False(_index.Apply(v1));
        Assert.Empty(_index.ForUser("alice"));
    }

    [Fact]
    public void Changes_during_a_reload_take_effect_at_once_even_if_the_reload_is_aborted()
    {
        // A revocation must not wait for a slow reconcile to finish (or fail) before it bites.
        var window = ForUser("alice");
        _index.Apply(window);

        _index.BeginReload();
        _index.Apply(Revoked(window));
        Assert.Empty(_index.ForUser("alice"));

        _index.AbortReload();
        Assert.Empty(_index.ForUser("alice"));
        Assert.False(_index.Apply(window));
    }

    [Fact]
    public void Prune_removes_expired_windows_and_keeps_live_ones()
    {
        var expired = ForUser("alice", expiresAt: Now);
        var live = ForUser("alice", template: "read-logs", expiresAt: Now.AddTicks(1));
        var expiredGroup = ForGroup("oidc:sre", expiresAt: Now.AddMinutes(-1));
        _index.Apply(expired);
        _index.Apply(live);
        _index.Apply(expiredGroup);

        var dropped = _index.Prune(Now);

        Assert.Equal(2, dropped);
        Assert.Equal([live], _index.ForUser("alice"));
        Assert.Empty(_index.ForGroup("oidc:sre"));
        Assert.Null(_index.Find(expired.Id));
        Assert.Equal(1, _index.Count);
    }

    [Fact]
    public void Prune_drops_expired_tombstones_too()
    {
        var v1 = ForUser("alice", expiresAt: Now.AddMinutes(1));
        _index.Apply(Revoked(v1));

        Assert.Equal(0, _index.Prune(Now));
        Assert.NotNull(_index.Find(v1.Id));
        Assert.Equal(1, _index.Prune(Now.AddMinutes(1)));
        Assert.Null(_index.Find(v1.Id));
    }
}
