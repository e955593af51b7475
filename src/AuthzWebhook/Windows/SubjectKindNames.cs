namespace AuthzWebhook.Windows;

/// <summary>The stored form of <see cref="SubjectKind"/> (<c>user</c>, <c>group</c>), shared by Postgres and Redis.</summary>
internal static class SubjectKindNames
{
    public const string User = "user";
    public const string Group = "group";

    public static string ToName(SubjectKind kind) => kind == SubjectKind.Group ? Group : User;

    public static bool TryParse(string? name, out SubjectKind kind)
    {
        kind = name == Group ? SubjectKind.Group : SubjectKind.User;
        return name is User or Group;
    }
}
