using System.Text.Json.Serialization;

namespace AuthzWebhook.Elevations;

/// <summary>Body of approve (comment optional) and reject (comment required).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record CommentBody([property: JsonPropertyName("comment")] string? Comment);
