using System.Globalization;
using System.Text.Json;
using AuthzWebhook.IntegrationTests.Infrastructure;
using Npgsql;

namespace AuthzWebhook.IntegrationTests.Elevations;

/// <summary>
/// What the lifecycle tests share: the people of the standard policy as API clients, request bodies, and reads of what
/// Postgres holds, so that every refusal can be checked for having written nothing.
/// </summary>
public abstract class LifecycleTest(TestServers servers) : IntegrationTest(servers)
{
    protected const string Elevations = "/api/v1/elevations";

    // Token e-mails; the service sees them as oidc:<email>.
    protected const string Alice = "alice@example.com";
    protected const string Bob = "bob@example.com";
    protected const string Carol = "carol@example.com";
    protected const string Dave = "dave@example.com";
    protected const string Erin = "erin@example.com";

    private readonly List<IDisposable> _clients = [];

    public override async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        await base.DisposeAsync();
    }

    /// <summary>A client for <paramref name="email"/> in <paramref name="groups"/> (OIDC names, before the prefix).</summary>
    protected HttpClient Api(WebhookServer server, string email, string[] groups, bool mfa = false) =>
        ApiWithToken(server, Idp.TokenFor(email, groups, mfa));

    /// <summary>A client sending <paramref name="token"/> as it is (null: no Authorization header).</summary>
    protected HttpClient ApiWithToken(WebhookServer server, string? token)
    {
        var client = server.CreateApiClient(token);
        _clients.Add(client);
        return client;
    }

    /// <summary>alice: in sre, so she may request pod-debug, team-admin and cluster-admin.</summary>
    protected HttpClient Requester(WebhookServer server) => Api(server, Alice, ["sre"]);

    /// <summary>bob: in sre-leads, so he approves pod-debug and cluster-admin.</summary>
    protected HttpClient Approver(WebhookServer server, bool mfa = false) => Api(server, Bob, ["sre-leads"], mfa);

    /// <summary>dave: in authz-admins.</summary>
    protected HttpClient Admin(WebhookServer server) => Api(server, Dave, ["authz-admins"]);

    protected static object PodDebug(string[]? namespaces = null, string duration = "PT30M", string reason = "INC-4711 checkout errors", string? ticket = null) =>
        new { template = "pod-debug", namespaces = namespaces ?? ["payments"], duration, reason, ticket };

    protected static object TeamAdmin(string ns = "team-a", string duration = "PT30M", string reason = "deploy hotfix", string? ticket = null) =>
        new { template = "team-admin", namespaces = new[] { ns }, duration, reason, ticket };

    protected static string PodLogReview(string email, string ns) =>
        Reviews.Resource("oidc:" + email, ["oidc:sre", "system:authenticated"], "get", "pods", ns, "log");

    /// <summary>Creates a pod-debug request and has it approved; returns the active elevation with its history.</summary>
    protected static async Task<ApiResponse> ActivePodDebugAsync(HttpClient requester, HttpClient approver, string ns = "payments", string duration = "PT30M", string? ticket = null)
    {
        var created = await requester.PostJsonAsync(Elevations, PodDebug([ns], duration, ticket: ticket));
        Assert.True(created.Status == System.Net.HttpStatusCode.Created, created.ToString());
        var approved = await approver.PostJsonAsync($"{Elevations}/{created.Id}/approve", new { comment = "go" });
        Assert.True(approved.State == "active", approved.ToString());
        return approved;
    }

    protected async Task<long> CountAsync(string sql, Guid? id = null)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        if (id is { } value)
        {
            command.Parameters.AddWithValue("id", value);
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    protected Task<long> ElevationRowsAsync() => CountAsync("SELECT count(*) FROM elevations");

    protected Task<long> LiveWindowsAsync(Guid id) => CountAsync("SELECT count(*) FROM elevation_windows WHERE id = @id AND revoked_at IS NULL", id);

    protected static DateTimeOffset Time(JsonElement body, string property) =>
        DateTimeOffset.Parse(body.GetProperty(property).GetString()!, CultureInfo.InvariantCulture);

    protected static bool IsNull(JsonElement body, string property) => body.GetProperty(property).ValueKind == JsonValueKind.Null;

    protected static string[] Actions(ApiResponse details) =>
        [.. details.Body.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("action").GetString()!)];

    protected static JsonElement LastHistory(ApiResponse details) => details.Body.GetProperty("history").EnumerateArray().Last();

    protected static string? ErrorsOf(ApiResponse response) =>
        response.Body.ValueKind == JsonValueKind.Object && response.Body.TryGetProperty("errors", out var errors) ? errors.GetRawText() : null;

    protected static bool HasError(ApiResponse response, string field) =>
        response.Body.ValueKind == JsonValueKind.Object && response.Body.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out _);

    /// <summary>After moving a fake clock, waits until the window index has proved itself fresh again at the new time.</summary>
    protected static Task WaitUntilFreshAsync(WebhookServer server) =>
        EventuallyAsync(() => Task.FromResult(server.Service<AuthzWebhook.Windows.WindowFreshness>().IsFresh()), TimeSpan.FromSeconds(10), "the window index confirmed fresh");
}
