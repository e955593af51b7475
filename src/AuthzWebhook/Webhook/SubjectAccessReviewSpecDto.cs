using System.Text.Json.Serialization;

namespace AuthzWebhook.Webhook;

internal sealed class SubjectAccessReviewSpecDto
{
    [JsonPropertyName("resourceAttributes")]
    public ResourceAttributesDto? ResourceAttributes { get; set; }

    [JsonPropertyName("nonResourceAttributes")]
    public NonResourceAttributesDto? NonResourceAttributes { get; set; }

    [JsonPropertyName("user")]
    public string? User { get; set; }

    /// <summary>v1 name of the groups list.</summary>
    [JsonPropertyName("groups")]
    public string[]? Groups { get; set; }

    /// <summary>v1beta1 name of the same list.</summary>
    [JsonPropertyName("group")]
    public string[]? Group { get; set; }

    [JsonPropertyName("extra")]
    public Dictionary<string, string[]?>? Extra { get; set; }

    [JsonPropertyName("uid")]
    public string? Uid { get; set; }
}
