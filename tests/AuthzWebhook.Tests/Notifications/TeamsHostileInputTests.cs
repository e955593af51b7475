using System.Text.Json;
using AuthzWebhook.Notifications;

namespace AuthzWebhook.Tests.Notifications;

/// <summary>
/// Adaptive Cards render Markdown in TextBlocks and facts, so user text (reasons, comments, tickets, names) must
/// reach a Teams card only as TextRuns, which render none, screened to one line, and never in our status or button.
/// </summary>
public sealed class TeamsHostileInputTests
{
    public static TheoryData<string> Events => HostileNotifications.Events;

    [Theory]
    [MemberData(nameof(Events))]
    public void User_text_reaches_the_card_only_as_text_runs_which_render_no_markdown(string @event)
    {
        using var body = Render(HostileNotifications.For(@event), SampleNotifications.ElevationLink);

        foreach (var (path, parent, value) in HostileNotifications.Strings(body.RootElement))
        {
            if (value.Contains(HostileNotifications.Marker, StringComparison.Ordinal))
            {
                Assert.True(IsTextRunText(path, parent), $"user text at {path} is not a TextRun: {value}");
            }
        }

        Assert.DoesNotContain("msteams", body.RootElement.GetRawText(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Events))]
    public void User_text_is_one_line_without_control_bidi_or_zero_width_characters(string @event)
    {
        using var body = Render(HostileNotifications.For(@event), SampleNotifications.ElevationLink);

        foreach (var (path, _, value) in HostileNotifications.Strings(body.RootElement))
        {
            Assert.False(value.Any(HostileNotifications.IsHidden), $"{path} holds a line break or hidden character: {value}");
        }
    }

    [Theory]
    [InlineData(NotificationEvents.Requested)]
    [InlineData(NotificationEvents.Approved)]
    [InlineData(NotificationEvents.Revoked)]
    public void Every_user_field_is_still_shown(string @event)
    {
        using var body = Render(HostileNotifications.For(@event), SampleNotifications.ElevationLink);

        var runs = TextRuns(body.RootElement).ToArray();
        Assert.All(HostileNotifications.Markers, marker => Assert.Contains(runs, r => r.Contains(marker, StringComparison.Ordinal)));
    }

    [Fact]
    public void The_forged_status_reason_shows_as_one_line_of_literal_text()
    {
        var notification = SampleNotifications.Requested with
        {
            Elevation = SampleNotifications.Pending with { Reason = HostileNotifications.ForgedStatus },
        };

        using var body = Render(notification, SampleNotifications.ElevationLink);

        var card = Card(body);
        var reasonRuns = TextRuns(card).Where(r => r.Contains("routine", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(reasonRuns);
        Assert.All(reasonRuns, r => Assert.Equal("routine **approved by lead (1 of 1)** [Approve in the portal](https://evil.example/login)", r));
        Assert.DoesNotContain("evil.example", ById(card, "status").GetRawText(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(NotificationEvents.Requested)]
    [InlineData(NotificationEvents.Approved)]
    [InlineData(NotificationEvents.Extended)]
    public void Our_status_and_button_stand_apart_and_hold_no_user_text(string @event)
    {
        using var body = Render(HostileNotifications.For(@event), SampleNotifications.ElevationLink);

        var card = Card(body);
        var status = ById(card, "status");
        Assert.DoesNotContain(HostileNotifications.Marker, status.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(
            [$"Event: {@event}", "State: pending", "Approvals: 1 of 2", "Expires: 2026-11-27 14:37 UTC", $"Elevation: {SampleNotifications.Id}"],
            Rows(status));
        Assert.DoesNotContain(HostileNotifications.Marker, card.GetProperty("actions").GetRawText(), StringComparison.Ordinal);

        // Only our button links anywhere: no element carries a URL or an action other than it.
        var links = HostileNotifications.Strings(card).Where(s => s.Path.EndsWith(".url", StringComparison.Ordinal)).Select(s => s.Value);
        Assert.Equal([SampleNotifications.ElevationLink], links);
        Assert.DoesNotContain("selectAction", card.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public void Very_long_user_text_is_shortened_so_the_card_stays_deliverable()
    {
        var notification = HostileNotifications.For(NotificationEvents.Approved) with
        {
            Actor = new string('a', 30_000),
            Comment = string.Concat(Enumerable.Repeat("&* ", 10_000)),
            Elevation = HostileNotifications.For(NotificationEvents.Approved).Elevation with { Requester = new string('r', 30_000), Reason = new string('x', 30_000) },
        };

        var bytes = TeamsFormatter.Format(notification, SampleNotifications.ElevationLink);

        // Teams refuses cards over 28 KB; a refused card would be retried until it is given up on.
        Assert.True(bytes.Length < 28 * 1024, $"the card is {bytes.Length} bytes");
        using var body = JsonDocument.Parse(bytes);
        Assert.Contains(TextRuns(body.RootElement), r => r.StartsWith("rrrr", StringComparison.Ordinal) && r.EndsWith('…'));
    }

    private static JsonDocument Render(NotificationEvent notification, string? link) => JsonDocument.Parse(TeamsFormatter.Format(notification, link));

    private static JsonElement Card(JsonDocument body) => body.RootElement.GetProperty("attachments")[0].GetProperty("content");

    private static bool IsTextRunText(string path, JsonElement parent) =>
        path.EndsWith(".text", StringComparison.Ordinal)
        && parent.ValueKind == JsonValueKind.Object
        && parent.TryGetProperty("type", out var type) && type.GetString() == "TextRun"
        && !parent.TryGetProperty("selectAction", out _);

    private static IEnumerable<string> TextRuns(JsonElement element) =>
        HostileNotifications.Strings(element).Where(s => IsTextRunText(s.Path, s.Parent)).Select(s => s.Value);

    /// <summary>The element with <paramref name="id"/>, wherever it is in the card body.</summary>
    private static JsonElement ById(JsonElement card, string id)
    {
        var found = HostileNotifications.Strings(card.GetProperty("body")).Where(s => s.Path.EndsWith(".id", StringComparison.Ordinal) && s.Value == id).ToArray();
        Assert.True(found.Length == 1, $"expected one element with id '{id}'");
        return found[0].Parent;
    }

    /// <summary>"Title: value" for each row of a container of label/value column sets.</summary>
    internal static string[] Rows(JsonElement container) =>
        [.. container.GetProperty("items").EnumerateArray().Select(row =>
        {
            var columns = row.GetProperty("columns");
            var title = columns[0].GetProperty("items")[0].GetProperty("text").GetString();
            var value = string.Concat(TextRuns(columns[1]));
            return $"{title}: {value}";
        })];
}
