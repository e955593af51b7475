using AuthzWebhook.Identity;
using AuthzWebhook.Policy;

namespace AuthzWebhook.Elevations;

/// <summary>
/// A caller who may read only the elevations they are involved in (<see cref="ElevationOptions.Visibility"/>
/// <c>involved</c>): their own requests, under their username in any case or their subject, and requests for the
/// <see cref="Templates"/> they may approve under the policy in force.
/// </summary>
internal sealed record ElevationViewer(string Username, string? Subject, string[] Templates)
{
    public const string AllSignedIn = "all-signed-in";
    public const string Involved = "involved";

    /// <summary>Null when <paramref name="caller"/> may read every elevation: visibility is not restricted, or they are an admin, an auditor or in a viewer group.</summary>
    public static ElevationViewer? For(CallerIdentity caller, AccessPolicy policy, ElevationOptions options) =>
        options.Visibility != Involved || caller.IsAdmin || caller.IsAuditor || caller.InAnyOf(options.ViewerGroups)
            ? null
            : new ElevationViewer(caller.Username, caller.Subject, [.. policy.TemplateList.Where(t => caller.InAnyOf(t.Approval.ApproverGroups)).Select(t => t.Name)]);

    /// <summary>The same test as the list's SQL filter in <see cref="ElevationStore.ListAsync"/>.</summary>
    public bool CanSee(Elevation e) =>
        string.Equals(e.Requester, Username, StringComparison.OrdinalIgnoreCase)
        || (Subject is not null && string.Equals(e.RequesterSubject, Subject, StringComparison.Ordinal))
        || Templates.Contains(e.Template, StringComparer.Ordinal);
}
