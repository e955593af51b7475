using AuthzWebhook.Decisions;
using AuthzWebhook.Elevations;
using AuthzWebhook.Hosting;
using AuthzWebhook.Identity;
using AuthzWebhook.Policy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace AuthzWebhook.Explain;

/// <summary>
/// <c>POST /api/v1/explain</c>: would the webhook allow the caller's request now, by which elevation, and if not,
/// which templates would cover exactly it and the command that asks for one. A dry run of the same engine the webhook
/// runs, on this replica's view of the windows; it writes no decision record, because the API server asked nothing.
/// </summary>
internal static class ExplainApi
{
    /// <summary>Templates named at most; a person picks one, and the search is cheap but not free.</summary>
    public const int MaxRequestable = 10;

    public static IEndpointRouteBuilder MapExplainApi(this IEndpointRouteBuilder app)
    {
        ApiRoutes.Group(app, "Explain")
            .MapPost("/explain", Explain)
            .Accepts<ExplainBody>("application/json")
            .WithSummary("Whether your request would be allowed now, by which elevation, or which template to request");
        return app;
    }

    private static async Task<Results<Ok<ExplainView>, ProblemHttpResult>> Explain(
        CallerIdentity caller,
        HttpRequest request,
        PolicyProvider policy,
        DecisionEngine engine,
        TimeProvider timeProvider,
        IOptions<ElevationOptions> options,
        CancellationToken cancellationToken)
    {
        var body = await ApiJson.ReadAsync(request, AuthzJsonContext.Default.ExplainBody, cancellationToken).ConfigureAwait(false);
        if (body.Error is { } invalid)
        {
            return ApiResults.Problem(invalid);
        }

        var (review, errors) = ExplainRequestReader.Read(body.Value!, caller);
        if (review is null)
        {
            return ApiResults.Problem(ApiError.Invalid(errors));
        }

        // One policy for the whole answer, as for a review.
        var current = policy.Current;
        var decision = engine.Decide(review, current, timeProvider.GetUtcNow());
        var requestable = decision.Outcome == DecisionOutcome.NoOpinion && !decision.Degraded
            ? DecisionEngine.RequestableFor(review, current, MaxRequestable)
                .Select(t => new RequestableView(TemplateView.From(t, options.Value.DefaultMaxPending), RequestCommand.For(t, review.Namespace)))
                .ToArray()
            : [];
        return TypedResults.Ok(new ExplainView(
            decision.Outcome switch { DecisionOutcome.Allow => "allow", DecisionOutcome.Deny => "deny", _ => "no_opinion" },
            review.User,
            review.Groups,
            decision.Window is { } window && decision.Template is { } template ? new ExplainElevationView(window.Id, template.Name, window.ExpiresAt) : null,
            decision.Guardrail is { } guardrail ? View(guardrail) : null,
            [.. (decision.AuditGuardrails ?? []).Select(View)],
            decision.Degraded,
            requestable,
            ExplainSummary.Of(decision, requestable)));
    }

    private static ExplainGuardrailView View(Guardrail g) => new(g.Name, g.Description, g.Mode == GuardrailMode.Enforce ? "enforce" : "audit");
}
