using System.Globalization;
using AuthzWebhook.Elevations;
using AuthzWebhook.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace AuthzWebhook.DecisionStore;

/// <summary>
/// Decision records from Postgres for auditors and admins: filtered pages, the chain check over a time range, and one
/// elevation's activity (which its requester may also see).
/// </summary>
internal static class DecisionsApi
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 500;

    public static IEndpointRouteBuilder MapDecisionsApi(this IEndpointRouteBuilder app)
    {
        var api = ApiRoutes.Group(app, "Audit");
        api.MapGet("/decisions", List).ProducesProblem(StatusCodes.Status403Forbidden).WithSummary("Decision records, newest first, paged (auditors and admins)");
        api.MapGet("/decisions/verify", VerifyEndpoint.HandleAsync).ProducesProblem(StatusCodes.Status403Forbidden).WithSummary("Check the hash chains of the stored records in a time range, a bounded page at a time (auditors and admins)");
        api.MapGet("/elevations/{id:guid}/activity", ActivityEndpoint.HandleAsync)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("An elevation with pages of the decisions that cited it and of its audit events (auditors, admins and its requester)");
        return app;
    }

    private static async Task<Results<Ok<DecisionPage>, ProblemHttpResult>> List(
        CallerIdentity caller,
        DecisionReader reader,
        IOptions<AuditReadOptions> options,
        string? elevation_id,
        string? user,
        string? decision,
        string? since,
        string? until,
        string? limit,
        string? cursor,
        CancellationToken cancellationToken)
    {
        if (Refuse(caller) is { } refused)
        {
            return refused;
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        Guid? elevation = null;
        if (elevation_id is not null)
        {
            elevation = Guid.TryParse(elevation_id, out var e) ? e : Error<Guid?>(errors, "elevation_id", "must be an elevation id (a UUID)");
        }

        if (user is not null && user.Length is 0 or > 512)
        {
            errors["user"] = ["must be a Kubernetes username of 1-512 characters"];
        }

        if (decision is not null && decision is not ("allow" or "deny" or "no_opinion"))
        {
            errors["decision"] = ["must be allow, deny or no_opinion"];
        }

        var from = Time(since, "since", errors);
        var to = Time(until, "until", errors);
        var (size, after) = PageRequest.Parse(limit, cursor, DefaultPageSize, MaxPageSize, errors);

        if (errors.Count > 0)
        {
            return ApiResults.Problem(ApiError.Invalid(errors));
        }

        var (page, more) = await reader.ListAsync(new DecisionQuery(elevation, user, decision, from, to, size, after), options.Value.PageMaxBytes, cancellationToken).ConfigureAwait(false);
        var next = more ? new PageCursor(page[^1].Time, page[^1].Id).ToString() : null;
        return TypedResults.Ok(new DecisionPage([.. page.Select(r => r.Record)], next));
    }

    internal static ProblemHttpResult? Refuse(CallerIdentity caller) =>
        caller.IsAuditor || caller.IsAdmin
            ? null
            : ApiResults.Problem(ApiError.Forbidden("auditors-only", "Auditors and admins only", "Decision records are for members of the auditor or admin groups (Identity:AuditorGroups, Identity:AdminGroups)."));

    internal static DateTimeOffset? Time(string? text, string field, Dictionary<string, string[]> errors)
    {
        if (text is null)
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value)
            ? value.ToUniversalTime()
            : Error<DateTimeOffset?>(errors, field, "must be an RFC 3339 time such as 2026-11-27T14:00:00Z");
    }

    private static T? Error<T>(Dictionary<string, string[]> errors, string field, string message)
    {
        errors[field] = [message];
        return default;
    }
}
