using AuthzWebhook.Policy;

namespace AuthzWebhook.Identity;

/// <summary>The caller of the REST API as Kubernetes will know them: username and groups after the configured prefixes.</summary>
/// <remarks><see cref="Subject"/> is the token's issuer and <c>sub</c>: the same person under another spelling of their
/// username (case, a changed prefix) is still the same subject, which the two-person rule relies on.</remarks>
internal sealed record CallerIdentity(string Username, string[] Groups, bool HasMfa, CallerRoles Roles, string? Subject = null, string? FormerSubject = null)
{
    public bool IsAdmin => Roles.HasFlag(CallerRoles.Admin);

    public bool IsAuditor => Roles.HasFlag(CallerRoles.Auditor);

    public bool IsIncidentTool => Roles.HasFlag(CallerRoles.IncidentTool);

    public bool InAnyOf(string[] groups) => NameLists.ContainsAny(Groups, groups);

    /// <summary>
    /// True when this caller is the person behind <paramref name="username"/> / <paramref name="subject"/>: the same
    /// issuer and subject, or a username that differs at most in case (identity providers often fold email case).
    /// </summary>
    /// <remarks>
    /// <see cref="FormerSubject"/> is how rows written before Entra ID people were keyed by tenant and object id name
    /// the same person (the token's issuer and <c>sub</c>), so that a request or approval from before still counts as theirs.
    /// </remarks>
    public bool IsSamePerson(string username, string? subject) =>
        string.Equals(Username, username, StringComparison.OrdinalIgnoreCase)
        || (subject is not null && (string.Equals(Subject, subject, StringComparison.Ordinal) || string.Equals(FormerSubject, subject, StringComparison.Ordinal)));

    public const string Item = "authzwebhook.caller";

    /// <summary>
    /// Lets API handlers take the caller as a parameter. Authentication mapped it when the token was validated; an
    /// endpoint that requires authorization never runs without it.
    /// </summary>
    public static ValueTask<CallerIdentity?> BindAsync(HttpContext context) =>
        ValueTask.FromResult<CallerIdentity?>(context.Items[Item] as CallerIdentity ?? throw new InvalidOperationException("The caller identity is bound only on endpoints that require authorization."));
}
