using System.Text.Json;
using AuthzWebhook.IntegrationTests.Infrastructure;
using AuthzWebhook.Notifications;
using Microsoft.Extensions.DependencyInjection;

namespace AuthzWebhook.IntegrationTests.Notifications;

/// <summary>Several replicas share one outbox: each row is delivered by one of them, and none is lost to a restart or a rollout.</summary>
public sealed class NotificationReplicaTests(TestServers servers) : NotificationTest(servers)
{
    [Fact]
    public async Task Two_dispatchers_on_one_database_never_deliver_a_row_twice()
    {
        Respond("first", 200);
        Respond("second", 200);
        var settings = Settings(("first", "json", ["requested"]), ("second", "json", ["requested"]));
        var one = await StartDispatcherAsync(settings);
        var two = await StartDispatcherAsync(settings);
        var ids = Enumerable.Range(0, 60).Select(_ => Guid.CreateVersion7()).ToList();

        // Both replicas queue and are nudged, as both would serve lifecycle requests.
        await Task.WhenAll(
            EnqueueAsync(one.Outbox, [.. ids.Take(30).Select(id => Requested(id))]),
            EnqueueAsync(two.Outbox, [.. ids.Skip(30).Select(id => Requested(id))]));
        await EventuallyAsync(async () => (await OutboxAsync()).All(r => r.DeliveredAt is not null), TimeSpan.FromSeconds(20), "delivery of 120 rows");

        foreach (var receiver in new[] { "first", "second" })
        {
            var delivered = Received(receiver).Select(r => JsonDocument.Parse(r.Body!).RootElement.GetProperty("elevation").GetProperty("id").GetGuid()).ToList();
            Assert.Equal(ids.Order(), delivered.Order());
        }

        Assert.All(await OutboxAsync(), r => Assert.Equal(1, r.Attempts));
        var byReplica = Logs.Lines.Count(l => l.EventId == 6001);
        Assert.Equal(120, byReplica);
    }

    [Fact]
    public async Task Each_receiver_gets_its_messages_one_at_a_time_in_the_order_they_were_queued()
    {
        Respond("ordered", 200);
        var settings = Settings(("ordered", "json", ["requested"]));
        var one = await StartDispatcherAsync(settings);
        await StartDispatcherAsync(settings);
        var ids = Enumerable.Range(0, 20).Select(_ => Guid.CreateVersion7()).ToList();

        foreach (var id in ids)
        {
            await EnqueueAsync(one.Outbox, Requested(id));
        }

        await EventuallyAsync(async () => (await OutboxAsync()).All(r => r.DeliveredAt is not null), TimeSpan.FromSeconds(20), "delivery");

        var received = Received("ordered").OrderBy(r => r.DateTime).Select(r => JsonDocument.Parse(r.Body!).RootElement.GetProperty("elevation").GetProperty("id").GetGuid());
        Assert.Equal(ids, received);
    }

    [Fact]
    public async Task Queued_and_in_flight_notifications_survive_a_dispatcher_restart()
    {
        Respond("flaky", 500);
        Hang("slow");
        var settings = Settings(("flaky", "json", ["requested"]), ("slow", "json", ["requested"]), ("later", "json", ["revoked"]));
        var first = await StartDispatcherAsync(settings);
        await EnqueueAsync(first.Outbox, Requested());
        await EventuallyAsync(
            async () => (await RowAsync("flaky")).Attempts == 1 && (await RowAsync("slow")).LockedUntil is not null,
            TimeSpan.FromSeconds(10),
            "a failed attempt and a delivery in flight");

        await first.StopAsync();

        // The stop released the claim on the hanging delivery: another replica need not wait for the lease to lapse.
        var slow = await RowAsync("slow");
        Assert.Equal((0, null, null), (slow.Attempts, slow.LockedUntil, slow.DeliveredAt));
        Assert.Null((await RowAsync("flaky")).DeliveredAt);
        await EnqueueAsync(StandaloneOutbox(("later", ["requested"])), Requested());
        Receivers.ResetMappings();
        Respond("flaky", 200);
        Respond("slow", 200);
        Respond("later", 200);

        await StartDispatcherAsync(settings);
        await EventuallyAsync(
            async () => (await RowAsync("slow")).DeliveredAt is not null && (await RowAsync("later")).DeliveredAt is not null,
            TimeSpan.FromSeconds(10),
            "delivery of what was in flight and what was queued while no dispatcher ran");
        Assert.Null((await RowAsync("flaky")).DeliveredAt);
        await AdvanceUntilAsync(async () => (await RowAsync("flaky")).DeliveredAt is not null, TimeSpan.FromSeconds(1), "the retry after the restart");

        Assert.Equal(2, (await RowAsync("flaky")).Attempts);
        Assert.Equal(2, Received("flaky").Count);
    }

    [Fact]
    public async Task Rows_for_a_receiver_no_longer_configured_are_failed_only_after_a_grace_period()
    {
        Respond("current", 200);
        await EnqueueAsync(StandaloneOutbox(("retired", ["requested"]), ("current", ["requested"])), Requested());
        var host = await StartDispatcherAsync(Settings(("current", "json", ["requested"])));
        using var failures = new CounterRecorder(host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), "authz.notifications.failed");

        await EventuallyAsync(async () => (await RowAsync("current")).DeliveredAt is not null, TimeSpan.FromSeconds(10), "delivery to the configured receiver");

        // A replica still on an older configuration during a rollout must not fail rows meant for a newer receiver.
        Time.Advance(NotificationDispatcher.UnknownReceiverGrace - TimeSpan.FromSeconds(2));
        host.Outbox.Nudge();
        await SettleAsync();
        Assert.Null((await RowAsync("retired")).FailedAt);

        await AdvanceUntilAsync(async () => (await RowAsync("retired")).FailedAt is not null, TimeSpan.FromSeconds(1), "giving up on the retired receiver");
        var retired = await RowAsync("retired");
        Assert.Equal("receiver is not configured under AuthzWebhook:Notifications:Receivers", retired.LastError);
        Assert.Equal(0, retired.Attempts);
        // The row is marked failed before the counter moves: wait for the count rather than race it.
        await EventuallyAsync(() => Task.FromResult(failures.Measurements.Count > 0), TimeSpan.FromSeconds(5), "the failure counted");
        Assert.Equal([("retired", "requested")], failures.Measurements);
        Assert.Contains(Logs.Lines, l => l.EventId == 6004 && l.Text.Contains("retired", StringComparison.Ordinal));
    }
}
