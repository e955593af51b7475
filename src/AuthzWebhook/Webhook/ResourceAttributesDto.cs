using System.Text.Json.Serialization;

namespace AuthzWebhook.Webhook;

/// <summary>
/// <c>spec.resourceAttributes</c>. Field and label selectors are accepted and ignored: RBAC, and so this webhook,
/// decides on verb, group, resource, namespace and name only.
/// </summary>
internal sealed class ResourceAttributesDto
{
    [JsonPropertyName("namespace")]
    public string? Namespace { get; set; }

    [JsonPropertyName("verb")]
    public string? Verb { get; set; }

    [JsonPropertyName("group")]
    public string? Group { get; set; }

    [JsonPropertyName("version")]
    public string? Version { get; set; }

    [JsonPropertyName("resource")]
    public string? Resource { get; set; }

    [JsonPropertyName("subresource")]
    public string? Subresource { get; set; }

    [JsonPropertyName("name")]
    public string? Name { get; set; }
}
