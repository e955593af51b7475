using System.Text.Json.Serialization;

namespace AuthzWebhook.Decisions;

/// <summary>What was asked: <c>kind</c> is <c>resource</c> (resource fields set, path null) or <c>non_resource</c> (path set, resource fields null).</summary>
internal sealed record DecisionRequest(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("verb")] string Verb,
    [property: JsonPropertyName("api_group")] string? ApiGroup,
    [property: JsonPropertyName("api_version")] string? ApiVersion,
    [property: JsonPropertyName("resource")] string? Resource,
    [property: JsonPropertyName("subresource")] string? Subresource,
    [property: JsonPropertyName("namespace")] string? Namespace,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("path")] string? Path)
{
    public static DecisionRequest From(ReviewRequest r) => r.IsResourceRequest
        ? new("resource", r.Verb, r.ApiGroup, r.ApiVersion, r.Resource, r.Subresource, r.Namespace, r.Name, null)
        : new("non_resource", r.Verb, null, null, null, null, null, null, r.Path);
}
