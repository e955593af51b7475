using System.Text.Json.Serialization;

namespace AuthzWebhook.Decisions;

/// <summary>
/// One decision as the SIEM sees it: the <c>authzwebhook.decision/v1</c> line on stdout. Names are stable within v1;
/// fields may be added, never renamed.
/// </summary>
internal sealed record DecisionRecord
{
    public const string SchemaV1 = "authzwebhook.decision/v1";

    [JsonPropertyName("schema")]
    public string Schema { get; init; } = SchemaV1;

    /// <summary>UTC, microsecond precision, RFC 3339.</summary>
    [JsonPropertyName("time")]
    public required string Time { get; init; }

    [JsonPropertyName("decision_id")]
    public required Guid DecisionId { get; init; }

    /// <summary><c>allow</c>, <c>deny</c> or <c>no_opinion</c>.</summary>
    [JsonPropertyName("decision")]
    public required string Decision { get; init; }

    [JsonPropertyName("reason")]
    public required string Reason { get; init; }

    [JsonPropertyName("elevation_id")]
    public Guid? ElevationId { get; init; }

    [JsonPropertyName("template")]
    public string? Template { get; init; }

    [JsonPropertyName("evaluation_error")]
    public string? EvaluationError { get; init; }

    [JsonPropertyName("degraded")]
    public bool Degraded { get; init; }

    /// <summary>The enforced guardrail that denied, if any.</summary>
    [JsonPropertyName("guardrail")]
    public string? Guardrail { get; init; }

    /// <summary>Audit-mode guardrails that would have denied this request.</summary>
    [JsonPropertyName("audit_guardrails")]
    public string[]? AuditGuardrails { get; init; }

    [JsonPropertyName("user")]
    public required DecisionUser User { get; init; }

    [JsonPropertyName("request")]
    public required DecisionRequest Request { get; init; }

    [JsonPropertyName("latency_us")]
    public long LatencyMicroseconds { get; init; }

    [JsonPropertyName("instance")]
    public required string Instance { get; init; }

    [JsonPropertyName("trace_id")]
    public string? TraceId { get; init; }

    /// <summary>The per-instance hash chain; null until records are chained.</summary>
    [JsonPropertyName("chain")]
    public DecisionChain? Chain { get; init; }
}
