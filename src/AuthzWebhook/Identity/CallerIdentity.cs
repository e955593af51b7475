using AuthzWebhook.Policy;

namespace AuthzWebhook.Identity;

/// <summary>The caller of the REST API as Kubernetes will know them: username and groups after the configured prefixes.</summary>
internal sealed record CallerIdentity(string Username, string[] Groups, bool HasMfa, CallerRoles Roles)
{
    public bool IsAdmin => Roles.HasFlag(CallerRoles.Admin);

    public bool IsAuditor => Roles.HasFlag(CallerRoles.Auditor);

    public bool IsIncidentTool => Roles.HasFlag(CallerRoles.IncidentTool);

    public bool InAnyOf(string[] groups) => NameLists.ContainsAny(Groups, groups);

    public const string Item = "authzwebhook.caller";

    /// <summary>
    /// Lets API handlers take the caller as a parameter. Authentication mapped it when the token was validated; an
    /// endpoint that requires authorization never runs without it.
    /// </summary>
    public static ValueTask<CallerIdentity?> BindAsync(HttpContext context) =>
        ValueTask.FromResult<CallerIdentity?>(context.Items[Item] as CallerIdentity ?? throw new InvalidOperationException("The caller identity is bound only on endpoints that require authorization."));
}
