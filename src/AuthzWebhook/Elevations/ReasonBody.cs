using System.Text.Json.Serialization;

namespace AuthzWebhook.Elevations;

/// <summary>Body of revoke and of closing a ticket.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record ReasonBody([property: JsonPropertyName("reason")] string? Reason);
