namespace AuthzWebhook.IntegrationTests.Faults;

/// <summary>One review sent during a fault scenario, as the client saw it.</summary>
internal sealed record ReviewAnswer(
    DateTimeOffset SentAt,
    string Instance,
    string User,
    int Status,
    bool Allowed,
    Guid? DecisionId,
    Guid? ElevationId,
    string? EvaluationError,
    TimeSpan Latency = default)
{
    public bool Degraded => EvaluationError is not null;
}
