namespace AuthzWebhook.Windows;

/// <summary>Whether an elevation window belongs to one user or to everyone in a group.</summary>
internal enum SubjectKind
{
    User,
    Group,
}
