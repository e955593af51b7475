using System.Text.Json.Serialization;

namespace AuthzWebhook.Webhook;

/// <summary><c>spec.nonResourceAttributes</c>: a URL path such as <c>/healthz</c> and a lower-case HTTP verb.</summary>
internal sealed class NonResourceAttributesDto
{
    [JsonPropertyName("path")]
    public string? Path { get; set; }

    [JsonPropertyName("verb")]
    public string? Verb { get; set; }
}
