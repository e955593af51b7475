using AuthzWebhook.Identity;
using AuthzWebhook.Notifications;
using AuthzWebhook.Policy;

namespace AuthzWebhook.Elevations;

/// <summary>The two-person rule and the approval rule: who may decide a request, and which approvals count.</summary>
internal static class ApprovalChecks
{
    /// <summary>Refuses an approval or rejection that must not count; a request found past its deadline is marked expired first.</summary>
    public static async Task<ApiError?> CheckDecidableAsync(TransitionScope scope, AccessPolicy current, Elevation? e, Guid id, CallerIdentity caller, string verb, CancellationToken cancellationToken)
    {
        if (e is null)
        {
            return ApiError.NotFound(id);
        }

        if (!current.Templates.TryGetValue(e.Template, out var template))
        {
            return ApiError.Conflict("template-removed", "Template no longer in the policy", $"Template '{e.Template}' is no longer in the policy, so this cannot be decided. Ask for a template that exists.");
        }

        if (caller.IsSamePerson(e.Requester, e.RequesterSubject))
        {
            return ApiError.Forbidden("self-approval", "You cannot decide your own request", $"Nobody may {verb} their own request (two-person rule). Ask a member of {string.Join(", ", template.Approval.ApproverGroups)}.");
        }

        if (!caller.InAnyOf(template.Approval.ApproverGroups))
        {
            return ApiError.Forbidden("not-an-approver", "Not an approver for this template", $"Requests for '{template.Name}' are decided by members of {string.Join(", ", template.Approval.ApproverGroups)}; you are in none of them.");
        }

        if (e.State == ElevationState.Pending && e.PendingUntil is { } deadline && deadline <= scope.Now)
        {
            var expired = await ElevationStore.UpdateAsync(scope.Transaction, e with { State = ElevationState.Expired, PendingUntil = null, UpdatedAt = scope.Now, EndedAt = scope.Now }, cancellationToken).ConfigureAwait(false);
            await scope.RecordAsync(expired, e.State, "timed out", "system", null, NotificationEvents.Expired, cancellationToken).ConfigureAwait(false);
            await scope.CommitAsync(cancellationToken).ConfigureAwait(false);
            return ApiError.Conflict("not-pending", "Request timed out", $"This request was not approved by {deadline:u} and has expired. Ask the requester to request again.");
        }

        if (!e.AwaitsApproval || e.IsPastExpiryAt(scope.Now))
        {
            return ApiError.Conflict("not-pending", "Nothing to decide", $"This elevation is {ElevationStates.ToName(e.State)} and has nothing waiting for approval; nothing changed.");
        }

        // Approvers approve what was asked for: if the template now grants something else, the request must be made again.
        if (verb == "approve" && e.TemplateFingerprint is not null && e.TemplateFingerprint != TemplateFingerprint.Of(template))
        {
            return ApiError.TemplateChanged(e.Template);
        }

        return null;
    }

    /// <summary>Whether an approval counts under the policy in force.</summary>
    public static bool Counts(ElevationApproval approval, Elevation e, AccessTemplate template) =>
        NameLists.ContainsAny(approval.ApproverGroups, template.Approval.ApproverGroups)
        && (approval.Mfa || !template.Approval.RequireMfa)
        && !string.Equals(approval.Approver, e.Requester, StringComparison.OrdinalIgnoreCase)
        && (approval.ApproverSubject is null || !string.Equals(approval.ApproverSubject, e.RequesterSubject, StringComparison.Ordinal));
}
