using AuthzWebhook.Policy;
using Microsoft.AspNetCore.Http.HttpResults;
using AuthzWebhook.Windows;

namespace AuthzWebhook.Hosting;

/// <summary>Probes on the management listener. They say whether to route traffic here, never anything about decisions.</summary>
internal static class ManagementApi
{
    public static IEndpointRouteBuilder MapManagement(this IEndpointRouteBuilder app)
    {
        var management = new ListenerMetadata(ListenerKind.Management);
        app.MapGet("/healthz", () => TypedResults.Text("ok\n")).WithMetadata(management).ExcludeFromDescription();
        app.MapGet("/readyz", Ready).WithMetadata(management).ExcludeFromDescription();
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
