namespace AuthzWebhook.Benchmarks.Load;

/// <summary>What one timed run against one endpoint measured.</summary>
/// <param name="Endpoint">Which endpoint: the service or the fixed answer.</param>
/// <param name="Connections">Connections in the client's pool.</param>
/// <param name="TargetRate">Requests per second asked for, in an open-loop run; null in a closed-loop run.</param>
/// <param name="Seconds">Length of the measured part of the run.</param>
/// <param name="Allowed">Answers that were HTTP 200 and allowed.</param>
/// <param name="Failed">Errors, other statuses and answers that did not allow: any of them makes the run suspect.</param>
/// <param name="Latency">From sending each request to having read its whole answer.</param>
/// <param name="Resources">GC and CPU use while the run was measured.</param>
/// <param name="FromSchedule">Open loop only: from the time each request was due, so the driver's own lateness counts too.</param>
internal sealed record LoadResult(
    string Endpoint,
    int Connections,
    double? TargetRate,
    double Seconds,
    long Allowed,
    long Failed,
    LatencyHistogram Latency,
    ResourceUse Resources,
    LatencyHistogram? FromSchedule)
{
    /// <summary>Service only: decision records the log dropped during the run because its writer fell behind.</summary>
    public long? RecordsDropped { get; init; }

    /// <summary>Service with the decision store on: records not yet in Postgres when the run ended.</summary>
    public long? StoreBacklog { get; init; }

    public long Completed => Latency.Count;

    public double Throughput => Completed / Seconds;
}
