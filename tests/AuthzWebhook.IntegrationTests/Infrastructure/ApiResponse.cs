using System.Net;
using System.Text.Json;

namespace AuthzWebhook.IntegrationTests.Infrastructure;

/// <summary>A REST API answer: status, headers and the JSON body (problem details or the resource).</summary>
public sealed record ApiResponse(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Message)
{
    public string Text => Body.ValueKind == JsonValueKind.Undefined ? string.Empty : Body.GetRawText();

    public string? ProblemType => Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty("type", out var t) ? t.GetString() : null;

    public string State => Body.GetProperty("state").GetString()!;

    public Guid Id => Body.GetProperty("id").GetGuid();

    public static async Task<ApiResponse> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return new ApiResponse(response.StatusCode, body, response);
    }

    public override string ToString() => $"HTTP {(int)Status}: {Text}";
}
