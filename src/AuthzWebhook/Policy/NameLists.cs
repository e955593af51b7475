namespace AuthzWebhook.Policy;

/// <summary>
/// Ordinal membership tests over the short name lists of the hot path (groups, namespaces, eligible groups).
/// Plain loops: for lists this short they beat the generic span helpers, which go through an equality comparer.
/// </summary>
internal static class NameLists
{
    public static bool Contains(ReadOnlySpan<string> names, string name)
    {
        foreach (var candidate in names)
        {
            if (string.Equals(candidate, name, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    public static bool ContainsAny(ReadOnlySpan<string> names, ReadOnlySpan<string> wanted)
    {
        foreach (var name in wanted)
        {
            if (Contains(names, name))
            {
                return true;
            }
        }

        return false;
    }
}
