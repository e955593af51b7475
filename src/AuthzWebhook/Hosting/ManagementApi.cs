using AuthzWebhook.Observability;
using AuthzWebhook.Policy;
using Microsoft.AspNetCore.Http.HttpResults;
using AuthzWebhook.Windows;

namespace AuthzWebhook.Hosting;

/// <summary>
/// The management listener: probes that say whether to route traffic here, and metrics; never anything about
/// individual decisions.
/// </summary>
internal static class ManagementApi
{
    public static IEndpointRouteBuilder MapManagement(this IEndpointRouteBuilder app)
    {
        var management = new ListenerMetadata(ListenerKind.Management);
        app.MapGet("/healthz", () => TypedResults.Text("ok\n")).WithMetadata(management).ExcludeFromDescription();
        app.MapGet("/readyz", Ready).WithMetadata(management).ExcludeFromDescription();
        app.MapMetrics(management);
        return app;
    }

    private static ContentHttpResult Ready(PolicyProvider policy, WindowSynchronizer synchronizer, WindowFreshness freshness)
    {
        var problems = new List<string>();
        if (!policy.IsLoaded)
        {
            problems.Add("policy not loaded");
        }

        if (!synchronizer.IsLoaded)
        {
            problems.Add("window index not loaded");
        }

        if (!freshness.IsFresh())
        {
            problems.Add("window index not confirmed fresh within the staleness bound");
        }

        return problems.Count == 0
            ? TypedResults.Text("ready\n")
            : TypedResults.Text(string.Join('\n', problems) + "\n", statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
