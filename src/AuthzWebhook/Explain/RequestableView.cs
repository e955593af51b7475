using System.Text.Json.Serialization;
using AuthzWebhook.Elevations;

namespace AuthzWebhook.Explain;

/// <summary>A template the caller may request that would cover exactly this request, and the command line that asks for it.</summary>
internal sealed record RequestableView(
    [property: JsonPropertyName("template")] TemplateView Template,
    [property: JsonPropertyName("command")] string Command);
