using System.Text.Json;
using System.Text.RegularExpressions;
using AuthzWebhook.Notifications;

namespace AuthzWebhook.Tests.Notifications;

/// <summary>
/// mrkdwn turns * _ ~ ` and line breaks into formatting and &lt;…&gt; into links and mentions, so user text must reach
/// Slack only as escaped plain text on one line, and never in the context line that carries our status and link.
/// </summary>
public sealed partial class SlackHostileInputTests
{
    public static TheoryData<string> Events => HostileNotifications.Events;

    [Theory]
    [MemberData(nameof(Events))]
    public void User_text_reaches_slack_only_as_escaped_plain_text(string @event)
    {
        using var body = Render(HostileNotifications.For(@event));

        // The top-level text is what notifications and clients without blocks show: it must not be read as mrkdwn.
        Assert.Equal(JsonValueKind.False, body.RootElement.GetProperty("mrkdwn").ValueKind);
        foreach (var (path, parent, value) in HostileNotifications.Strings(body.RootElement))
        {
            if (!value.Contains(HostileNotifications.Marker, StringComparison.Ordinal))
            {
                continue;
            }

            Assert.True(path == "$.text" || IsPlainText(path, parent), $"user text at {path} may be read as mrkdwn: {value}");
            Assert.False(value.Contains('<', StringComparison.Ordinal) || value.Contains('>', StringComparison.Ordinal), $"{path} holds an unescaped < or >: {value}");
            Assert.Matches(OnlyEntities(), value);
        }
    }

    [Theory]
    [MemberData(nameof(Events))]
    public void User_text_is_one_line_without_control_bidi_or_zero_width_characters(string @event)
    {
        using var body = Render(HostileNotifications.For(@event));

        foreach (var (path, _, value) in HostileNotifications.Strings(body.RootElement))
        {
            Assert.False(value.Any(HostileNotifications.IsHidden), $"{path} holds a line break or hidden character: {value}");
        }
    }

    [Theory]
    [InlineData(NotificationEvents.Requested, new[] { "ZQREQ", "ZQTPL", "ZQNS", "ZQDUR", "ZQTKT", "ZQRSN" })]
    [InlineData(NotificationEvents.Approved, new[] { "ZQTPL", "ZQREQ", "ZQNS", "ZQTKT", "ZQACT", "ZQCMT" })]
    [InlineData(NotificationEvents.Revoked, new[] { "ZQTPL", "ZQREQ", "ZQNS", "ZQTKT", "ZQACT", "ZQCMT" })]
    public void Every_user_field_the_sentence_names_is_still_shown(string @event, string[] markers)
    {
        using var body = Render(HostileNotifications.For(@event));

        var section = body.RootElement.GetProperty("blocks")[0].GetProperty("text").GetProperty("text").GetString()!;
        var text = body.RootElement.GetProperty("text").GetString()!;
        Assert.All(markers, marker => Assert.Contains(marker, section, StringComparison.Ordinal));
        Assert.All(markers, marker => Assert.Contains(marker, text, StringComparison.Ordinal));
    }

    [Fact]
    public void The_forged_status_reason_shows_as_one_line_of_literal_text_apart_from_our_status()
    {
        var notification = SampleNotifications.Requested with
        {
            Elevation = SampleNotifications.Pending with { Reason = HostileNotifications.ForgedStatus },
        };

        using var body = Render(notification);

        var blocks = body.RootElement.GetProperty("blocks");
        var section = blocks[0].GetProperty("text");
        Assert.Equal("plain_text", section.GetProperty("type").GetString());
        Assert.Equal(
            "alice requested pod-debug in payments for PT30M (INC-4711): routine **approved by lead (1 of 1)** [Approve in the portal](https://evil.example/login)",
            section.GetProperty("text").GetString());
        Assert.Equal(
            $"requested · <{SampleNotifications.ElevationLink}|elevation {SampleNotifications.Id}> · 2026-11-27 14:00 UTC",
            blocks[1].GetProperty("elements")[0].GetProperty("text").GetString());
    }

    [Fact]
    public void Very_long_user_text_is_shortened_to_what_slack_accepts_without_cutting_an_entity()
    {
        var notification = HostileNotifications.For(NotificationEvents.Approved) with
        {
            Actor = new string('a', 30_000),
            Comment = string.Concat(Enumerable.Repeat("<&> ", 10_000)),
            Elevation = HostileNotifications.For(NotificationEvents.Approved).Elevation with { Requester = new string('r', 30_000) },
        };

        using var body = Render(notification);

        // Slack refuses a message whose text object is over 3000 characters; it would be retried until given up on.
        foreach (var (path, parent, value) in HostileNotifications.Strings(body.RootElement))
        {
            if (IsPlainText(path, parent))
            {
                Assert.True(value.Length <= 3000, $"{path} is {value.Length} characters");
            }

            Assert.Matches(OnlyEntities(), value);
        }

        Assert.True(body.RootElement.GetProperty("text").GetString()!.Length <= 40_000);
    }

    private static JsonDocument Render(NotificationEvent notification) =>
        JsonDocument.Parse(SlackFormatter.Format(notification, SampleNotifications.ElevationLink));

    private static bool IsPlainText(string path, JsonElement parent) =>
        path.EndsWith(".text", StringComparison.Ordinal)
        && parent.ValueKind == JsonValueKind.Object
        && parent.TryGetProperty("type", out var type) && type.GetString() == "plain_text";

    /// <summary>Every &amp; starts one of the three entities Slack decodes.</summary>
    [GeneratedRegex("^(?:[^&]|&amp;|&lt;|&gt;)*$", RegexOptions.CultureInvariant)]
    private static partial Regex OnlyEntities();
}
