using System.Text.Json.Serialization;

namespace AuthzWebhook.Elevations;

/// <summary>One approval; round 0 approved the request, later rounds approved extensions.</summary>
internal sealed record ApprovalView(
    [property: JsonPropertyName("approver")] string Approver,
    [property: JsonPropertyName("round")] int Round,
    [property: JsonPropertyName("at")] DateTimeOffset At,
    [property: JsonPropertyName("mfa")] bool Mfa,
    [property: JsonPropertyName("comment")] string? Comment);
