using System.Collections.Concurrent;
using System.Globalization;
using AuthzWebhook.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace AuthzWebhook.IntegrationTests.Faults;

/// <summary>
/// The soak: reviews and REST calls (request, approve, use, revoke) against two instances for ten minutes
/// (<c>AUTHZ_SOAK_MINUTES</c>), with a fault injected 20 s into every minute, in turn. Not part of <c>make test</c>
/// (Category=Soak); <c>make soak</c> runs it and prints the per-minute table for docs/reliability.md.
/// </summary>
[Trait("Category", "Soak")]
public sealed class SoakTests(TestServers servers, ITestOutputHelper output) : IntegrationTest(servers)
{
    private static readonly (string Name, TimeSpan Duration, Action<FaultRun> Inject, Action<FaultRun> Clear)[] Faults =
    [
        ("Redis killed 3 s", TimeSpan.FromSeconds(3), run => run.Redis.Kill(), run => run.Redis.Start()),
        ("Postgres stopped 3 s", TimeSpan.FromSeconds(3), run => run.Postgres.Stop(), run => run.Postgres.Start()),
        ("Redis paused 4 s", TimeSpan.FromSeconds(4), run => run.Redis.Pause(), run => run.Redis.Resume()),
        ("Postgres unreachable 4 s", TimeSpan.FromSeconds(4), run => run.PostgresProxy.Cut(), run => run.PostgresProxy.Restore()),
        ("both unreachable 4 s", TimeSpan.FromSeconds(4), run => { run.PostgresProxy.Cut(); run.RedisProxy.Cut(); }, run => { run.PostgresProxy.Restore(); run.RedisProxy.Restore(); }),
    ];

    [Fact]
    public async Task Ten_minutes_of_mixed_load_with_a_fault_every_minute()
    {
        var minutes = int.TryParse(Environment.GetEnvironmentVariable("AUTHZ_SOAK_MINUTES"), NumberStyles.None, CultureInfo.InvariantCulture, out var m) ? m : 10;
        await using var run = await FaultRun.StartAsync(Pki, (postgres, redis) => StartServerAsync(postgres: postgres, redis: redis), ["oidc:alice@example.com"]);
        using var alice = run.Servers[0].CreateApiClient(Idp.TokenFor("alice@example.com", ["sre"]));
        using var bob = run.Servers[1].CreateApiClient(Idp.TokenFor("bob@example.com", ["sre-leads"]));
        using var stop = new CancellationTokenSource();
        var rest = new ConcurrentQueue<(DateTimeOffset At, bool Ok)>();
        var restLoop = Task.Run(() => RestLoopAsync(alice, bob, rest, stop.Token));

        var start = DateTimeOffset.UtcNow;
        var injected = new List<string>();
        for (var minute = 0; minute < minutes; minute++)
        {
            var fault = Faults[minute % Faults.Length];
            injected.Add(fault.Name);
            await DelayUntil(start + TimeSpan.FromMinutes(minute) + TimeSpan.FromSeconds(20));
            fault.Inject(run);
            await Task.Delay(fault.Duration);
            fault.Clear(run);
            await DelayUntil(start + TimeSpan.FromMinutes(minute + 1));
        }

        await stop.CancelAsync();
        await restLoop;
        var rows = await run.AccountByMinuteAsync(start);

        var table = new List<string> { SoakMinute.Header };
        foreach (var row in rows.Where(r => r.Minute <= minutes))
        {
            var calls = rest.Where(c => (int)((c.At - start).TotalMinutes) == row.Minute - 1).ToList();
            table.Add(row.Row(injected[row.Minute - 1], calls.Count(c => c.Ok), calls.Count(c => !c.Ok)));
        }

        foreach (var line in table)
        {
            output.WriteLine(line);
        }

        if (Environment.GetEnvironmentVariable("AUTHZ_SOAK_REPORT") is { Length: > 0 } path)
        {
            await File.WriteAllLinesAsync(path, table);
        }

        Assert.All(rows, r => Assert.Equal(0, r.WrongAllows));
        Assert.All(rows, r => Assert.Equal(0, r.LostRecords));
        Assert.All(rows, r => Assert.Equal(0, r.Errors));
    }

    /// <summary>Request, approve, let it be used for a couple of seconds, revoke; again and again. A 503 while Postgres is away is expected and counted.</summary>
    private static async Task RestLoopAsync(HttpClient alice, HttpClient bob, ConcurrentQueue<(DateTimeOffset, bool)> calls, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var created = await Call(calls, () => alice.PostAsync(new Uri("/api/v1/elevations", UriKind.Relative), Json("""{"template":"pod-debug","namespaces":["payments"],"duration":"PT10M","reason":"soak"}"""), stop));
                if (created is not null && ElevationId(created) is { } id)
                {
                    await Call(calls, () => bob.PostAsync(new Uri($"/api/v1/elevations/{id}/approve", UriKind.Relative), Json("{}"), stop));
                    await Task.Delay(TimeSpan.FromSeconds(2), stop);
                    await Call(calls, () => bob.PostAsync(new Uri($"/api/v1/elevations/{id}/revoke", UriKind.Relative), Json("""{"reason":"soak done"}"""), stop));
                }

                await Task.Delay(TimeSpan.FromMilliseconds(500), stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private static async Task<string?> Call(ConcurrentQueue<(DateTimeOffset, bool)> calls, Func<Task<HttpResponseMessage>> send)
    {
        var at = DateTimeOffset.UtcNow;
        try
        {
            using var response = await send();
            var body = await response.Content.ReadAsStringAsync();
            calls.Enqueue((at, response.IsSuccessStatusCode));
            return response.IsSuccessStatusCode ? body : null;
        }
        catch (HttpRequestException)
        {
            calls.Enqueue((at, false));
            return null;
        }
    }

    private static Guid? ElevationId(string json) =>
        System.Text.Json.JsonDocument.Parse(json).RootElement.TryGetProperty("id", out var id) && id.TryGetGuid(out var guid) ? guid : null;

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    private static async Task DelayUntil(DateTimeOffset at)
    {
        var wait = at - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }
    }
}
