using System.Text.Json.Serialization;

namespace AuthzWebhook.Webhook;

/// <summary>
/// An incoming SubjectAccessReview (v1 or v1beta1). Only what a decision needs is read; <c>metadata</c>,
/// <c>status</c> and unknown fields are ignored, as Kubernetes' own decoders do.
/// </summary>
internal sealed class SubjectAccessReviewDto
{
    [JsonPropertyName("apiVersion")]
    public string? ApiVersion { get; set; }

    [JsonPropertyName("kind")]
    public string? Kind { get; set; }

    [JsonPropertyName("spec")]
    public SubjectAccessReviewSpecDto? Spec { get; set; }
}
