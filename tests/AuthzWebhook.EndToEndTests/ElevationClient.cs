using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using AuthzWebhook.IntegrationTests.Infrastructure;

namespace AuthzWebhook.EndToEndTests;

/// <summary>The REST API as people use it: request, approve, revoke, read activity, each with the caller's token.</summary>
public sealed class ElevationClient(TestPki pki, Func<int> apiPort)
{
    public async Task<Guid> RequestAsync(Person requester, string template, string[] namespaces, string duration = "PT30M")
    {
        var created = await CallAsync(requester, client => client.PostJsonAsync("/api/v1/elevations", new
        {
            template,
            namespaces,
            duration,
            reason = "end-to-end test",
            ticket = "INC-" + Random.Shared.Next(1000, 9999),
        }));
        Assert.True(created.Status == HttpStatusCode.Created, created.ToString());
        return created.Id;
    }

    public async Task ApproveAsync(Person approver, Guid id)
    {
        var approved = await CallAsync(approver, client => client.PostJsonAsync($"/api/v1/elevations/{id}/approve", new { comment = "approved in test" }));
        Assert.True(approved.Status == HttpStatusCode.OK && approved.State == "active", approved.ToString());
    }

    public async Task RevokeAsync(Person who, Guid id)
    {
        var revoked = await CallAsync(who, client => client.PostJsonAsync($"/api/v1/elevations/{id}/revoke", new { reason = "done" }));
        Assert.True(revoked.Status == HttpStatusCode.OK && revoked.State == "revoked", revoked.ToString());
    }

    public async Task<JsonElement> ActivityAsync(Person who, Guid id)
    {
        var activity = await CallAsync(who, client => client.GetJsonAsync($"/api/v1/elevations/{id}/activity"));
        Assert.True(activity.Status == HttpStatusCode.OK, activity.ToString());
        return activity.Body;
    }

    private async Task<ApiResponse> CallAsync(Person who, Func<HttpClient, Task<ApiResponse>> call)
    {
        using var client = pki.CreateHttpClient(null);
        client.BaseAddress = new Uri($"https://127.0.0.1:{apiPort()}");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", who.Token);
        return await call(client);
    }
}
