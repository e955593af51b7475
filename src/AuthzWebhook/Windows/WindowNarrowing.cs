namespace AuthzWebhook.Windows;

/// <summary>
/// Decides which window changes read from Redis may apply without asking Postgres: those that can only take access
/// away from what this replica already holds. Whoever can write to Redis controls every field of such a change.
/// </summary>
internal static class WindowNarrowing
{
    /// <summary>
    /// True when <paramref name="change"/> can only take access away from what this replica already holds, so that
    /// applying it unverified is safe: a revocation, or the same window with a later start or an earlier expiry.
    /// </summary>
    public static bool OnlyNarrows(ElevationWindow change, ElevationWindow? known) =>
        change.RevokedAt is not null
        || (known is { RevokedAt: null }
            && change.Version > known.Version
            && change.SubjectKind == known.SubjectKind
            && string.Equals(change.Subject, known.Subject, StringComparison.Ordinal)
            && string.Equals(change.Template, known.Template, StringComparison.Ordinal)
            && string.Equals(change.EligibilityGroup, known.EligibilityGroup, StringComparison.Ordinal)
            && change.StartsAt >= known.StartsAt
            && change.ExpiresAt <= known.ExpiresAt
            && Array.TrueForAll(change.Namespaces, known.CoversNamespace));
}
