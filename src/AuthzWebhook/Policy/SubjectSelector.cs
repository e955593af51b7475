namespace AuthzWebhook.Policy;

/// <summary>Users and groups, by their Kubernetes names. An empty selector selects nobody.</summary>
internal sealed record SubjectSelector(string[] Users, string[] Groups)
{
    public static readonly SubjectSelector None = new([], []);

    public bool IsEmpty => Users.Length == 0 && Groups.Length == 0;

    public bool Matches(string user, ReadOnlySpan<string> groups) => NameLists.Contains(Users, user) || NameLists.ContainsAny(groups, Groups);
}
