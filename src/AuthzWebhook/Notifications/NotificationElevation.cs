using System.Text.Json.Serialization;

namespace AuthzWebhook.Notifications;

/// <summary>The elevation as a notification shows it, after the change.</summary>
internal sealed record NotificationElevation(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("template")] string Template,
    [property: JsonPropertyName("requester")] string Requester,
    [property: JsonPropertyName("namespaces")] string[] Namespaces,
    [property: JsonPropertyName("duration")] string Duration,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("ticket")] string? Ticket,
    [property: JsonPropertyName("required_approvals")] int RequiredApprovals,
    [property: JsonPropertyName("approvals")] int Approvals,
    [property: JsonPropertyName("activated_at")] DateTimeOffset? ActivatedAt,
    [property: JsonPropertyName("expires_at")] DateTimeOffset? ExpiresAt);
