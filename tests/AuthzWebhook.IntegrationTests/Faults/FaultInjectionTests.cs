using AuthzWebhook.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace AuthzWebhook.IntegrationTests.Faults;

/// <summary>
/// Faults injected into real processes while reviews flow against two instances: for each, no revoked or expired
/// window honoured past its bound, no decision record lost or duplicated, every hash chain intact, and the time to
/// recover measured. <c>make test-faults</c> runs only these and prints the table (docs/reliability.md).
/// </summary>
[Trait("Category", "Faults")]
public sealed class FaultInjectionTests(TestServers servers, ITestOutputHelper output) : IntegrationTest(servers)
{
    private static readonly TimeSpan Steady = TimeSpan.FromSeconds(1);

    [Fact]
    public Task Redis_killed_and_restarted() => RunAsync(
        "Redis killed (SIGKILL) for 3 s, restarted empty", TimeSpan.FromSeconds(3), run => run.Redis.Kill(), run => run.Redis.Start());

    [Fact]
    public Task Redis_paused_longer_than_the_staleness_bound() => RunAsync(
        "Redis paused (SIGSTOP) for 4 s, over the 2 s bound", TimeSpan.FromSeconds(4), run => run.Redis.Pause(), run => run.Redis.Resume());

    [Fact]
    public Task Postgres_stopped_and_restarted() => RunAsync(
        "Postgres stopped for 3 s, restarted", TimeSpan.FromSeconds(3), run => run.Postgres.Stop(), run => run.Postgres.Start());

    [Fact]
    public Task Postgres_unreachable_longer_than_the_staleness_bound() => RunAsync(
        "Postgres unreachable for 4 s, over the 2 s bound", TimeSpan.FromSeconds(4), run => run.PostgresProxy.Cut(), run => run.PostgresProxy.Restore());

    [Fact]
    public async Task Change_feed_messages_silently_lost_are_caught_up_by_the_reconcile()
    {
        await using var run = await FaultRun.StartAsync(Pki, StartAsync);
        await Task.Delay(Steady);

        await run.RevokeWithoutFeedAsync();
        var caughtUp = await run.RevokedEverywhereAsync();
        await Task.Delay(Steady);

        var result = await run.AccountAsync("change feed lost the revocations (Postgres only)", caughtUp);
        result.Report(output);
        AssertNothingWentWrong(result);
    }

    [Fact]
    public async Task Change_feed_subscribers_dropped_as_revocations_are_published_are_caught_up_by_the_reconcile()
    {
        await using var run = await FaultRun.StartAsync(Pki, StartAsync);
        await Task.Delay(Steady);

        run.Redis.DropSubscribers();
        await run.RevokeAsync();
        var caughtUp = await run.RevokedEverywhereAsync();
        await Task.Delay(Steady);

        var result = await run.AccountAsync("change feed subscribers dropped (CLIENT KILL TYPE pubsub) as revocations are published", caughtUp);
        result.Report(output);
        AssertNothingWentWrong(result);
    }

    /// <summary>
    /// Injects a fault for <paramref name="duration"/> while reviews flow; half a second in, revokes windows through the
    /// first instance (whatever the fault lets through); then clears the fault, measures the time until every instance
    /// grants again undegraded, and accounts for every answer and record.
    /// </summary>
    private async Task RunAsync(string scenario, TimeSpan duration, Action<FaultRun> inject, Action<FaultRun> clear)
    {
        await using var run = await FaultRun.StartAsync(Pki, StartAsync);
        await Task.Delay(Steady);

        var injected = System.Diagnostics.Stopwatch.StartNew();
        inject(run);
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        var revoking = run.RevokeAsync();
        await Task.Delay(duration - injected.Elapsed);
        clear(run);
        var recovery = await run.RecoverAsync();
        await revoking;

        // Revocations the fault prevented (Postgres down) are made now, and must reach every replica as usual.
        await run.RevokeAsync();
        await Task.Delay(Steady * 2);

        var result = await run.AccountAsync(scenario, recovery);
        result.Report(output);
        AssertNothingWentWrong(result);
    }

    private Task<WebhookServer> StartAsync(string postgres, string redis) => StartServerAsync(postgres: postgres, redis: redis);

    private static void AssertNothingWentWrong(FaultResult result)
    {
        Assert.True(result.Reviews > 100, $"too few reviews to mean anything: {result.Row()}");
        Assert.Equal(0, result.Errors);
        Assert.Equal(0, result.WrongAllows);
        Assert.Equal(0, result.LostRecords);
        Assert.Equal(0, result.DuplicatedRecords);
        Assert.True(result.ChainsIntact, result.Row());
    }
}
