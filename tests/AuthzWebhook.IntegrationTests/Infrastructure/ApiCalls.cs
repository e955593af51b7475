using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace AuthzWebhook.IntegrationTests.Infrastructure;

/// <summary>Small helpers for calling the REST API as a given token.</summary>
public static class ApiCalls
{
    public static async Task<ApiResponse> GetJsonAsync(this HttpClient client, string path) =>
        await ApiResponse.ReadAsync(await client.GetAsync(new Uri(path, UriKind.Relative)));

    public static Task<ApiResponse> PostJsonAsync(this HttpClient client, string path, object? body, string? idempotencyKey = null) =>
        client.PostRawAsync(path, body is null ? null : JsonSerializer.Serialize(body), idempotencyKey);

    public static async Task<ApiResponse> PostRawAsync(this HttpClient client, string path, string? json, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return await ApiResponse.ReadAsync(await client.SendAsync(request));
    }
}
