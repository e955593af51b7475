using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AuthzWebhook.IntegrationTests.Infrastructure;

namespace AuthzWebhook.IntegrationTests.Elevations;

/// <summary>
/// <c>POST /api/v1/elevations</c>: retries made safe by Idempotency-Key, every way a request can be refused (and that
/// a refusal writes nothing), and auto-approval.
/// </summary>
public sealed class ElevationRequestTests(TestServers servers) : LifecycleTest(servers)
{
    [Fact]
    public async Task A_retry_with_the_same_idempotency_key_and_body_replays_the_first_answer()
    {
        var server = await StartServerAsync();
        var alice = Requester(server);
        var key = Guid.NewGuid().ToString();

        var first = await alice.PostJsonAsync(Elevations, PodDebug(["payments", "orders"]), key);
        var retry = await alice.PostJsonAsync(Elevations, PodDebug(["payments", "orders"]), key);
        var reordered = await alice.PostJsonAsync(Elevations, PodDebug(["orders", "payments"]), key);

        Assert.True(first.Status == HttpStatusCode.Created, first.ToString());
        Assert.False(first.Message.Headers.Contains("Idempotent-Replayed"));
        foreach (var replay in new[] { retry, reordered })
        {
            Assert.True(replay.Status == HttpStatusCode.OK, replay.ToString());
            Assert.Equal("true", Assert.Single(replay.Message.Headers.GetValues("Idempotent-Replayed")));
            Assert.Equal(first.Id, replay.Id);
            Assert.Equal("pending", replay.State);
        }

        Assert.Equal(1, await ElevationRowsAsync());
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM elevation_history WHERE elevation_id = @id", first.Id));
    }

    [Fact]
    public async Task The_same_idempotency_key_with_a_different_body_is_refused_with_422()
    {
        var server = await StartServerAsync();
        var alice = Requester(server);
        var key = Guid.NewGuid().ToString();
        var first = await alice.PostJsonAsync(Elevations, PodDebug(duration: "PT30M"), key);

        var reused = await alice.PostJsonAsync(Elevations, PodDebug(duration: "PT45M"), key);

        Assert.True(reused.Status == HttpStatusCode.UnprocessableEntity, reused.ToString());
        Assert.Equal("urn:authzwebhook:problem:idempotency-key-reused", reused.ProblemType);
        Assert.Contains(first.Id.ToString(), reused.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, await ElevationRowsAsync());
    }

    [Fact]
    public async Task An_idempotency_key_belongs_to_its_requester_so_another_user_with_it_gets_a_new_elevation()
    {
        var server = await StartServerAsync();
        var alice = Requester(server);
        var frank = Api(server, "frank@example.com", ["sre"]);
        var key = Guid.NewGuid().ToString();

        var hers = await alice.PostJsonAsync(Elevations, PodDebug(), key);
        var his = await frank.PostJsonAsync(Elevations, PodDebug(), key);

        Assert.True(hers.Status == HttpStatusCode.Created, hers.ToString());
        Assert.True(his.Status == HttpStatusCode.Created, his.ToString());
        Assert.NotEqual(hers.Id, his.Id);
        Assert.Equal("oidc:frank@example.com", his.Body.GetProperty("requester").GetString());
        Assert.Equal(2, await ElevationRowsAsync());
    }

    [Fact]
    public async Task Ten_concurrent_creates_with_one_idempotency_key_make_exactly_one_elevation()
    {
        var server = await StartServerAsync();
        var clients = Enumerable.Range(0, 10).Select(_ => Requester(server)).ToArray();
        var key = Guid.NewGuid().ToString();

        using var start = new ManualResetEventSlim();
        var calls = clients.Select(c => Task.Run(async () =>
        {
            start.Wait();
            return await c.PostJsonAsync(Elevations, PodDebug(), key);
        })).ToArray();
        start.Set();
        var results = await Task.WhenAll(calls);

        Assert.True(results.Count(r => r.Status == HttpStatusCode.Created) == 1, string.Join('\n', results.Select(r => r.ToString())));
        Assert.True(results.Count(r => r.Status == HttpStatusCode.OK) == 9, string.Join('\n', results.Select(r => r.ToString())));
        Assert.Single(results.Select(r => r.Id).Distinct());
        Assert.Equal(1, await ElevationRowsAsync());
    }

    [Fact]
    public async Task A_requester_outside_the_eligible_groups_is_refused_as_not_eligible_and_nothing_is_written()
    {
        var server = await StartServerAsync();
        var erin = Api(server, Erin, ["developers"]);

        var refused = await erin.PostJsonAsync(Elevations, PodDebug());

        Assert.True(refused.Status == HttpStatusCode.Forbidden, refused.ToString());
        Assert.Equal("urn:authzwebhook:problem:not-eligible", refused.ProblemType);
        Assert.Equal(0, await ElevationRowsAsync());
    }

    [Fact]
    public async Task A_namespace_the_template_does_not_cover_is_refused_and_nothing_is_written()
    {
        var server = await StartServerAsync();
        var alice = Requester(server);

        var refused = await alice.PostJsonAsync(Elevations, TeamAdmin("payments"));
        var oneOfTwo = await alice.PostJsonAsync(Elevations, new { template = "team-admin", namespaces = new[] { "team-a", "payments" }, duration = "PT30M", reason = "x" });

        Assert.True(refused.Status == HttpStatusCode.Forbidden, refused.ToString());
        Assert.Equal("urn:authzwebhook:problem:namespace-not-allowed", refused.ProblemType);
        Assert.Contains("payments", refused.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("urn:authzwebhook:problem:namespace-not-allowed", oneOfTwo.ProblemType);
        Assert.Equal(0, await ElevationRowsAsync());
    }

    [Fact]
    public async Task A_duration_over_the_template_maximum_is_refused_naming_the_duration_field()
    {
        var server = await StartServerAsync();
        var alice = Requester(server);

        var refused = await alice.PostJsonAsync(Elevations, PodDebug(duration: "PT2H"));
        var atTheMaximum = await alice.PostJsonAsync(Elevations, PodDebug(duration: "PT1H"));

        Assert.True(refused.Status == HttpStatusCode.BadRequest, refused.ToString());
        Assert.Equal("urn:authzwebhook:problem:invalid-request", refused.ProblemType);
        Assert.Contains("PT1H", refused.Body.GetProperty("errors").GetProperty("duration")[0].GetString(), StringComparison.Ordinal);
        Assert.True(atTheMaximum.Status == HttpStatusCode.Created, atTheMaximum.ToString());
        Assert.Equal(1, await ElevationRowsAsync());
    }

    private const string Valid = """{"template":"pod-debug","namespaces":["payments"],"duration":"PT30M","reason":"INC-1"}""";

    // case → body, content type, Idempotency-Key, expected status and the field 'errors' must name (null: no errors).
    private static readonly (string Case, byte[]? Body, string? ContentType, string? Key, HttpStatusCode Status, string? Field)[] Malformed =
    [
        ("missing reason", Utf8("""{"template":"pod-debug","namespaces":["payments"],"duration":"PT30M"}"""), Json, null, HttpStatusCode.BadRequest, "reason"),
        ("blank reason", Utf8("""{"template":"pod-debug","namespaces":["payments"],"duration":"PT30M","reason":"  \n "}"""), Json, null, HttpStatusCode.BadRequest, "reason"),
        ("reason over 2000 characters", Utf8(Valid.Replace("INC-1", new string('x', 2001), StringComparison.Ordinal)), Json, null, HttpStatusCode.BadRequest, "reason"),
        ("bell in the reason", Utf8(Valid.Replace("INC-1", @"a\u0007b", StringComparison.Ordinal)), Json, null, HttpStatusCode.BadRequest, "reason"),
        ("NUL in the reason", Utf8(Valid.Replace("INC-1", @"a\u0000b", StringComparison.Ordinal)), Json, null, HttpStatusCode.BadRequest, "reason"),
        ("escape sequence in the reason", Utf8(Valid.Replace("INC-1", @"\u001b[31mred", StringComparison.Ordinal)), Json, null, HttpStatusCode.BadRequest, "reason"),
        ("lone surrogate in the reason", Utf8(Valid.Replace("INC-1", @"a\ud800b", StringComparison.Ordinal)), Json, null, HttpStatusCode.BadRequest, "$.reason"),
        ("zero-width space in the reason", Utf8(Valid.Replace("INC-1", "INC\u200B-1", StringComparison.Ordinal)), Json, null, HttpStatusCode.BadRequest, "reason"),
        ("NUL in the template", Utf8(Valid.Replace("pod-debug", @"pod-debug\u0000", StringComparison.Ordinal)), Json, null, HttpStatusCode.BadRequest, "template"),
        ("bidi override in a namespace", Utf8(Valid.Replace("payments", "pay\u202Ements", StringComparison.Ordinal)), Json, null, HttpStatusCode.BadRequest, "namespaces"),
        ("reason as a number", Utf8(Valid.Replace("\"INC-1\"", "1e999999", StringComparison.Ordinal)), Json, null, HttpStatusCode.BadRequest, "$.reason"),
        ("duration as an object", Utf8(Valid.Replace("\"PT30M\"", "{\"minutes\":30}", StringComparison.Ordinal)), Json, null, HttpStatusCode.BadRequest, "$.duration"),
        ("namespaces nested 5000 deep", Utf8(Valid.Replace("[\"payments\"]", new string('[', 5000) + new string(']', 5000), StringComparison.Ordinal)), Json, null, HttpStatusCode.BadRequest, null),
        ("invalid UTF-8 in the reason", [.. Utf8(Valid[..^3]), 0xC3, 0x28, .. Utf8(Valid[^3..])], Json, null, HttpStatusCode.BadRequest, "$.reason"),
        ("bad namespace name", Utf8(Valid.Replace("payments", "Payments_1", StringComparison.Ordinal)), Json, null, HttpStatusCode.BadRequest, "namespaces"),
        ("null namespace", Utf8(Valid.Replace("\"payments\"", "null", StringComparison.Ordinal)), Json, null, HttpStatusCode.BadRequest, "namespaces"),
        ("no namespace on a namespaced template", Utf8(Valid.Replace("\"payments\"", string.Empty, StringComparison.Ordinal)), Json, null, HttpStatusCode.BadRequest, "namespaces"),
        ("51 namespaces", Utf8(Valid.Replace("\"payments\"", string.Join(',', Enumerable.Range(0, 51).Select(i => $"\"ns-{i}\"")), StringComparison.Ordinal)), Json, null, HttpStatusCode.BadRequest, "namespaces"),
        ("namespaces on a cluster template", Utf8(Valid.Replace("pod-debug", "cluster-admin", StringComparison.Ordinal)), Json, null, HttpStatusCode.BadRequest, "namespaces"),
        ("unknown template", Utf8(Valid.Replace("pod-debug", "root", StringComparison.Ordinal)), Json, null, HttpStatusCode.BadRequest, "template"),
        ("missing template", Utf8("""{"namespaces":["payments"],"duration":"PT30M","reason":"x"}"""), Json, null, HttpStatusCode.BadRequest, "template"),
        ("missing duration", Utf8("""{"template":"pod-debug","namespaces":["payments"],"reason":"x"}"""), Json, null, HttpStatusCode.BadRequest, "duration"),
        ("duration not ISO 8601", Utf8(Valid.Replace("PT30M", "30m", StringComparison.Ordinal)), Json, null, HttpStatusCode.BadRequest, "duration"),
        ("duration in months", Utf8(Valid.Replace("PT30M", "P1M", StringComparison.Ordinal)), Json, null, HttpStatusCode.BadRequest, "duration"),
        ("duration under a minute", Utf8(Valid.Replace("PT30M", "PT30S", StringComparison.Ordinal)), Json, null, HttpStatusCode.BadRequest, "duration"),
        ("negative duration", Utf8(Valid.Replace("PT30M", "-PT30M", StringComparison.Ordinal)), Json, null, HttpStatusCode.BadRequest, "duration"),
        ("bad ticket", Utf8(Valid.Replace("}", ",\"ticket\":\"INC 4711\"}", StringComparison.Ordinal)), Json, null, HttpStatusCode.BadRequest, "ticket"),
        ("unknown field", Utf8("""{"template":"pod-debug","extra":1}"""), Json, null, HttpStatusCode.BadRequest, "$.extra"),
        ("field in the wrong case", Utf8(Valid.Replace("\"template\"", "\"Template\"", StringComparison.Ordinal)), Json, null, HttpStatusCode.BadRequest, "$.Template"),
        ("wrong type", Utf8(Valid.Replace("[\"payments\"]", "\"payments\"", StringComparison.Ordinal)), Json, null, HttpStatusCode.BadRequest, "$.namespaces"),
        ("malformed JSON", Utf8("""{"template":"""), Json, null, HttpStatusCode.BadRequest, "$.template"),
        ("two JSON documents", Utf8(Valid + " {}"), Json, null, HttpStatusCode.BadRequest, "$"),
        ("null body", Utf8("null"), Json, null, HttpStatusCode.BadRequest, "$"),
        ("array body", Utf8("[]"), Json, null, HttpStatusCode.BadRequest, "$"),
        ("empty body", [], Json, null, HttpStatusCode.BadRequest, "$"),
        ("text/plain", Utf8(Valid), "text/plain", null, HttpStatusCode.UnsupportedMediaType, null),
        ("no content type", Utf8(Valid), null, null, HttpStatusCode.UnsupportedMediaType, null),
        ("no body at all", null, null, null, HttpStatusCode.UnsupportedMediaType, null),
        ("Idempotency-Key with a space", Utf8(Valid), Json, "two words", HttpStatusCode.BadRequest, "Idempotency-Key"),
        ("Idempotency-Key of 201 characters", Utf8(Valid), Json, new string('k', 201), HttpStatusCode.BadRequest, "Idempotency-Key"),
    ];

    [Fact]
    public async Task Every_malformed_request_is_refused_naming_what_is_wrong_and_nothing_is_written()
    {
        var server = await StartServerAsync();
        var alice = Requester(server);
        var mismatches = new StringBuilder();

        foreach (var (name, body, contentType, key, status, field) in Malformed)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Elevations, UriKind.Relative));
            if (body is not null)
            {
                request.Content = new ByteArrayContent(body);
                request.Content.Headers.ContentType = contentType is null ? null : MediaTypeHeaderValue.Parse(contentType);
            }

            if (key is not null)
            {
                request.Headers.Add("Idempotency-Key", key);
            }

            var response = await ApiResponse.ReadAsync(await alice.SendAsync(request));
            var expectedType = status == HttpStatusCode.UnsupportedMediaType ? "urn:authzwebhook:problem:unsupported-media-type" : "urn:authzwebhook:problem:invalid-request";
            if (response.Status != status || response.ProblemType != expectedType || (field is not null && !HasError(response, field)))
            {
                mismatches.AppendLine($"{name}: expected {(int)status} naming '{field}', got {response}");
            }

            if (response.Message.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                mismatches.AppendLine($"{name}: answered as {response.Message.Content.Headers.ContentType}");
            }

            if (await ElevationRowsAsync() != 0)
            {
                mismatches.AppendLine($"{name}: an elevation was written");
                break;
            }
        }

        Assert.True(mismatches.Length == 0, mismatches.ToString());
    }

    [Fact]
    public async Task A_reason_hiding_a_bidirectional_override_is_refused_and_nothing_is_written()
    {
        var server = await StartServerAsync();
        var alice = Requester(server);

        var refused = await alice.PostJsonAsync(Elevations, PodDebug(reason: "rollback \u202Eyrotsih\u202C outage"));

        Assert.True(refused.Status == HttpStatusCode.BadRequest, refused.ToString());
        Assert.True(HasError(refused, "reason"), refused.ToString());
        Assert.Equal(0, await ElevationRowsAsync());
    }

    [Fact]
    public async Task A_body_over_the_configured_maximum_is_refused_and_nothing_is_written()
    {
        var server = await StartServerAsync(overrides: new Dictionary<string, string?> { ["AuthzWebhook:Api:MaxBodyBytes"] = "2048" });
        var alice = Requester(server);
        // A valid request padded with insignificant white space: only its size is wrong.
        var padded = Valid[..^1] + new string(' ', 4096) + "}";

        var refused = await alice.PostRawAsync(Elevations, padded);

        Assert.True(refused.Status is HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.BadRequest, refused.ToString());
        Assert.Equal("application/problem+json", refused.Message.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, await ElevationRowsAsync());
    }

    [Fact]
    public async Task An_auto_approved_request_is_active_at_once_for_its_duration_and_allows_the_review()
    {
        var server = await StartServerAsync();
        var alice = Requester(server);
        var review = Reviews.Resource("oidc:" + Alice, ["oidc:sre"], "delete", "deployments", "team-a", group: "apps");
        Assert.False((await server.ReviewAsync(review)).Allowed);

        var created = await alice.PostJsonAsync(Elevations, TeamAdmin("team-a", "PT45M"));

        Assert.True(created.Status == HttpStatusCode.Created, created.ToString());
        Assert.Equal($"/api/v1/elevations/{created.Id}", created.Message.Headers.Location?.OriginalString);
        Assert.Equal("active", created.State);
        Assert.Equal(0, created.Body.GetProperty("required_approvals").GetInt32());
        Assert.True(IsNull(created.Body, "pending_until"));
        var activatedAt = Time(created.Body, "activated_at");
        Assert.Equal(TimeSpan.FromMinutes(45), Time(created.Body, "expires_at") - activatedAt);
        Assert.Equal(Time(created.Body, "created_at"), activatedAt);

        var allowed = await server.ReviewAsync(review);
        Assert.True(allowed.Allowed, allowed.Reason);
        Assert.Contains($"elevation {created.Id}", allowed.Reason, StringComparison.Ordinal);
        Assert.False((await server.ReviewAsync(Reviews.Resource("oidc:" + Alice, ["oidc:sre"], "delete", "deployments", "team-b", group: "apps"))).Allowed);

        var details = await alice.GetJsonAsync($"{Elevations}/{created.Id}");
        Assert.Equal(["requested", "activated"], Actions(details));
        Assert.Equal("policy:auto-approve", LastHistory(details).GetProperty("actor").GetString());
    }

    private const string Json = "application/json";

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
