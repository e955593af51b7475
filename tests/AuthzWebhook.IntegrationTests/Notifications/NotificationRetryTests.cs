using AuthzWebhook.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AuthzWebhook.IntegrationTests.Notifications;

/// <summary>A receiver that fails, hangs or leaks nothing: retried with backoff, given up on in the end, never blocking others.</summary>
public sealed class NotificationRetryTests(TestServers servers) : NotificationTest(servers)
{
    private static readonly TimeSpan InitialBackoff = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task A_failing_receiver_is_retried_after_a_jittered_backoff_and_then_delivered_once()
    {
        RespondOnceThenSucceed("flaky", 500);
        var host = await StartDispatcherAsync(Settings(("flaky", "json", ["requested"])));

        await EnqueueAsync(host.Outbox, Requested());
        await EventuallyAsync(async () => (await RowAsync("flaky")).Attempts == 1, TimeSpan.FromSeconds(10), "the first attempt");

        var failed = await RowAsync("flaky");
        Assert.Equal("HTTP 500 (InternalServerError)", failed.LastError);
        Assert.Null(failed.DeliveredAt);
        Assert.Null(failed.LockedUntil);
        Assert.InRange(failed.NextAttemptAt, Start.UtcDateTime + (InitialBackoff / 2), Start.UtcDateTime + InitialBackoff);

        // Just before the retry is due, nothing is sent, nudged or not.
        Time.Advance(failed.NextAttemptAt - Start.UtcDateTime - TimeSpan.FromMilliseconds(1));
        host.Outbox.Nudge();
        await SettleAsync();
        Assert.Single(Received("flaky"));

        await AdvanceUntilAsync(async () => (await RowAsync("flaky")).DeliveredAt is not null, TimeSpan.FromMilliseconds(100), "the retry");
        Time.Advance(TimeSpan.FromMinutes(10));
        host.Outbox.Nudge();
        await SettleAsync();

        Assert.Equal(2, Received("flaky").Count);
        Assert.Equal(2, (await RowAsync("flaky")).Attempts);
    }

    [Fact]
    public async Task A_receiver_that_always_fails_is_given_up_on_after_MaxAttempts()
    {
        Respond("down", 503);
        var host = await StartDispatcherAsync(Settings(("down", "slack", ["requested"])));
        using var failures = new CounterRecorder(host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), "authz.notifications.failed");

        await EnqueueAsync(host.Outbox, Requested());
        await AdvanceUntilAsync(async () => (await RowAsync("down")).FailedAt is not null, TimeSpan.FromSeconds(1), "giving up");
        Time.Advance(TimeSpan.FromHours(1));
        host.Outbox.Nudge();
        await SettleAsync();

        var row = await RowAsync("down");
        Assert.Equal(3, row.Attempts);
        Assert.Equal("HTTP 503 (ServiceUnavailable)", row.LastError);
        Assert.Null(row.DeliveredAt);
        Assert.Equal(3, Received("down").Count);
        Assert.Equal([("down", "requested")], failures.Measurements);
        Assert.Contains(Logs.Lines, l => l.EventId == 6003 && l.Text.Contains("after 3 attempts", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_slow_receiver_holds_up_only_itself_and_its_attempt_ends_at_the_timeout()
    {
        Hang("slow");
        Respond("fast", 200);
        var host = await StartDispatcherAsync(Settings(("slow", "json", ["requested"]), ("fast", "teams", ["requested"])));

        await EnqueueAsync(host.Outbox, [.. Enumerable.Range(0, 5).Select(_ => Requested())]);
        await EventuallyAsync(async () => (await OutboxAsync("fast")).All(r => r.DeliveredAt is not null), TimeSpan.FromSeconds(10), "delivery to the fast receiver");

        var slow = await OutboxAsync("slow");
        Assert.Equal(5, Received("fast").Count);
        Assert.Single(slow, r => r.LockedUntil is not null);
        Assert.All(slow, r => Assert.Null(r.DeliveredAt));

        // Past the per-attempt timeout (fake time), the hanging request is abandoned and counts as a failed attempt.
        Time.Advance(TimeSpan.FromMinutes(5));
        await EventuallyAsync(async () => (await OutboxAsync("slow")).Any(r => r.Attempts == 1), TimeSpan.FromSeconds(10), "the timeout");
        var timedOut = (await OutboxAsync("slow")).Single(r => r.Attempts == 1);
        Assert.Equal("no response within 00:05:00", timedOut.LastError);
        Assert.Null(timedOut.DeliveredAt);
    }

    [Fact]
    public async Task Receiver_urls_and_header_values_never_reach_the_logs_or_the_outbox()
    {
        const string SecretPath = "services/T000/B000/XXXXsecret";
        RespondOnceThenSucceed(SecretPath, 401);
        var settings = Settings(("hook", "slack", ["requested"]));
        settings["AuthzWebhook:Notifications:Receivers:0:Url"] = UrlOf(SecretPath);
        settings["AuthzWebhook:Notifications:Receivers:0:Headers:Authorization"] = "Bearer s3cret";
        var host = await StartDispatcherAsync(settings);

        await EnqueueAsync(host.Outbox, Requested());
        await AdvanceUntilAsync(async () => (await RowAsync("hook")).DeliveredAt is not null, TimeSpan.FromSeconds(1), "delivery after a 401");

        Assert.Equal("HTTP 401 (Unauthorized)", (await RowAsync("hook")).LastError);
        Assert.Contains(Logs.Lines, l => l.EventId == 6002 && l.Text.Contains("HTTP 401", StringComparison.Ordinal));
        Assert.DoesNotContain(Logs.Lines, l => l.Text.Contains("XXXXsecret", StringComparison.Ordinal) || l.Text.Contains("s3cret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unreachable_receiver_is_recorded_by_error_category()
    {
        var settings = Settings(("gone", "json", ["requested"]));
        settings["AuthzWebhook:Notifications:Receivers:0:Url"] = $"http://127.0.0.1:{FreePort.Next()}/hook";
        var host = await StartDispatcherAsync(settings);

        await EnqueueAsync(host.Outbox, Requested());
        await EventuallyAsync(async () => (await RowAsync("gone")).Attempts == 1, TimeSpan.FromSeconds(10), "the first attempt");

        Assert.Equal("HttpRequestException (ConnectionError)", (await RowAsync("gone")).LastError);
    }

    [Fact]
    public async Task While_Postgres_is_unreachable_the_dispatcher_keeps_trying_and_delivers_once_it_is_back()
    {
        Respond("audit", 200);
        var postgres = new NpgsqlConnectionStringBuilder(Database);
        var proxy = Track(new TcpFaultProxy(postgres.Port));
        postgres.Host = "127.0.0.1";
        postgres.Port = proxy.Port;
        postgres.Timeout = 2;
        postgres.CommandTimeout = 2;
        var behindProxy = Track(NpgsqlDataSource.Create(postgres.ConnectionString));
        proxy.Cut();
        await StartDispatcherAsync(Settings(("audit", "json", ["requested"])), behindProxy);

        await EnqueueAsync(StandaloneOutbox(("audit", ["requested"])), Requested());
        await AdvanceUntilAsync(() => Task.FromResult(Logs.Lines.Count(l => l.EventId == 6005) >= 2), TimeSpan.FromSeconds(1), "two failed polls");
        Assert.Empty(Received("audit"));

        proxy.Restore();
        await AdvanceUntilAsync(async () => (await RowAsync("audit")).DeliveredAt is not null, TimeSpan.FromSeconds(1), "delivery after Postgres is back");
        Assert.Single(Received("audit"));
    }
}
