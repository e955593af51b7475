using AuthzWebhook.Windows;

namespace AuthzWebhook.Tests.Windows;

/// <summary>Builds elevation windows for tests: a live user window in "payments" unless told otherwise.</summary>
internal static class TestWindows
{
    public static readonly DateTimeOffset Now = new(2026, 11, 27, 14, 0, 0, TimeSpan.Zero);

    public static ElevationWindow ForUser(
        string user,
        string template = "pod-debug",
        string[]? namespaces = null,
        string eligibilityGroup = "oidc:sre",
        DateTimeOffset? startsAt = null,
        DateTimeOffset? expiresAt = null,
        DateTimeOffset? revokedAt = null,
        long version = 1,
        Guid? id = null) =>
        new(id ?? Guid.NewGuid(), SubjectKind.User, user, template, namespaces ?? ["payments"], eligibilityGroup,
            startsAt ?? Now.AddMinutes(-5), expiresAt ?? Now.AddMinutes(30), revokedAt, version);

    public static ElevationWindow ForGroup(
        string group,
        string template = "pod-debug",
        string[]? namespaces = null,
        string eligibilityGroup = "oidc:sre",
        DateTimeOffset? expiresAt = null,
        long version = 1,
        Guid? id = null) =>
        new(id ?? Guid.NewGuid(), SubjectKind.Group, group, template, namespaces ?? ["payments"], eligibilityGroup,
            Now.AddMinutes(-5), expiresAt ?? Now.AddMinutes(30), null, version);

    public static ElevationWindow Revoked(ElevationWindow window, DateTimeOffset? at = null) =>
        window with { RevokedAt = at ?? Now, Version = window.Version + 1 };
}
