using System.Text.Json;
using AuthzWebhook.IntegrationTests.Infrastructure;
using AuthzWebhook.Notifications;

namespace AuthzWebhook.IntegrationTests.Notifications;

/// <summary>
/// Hostile user text survives the outbox (jsonb) unchanged, and chat receivers still get it only as plain text:
/// what is screened is what is delivered, not just what a formatter returns.
/// </summary>
public sealed class NotificationHostileTextTests(TestServers servers) : NotificationTest(servers)
{
    private const string Reason = "routine\n\n**approved by lead (1 of 1)**\n[Approve in the portal](https://evil.example/login) \u202Eexe\u202C z\u200Bw";

    private const string Requester = "mallory\u2028**approved** <!channel> @everyone";

    [Fact]
    public async Task Chat_receivers_get_user_text_as_plain_text_and_json_receivers_get_it_exactly()
    {
        Respond("slack", 200);
        Respond("teams", 200);
        Respond("audit", 200);
        var host = await StartDispatcherAsync(Settings(("slack", "slack", ["requested"]), ("teams", "teams", ["requested"]), ("audit", "json", ["requested"])));

        await EnqueueAsync(host.Outbox, Hostile());
        await EventuallyAsync(async () => (await OutboxAsync()).All(r => r.DeliveredAt is not null), TimeSpan.FromSeconds(10), "delivery to all three receivers");

        using var slack = JsonDocument.Parse(Assert.Single(Received("slack")).Body!);
        var section = slack.RootElement.GetProperty("blocks")[0].GetProperty("text");
        Assert.Equal("plain_text", section.GetProperty("type").GetString());
        Assert.Equal(
            "mallory **approved** &lt;!channel&gt; @everyone requested pod-debug in payments for PT30M (INC-4711): routine **approved by lead (1 of 1)** [Approve in the portal](https://evil.example/login) \uFFFDexe\uFFFD z\uFFFDw",
            section.GetProperty("text").GetString());

        using var teams = JsonDocument.Parse(Assert.Single(Received("teams")).Body!);
        var card = teams.RootElement.GetProperty("attachments")[0].GetProperty("content");
        var title = card.GetProperty("body")[0];
        Assert.Equal("RichTextBlock", title.GetProperty("type").GetString());
        Assert.Contains(
            title.GetProperty("inlines").EnumerateArray(),
            run => run.GetProperty("type").GetString() == "TextRun"
                && run.GetProperty("text").GetString() == "routine **approved by lead (1 of 1)** [Approve in the portal](https://evil.example/login) \uFFFDexe\uFFFD z\uFFFDw");
        Assert.DoesNotContain("\"TextBlock\",\"text\":\"routine", teams.RootElement.GetRawText(), StringComparison.Ordinal);

        using var audit = JsonDocument.Parse(Assert.Single(Received("audit")).Body!);
        var elevation = audit.RootElement.GetProperty("elevation");
        Assert.Equal(Reason, elevation.GetProperty("reason").GetString());
        Assert.Equal(Requester, elevation.GetProperty("requester").GetString());
    }

    private static NotificationEvent Hostile() => new(
        NotificationEvents.Requested,
        Start,
        Requester,
        null,
        new NotificationElevation(Guid.CreateVersion7(), "pending", "pod-debug", Requester, ["payments"], "PT30M", Reason, "INC-4711", 2, 0, null, null));
}
