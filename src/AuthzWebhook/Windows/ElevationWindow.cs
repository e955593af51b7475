using AuthzWebhook.Policy;

namespace AuthzWebhook.Windows;

/// <summary>
/// An approved elevation: for <see cref="Subject"/>, the rules of <see cref="Template"/> apply in <see cref="Namespaces"/>
/// from <see cref="StartsAt"/> until (not including) <see cref="ExpiresAt"/>, unless revoked, and only while the review
/// still carries <see cref="EligibilityGroup"/>. <see cref="Version"/> grows with every change so that replicas can
/// order updates arriving from the change feed and from Postgres.
/// </summary>
internal sealed record ElevationWindow(
    Guid Id,
    SubjectKind SubjectKind,
    string Subject,
    string Template,
    string[] Namespaces,
    string EligibilityGroup,
    DateTimeOffset StartsAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? RevokedAt,
    long Version)
{
    public bool IsActiveAt(DateTimeOffset now) => RevokedAt is null && StartsAt <= now && now < ExpiresAt;

    public bool CoversNamespace(string ns) => NameLists.Contains(Namespaces, ns);
}
