using System.Net;
using AuthzWebhook.IntegrationTests.Infrastructure;

namespace AuthzWebhook.IntegrationTests.Elevations;

/// <summary>Every answer of the API listener, errors included, tells a browser not to cache, frame, sniff or downgrade it; no listener names its server.</summary>
public sealed class ApiSecurityHeadersTests(TestServers servers) : LifecycleTest(servers)
{
    private static readonly Dictionary<string, string> Expected = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Strict-Transport-Security"] = "max-age=31536000",
        ["X-Content-Type-Options"] = "nosniff",
        ["Cache-Control"] = "no-store",
        ["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'",
        ["Referrer-Policy"] = "no-referrer",
        ["X-Frame-Options"] = "DENY",
    };

    [Fact]
    public async Task Every_api_answer_carries_the_security_headers_and_no_server_header()
    {
        var server = await StartServerAsync();
        var alice = Requester(server);
        var answers = new Dictionary<string, ApiResponse>
        {
            ["200 templates"] = await alice.GetJsonAsync("/api/v1/templates"),
            ["200 openapi"] = await ApiWithToken(server, null).GetJsonAsync("/openapi/v1.json"),
            ["201 created"] = await alice.PostJsonAsync(Elevations, PodDebug()),
            ["400 invalid"] = await alice.PostJsonAsync(Elevations, new { template = "pod-debug" }),
            ["401 no token"] = await ApiWithToken(server, null).GetJsonAsync(Elevations),
            ["401 bad token"] = await ApiWithToken(server, "not-a-jwt").GetJsonAsync(Elevations),
            ["404 no endpoint"] = await alice.GetJsonAsync("/nothing-here"),
            ["405 wrong method"] = await alice.GetJsonAsync($"{Elevations}/{Guid.NewGuid()}/approve"),
        };

        Assert.All(answers, pair =>
        {
            Assert.Equal(pair.Key[..3], ((int)pair.Value.Status).ToString(System.Globalization.CultureInfo.InvariantCulture));
            AssertSecurityHeaders(pair.Key, pair.Value.Message);
        });
    }

    [Fact]
    public async Task The_webhook_and_management_listeners_send_no_server_header()
    {
        var server = await StartServerAsync();
        using var review = await server.PostReviewAsync(Reviews.Resource("oidc:alice@example.com", ["oidc:sre"], "get", "pods", "payments"));
        using var management = new HttpClient();
        using var health = await management.GetAsync(new Uri($"http://127.0.0.1:{server.ManagementPort}/healthz"));

        Assert.Equal(HttpStatusCode.OK, review.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Empty(review.Headers.Server);
        Assert.Empty(health.Headers.Server);
    }

    internal static void AssertSecurityHeaders(string what, HttpResponseMessage response)
    {
        foreach (var (name, value) in Expected)
        {
            var actual = response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : null;
            Assert.True(actual == value, $"{what}: {name} is '{actual}', expected '{value}'");
        }

        Assert.True(!response.Headers.Contains("Server"), $"{what}: Server header '{response.Headers.Server}'");
    }
}
