using System.Net;
using AuthzWebhook.IntegrationTests.Infrastructure;

namespace AuthzWebhook.IntegrationTests.Elevations;

/// <summary>No cross-origin access unless origins are configured, and then only for those origins.</summary>
public sealed class ApiCorsTests(TestServers servers) : LifecycleTest(servers)
{
    private const string Portal = "https://portal.example.com";

    [Fact]
    public async Task Without_configured_origins_no_cors_header_is_sent_and_a_preflight_is_not_honoured()
    {
        var server = await StartServerAsync();
        var alice = Requester(server);

        using var preflight = await PreflightAsync(alice, Portal);
        using var simple = await GetFromAsync(alice, Portal);

        Assert.NotEqual(HttpStatusCode.NoContent, preflight.StatusCode);
        Assert.False(preflight.IsSuccessStatusCode, $"preflight answered {(int)preflight.StatusCode}");
        Assert.Equal(HttpStatusCode.OK, simple.StatusCode);
        Assert.Empty(CorsHeaders(preflight));
        Assert.Empty(CorsHeaders(simple));
    }

    [Fact]
    public async Task A_configured_origin_gets_cors_headers_and_its_preflight_answered_while_other_origins_get_none()
    {
        var server = await StartServerAsync(overrides: new Dictionary<string, string?> { ["AuthzWebhook:Api:Cors:AllowedOrigins:0"] = Portal });
        var alice = Requester(server);

        using var preflight = await PreflightAsync(alice, Portal);
        using var simple = await GetFromAsync(alice, Portal);
        using var otherPreflight = await PreflightAsync(alice, "https://evil.example.net");
        using var other = await GetFromAsync(alice, "https://evil.example.net");
        using var anonymous = await GetFromAsync(ApiWithToken(server, null), Portal);

        Assert.Equal(HttpStatusCode.NoContent, preflight.StatusCode);
        Assert.Equal(Portal, Header(preflight, "Access-Control-Allow-Origin"));
        Assert.Contains("authorization", Header(preflight, "Access-Control-Allow-Headers")!, StringComparison.OrdinalIgnoreCase);
        Assert.Null(Header(preflight, "Access-Control-Allow-Credentials"));
        ApiSecurityHeadersTests.AssertSecurityHeaders("preflight", preflight);
        Assert.Equal(HttpStatusCode.OK, simple.StatusCode);
        Assert.Equal(Portal, Header(simple, "Access-Control-Allow-Origin"));
        // A refused call still carries the header, so the page can read why (401 problem details) instead of a bare network error.
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(Portal, Header(anonymous, "Access-Control-Allow-Origin"));
        Assert.Empty(CorsHeaders(otherPreflight));
        Assert.Empty(CorsHeaders(other));
    }

    private static async Task<HttpResponseMessage> PreflightAsync(HttpClient client, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, new Uri(Elevations, UriKind.Relative));
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        return await client.SendAsync(request);
    }

    private static async Task<HttpResponseMessage> GetFromAsync(HttpClient client, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/v1/templates", UriKind.Relative));
        request.Headers.Add("Origin", origin);
        return await client.SendAsync(request);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    private static string[] CorsHeaders(HttpResponseMessage response) =>
        [.. response.Headers.Select(h => h.Key).Where(k => k.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase))];
}
