using System.Globalization;
using System.Text.RegularExpressions;
using AuthzWebhook.AuditEvents;
using AuthzWebhook.Elevations;
using AuthzWebhook.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AuthzWebhook.DecisionStore;

/// <summary>
/// Decision records from Postgres for auditors and admins: filtered pages, the chain check over a time range, and one
/// elevation's activity (which its requester may also see).
/// </summary>
internal static partial class DecisionsApi
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 500;
    public const int MaxActivityDecisions = 1000;
    private static readonly TimeSpan MaxVerifyRange = TimeSpan.FromDays(31);

    public static IEndpointRouteBuilder MapDecisionsApi(this IEndpointRouteBuilder app)
    {
        var api = ApiRoutes.Group(app, "Audit");
        api.MapGet("/decisions", List).ProducesProblem(StatusCodes.Status403Forbidden).WithSummary("Decision records, newest first, paged (auditors and admins)");
        api.MapGet("/decisions/verify", Verify).ProducesProblem(StatusCodes.Status403Forbidden).WithSummary("Check the hash chains of the stored records in a time range (auditors and admins)");
        api.MapGet("/elevations/{id:guid}/activity", Activity)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("An elevation with every decision that cited it (auditors, admins and its requester)");
        return app;
    }

    private static async Task<Results<Ok<DecisionPage>, ProblemHttpResult>> List(
        CallerIdentity caller,
        DecisionReader reader,
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

        var rows = await reader.ListAsync(new DecisionQuery(elevation, user, decision, from, to, size + 1, after), cancellationToken).ConfigureAwait(false);
        var page = rows.Take(size).ToArray();
        var next = rows.Count > size ? new PageCursor(page[^1].Time, page[^1].Id).ToString() : null;
        return TypedResults.Ok(new DecisionPage([.. page.Select(r => r.Record)], next));
    }

    private static async Task<Results<Ok<ChainVerificationView>, ProblemHttpResult>> Verify(
        CallerIdentity caller, DecisionReader reader, TimeProvider timeProvider, string? since, string? until, string? instance, CancellationToken cancellationToken)
    {
        if (Refuse(caller) is { } refused)
        {
            return refused;
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var to = Time(until, "until", errors) ?? timeProvider.GetUtcNow();
        var from = Time(since, "since", errors) ?? to - TimeSpan.FromDays(1);
        if (errors.Count == 0 && (to <= from || to - from > MaxVerifyRange))
        {
            errors["since"] = [$"since must be before until, at most {MaxVerifyRange.TotalDays} days apart; check longer periods piece by piece"];
        }

        if (errors.Count > 0)
        {
            return ApiResults.Problem(ApiError.Invalid(errors));
        }

        var (report, ids) = await reader.VerifyAsync(from, to, instance, cancellationToken).ConfigureAwait(false);
        Guid? IdAt(long line) => line >= 1 && line <= ids.Count ? ids[(int)line - 1] : null;
        return TypedResults.Ok(new ChainVerificationView(
            from,
            to,
            report.Records,
            report.IsIntact,
            [.. report.Notes.Select(n => LinePrefix().Replace(n, m => $"record {IdAt(long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))}:"))],
            [.. report.Problems.Select(p => new ChainProblemView(IdAt(p.Line), p.Instance, p.Kind.ToString().ToLowerInvariant(), p.Message))]));
    }

    private static async Task<Results<Ok<ActivityView>, ProblemHttpResult>> Activity(
        Guid id, CallerIdentity caller, ElevationStore elevations, DecisionReader reader, AuditEventStore auditEvents, CancellationToken cancellationToken)
    {
        var details = await elevations.GetDetailsAsync(id, cancellationToken).ConfigureAwait(false);
        if (details is not { } d)
        {
            return ApiResults.Problem(ApiError.NotFound(id));
        }

        if (!caller.IsAuditor && !caller.IsAdmin && !caller.IsSamePerson(d.Elevation.Requester, d.Elevation.RequesterSubject))
        {
            return ApiResults.Problem(ApiError.Forbidden("not-allowed-to-read-activity", "Not allowed to read this activity", "An elevation's activity is for auditors, admins and the elevation's requester."));
        }

        var rows = await reader.ListAsync(new DecisionQuery(id, null, null, null, null, MaxActivityDecisions + 1, null), cancellationToken).ConfigureAwait(false);
        var events = await auditEvents.ForElevationAsync(id, MaxActivityDecisions + 1, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new ActivityView(
            ElevationView.From(d.Elevation, d.Approvals, d.History),
            [.. rows.Take(MaxActivityDecisions).Select(r => r.Record)],
            rows.Count > MaxActivityDecisions,
            [.. events.Take(MaxActivityDecisions)],
            events.Count > MaxActivityDecisions));
    }

    private static ProblemHttpResult? Refuse(CallerIdentity caller) =>
        caller.IsAuditor || caller.IsAdmin
            ? null
            : ApiResults.Problem(ApiError.Forbidden("auditors-only", "Auditors and admins only", "Decision records are for members of the auditor or admin groups (Identity:AuditorGroups, Identity:AdminGroups)."));

    private static DateTimeOffset? Time(string? text, string field, Dictionary<string, string[]> errors)
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

    [GeneratedRegex("^line ([0-9]+):", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex LinePrefix();
}
