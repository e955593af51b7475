using AuthzWebhook.Windows;

namespace AuthzWebhook.Tests.Windows;

/// <summary>
/// Which changes from Redis may apply without asking Postgres: only those that take access away. Whoever can write to
/// Redis writes every field of a change, so each field that could widen access has a case here.
/// </summary>
public sealed class WindowNarrowingTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 27, 14, 0, 0, TimeSpan.Zero);

    private static readonly ElevationWindow Known = new(
        Guid.CreateVersion7(), SubjectKind.User, "oidc:alice@example.com", "pod-debug", ["payments", "billing"], "oidc:sre", Start, Start.AddHours(1), null, 3);

    private static readonly ElevationWindow KnownClusterWide = Known with { Template = "break-glass-admin", Namespaces = [] };

    private static readonly Dictionary<string, (ElevationWindow Window, bool AppliesUnverified)> ChangeTable = new()
    {
        ["revocation"] = (Known with { RevokedAt = Start.AddMinutes(5), Version = 4 }, true),
        ["earlier expiry"] = (Known with { ExpiresAt = Start.AddMinutes(30), Version = 4 }, true),
        ["fewer namespaces"] = (Known with { Namespaces = ["payments"], Version = 4 }, true),
        ["the same namespaces in another order"] = (Known with { Namespaces = ["billing", "payments"], Version = 4 }, true),
        ["a namespace repeated"] = (Known with { Namespaces = ["payments", "payments"], Version = 4 }, true),
        ["later start"] = (Known with { StartsAt = Start.AddMinutes(10), Version = 4 }, true),
        ["later expiry"] = (Known with { ExpiresAt = Start.AddHours(2), Version = 4 }, false),
        ["earlier start"] = (Known with { StartsAt = Start.AddMinutes(-10), Version = 4 }, false),
        ["another namespace"] = (Known with { Namespaces = ["payments", "kube-system"], Version = 4 }, false),

        // An empty list is what a cluster-scoped window holds: once the template turns cluster-scoped it covers every namespace.
        ["no namespaces"] = (Known with { Namespaces = [], Version = 4 }, false),
        ["a namespace in other case"] = (Known with { Namespaces = ["Payments"], Version = 4 }, false),
        ["a wildcard namespace"] = (Known with { Namespaces = ["*"], Version = 4 }, false),
        ["a namespace prefix pattern"] = (Known with { Namespaces = ["pay*"], Version = 4 }, false),
        ["a namespace with surrounding space"] = (Known with { Namespaces = [" payments"], Version = 4 }, false),
        ["another template"] = (Known with { Template = "break-glass-admin", Version = 4 }, false),
        ["the template in other case"] = (Known with { Template = "Pod-Debug", Version = 4 }, false),
        ["another subject"] = (Known with { Subject = "oidc:mallory@example.com", Version = 4 }, false),
        ["the subject in other case"] = (Known with { Subject = "oidc:Alice@example.com", Version = 4 }, false),
        ["subject turned into a group"] = (Known with { SubjectKind = SubjectKind.Group, Version = 4 }, false),
        ["another eligibility group"] = (Known with { EligibilityGroup = "system:authenticated", Version = 4 }, false),
        ["same version"] = (Known with { ExpiresAt = Start.AddMinutes(30) }, false),
        ["older version"] = (Known with { ExpiresAt = Start.AddMinutes(30), Version = 2 }, false),
    };

    private static readonly Dictionary<string, (ElevationWindow Window, bool AppliesUnverified)> ClusterWideChangeTable = new()
    {
        ["earlier expiry"] = (KnownClusterWide with { ExpiresAt = Start.AddMinutes(30), Version = 4 }, true),
        ["revocation"] = (KnownClusterWide with { RevokedAt = Start.AddMinutes(5), Version = 4 }, true),

        // A namespaced window grants in its namespaces once its template turns namespaced; the cluster-wide one then grants nothing.
        ["a namespace"] = (KnownClusterWide with { Namespaces = ["payments"], Version = 4 }, false),
        ["a wildcard namespace"] = (KnownClusterWide with { Namespaces = ["*"], Version = 4 }, false),
    };

    public static TheoryData<string> Changes => [.. ChangeTable.Keys];

    public static TheoryData<string> ClusterWideChanges => [.. ClusterWideChangeTable.Keys];

    [Theory]
    [MemberData(nameof(Changes))]
    public void Only_changes_that_take_access_away_apply_unverified(string change)
    {
        var (window, appliesUnverified) = ChangeTable[change];

        Assert.Equal(appliesUnverified, WindowNarrowing.OnlyNarrows(window, Known));
    }

    [Theory]
    [MemberData(nameof(ClusterWideChanges))]
    public void A_cluster_wide_window_never_becomes_namespaced_from_the_feed(string change)
    {
        var (window, appliesUnverified) = ClusterWideChangeTable[change];

        Assert.Equal(appliesUnverified, WindowNarrowing.OnlyNarrows(window, KnownClusterWide));
    }

    [Fact]
    public void A_namespace_pattern_is_never_taken_from_the_feed_even_one_the_window_holds()
    {
        // Windows hold namespace names; a pattern in one could only have been written there, and a matcher that
        // learnt patterns would read it as wider than any name.
        var holdingPattern = Known with { Namespaces = ["team-*"] };

        Assert.False(WindowNarrowing.OnlyNarrows(holdingPattern with { ExpiresAt = Start.AddMinutes(30), Version = 4 }, holdingPattern));
    }

    [Fact]
    public void A_window_this_replica_does_not_know_needs_Postgres_unless_it_is_revoked()
    {
        var unknown = Known with { Id = Guid.CreateVersion7() };

        Assert.False(WindowNarrowing.OnlyNarrows(unknown, known: null));
        Assert.True(WindowNarrowing.OnlyNarrows(unknown with { RevokedAt = Start }, known: null));
    }

    [Fact]
    public void Nothing_narrows_a_window_that_is_already_revoked_back_into_use()
    {
        var revoked = Known with { RevokedAt = Start.AddMinutes(1) };

        Assert.False(WindowNarrowing.OnlyNarrows(Known with { Version = 9, ExpiresAt = Start.AddMinutes(10) }, revoked));
    }

    [Fact]
    public void A_revocation_grants_nothing_whatever_else_it_says()
    {
        // A revocation applies unverified with every field as Redis wrote it; that is safe only because the index
        // keeps revoked windows as tombstones that no subject sees.
        var index = new ActiveWindowIndex();
        index.Apply(Known);
        var forged = Known with
        {
            Subject = "oidc:mallory@example.com", Namespaces = [], Template = "break-glass-admin", ExpiresAt = Start.AddDays(30),
            RevokedAt = Start.AddDays(29), Version = 4,
        };

        Assert.True(WindowNarrowing.OnlyNarrows(forged, index.Find(Known.Id)));
        Assert.True(index.Apply(forged));

        Assert.Empty(index.ForUser("oidc:mallory@example.com"));
        Assert.Empty(index.ForUser("oidc:alice@example.com"));
        Assert.False(forged.IsActiveAt(Start.AddMinutes(1)));
    }
}
