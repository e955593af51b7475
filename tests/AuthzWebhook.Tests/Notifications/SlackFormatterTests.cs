using System.Text;
using System.Text.Json;
using AuthzWebhook.Notifications;

namespace AuthzWebhook.Tests.Notifications;

/// <summary>Slack incoming-webhook bodies: a sentence that stands alone, the same as a plain-text section, and a context line.</summary>
public sealed class SlackFormatterTests
{
    [Fact]
    public void An_approval_becomes_text_a_section_and_a_context_line_linking_to_the_elevation()
    {
        var body = Encoding.UTF8.GetString(SlackFormatter.Format(SampleNotifications.Approved, SampleNotifications.ElevationLink));

        Assert.Equal(
            SampleNotifications.Compact(
                """
                {
                  "text": "pod-debug for alice in payments (INC-4711) approved by bob (1 of 2)",
                  "mrkdwn": false,
                  "blocks": [
                    { "type": "section", "text": { "type": "plain_text", "text": "pod-debug for alice in payments (INC-4711) approved by bob (1 of 2)", "emoji": false } },
                    { "type": "context", "elements": [ { "type": "mrkdwn", "text": "approved · <https://authz.example.com/elevations/0193a4c2-7d1e-7000-8000-000000004711|elevation 0193a4c2-7d1e-7000-8000-000000004711> · 2026-11-27 14:05 UTC" } ] }
                  ]
                }
                """),
            body);
    }

    [Fact]
    public void Without_a_link_the_context_line_names_the_elevation_id()
    {
        using var body = JsonDocument.Parse(SlackFormatter.Format(SampleNotifications.Requested, link: null));

        var context = body.RootElement.GetProperty("blocks")[1].GetProperty("elements")[0].GetProperty("text").GetString();
        Assert.Equal("requested · elevation 0193a4c2-7d1e-7000-8000-000000004711 · 2026-11-27 14:00 UTC", context);
    }

    [Fact]
    public void User_text_cannot_mention_a_channel_or_disguise_a_link()
    {
        var hostile = SampleNotifications.Requested with
        {
            Actor = "mallory",
            Elevation = SampleNotifications.Pending with
            {
                Requester = "mallory<@U123>",
                Reason = "<!channel> read <https://evil.example|the runbook> & approve",
                Ticket = "<INC>",
            },
        };

        using var body = JsonDocument.Parse(SlackFormatter.Format(hostile, link: null));

        Assert.Equal(
            "mallory&lt;@U123&gt; requested pod-debug in payments for PT30M (&lt;INC&gt;): &lt;!channel&gt; read &lt;https://evil.example|the runbook&gt; &amp; approve",
            body.RootElement.GetProperty("text").GetString());
        Assert.Equal(
            "mallory&lt;@U123&gt; requested pod-debug in payments for PT30M (&lt;INC&gt;): &lt;!channel&gt; read &lt;https://evil.example|the runbook&gt; &amp; approve",
            body.RootElement.GetProperty("blocks")[0].GetProperty("text").GetProperty("text").GetString());
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a & b", "a &amp; b")]
    [InlineData("<!here>", "&lt;!here&gt;")]
    [InlineData("&lt;", "&amp;lt;")]
    public void Escaping_covers_exactly_the_three_control_characters(string text, string escaped)
    {
        Assert.Equal(escaped, SlackFormatter.Escape(text));
    }

    [Theory]
    [InlineData("abcdef", 6, "abcdef")]
    [InlineData("abcdefg", 6, "abcde…")]
    [InlineData("abc&amp;", 6, "abc…")]
    [InlineData("ab&lt;cd", 6, "ab…")]
    [InlineData("&lt;&gt;x", 6, "&lt;…")]
    public void Shortening_escaped_text_never_cuts_an_entity(string escaped, int max, string shortened)
    {
        Assert.Equal(shortened, SlackFormatter.Shorten(escaped, max));
    }
}
