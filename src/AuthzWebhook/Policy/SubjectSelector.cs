namespace AuthzWebhook.Policy;

/// <summary>Users and groups, by their Kubernetes names. An empty selector selects nobody.</summary>
internal sealed record SubjectSelector(string[] Users, string[] Groups)
{
    public static readonly SubjectSelector None = new([], []);

    public bool IsEmpty => Users.Length == 0 && Groups.Length == 0;

    public bool Matches(string user, ReadOnlySpan<string> groups)
    {
        foreach (var u in Users)
        {
            if (string.Equals(u, user, StringComparison.Ordinal))
            {
                return true;
            }
        }

        foreach (var g in Groups)
        {
            for (var i = 0; i < groups.Length; i++)
            {
                if (string.Equals(groups[i], g, StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
