using AuthzWebhook.Decisions;
using AuthzWebhook.Elevations;
using AuthzWebhook.Hosting;
using AuthzWebhook.Identity;
using AuthzWebhook.Policy;
using AuthzWebhook.Windows;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace AuthzWebhook.Explain;

/// <summary>
/// The caller's own access, explained: <c>GET /whoami</c> (the Kubernetes identity their token maps to),
/// <c>GET /status</c> (the elevations that let them act now, in plain words) and <c>POST /explain</c> (would the webhook
/// allow this request now, by which elevation, and if not, which templates would cover exactly it and the command that
/// asks for one: a dry run of the webhook's engine on this replica's view of the windows, recorded nowhere, because the
/// API server asked nothing).
/// </summary>
internal static class ExplainApi
{
    /// <summary>Templates named at most; a person picks one, and the search is cheap but not free.</summary>
    public const int MaxRequestable = 10;

    public static IEndpointRouteBuilder MapExplainApi(this IEndpointRouteBuilder app)
    {
        var api = ApiRoutes.Group(app, "Explain");
        api.MapPost("/explain", Explain)
            .Accepts<ExplainBody>("application/json")
            .WithSummary("Whether your request would be allowed now, by which elevation, or which template to request");
        api.MapGet("/whoami", WhoAmI).WithSummary("The Kubernetes user and groups your token maps to");
        api.MapGet("/status", Status).WithSummary("Your elevations in force now, with their rules in plain words and time left");
        return app;
    }

    private static Ok<WhoAmIView> WhoAmI(CallerIdentity caller) => TypedResults.Ok(new WhoAmIView(
        caller.Username,
        ExplainRequestReader.AsApiServerSees(caller),
        [.. new[] { (caller.IsAdmin, "admin"), (caller.IsAuditor, "auditor"), (caller.IsIncidentTool, "incident-tool") }.Where(r => r.Item1).Select(r => r.Item2)],
        caller.HasMfa));

    /// <summary>The windows the engine would honour for the caller, judged as it judges them (active, eligibility group carried, template in force).</summary>
    private static Ok<StatusView> Status(CallerIdentity caller, PolicyProvider policy, ActiveWindowIndex windows, WindowFreshness freshness, TimeProvider timeProvider)
    {
        var now = timeProvider.GetUtcNow();
        var current = policy.Current;
        var groups = ExplainRequestReader.AsApiServerSees(caller);
        var held = windows.ForUser(caller.Username).Concat(groups.SelectMany(windows.ForGroup))
            .Where(w => w.IsActiveAt(now) && NameLists.Contains(groups, w.EligibilityGroup))
            .DistinctBy(w => w.Id)
            .Select(w => (Window: w, Template: current.Templates.GetValueOrDefault(w.Template)))
            .Where(h => h.Template is not null && DecisionEngine.StillGrantable(h.Window, h.Template))
            // The namespaces the policy in force still allows for it, as the engine checks per request.
            .Select(h => (h.Window, h.Template!, Namespaces: h.Window.Namespaces.Where(h.Template!.AllowsNamespace).ToArray()))
            .Where(h => h.Item2.Scope == TemplateScope.Cluster || h.Namespaces.Length > 0)
            .OrderBy(h => h.Window.ExpiresAt)
            .Select(h => new StatusElevationView(
                h.Window.Id, h.Window.Template, h.Window.Subject, h.Namespaces, h.Window.ExpiresAt, (long)(h.Window.ExpiresAt - now).TotalSeconds,
                [.. h.Item2.Rules.Select(RulePhrase.Of)]))
            .ToArray();
        return TypedResults.Ok(new StatusView(caller.Username, held, !freshness.IsFresh(now)));
    }

    private static async Task<Results<Ok<ExplainView>, ProblemHttpResult>> Explain(
        CallerIdentity caller,
        HttpRequest request,
        PolicyProvider policy,
        DecisionEngine engine,
        TimeProvider timeProvider,
        IOptions<ElevationOptions> options,
        ILoggerFactory loggers,
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
        var outcome = decision.Outcome switch { DecisionOutcome.Allow => "allow", DecisionOutcome.Deny => "deny", _ => "no_opinion" };
        Log.Explained(
            loggers.CreateLogger(typeof(ExplainApi)), review.User, review.Verb, review.IsResourceRequest ? review.Resource : review.Path, review.Namespace, outcome,
            decision.Guardrail?.Name ?? "none", decision.AuditGuardrails?.Length ?? 0);
        var requestable = decision.Outcome == DecisionOutcome.NoOpinion && !decision.Degraded
            ? DecisionEngine.RequestableFor(review, current, MaxRequestable)
                .Select(t => new RequestableView(TemplateView.From(t, options.Value.DefaultMaxPending), RequestCommand.For(t, review.Namespace)))
                .ToArray()
            : [];
        return TypedResults.Ok(new ExplainView(
            outcome,
            review.User,
            review.Groups,
            decision.Window is { } window && decision.Template is { } template ? new ExplainElevationView(window.Id, template.Name, window.ExpiresAt) : null,
            decision.Guardrail is { } guardrail ? View(guardrail) : null,
            // Audit-mode guardrails watch quietly (for alerts and records); only those who read the records learn of them here.
            caller.IsAdmin || caller.IsAuditor ? [.. (decision.AuditGuardrails ?? []).Select(View)] : [],
            decision.Degraded,
            requestable,
            ExplainSummary.Of(decision, requestable)));
    }

    private static ExplainGuardrailView View(Guardrail g) => new(g.Name, g.Description, g.Mode == GuardrailMode.Enforce ? "enforce" : "audit");
}
