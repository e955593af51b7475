using AuthzWebhook.Windows;

namespace AuthzWebhook.Tests.Windows;

/// <summary>Which changes from Redis may apply without asking Postgres: only those that take access away.</summary>
public sealed class WindowNarrowingTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 27, 14, 0, 0, TimeSpan.Zero);

    private static readonly ElevationWindow Known = new(
        Guid.CreateVersion7(), SubjectKind.User, "oidc:alice@example.com", "pod-debug", ["payments", "billing"], "oidc:sre", Start, Start.AddHours(1), null, 3);

    private static readonly Dictionary<string, (ElevationWindow Window, bool AppliesUnverified)> ChangeTable = new()
    {
        ["revocation"] = (Known with { RevokedAt = Start.AddMinutes(5), Version = 4 }, true),
        ["earlier expiry"] = (Known with { ExpiresAt = Start.AddMinutes(30), Version = 4 }, true),
        ["fewer namespaces"] = (Known with { Namespaces = ["payments"], Version = 4 }, true),
        ["later start"] = (Known with { StartsAt = Start.AddMinutes(10), Version = 4 }, true),
        ["later expiry"] = (Known with { ExpiresAt = Start.AddHours(2), Version = 4 }, false),
        ["earlier start"] = (Known with { StartsAt = Start.AddMinutes(-10), Version = 4 }, false),
        ["another namespace"] = (Known with { Namespaces = ["payments", "kube-system"], Version = 4 }, false),
        ["another template"] = (Known with { Template = "break-glass-admin", Version = 4 }, false),
        ["another subject"] = (Known with { Subject = "oidc:mallory@example.com", Version = 4 }, false),
        ["subject turned into a group"] = (Known with { SubjectKind = SubjectKind.Group, Version = 4 }, false),
        ["another eligibility group"] = (Known with { EligibilityGroup = "system:authenticated", Version = 4 }, false),
        ["same version"] = (Known with { ExpiresAt = Start.AddMinutes(30) }, false),
    };

    public static TheoryData<string> Changes => [.. ChangeTable.Keys];

    [Theory]
    [MemberData(nameof(Changes))]
    public void Only_changes_that_take_access_away_apply_unverified(string change)
    {
        var (window, appliesUnverified) = ChangeTable[change];

        Assert.Equal(appliesUnverified, WindowNarrowing.OnlyNarrows(window, Known));
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
}
