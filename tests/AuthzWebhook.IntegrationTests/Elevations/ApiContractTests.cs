using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using AuthzWebhook.IntegrationTests.Infrastructure;

namespace AuthzWebhook.IntegrationTests.Elevations;

/// <summary>What every client relies on across endpoints: the OpenAPI document, the rate limit, problem details, timestamps.</summary>
public sealed class ApiContractTests(TestServers servers) : LifecycleTest(servers)
{
    private static readonly string[] ApiPaths =
    [
        "/api/v1/templates",
        "/api/v1/elevations",
        "/api/v1/elevations/{id}",
        "/api/v1/elevations/{id}/approve",
        "/api/v1/elevations/{id}/reject",
        "/api/v1/elevations/{id}/revoke",
        "/api/v1/elevations/{id}/extend",
        "/api/v1/tickets/{ticket}/close",
        "/api/v1/explain",
        "/api/v1/whoami",
        "/api/v1/status",
        "/api/v1/cli-config",
    ];

    [Fact]
    public async Task The_openapi_document_is_served_without_a_token_lists_every_path_and_declares_bearer_tokens()
    {
        var server = await StartServerAsync();
        var anonymous = ApiWithToken(server, null);

        var document = await anonymous.GetJsonAsync("/openapi/v1.json");

        Assert.True(document.Status == HttpStatusCode.OK, document.ToString());
        var paths = document.Body.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToArray();
        Assert.All(ApiPaths, path => Assert.Contains(path, paths));
        Assert.True(document.Body.GetProperty("paths").GetProperty("/api/v1/elevations").TryGetProperty("post", out _));
        Assert.True(document.Body.GetProperty("paths").GetProperty("/api/v1/elevations").TryGetProperty("get", out _));
        var schemes = document.Body.GetProperty("components").GetProperty("securitySchemes").EnumerateObject().Select(s => s.Value).ToArray();
        Assert.Contains(schemes, s => s.GetProperty("type").GetString() == "http" && string.Equals(s.GetProperty("scheme").GetString(), "bearer", StringComparison.OrdinalIgnoreCase));
        Assert.NotEqual(0, document.Body.GetProperty("security").GetArrayLength());
    }

    [Fact]
    public async Task The_openapi_document_is_not_served_on_the_management_listener()
    {
        var server = await StartServerAsync();
        using var management = new HttpClient();

        using var response = await management.GetAsync(new Uri($"http://127.0.0.1:{server.ManagementPort}/openapi/v1.json"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task A_user_over_the_rate_limit_gets_429_with_retry_after_while_another_user_is_still_served()
    {
        var server = await StartServerAsync(overrides: new Dictionary<string, string?> { ["AuthzWebhook:Api:PermitsPerMinute"] = "3" });
        var alice = Requester(server);
        var bob = Approver(server);

        var allowed = new List<ApiResponse>();
        for (var i = 0; i < 3; i++)
        {
            allowed.Add(await alice.GetJsonAsync("/api/v1/templates"));
        }

        var limited = await alice.GetJsonAsync("/api/v1/templates");
        var other = await bob.GetJsonAsync("/api/v1/templates");

        Assert.All(allowed, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.True(limited.Status == HttpStatusCode.TooManyRequests, limited.ToString());
        Assert.Equal("application/problem+json", limited.Message.Content.Headers.ContentType?.MediaType);
        Assert.Equal("urn:authzwebhook:problem:rate-limited", limited.ProblemType);
        var retryAfter = limited.Message.Headers.RetryAfter?.Delta;
        Assert.True(retryAfter is { } wait && wait > TimeSpan.Zero && wait <= TimeSpan.FromMinutes(1), $"Retry-After: {limited.Message.Headers.RetryAfter}");
        Assert.True(other.Status == HttpStatusCode.OK, other.ToString());
    }

    [Fact]
    public async Task Every_error_is_problem_details_with_type_title_status_and_detail()
    {
        var server = await StartServerAsync();
        var alice = Requester(server);
        var bob = Approver(server);
        var anonymous = ApiWithToken(server, null);
        var key = Guid.NewGuid().ToString();
        var pending = await alice.PostJsonAsync(Elevations, PodDebug(), key);
        await alice.PostJsonAsync($"{Elevations}/{pending.Id}/revoke", new { reason = "not needed" });

        var errors = new Dictionary<string, ApiResponse>
        {
            ["400 invalid body"] = await alice.PostJsonAsync(Elevations, new { template = "pod-debug" }),
            ["400 bad query"] = await alice.GetJsonAsync($"{Elevations}?state=nope"),
            ["401 no token"] = await anonymous.GetJsonAsync(Elevations),
            ["401 bad token"] = await ApiWithToken(server, "not-a-jwt").GetJsonAsync(Elevations),
            ["403 not eligible"] = await Api(server, Erin, ["developers"]).PostJsonAsync(Elevations, PodDebug()),
            // An admin sees every elevation but approves only as a member of the template's approver groups.
            ["403 not an approver"] = await Admin(server).PostJsonAsync($"{Elevations}/{pending.Id}/approve", new { }),
            ["404 no elevation"] = await alice.GetJsonAsync($"{Elevations}/{Guid.NewGuid()}"),
            ["404 no endpoint"] = await alice.GetJsonAsync("/api/v1/nothing-here"),
            ["405 wrong method"] = await alice.GetJsonAsync($"{Elevations}/{pending.Id}/approve"),
            ["409 conflict"] = await bob.PostJsonAsync($"{Elevations}/{pending.Id}/approve", new { }),
            ["415 not JSON"] = await PostTextAsync(alice, Elevations, "template=pod-debug"),
            ["422 key reused"] = await alice.PostJsonAsync(Elevations, PodDebug(duration: "PT10M"), key),
        };

        var problems = new StringBuilder();
        foreach (var (name, response) in errors)
        {
            var expectedStatus = int.Parse(name[..3], CultureInfo.InvariantCulture);
            var body = response.Body;
            if ((int)response.Status != expectedStatus
                || response.Message.Content.Headers.ContentType?.MediaType != "application/problem+json"
                || body.ValueKind != JsonValueKind.Object
                || !NonEmpty(body, "type") || !response.ProblemType!.StartsWith("urn:authzwebhook:problem:", StringComparison.Ordinal)
                || !NonEmpty(body, "title") || !NonEmpty(body, "detail")
                || !body.TryGetProperty("status", out var status) || status.GetInt32() != expectedStatus)
            {
                problems.AppendLine($"{name}: {response.Message.Content.Headers.ContentType} {response}");
            }
        }

        Assert.True(problems.Length == 0, problems.ToString());
    }

    [Fact]
    public async Task Every_timestamp_in_a_response_is_utc_with_a_z()
    {
        var server = await StartServerAsync();
        var alice = Requester(server);
        var bob = Approver(server);
        var created = await alice.PostJsonAsync(Elevations, PodDebug(ticket: "INC-5"));
        var approved = await bob.PostJsonAsync($"{Elevations}/{created.Id}/approve", new { comment = "ok" });
        var extended = await alice.PostJsonAsync($"{Elevations}/{created.Id}/extend", new { duration = "PT10M", reason = "more" });
        var list = await alice.GetJsonAsync(Elevations);
        var closed = await Admin(server).PostJsonAsync("/api/v1/tickets/INC-5/close", new { reason = "done" });

        var timestamps = new List<string>();
        foreach (var response in new[] { created, approved, extended, list, closed })
        {
            CollectTimestamps(response.Body, timestamps);
        }

        Assert.True(timestamps.Count > 10, string.Join(", ", timestamps));
        Assert.All(timestamps, t => Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?Z$", t));
    }

    private static async Task<ApiResponse> PostTextAsync(HttpClient client, string path, string text)
    {
        using var content = new StringContent(text, Encoding.UTF8, "text/plain");
        return await ApiResponse.ReadAsync(await client.PostAsync(new Uri(path, UriKind.Relative), content));
    }

    private static bool NonEmpty(JsonElement body, string property) =>
        body.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString());

    private static void CollectTimestamps(JsonElement element, List<string> found)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                CollectTimestamps(item, found);
            }
        }
        else if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if ((property.Name == "at" || property.Name.EndsWith("_at", StringComparison.Ordinal) || property.Name == "pending_until") && property.Value.ValueKind == JsonValueKind.String)
                {
                    found.Add(property.Value.GetString()!);
                }

                CollectTimestamps(property.Value, found);
            }
        }
    }
}
