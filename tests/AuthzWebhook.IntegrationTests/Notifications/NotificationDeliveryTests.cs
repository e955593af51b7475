using System.Text;
using AuthzWebhook.IntegrationTests.Infrastructure;
using AuthzWebhook.Notifications;

namespace AuthzWebhook.IntegrationTests.Notifications;

/// <summary>What is queued in a committed transaction reaches each subscribed receiver in its format, at once.</summary>
public sealed class NotificationDeliveryTests(TestServers servers) : NotificationTest(servers)
{
    private static readonly Guid ElevationId = Guid.Parse("0193a4c2-7d1e-7000-8000-000000004711");

    [Fact]
    public async Task Each_format_reaches_its_receiver_right_after_the_commit_without_waiting_for_a_poll()
    {
        Respond("slack", 200);
        Respond("teams", 202);
        Respond("audit", 204);
        var settings = Settings(("slack", "slack", ["requested"]), ("teams", "teams", ["requested"]), ("audit", "json", ["requested"]));
        settings["AuthzWebhook:Notifications:Receivers:2:Headers:Authorization"] = "Bearer s3cret";
        var host = await StartDispatcherAsync(settings);
        var notification = Requested(ElevationId);

        // Fake time never moves in this test: only the nudge after the commit can wake the dispatcher.
        await EnqueueAsync(host.Outbox, notification);
        await EventuallyAsync(async () => (await OutboxAsync()).All(r => r.DeliveredAt is not null), TimeSpan.FromSeconds(10), "delivery to all three receivers");

        var link = "https://authz.example.com/elevations/" + ElevationId;
        var slack = Assert.Single(Received("slack"));
        Assert.Equal(Encoding.UTF8.GetString(SlackFormatter.Format(notification, link)), slack.Body);
        Assert.Contains("\"text\":\"alice requested pod-debug in payments for PT30M (INC-4711): debugging a stuck payout\"", slack.Body, StringComparison.Ordinal);
        var teams = Assert.Single(Received("teams"));
        Assert.Equal(Encoding.UTF8.GetString(TeamsFormatter.Format(notification, link)), teams.Body);
        Assert.Contains("\"contentType\":\"application/vnd.microsoft.card.adaptive\"", teams.Body, StringComparison.Ordinal);
        var audit = Assert.Single(Received("audit"));
        Assert.Equal(
            """{"event":"requested","time":"2026-11-27T14:00:00.000000Z","actor":"alice","comment":null,"elevation":{"id":"0193a4c2-7d1e-7000-8000-000000004711","state":"pending","template":"pod-debug","requester":"alice","namespaces":["payments"],"duration":"PT30M","reason":"debugging a stuck payout","ticket":"INC-4711","required_approvals":2,"approvals":0,"activated_at":null,"expires_at":null}}""",
            audit.Body);
        Assert.Equal("Bearer s3cret", Assert.Single(audit.Headers!["Authorization"]));
        Assert.False(slack.Headers!.ContainsKey("Authorization"));
        Assert.All([slack, teams, audit], r => Assert.Equal("application/json; charset=utf-8", Assert.Single(r.Headers!["Content-Type"])));
        Assert.All(await OutboxAsync(), r => Assert.Equal((1, "requested", ElevationId), (r.Attempts, r.Event, r.ElevationId)));
    }

    [Fact]
    public async Task Only_subscribed_receivers_get_a_row_and_a_rolled_back_change_queues_nothing()
    {
        Respond("requests", 200);
        Respond("revocations", 200);
        var host = await StartDispatcherAsync(Settings(("requests", "json", ["requested", "approved"]), ("revocations", "json", ["revoked"])));

        await using (var connection = await DataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await host.Outbox.EnqueueAsync(connection, transaction, Requested(), default);
            await transaction.RollbackAsync();
        }

        Assert.Empty(await OutboxAsync());
        await EnqueueAsync(host.Outbox, Requested());

        var row = Assert.Single(await OutboxAsync());
        Assert.Equal(("requests", "requested"), (row.Receiver, row.Event));
        await EventuallyAsync(async () => (await RowAsync("requests")).DeliveredAt is not null, TimeSpan.FromSeconds(10), "delivery");
        Assert.Empty(Received("revocations"));
    }

    [Fact]
    public async Task An_unknown_event_name_is_refused_rather_than_queued()
    {
        var outbox = StandaloneOutbox(("audit", ["requested"]));
        await using var connection = await DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => outbox.EnqueueAsync(connection, transaction, Requested() with { Event = "approve" }, default));
    }
}
