using AuthzWebhook.AuditEvents;
using AuthzWebhook.Elevations;
using AuthzWebhook.Identity;
using AuthzWebhook.Policy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace AuthzWebhook.DecisionStore;

/// <summary>
/// <c>GET /elevations/{id}/activity</c>: the elevation, a page of the decisions that cited it (newest first) and a page
/// of its audit events (oldest first), each bounded by <see cref="MaxItems"/> and <see cref="AuditReadOptions.PageMaxBytes"/>.
/// Without a cursor both lists start at their beginning; with one or both cursors only the lists named go on, so
/// paging one list does not read the other again.
/// </summary>
internal static class ActivityEndpoint
{
    public const int MaxItems = 1000;

    public static async Task<Results<Ok<ActivityView>, ProblemHttpResult>> HandleAsync(
        Guid id,
        CallerIdentity caller,
        ElevationStore elevations,
        DecisionReader reader,
        AuditEventStore auditEvents,
        IOptions<AuditReadOptions> options,
        PolicyProvider policy,
        IOptions<ElevationOptions> elevationOptions,
        string? decisions_cursor,
        string? audit_events_cursor,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        PageCursor? decisionsAfter = null;
        if (decisions_cursor is not null)
        {
            decisionsAfter = PageCursor.TryParse(decisions_cursor, out var c) ? c : Error<PageCursor?>(errors, "decisions_cursor", "is not a cursor from a previous page's decisions_next_cursor");
        }

        AuditEventCursor? eventsAfter = null;
        if (audit_events_cursor is not null)
        {
            eventsAfter = AuditEventCursor.TryParse(audit_events_cursor, out var c) ? c : Error<AuditEventCursor?>(errors, "audit_events_cursor", "is not a cursor from a previous page's audit_events_next_cursor");
        }

        if (errors.Count > 0)
        {
            return ApiResults.Problem(ApiError.Invalid(errors));
        }

        var details = await elevations.GetDetailsAsync(id, cancellationToken).ConfigureAwait(false);
        // Under involved visibility one the caller may not see is not found, as in GET /elevations/{id}.
        if (details is not { } d || ElevationViewer.For(caller, policy.Current, elevationOptions.Value)?.CanSee(d.Elevation) == false)
        {
            return ApiResults.Problem(ApiError.NotFound(id));
        }

        if (!caller.IsAuditor && !caller.IsAdmin && !caller.IsSamePerson(d.Elevation.Requester, d.Elevation.RequesterSubject))
        {
            return ApiResults.Problem(ApiError.Forbidden("not-allowed-to-read-activity", "Not allowed to read this activity", "An elevation's activity is for auditors, admins and the elevation's requester."));
        }

        var paging = decisionsAfter is not null || eventsAfter is not null;
        var maxBytes = options.Value.PageMaxBytes;
        var (decisions, moreDecisions) = !paging || decisionsAfter is not null
            ? await reader.ListAsync(new DecisionQuery(id, null, null, null, null, MaxItems, decisionsAfter), maxBytes, cancellationToken).ConfigureAwait(false)
            : ([], false);
        var (events, nextEvents) = !paging || eventsAfter is not null
            ? await auditEvents.ForElevationAsync(id, eventsAfter, MaxItems, maxBytes, cancellationToken).ConfigureAwait(false)
            : ([], null);
        return TypedResults.Ok(new ActivityView(
            ElevationView.From(d.Elevation, d.Approvals, d.History, d.HistoryTruncated),
            [.. decisions.Select(r => r.Record)],
            moreDecisions,
            [.. events],
            nextEvents is not null,
            moreDecisions ? new PageCursor(decisions[^1].Time, decisions[^1].Id).ToString() : null,
            nextEvents?.ToString()));
    }

    private static T? Error<T>(Dictionary<string, string[]> errors, string field, string message)
    {
        errors[field] = [message];
        return default;
    }
}
