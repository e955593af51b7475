using System.Net;
using AuthzWebhook.IntegrationTests.Infrastructure;

namespace AuthzWebhook.IntegrationTests.Elevations;

/// <summary>
/// The per-address budget is spent before any token is looked at, so floods of absent or forged tokens are refused too;
/// X-Forwarded-For names the client only behind a configured proxy.
/// </summary>
public sealed class ApiAddressLimitTests(TestServers servers) : LifecycleTest(servers)
{
    [Fact]
    public async Task A_burst_without_a_token_from_one_address_gets_429_with_retry_after_once_its_budget_is_spent()
    {
        var server = await StartServerAsync(overrides: Limit(5));
        var anonymous = ApiWithToken(server, null);
        var forged = ApiWithToken(server, "not-a-jwt");

        var refused = new List<ApiResponse>();
        for (var i = 0; i < 5; i++)
        {
            refused.Add(await (i % 2 == 0 ? anonymous : forged).GetJsonAsync(Elevations));
        }

        var limited = await anonymous.GetJsonAsync(Elevations);
        var limitedEvenWithAToken = await Requester(server).GetJsonAsync("/api/v1/templates");

        Assert.All(refused, r => Assert.Equal(HttpStatusCode.Unauthorized, r.Status));
        Assert.True(limited.Status == HttpStatusCode.TooManyRequests, limited.ToString());
        Assert.Equal("urn:authzwebhook:problem:rate-limited", limited.ProblemType);
        Assert.Equal("application/problem+json", limited.Message.Content.Headers.ContentType?.MediaType);
        Assert.Contains("client address", limited.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var retryAfter = limited.Message.Headers.RetryAfter?.Delta;
        Assert.True(retryAfter is { } wait && wait > TimeSpan.Zero && wait <= TimeSpan.FromMinutes(1), $"Retry-After: {limited.Message.Headers.RetryAfter}");
        ApiSecurityHeadersTests.AssertSecurityHeaders("429", limited.Message);
        Assert.Equal(HttpStatusCode.TooManyRequests, limitedEvenWithAToken.Status);
    }

    [Fact]
    public async Task X_forwarded_for_is_ignored_when_no_proxy_is_trusted()
    {
        var server = await StartServerAsync(overrides: Limit(3));
        var client = ApiWithToken(server, null);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            statuses.Add(await GetForwardedForAsync(client, $"203.0.113.{i + 1}"));
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_each_forwarded_client_has_its_own_budget()
    {
        var overrides = Limit(2);
        overrides["AuthzWebhook:Api:TrustedProxies:0"] = "127.0.0.1/32";
        var server = await StartServerAsync(overrides: overrides);
        var client = ApiWithToken(server, null);

        var first = new[] { await GetForwardedForAsync(client, "203.0.113.7"), await GetForwardedForAsync(client, "203.0.113.7"), await GetForwardedForAsync(client, "203.0.113.7") };
        // A client cannot escape by prepending addresses: only the hop the trusted proxy added counts.
        var spoofed = await GetForwardedForAsync(client, "198.51.100.1, 203.0.113.7");
        var second = await GetForwardedForAsync(client, "203.0.113.8");

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], first);
        Assert.Equal(HttpStatusCode.TooManyRequests, spoofed);
        Assert.Equal(HttpStatusCode.Unauthorized, second);
    }

    private static Dictionary<string, string?> Limit(int permits) =>
        new() { ["AuthzWebhook:Api:PermitsPerMinutePerAddress"] = permits.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    private static async Task<HttpStatusCode> GetForwardedForAsync(HttpClient client, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Elevations, UriKind.Relative));
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
