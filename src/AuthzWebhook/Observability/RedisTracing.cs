using System.Diagnostics;

namespace AuthzWebhook.Observability;

/// <summary>
/// Spans around the service's few Redis calls: StackExchange.Redis 3 publishes no ActivitySource of its own.
/// <see cref="ActivitySource.StartActivity(string, ActivityKind)"/> returns null, at no cost, unless the trace is sampled.
/// </summary>
internal static class RedisTracing
{
    public const string SourceName = "AuthzWebhook.Redis";

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>A client span named after the operation, with the OpenTelemetry database attributes for Redis.</summary>
    public static Activity? Start(string operation)
    {
        var activity = Source.StartActivity(operation, ActivityKind.Client);
        activity?.SetTag("db.system.name", "redis");
        activity?.SetTag("db.operation.name", operation);
        return activity;
    }
}
