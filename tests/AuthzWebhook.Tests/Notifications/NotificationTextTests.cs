using AuthzWebhook.Notifications;

namespace AuthzWebhook.Tests.Notifications;

/// <summary>The sentence every format leads with must make sense alone, as a phone notification shows it.</summary>
public sealed class NotificationTextTests
{
    private static readonly NotificationEvent Requested = SampleNotifications.Requested;

    private static readonly Dictionary<string, (NotificationEvent Event, string Text)> Sentences = new()
    {
        ["requested"] = (Requested, "alice requested pod-debug in payments for PT30M (INC-4711): debugging a stuck payout"),
        ["approved"] = (SampleNotifications.Approved, "pod-debug for alice in payments (INC-4711) approved by bob (1 of 2)"),
        ["approved with a comment"] = (SampleNotifications.Approved with { Comment = "ok for today" }, "pod-debug for alice in payments (INC-4711) approved by bob (1 of 2): ok for today"),
        ["rejected"] = (Requested with { Event = "rejected", Actor = "bob", Comment = "use the runbook" }, "pod-debug for alice in payments (INC-4711) rejected by bob: use the runbook"),
        ["activated"] = (SampleNotifications.Activated, "pod-debug for alice in payments (INC-4711) is active until 2026-11-27 14:37 UTC"),
        ["revoked"] = (SampleNotifications.Revoked, "pod-debug for alice in payments (INC-4711) revoked by carol: payout fixed"),
        ["expired"] = (SampleNotifications.Activated with { Event = "expired", Actor = "system" }, "pod-debug for alice in payments (INC-4711) expired"),
        ["cancelled"] = (Requested with { Event = "cancelled" }, "pod-debug for alice in payments (INC-4711) cancelled by alice"),
        ["extended"] = (SampleNotifications.Activated with { Event = "extended", Actor = "bob" }, "pod-debug for alice in payments (INC-4711) extended by bob until 2026-11-27 14:37 UTC"),
        ["without a ticket, cluster-wide"] = (
            Requested with { Elevation = SampleNotifications.Pending with { Ticket = null, Namespaces = [] } },
            "alice requested pod-debug cluster-wide for PT30M: debugging a stuck payout"),
        ["in several namespaces"] = (
            SampleNotifications.Approved with { Elevation = SampleNotifications.Pending with { Namespaces = ["payments", "billing"], Approvals = 1 } },
            "pod-debug for alice in payments, billing (INC-4711) approved by bob (1 of 2)"),
    };

    public static TheoryData<string> Cases => [.. Sentences.Keys];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_event_reads_as_one_sentence(string name)
    {
        var (notification, text) = Sentences[name];

        Assert.Equal(text, NotificationText.Plain(notification));
    }

    [Fact]
    public void Every_event_has_its_own_wording()
    {
        foreach (var name in NotificationEvents.All)
        {
            var text = NotificationText.Plain(SampleNotifications.Activated with { Event = name });

            Assert.DoesNotContain($": {name} by", text, StringComparison.Ordinal);
        }
    }
}
