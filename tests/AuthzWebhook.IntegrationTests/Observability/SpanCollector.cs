using System.Collections.Concurrent;
using System.Diagnostics;
using OpenTelemetry;

namespace AuthzWebhook.IntegrationTests.Observability;

/// <summary>Keeps every span the service's tracer provider ends, so tests can look at what was sampled.</summary>
internal sealed class SpanCollector : BaseProcessor<Activity>
{
    private readonly ConcurrentQueue<Activity> _ended = new();

    public IReadOnlyList<Activity> Ended => [.. _ended];

    public override void OnEnd(Activity data) => _ended.Enqueue(data);

    public IEnumerable<Activity> Requests(string path) =>
        Ended.Where(a => a.Kind == ActivityKind.Server && a.GetTagItem("url.path") as string == path);
}
