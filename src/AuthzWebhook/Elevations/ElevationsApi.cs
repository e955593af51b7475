using AuthzWebhook.Hosting;
using AuthzWebhook.Identity;
using AuthzWebhook.Policy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace AuthzWebhook.Elevations;

/// <summary>
/// The REST API for people and tools: <c>/api/v1</c> on the API listener only, every call authenticated by an OIDC
/// bearer token and rate-limited per user. Refusals are problem details that say what to do.
/// </summary>
internal static class ElevationsApi
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    // Bodies are read by ApiJson (to refuse unknown fields with a clear message); Accepts describes them in OpenAPI.
    private const string Json = "application/json";

    public static IEndpointRouteBuilder MapElevationsApi(this IEndpointRouteBuilder app)
    {
        var api = ApiRoutes.Group(app, "Elevations");

        api.MapGet("/templates", Templates).WithSummary("Templates the caller may request");
        api.MapPost("/elevations", Create)
            .Accepts<CreateElevationBody>(Json)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Request an elevation (send Idempotency-Key to make retries safe)");
        api.MapGet("/elevations", List).WithSummary("Elevations, newest first, paged");
        api.MapGet("/elevations/{id:guid}", Get).ProducesProblem(StatusCodes.Status404NotFound).WithSummary("One elevation with its approvals and history");
        Transition(api.MapPost("/elevations/{id:guid}/approve", Approve).Accepts<CommentBody>(isOptional: true, Json))
            .WithSummary("Approve (not your own); activates when the approval rule is met");
        Transition(api.MapPost("/elevations/{id:guid}/reject", Reject).Accepts<CommentBody>(Json))
            .WithSummary("Reject a pending request or extension");
        Transition(api.MapPost("/elevations/{id:guid}/revoke", Revoke).Accepts<ReasonBody>(Json))
            .WithSummary("Revoke an active elevation or cancel a pending one, on every replica");
        Transition(api.MapPost("/elevations/{id:guid}/extend", Extend).Accepts<ExtendBody>(Json))
            .WithSummary("Extend an active elevation (approval as the template says)");
        api.MapPost("/tickets/{ticket}/close", CloseTicket)
            .Accepts<ReasonBody>(Json)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Revoke or cancel every open elevation bound to a ticket");

        app.MapOpenApi("/openapi/{documentName}.json")
            .WithMetadata(new ListenerMetadata(ListenerKind.Api))
            .RequireRateLimiting(ApiRateLimits.Policy)
            .AllowAnonymous();
        return app;
    }

    private static Ok<TemplateView[]> Templates(CallerIdentity caller, PolicyProvider policy, IOptions<ElevationOptions> options) =>
        TypedResults.Ok(policy.Current.TemplateList
            .Where(t => ElevationRequestValidator.FirstEligibleGroup(caller, t) is not null)
            .Select(t => TemplateView.From(t, options.Value.DefaultMaxPending))
            .ToArray());

    private static async Task<Results<Created<ElevationView>, Ok<ElevationView>, ProblemHttpResult>> Create(
        CallerIdentity caller,
        HttpRequest request,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        ElevationService service,
        CancellationToken cancellationToken)
    {
        if (idempotencyKey is not null && !IsIdempotencyKey(idempotencyKey))
        {
            return ApiResults.Problem(ApiError.Invalid("Idempotency-Key", "must be 1-200 visible ASCII characters, such as a UUID"));
        }

        var body = await ApiJson.ReadAsync(request, AuthzJsonContext.Default.CreateElevationBody, cancellationToken).ConfigureAwait(false);
        if (body.Error is { } invalid)
        {
            return ApiResults.Problem(invalid);
        }

        var outcome = await service.CreateAsync(caller, body.Value!, idempotencyKey, cancellationToken).ConfigureAwait(false);
        if (outcome.Error is { } refused)
        {
            return ApiResults.Problem(refused);
        }

        var created = outcome.Value!;
        var view = ElevationView.From(created.Elevation);
        if (created.Replayed)
        {
            request.HttpContext.Response.Headers["Idempotent-Replayed"] = "true";
            return TypedResults.Ok(view);
        }

        return TypedResults.Created($"/api/v1/elevations/{created.Elevation.Id}", view);
    }

    private static async Task<Results<Ok<ElevationPage>, ProblemHttpResult>> List(
        CallerIdentity caller,
        ElevationStore store,
        PolicyProvider policy,
        IOptions<ElevationOptions> options,
        string? state,
        string? user,
        string? ticket,
        string? limit,
        string? cursor,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        ElevationState? parsedState = null;
        if (state is not null)
        {
            if (ElevationStates.TryParse(state, out var s))
            {
                parsedState = s;
            }
            else
            {
                errors["state"] = ["must be one of pending, active, rejected, cancelled, expired, revoked"];
            }
        }

        if (user is not null && (user.Length is 0 or > 512))
        {
            errors["user"] = ["must be a Kubernetes username of 1-512 characters, such as oidc:alice@example.com"];
        }

        if (ticket is not null && !ElevationRequestValidator.IsTicket(ticket))
        {
            errors["ticket"] = ["is not a ticket reference"];
        }

        var (size, after) = PageRequest.Parse(limit, cursor, DefaultPageSize, MaxPageSize, errors);
        if (errors.Count > 0)
        {
            return ApiResults.Problem(ApiError.Invalid(errors));
        }

        // One more than asked for tells whether another page exists without a count query.
        var rows = await store.ListAsync(new ElevationListQuery(parsedState, user, ticket, size + 1, after, ElevationViewer.For(caller, policy.Current, options.Value)), cancellationToken).ConfigureAwait(false);
        var page = rows.Take(size).ToArray();
        var next = rows.Count > size ? new PageCursor(page[^1].CreatedAt, page[^1].Id).ToString() : null;
        return TypedResults.Ok(new ElevationPage([.. page.Select(e => ElevationView.From(e))], next));
    }

    private static async Task<Results<Ok<ElevationView>, ProblemHttpResult>> Get(
        Guid id, CallerIdentity caller, ElevationStore store, PolicyProvider policy, IOptions<ElevationOptions> options, CancellationToken cancellationToken)
    {
        var details = await store.GetDetailsAsync(id, cancellationToken).ConfigureAwait(false);
        // One the caller may not see answers exactly as one that does not exist, so that ids are not confirmed.
        return details is { } d && ElevationViewer.For(caller, policy.Current, options.Value)?.CanSee(d.Elevation) != false
            ? TypedResults.Ok(ElevationView.From(d.Elevation, d.Approvals, d.History, d.HistoryTruncated))
            : ApiResults.Problem(ApiError.NotFound(id));
    }

    private static async Task<Results<Ok<ElevationView>, ProblemHttpResult>> Approve(
        Guid id, CallerIdentity caller, HttpRequest request, ElevationService service, ElevationStore store, CancellationToken cancellationToken)
    {
        var body = await ReadOptionalAsync(request, cancellationToken).ConfigureAwait(false);
        if (body.Error is { } invalid)
        {
            return ApiResults.Problem(invalid);
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var comment = ElevationRequestValidator.Text(body.Value!.Comment, "comment", required: false, ElevationRequestValidator.MaxReasonLength, errors);
        return errors.Count > 0
            ? ApiResults.Problem(ApiError.Invalid(errors))
            : await ViewAsync(await service.ApproveAsync(id, caller, comment, cancellationToken).ConfigureAwait(false), store, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Results<Ok<ElevationView>, ProblemHttpResult>> Reject(
        Guid id, CallerIdentity caller, HttpRequest request, ElevationService service, ElevationStore store, CancellationToken cancellationToken)
    {
        var body = await ApiJson.ReadAsync(request, AuthzJsonContext.Default.CommentBody, cancellationToken).ConfigureAwait(false);
        if (body.Error is { } invalid)
        {
            return ApiResults.Problem(invalid);
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var comment = ElevationRequestValidator.Text(body.Value!.Comment, "comment", required: true, ElevationRequestValidator.MaxReasonLength, errors);
        return comment is null
            ? ApiResults.Problem(ApiError.Invalid(errors))
            : await ViewAsync(await service.RejectAsync(id, caller, comment, cancellationToken).ConfigureAwait(false), store, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Results<Ok<ElevationView>, ProblemHttpResult>> Revoke(
        Guid id, CallerIdentity caller, HttpRequest request, ElevationService service, ElevationStore store, CancellationToken cancellationToken)
    {
        var reason = await ReadReasonAsync(request, cancellationToken).ConfigureAwait(false);
        return reason.Error is { } invalid
            ? ApiResults.Problem(invalid)
            : await ViewAsync(await service.RevokeAsync(id, caller, reason.Value!, cancellationToken).ConfigureAwait(false), store, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Results<Ok<ElevationView>, ProblemHttpResult>> Extend(
        Guid id, CallerIdentity caller, HttpRequest request, ElevationService service, ElevationStore store, CancellationToken cancellationToken)
    {
        var body = await ApiJson.ReadAsync(request, AuthzJsonContext.Default.ExtendBody, cancellationToken).ConfigureAwait(false);
        return body.Error is { } invalid
            ? ApiResults.Problem(invalid)
            : await ViewAsync(await service.ExtendAsync(id, caller, body.Value!, cancellationToken).ConfigureAwait(false), store, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Results<Ok<TicketClosedView>, ProblemHttpResult>> CloseTicket(
        string ticket, CallerIdentity caller, HttpRequest request, ElevationService service, CancellationToken cancellationToken)
    {
        if (!ElevationRequestValidator.IsTicket(ticket))
        {
            return ApiResults.Problem(ApiError.Invalid("ticket", "is not a ticket reference"));
        }

        var reason = await ReadReasonAsync(request, cancellationToken).ConfigureAwait(false);
        if (reason.Error is { } invalid)
        {
            return ApiResults.Problem(invalid);
        }

        var outcome = await service.CloseTicketAsync(ticket, caller, reason.Value!, cancellationToken).ConfigureAwait(false);
        return outcome.Error is { } refused
            ? ApiResults.Problem(refused)
            : TypedResults.Ok(new TicketClosedView(ticket, [.. outcome.Value!.Select(e => ElevationView.From(e))]));
    }

    /// <summary>Answers a transition with the elevation as it now stands, approvals and history included.</summary>
    private static async Task<Results<Ok<ElevationView>, ProblemHttpResult>> ViewAsync(Outcome<Elevation> outcome, ElevationStore store, CancellationToken cancellationToken)
    {
        if (outcome.Error is { } refused)
        {
            return ApiResults.Problem(refused);
        }

        var details = await store.GetDetailsAsync(outcome.Value!.Id, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(details is { } d ? ElevationView.From(d.Elevation, d.Approvals, d.History, d.HistoryTruncated) : ElevationView.From(outcome.Value));
    }

    /// <summary>Approve takes an optional body: none at all means no comment.</summary>
    private static async Task<Outcome<CommentBody>> ReadOptionalAsync(HttpRequest request, CancellationToken cancellationToken) =>
        request.ContentLength is 0 || (request.ContentLength is null && request.ContentType is null)
            ? new CommentBody(null)
            : await ApiJson.ReadAsync(request, AuthzJsonContext.Default.CommentBody, cancellationToken).ConfigureAwait(false);

    private static async Task<Outcome<string>> ReadReasonAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await ApiJson.ReadAsync(request, AuthzJsonContext.Default.ReasonBody, cancellationToken).ConfigureAwait(false);
        if (body.Error is { } invalid)
        {
            return invalid;
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var reason = ElevationRequestValidator.Text(body.Value!.Reason, "reason", required: true, ElevationRequestValidator.MaxReasonLength, errors);
        return reason is null ? ApiError.Invalid(errors) : reason;
    }

    /// <summary>The refusals every transition of one elevation can end in.</summary>
    private static RouteHandlerBuilder Transition(RouteHandlerBuilder endpoint) =>
        endpoint.ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

    private static bool IsIdempotencyKey(string key) => key.Length is > 0 and <= 200 && key.All(c => c is > ' ' and <= '~');
}
