using System.Text.Json.Serialization;

namespace AuthzWebhook.Explain;

/// <summary>
/// <c>POST /api/v1/explain</c>: a request as kubectl would make it, either to a resource (verb, resource, and
/// optionally API group, subresource, name, namespace) or to a non-resource path. Read as sent and validated by
/// <see cref="ExplainRequestReader"/>.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record ExplainBody(
    [property: JsonPropertyName("verb")] string? Verb,
    [property: JsonPropertyName("api_group")] string? ApiGroup,
    [property: JsonPropertyName("resource")] string? Resource,
    [property: JsonPropertyName("subresource")] string? Subresource,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("namespace")] string? Namespace,
    [property: JsonPropertyName("path")] string? Path);
