using System.Net;
using AuthzWebhook.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using StackExchange.Redis;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace AuthzWebhook.IntegrationTests.Elevations;

/// <summary>
/// A whole elevation, from request to revocation, with every log category at Trace from start-up on: no token, part of a
/// token or configured secret reaches the application logs or the decision records.
/// </summary>
public sealed class SecretsInLogsTests(TestServers servers) : LifecycleTest(servers)
{
    [Fact]
    public async Task Tokens_and_configured_secrets_never_appear_in_the_logs_or_decision_records_of_a_whole_scenario()
    {
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var postgresPassword = "pg-pw-" + suffix;
        var redisPassword = "redis-pw-" + suffix;
        const string ReceiverHeader = "Bearer receiver-s3cret-4711";
        const string ReceiverPath = "/services/T000/B000/XXXXhooksecret";
        using var receiver = WireMockServer.Start();
        receiver.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(204));
        var settings = new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Trace",
            ["Logging:LogLevel:Npgsql"] = "Trace",
            ["AuthzWebhook:Notifications:Receivers:0:Name"] = "audit",
            ["AuthzWebhook:Notifications:Receivers:0:Url"] = receiver.Urls[0] + ReceiverPath,
            ["AuthzWebhook:Notifications:Receivers:0:Format"] = "json",
            ["AuthzWebhook:Notifications:Receivers:0:Events:0"] = "requested",
            ["AuthzWebhook:Notifications:Receivers:0:Events:1"] = "revoked",
            ["AuthzWebhook:Notifications:Receivers:0:Headers:Authorization"] = ReceiverHeader,
        };
        var logs = new CapturedLogs();
        var server = await StartServerAsync(
            postgres: await DatabaseWithPasswordAsync("authz_" + suffix, postgresPassword),
            redis: await RedisUserWithPasswordAsync("authz-" + suffix, redisPassword),
            overrides: settings,
            configureServices: services => services.AddSingleton<ILoggerProvider>(logs));

        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object> { ["sub"] = "sub-alice", ["email"] = Alice, ["groups"] = new[] { "sre" } };
        var aliceToken = Idp.TokenFor(Alice, ["sre"]);
        var bobToken = Idp.TokenFor(Bob, ["sre-leads"]);
        string[] refusedTokens =
        [
            Idp.Mint(claims, notBefore: now.AddHours(-2), expires: now.AddMinutes(-10)),
            Idp.Mint(claims, audience: "some-other-api"),
            Idp.Mint(new Dictionary<string, object> { ["sub"] = "s", ["email"] = Alice, ["email_verified"] = false }),
            Idp.UnsignedToken(Alice, ["sre"]),
        ];
        var queryToken = Idp.TokenFor(Carol, ["sre"]);
        var alice = ApiWithToken(server, aliceToken);

        var created = await alice.PostJsonAsync(Elevations, PodDebug());
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var approved = await ApiWithToken(server, bobToken).PostJsonAsync($"{Elevations}/{created.Id}/approve", new { comment = "ok" });
        Assert.Equal("active", approved.State);
        await EventuallyAsync(async () => (await server.ReviewAsync(PodLogReview(Alice, "payments"))).Allowed, TimeSpan.FromSeconds(10), "an allow for the active elevation");
        var revoked = await alice.PostJsonAsync($"{Elevations}/{created.Id}/revoke", new { reason = "done" });
        Assert.Equal("revoked", revoked.State);
        await EventuallyAsync(async () => !(await server.ReviewAsync(PodLogReview(Alice, "payments"))).Allowed, TimeSpan.FromSeconds(10), "no allow after revocation");
        foreach (var token in refusedTokens)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await ApiWithToken(server, token).GetJsonAsync("/api/v1/templates")).Status);
        }

        // No endpoint reads a token from the query string; a client that puts one there anyway must not find it in the logs.
        Assert.Equal(HttpStatusCode.Unauthorized, (await ApiWithToken(server, null).GetJsonAsync("/api/v1/templates?access_token=" + queryToken)).Status);
        await EventuallyAsync(() => Task.FromResult(receiver.LogEntries.Count >= 2), TimeSpan.FromSeconds(15), "both notifications delivered");
        Assert.All(receiver.LogEntries, e => Assert.Equal(ReceiverHeader, e.RequestMessage!.Headers!["Authorization"].Single()));

        var lines = logs.Lines.Select(l => l.Text).ToList();
        lines.AddRange(await ReadSharedAsync(server.DecisionLogPath));
        Assert.Contains(lines, l => l.Contains(created.Id.ToString(), StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("\"decision\":\"allow\"", StringComparison.Ordinal));
        var secrets = new Dictionary<string, string>
        {
            ["the Postgres password"] = postgresPassword,
            ["the Redis password"] = redisPassword,
            ["the receiver's header value"] = "receiver-s3cret-4711",
            ["the receiver's URL secret"] = "XXXXhooksecret",
        };
        foreach (var (i, token) in new[] { aliceToken, bobToken, queryToken }.Concat(refusedTokens).Index())
        {
            // The signature and the payload are each enough to recognise (and the payload to read) a token.
            var parts = token.Split('.');
            secrets[$"token {i}"] = token;
            secrets[$"token {i} payload"] = parts[1];
            if (parts[2].Length > 0)
            {
                secrets[$"token {i} signature"] = parts[2];
            }
        }

        var leaks = secrets.SelectMany(s => lines.Where(l => l.Contains(s.Value, StringComparison.Ordinal)).Select(l => $"{s.Key}: {l}")).ToArray();
        Assert.True(leaks.Length == 0, string.Join('\n', leaks));
        Assert.True(lines.Count > 100, $"only {lines.Count} lines captured: is Trace logging on?");
    }

    /// <summary>This test's database, owned by a role with a password, so the password is part of the connection string.</summary>
    private async Task<string> DatabaseWithPasswordAsync(string role, string password)
    {
        var builder = new NpgsqlConnectionStringBuilder(Database);
        await using (var connection = new NpgsqlConnection(Database))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE ROLE \"{role}\" LOGIN PASSWORD '{password}'; ALTER DATABASE \"{builder.Database}\" OWNER TO \"{role}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        builder.Username = role;
        builder.Password = password;
        return builder.ConnectionString;
    }

    /// <summary>A Redis ACL user with a password, so that the service must authenticate with it.</summary>
    private async Task<string> RedisUserWithPasswordAsync(string user, string password)
    {
        await using var admin = await ConnectionMultiplexer.ConnectAsync(Servers.RedisConfiguration);
        var endpoint = admin.GetEndPoints().Single();
        await admin.GetServer(endpoint).ExecuteAsync("ACL", "SETUSER", user, "on", ">" + password, "~*", "&*", "+@all");
        Track(new RedisUserRemoval(Servers.RedisConfiguration, user));
        return $"{Servers.RedisConfiguration},user={user},password={password}";
    }

    private static async Task<string[]> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return (await reader.ReadToEndAsync()).Split('\n');
    }

    private sealed class RedisUserRemoval(string configuration, string user) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await using var admin = await ConnectionMultiplexer.ConnectAsync(configuration);
            await admin.GetServer(admin.GetEndPoints().Single()).ExecuteAsync("ACL", "DELUSER", user);
        }
    }
}
