using AuthzWebhook.Policy;

namespace AuthzWebhook.Windows;

/// <summary>
/// Decides which window changes read from Redis may apply without asking Postgres: those that can only take access
/// away from what this replica already holds. Whoever can write to Redis writes every field of such a change, so each
/// field either must stay as it is or may only shrink; anything else is re-read from Postgres.
/// </summary>
internal static class WindowNarrowing
{
    /// <summary>
    /// True when <paramref name="change"/> can only take access away from what this replica already holds, so that
    /// applying it unverified is safe: a revocation, or the same window with a later start, an earlier expiry or some of
    /// its namespaces.
    /// </summary>
    public static bool OnlyNarrows(ElevationWindow change, ElevationWindow? known) =>
        // A revoked window is a tombstone no subject sees, whatever its other fields say.
        change.RevokedAt is not null
        || (known is { RevokedAt: null }
            && change.Version > known.Version
            && change.StartsAt >= known.StartsAt
            && change.ExpiresAt <= known.ExpiresAt
            && NamespacesNarrow(change.Namespaces, known.Namespaces)

            // Every other field as it was, compared as records so that a field added later is held too.
            && change == known with { Namespaces = change.Namespaces, StartsAt = change.StartsAt, ExpiresAt = change.ExpiresAt, Version = change.Version });

    /// <summary>
    /// An empty list is no narrowing of a non-empty one: it is what a cluster-scoped window holds, and covers every
    /// namespace once the template is cluster-scoped. A non-empty list narrows when each of its entries is a namespace
    /// name (never a pattern) that the window already holds, compared exactly.
    /// </summary>
    private static bool NamespacesNarrow(string[] change, string[] known) =>
        change.Length == 0
            ? known.Length == 0
            : Array.TrueForAll(change, ns => KubernetesNames.IsNamespaceName(ns) && NameLists.Contains(known, ns));
}
